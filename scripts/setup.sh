#!/usr/bin/env bash
# Installs the Debian (bookworm) packages taskcore needs to build, test and run. Idempotent and
# quiet when everything is already there.
set -euo pipefail

packages=(
    g++ cmake make pkg-config ca-certificates openssl
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
    libpqxx-dev libsqlitecpp-dev libsqlite3-dev libssl-dev
    catch2 postgresql curl haproxy prometheus chromium
    clang-format clang-tidy clang libclang-rt-14-dev
    dpkg-dev file systemd  # the package test: dpkg-shlibdeps for CPack, systemd-analyze
)

# node and npm fetch the /docs assets and run the interop tests; any recent Node.js will do.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # The package starts a system cluster on port 5432; taskcore's scripts use their own
    # throwaway clusters, so leave the system one as the package left it.
    echo "setup: done"
fi

# The /docs page's Swagger UI (pinned in server/docs-ui/package-lock.json), embedded by the
# server build; installed once.
docs_ui="$(dirname "$0")/../server/docs-ui"
if [ ! -f "$docs_ui/node_modules/swagger-ui-dist/package.json" ]; then
    echo "setup: installing the /docs assets (npm ci --prefix server/docs-ui)"
    npm ci --prefix "$docs_ui" --no-audit --no-fund --loglevel=error >/dev/null
fi

#!/usr/bin/env bash
# Installs the Debian (bookworm) packages taskcore needs to build, test and run. Idempotent and
# quiet when everything is already there.
set -euo pipefail

packages=(
    g++ cmake make pkg-config ca-certificates openssl
    libboost1.81-dev libboost-json1.81-dev
    libpqxx-dev libsqlitecpp-dev libsqlite3-dev libssl-dev
    catch2 postgresql curl haproxy prometheus
    clang-format clang-tidy clang libclang-rt-14-dev
)

# node and npm run the Better Auth interop test; any recent Node.js will do.
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The package starts a system cluster on port 5432; taskcore's scripts use their own
# throwaway clusters, so leave the system one as the package left it.
echo "setup: done"

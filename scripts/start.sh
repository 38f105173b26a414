#!/usr/bin/env bash
# First run on a fresh machine: installs dependencies, builds a Release server (progress only;
# the full build log is build/release/build.log), creates .env with a random secret if there is
# none, seeds demo data (printing a token variable per demo user), then serves on SQLite and
# prints the API page's URL. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
mkdir -p build/release
# Progress on one line ("[ 42%]"); every compile line goes to the log only.
if ! cmake --build --preset release 2>&1 | tee build/release/build.log |
    { grep --line-buffered -o '^\[ *[0-9]*%\]' || true; } | while read -r step; do
        printf '\rstart: building %s' "$step"
    done; then
    echo
    echo "start: build failed; the end of build/release/build.log:"
    tail -n 40 build/release/build.log
    exit 1
fi
echo " done"

if [ ! -f .env ]; then
    secret=$(openssl rand -hex 32)
    sed "s/^BETTER_AUTH_SECRET=.*/BETTER_AUTH_SECRET=$secret/" .env.example > .env
    echo "start: created .env with a random BETTER_AUTH_SECRET (edit it to match your front end)"
fi

build/release/server/taskcore-server seed
port=$(sed -n 's/^PORT=\([0-9]*\).*/\1/p' .env | tail -n 1)
echo
echo "start: API page (Swagger UI): http://localhost:${PORT:-${port:-8000}}/docs"
echo "start: paste a block above into your shell, then run its curl line"
echo
exec build/release/server/taskcore-server serve

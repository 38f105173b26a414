#!/usr/bin/env bash
# First run on a fresh machine: installs dependencies, builds a Release server, creates .env with
# a random secret if there is none, seeds demo data (printing tokens to try the API), then serves
# on SQLite. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release

if [ ! -f .env ]; then
    secret=$(openssl rand -hex 32)
    sed "s/^BETTER_AUTH_SECRET=.*/BETTER_AUTH_SECRET=$secret/" .env.example > .env
    echo "start: created .env with a random BETTER_AUTH_SECRET (edit it to match your front end)"
fi

build/release/server/taskcore-server seed
echo
exec build/release/server/taskcore-server serve

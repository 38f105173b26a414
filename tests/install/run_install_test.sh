#!/usr/bin/env bash
# Installs the taskcore build into a scratch prefix and builds a separate consumer project against
# it with find_package(taskcore); the consumer's own run checks that the library works.
set -euo pipefail
build_dir=$1 consumer_src=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$consumer_src" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" -j2 >/dev/null
"$work/build/consumer"

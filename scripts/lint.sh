#!/usr/bin/env bash
# Static checks over libtaskcore/ and server/: clang-format (the repository's .clang-format) and
# clang-tidy (.clang-tidy), zero findings allowed. Usage: scripts/lint.sh BUILD_DIR (a configured
# build with compile_commands.json, e.g. build/ci from `cmake --preset ci`).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: scripts/lint.sh BUILD_DIR}
[ -f "$build_dir/compile_commands.json" ] || {
    echo "FATAL: $build_dir/compile_commands.json missing (configure with CMAKE_EXPORT_COMPILE_COMMANDS)" >&2
    exit 1
}
for tool in clang-format clang-tidy run-clang-tidy; do
    command -v "$tool" >/dev/null || { echo "FATAL: $tool not installed (scripts/setup.sh)" >&2; exit 1; }
done

mapfile -t sources < <(git ls-files 'libtaskcore/*.cpp' 'libtaskcore/*.hpp' 'server/*.cpp' \
    'server/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'fuzz/*.cpp')
unformatted=()
for f in "${sources[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -gt 0 ]; then
    echo "lint: clang-format would change: ${unformatted[*]}" >&2
    exit 1
fi
echo "lint: clang-format: ${#sources[@]} files clean"

# catch_discover_tests splits test names at ';' (a CMake list), so such a test is registered
# under a cut name that matches nothing, and ctest reports it passed without running it.
if grep -nE 'TEST_CASE(_METHOD)?\([^"]*"[^"]*;' $(git ls-files 'tests/*.cpp'); then
    echo "lint: a test name above contains ';': ctest would never run it" >&2
    exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
run-clang-tidy -p "$build_dir" -j"$(nproc)" -quiet "$PWD/(libtaskcore/src|server)/.*\.cpp\$" \
    >"$log" 2>&1 || true
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^/.*: (warning|error): ' | sort -u || true)
if [ -n "$findings" ]; then
    echo "lint: clang-tidy findings:" >&2
    echo "$findings" >&2
    exit 1
fi
if grep -qE 'error: unable to|Error while processing' "$log"; then
    echo "lint: clang-tidy could not process a file:" >&2
    grep -E 'error: unable to|Error while processing' "$log" >&2
    exit 1
fi
echo "lint: clang-tidy: 0 findings in libtaskcore/ and server/"

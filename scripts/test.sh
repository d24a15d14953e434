#!/usr/bin/env bash
# Installs everything, builds prodready and runs the whole test suite (unit
# tests + lit tests through all three front-ends) with CTest.
#   scripts/test.sh               against LLVM 19 (default)
#   scripts/test.sh --llvm 22     against LLVM 22
# Environment: PRODREADY_JOBS (default: nproc), PRODREADY_BUILD_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

llvm=19
while [ $# -gt 0 ]; do
  case "$1" in
    --llvm) llvm="${2:?--llvm needs a major version}"; shift 2 ;;
    --llvm=*) llvm="${1#--llvm=}"; shift ;;
    *) echo "test.sh: unknown argument '$1' (known: --llvm N)" >&2; exit 2 ;;
  esac
done
jobs="${PRODREADY_JOBS:-$(nproc)}"
build="${PRODREADY_BUILD_DIR:-build-llvm$llvm}"

if [ "$(id -u)" = 0 ]; then scripts/setup.sh; else sudo scripts/setup.sh; fi

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DPRODREADY_LLVM_ROOT="/usr/lib/llvm-$llvm" > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" -j"$jobs" --output-on-failure --timeout 900

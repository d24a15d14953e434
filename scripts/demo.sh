#!/usr/bin/env bash
# Installs everything, builds prodready and runs it over the example service
# in examples/service, printing what it finds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${PRODREADY_JOBS:-$(nproc)}"
build="${PRODREADY_BUILD_DIR:-build-llvm19}"

if [ "$(id -u)" = 0 ]; then scripts/setup.sh; else sudo scripts/setup.sh; fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release > "$build.configure.log" 2>&1 \
  || { cat "$build.configure.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target prodready

# The example's own build writes its compile_commands.json.
ex_build="$build/examples-service"
cmake -S examples/service -B "$ex_build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > /dev/null
echo
echo "== prodready sweep over examples/service (configured by examples/service/.clang-tidy) =="
status=0
"$build/bin/prodready" sweep -p "$ex_build" -j"$jobs" --no-cache \
    --html="$build/examples-report.html" --sarif="$build/examples-report.sarif" || status=$?
echo
echo "== exit status $status (1 = findings; see docs/sweep.md). HTML report: $build/examples-report.html =="

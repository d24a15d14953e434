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
echo "== prodready over examples/service (its .clang-tidy enables prodready-*) =="
status=0
"$build/bin/prodready" -p "$ex_build" --quiet examples/service/src/*.cpp || status=$?
echo "== prodready exited with $status (findings are warnings; see docs/user-guide.md to make them errors) =="

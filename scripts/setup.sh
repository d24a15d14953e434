#!/usr/bin/env bash
# Installs every Debian package prodready needs to build, test and demo.
# Idempotent: packages already present are skipped by apt-get. Run as root.
# Installs LLVM 19 (the default toolchain) and LLVM 22 (bookworm-security; the
# second supported toolchain, and the "other version" the version-guard test
# loads the module into), plus every header the tests compile against.
set -euo pipefail

for a in "$@"; do
  case "$a" in
    --llvm22) ;; # accepted for compatibility: LLVM 22 is always installed
    *) echo "setup.sh: unknown argument '$a'" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: must run as root (apt-get install)" >&2; exit 2
fi

pkgs=(
  # build
  cmake make g++ git python3 ninja-build
  # LLVM 19: compiler, clang-tidy, libraries, CMake packages, lit/FileCheck
  clang-19 clang-tidy-19 clang-tools-19 libclang-19-dev libclang-cpp19-dev llvm-19-dev llvm-19-tools
  # libraries used by lib/
  nlohmann-json3-dev libsqlite3-dev libpg-query-dev libgtest-dev
  # prodready-unindexed-query: a real PostgreSQL for the differential test,
  # libFuzzer runtime for the bounded fuzz run of lib/sql
  postgresql libclang-rt-19-dev
  # real framework and client headers the lit tests and examples compile against
  libcpp-httplib-dev libpistache-dev libcpprest-dev libboost-dev libcivetweb-dev libpoco-dev
  libpqxx-dev libpq-dev libsqlitecpp-dev libsoci-dev libmysqlcppconn-dev libmariadb-dev unixodbc-dev qtbase5-dev
  libhiredis-dev libcurl4-openssl-dev libcpp-jwt-dev libssl-dev
)
# (no libclang-rt-22-dev: the bounded libFuzzer run of lib/sql runs in the LLVM 19 leg)
pkgs+=(clang-22 clang-tidy-22 libclang-22-dev libclang-cpp22-dev llvm-22-dev llvm-22-tools)
# benchmarks (bench/run.py): GNU time for peak RSS, valgrind for instruction counts/profiles
pkgs+=(time valgrind)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup.sh: all ${#pkgs[@]} packages present"
else
  echo "setup.sh: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The SARIF validator used by the sweep tests (npm registry; pinned in
# test/sarif/package.json). Idempotent: skipped when already installed.
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -x "$here/test/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    apt-get install -y -qq --no-install-recommends nodejs npm
  fi
  (cd "$here/test/sarif" && npm install --no-audit --no-fund --loglevel=error)
  chmod u+x "$here/test/sarif/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
fi

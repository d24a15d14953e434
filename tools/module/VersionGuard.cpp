//===- VersionGuard.cpp - refuse to run inside the wrong clang-tidy -------===//
//
// A clang-tidy module built against one LLVM major and loaded into the
// clang-tidy of another one does not fail: it lists its checks and reports
// nothing, exit 0 -- a CI gate that silently passes. This guard runs when the
// module is loaded (before the module registers itself), asks the host process
// which clang it is, and stops the process with a message naming both versions
// when the majors differ.
//
// The host's version is looked up with dlsym, not by calling the function
// directly, so that a host without the symbol cannot make loading fail.
//
//===----------------------------------------------------------------------===//
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#ifndef PRODREADY_LLVM_MAJOR
#error "PRODREADY_LLVM_MAJOR must be defined by the build"
#endif

namespace {

/// Extracts the major number after "version " in a clang version string.
int majorFromVersionString(const std::string &S) {
  size_t P = S.find("version ");
  if (P == std::string::npos)
    return -1;
  P += 8;
  int Major = 0;
  bool Any = false;
  while (P < S.size() && S[P] >= '0' && S[P] <= '9') {
    Major = Major * 10 + (S[P] - '0');
    ++P;
    Any = true;
  }
  return Any ? Major : -1;
}

__attribute__((constructor(101))) void prodreadyVersionGuard() {
  if (const char *Skip = std::getenv("PRODREADY_SKIP_VERSION_GUARD"); Skip && *Skip == '1')
    return;
  // std::string clang::getClangFullVersion()
  using VersionFn = std::string (*)();
  // (returns std::string, hence the cxx11 ABI tag in the mangled name).
  void *Sym = dlsym(RTLD_DEFAULT, "_ZN5clang19getClangFullVersionB5cxx11Ev");
  if (!Sym)
    Sym = dlsym(RTLD_DEFAULT, "_ZN5clang19getClangFullVersionEv");
  if (!Sym)
    return; // Not hosted by a clang tool we can ask; nothing to compare.
  std::string Host = reinterpret_cast<VersionFn>(Sym)();
  int HostMajor = majorFromVersionString(Host);
  if (HostMajor < 0 || HostMajor == PRODREADY_LLVM_MAJOR)
    return;
  std::fprintf(stderr,
               "error: prodready-tidy-module was built for LLVM %d but is loaded into a "
               "clang-tidy from LLVM %d (%s).\n"
               "error: a module of another LLVM major would list its checks and report "
               "nothing; refusing to run.\n"
               "note: use clang-tidy-%d, or rebuild prodready with "
               "-DPRODREADY_LLVM_ROOT=/usr/lib/llvm-%d\n",
               PRODREADY_LLVM_MAJOR, HostMajor, Host.c_str(), PRODREADY_LLVM_MAJOR, HostMajor);
  std::fflush(stderr);
  _exit(3);
}

} // namespace

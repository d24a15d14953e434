//===- main.cpp - the prodready executable --------------------------------===//
//
//   prodready [clang-tidy args...]     clang-tidy with the prodready checks built in
//   prodready tidy [clang-tidy args]   the same, explicitly
//   prodready sweep -p <build> ...     whole-codebase run with reports (Sweep.cpp)
//   prodready merge a.json b.json ...  combine sweep reports (CI shards)
//   prodready version | --version      versions
//   prodready help                     this text
//
// Called through a symlink or copy whose name contains "clang-tidy", it is
// exactly clang-tidy (for editors that want a clang-tidy path). When no
// -checks is given, prodready-* is added to the configured checks.
//
//===----------------------------------------------------------------------===//
#include "checks/ProdReadyModule.h"
#include "tools/prodready/Sweep.h"

#include "clang-tidy/tool/ClangTidyMain.h"
#include "clang/Basic/Version.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

static int ProdReadyModuleAnchorDest [[maybe_unused]] = ProdReadyModuleAnchorSource;

namespace {

void printHelp(llvm::raw_ostream &OS) {
  OS << "prodready " PRODREADY_VERSION " - production-readiness checks for C++ services\n\n"
        "usage:\n"
        "  prodready [clang-tidy options] <source>... [-- <compiler args>]\n"
        "      run clang-tidy with the prodready checks built in (prodready-* are\n"
        "      enabled unless -checks is given)\n"
        "  prodready tidy [clang-tidy options] ...   the same, explicitly\n"
        "  prodready sweep -p <build dir> [...]      analyse a whole compilation database in\n"
        "                                            parallel; JSON/SARIF/HTML reports,\n"
        "                                            baselines, fixes, cache (sweep --help)\n"
        "  prodready merge <report.json>... [...]    combine sweep reports (merge --help)\n"
        "  prodready version                         print versions\n"
        "  prodready help                            this text\n\n"
        "Every clang-tidy option works; see 'prodready --help' for them.\n";
}

bool hasChecksArg(int Argc, const char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    if (A == "--") // compiler arguments follow
      break;
    if (A.starts_with("-checks") || A.starts_with("--checks"))
      return true;
  }
  return false;
}

int runTidy(std::vector<const char *> Args) {
  if (!hasChecksArg(static_cast<int>(Args.size()), Args.data()))
    Args.insert(Args.begin() + 1, "--checks=prodready-*");
  Args.push_back(nullptr);
  return clang::tidy::clangTidyMain(static_cast<int>(Args.size()) - 1, Args.data());
}

} // namespace

int main(int Argc, const char **Argv) {
  llvm::StringRef Self(Argv[0]);
  std::vector<const char *> Args(Argv, Argv + Argc);
  if (llvm::sys::path::filename(Self).contains("clang-tidy")) {
    Args.push_back(nullptr);
    return clang::tidy::clangTidyMain(Argc, Args.data());
  }
  if (Argc >= 2) {
    llvm::StringRef Cmd(Argv[1]);
    if (Cmd == "tidy") {
      Args.erase(Args.begin() + 1);
      return runTidy(Args);
    }
    if (Cmd == "sweep")
      return prodready::tool::sweepMain(Argc - 1, Argv + 1);
    if (Cmd == "merge")
      return prodready::tool::mergeMain(Argc - 1, Argv + 1);
    if (Cmd == "help" || Cmd == "-h") {
      printHelp(llvm::outs());
      return 0;
    }
    if (Cmd == "version") {
      llvm::outs() << "prodready " PRODREADY_VERSION "\n"
                   << "built with " << clang::getClangFullVersion() << "\n";
      return 0;
    }
    if (!Cmd.starts_with("-") && !Cmd.contains('.') && !Cmd.contains('/')) {
      llvm::errs() << "prodready: unknown command '" << Cmd
                   << "' (commands: tidy, sweep, merge, version, help; or clang-tidy arguments)\n";
      return 2;
    }
  }
  return runTidy(Args);
}

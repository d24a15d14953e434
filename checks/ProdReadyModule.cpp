//===- ProdReadyModule.cpp - registers the prodready checks ---------------===//
//
// The one place that lists the checks. The same object file is linked into
// all three front-ends (clang-tidy --load module, compiler plugin, prodready
// binary), so they always offer the same checks.
//
//===----------------------------------------------------------------------===//
#include "checks/ProdReadyModule.h"
#include "checks/ProdReadyCheck.h"
#include "checks/HardcodedCredentialCheck.h"
#include "checks/TrustedClientIdCheck.h"
#include "checks/UnboundedCacheCheck.h"
#include "checks/UnindexedQueryCheck.h"

#if PRODREADY_LLVM_MAJOR >= 22
#include "clang-tidy/ClangTidyModule.h"
#else
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif

using namespace clang::tidy;

namespace prodready {

/// Registers check \p T under \p Name; after construction the check validates
/// its options (unknown/misspelt options are reported, not ignored).
template <class T>
static void registerProdReadyCheck(ClangTidyCheckFactories &Factories, llvm::StringRef Name) {
  Factories.registerCheckFactory(
      Name, [](llvm::StringRef CheckName, ClangTidyContext *Context) {
        auto Check = std::make_unique<T>(CheckName, Context);
        Check->validateOptions();
        return std::unique_ptr<ClangTidyCheck>(std::move(Check));
      });
}

namespace {
class ProdReadyModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    // One line per check, in alphabetical order.
    (void)Factories;
    registerProdReadyCheck<HardcodedCredentialCheck>(Factories, "prodready-hardcoded-credential");
    registerProdReadyCheck<TrustedClientIdCheck>(Factories, "prodready-trusted-client-id");
    registerProdReadyCheck<UnboundedCacheCheck>(Factories, "prodready-unbounded-cache");
    registerProdReadyCheck<UnindexedQueryCheck>(Factories, "prodready-unindexed-query");
  }

  ClangTidyOptions getModuleOptions() override { return ClangTidyOptions(); }
};
} // namespace

} // namespace prodready

namespace clang::tidy {
// Register the module with clang-tidy's registry (static initialisation).
static ClangTidyModuleRegistry::Add<prodready::ProdReadyModule>
    ProdReadyModuleRegistration("prodready-module",
                                "prodready: production-readiness checks for C++ services.");
} // namespace clang::tidy

// Referenced by the front-ends so the linker keeps this object.
volatile int ProdReadyModuleAnchorSource = 0;

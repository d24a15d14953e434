//===- ProdReadyPlugin.cpp - prodready as a clang compiler plugin ---------===//
//
// Runs the prodready checks inside the real compile:
//
//   clang++-19 -fplugin=prodready-plugin.so [-fplugin-arg-prodready-<arg>...] -c x.cpp
//
// Arguments (each as -fplugin-arg-prodready-<arg>):
//   checks=<glob>    checks to run, like clang-tidy -checks (default prodready-*)
//   config=<yaml>    like clang-tidy -config (CheckOptions etc.)
//   error            turn prodready findings into compile errors (CI gate)
//   help             print this list
// .clang-tidy files are read from the source file's directory upwards, like
// clang-tidy does; NOLINT comments are honoured.
//
// Only the prodready module is linked into this plugin, so only prodready
// checks exist here.
//
//===----------------------------------------------------------------------===//
#include "checks/ProdReadyModule.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace clang::tidy;

namespace {

/// Re-emits clang-tidy's diagnostics into the compiler's diagnostics engine,
/// optionally as errors, keeping location, ranges and fix-it hints.
class ForwardToCompiler : public DiagnosticConsumer {
public:
  ForwardToCompiler(DiagnosticsEngine &Target, bool AsErrors)
      : Target(Target), AsErrors(AsErrors) {}

  void HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    DiagnosticIDs::Level Out;
    switch (Level) {
    case DiagnosticsEngine::Note:
      Out = DiagnosticIDs::Note;
      break;
    case DiagnosticsEngine::Remark:
      Out = DiagnosticIDs::Remark;
      break;
    case DiagnosticsEngine::Warning:
      Out = AsErrors ? DiagnosticIDs::Error : DiagnosticIDs::Warning;
      break;
    case DiagnosticsEngine::Error:
    case DiagnosticsEngine::Fatal:
      Out = DiagnosticIDs::Error;
      break;
    default:
      Out = DiagnosticIDs::Warning;
      break;
    }
    unsigned ID = Target.getDiagnosticIDs()->getCustomDiagID(Out, "%0");
    auto Builder = Target.Report(Info.getLocation(), ID);
    Builder << Message.str();
    for (const CharSourceRange &R : Info.getRanges())
      Builder << R;
    for (const FixItHint &F : Info.getFixItHints())
      Builder << F;
  }

private:
  DiagnosticsEngine &Target;
  bool AsErrors;
};

/// Keeps clang-tidy's context and diagnostics engine alive for as long as the
/// AST consumer that uses them.
class OwningConsumer : public MultiplexConsumer {
public:
  OwningConsumer(std::unique_ptr<ClangTidyContext> Ctx,
                 std::unique_ptr<ForwardToCompiler> Forward,
                 std::unique_ptr<DiagnosticsEngine> ForwardEngine,
                 std::unique_ptr<DiagnosticsEngine> TidyEngine,
                 std::unique_ptr<ASTConsumer> Inner)
      : MultiplexConsumer(makeVector(std::move(Inner))), ForwardEngine(std::move(ForwardEngine)),
        Ctx(std::move(Ctx)), Forward(std::move(Forward)), TidyEngine(std::move(TidyEngine)) {}

private:
  static std::vector<std::unique_ptr<ASTConsumer>> makeVector(std::unique_ptr<ASTConsumer> C) {
    std::vector<std::unique_ptr<ASTConsumer>> V;
    V.push_back(std::move(C));
    return V;
  }
  // The consumer owns the forwarding engine: the plugin action object is
  // destroyed by clang right after CreateASTConsumer, so it cannot hold it.
  std::unique_ptr<DiagnosticsEngine> ForwardEngine;
  std::unique_ptr<ClangTidyContext> Ctx;
  std::unique_ptr<ForwardToCompiler> Forward;
  std::unique_ptr<DiagnosticsEngine> TidyEngine;
};

class ProdReadyPluginAction : public PluginASTAction {
public:
  ActionType getActionType() override { return AddAfterMainAction; }

  bool ParseArgs(const CompilerInstance &CI, const std::vector<std::string> &Args) override {
    for (const std::string &A : Args) {
      llvm::StringRef Arg(A);
      if (Arg.consume_front("checks=")) {
        Checks = Arg.str();
      } else if (Arg.consume_front("config=")) {
        auto Parsed = parseConfiguration(llvm::MemoryBufferRef(Arg, "-fplugin-arg-prodready-config"));
        if (!Parsed) {
          reportArgError(CI, "invalid config '" + Arg.str() + "': " + Parsed.getError().message());
          return false;
        }
        ConfigOverride = *Parsed;
        HaveConfig = true;
      } else if (Arg == "error" || Arg == "werror") {
        AsErrors = true;
      } else if (Arg == "help") {
        llvm::errs() << "prodready compiler plugin; -fplugin-arg-prodready-<arg> with <arg>:\n"
                        "  checks=<glob>   checks to run (default: prodready-*)\n"
                        "  config=<yaml>   clang-tidy configuration (CheckOptions...)\n"
                        "  error           report findings as errors so the build fails\n";
      } else {
        reportArgError(CI, "unknown argument '" + A +
                               "' (known: checks=<glob>, config=<yaml>, error, help)");
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI,
                                                 llvm::StringRef File) override {
    ClangTidyGlobalOptions Global;
    ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
    Defaults.Checks = "-*,prodready-*";
    ClangTidyOptions Override;
    if (HaveConfig)
      Override = ConfigOverride;
    if (!Checks.empty())
      Override.Checks = Checks;
    auto Provider = std::make_unique<FileOptionsProvider>(
        std::move(Global), std::move(Defaults), std::move(Override),
        llvm::vfs::getRealFileSystem());
    auto Ctx = std::make_unique<ClangTidyContext>(std::move(Provider));

    // clang-tidy -> (NOLINT filtering, check names) -> ForwardToCompiler -> compiler.
    auto Forward = std::make_unique<ForwardToCompiler>(CI.getDiagnostics(), AsErrors);
    // The tidy consumer is owned by its engine. (LLVM 21 changed the engines'
    // constructor and setDiagnosticsEngine to take DiagnosticOptions by
    // reference / ownership.)
#if PRODREADY_LLVM_MAJOR >= 21
    auto ForwardEngine = std::make_unique<DiagnosticsEngine>(
        CI.getDiagnostics().getDiagnosticIDs(), CI.getDiagnosticOpts(), Forward.get(),
        /*ShouldOwnClient=*/false);
    ForwardEngine->setSourceManager(&CI.getSourceManager());
    auto *TidyConsumer = new ClangTidyDiagnosticConsumer(*Ctx, ForwardEngine.get());
    auto TidyOpts = std::make_unique<DiagnosticOptions>();
    auto TidyEngine = std::make_unique<DiagnosticsEngine>(DiagnosticIDs::create(), *TidyOpts,
                                                          TidyConsumer, /*ShouldOwnClient=*/true);
    Ctx->setDiagnosticsEngine(std::move(TidyOpts), TidyEngine.get());
#else
    auto ForwardEngine = std::make_unique<DiagnosticsEngine>(
        CI.getDiagnostics().getDiagnosticIDs(), &CI.getDiagnosticOpts(), Forward.get(),
        /*ShouldOwnClient=*/false);
    ForwardEngine->setSourceManager(&CI.getSourceManager());
    auto *TidyConsumer = new ClangTidyDiagnosticConsumer(*Ctx, ForwardEngine.get());
    auto TidyEngine = std::make_unique<DiagnosticsEngine>(
        new DiagnosticIDs, new DiagnosticOptions, TidyConsumer, /*ShouldOwnClient=*/true);
    Ctx->setDiagnosticsEngine(TidyEngine.get());
#endif

    ClangTidyASTConsumerFactory Factory(*Ctx);
    auto Inner = Factory.createASTConsumer(CI, File);
    return std::make_unique<OwningConsumer>(std::move(Ctx), std::move(Forward),
                                            std::move(ForwardEngine), std::move(TidyEngine),
                                            std::move(Inner));
  }

private:
  static void reportArgError(const CompilerInstance &CI, const std::string &Msg) {
    DiagnosticsEngine &D = CI.getDiagnostics();
    D.Report(D.getCustomDiagID(DiagnosticsEngine::Error, "prodready plugin: %0")) << Msg;
  }

  std::string Checks;
  ClangTidyOptions ConfigOverride;
  bool HaveConfig = false;
  bool AsErrors = false;
};

} // namespace

static FrontendPluginRegistry::Add<ProdReadyPluginAction>
    X("prodready", "run the prodready production-readiness checks during compilation");

// Keep the module's object (and its registration) in the plugin.
static int ProdReadyModuleAnchorDest [[maybe_unused]] = ProdReadyModuleAnchorSource;

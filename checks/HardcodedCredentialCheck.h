//===- HardcodedCredentialCheck.h - prodready-hardcoded-credential -*- C++ -*-===//
//
// Finds credentials compiled into the program (CWE-798, CWE-321 for keys):
//  1. literals reaching a credential parameter of a known API (model section
//     "credential-sinks"; `[[clang::annotate("prodready::credential")]]`),
//  2. literals stored in credential-named destinations (variables, fields,
//     parameters, assignments, initialisers, key/value pairs, #defines),
//  3. known token formats anywhere in a literal,
// reported once at the literal, masked, with a fix-it that reads the secret
// at run time. See docs/checks/prodready-hardcoded-credential.md.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_CHECKS_HARDCODEDCREDENTIALCHECK_H
#define PRODREADY_CHECKS_HARDCODEDCREDENTIALCHECK_H

#include "checks/ProdReadyCheck.h"
#include "lib/secrets/Secrets.h"

#include "clang-tidy/utils/IncludeInserter.h"

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

namespace prodready {

class HardcodedCredentialCheck : public ProdReadyCheck {
public:
  HardcodedCredentialCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  ~HardcodedCredentialCheck() override;

  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerPPCallbacks(const clang::SourceManager &SM, clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

  /// Called by the preprocessor callbacks for `#define NAME "literal"`.
  void macroDefined(llvm::StringRef Name, clang::SourceLocation LitLoc, llvm::StringRef Text,
                    clang::SourceLocation End);

  struct Finding;
  struct LiteralContext;

  // The nodes the check looks at, from its walk over user code (the .cpp's
  // CredentialVisitor): calls, constructions, variables, default arguments,
  // in-class and constructor member initialisers, assignments, braced
  // initialisers, string literals.
  void onCall(const clang::CallExpr *Call, const clang::FunctionDecl *FD, clang::ASTContext &Ctx);
  void onConstruct(const clang::CXXConstructExpr *CE, clang::ASTContext &Ctx);
  void onVar(const clang::VarDecl *VD, const clang::Expr *Init, clang::ASTContext &Ctx);
  void onParm(const clang::ParmVarDecl *PD, clang::ASTContext &Ctx);
  void onField(const clang::FieldDecl *FD, const clang::Expr *Init, clang::ASTContext &Ctx);
  void onCtorInitializer(const clang::CXXCtorInitializer *CI, clang::ASTContext &Ctx);
  void onAssign(const clang::BinaryOperator *BO, clang::ASTContext &Ctx);
  void onInitList(const clang::InitListExpr *ILE, clang::ASTContext &Ctx);
  void onLiteral(const clang::StringLiteral *SL, LiteralContext LC, clang::ASTContext &Ctx);

private:
  const secrets::Knowledge &knowledge();
  bool skipLocation(clang::SourceLocation Loc, const clang::SourceManager &SM);

  // Sources of findings.
  void checkCall(const clang::Expr *Call, const clang::FunctionDecl *FD,
                 llvm::ArrayRef<const clang::Expr *> Args, clang::ASTContext &Ctx);
  void checkSink(const secrets::Sink &S, const clang::Expr *Call, const clang::FunctionDecl *FD,
                 llvm::ArrayRef<const clang::Expr *> Args, clang::ASTContext &Ctx);
  void checkNamed(llvm::StringRef DestName, const clang::Expr *Value,
                  const clang::NamedDecl *Dest, bool Annotated, clang::ASTContext &Ctx);
  void checkKeyValue(const clang::Expr *Key, const clang::Expr *Value, clang::ASTContext &Ctx);
  void checkLiteralTokens(const clang::StringLiteral *SL, const LiteralContext &LC,
                          clang::ASTContext &Ctx);

  /// Records a finding for the literal piece holding [Off, Off+Len) of the
  /// recovered text, with masking, notes and the fix plan.
  void report(int Priority, unsigned Cwe, const std::string &What, const std::string &Where,
              const clang::Expr *UseSite, const std::string &Env, bool SinkFixable,
              const void *Recovered, size_t Off, size_t Len, clang::ASTContext &Ctx);

  std::string accessorCall(const std::string &Env) const;

  // Options.
  std::string Accessor;
  std::string AccessorHeader;
  std::string ExtraCredentialNames;
  std::string ExtraIgnoredNameParts;
  std::string ExtraPlaceholderPatterns;
  double MinEntropy;
  bool ReportTestFiles;
  std::string TestFilePattern;
  bool FixNonLocal;
  clang::tidy::utils::IncludeInserter Inserter;

  std::shared_ptr<const secrets::Knowledge> Base;
  std::shared_ptr<secrets::Knowledge> WithExtras;
  std::unordered_multimap<std::string, const secrets::Sink *> SinksByFunction;
  std::optional<std::regex> TestFileRe;
  std::map<clang::FileID, bool> IsTestFile;

  /// Settles each finding's fix once the walk has seen every literal.
  void planFix(Finding &F, clang::ASTContext &Ctx);

  std::map<unsigned, std::unique_ptr<Finding>> Findings; // keyed by raw spelling loc
  /// Where the string literals of user code sit (filled by the walk).
  std::map<const clang::StringLiteral *, LiteralContext> Literals;
  const clang::SourceManager *SM = nullptr;
  const clang::LangOptions *LangOpts = nullptr;
};

} // namespace prodready

#endif

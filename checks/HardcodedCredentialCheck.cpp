//===- HardcodedCredentialCheck.cpp - prodready-hardcoded-credential ------===//

#include "checks/HardcodedCredentialCheck.h"

#include "lib/ast/StringRecovery.h"
#include "lib/text/Words.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/LiteralSupport.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"

#include <cstdio>
#include <cstdlib>

using namespace clang;
using namespace clang::ast_matchers;

namespace prodready {

namespace {
constexpr char Hole = '\x1A'; // stands for dynamic parts of a recovered string
const char *DefaultTestFilePattern =
    R"((^|/)(tests|unittests?|testing|testdata|fixtures?|mocks?)/|(_test|_tests|_unittest|_mock|_fake|Test|Tests|Mock)\.(c|cc|cpp|cxx|h|hh|hpp|hxx)$)";

/// Strips wrappers that do not change the text: implicit casts, temporaries,
/// and one-argument converting constructors of string-ish wrapper classes
/// (sql::SQLString, beast string_param, nlohmann::json...).
const Expr *unwrap(const Expr *E) {
  ast::TextWrapperPolicy P;
  P.MaxSteps = 16;
  P.FunctionalCasts = false;
  P.StopAtStringClasses = false;
  P.SkipTemporaryObjects = true;
  P.RequireTextArgument = true;
  return ast::stripTextWrappers(E, P);
}

ast::RecoveredString recover(const Expr *E, const ASTContext &Ctx) {
  ast::RecoveryOptions O;
  O.Placeholder = std::string(1, Hole);
  return ast::recoverString(unwrap(E), Ctx, O);
}

/// The name of an enumerator argument (CURLOPT_USERPWD, field::authorization).
std::string enumeratorName(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *EC = dyn_cast<EnumConstantDecl>(DRE->getDecl()))
      return EC->getName().str();
  return {};
}

/// Qualified name of a function without template arguments or the leading
/// "::": members of class templates and function template specialisations
/// are named by their pattern.
std::string functionName(const FunctionDecl *FD) {
  if (const FunctionDecl *P = FD->getTemplateInstantiationPattern())
    FD = P;
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD)) {
    const CXXRecordDecl *RD = MD->getParent();
    // Members of a specialisation without a pattern are named through the
    // template; constructors by the plain class name (not "X<T>").
    std::string Outer = RD->getQualifiedNameAsString();
    if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
      Outer = Spec->getSpecializedTemplate()->getQualifiedNameAsString();
    std::string Own = isa<CXXConstructorDecl>(MD) ? RD->getNameAsString() : FD->getNameAsString();
    return Outer + "::" + Own;
  }
  return FD->getQualifiedNameAsString();
}

bool inDependentContext(const Decl *D) {
  for (const DeclContext *DC = D ? D->getDeclContext() : nullptr; DC; DC = DC->getParent())
    if (DC->isDependentContext())
      return true;
  if (const auto *FD = dyn_cast_or_null<FunctionDecl>(D))
    return FD->isDependentContext() || FD->isTemplateInstantiation();
  return false;
}

bool isStringClass(const CXXRecordDecl *RD) {
  if (!RD || !RD->getIdentifier())
    return false;
  llvm::StringRef N = RD->getName();
  return N == "basic_string" || N == "basic_string_view";
}

/// The nodes above a node, nearest first, as far as the context questions
/// below need them (to the first declaration, at least 8 nodes).
using Ancestors = llvm::SmallVector<DynTypedNode, 16>;

constexpr unsigned MinAncestors = 8;

/// Ancestors from the parent map. Only a fallback for literals the visitor
/// did not see: the first getParents() call builds a parent map of the
/// whole translation unit, system headers included.
Ancestors ancestorsFromParentMap(const StringLiteral *SL, ASTContext &Ctx) {
  Ancestors A;
  DynTypedNodeList Ps = Ctx.getParents(*SL);
  bool SawDecl = false;
  for (unsigned Guard = 0; Guard < 64 && !Ps.empty(); ++Guard) {
    A.push_back(Ps[0]);
    SawDecl |= Ps[0].get<Decl>() != nullptr;
    if ((SawDecl || !Ps[0].get<Stmt>()) && A.size() >= MinAncestors)
      break;
    Ps = Ctx.getParentMapContext().getParents(Ps[0]);
  }
  return A;
}

bool isCastOrTemporary(const Stmt *S) {
  return isa<ImplicitCastExpr>(S) || isa<ParenExpr>(S) || isa<MaterializeTemporaryExpr>(S) ||
         isa<CXXBindTemporaryExpr>(S) || isa<ExprWithCleanups>(S);
}

} // namespace

/// What the fix and the messages need to know about where a string literal
/// sits, read from its ancestors once.
struct HardcodedCredentialCheck::LiteralContext {
  std::string Env;                 ///< env name from the variable it initialises
  const VarDecl *Var = nullptr;    ///< the variable it initialises (through wrappers)
  bool InDependentContext = false; ///< inside a template
  std::string Form;                ///< "" or ".c_str()": how the accessor call replaces it
  std::string NoFix;               ///< why it cannot be replaced, or empty

  LiteralContext(const StringLiteral *SL, const Ancestors &A) {
    // const char *kToken = "..."; std::string kToken("...")
    for (unsigned I = 0; I < 4 && I < A.size(); ++I) {
      if (const auto *VD = A[I].get<VarDecl>()) {
        Env = secrets::envVarName(VD->getName().str());
        break;
      }
      const Stmt *S = A[I].get<Stmt>();
      if (!S || !(isCastOrTemporary(S) ||
                  (isa<CXXConstructExpr>(S) &&
                   isStringClass(cast<CXXConstructExpr>(S)->getType()->getAsCXXRecordDecl()))))
        break;
    }
    for (unsigned I = 0; I < 6 && I < A.size(); ++I) {
      if ((Var = A[I].get<VarDecl>()))
        break;
      const Stmt *S = A[I].get<Stmt>();
      if (!S || !(isCastOrTemporary(S) || isa<CXXConstructExpr>(S)))
        break;
    }
    for (const DynTypedNode &N : A) {
      if (const Decl *D = N.get<Decl>()) {
        InDependentContext = inDependentContext(D);
        break;
      }
      if (!N.get<Stmt>())
        break;
    }
    unsigned K = 0;
    while (K < A.size() && A[K].get<ParenExpr>())
      ++K;
    if (K >= A.size()) {
      NoFix = "unsupported context";
    } else if (const auto *ICE = A[K].get<ImplicitCastExpr>();
               ICE && ICE->getCastKind() == CK_ArrayToPointerDecay) {
      Form = ".c_str()";
      // std::string s = "..." / f(const std::string &): the decayed pointer
      // only feeds a string constructor, which takes the string as well.
      if (K + 1 < A.size())
        if (const auto *CCE = A[K + 1].get<CXXConstructExpr>())
          if (CCE->getNumArgs() >= 1 && CCE->getArg(0) == ICE && CCE->getConstructor() &&
              isStringClass(CCE->getConstructor()->getParent()))
            Form = "";
    } else if (const auto *CCE = A[K].get<CXXConstructExpr>()) {
      const CXXConstructorDecl *Ctor = CCE->getConstructor();
      if (!Ctor || !isStringClass(Ctor->getParent()))
        NoFix = "the literal initialises a type that may not accept std::string";
    } else {
      NoFix = "the literal is not used as a pointer or string here";
    }
    (void)SL;
  }
};

//===--- The walk over user code --------------------------------------------===//

namespace {
/// Visits the nodes the check looks at, in user code only: declarations in
/// system headers are not entered, template instantiations are not visited
/// (their patterns are). Keeps the path to the current node so a string
/// literal's context is read without a parent map.
class CredentialVisitor : public RecursiveASTVisitor<CredentialVisitor> {
  using Base = RecursiveASTVisitor<CredentialVisitor>;

public:
  CredentialVisitor(HardcodedCredentialCheck &Check, ASTContext &Ctx)
      : Check(Check), Ctx(Ctx), SM(Ctx.getSourceManager()) {}

  bool shouldVisitTemplateInstantiations() const { return false; }
  bool shouldVisitImplicitCode() const { return true; }

  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (!isa<TranslationUnitDecl>(D) && !isa<LinkageSpecDecl>(D) && inSystem(D->getLocation()))
      return true;
    Path.push_back(DynTypedNode::create(*D));
    bool R = Base::TraverseDecl(D);
    Path.pop_back();
    return R;
  }
  bool TraverseConstructorInitializer(CXXCtorInitializer *I) {
    if (I->isMemberInitializer() && I->isWritten())
      Check.onCtorInitializer(I, Ctx);
    Path.push_back(DynTypedNode::create(*I));
    bool R = Base::TraverseConstructorInitializer(I);
    Path.pop_back();
    return R;
  }
  bool dataTraverseStmtPre(Stmt *S) {
    Path.push_back(DynTypedNode::create(*S));
    return true;
  }
  bool dataTraverseStmtPost(Stmt *) {
    Path.pop_back();
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (!inSystem(CE->getBeginLoc()))
      if (const auto *FD = dyn_cast_or_null<FunctionDecl>(CE->getCalleeDecl()))
        Check.onCall(CE, FD, Ctx);
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (!inSystem(CE->getBeginLoc()))
      Check.onConstruct(CE, Ctx);
    return true;
  }
  bool VisitVarDecl(VarDecl *VD) {
    if (inSystem(VD->getBeginLoc()))
      return true;
    if (auto *PD = dyn_cast<ParmVarDecl>(VD)) {
      if (PD->hasDefaultArg())
        Check.onParm(PD, Ctx);
    } else if (const Expr *Init = VD->getAnyInitializer()) {
      Check.onVar(VD, Init, Ctx);
    }
    return true;
  }
  bool VisitFieldDecl(FieldDecl *FD) {
    if (!inSystem(FD->getBeginLoc()) && FD->hasInClassInitializer())
      if (const Expr *Init = FD->getInClassInitializer())
        Check.onField(FD, Init, Ctx);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp() && !inSystem(BO->getBeginLoc()))
      Check.onAssign(BO, Ctx);
    return true;
  }
  bool VisitInitListExpr(InitListExpr *ILE) {
    if (!inSystem(ILE->getBeginLoc()))
      Check.onInitList(ILE, Ctx);
    return true;
  }
  bool VisitStringLiteral(StringLiteral *SL) {
    if (inSystem(SL->getBeginLoc()))
      return true;
    Ancestors A;
    for (unsigned I = Path.size() - 1; I-- > 0;) { // Path.back() is SL itself
      A.push_back(Path[I]);
      if (A.size() >= MinAncestors && Path[I].get<Decl>())
        break;
    }
    Check.onLiteral(SL, HardcodedCredentialCheck::LiteralContext(SL, A), Ctx);
    return true;
  }

private:
  bool inSystem(SourceLocation L) const {
    return L.isValid() && SM.isInSystemHeader(SM.getExpansionLoc(L));
  }

  HardcodedCredentialCheck &Check;
  ASTContext &Ctx;
  const SourceManager &SM;
  std::vector<DynTypedNode> Path;
};
} // namespace

//===--- Finding -----------------------------------------------------------===//

struct HardcodedCredentialCheck::Finding {
  int Priority = 0;
  SourceLocation Loc;
  std::string Message;
  std::vector<std::pair<SourceLocation, std::string>> Notes;
  std::optional<FixItHint> Fix;
  bool FixOnNote = false;
  std::string NoFixReason;
  std::string Replacement;
  FileID File;
  // Inputs of the fix plan (planFix).
  const StringLiteral *Literal = nullptr;
  const VarDecl *Var = nullptr; ///< the constant the value came through
  bool Whole = false, SinkFixable = false, FromMacro = false;
};

//===--- Preprocessor: #define NAME "literal" -------------------------------===//

namespace {
class MacroCollector : public PPCallbacks {
public:
  MacroCollector(HardcodedCredentialCheck &Check, const SourceManager &SM, Preprocessor &PP)
      : Check(Check), SM(SM), PP(PP) {}
  void MacroDefined(const Token &MacroNameTok, const MacroDirective *MD) override {
    const MacroInfo *MI = MD->getMacroInfo();
    if (!MI || MI->isFunctionLike() || MI->getNumTokens() == 0)
      return;
    SourceLocation Loc = MacroNameTok.getLocation();
    // Headers of the project are checked too; only system headers are skipped.
    if (Loc.isInvalid() || SM.isInSystemHeader(Loc) || SM.isWrittenInBuiltinFile(Loc) ||
        SM.isWrittenInCommandLineFile(Loc))
      return;
    // Body: one or more adjacent string literal tokens (optionally parenthesised).
    llvm::SmallVector<Token, 4> Strs;
    for (const Token &T : MI->tokens()) {
      if (T.is(tok::l_paren) || T.is(tok::r_paren))
        continue;
      if (!tok::isStringLiteral(T.getKind()))
        return;
      Strs.push_back(T);
    }
    if (Strs.empty())
      return;
    StringLiteralParser P(Strs, PP);
    if (P.hadError || !P.isOrdinary())
      return;
    Check.macroDefined(MacroNameTok.getIdentifierInfo()->getName(), Strs.front().getLocation(),
                       P.GetString(), Strs.back().getEndLoc());
  }

private:
  HardcodedCredentialCheck &Check;
  const SourceManager &SM;
  Preprocessor &PP;
};
} // namespace

//===--- Construction and options ------------------------------------------===//

HardcodedCredentialCheck::HardcodedCredentialCheck(llvm::StringRef Name,
                                                   clang::tidy::ClangTidyContext *Context)
    : ProdReadyCheck(Name, Context),
      Accessor(Options.get("Accessor", "prodready::require_secret").str()),
      AccessorHeader(Options.get("AccessorHeader", "<prodready/secret.h>").str()),
      ExtraCredentialNames(Options.get("ExtraCredentialNames", "").str()),
      ExtraIgnoredNameParts(Options.get("ExtraIgnoredNameParts", "").str()),
      ExtraPlaceholderPatterns(Options.get("ExtraPlaceholderPatterns", "").str()),
      MinEntropy(2.0),
      ReportTestFiles(boolOption("ReportTestFiles", false)),
      TestFilePattern(Options.get("TestFilePattern", DefaultTestFilePattern).str()),
      FixNonLocal(boolOption("FixStaticStorage", false)),
      Inserter(Options.getLocalOrGlobal("IncludeStyle", tidy::utils::IncludeSorter::IS_LLVM),
               areDiagsSelfContained()) {
  std::string ME = Options.get("MinEntropy", "2.0").str();
  if (llvm::StringRef(ME).trim().getAsDouble(MinEntropy))
    configurationDiag("invalid MinEntropy '%0': expected a number of bits per character")
        << ME;
  if (!TestFilePattern.empty()) {
    try {
      TestFileRe = std::regex(TestFilePattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error &E) {
      configurationDiag("invalid TestFilePattern '%0': %1") << TestFilePattern << E.what();
    }
  }
}

HardcodedCredentialCheck::~HardcodedCredentialCheck() = default;

void HardcodedCredentialCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "Accessor", Accessor);
  Options.store(Opts, "AccessorHeader", AccessorHeader);
  Options.store(Opts, "ExtraCredentialNames", ExtraCredentialNames);
  Options.store(Opts, "ExtraIgnoredNameParts", ExtraIgnoredNameParts);
  Options.store(Opts, "ExtraPlaceholderPatterns", ExtraPlaceholderPatterns);
  char Buf[32];
  std::snprintf(Buf, sizeof Buf, "%g", MinEntropy);
  Options.store(Opts, "MinEntropy", Buf);
  Options.store(Opts, "ReportTestFiles", boolText(ReportTestFiles));
  Options.store(Opts, "TestFilePattern", TestFilePattern);
  Options.store(Opts, "FixStaticStorage", boolText(FixNonLocal));
  Options.store(Opts, "IncludeStyle", Inserter.getStyle());
}

const secrets::Knowledge &HardcodedCredentialCheck::knowledge() {
  if (WithExtras)
    return *WithExtras;
  if (!Base) {
    Base = deriveModel<secrets::Knowledge>(
        "secrets::Knowledge",
        [](const model::Model &M, std::vector<model::ModelError> &Errors) {
          return secrets::Knowledge::fromModel(M, Errors);
        });
    for (const secrets::Sink &S : Base->sinks())
      SinksByFunction.emplace(S.Function, &S);
  }
  if (ExtraCredentialNames.empty() && ExtraIgnoredNameParts.empty() &&
      ExtraPlaceholderPatterns.empty())
    return *Base;
  WithExtras = std::make_shared<secrets::Knowledge>(*Base);
  for (const std::string &N : splitOptionList(ExtraCredentialNames))
    WithExtras->addCredentialName(N, "credential");
  for (const std::string &P : splitOptionList(ExtraIgnoredNameParts))
    WithExtras->addIgnoredPart(P);
  for (const std::string &P : splitOptionList(ExtraPlaceholderPatterns)) {
    std::string Err;
    if (!WithExtras->addPlaceholder(P, Err))
      configurationDiag("ExtraPlaceholderPatterns: %0") << Err;
  }
  // Sink pointers must refer to the copy that lives as long as the check.
  SinksByFunction.clear();
  for (const secrets::Sink &S : WithExtras->sinks())
    SinksByFunction.emplace(S.Function, &S);
  return *WithExtras;
}

void HardcodedCredentialCheck::registerPPCallbacks(const SourceManager &SM, Preprocessor *PP,
                                                   Preprocessor *) {
  Inserter.registerPreprocessor(PP);
  PP->addPPCallbacks(std::make_unique<MacroCollector>(*this, SM, *PP));
  this->SM = &SM;
  LangOpts = &PP->getLangOpts();
}

bool HardcodedCredentialCheck::skipLocation(SourceLocation Loc, const SourceManager &SM) {
  Loc = SM.getSpellingLoc(Loc);
  if (Loc.isInvalid() || SM.isInSystemHeader(Loc))
    return true;
  FileID F = SM.getFileID(Loc);
  auto It = IsTestFile.find(F);
  if (It == IsTestFile.end()) {
    bool Test = false;
    if (!ReportTestFiles && TestFileRe)
      if (OptionalFileEntryRef FE = SM.getFileEntryRefForID(F)) {
        std::string Path = FE->getName().str();
        Test = std::regex_search(Path, *TestFileRe);
      }
    It = IsTestFile.emplace(F, Test).first;
  }
  if (It->second)
    return true;
  // Inline allow markers on the line of the literal.
  bool Invalid = false;
  unsigned Line = SM.getSpellingLineNumber(Loc, &Invalid);
  if (Invalid)
    return false;
  llvm::StringRef Buf = SM.getBufferData(F, &Invalid);
  if (Invalid)
    return false;
  SourceLocation LineStart = SM.translateLineCol(F, Line, 1);
  unsigned Off = SM.getFileOffset(LineStart);
  size_t End = Buf.find('\n', Off);
  llvm::StringRef Text = Buf.slice(Off, End == llvm::StringRef::npos ? Buf.size() : End);
  return secrets::hasAllowMarker(std::string_view(Text.data(), Text.size()));
}

//===--- Matchers ------------------------------------------------------------===//

void HardcodedCredentialCheck::registerMatchers(MatchFinder *Finder) {
  // One walk over user code (CredentialVisitor) instead of node matchers:
  // matchers would test every node of every header, and telling template
  // instantiations apart needs the TU's parent map.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void HardcodedCredentialCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *TU = Result.Nodes.getNodeAs<TranslationUnitDecl>("tu");
  if (!TU)
    return;
  ASTContext &Ctx = *Result.Context;
  SM = Result.SourceManager;
  LangOpts = &Ctx.getLangOpts();
  knowledge();
  CredentialVisitor(*this, Ctx).TraverseDecl(const_cast<TranslationUnitDecl *>(TU));
  for (auto &KV : Findings)
    if (KV.second)
      planFix(*KV.second, Ctx);
  Literals.clear();
}

void HardcodedCredentialCheck::onCall(const CallExpr *Call, const FunctionDecl *FD,
                                      ASTContext &Ctx) {
  llvm::SmallVector<const Expr *, 8> Args(Call->arguments().begin(), Call->arguments().end());
  // Member operator calls put the object first; drop it so indices match
  // the declaration's parameters.
  if (const auto *OCE = dyn_cast<CXXOperatorCallExpr>(Call)) {
    if (OCE->getOperator() == OO_Equal && Args.size() == 2) {
      // std::string/json assignment: same as the built-in one.
      const Expr *L = Args[0]->IgnoreParenImpCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(L))
        checkNamed(DRE->getDecl()->getName(), Args[1], DRE->getDecl(),
                   hasProdReadyAnnotation(DRE->getDecl(), "credential"), Ctx);
      else if (const auto *ME = dyn_cast<MemberExpr>(L))
        checkNamed(ME->getMemberDecl()->getName(), Args[1], ME->getMemberDecl(),
                   hasProdReadyAnnotation(ME->getMemberDecl(), "credential"), Ctx);
      else if (const auto *Sub = dyn_cast<CXXOperatorCallExpr>(L);
               Sub && Sub->getOperator() == OO_Subscript && Sub->getNumArgs() == 2)
        checkKeyValue(Sub->getArg(1), Args[1], Ctx);
      return;
    }
    if (isa<CXXMethodDecl>(FD) && !Args.empty())
      Args.erase(Args.begin());
  }
  checkCall(Call, FD, Args, Ctx);
}

void HardcodedCredentialCheck::onConstruct(const CXXConstructExpr *CE, ASTContext &Ctx) {
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (!Ctor)
    return;
  llvm::SmallVector<const Expr *, 8> Args(CE->arguments().begin(), CE->arguments().end());
  // std::pair<K, V>{"password", "..."}: a key/value pair.
  const CXXRecordDecl *RD = Ctor->getParent();
  if (RD && RD->getIdentifier() && RD->getName() == "pair" && Args.size() == 2) {
    checkKeyValue(Args[0], Args[1], Ctx);
    return;
  }
  checkCall(CE, Ctor, Args, Ctx);
}

void HardcodedCredentialCheck::onVar(const VarDecl *VD, const Expr *Init, ASTContext &Ctx) {
  checkNamed(VD->getName(), Init, VD, hasProdReadyAnnotation(VD, "credential"), Ctx);
}

void HardcodedCredentialCheck::onParm(const ParmVarDecl *PD, ASTContext &Ctx) {
  if (PD->hasUninstantiatedDefaultArg() || !PD->getDefaultArg())
    return;
  checkNamed(PD->getName(), PD->getDefaultArg(), PD, hasProdReadyAnnotation(PD, "credential"),
             Ctx);
}

void HardcodedCredentialCheck::onField(const FieldDecl *FD, const Expr *Init, ASTContext &Ctx) {
  checkNamed(FD->getName(), Init, FD, hasProdReadyAnnotation(FD, "credential"), Ctx);
}

void HardcodedCredentialCheck::onCtorInitializer(const CXXCtorInitializer *CI, ASTContext &Ctx) {
  if (skipLocation(CI->getSourceLocation(), *SM))
    return;
  if (const FieldDecl *F = CI->getMember())
    checkNamed(F->getName(), CI->getInit(), F, hasProdReadyAnnotation(F, "credential"), Ctx);
}

void HardcodedCredentialCheck::onAssign(const BinaryOperator *BO, ASTContext &Ctx) {
  const Expr *L = BO->getLHS()->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(L))
    checkNamed(DRE->getDecl()->getName(), BO->getRHS(), DRE->getDecl(),
               hasProdReadyAnnotation(DRE->getDecl(), "credential"), Ctx);
  else if (const auto *ME = dyn_cast<MemberExpr>(L))
    checkNamed(ME->getMemberDecl()->getName(), BO->getRHS(), ME->getMemberDecl(),
               hasProdReadyAnnotation(ME->getMemberDecl(), "credential"), Ctx);
}

void HardcodedCredentialCheck::onInitList(const InitListExpr *ILE, ASTContext &Ctx) {
  // Aggregates: Config{.password = "..."} / Config{"host", "..."}.
  const InitListExpr *Sem = ILE->isSemanticForm() ? ILE : ILE->getSemanticForm();
  if (!Sem)
    return;
  if (const RecordDecl *RD = Sem->getType()->getAsRecordDecl()) {
    if (RD->isUnion())
      return;
    unsigned I = 0;
    for (const FieldDecl *F : RD->fields()) {
      if (I >= Sem->getNumInits())
        break;
      const Expr *Init = Sem->getInit(I++);
      if (Init && !isa<ImplicitValueInitExpr>(Init) && !isa<CXXDefaultInitExpr>(Init))
        checkNamed(F->getName(), Init, F, hasProdReadyAnnotation(F, "credential"), Ctx);
    }
    return;
  }
  // {"password", "..."} braced pairs that are not records (e.g. arrays of
  // two strings) are key/value pairs too.
  if (Sem->getNumInits() == 2 && !Sem->getType()->isArrayType())
    checkKeyValue(Sem->getInit(0), Sem->getInit(1), Ctx);
}

void HardcodedCredentialCheck::onLiteral(const StringLiteral *SL, LiteralContext LC,
                                         ASTContext &Ctx) {
  auto It = Literals.emplace(SL, std::move(LC)).first;
  checkLiteralTokens(SL, It->second, Ctx);
}

//===--- Sinks -----------------------------------------------------------------===//

void HardcodedCredentialCheck::checkCall(const Expr *Call, const FunctionDecl *FD,
                                         llvm::ArrayRef<const Expr *> Args, ASTContext &Ctx) {
  // The call may be spelled by a system macro (curl_easy_setopt is one): the
  // place that matters is where it is expanded.
  if (!FD || skipLocation(SM->getExpansionLoc(Call->getBeginLoc()), *SM))
    return;
  bool SinkHit = false;
  static const bool Debug = std::getenv("PRODREADY_CREDENTIAL_DEBUG") != nullptr;
  auto TryName = [&](const FunctionDecl *F) {
    if (Debug)
      llvm::errs() << "prodready-hardcoded-credential: call to '" << functionName(F) << "'\n";
    auto Range = SinksByFunction.equal_range(functionName(F));
    for (auto It = Range.first; It != Range.second; ++It) {
      SinkHit = true;
      checkSink(*It->second, Call, FD, Args, Ctx);
    }
  };
  TryName(FD);
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    for (const CXXMethodDecl *O : MD->overridden_methods())
      TryName(O);
  if (SinkHit)
    return;
  // User functions: annotated or credential-named parameters, and setters
  // named after a credential (setPassword(x)).
  const FunctionDecl *Decl = FD->getTemplateInstantiationPattern()
                                 ? FD->getTemplateInstantiationPattern()
                                 : FD;
  const secrets::Knowledge &K = knowledge();
  for (unsigned I = 0; I < Args.size() && I < Decl->getNumParams(); ++I) {
    const ParmVarDecl *P = Decl->getParamDecl(I);
    if (isa<CXXDefaultArgExpr>(Args[I]))
      continue;
    bool Annotated = hasProdReadyAnnotation(P, "credential");
    if (Annotated || (P->getIdentifier() && K.classifyName(P->getName().str()).Verdict ==
                                                secrets::NameVerdict::Credential)) {
      checkNamed(P->getName(), Args[I], P, Annotated, Ctx);
      continue;
    }
    if (Decl->getNumParams() == 1 && Decl->getIdentifier()) {
      std::vector<std::string> W = text::identifierWords(Decl->getName().str());
      if (W.size() >= 2 && W[0] == "set") {
        std::string Rest = Decl->getName().str().substr(3);
        if (K.classifyName(Rest).Verdict == secrets::NameVerdict::Credential)
          checkNamed(Rest, Args[I], P, false, Ctx);
      }
    }
  }
}

void HardcodedCredentialCheck::checkSink(const secrets::Sink &S, const Expr *Call,
                                         const FunctionDecl *FD,
                                         llvm::ArrayRef<const Expr *> Args, ASTContext &Ctx) {
  if (S.Arity >= 0 && FD->getNumParams() != static_cast<unsigned>(S.Arity))
    return;
  if (S.WhenArg >= 0) {
    if (static_cast<size_t>(S.WhenArg) >= Args.size())
      return;
    std::string N = enumeratorName(Args[S.WhenArg]);
    if (N.empty())
      return;
    if (std::find(S.WhenNames.begin(), S.WhenNames.end(), N) == S.WhenNames.end())
      return;
  }
  int ArgIndex = S.Param;
  const secrets::Knowledge &K = knowledge();
  std::string Func = functionName(FD);
  if (isa<CXXConstructorDecl>(FD) && Func.rfind("::") != std::string::npos)
    Func.erase(Func.rfind("::")); // "soci::session", not "soci::session::session"
  std::string ParamName = S.ParamName;
  if (ParamName.empty() && static_cast<unsigned>(S.Param) < FD->getNumParams())
    ParamName = FD->getParamDecl(S.Param)->getName().str();
  std::string Where = "'" + Func + "'" + (ParamName.empty() ? "" : " parameter '" + ParamName + "'");
  unsigned Cwe = S.Kind.find("key") != std::string::npos &&
                         S.Kind.find("API") == std::string::npos &&
                         S.Kind.find("access") == std::string::npos
                     ? 321
                     : 798;

  if (S.Form == secrets::ValueForm::RedisCommand) {
    if (static_cast<size_t>(ArgIndex) >= Args.size())
      return;
    ast::RecoveredString R = recover(Args[ArgIndex], Ctx);
    if (R.empty())
      return;
    int FormatArg = -1;
    std::string_view Text(R.Text);
    if (auto Sp = K.redisAuthPassword(Text, &FormatArg)) {
      std::string_view Secret = Text.substr(Sp->Offset, Sp->Length);
      if (Secret.find(Hole) == std::string_view::npos && !K.rejectedAtSink(Secret))
        report(3, Cwe, "hardcoded " + S.Kind + " in 'AUTH' command", "passed to " + Where,
               Args[ArgIndex], S.Env, false, &R, Sp->Offset, Sp->Length, Ctx);
      return;
    }
    if (FormatArg < 0)
      return;
    ArgIndex = S.Param + 1 + FormatArg;
    Where = "'" + Func + "' as the 'AUTH' password";
  }
  if (static_cast<size_t>(ArgIndex) >= Args.size() || isa<CXXDefaultArgExpr>(Args[ArgIndex]))
    return;
  const Expr *Arg = Args[ArgIndex];
  ast::RecoveredString R = recover(Arg, Ctx);
  if (R.empty())
    return;
  std::string_view Text(R.Text);
  std::optional<secrets::Span> Sp;
  std::string What = "hardcoded " + S.Kind;
  switch (S.Form) {
  case secrets::ValueForm::Direct:
  case secrets::ValueForm::RedisCommand:
    Sp = secrets::Span{0, Text.size()};
    break;
  case secrets::ValueForm::ConnectionString:
    Sp = secrets::connectionStringPassword(Text);
    What += " in connection string";
    break;
  case secrets::ValueForm::UserPwd:
    Sp = secrets::userPwdPassword(Text);
    What += " in 'user:password'";
    break;
  case secrets::ValueForm::HeaderLine: {
    std::string Kind;
    Sp = K.headerLineCredential(Text, &Kind);
    What = "hardcoded " + Kind + " in '" +
           std::string(Text.substr(0, Text.find(':'))) + "' header";
    break;
  }
  case secrets::ValueForm::HeaderValue: {
    if (static_cast<size_t>(S.NameArg) >= Args.size())
      return;
    std::string Name = enumeratorName(Args[S.NameArg]);
    if (Name.empty()) {
      ast::RecoveredString NR = recover(Args[S.NameArg], Ctx);
      if (NR.empty() || !NR.Complete)
        return;
      Name = NR.Text;
    }
    std::replace(Name.begin(), Name.end(), '_', '-');
    std::string Kind;
    Sp = K.headerValueCredential(Name, Text, &Kind);
    What = "hardcoded " + Kind + " in '" + Name + "' header";
    break;
  }
  }
  if (!Sp || Sp->Length == 0)
    return;
  std::string_view Secret = Text.substr(Sp->Offset, Sp->Length);
  if (Secret.find(Hole) != std::string_view::npos || K.rejectedAtSink(Secret))
    return;
  bool Fixable = S.Fixable && S.Form == secrets::ValueForm::Direct;
  std::string Env = S.Env.empty() ? secrets::envVarName(ParamName) : S.Env;
  report(3, Cwe, What, "passed to " + Where, Arg, Env, Fixable, &R, Sp->Offset, Sp->Length,
         Ctx);
}

//===--- Credential-named destinations ----------------------------------------===//

void HardcodedCredentialCheck::checkNamed(llvm::StringRef DestName, const Expr *Value,
                                          const NamedDecl *Dest, bool Annotated,
                                          ASTContext &Ctx) {
  if (!Value || DestName.empty())
    return;
  if (Dest && hasProdReadyAnnotation(Dest, "not_credential"))
    return;
  if (skipLocation(Value->getBeginLoc(), *SM))
    return;
  const secrets::Knowledge &K = knowledge();
  secrets::NameResult N = K.classifyName(DestName.str());
  if (!Annotated && N.Verdict != secrets::NameVerdict::Credential)
    return;
  ast::RecoveredString R = recover(Value, Ctx);
  if (R.empty())
    return;
  std::string_view Text(R.Text);
  std::string Kind = N.Verdict == secrets::NameVerdict::Credential ? N.Kind : "credential";
  // A connection string or URI stored in a credential-named variable: the
  // password part is the secret.
  std::optional<secrets::Span> Sp;
  if (auto C = secrets::connectionStringPassword(Text, /*RequireOtherKeys=*/true))
    Sp = C;
  else
    Sp = secrets::Span{0, Text.size()};
  std::string_view Secret = Text.substr(Sp->Offset, Sp->Length);
  if (Secret.find(Hole) != std::string_view::npos)
    return;
  if (Annotated) {
    if (K.rejectedAtSink(Secret))
      return;
  } else if (K.classifyValue(Secret, MinEntropy) != secrets::ValueVerdict::Secret) {
    return;
  }
  std::string Env = secrets::envVarName(DestName.str());
  report(1, 798, "hardcoded " + Kind, "in '" + DestName.str() + "'", Value, Env,
         Sp->Offset == 0 && Sp->Length == Text.size(), &R, Sp->Offset, Sp->Length, Ctx);
}

void HardcodedCredentialCheck::checkKeyValue(const Expr *Key, const Expr *Value,
                                             ASTContext &Ctx) {
  if (!Key || !Value)
    return;
  ast::RecoveredString KR = recover(Key, Ctx);
  if (KR.empty() || !KR.Complete || KR.Text.empty() || KR.Text.size() > 64)
    return;
  const secrets::Knowledge &K = knowledge();
  if (K.classifyName(KR.Text).Verdict == secrets::NameVerdict::Credential) {
    checkNamed(KR.Text, Value, nullptr, false, Ctx);
    return;
  }
  // {"Authorization", "Bearer ..."} header pairs.
  ast::RecoveredString VR = recover(Value, Ctx);
  if (VR.empty())
    return;
  std::string Kind;
  std::string_view Text(VR.Text);
  auto Sp = K.headerValueCredential(KR.Text, Text, &Kind);
  if (!Sp || Sp->Length == 0)
    return;
  std::string_view Secret = Text.substr(Sp->Offset, Sp->Length);
  if (Secret.find(Hole) != std::string_view::npos ||
      K.classifyValue(Secret, MinEntropy) != secrets::ValueVerdict::Secret)
    return;
  if (skipLocation(Value->getBeginLoc(), *SM))
    return;
  report(2, 798, "hardcoded " + Kind + " in '" + KR.Text + "' header", "", Value, "API_TOKEN",
         false, &VR, Sp->Offset, Sp->Length, Ctx);
}

void HardcodedCredentialCheck::macroDefined(llvm::StringRef Name, SourceLocation LitLoc,
                                            llvm::StringRef Text, SourceLocation) {
  if (!SM)
    return;
  const secrets::Knowledge &K = knowledge();
  if (K.classifyName(Name.str()).Verdict != secrets::NameVerdict::Credential ||
      skipLocation(LitLoc, *SM))
    return;
  std::string_view V(Text.data(), Text.size());
  if (K.classifyValue(V, MinEntropy) != secrets::ValueVerdict::Secret)
    return;
  unsigned Key = SM->getSpellingLoc(LitLoc).getRawEncoding();
  auto &Slot = Findings[Key];
  if (Slot && Slot->Priority >= 1)
    return;
  auto F = std::make_unique<Finding>();
  F->Priority = 1;
  F->Loc = LitLoc;
  F->Message = "hardcoded " + K.classifyName(Name.str()).Kind + " '" + secrets::mask(V) +
               "' in macro '" + Name.str() + "' [CWE-798]";
  F->NoFixReason = "the value is defined by a macro";
  F->Replacement = accessorCall(secrets::envVarName(Name.str()));
  Slot = std::move(F);
}

//===--- Token formats anywhere -------------------------------------------------===//

void HardcodedCredentialCheck::checkLiteralTokens(const StringLiteral *SL,
                                                  const LiteralContext &LC, ASTContext &Ctx) {
  if (SL->getCharByteWidth() != 1 || SL->getLength() < 8)
    return;
  if (skipLocation(SL->getBeginLoc(), *SM))
    return;
  const secrets::Knowledge &K = knowledge();
  std::string Text = SL->getString().str();
  ast::RecoveredString R;
  R.Text = Text;
  ast::StringPiece P;
  P.Literal = SL;
  P.Origin = SL;
  P.FromMacro = SL->getBeginLoc().isMacroID();
  P.Length = Text.size();
  R.Pieces.push_back(P);
  // A destination name (const char* kGithubToken = "ghp_...") names the fix.
  const std::string &Env = LC.Env;
  for (const secrets::TokenMatch &M : K.findTokens(Text)) {
    report(2, 798, M.Format->Name, "in string literal", SL, Env.empty() ? M.Format->Env : Env,
           true, &R, M.Where.Offset, M.Where.Length, Ctx);
    return;
  }
  if (auto Sp = secrets::connectionStringPassword(Text, /*RequireOtherKeys=*/true)) {
    std::string_view Secret = std::string_view(Text).substr(Sp->Offset, Sp->Length);
    if (K.classifyValue(Secret, 0.0) == secrets::ValueVerdict::Secret ||
        K.classifyValue(Secret, 0.0) == secrets::ValueVerdict::Identifier)
      report(2, 798, "hardcoded password in connection string", "in string literal", SL,
             Env.empty() ? "DATABASE_URL" : Env, false, &R, Sp->Offset, Sp->Length, Ctx);
  }
}

//===--- Reporting ---------------------------------------------------------------===//

std::string HardcodedCredentialCheck::accessorCall(const std::string &Env) const {
  return Accessor + "(\"" + Env + "\")";
}

void HardcodedCredentialCheck::report(int Priority, unsigned Cwe, const std::string &What,
                                      const std::string &Where, const Expr *UseSite,
                                      const std::string &Env, bool SinkFixable,
                                      const void *Recovered, size_t Off, size_t Len,
                                      ASTContext &Ctx) {
  const auto &R = *static_cast<const ast::RecoveredString *>(Recovered);
  const ast::StringPiece *Piece = nullptr;
  for (const ast::StringPiece &P : R.Pieces)
    if (P.Literal && Off < P.Offset + P.Length && P.Offset < Off + Len) {
      Piece = &P;
      break;
    }
  if (!Piece)
    return;
  const StringLiteral *SL = Piece->Literal;
  SourceLocation Loc = SM->getSpellingLoc(SL->getBeginLoc());
  if (SM->isInSystemHeader(Loc) || skipLocation(Loc, *SM))
    return;
  unsigned Key = Loc.getRawEncoding();
  auto &Slot = Findings[Key];
  if (Slot && Slot->Priority >= Priority)
    return;

  std::string Secret = R.Text.substr(Off, Len);
  auto F = std::make_unique<Finding>();
  F->Priority = Priority;
  F->Loc = Loc;
  F->File = SM->getFileID(Loc);
  std::string Masked = secrets::mask(Secret);
  // "hardcoded password 's3…(6 chars)' passed to 'mysql_real_connect' parameter 'passwd'"
  F->Message = What + " '" + Masked + "'" + (Where.empty() ? "" : " " + Where) + " [CWE-" +
               std::to_string(Cwe) + "]";
  SourceLocation UseLoc = UseSite ? SM->getFileLoc(UseSite->getBeginLoc()) : SourceLocation();
  if (Piece->ViaVariable && UseLoc.isValid() && SM->getFileLoc(UseLoc) != SM->getFileLoc(Loc))
    F->Notes.emplace_back(UseLoc, "the constant '" + Piece->ViaVariable->getName().str() +
                                      "' is used here");
  else if (Piece->FromMacro && UseLoc.isValid() && UseLoc != Loc)
    F->Notes.emplace_back(UseLoc, "the macro value is used here");

  std::string EnvName = Piece->ViaVariable ? secrets::envVarName(
                                                 Piece->ViaVariable->getName().str())
                                           : Env;
  if (EnvName.empty())
    EnvName = "SECRET";
  F->Replacement = accessorCall(EnvName);

  // The fix is planned once the walk is over (planFix): the literal's
  // context is known by then.
  F->Literal = SL;
  F->Var = Piece->ViaVariable;
  F->Whole = Off == Piece->Offset && Len == Piece->Length;
  F->SinkFixable = SinkFixable;
  F->FromMacro = Piece->FromMacro;
  Slot = std::move(F);
}

/// Fix plan: replace the whole literal with the accessor call where that
/// compiles; otherwise explain.
void HardcodedCredentialCheck::planFix(Finding &F, ASTContext &Ctx) {
  const StringLiteral *SL = F.Literal;
  if (!SL || F.Fix || !F.NoFixReason.empty())
    return; // a macro finding, or planned already
  auto It = Literals.find(SL);
  if (It == Literals.end()) // not seen by the walk (rare): ask the parent map
    It = Literals.emplace(SL, LiteralContext(SL, ancestorsFromParentMap(SL, Ctx))).first;
  const LiteralContext &LC = It->second;
  const VarDecl *Var = F.Var ? F.Var : LC.Var;
  std::string Form; // "" (string) or ".c_str()"
  if (!F.Whole)
    F.NoFixReason = "the secret is only part of the string";
  else if (!F.SinkFixable)
    F.NoFixReason = "the argument goes with other arguments (a length, a user name) that "
                    "must change with it";
  else if (F.FromMacro || SL->getBeginLoc().isMacroID())
    F.NoFixReason = "the value is defined by a macro";
  else if (Var && Var->isConstexpr())
    F.NoFixReason = "'" + Var->getName().str() + "' is constexpr";
  else if (Var && Var->getType()->isArrayType())
    F.NoFixReason = "'" + Var->getName().str() + "' is a character array";
  else if (LC.InDependentContext)
    F.NoFixReason = "the literal is inside a template";
  else if (!LC.NoFix.empty())
    F.NoFixReason = LC.NoFix;
  else
    Form = LC.Form;
  if (F.NoFixReason.empty()) {
    CharSourceRange Range = CharSourceRange::getTokenRange(SL->getSourceRange());
    F.Fix = FixItHint::CreateReplacement(Range, F.Replacement + Form);
    F.Replacement += Form;
    bool StaticStorage = Var && Var->hasGlobalStorage() && !Var->isStaticLocal();
    F.FixOnNote = StaticStorage && !FixNonLocal;
  }
}

void HardcodedCredentialCheck::onEndOfTranslationUnit() {
  std::vector<Finding *> All;
  for (auto &KV : Findings)
    if (KV.second)
      All.push_back(KV.second.get());
  if (SM)
    std::sort(All.begin(), All.end(), [&](const Finding *A, const Finding *B) {
      return SM->isBeforeInTranslationUnit(A->Loc, B->Loc);
    });
  std::map<FileID, bool> IncludeDone;
  // The include goes with the first warning-level fix of a file; failing
  // that, with the first note-level fix.
  std::map<FileID, const Finding *> IncludeOwner;
  for (const Finding *F : All)
    if (F->Fix && !F->FixOnNote && !IncludeOwner.count(F->File))
      IncludeOwner[F->File] = F;
  for (const Finding *F : All)
    if (F->Fix && F->FixOnNote && !IncludeOwner.count(F->File))
      IncludeOwner[F->File] = F;

  for (const Finding *F : All) {
    std::optional<FixItHint> Include;
    auto Own = IncludeOwner.find(F->File);
    if (Own != IncludeOwner.end() && Own->second == F)
      Include = Inserter.createIncludeInsertion(F->File, AccessorHeader);
    {
      auto D = diag(F->Loc, "%0") << F->Message;
      if (F->Fix && !F->FixOnNote) {
        D << *F->Fix;
        if (Include)
          D << *Include;
      }
    }
    for (const auto &N : F->Notes)
      diag(N.first, "%0", DiagnosticIDs::Note) << N.second;
    if (F->Fix && F->FixOnNote) {
      auto D = diag(F->Loc,
                    "read it at run time instead (the variable has static storage: the "
                    "lookup runs during start-up)",
                    DiagnosticIDs::Note)
               << *F->Fix;
      if (Include)
        D << *Include;
    } else if (!F->Fix) {
      diag(F->Loc, "no automatic fix: %0; read it at run time instead, e.g. with %1",
           DiagnosticIDs::Note)
          << F->NoFixReason << F->Replacement;
    }
  }
  Findings.clear();
  IsTestFile.clear();
}

} // namespace prodready

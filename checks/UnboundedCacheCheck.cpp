//===- UnboundedCacheCheck.cpp - long-lived containers that only grow -----===//
//
// One walk collects candidates (long-lived variables and data members whose
// type is a model container), the TU's call graph, route handlers and
// long-lived owner evidence; a second walk classifies every use of a
// candidate (growth, shrink, escape, alias); then lib/cache decides.
//
//===----------------------------------------------------------------------===//
#include "checks/UnboundedCacheCheck.h"
#include "lib/ast/RequestModel.h"
#include "lib/report/FactSink.h"
#include "lib/text/Words.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace prodready {
namespace {

std::string usrOf(const Decl *D) {
  llvm::SmallString<128> Buf;
  if (index::generateUSRForDecl(D, Buf))
    return {};
  return std::string(Buf);
}

const Expr *strip(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (auto *EWC = dyn_cast<ExprWithCleanups>(E))
      E = EWC->getSubExpr();
    else if (auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MTE->getSubExpr();
    else if (auto *BTE = dyn_cast<CXXBindTemporaryExpr>(E))
      E = BTE->getSubExpr();
    else if (auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    else
      break;
  }
  return E;
}

bool isNonConstRefOrPtr(QualType T) {
  if (T.isNull())
    return false;
  if (T->isReferenceType())
    return !T->getPointeeType().isConstQualified();
  if (T->isPointerType())
    return !T->getPointeeType().isConstQualified();
  return false;
}

const CXXRecordDecl *patternOf(const CXXRecordDecl *RD) {
  if (!RD)
    return nullptr;
  if (auto *P = RD->getTemplateInstantiationPattern())
    RD = P;
  return RD->getDefinition() ? RD->getDefinition() : RD;
}

/// A long-lived container under analysis.
struct Candidate {
  const ValueDecl *D = nullptr;
  const cache::ContainerType *Type = nullptr;
  const CXXRecordDecl *Owner = nullptr;
  cache::ContainerFacts Facts;
  // Parallel to Facts.Growth: the growth expression, the access prefix for
  // the fix ("s_cache." / "p->"), the statement to insert the cap before.
  std::vector<const Expr *> GrowthExpr;
  std::vector<std::string> GrowthPrefix;
  std::vector<const Stmt *> GrowthAnchor;
  std::vector<const FunctionDecl *> GrowthFn;
  std::vector<bool> GrowthStaticInit;
  std::vector<const FunctionDecl *> ShrinkFn;
  std::vector<bool> ShrinkStaticInit;
};

struct Context {
  const FunctionDecl *F = nullptr; ///< innermost function or lambda operator()
  bool StaticInit = false;         ///< inside a static variable's initialiser
};

class Analysis {
public:
  Analysis(ASTContext &Ctx, const cache::ContainerModel &CM, const ast::RequestModel *RM,
           std::vector<std::string> OwnerWords, std::vector<std::string> ScopedWords,
           cache::ExternalGlobals Externals)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), CM(CM), RM(RM), OwnerWords(std::move(OwnerWords)),
        ScopedWords(std::move(ScopedWords)), Externals(Externals) {}

  ASTContext &Ctx;
  const SourceManager &SM;
  const cache::ContainerModel &CM;
  const ast::RequestModel *RM;
  std::vector<std::string> OwnerWords, ScopedWords;
  cache::ExternalGlobals Externals;

  std::map<std::pair<unsigned, std::string>, Candidate> Cands; ///< by (location, name)
  std::map<const ValueDecl *, Candidate *> ByDecl;
  std::map<const VarDecl *, Candidate *> Aliases;
  std::map<const FunctionDecl *, Candidate *> Accessors;
  /// Callee -> (caller, call site inside a loop). Caller null: static init.
  std::map<const FunctionDecl *, std::set<std::pair<const FunctionDecl *, bool>>> Callers;
  std::map<const FunctionDecl *, unsigned> CalleeRefs, AllRefs;
  std::set<const FunctionDecl *> StaticInitLambdas;
  std::map<const FunctionDecl *, std::string> RouteHandlers;
  std::set<const FunctionDecl *> OneTimeLambdas;
  std::map<const FunctionDecl *, const FunctionDecl *> LambdaParent;
  std::map<const CXXRecordDecl *, std::string> LongLived;

  // ---- type recognition ---------------------------------------------------

  const cache::ContainerType *containerOf(QualType T, const TemplateArgument **ValueArg = nullptr,
                                          int Depth = 0) {
    if (T.isNull() || Depth > 3)
      return nullptr;
    QualType C = T.getCanonicalType();
    std::string Name;
    llvm::ArrayRef<TemplateArgument> Args;
    if (auto *RD = C->getAsCXXRecordDecl()) {
      if (auto *CTSD = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
        Name = CTSD->getSpecializedTemplate()->getQualifiedNameAsString();
        Args = CTSD->getTemplateArgs().asArray();
      } else {
        Name = RD->getQualifiedNameAsString();
      }
    } else if (auto *TST = C->getAs<TemplateSpecializationType>()) {
      if (auto *TD = TST->getTemplateName().getAsTemplateDecl())
        Name = TD->getQualifiedNameAsString();
      Args = TST->template_arguments();
    }
    if (Name.empty())
      return nullptr;
    if (const cache::ContainerType *CT = CM.find(Name)) {
      if (ValueArg) {
        size_t I = CT->Kind == "map" ? 1 : 0;
        *ValueArg = I < Args.size() ? &Args[I] : nullptr;
      }
      return CT;
    }
    int W = CM.wrapperArg(Name);
    if (W >= 0 && (size_t)W < Args.size() && Args[W].getKind() == TemplateArgument::Type)
      return containerOf(Args[W].getAsType(), ValueArg, Depth + 1);
    return nullptr;
  }

  const CXXRecordDecl *recordThrough(QualType T, int Depth = 0) {
    if (T.isNull() || Depth > 3)
      return nullptr;
    T = T.getNonReferenceType();
    if (T->isPointerType())
      T = T->getPointeeType();
    QualType C = T.getCanonicalType();
    auto *RD = C->getAsCXXRecordDecl();
    if (!RD)
      return nullptr;
    if (auto *CTSD = dyn_cast<ClassTemplateSpecializationDecl>(RD)) {
      int W = CM.wrapperArg(CTSD->getSpecializedTemplate()->getQualifiedNameAsString());
      const auto &Args = CTSD->getTemplateArgs();
      if (W >= 0 && (unsigned)W < Args.size() && Args[W].getKind() == TemplateArgument::Type)
        return recordThrough(Args[W].getAsType(), Depth + 1);
    }
    return patternOf(RD);
  }

  bool inSystem(SourceLocation L) const {
    return L.isValid() && SM.isInSystemHeader(SM.getExpansionLoc(L));
  }

  cache::Location loc(SourceLocation L) const {
    cache::Location R;
    if (L.isInvalid())
      return R;
    PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(L));
    if (P.isValid()) {
      R.File = P.getFilename();
      R.Line = P.getLine();
      R.Column = P.getColumn();
    }
    return R;
  }

  // ---- candidates -----------------------------------------------------------

  void addCandidate(const ValueDecl *D) {
    if (inSystem(D->getLocation()) || D->getType()->isReferenceType() ||
        D->getType().isConstQualified())
      return;
    const TemplateArgument *ValueArg = nullptr;
    const cache::ContainerType *CT = containerOf(D->getType(), &ValueArg);
    if (!CT)
      return;
    const ValueDecl *Canon = cast<ValueDecl>(D->getCanonicalDecl());
    auto Key = std::make_pair(Canon->getLocation().getRawEncoding(), D->getNameAsString());
    auto It = Cands.find(Key);
    if (It != Cands.end()) { // a redeclaration, or an instantiation of a template already seen
      ByDecl[Canon] = &It->second;
      return;
    }
    Candidate &C = Cands[Key];
    C.D = Canon;
    if (auto *VD = dyn_cast<VarDecl>(Canon))
      if (!VD->isStaticDataMember())
        if (const VarDecl *Def = VD->getDefinition())
          C.D = Def;
    D = C.D;
    C.Type = CT;
    ByDecl[Canon] = &C;
    cache::ContainerFacts &F = C.Facts;
    F.USR = usrOf(D);
    F.Name = D->getNameAsString();
    F.QualifiedName = D->getQualifiedNameAsString();
    F.TypeName = CT->Name.substr(2);
    F.Kind = CT->Kind;
    F.Decl = loc(D->getLocation());
    F.TypeNote = CT->Note;
    F.NameHint = cache::ContainerModel::matchWord(F.Name, CM.cacheNameWords());
    if (ValueArg && ValueArg->getKind() == TemplateArgument::Type)
      if (auto *VR = ValueArg->getAsType()->getAsCXXRecordDecl())
        if (VR->hasDefinition())
          for (const FieldDecl *FD : VR->getDefinition()->fields())
            if (!cache::ContainerModel::matchWord(FD->getName(), CM.ttlFieldWords()).empty()) {
              F.TtlField = FD->getNameAsString();
              break;
            }
    if (auto *VD = dyn_cast<VarDecl>(D)) {
      if (VD->isStaticLocal()) {
        F.Store = cache::Storage::StaticLocal;
        F.InternalLinkage = true;
      } else if (VD->isStaticDataMember()) {
        F.Store = cache::Storage::StaticMember;
        C.Owner = patternOf(dyn_cast<CXXRecordDecl>(VD->getDeclContext()));
      } else {
        F.Store = cache::Storage::Global;
        F.InternalLinkage = !VD->isExternallyVisible();
        for (const VarDecl *R : VD->redecls())
          if (R->getStorageClass() == SC_Extern ||
              !SM.isWrittenInMainFile(SM.getExpansionLoc(R->getLocation())))
            F.Exported = true;
      }
    } else {
      F.Store = cache::Storage::Member;
      C.Owner = patternOf(dyn_cast<CXXRecordDecl>(D->getDeclContext()));
    }
    if (C.Owner) {
      F.OwnerClass = C.Owner->getNameAsString();
      F.OwnerClassUSR = usrOf(C.Owner);
      F.Access = D->getAccess() == AS_private     ? "private"
                 : D->getAccess() == AS_protected ? "protected"
                                                  : "public";
    }
  }

  // ---- function helpers -------------------------------------------------------

  const FunctionDecl *canon(const FunctionDecl *F) const {
    if (!F)
      return nullptr;
    if (auto *P = F->getTemplateInstantiationPattern())
      F = P;
    return F->getCanonicalDecl();
  }

  std::string functionName(const FunctionDecl *F) const {
    if (!F)
      return "";
    if (auto *P = F->getTemplateInstantiationPattern())
      F = P;
    if (auto *MD = dyn_cast<CXXMethodDecl>(F))
      if (MD->getParent()->isLambda()) {
        auto R = RouteHandlers.find(canon(F));
        if (R != RouteHandlers.end())
          return R->second;
        auto It = LambdaParent.find(canon(F));
        std::string Outer =
            It != LambdaParent.end() && It->second ? functionName(It->second) : std::string();
        return Outer.empty() ? "lambda" : "lambda in " + Outer;
      }
    return F->getQualifiedNameAsString();
  }

  bool exportedFunction(const FunctionDecl *F) const {
    if (!F->isExternallyVisible())
      return false;
    if (auto *MD = dyn_cast<CXXMethodDecl>(F))
      if (MD->getAccess() == AS_private || MD->getAccess() == AS_protected)
        return false;
    if (Externals == cache::ExternalGlobals::Always)
      return false;
    if (Externals == cache::ExternalGlobals::Never)
      return true;
    for (const FunctionDecl *R : F->redecls())
      if (!SM.isWrittenInMainFile(SM.getExpansionLoc(R->getLocation())))
        return true;
    return false;
  }

  /// Handler name when \p F is a request handler or a route's callback.
  std::string handlerName(const FunctionDecl *F) {
    F = canon(F);
    if (!F)
      return "";
    auto It = RouteHandlers.find(F);
    if (It != RouteHandlers.end())
      return It->second;
    if (RM && RM->handlerOf(F))
      return functionName(F);
    return "";
  }

  /// The handler \p F runs in: itself, an enclosing function of a lambda, or
  /// a caller (depth-limited).
  std::string reachingHandler(const FunctionDecl *F, int Depth = 0) {
    if (!F || Depth > 3)
      return "";
    F = canon(F);
    std::string H = handlerName(F);
    if (!H.empty())
      return H;
    auto L = LambdaParent.find(F);
    if (L != LambdaParent.end() && L->second) {
      H = reachingHandler(L->second, Depth + 1);
      if (!H.empty())
        return H;
    }
    auto C = Callers.find(F);
    if (C != Callers.end())
      for (const auto &CallerLoop : C->second) {
        H = reachingHandler(CallerLoop.first, Depth + 1);
        if (!H.empty())
          return H;
      }
    return "";
  }

  /// One-time contexts: constructors of the owner, init-named functions,
  /// std::call_once, static initialisers, functions called only from those.
  bool oneTime(const FunctionDecl *F, const Candidate &C, std::string &Why, int Depth = 0,
               std::set<const FunctionDecl *> *Seen = nullptr, bool UseCallers = true) {
    std::set<const FunctionDecl *> Local;
    if (!Seen)
      Seen = &Local;
    if (!F) {
      Why = "static initialiser";
      return true;
    }
    F = canon(F);
    if (Depth > 4 || !Seen->insert(F).second)
      return false;
    if (!handlerName(F).empty())
      return false;
    if (auto *Ctor = dyn_cast<CXXConstructorDecl>(F)) {
      if (C.Owner && patternOf(Ctor->getParent()) == C.Owner) {
        Why = "constructor of '" + C.Owner->getNameAsString() + "'";
        return true;
      }
    }
    if (StaticInitLambdas.count(F)) {
      Why = "static initialiser";
      return true;
    }
    if (OneTimeLambdas.count(F)) {
      Why = "std::call_once";
      return true;
    }
    if (F->getDeclName().isIdentifier() &&
        cache::ContainerModel::matchesNamePattern(F->getName(), CM.initFunctionNames())) {
      Why = "init function '" + F->getNameAsString() + "'";
      return true;
    }
    auto L = LambdaParent.find(F);
    if (L != LambdaParent.end()) // a lambda runs where it is written (unless registered)
      return L->second && oneTime(L->second, C, Why, Depth + 1, Seen, UseCallers);
    if (auto *MD = dyn_cast<CXXMethodDecl>(F))
      if (MD->isVirtual())
        return false;
    if (AllRefs[F] > CalleeRefs[F])
      return false; // address taken: called from anywhere
    if (!UseCallers)
      return false;
    auto It = Callers.find(F);
    if (It == Callers.end() || It->second.empty())
      return false;
    std::string First;
    for (const auto &CallerLoop : It->second) {
      const FunctionDecl *Caller = CallerLoop.first;
      std::string W;
      if (CallerLoop.second) // called in a loop: once per iteration
        return false;
      if (!oneTime(Caller, C, W, Depth + 1, Seen))
        return false;
      if (First.empty())
        First = Caller ? functionName(Caller) : "a static initialiser";
    }
    Why = "called only from '" + First + "'";
    return true;
  }

  // ---- expression helpers -------------------------------------------------------

  /// The candidate an expression denotes (through parens, casts, wrapper
  /// dereference, local reference/pointer aliases and accessor calls).
  Candidate *resolve(const Expr *E, int Depth = 0) {
    if (!E || Depth > 4)
      return nullptr;
    E = strip(E);
    if (auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        auto A = Aliases.find(VD);
        if (A != Aliases.end())
          return A->second;
      }
      auto It = ByDecl.find(cast<ValueDecl>(DRE->getDecl()->getCanonicalDecl()));
      return It == ByDecl.end() ? nullptr : It->second;
    }
    if (auto *ME = dyn_cast<MemberExpr>(E)) {
      auto It = ByDecl.find(cast<ValueDecl>(ME->getMemberDecl()->getCanonicalDecl()));
      return It == ByDecl.end() ? nullptr : It->second;
    }
    if (auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
      if ((OC->getOperator() == OO_Star || OC->getOperator() == OO_Arrow) && OC->getNumArgs() == 1)
        return resolve(OC->getArg(0), Depth + 1);
      return nullptr;
    }
    if (auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Deref)
        return resolve(UO->getSubExpr(), Depth + 1);
      return nullptr;
    }
    if (auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      // wrapper.get() / wrapper.value() / *wrapper
      if (auto *MD = MC->getMethodDecl())
        if (MD->getDeclName().isIdentifier() &&
            (MD->getName() == "get" || MD->getName() == "value" || MD->getName() == "operator*"))
          if (auto *RD = MD->getParent())
            if (CM.wrapperArg(RD->getQualifiedNameAsString()) >= 0)
              return resolve(MC->getImplicitObjectArgument(), Depth + 1);
    }
    if (auto *CE = dyn_cast<CallExpr>(E))
      if (auto *FD = CE->getDirectCallee()) {
        auto It = Accessors.find(canon(FD));
        if (It != Accessors.end())
          return It->second;
      }
    return nullptr;
  }

  // ---- parents ------------------------------------------------------------------
  //
  // The visitors keep the path from the translation unit to the node being
  // visited (Path); parents are read from it. ASTContext::getParents would
  // build a parent map of the whole TU, system headers included, which cost
  // more than the rest of the check.

  /// Nodes from the root to the node being visited, maintained by the visitor.
  const std::vector<DynTypedNode> *Path = nullptr;
  /// Loop variable of a range-based for -> the loop (for constantKey).
  std::map<const VarDecl *, const CXXForRangeStmt *> RangeLoops;

  /// Index of \p S on the path (searched from the top), or -1.
  int onPath(const Stmt *S) const {
    if (!Path)
      return -1;
    for (int I = (int)Path->size() - 1; I >= 0; --I)
      if ((*Path)[I].get<Stmt>() == S)
        return I;
    return -1;
  }

  /// The enclosing statement of \p S; through a declaration (a variable's
  /// initialiser) to its DeclStmt. \p S must be on the visitor's path.
  const Stmt *parent(const Stmt *S) const {
    int I = onPath(S);
    for (int Guard = 0; Guard < 4 && I > 0; ++Guard) {
      const DynTypedNode &P = (*Path)[--I];
      if (auto *PS = P.get<Stmt>())
        return PS;
      auto *D = P.get<Decl>();
      if (!D || isa<FunctionDecl>(D))
        return nullptr;
    }
    return nullptr;
  }

  DynTypedNode parentNode(const Stmt *S) const {
    int I = onPath(S);
    return I > 0 ? (*Path)[I - 1] : DynTypedNode();
  }

  std::string text(SourceRange R) const {
    if (R.isInvalid() || R.getBegin().isMacroID() || R.getEnd().isMacroID())
      return "";
    return Lexer::getSourceText(CharSourceRange::getTokenRange(R), SM, Ctx.getLangOpts()).str();
  }

  /// Is \p E (a key) a compile-time constant or of a small-domain type?
  bool constantKey(const Expr *E, bool FirstOfPair, int Depth = 0) {
    if (!E || Depth > 5)
      return false;
    E = strip(E);
    if (auto *CCE = dyn_cast<CXXConstructExpr>(E)) {
      unsigned N = CCE->getNumArgs();
      while (N && isa<CXXDefaultArgExpr>(CCE->getArg(N - 1)))
        --N;
      if (N == 0)
        return true;
      if (N == 1 || FirstOfPair)
        return constantKey(CCE->getArg(0), false, Depth + 1);
      return false;
    }
    if (auto *IL = dyn_cast<InitListExpr>(E)) {
      if (IL->getNumInits() == 0)
        return true;
      return constantKey(IL->getInit(0), false, Depth + 1);
    }
    if (auto *CE = dyn_cast<CallExpr>(E)) {
      if (auto *FD = CE->getDirectCallee())
        if (FD->getDeclName().isIdentifier() && FD->getName() == "make_pair" && CE->getNumArgs())
          return constantKey(CE->getArg(0), false, Depth + 1);
      return false;
    }
    if (isa<StringLiteral>(E) || isa<IntegerLiteral>(E) || isa<CharacterLiteral>(E) ||
        isa<CXXBoolLiteralExpr>(E) || isa<FloatingLiteral>(E))
      return true;
    QualType T = E->getType();
    if (!T.isNull() && !E->isTypeDependent()) {
      QualType C = T.getCanonicalType().getNonReferenceType();
      if (C->isEnumeralType() || C->isBooleanType())
        return true;
      if (C->isIntegerType() && Ctx.getTypeSize(C) <= 16)
        return true;
      if (!E->isValueDependent() && C->isIntegralOrEnumerationType() && E->isEvaluatable(Ctx))
        return true;
    }
    if (auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (isa<EnumConstantDecl>(DRE->getDecl()))
        return true;
      if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        if (VD->isConstexpr())
          return true;
        if (VD->getType().isConstQualified() && VD->hasGlobalStorage() && VD->getInit())
          return constantKey(VD->getInit(), false, Depth + 1);
        // for (const auto &k : kConstantArray)
        auto L = RangeLoops.find(VD);
        if (L != RangeLoops.end()) {
          const Expr *Range = strip(L->second->getRangeInit());
          if (isa<InitListExpr>(Range))
            return true;
          if (auto *RD = dyn_cast<DeclRefExpr>(Range))
            if (auto *RV = dyn_cast<VarDecl>(RD->getDecl()))
              return (RV->isConstexpr() || RV->getType().isConstant(Ctx)) &&
                     RV->hasGlobalStorage();
        }
      }
    }
    return false;
  }

  /// Request data read anywhere in \p E (one hop through local variables).
  std::string requestData(const Expr *E, int Depth = 0) {
    if (!E || !RM || Depth > 3)
      return "";
    std::string Found;
    std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
      if (!S || !Found.empty())
        return;
      if (auto *X = dyn_cast<Expr>(S)) {
        if (auto Src = RM->sourceOf(X)) {
          Found = flow::describe(Src->Kind);
          if (!Src->Key.empty())
            Found += " '" + Src->Key + "'";
          return;
        }
        if (auto *DRE = dyn_cast<DeclRefExpr>(X))
          if (auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
            if (VD->isLocalVarDecl() && VD->getInit() && !isa<ParmVarDecl>(VD)) {
              Found = requestData(VD->getInit(), Depth + 1);
              return;
            }
      }
      for (const Stmt *Ch : S->children())
        Walk(Ch);
    };
    Walk(E);
    return Found;
  }

  std::string paramName(const Expr *E) {
    E = strip(E);
    if (auto *CCE = dyn_cast_or_null<CXXConstructExpr>(E))
      if (CCE->getNumArgs() >= 1)
        E = strip(CCE->getArg(0));
    if (auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
      if (auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl()))
        return P->getNameAsString();
    return "";
  }

  /// size() (or std::size) of \p C compared in \p Cond. Sets ThenBounded
  /// (then-branch runs only below the limit) / ThenFull (only at or above it).
  bool sizeCompare(const Expr *Cond, Candidate *C, bool &ThenBounded, bool &ThenFull) {
    if (!Cond)
      return false;
    Cond = strip(Cond);
    auto IsSize = [&](const Expr *E) {
      E = strip(E);
      if (auto *MC = dyn_cast<CXXMemberCallExpr>(E))
        if (auto *MD = MC->getMethodDecl())
          if (MD->getDeclName().isIdentifier() && C->Type->isSize(MD->getName()))
            return resolve(MC->getImplicitObjectArgument()) == C;
      if (auto *CE = dyn_cast<CallExpr>(E))
        if (auto *FD = CE->getDirectCallee())
          if (FD->getDeclName().isIdentifier() && FD->getName() == "size" && CE->getNumArgs() == 1)
            return resolve(CE->getArg(0)) == C;
      return false;
    };
    if (auto *BO = dyn_cast<BinaryOperator>(Cond)) {
      if (BO->getOpcode() == BO_LAnd || BO->getOpcode() == BO_LOr) {
        bool TB = false, TF = false;
        if (BO->getOpcode() == BO_LAnd && (sizeCompare(BO->getLHS(), C, TB, TF) ||
                                           sizeCompare(BO->getRHS(), C, TB, TF)) && TB) {
          ThenBounded = true;
          return true;
        }
        if (BO->getOpcode() == BO_LOr && (sizeCompare(BO->getLHS(), C, TB, TF) ||
                                          sizeCompare(BO->getRHS(), C, TB, TF)) && TF) {
          ThenFull = true;
          return true;
        }
        return false;
      }
      if (!BO->isComparisonOp())
        return false;
      BinaryOperatorKind Op = BO->getOpcode();
      if (IsSize(BO->getRHS()))
        Op = BinaryOperator::reverseComparisonOp(Op);
      else if (!IsSize(BO->getLHS()))
        return false;
      ThenBounded = Op == BO_LT || Op == BO_LE;
      ThenFull = Op == BO_GT || Op == BO_GE || Op == BO_EQ;
      return true;
    }
    if (auto *OC = dyn_cast<CXXOperatorCallExpr>(Cond)) // size compared through an operator
      return false;
    if (auto *UO = dyn_cast<UnaryOperator>(Cond))
      if (UO->getOpcode() == UO_LNot) {
        bool TB = false, TF = false;
        if (sizeCompare(UO->getSubExpr(), C, TB, TF)) {
          ThenBounded = TF;
          ThenFull = TB;
          return true;
        }
      }
    return false;
  }

  static bool exits(const Stmt *S) {
    if (!S)
      return false;
    if (isa<ReturnStmt>(S) || isa<CXXThrowExpr>(S) || isa<BreakStmt>(S) || isa<ContinueStmt>(S))
      return true;
    if (isa<LambdaExpr>(S))
      return false;
    if (auto *CE = dyn_cast<CallExpr>(S))
      if (auto *FD = CE->getDirectCallee())
        if (FD->isNoReturn())
          return true;
    for (const Stmt *Ch : S->children())
      if (exits(Ch))
        return true;
    return false;
  }

  bool capped(const Expr *Growth, Candidate *C) {
    const Stmt *Node = Growth;
    for (int Guard = 0; Guard < 64; ++Guard) {
      const Stmt *P = parent(Node);
      if (!P || isa<LambdaExpr>(P))
        return false;
      bool TB = false, TF = false;
      if (auto *If = dyn_cast<IfStmt>(P)) {
        if (sizeCompare(If->getCond(), C, TB, TF) &&
            ((If->getThen() == Node && TB) || (If->getElse() == Node && TF)))
          return true;
      } else if (auto *CO = dyn_cast<ConditionalOperator>(P)) {
        if (sizeCompare(CO->getCond(), C, TB, TF) &&
            ((CO->getTrueExpr() == Node && TB) || (CO->getFalseExpr() == Node && TF)))
          return true;
      } else if (auto *W = dyn_cast<WhileStmt>(P)) {
        if (W->getBody() == Node && sizeCompare(W->getCond(), C, TB, TF) && TB)
          return true;
      } else if (auto *F = dyn_cast<ForStmt>(P)) {
        if (F->getBody() == Node && sizeCompare(F->getCond(), C, TB, TF) && TB)
          return true;
      } else if (auto *BO = dyn_cast<BinaryOperator>(P)) {
        if (BO->getOpcode() == BO_LAnd && BO->getRHS() == Node &&
            sizeCompare(BO->getLHS(), C, TB, TF) && TB)
          return true;
      } else if (auto *CS = dyn_cast<CompoundStmt>(P)) {
        for (const Stmt *Sib : CS->body()) {
          if (Sib == Node)
            break;
          if (auto *If = dyn_cast<IfStmt>(Sib)) {
            bool TB2 = false, TF2 = false;
            if (sizeCompare(If->getCond(), C, TB2, TF2) && TF2 && exits(If->getThen()))
              return true;
          } else if (auto *W = dyn_cast<WhileStmt>(Sib)) {
            bool TB2 = false, TF2 = false;
            if (sizeCompare(W->getCond(), C, TB2, TF2) && TF2)
              return true;
          }
        }
      }
      Node = P;
    }
    return false;
  }

  /// The statement to insert a cap before: the growth's enclosing statement
  /// directly inside a `{}` block, not crossing a loop, a case label or a
  /// macro.
  const Stmt *anchor(const Expr *Growth) {
    const Stmt *Node = Growth;
    for (int Guard = 0; Guard < 64; ++Guard) {
      const Stmt *P = parent(Node);
      if (!P || isa<LambdaExpr>(P) || isa<ForStmt>(P) || isa<WhileStmt>(P) || isa<DoStmt>(P) ||
          isa<CXXForRangeStmt>(P) || isa<SwitchCase>(P) || isa<LabelStmt>(P))
        return nullptr;
      if (isa<CompoundStmt>(P)) {
        if (Node->getBeginLoc().isMacroID() || isa<NullStmt>(Node))
          return nullptr;
        return Node;
      }
      Node = P;
    }
    return nullptr;
  }
};

// ---- pass 1: candidates, call graph, handlers, owner evidence ------------------

template <class Derived> class ContextVisitor : public RecursiveASTVisitor<Derived> {
public:
  using Base = RecursiveASTVisitor<Derived>;
  explicit ContextVisitor(Analysis &A) : A(A) { A.Path = &Path; }
  ~ContextVisitor() { A.Path = nullptr; }
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  /// Only user code: declarations in system headers (whole namespaces
  /// included) are never entered.
  bool TraverseDecl(Decl *D) {
    if (!D)
      return true;
    if (!isa<TranslationUnitDecl>(D) && !isa<LinkageSpecDecl>(D) && A.inSystem(D->getLocation()))
      return true;
    Path.push_back(DynTypedNode::create(*D));
    bool R = traverseInContext(D);
    Path.pop_back();
    return R;
  }

  // The path to the current node, for Analysis::parent().
  bool dataTraverseStmtPre(Stmt *S) {
    Path.push_back(DynTypedNode::create(*S));
    if (auto *FR = dyn_cast<CXXForRangeStmt>(S))
      if (const VarDecl *LV = FR->getLoopVariable())
        A.RangeLoops[LV] = FR;
    return true;
  }
  bool dataTraverseStmtPost(Stmt *) {
    Path.pop_back();
    return true;
  }

  bool TraverseLambdaExpr(LambdaExpr *LE) {
    const FunctionDecl *Op = LE->getCallOperator();
    const FunctionDecl *Outer = current();
    A.LambdaParent[A.canon(Op)] = Outer;
    // Immediately invoked in a static initialiser: runs once.
    if (!Outer && inStaticInit()) {
      const Stmt *Node = LE;
      DynTypedNode P = A.parentNode(Node);
      while (P.get<Stmt>() && (isa<ImplicitCastExpr>(P.get<Stmt>()) ||
                               isa<MaterializeTemporaryExpr>(P.get<Stmt>()) ||
                               isa<CXXBindTemporaryExpr>(P.get<Stmt>()) ||
                               isa<ParenExpr>(P.get<Stmt>()))) {
        Node = P.get<Stmt>();
        P = A.parentNode(Node);
      }
      if (auto *OC = P.get<CXXOperatorCallExpr>())
        if (OC->getOperator() == OO_Call && OC->getNumArgs() && OC->getArg(0) == Node)
          A.StaticInitLambdas.insert(A.canon(Op));
    }
    Stack.push_back({Op, false});
    bool R = Base::TraverseLambdaExpr(LE);
    Stack.pop_back();
    return R;
  }

  const FunctionDecl *current() const {
    for (auto It = Stack.rbegin(); It != Stack.rend(); ++It)
      if (It->F || It->StaticInit)
        return It->F;
    return nullptr;
  }
  Context ctx() const { return Stack.empty() ? Context{} : Stack.back(); }
  bool inStaticInit() const {
    for (auto It = Stack.rbegin(); It != Stack.rend(); ++It)
      if (It->F || It->StaticInit)
        return It->StaticInit && !It->F;
    return false;
  }
  virtual bool skipDependent() const { return true; }

protected:
  Analysis &A;
  std::vector<Context> Stack;
  std::vector<DynTypedNode> Path;
  /// Inside a template's uninstantiated body (only when !skipDependent()).
  unsigned DependentDepth = 0;

private:
  bool traverseInContext(Decl *D) {
    if (auto *FD = dyn_cast<FunctionDecl>(D)) {
      bool Dependent = FD->isDependentContext() && !FD->isTemplateInstantiation();
      if (Dependent && skipDependent())
        return true;
      Stack.push_back({FD, false});
      DependentDepth += Dependent;
      bool R = Base::TraverseDecl(D);
      DependentDepth -= Dependent;
      Stack.pop_back();
      return R;
    }
    if (auto *VD = dyn_cast<VarDecl>(D))
      if (VD->hasGlobalStorage() && !isa<ParmVarDecl>(VD) && VD->hasInit()) {
        Stack.push_back({nullptr, true});
        bool R = Base::TraverseDecl(D);
        Stack.pop_back();
        return R;
      }
    return Base::TraverseDecl(D);
  }
};

class Collector : public ContextVisitor<Collector> {
public:
  using ContextVisitor::ContextVisitor;
  bool skipDependent() const override { return false; }

  bool VisitVarDecl(VarDecl *VD) {
    if (isa<ParmVarDecl>(VD))
      return true;
    if (VD->hasGlobalStorage())
      A.addCandidate(VD);
    // Owner evidence: a static instance, or an instance living in main().
    if (const CXXRecordDecl *RD = A.recordThrough(VD->getType())) {
      if (VD->hasGlobalStorage())
        A.LongLived.emplace(RD, "a static instance '" + VD->getNameAsString() + "'");
      else if (const FunctionDecl *F = current())
        if (F->isMain())
          A.LongLived.emplace(RD, "an instance in 'main'");
    }
    return true;
  }

  /// Is \p S inside a loop of its function (not crossing a lambda)?
  bool inLoop(const Stmt *S) {
    const Stmt *Node = S;
    for (int Guard = 0; Guard < 64 && Node; ++Guard) {
      DynTypedNode P = A.parentNode(Node);
      const Stmt *PS = P.get<Stmt>();
      if (!PS || isa<LambdaExpr>(PS))
        return false;
      if (auto *F = dyn_cast<ForStmt>(PS)) {
        if (F->getBody() == Node || F->getCond() == Node || F->getInc() == Node)
          return true;
      } else if (isa<WhileStmt>(PS) || isa<DoStmt>(PS)) {
        return true;
      } else if (auto *FR = dyn_cast<CXXForRangeStmt>(PS)) {
        if (FR->getBody() == Node)
          return true;
      }
      Node = PS;
    }
    return false;
  }

  bool VisitFieldDecl(FieldDecl *FD) {
    if (auto *RD = dyn_cast<CXXRecordDecl>(FD->getParent()))
      if (!RD->isLambda() && !RD->isUnion())
        A.addCandidate(FD);
    return true;
  }

  bool VisitCXXMethodDecl(CXXMethodDecl *MD) {
    // Singleton: a static member function handing out the class itself.
    if (MD->isStatic())
      if (const CXXRecordDecl *RD = A.recordThrough(MD->getReturnType()))
        if (RD == patternOf(MD->getParent()) &&
            (MD->getReturnType()->isReferenceType() || MD->getReturnType()->isPointerType()))
          A.LongLived.emplace(RD, "a singleton ('" + MD->getNameAsString() + "')");
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Caller = current();
    if (const FunctionDecl *Callee = CE->getDirectCallee()) {
      A.Callers[A.canon(Callee)].insert({A.canon(Caller), inLoop(CE)});
      if (auto *DRE = dyn_cast<DeclRefExpr>(strip(CE->getCallee())))
        if (auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
          A.CalleeRefs[A.canon(FD)]++;
      int P = A.CM.oneTimeCallParam(Callee->getQualifiedNameAsString());
      if (P >= 0 && (unsigned)P < CE->getNumArgs()) {
        const Expr *Arg = strip(CE->getArg(P));
        if (auto *LE = dyn_cast<LambdaExpr>(Arg))
          A.OneTimeLambdas.insert(A.canon(LE->getCallOperator()));
        else if (auto *DRE = dyn_cast<DeclRefExpr>(Arg))
          if (auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
            A.OneTimeLambdas.insert(A.canon(FD));
      }
    }
    if (A.RM) {
      const FunctionDecl *H = nullptr;
      if (auto R = A.RM->routeOf(CE, &H))
        if (H) {
          std::string Name;
          auto *MD = dyn_cast<CXXMethodDecl>(H);
          if (MD && MD->getParent()->isLambda())
            Name = "lambda for " +
                   (R->Path.empty() ? std::string("a route")
                                    : (R->Method.empty() ? "" : R->Method + " ") + R->Path);
          else
            Name = H->getQualifiedNameAsString();
          A.RouteHandlers.emplace(A.canon(H), Name);
        }
    }
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (auto *Ctor = CE->getConstructor())
      if (!A.inSystem(Ctor->getLocation()))
        A.Callers[A.canon(Ctor)].insert({A.canon(current()), inLoop(CE)});
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      A.AllRefs[A.canon(FD)]++;
    return true;
  }

  /// Returns by non-const reference or pointer outside uninstantiated
  /// templates: accessor candidates, judged once every candidate is known.
  bool VisitReturnStmt(ReturnStmt *RS) {
    const FunctionDecl *F = current();
    if (F && !DependentDepth && RS->getRetValue() && isNonConstRefOrPtr(F->getReturnType()))
      Returns.push_back({RS, F});
    return true;
  }

  std::vector<std::pair<const ReturnStmt *, const FunctionDecl *>> Returns;
};

// ---- pass 1b: accessors (functions returning a candidate by reference) ----------

void findAccessors(Analysis &A,
                   const std::vector<std::pair<const ReturnStmt *, const FunctionDecl *>> &Returns) {
  for (const auto &[RS, F] : Returns) {
    const Expr *V = strip(RS->getRetValue());
    if (auto *UO = dyn_cast<UnaryOperator>(V))
      if (UO->getOpcode() == UO_AddrOf)
        V = UO->getSubExpr();
    Candidate *C = A.resolve(V);
    if (!C)
      continue;
    bool MemberGetter = false;
    if (auto *MD = dyn_cast<CXXMethodDecl>(F))
      MemberGetter = C->Facts.Store != cache::Storage::Global &&
                     C->Facts.Store != cache::Storage::StaticLocal &&
                     MD->getAccess() != AS_private;
    if (MemberGetter || A.LambdaParent.count(A.canon(F)) || A.exportedFunction(F)) {
      C->Facts.Escapes.push_back({A.loc(RS->getBeginLoc()),
                                  "returned by non-const reference from '" +
                                      A.functionName(F) + "'",
                                  A.functionName(F)});
      continue;
    }
    A.Accessors[A.canon(F)] = C;
  }
}

// ---- pass 2: uses ------------------------------------------------------------------

class UseVisitor : public ContextVisitor<UseVisitor> {
public:
  UseVisitor(Analysis &A, const std::string &MaxEntries) : ContextVisitor(A), Max(MaxEntries) {}

  void growth(Candidate *C, const Expr *E, const std::string &Method, const Expr *Key,
              std::vector<const Expr *> Values, std::string Prefix) {
    for (size_t I = 0; I < C->Facts.Growth.size(); ++I) // template instantiations
      if (C->Facts.Growth[I].Loc == A.loc(E->getBeginLoc()) && C->Facts.Growth[I].Method == Method)
        return;
    cache::GrowthSite G;
    Context X = ctx();
    const FunctionDecl *F = current();
    G.Loc = A.loc(E->getBeginLoc());
    G.Method = Method;
    G.Function = A.functionName(F);
    G.FunctionUSR = F ? usrOf(F) : "";
    G.InMacro = E->getBeginLoc().isMacroID();
    if (C->Type->Keyed && Key)
      G.ConstantKey = A.constantKey(Key, C->Type->Kind == "map");
    G.Capped = A.capped(E, C);
    std::string Req;
    if (C->Type->Keyed && Key)
      Req = A.requestData(Key);
    else
      for (const Expr *V : Values)
        if (Req.empty())
          Req = A.requestData(V);
    if (!Req.empty()) {
      G.FromRequest = true;
      G.RequestKey = Req;
    }
    G.KeyParam = A.paramName(C->Type->Keyed ? Key : (Values.empty() ? nullptr : Values[0]));
    C->Facts.Growth.push_back(G);
    C->GrowthExpr.push_back(E);
    C->GrowthPrefix.push_back(Prefix);
    C->GrowthAnchor.push_back(A.anchor(E));
    C->GrowthFn.push_back(F);
    C->GrowthStaticInit.push_back(X.StaticInit && !F);
  }

  void shrink(Candidate *C, const Expr *E, const std::string &Method) {
    const FunctionDecl *F = current();
    cache::ShrinkSite S;
    S.Loc = A.loc(E->getBeginLoc());
    S.Method = Method;
    S.Function = A.functionName(F);
    S.FunctionUSR = F ? usrOf(F) : "";
    C->Facts.Shrinks.push_back(S);
    C->ShrinkFn.push_back(F);
    C->ShrinkStaticInit.push_back(ctx().StaticInit && !F);
  }

  void escape(Candidate *C, const Expr *E, std::string How) {
    C->Facts.Escapes.push_back({A.loc(E->getBeginLoc()), std::move(How), A.functionName(current())});
  }

  /// A member function call or member operator on candidate \p C.
  void method(Candidate *C, const Expr *Call, const std::string &Name,
              llvm::ArrayRef<const Expr *> Args, const std::string &Prefix) {
    const cache::ContainerType &T = *C->Type;
    bool Grows = T.isGrow(Name);
    for (const cache::ConditionalGrowth *G : T.conditionalGrowth(Name)) {
      bool Absent = (size_t)G->Param >= Args.size() || isa<CXXDefaultArgExpr>(strip(Args[G->Param]));
      if (Absent) {
        Grows = Grows || G->WhenAbsent;
        continue;
      }
      Expr::EvalResult R;
      if (Args[G->Param]->EvaluateAsInt(R, A.Ctx) && R.Val.getInt().getExtValue() == G->Value)
        Grows = true;
    }
    if (Grows) {
      const Expr *Key = nullptr;
      if (!Args.empty()) {
        size_t KI = (size_t)std::max(0, T.keyArg(Name));
        if (KI >= Args.size())
          KI = 0;
        if (Name == "insert" && Args.size() == 2 && KI == 0) {
          QualType T0 = Args[0]->getType();
          if (auto *RD = T0->getAsCXXRecordDecl())
            if (RD->getName().contains("iterator"))
              KI = 1;
        }
        Key = Args[KI];
      }
      std::vector<const Expr *> Values(Args.begin(), Args.end());
      growth(C, Call, Name, Key, Values, Prefix);
      return;
    }
    if (T.isShrink(Name))
      shrink(C, Call, Name);
  }

  std::string prefixOf(const Expr *Obj, bool Arrow) {
    // wrapper->method(): the object expression is `wrapper.operator->()`,
    // whose range may include the arrow; use the wrapper's own text.
    if (auto *OC = dyn_cast<CXXOperatorCallExpr>(Obj->IgnoreImplicit()))
      if (OC->getOperator() == OO_Arrow && OC->getNumArgs() == 1)
        Obj = OC->getArg(0);
    std::string S = A.text(Obj->getSourceRange());
    if (S.empty()) {
      if (auto *ME = dyn_cast<MemberExpr>(strip(Obj)))
        if (ME->isImplicitAccess())
          S = ME->getMemberDecl()->getNameAsString();
    }
    if (S.empty())
      return "";
    return S + (Arrow ? "->" : ".");
  }

  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    const Expr *Obj = MC->getImplicitObjectArgument();
    auto *MD = MC->getMethodDecl();
    if (Obj && MD) {
      if (Candidate *C = A.resolve(Obj)) {
        bool Arrow = false;
        if (auto *ME = dyn_cast<MemberExpr>(MC->getCallee()->IgnoreParens()))
          Arrow = ME->isArrow();
        std::string Name = MD->getDeclName().isIdentifier() ? MD->getName().str()
                                                           : MD->getNameAsString();
        llvm::SmallVector<const Expr *, 4> Args(MC->arguments().begin(), MC->arguments().end());
        method(C, MC, Name, Args, prefixOf(Obj, Arrow));
      }
    }
    args(MC, MD, llvm::ArrayRef<Expr *>(MC->getArgs(), MC->getNumArgs()), 0);
    return true;
  }

  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *OC) {
    auto *FD = OC->getDirectCallee();
    if (!FD)
      return true;
    auto *MD = dyn_cast<CXXMethodDecl>(FD);
    if (MD && OC->getNumArgs() >= 1) {
      if (Candidate *C = A.resolve(OC->getArg(0))) {
        std::string Name = std::string("operator") + getOperatorSpelling(OC->getOperator());
        llvm::SmallVector<const Expr *, 4> Args;
        for (unsigned I = 1; I < OC->getNumArgs(); ++I)
          Args.push_back(OC->getArg(I));
        method(C, OC, Name, Args, prefixOf(OC->getArg(0), false));
      }
      args(OC, FD, llvm::ArrayRef<Expr *>(OC->getArgs() + 1, OC->getNumArgs() - 1), 0);
      return true;
    }
    args(OC, FD, llvm::ArrayRef<Expr *>(OC->getArgs(), OC->getNumArgs()), 0);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (isa<CXXMemberCallExpr>(CE) || isa<CXXOperatorCallExpr>(CE))
      return true;
    args(CE, CE->getDirectCallee(), llvm::ArrayRef<Expr *>(CE->getArgs(), CE->getNumArgs()), 0);
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    args(CE, CE->getConstructor(), llvm::ArrayRef<Expr *>(CE->getArgs(), CE->getNumArgs()), 0);
    return true;
  }

  /// Arguments: shrink functions, read-only functions, escapes.
  void args(const Expr *Call, const FunctionDecl *FD, llvm::ArrayRef<Expr *> Args, unsigned) {
    for (unsigned I = 0; I < Args.size(); ++I) {
      Candidate *C = A.resolve(Args[I]);
      if (!C)
        continue;
      std::string Name = FD ? FD->getQualifiedNameAsString() : "";
      if (FD) {
        auto P = A.CM.shrinkParams(Name);
        if (std::find(P.begin(), P.end(), (int)I) != P.end()) {
          shrink(C, Call, FD->getNameAsString());
          continue;
        }
        if (A.CM.isReadOnlyFunction(Name))
          continue;
      }
      QualType PT;
      if (FD && I < FD->getNumParams())
        PT = FD->getParamDecl(I)->getType();
      bool Copy = !PT.isNull() && !PT->isReferenceType() && !PT->isPointerType();
      bool ConstRef = !PT.isNull() && (PT->isReferenceType() || PT->isPointerType()) &&
                      PT->getPointeeType().isConstQualified();
      if (isa<CXXConstructExpr>(Call) && FD && cast<CXXConstructorDecl>(FD)->isCopyOrMoveConstructor()) {
        if (cast<CXXConstructorDecl>(FD)->isMoveConstructor())
          shrink(C, Call, "move");
        continue;
      }
      if (Copy || ConstRef)
        continue;
      escape(C, Args[I], "passed by non-const reference to '" +
                              (FD ? FD->getQualifiedNameAsString() : std::string("a call")) + "'");
    }
  }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() != UO_AddrOf)
      return true;
    Candidate *C = A.resolve(UO->getSubExpr());
    if (!C)
      return true;
    DynTypedNode P = A.parentNode(UO);
    if (P.get<ReturnStmt>())
      return true; // handled by the accessor pass
    if (auto *VD = P.get<VarDecl>())
      if (VD->isLocalVarDecl() && !VD->getType()->getPointeeType().isConstQualified()) {
        A.Aliases[VD] = C;
        return true;
      }
    if (auto *VD = P.get<VarDecl>())
      if (VD->getType()->getPointeeType().isConstQualified())
        return true;
    // An argument is judged by its parameter type in args().
    if (auto *PS = P.get<Stmt>())
      if (isa<CallExpr>(PS) || isa<CXXConstructExpr>(PS))
        return true;
    escape(C, UO, "address taken");
    return true;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (!VD->getInit() || VD->isImplicit() || isa<ParmVarDecl>(VD))
      return true;
    QualType T = VD->getType();
    if (!T->isReferenceType())
      return true;
    Candidate *C = A.resolve(VD->getInit());
    if (!C)
      return true;
    if (T->getPointeeType().isConstQualified())
      return true;
    if (VD->isLocalVarDecl() || VD->isInitCapture()) {
      A.Aliases[VD] = C;
      return true;
    }
    escape(C, VD->getInit(), "bound to non-const reference '" + VD->getNameAsString() + "'");
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *RS) {
    const FunctionDecl *F = current();
    if (!F || !RS->getRetValue() || !isNonConstRefOrPtr(F->getReturnType()))
      return true;
    // Accessors were handled in pass 1b; anything else returned by
    // reference that resolves only now (aliases) escapes.
    const Expr *V = strip(RS->getRetValue());
    if (auto *UO = dyn_cast<UnaryOperator>(V))
      if (UO->getOpcode() == UO_AddrOf)
        V = UO->getSubExpr();
    if (isa<DeclRefExpr>(V))
      if (auto *VD = dyn_cast<VarDecl>(cast<DeclRefExpr>(V)->getDecl()))
        if (A.Aliases.count(VD))
          escape(A.Aliases[VD], V, "returned by non-const reference from '" + A.functionName(F) + "'");
    return true;
  }

  bool VisitLambdaExpr(LambdaExpr *LE) {
    // A lambda capturing a member container's owner by reference is fine;
    // a lambda capturing a local alias by reference keeps using it (resolve
    // handles it). Nothing to do.
    (void)LE;
    return true;
  }

  std::string Max;
};

} // namespace

UnboundedCacheCheck::UnboundedCacheCheck(llvm::StringRef Name,
                                         clang::tidy::ClangTidyContext *Context)
    : ProdReadyCheck(Name, Context), MaxEntries(Options.get("MaxEntries", "10000")),
      ExtraContainerTypes(Options.get("ExtraContainerTypes", "")),
      ExtraShrinkMethods(Options.get("ExtraShrinkMethods", "")),
      LongLivedOwners(Options.get("LongLivedOwners", "")),
      RequestScopedOwners(Options.get("RequestScopedOwners", "")),
      ExternalGlobals(Options.get("ExternalGlobals", "unexported")),
      ReportPublicMembers(boolOption("ReportPublicMembers", false)),
      ExportFacts(Options.get("ExportFacts", "")) {}

void UnboundedCacheCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "MaxEntries", MaxEntries);
  Options.store(Opts, "ExtraContainerTypes", ExtraContainerTypes);
  Options.store(Opts, "ExtraShrinkMethods", ExtraShrinkMethods);
  Options.store(Opts, "LongLivedOwners", LongLivedOwners);
  Options.store(Opts, "RequestScopedOwners", RequestScopedOwners);
  Options.store(Opts, "ExternalGlobals", ExternalGlobals);
  // Strings only: the bool specialisations of OptionsView are not exported
  // by the clang-tidy executable that loads the module.
  Options.store(Opts, "ReportPublicMembers", boolText(ReportPublicMembers));
  Options.store(Opts, "ExportFacts", ExportFacts);
}

std::shared_ptr<const cache::ContainerModel> UnboundedCacheCheck::containers() {
  std::string Types = ExtraContainerTypes, Shrinks = ExtraShrinkMethods;
  return deriveModel<cache::ContainerModel>(
      "cache.containers|" + Types + "|" + Shrinks,
      [Types, Shrinks](const model::Model &M, std::vector<model::ModelError> &Errors) {
        auto CM = cache::ContainerModel::build(M, Errors);
        std::vector<std::string> OptErrors;
        CM->addTypes(splitOptionList(Types), OptErrors);
        for (auto &E : OptErrors)
          Errors.push_back({"<option prodready-unbounded-cache.ExtraContainerTypes>", "", E});
        CM->addShrinkMethods(splitOptionList(Shrinks));
        return CM;
      });
}

void UnboundedCacheCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void UnboundedCacheCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *TU = Result.Nodes.getNodeAs<TranslationUnitDecl>("tu");
  if (!TU)
    return;
  ASTContext &Ctx = *Result.Context;
  auto CM = containers();
  std::vector<model::ModelError> Errors;
  auto RM = ast::RequestModel::get(model(), Errors);
  reportModelErrors(Errors);

  cache::DecisionOptions DOpts;
  DOpts.ReportPublicMembers = ReportPublicMembers;
  if (!cache::parseExternalGlobals(ExternalGlobals, DOpts.Externals))
    configurationDiag("invalid value '%0' for prodready-unbounded-cache.ExternalGlobals: "
                      "expected never, unexported or always")
        << ExternalGlobals;

  std::vector<std::string> OwnerWords = CM->longLivedOwnerWords();
  for (auto &W : splitOptionList(LongLivedOwners))
    OwnerWords.push_back(llvm::StringRef(W).lower());
  std::vector<std::string> ScopedWords = CM->requestScopedOwnerWords();
  for (auto &W : splitOptionList(RequestScopedOwners))
    ScopedWords.push_back(llvm::StringRef(W).lower());

  Analysis A(Ctx, *CM, RM.get(), OwnerWords, ScopedWords, DOpts.Externals);
  Collector Col(A);
  Col.TraverseDecl(const_cast<TranslationUnitDecl *>(TU));
  if (A.Cands.empty())
    return;
  findAccessors(A, Col.Returns);
  UseVisitor(A, MaxEntries).TraverseDecl(const_cast<TranslationUnitDecl *>(TU));

  const SourceManager &SM = Ctx.getSourceManager();
  cache::TUFacts Export;
  if (auto FE = SM.getFileEntryRefForID(SM.getMainFileID()))
    Export.MainFile = FE->getName().str();

  std::vector<Candidate *> Order;
  for (auto &KV : A.Cands)
    Order.push_back(&KV.second);
  std::sort(Order.begin(), Order.end(), [&](Candidate *X, Candidate *Y) {
    return SM.isBeforeInTranslationUnit(X->D->getLocation(), Y->D->getLocation());
  });

  for (Candidate *C : Order) {
    cache::ContainerFacts &F = C->Facts;
    // One-time growth and shrinks.
    for (size_t I = 0; I < F.Growth.size(); ++I) {
      std::string Why;
      if (C->GrowthStaticInit[I] ? (Why = "static initialiser", true)
                                 : A.oneTime(C->GrowthFn[I], *C, Why)) {
        F.Growth[I].OneTime = true;
        F.Growth[I].OneTimeReason = Why;
      }
      std::string H = A.reachingHandler(C->GrowthFn[I]);
      if (!H.empty()) {
        F.Growth[I].InHandler = true;
        F.Growth[I].Handler = H;
        F.Growth[I].OneTime = false;
      }
    }
    for (size_t I = 0; I < F.Shrinks.size(); ++I) {
      std::string Why;
      // Only an evident one-time shrink (constructor, init function, static
      // initialiser, call_once) is ignored: a reset() that main happens to
      // call once here is called periodically in real services.
      bool Once = C->ShrinkStaticInit[I] ||
                  A.oneTime(C->ShrinkFn[I], *C, Why, 0, nullptr, /*UseCallers=*/false);
      if (Once && A.reachingHandler(C->ShrinkFn[I]).empty())
        F.Shrinks[I].OneTime = true;
    }
    // Owner: completeness and lifetime.
    if (C->Owner) {
      auto AddFn = [&](const FunctionDecl *M) {
        if (M->isImplicit() || M->isDeleted() || M->isDefaulted() || M->isPureVirtual())
          return;
        std::string U = usrOf(M);
        F.OwnerMethodsDeclared.push_back(U);
        if (M->isDefined())
          F.OwnerMethodsDefined.push_back(U);
      };
      for (const CXXMethodDecl *M : C->Owner->methods())
        AddFn(M);
      for (const Decl *D : C->Owner->decls())
        if (auto *FT = dyn_cast<FunctionTemplateDecl>(D))
          AddFn(FT->getTemplatedDecl());
      for (const FriendDecl *Fr : C->Owner->friends()) {
        if (auto *FD = dyn_cast_or_null<FunctionDecl>(Fr->getFriendDecl()))
          AddFn(FD);
        else if (auto *TSI = Fr->getFriendType())
          if (auto *RD = TSI->getType()->getAsCXXRecordDecl()) {
            if (!RD->hasDefinition())
              F.OwnerMethodsDeclared.push_back(usrOf(RD)); // never defined here
            else
              for (const CXXMethodDecl *M : RD->getDefinition()->methods())
                AddFn(M);
          }
      }
      auto Words = text::identifierWords(F.OwnerClass);
      auto In = [](const std::string &W, const std::vector<std::string> &L) {
        for (const auto &X : L)
          if (W == X || W == X + "s")
            return true;
        return false;
      };
      auto LL = A.LongLived.find(C->Owner);
      if (LL != A.LongLived.end()) {
        F.OwnerLongLived = true;
        F.OwnerLongLivedReason = LL->second;
      } else if (!Words.empty() && In(Words.back(), ScopedWords)) {
        F.OwnerRequestScoped = true;
      } else if (!Words.empty() && In(Words.back(), OwnerWords)) {
        F.OwnerLongLived = true;
        F.OwnerLongLivedReason = "class name '" + F.OwnerClass + "'";
      } else {
        for (const auto &W : Words)
          if (In(W, ScopedWords)) {
            F.OwnerRequestScoped = true;
            break;
          }
        if (!F.OwnerRequestScoped)
          for (const auto &W : Words)
            if (In(W, OwnerWords)) {
              F.OwnerLongLived = true;
              F.OwnerLongLivedReason = "class name '" + F.OwnerClass + "'";
              break;
            }
      }
    }
    // Bounded by construction (EvictingCacheMap(maxSize)).
    if (C->Type->BoundedUnlessCtorParam) {
      unsigned P = *C->Type->BoundedUnlessCtorParam;
      std::vector<const Expr *> Inits;
      if (auto *VD = dyn_cast<VarDecl>(C->D)) {
        if (VD->getInit())
          Inits.push_back(VD->getInit());
      } else if (auto *FD = dyn_cast<FieldDecl>(C->D)) {
        if (FD->hasInClassInitializer() && FD->getInClassInitializer())
          Inits.push_back(FD->getInClassInitializer());
        if (C->Owner)
          for (const CXXConstructorDecl *Ctor : C->Owner->ctors())
            for (const CXXCtorInitializer *CI : Ctor->inits())
              if (CI->getMember() == FD && CI->isWritten())
                Inits.push_back(CI->getInit());
      }
      bool AnyUnbounded = false, AnyBounded = false;
      for (const Expr *E : Inits) {
        const Expr *S = strip(E);
        if (auto *PL = dyn_cast<ParenListExpr>(S))
          S = PL->getNumExprs() ? strip(PL->getExpr(0)) : S;
        auto *CCE = dyn_cast<CXXConstructExpr>(S);
        if (!CCE || CCE->getNumArgs() <= P)
          continue;
        Expr::EvalResult R;
        if (CCE->getArg(P)->EvaluateAsInt(R, Ctx) &&
            R.Val.getInt().getExtValue() == C->Type->BoundedUnlessCtorValue)
          AnyUnbounded = true;
        else
          AnyBounded = true;
      }
      if (AnyBounded && !AnyUnbounded) {
        F.Bounded = true;
        F.BoundedReason = "constructed with a maximum size";
      } else if (AnyUnbounded) {
        F.TypeNote = "constructed with maxSize " +
                     std::to_string(C->Type->BoundedUnlessCtorValue) + ", which means unlimited";
      }
    }

    cache::Verdict V = cache::decide(F, DOpts);
    if (!ExportFacts.empty() || report::factsEnabled())
      Export.Containers.push_back(F);
    if (!V.Report)
      continue;

    std::string Msg = cache::message(F, V);
    if (!F.TypeNote.empty() && C->Type->BoundedUnlessCtorParam)
      Msg += " (" + F.TypeNote + ")";
    diag(C->D->getLocation(), "%0 [CWE-770]") << Msg;
    for (size_t I : V.GrowthSites) {
      const cache::GrowthSite &G = F.Growth[I];
      std::string N = "'" + F.Name + "' grows here ('" + G.Method + "')";
      if (G.FromRequest)
        N += " with client-supplied " + G.RequestKey;
      diag(C->GrowthExpr[I]->getBeginLoc(), "%0", DiagnosticIDs::Note) << N;
    }
    // The cap fix: one note carrying a fix at every counted growth site, only
    // when every site can take one (otherwise capping some would not bound it).
    bool Fixable = !C->Type->CapFix.empty();
    std::vector<FixItHint> Fixes;
    for (size_t I : V.GrowthSites) {
      const Stmt *S = C->GrowthAnchor[I];
      if (!Fixable || !S || F.Growth[I].InMacro || C->GrowthPrefix[I].empty() ||
          C->GrowthExpr[I]->getBeginLoc().isMacroID()) {
        Fixable = false;
        break;
      }
      SourceLocation Begin = S->getBeginLoc();
      std::pair<FileID, unsigned> Dec = SM.getDecomposedLoc(Begin);
      llvm::StringRef Buf = SM.getBufferData(Dec.first);
      size_t LineStart = Buf.rfind('\n', Dec.second ? Dec.second - 1 : 0);
      LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
      llvm::StringRef Before = Buf.slice(LineStart, Dec.second);
      std::string Indent = Before.trim().empty() ? Before.str() : std::string();
      std::string Cap = cache::capFix(C->Type->CapFix, C->GrowthPrefix[I], MaxEntries);
      Fixes.push_back(FixItHint::CreateInsertion(
          Begin, Cap + (Indent.empty() && !Before.trim().empty() ? " " : "\n" + Indent)));
    }
    size_t First = V.GrowthSites.front();
    if (Fixable && !Fixes.empty()) {
      auto D = diag(C->GrowthExpr[First]->getBeginLoc(),
                    "insert a size cap of %0 entries before %select{the|each}1 growth site",
                    DiagnosticIDs::Note)
               << MaxEntries << (Fixes.size() > 1 ? 1 : 0);
      for (auto &FX : Fixes)
        D << FX;
    }
    std::string Advice = "or make it a bounded cache: evict the least recently used entry "
                         "(LRU) or expire entries by age (TTL)";
    if (!C->Type->CapAdvice.empty())
      Advice += "; " + C->Type->CapAdvice;
    else if (!F.TypeNote.empty() && !C->Type->BoundedUnlessCtorParam)
      Advice += "; " + F.TypeNote;
    diag(C->D->getLocation(), "%0", DiagnosticIDs::Note) << Advice;
  }

  // Inside `prodready sweep`, hand the facts to the sweep, which judges
  // containers spread over several files once it has seen every TU.
  if (report::factsEnabled())
    report::publishFacts("prodready-unbounded-cache", Export.toJson());
  if (!ExportFacts.empty()) {
    std::error_code EC = llvm::sys::fs::create_directories(ExportFacts);
    std::string Base = llvm::sys::path::filename(Export.MainFile).str();
    std::string Path = ExportFacts + "/" + Base + "." +
                       std::to_string(std::hash<std::string>()(Export.MainFile)) +
                       ".cache-facts.json";
    llvm::raw_fd_ostream OS(Path, EC);
    if (!EC)
      OS << Export.toJson().dump(1) << "\n";
    else
      configurationDiag("prodready-unbounded-cache.ExportFacts: cannot write '%0': %1")
          << Path << EC.message();
  }
}

} // namespace prodready

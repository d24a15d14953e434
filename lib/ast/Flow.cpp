//===- Flow.cpp - client-controlled values, sinks and guards --------------===//
#include "lib/ast/Flow.h"
#include "lib/ast/PreparedStatements.h"
#include "lib/ast/StringRecovery.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Analysis/CFGStmtMap.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <algorithm>
#include <deque>
#include <optional>

using namespace clang;

namespace prodready::ast {

namespace {

bool hasAnnotation(const Decl *D, llvm::StringRef What) {
  if (!D)
    return false;
  std::string Want = ("prodready::" + What).str();
  auto Check = [&](const Decl *X) {
    for (const auto *A : X->specific_attrs<AnnotateAttr>())
      if (A->getAnnotation() == Want)
        return true;
    return false;
  };
  if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
    for (const FunctionDecl *R : FD->redecls())
      if (Check(R))
        return true;
    return false;
  }
  return Check(D);
}

const Expr *strip(const Expr *E) {
  while (E) {
    const Expr *Before = E;
    E = E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
      E = EWC->getSubExpr();
    else if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MTE->getSubExpr();
    else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
      E = BT->getSubExpr();
    else if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
      E = FC->getSubExpr();
    else if (const auto *NC = dyn_cast<CXXNamedCastExpr>(E))
      E = NC->getSubExpr();
    else if (const auto *CC = dyn_cast<CStyleCastExpr>(E))
      E = CC->getSubExpr();
    if (E == Before)
      break;
  }
  return E;
}

/// std::optional, boost::optional, std::unique_ptr, std::shared_ptr: a value
/// that may be empty, wrapping the one in its first template argument.
bool isNullableWrapper(const std::string &QualifiedName) {
  return QualifiedName == "std::optional" || QualifiedName == "std::unique_ptr" ||
         QualifiedName == "std::shared_ptr" || QualifiedName == "boost::optional";
}

/// The record a value of type \p T is, through references, pointers and
/// std::optional / smart pointers (`const User &`, `std::optional<Session>`).
const RecordDecl *valueRecord(QualType T) {
  for (int I = 0; I < 4 && !T.isNull(); ++I) {
    T = T.getNonReferenceType();
    if (T->isPointerType())
      T = T->getPointeeType();
    const auto *RD = T->getAsCXXRecordDecl();
    if (!RD)
      return nullptr;
    const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD);
    if (!Spec)
      return RD;
    if (isNullableWrapper(qualifiedName(RD)) && Spec->getTemplateArgs().size() >= 1 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type) {
      T = Spec->getTemplateArgs()[0].getAsType();
      continue;
    }
    return RD;
  }
  return nullptr;
}

bool isUserCode(const FunctionDecl *F, const ASTContext &Ctx) {
  if (!F || !F->hasBody())
    return false;
  const FunctionDecl *Def = nullptr;
  F->hasBody(Def);
  SourceLocation L = Def ? Def->getLocation() : F->getLocation();
  return L.isValid() && !Ctx.getSourceManager().isInSystemHeader(L);
}

std::string sourceText(const Expr *E, const ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  SourceRange R = E->getSourceRange();
  if (R.getBegin().isMacroID() || R.getEnd().isMacroID())
    return {};
  return Lexer::getSourceText(CharSourceRange::getTokenRange(R), SM, Ctx.getLangOpts()).str();
}

std::string literalKey(const Expr *A) {
  for (int I = 0; I < 5 && A; ++I) {
    A = strip(A);
    if (const auto *SL = dyn_cast<StringLiteral>(A))
      return SL->getCharByteWidth() == 1 ? SL->getString().str() : std::string();
    if (const auto *CE = dyn_cast<CXXConstructExpr>(A))
      A = CE->getNumArgs() ? CE->getArg(0) : nullptr;
    else
      break;
  }
  return {};
}

std::optional<long> intLiteral(const Expr *E) {
  E = strip(E);
  if (const auto *IL = dyn_cast<IntegerLiteral>(E))
    return static_cast<long>(IL->getValue().getZExtValue());
  return std::nullopt;
}

bool isComparison(const Expr *E, bool &NotEqual, const Expr *&L, const Expr *&R) {
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (BO->getOpcode() != BO_EQ && BO->getOpcode() != BO_NE)
      return false;
    NotEqual = BO->getOpcode() == BO_NE;
    L = BO->getLHS();
    R = BO->getRHS();
    return true;
  }
  if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
    if (OC->getOperator() != OO_EqualEqual && OC->getOperator() != OO_ExclaimEqual)
      return false;
    if (OC->getNumArgs() != 2)
      return false;
    NotEqual = OC->getOperator() == OO_ExclaimEqual;
    L = OC->getArg(0);
    R = OC->getArg(1);
    return true;
  }
  return false;
}

struct VarState {
  std::optional<Origin> Client;
  bool Principal = false;
};

/// Collects the statements of a body (nested lambdas and implicit code included).
struct Collector : RecursiveASTVisitor<Collector> {
  std::vector<const VarDecl *> Vars;
  std::vector<const Expr *> Exprs; // calls, operators, constructions, comparisons
  std::vector<const ReturnStmt *> Returns;
  bool shouldVisitImplicitCode() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }
  bool VisitVarDecl(VarDecl *V) {
    Vars.push_back(V);
    return true;
  }
  bool VisitCallExpr(CallExpr *C) {
    Exprs.push_back(C);
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *C) {
    Exprs.push_back(C);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *B) {
    Exprs.push_back(B);
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *R) {
    Returns.push_back(R);
    return true;
  }
  std::vector<const Expr *> Conditions; // of if/while/for/?:
  bool VisitIfStmt(IfStmt *S) {
    if (S->getCond())
      Conditions.push_back(S->getCond());
    return true;
  }
  bool VisitConditionalOperator(ConditionalOperator *C) {
    Conditions.push_back(C->getCond());
    return true;
  }
};

} // namespace

using SummaryCache = std::map<const FunctionDecl *, std::shared_ptr<FunctionFlow>>;

static const RecordDecl *contextRecord(QualType T, const ContextInfo &CI);

struct FunctionFlow::Impl {
  const FunctionDecl *FD;
  const RequestModel &RM;
  const flow::FlowModel &FM;
  ASTContext &Ctx;
  FlowOptions Opts;
  unsigned Depth;
  SummaryCache *Cache;
  std::shared_ptr<SummaryCache> OwnCache;
  bool Summary;
  std::optional<HandlerInfo> Handler;

  std::map<const VarDecl *, VarState> Vars;
  std::map<std::pair<const VarDecl *, const ValueDecl *>, VarState> Fields;
  std::map<const VarDecl *, bool> GuardVars; // var = guard(...): true when it means "allowed"
  Collector Col;
  bool Changed = false;

  struct Guard {
    const Expr *E;
    bool Role;
    bool OnlyTested = false; ///< counts only where its result is tested
    /// A MAC check (macCheck): it authenticates what the client sent; a
    /// helper making one is no authorization check for its callers.
    bool Authenticates = false;
  };

  /// The client objects a guard expression checks: the client values among
  /// a guard call's arguments, or the client side of an ownership
  /// comparison. Empty for role checks (they cover every object).
  std::vector<Origin> covers(const Expr *E) {
    std::vector<Origin> Out;
    E = strip(E);
    while (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_LNot)
        break;
      E = strip(UO->getSubExpr());
    }
    if (isRoleGuard(E))
      return Out;
    Out = macCheck(E);
    if (!Out.empty())
      return Out;
    auto Add = [&](const Expr *A) {
      // `ids.front()`, `ids[0]`: a check of one element says nothing of the
      // others (the loop over `ids` that follows).
      if (elementPick(A)) {
        if (auto O = client(A)) {
          O->Key += "[element]"; // matches no other value (empty would mean all)
          Out.push_back(*O);
        }
        return;
      }
      if (auto O = client(A))
        Out.push_back(*O);
    };
    bool NE;
    const Expr *L, *R;
    if (isComparison(E, NE, L, R)) {
      Add(L);
      Add(R);
    } else if (const auto *C = dyn_cast<CallExpr>(E)) {
      for (const Expr *A : C->arguments()) {
        Add(A);
        for (const Expr *El : arrayElements(A, Ctx))
          Add(El);
      }
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C))
        Add(MC->getImplicitObjectArgument());
    } else if (const VarDecl *V = varOf(E)) {
      if (V->getInit() && GuardVars.count(V) && !RoleFlags.count(V))
        return covers(V->getInit());
    }
    return Out;
  }

  /// `c.front()`, `c.back()`, `c[0]`, `c.at(0)` on a list the client sent
  /// (a standard container or a JSON array). Not a row of a lookup's result
  /// (`r[0][0]` of a `pqxx::result`): that is the object itself.
  static bool elementPick(const Expr *A) {
    A = strip(A);
    auto ListType = [](const Expr *Obj) {
      QualType T = Obj->getType().getNonReferenceType();
      if (const auto *PT = T->getAs<PointerType>())
        T = PT->getPointeeType();
      const auto *RD = T->getAsCXXRecordDecl();
      if (!RD)
        return false;
      std::string N = qualifiedName(RD);
      return llvm::StringRef(N).starts_with("std::") || llvm::StringRef(N).starts_with("nlohmann::");
    };
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(A))
      if (const auto *M = MC->getMethodDecl())
        if (M->getIdentifier() && ListType(MC->getImplicitObjectArgument())) {
          if (M->getName() == "front" || M->getName() == "back")
            return true;
          if (M->getName() == "at" && MC->getNumArgs() == 1 && isa<IntegerLiteral>(strip(MC->getArg(0))))
            return true;
        }
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(A))
      if (OC->getOperator() == OO_Subscript && OC->getNumArgs() == 2 &&
          isa<IntegerLiteral>(strip(OC->getArg(1))) && ListType(OC->getArg(0)))
        return true;
    return false;
  }

  /// Do two client origins name the same object? Values read from the same
  /// request field (or the same helper parameter) do; two different fields
  /// of one body do not.
  static bool sameObject(const Origin &A, const Origin &B) {
    if (!A.Key.empty() && !B.Key.empty())
      return A.Kind == B.Kind && A.Key == B.Key;
    if (A.Param >= 0 || B.Param >= 0)
      return A.Param == B.Param;
    return A.Source && A.Source == B.Source;
  }
  std::vector<Guard> Guards;
  std::set<unsigned> ParamsToReturn;
  std::map<unsigned, std::string> ReturnFields; ///< see returnFieldOf()
  std::optional<Origin> ReturnOrigin; // helper reads the request itself

  // CFG (built lazily).
  std::unique_ptr<CFG> Cfg;
  std::unique_ptr<ParentMap> PM;
  std::unique_ptr<CFGStmtMap> SM;
  bool CfgTried = false;

  Impl(const FunctionDecl *FD, const RequestModel &RM, ASTContext &Ctx, const FlowOptions &O,
       unsigned Depth, SummaryCache *C, bool Summary)
      : FD(FD), RM(RM), FM(RM.flowModel()), Ctx(Ctx), Opts(O), Depth(Depth), Cache(C),
        Summary(Summary) {
    if (!Cache) {
      OwnCache = std::make_shared<SummaryCache>();
      Cache = OwnCache.get();
    }
    Handler = RM.handlerOf(FD);
  }

  // ---- helpers summaries --------------------------------------------------
  FunctionFlow *summaryOf(const FunctionDecl *Callee) {
    if (!Callee || Depth >= Opts.MaxHelperDepth)
      return nullptr;
    const FunctionDecl *Def = nullptr;
    if (!Callee->hasBody(Def) || !Def)
      return nullptr;
    if (!isUserCode(Def, Ctx) || Def == FD)
      return nullptr;
    if (Def->isDependentContext())
      return nullptr;
    auto It = Cache->find(Def);
    if (It != Cache->end())
      return It->second.get(); // null while being computed (recursion)
    (*Cache)[Def] = nullptr;
    auto F = std::make_shared<FunctionFlow>(Def, RM, Ctx, Opts, Depth + 1, Cache, true);
    (*Cache)[Def] = F;
    return F.get();
  }

  bool isHandlerFunction(const FunctionDecl *F) const { return RM.handlerOf(F).has_value(); }

  // ---- origins -------------------------------------------------------------
  void classify(Origin &O) const {
    O.Identity = false;
    O.Credential = false;
    if (O.Key.empty())
      return;
    if (O.Kind == flow::SourceKind::Header) {
      O.Credential = FM.isCredentialHeader(O.Key);
      if (FM.isIdentityHeader(O.Key)) {
        auto N = flow::normaliseKey(O.Key);
        O.Identity = std::find(Opts.TrustedIdentityHeaders.begin(),
                               Opts.TrustedIdentityHeaders.end(),
                               N) == Opts.TrustedIdentityHeaders.end();
      }
      // A field of what the header carries (the `sub` claim of a token
      // decoded without verification).
      auto Dot = O.Key.rfind('.');
      if (Dot != std::string::npos && FM.isIdentityField(O.Key.substr(Dot + 1)))
        O.Identity = true;
      return;
    }
    if (O.Kind == flow::SourceKind::RouteParameter) {
      O.Credential = FM.isSecretName(O.Key); // `/shared/plans/{token}`
      return;
    }
    // An unsigned cookie is whatever the client wants it to be; only opaque
    // credentials (session ids, tokens) are looked up by the server.
    if (O.Kind == flow::SourceKind::Cookie) {
      O.Credential = FM.isCredentialCookie(O.Key);
      O.Identity = !O.Credential;
      if (O.Identity)
        return;
    }
    std::string Last = O.Key;
    auto Dot = Last.rfind('.');
    // `?token=`, `{"apiKey": …}`: named as a secret is.
    O.Credential = O.Credential ||
                   FM.isSecretName(Dot == std::string::npos ? Last : Last.substr(Dot + 1));
    if (FM.isIdentityField(Last) ||
        (Dot != std::string::npos && FM.isIdentityField(Last.substr(Dot + 1))))
      O.Identity = true;
  }

  std::optional<Origin> refine(std::optional<Origin> O, const Expr *KeyArg) const {
    if (!O || !KeyArg)
      return O;
    std::string K = literalKey(KeyArg);
    if (K.empty()) {
      if (O->Key.empty() && O->KeyParam < 0)
        O->KeyParam = paramIndex(KeyArg);
      return O;
    }
    if (K[0] == ':')
      K.erase(0, 1);
    if (O->Kind == flow::SourceKind::RouteParameter && !O->Key.empty())
      return O;
    O->Key = O->Key.empty() ? K : O->Key + "." + K;
    classify(*O);
    return O;
  }

  /// The origin of request read \p E.
  Origin sourceOrigin(const Expr *E, const RequestSource &S) const {
    Origin O;
    O.Source = E;
    O.Kind = S.Kind;
    O.Key = S.Key;
    if (O.Key.empty())
      O.KeyParam = paramIndex(S.KeyExpr);
    classify(O);
    return O;
  }

  /// In a summary, the index of the parameter \p E names, else -1.
  int paramIndex(const Expr *E) const {
    if (!Summary || !E)
      return -1;
    if (const auto *DR = dyn_cast<DeclRefExpr>(strip(E)))
      if (const auto *P = dyn_cast<ParmVarDecl>(DR->getDecl()))
        if (P->getDeclContext() == FD)
          return static_cast<int>(P->getFunctionScopeIndex());
    return -1;
  }

  /// A helper's own request read, seen from a call: keyed by the literal the
  /// call passes for the name (`qvar(c, "claim")` and `qvar(c, "holder")`
  /// are two objects).
  std::optional<Origin> returnOriginAt(const CallExpr *C, unsigned FirstArg,
                                       const Origin &R) const {
    Origin O = R;
    O.KeyParam = -1;
    if (R.KeyParam >= 0 && FirstArg + R.KeyParam < C->getNumArgs()) {
      std::string K = literalKey(C->getArg(FirstArg + R.KeyParam));
      if (!K.empty()) {
        O.Key = R.Key.empty() ? K : R.Key + "." + K;
        O.Source = C;
        classify(O);
      }
    }
    return O;
  }

  /// Memo of principalCall/isGuardCallee per callee: the name regexes are
  /// costly and the fixpoint asks again for the same calls.
  mutable std::map<const FunctionDecl *, const flow::PrincipalSpec *> PrincipalMemo;
  std::map<const FunctionDecl *, std::pair<bool, bool>> GuardMemo;

  const flow::PrincipalSpec *principalCall(const FunctionDecl *F) const {
    if (!F)
      return nullptr;
    auto It = PrincipalMemo.find(F);
    if (It != PrincipalMemo.end())
      return It->second;
    return PrincipalMemo[F] = principalCallUncached(F);
  }
  const flow::PrincipalSpec *principalCallUncached(const FunctionDecl *F) const {
    if (hasAnnotation(F, "principal"))
      return &AnnotatedPrincipal;
    if (const auto *P = FM.principalFunction(qualifiedName(F), F->getName()))
      return P;
    if (const auto *M = dyn_cast<CXXMethodDecl>(F))
      if (const auto *P = FM.principalMember(qualifiedName(M->getParent()), M->getName()))
        return P;
    return nullptr;
  }
  static inline const flow::PrincipalSpec AnnotatedPrincipal{};

  /// principalCall for one call: not when an argument turns verification
  /// off (PrincipalSpec::UnlessFunction), nor a member of a principal type
  /// called on an object built from client data (a token parsed without
  /// verification).
  const flow::PrincipalSpec *principalAt(const CallExpr *C) {
    const flow::PrincipalSpec *P = principalCall(C->getDirectCallee());
    if (!P)
      return nullptr;
    if (!P->UnlessFunction.empty())
      for (const Expr *A : C->arguments()) {
        const auto *AC = dyn_cast<CallExpr>(strip(A));
        const FunctionDecl *AF = AC ? AC->getDirectCallee() : nullptr;
        if (!AF || AC->getNumArgs() == 0 || qualifiedName(AF) != P->UnlessFunction)
          continue;
        const Expr *L = AC->getArg(0)->IgnoreParenImpCasts();
        std::string Lit;
        if (const auto *B = dyn_cast<CXXBoolLiteralExpr>(L))
          Lit = B->getValue() ? "true" : "false";
        else if (const auto *I = dyn_cast<IntegerLiteral>(L))
          Lit = std::to_string(I->getValue().getZExtValue());
        else if (const auto *S = dyn_cast<StringLiteral>(L))
          Lit = S->getString().str();
        if (Lit == P->UnlessLiteral)
          return nullptr;
      }
    // (The request itself holds the session: `req->session()`.)
    if (!P->MemberOf.empty())
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C)) {
        const Expr *Obj = MC->getImplicitObjectArgument();
        // (A helper's parameter itself is whatever its callers pass: their
        // request context, `patientOf(ctx)`. Not what it derives from one:
        // a token parameter decoded without verification.)
        if (!RM.isRequestType(Obj->getType()) && !isa_and_nonnull<ParmVarDecl>(varOf(Obj)))
          if (client(Obj))
            return nullptr;
      }
    return P;
  }

  bool isGuardCallee(const FunctionDecl *F, bool &Role) {
    Role = false;
    if (!F)
      return false;
    auto It = GuardMemo.find(F);
    if (It != GuardMemo.end()) {
      Role = It->second.second;
      return It->second.first;
    }
    bool G = isGuardCalleeUncached(F, Role);
    GuardMemo[F] = {G, Role};
    return G;
  }
  bool isGuardCalleeUncached(const FunctionDecl *F, bool &Role) {
    if (hasAnnotation(F, "authorizes"))
      return true;
    if (const auto *G = FM.guardFunction(qualifiedName(F), F->getName())) {
      Role = G->Role;
      return true;
    }
    if (FunctionFlow *S = summaryOf(F))
      if (S->isGuardFunction())
        return true;
    return false;
  }

  /// True when E itself reads the principal (not through variables).
  bool principalDirect(const Expr *E) {
    if (!Opts.TrustedIdentityHeaders.empty())
      if (auto S = RM.sourceOf(E))
        if (S->Kind == flow::SourceKind::Header && !S->Key.empty() &&
            std::find(Opts.TrustedIdentityHeaders.begin(), Opts.TrustedIdentityHeaders.end(),
                      flow::normaliseKey(S->Key)) != Opts.TrustedIdentityHeaders.end())
          return true;
    if (const auto *C = dyn_cast<CallExpr>(E))
      if (principalAt(C) || credentialLookup(C) || credentialKeyed(C) || credentialRun(C))
        return true;
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      QualType T = ME->getBase()->getType();
      if (ME->isArrow())
        if (const auto *PT = T->getAs<PointerType>())
          T = PT->getPointeeType();
      if (const auto *RD = T->getAsRecordDecl())
        if (FM.principalMember(qualifiedName(RD), ME->getMemberDecl()->getName()))
          return true;
    }
    return false;
  }

  const VarDecl *varOf(const Expr *E) const {
    E = strip(E);
    if (const auto *DR = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<VarDecl>(DR->getDecl());
    return nullptr;
  }

  /// `c.path_id()` on a context parameter: the client field its body reads
  /// (`std::stoll(path[i].str())`), in the order it reads them.
  std::optional<Origin> contextMethod(const CXXMemberCallExpr *MC) {
    if (!Opts.Contexts)
      return std::nullopt;
    const VarDecl *V = varOf(MC->getImplicitObjectArgument());
    const CXXMethodDecl *M = MC->getMethodDecl();
    if (!V || !M || !M->hasBody())
      return std::nullopt;
    struct Reads : RecursiveASTVisitor<Reads> {
      std::vector<const FieldDecl *> Fields;
      bool VisitMemberExpr(MemberExpr *ME) {
        if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
          if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
            Fields.push_back(F);
        return true;
      }
    } R;
    R.TraverseStmt(M->getBody());
    for (const FieldDecl *F : R.Fields) {
      auto It = Fields.find({V, F});
      if (It != Fields.end() && It->second.Client)
        return It->second.Client;
    }
    return std::nullopt;
  }

  /// `member_` / `this->member_`: a data member of the object the function
  /// runs on (request-scoped handler objects keep the id there).
  static bool isThisMember(const MemberExpr *ME) {
    return ME && isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()) &&
           isa<FieldDecl>(ME->getMemberDecl());
  }

  std::optional<Origin> client(const Expr *E, int D = 0) {
    if (!E || D > 20)
      return std::nullopt;
    E = strip(E);
    if (principalDirect(E))
      return std::nullopt;
    if (auto S = RM.sourceOf(E))
      return sourceOrigin(E, *S);
    // `std::vector<long> ids = {a, b}`: a container of client values.
    if (isa<CXXConstructExpr>(E) || isa<InitListExpr>(E) || isa<CXXStdInitializerListExpr>(E)) {
      auto Elems = bracedElements(E);
      for (const Expr *El : Elems)
        if (auto O = client(El, D + 1))
          return O;
      if (!Elems.empty())
        return std::nullopt;
    }
    if (const auto *DR = dyn_cast<DeclRefExpr>(E)) {
      const auto *V = dyn_cast<VarDecl>(DR->getDecl());
      if (!V)
        return std::nullopt;
      auto It = Vars.find(V);
      if (It != Vars.end() && It->second.Client)
        return It->second.Client;
      for (auto &F : Fields)
        if (F.first.first == V && F.second.Client)
          return F.second.Client;
      if (Handler && Handler->isRequest(V)) {
        Origin O;
        O.Source = E;
        O.Kind = flow::SourceKind::Other;
        return O;
      }
      return std::nullopt;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isThisMember(ME)) {
        auto It = Fields.find({nullptr, ME->getMemberDecl()});
        if (It != Fields.end() && It->second.Client)
          return It->second.Client;
        return std::nullopt;
      }
      if (const VarDecl *V = varOf(ME->getBase())) {
        auto It = Fields.find({V, ME->getMemberDecl()});
        if (It != Fields.end() && It->second.Client)
          return It->second.Client;
        if (It != Fields.end() && It->second.Principal)
          return std::nullopt;
        auto VI = Vars.find(V);
        if (VI != Vars.end() && VI->second.Client)
          return VI->second.Client;
        if (Handler && Handler->isRequest(V))
          return std::nullopt; // a request member not listed as a source
        return std::nullopt;
      }
      return client(ME->getBase(), D + 1);
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      bool Role;
      if (M && isGuardCallee(M, Role))
        return std::nullopt;
      if (auto O = contextMethod(MC))
        return O;
      if (auto O = client(MC->getImplicitObjectArgument(), D + 1)) {
        // Accessors name a field: j.at("id"), query.get("doc_id").
        static const char *const Accessors[] = {"at", "get", "find", "value", "get_value",
                                                "getValue", "getString", "getInt", "getLong",
                                                "get_param_value", "get_header_value", "param",
                                                "get_claim_value", "count", "contains"};
        bool Accessor = false;
        if (M && M->getIdentifier())
          for (const char *A : Accessors)
            if (M->getName() == A)
              Accessor = true;
        return Accessor ? refine(O, MC->getNumArgs() ? MC->getArg(0) : nullptr) : O;
      }
      return fromArgs(MC, M, D);
    }
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (OC->getOperator() == OO_Subscript && OC->getNumArgs() == 2)
        return refine(client(OC->getArg(0), D + 1), OC->getArg(1));
      if (OC->getOperator() == OO_Call) {
        // A lambda or functor defined here: use its summary.
        if (const auto *F = OC->getDirectCallee())
          if (auto *S = summaryOf(F)) {
            for (unsigned I = 1; I < OC->getNumArgs(); ++I)
              if (S->paramReachesReturn(I - 1))
                if (auto O = client(OC->getArg(I), D + 1))
                  return O;
            return std::nullopt;
          }
      }
      for (const Expr *A : OC->arguments())
        if (auto O = client(A, D + 1))
          return O;
      return std::nullopt;
    }
    if (const auto *C = dyn_cast<CallExpr>(E))
      return fromArgs(C, C->getDirectCallee(), D);
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      for (const Expr *A : CE->arguments())
        if (auto O = client(A, D + 1))
          return O;
      return std::nullopt;
    }
    if (const auto *IL = dyn_cast<InitListExpr>(E)) {
      for (const Expr *A : IL->inits())
        if (auto O = client(A, D + 1))
          return O;
      return std::nullopt;
    }
    if (const auto *PL = dyn_cast<ParenListExpr>(E)) {
      for (const Expr *A : const_cast<ParenListExpr *>(PL)->exprs())
        if (auto O = client(A, D + 1))
          return O;
      return std::nullopt;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->isAssignmentOp() || BO->getOpcode() == BO_Comma)
        return client(BO->getRHS(), D + 1);
      if (BO->isComparisonOp() || BO->isLogicalOp())
        return std::nullopt;
      if (auto O = client(BO->getLHS(), D + 1))
        return O;
      return client(BO->getRHS(), D + 1);
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_LNot)
        return std::nullopt;
      return client(UO->getSubExpr(), D + 1);
    }
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E)) {
      if (auto O = client(CO->getTrueExpr(), D + 1))
        return O;
      return client(CO->getFalseExpr(), D + 1);
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      if (auto O = client(AS->getBase(), D + 1))
        return O;
      // `hex[b >> 4]`: a character picked from a table by the value encodes
      // it (hex or base64 digits of a token's hash).
      if (AS->getType()->isAnyCharacterType())
        return client(AS->getIdx(), D + 1);
      return std::nullopt;
    }
    return std::nullopt;
  }

  /// A call of a free function or a method on an untainted object.
  std::optional<Origin> fromArgs(const CallExpr *C, const FunctionDecl *F, int D) {
    bool Role;
    if (F && (principalAt(C) || isGuardCallee(F, Role)))
      return std::nullopt;
    // Rows the statement scopes to the caller (`… WHERE id = $1 AND
    // contractor_license = $2` with the caller's licence): the caller's own
    // data, whichever id the client sent.
    if (F && F->getIdentifier() && FM.sinkForFunction(qualifiedName(F)) && scopedLookup(C))
      return std::nullopt;
    if (F) {
      if (FunctionFlow *S = summaryOf(F)) {
        // `resolve_bearer(req)`: reads the request but answers who the
        // caller is (a lookup by the token it carries).
        if (S->returnsPrincipal())
          return std::nullopt;
        for (unsigned I = 0; I < C->getNumArgs(); ++I)
          if (S->paramReachesReturn(I))
            if (auto O = client(C->getArg(I), D + 1)) {
              // Only where that makes it an identity claim: the same value
              // otherwise (a row loaded by the id is still that object).
              std::string Field = S->returnFieldOf(I);
              if (!Field.empty() && !O->Identity) {
                Origin F = *O;
                F.Key = F.Key.empty() ? Field : F.Key + "." + Field;
                classify(F);
                if (F.Identity)
                  return F;
              }
              return O;
            }
        if (S->P->ReturnOrigin) {
          unsigned Shift = objectArgs(C);
          if (S->P->ReturnOrigin->FromObject)
            return returnOriginAt(C, Shift, *S->P->ReturnOrigin);
          for (const Expr *A : C->arguments())
            if (client(A, D + 1))
              return returnOriginAt(C, Shift, *S->P->ReturnOrigin);
        }
        return std::nullopt;
      }
    }
    for (const Expr *A : C->arguments())
      if (auto O = client(A, D + 1))
        return O;
    return std::nullopt;
  }

  bool principal(const Expr *E, int D = 0) {
    if (!E || D > 20)
      return false;
    E = strip(E);
    if (principalDirect(E))
      return true;
    if (const auto *DR = dyn_cast<DeclRefExpr>(E)) {
      const auto *V = dyn_cast<VarDecl>(DR->getDecl());
      if (!V)
        return false;
      if (hasAnnotation(V, "principal"))
        return true;
      auto It = Vars.find(V);
      if (It != Vars.end() && It->second.Principal)
        return true;
      // A context record holds the principal next to client data
      // (`c.who`, `c.req`): only its principal fields are the principal;
      // unless all the fields known here are (`RequestCtx ctx; ctx.member_id
      // = row[0]; … return ctx;` in the function that authenticates).
      if (Opts.Contexts && contextRecord(V->getType(), *Opts.Contexts)) {
        bool AnyPr = false, AnyCl = false;
        for (auto &F : Fields)
          if (F.first.first == V) {
            AnyPr = AnyPr || F.second.Principal;
            AnyCl = AnyCl || F.second.Client.has_value();
          }
        return AnyPr && !AnyCl;
      }
      for (auto &F : Fields)
        if (F.first.first == V && F.second.Principal)
          return true;
      return false;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isThisMember(ME)) {
        auto It = Fields.find({nullptr, ME->getMemberDecl()});
        return It != Fields.end() && It->second.Principal;
      }
      if (const VarDecl *V = varOf(ME->getBase())) {
        auto It = Fields.find({V, ME->getMemberDecl()});
        if (It != Fields.end() && It->second.Principal)
          return true;
        // A field known to hold client data (`ctx.path` next to
        // `ctx.user_id`) is not the principal its record also holds.
        if (It != Fields.end() && It->second.Client)
          return false;
      }
      return principal(ME->getBase(), D + 1);
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (principal(MC->getImplicitObjectArgument(), D + 1))
        return true;
      if (const auto *M = MC->getMethodDecl())
        if (FunctionFlow *S = summaryOf(M))
          return S->returnsPrincipal();
      for (const Expr *A : MC->arguments())
        if (principal(A, D + 1))
          return true;
      return false;
    }
    if (const auto *C = dyn_cast<CallExpr>(E)) {
      if (const auto *F = C->getDirectCallee())
        if (FunctionFlow *S = summaryOf(F))
          if (S->returnsPrincipal())
            return true;
      for (const Expr *A : C->arguments())
        if (principal(A, D + 1))
          return true;
      return false;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      for (const Expr *A : CE->arguments())
        if (principal(A, D + 1))
          return true;
      return false;
    }
    if (const auto *IL = dyn_cast<InitListExpr>(E)) {
      for (const Expr *A : IL->inits())
        if (principal(A, D + 1))
          return true;
      return false;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->isComparisonOp() || BO->isLogicalOp())
        return false;
      if (BO->isAssignmentOp() || BO->getOpcode() == BO_Comma)
        return principal(BO->getRHS(), D + 1);
      return principal(BO->getLHS(), D + 1) || principal(BO->getRHS(), D + 1);
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      return UO->getOpcode() != UO_LNot && principal(UO->getSubExpr(), D + 1);
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(E))
      return principal(CO->getTrueExpr(), D + 1) || principal(CO->getFalseExpr(), D + 1);
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      return principal(AS->getBase(), D + 1);
    return false;
  }

  // ---- state updates -------------------------------------------------------
  VarState *target(const Expr *E) {
    E = strip(E);
    if (const auto *DR = dyn_cast<DeclRefExpr>(E))
      if (const auto *V = dyn_cast<VarDecl>(DR->getDecl()))
        return &Vars[V];
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isThisMember(ME))
        return &Fields[{nullptr, ME->getMemberDecl()}];
      if (const VarDecl *V = varOf(ME->getBase()))
        return &Fields[{V, ME->getMemberDecl()}];
      return nullptr;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      return target(AS->getBase());
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      if (UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref)
        return target(UO->getSubExpr());
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E))
      if ((OC->getOperator() == OO_Subscript || OC->getOperator() == OO_Star ||
           OC->getOperator() == OO_Arrow) &&
          OC->getNumArgs() >= 1)
        return target(OC->getArg(0));
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      return target(MC->getImplicitObjectArgument());
    return nullptr;
  }

  void merge(VarState *S, const std::optional<Origin> &O, bool Pr, const VarDecl *Hop) {
    if (!S)
      return;
    if (O && !S->Client) {
      S->Client = O;
      if (Hop && S->Client->Hops.size() < 6)
        S->Client->Hops.push_back(Hop);
      Changed = true;
    }
    if (Pr && !S->Principal) {
      S->Principal = true;
      Changed = true;
    }
  }

  static const Expr *leftmostStreamTarget(const Expr *E) {
    E = strip(E);
    while (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
      if (OC->getOperator() != OO_LessLess || OC->getNumArgs() != 2)
        break;
      E = strip(OC->getArg(0));
    }
    return E;
  }

  void step() {
    // `sql << "SELECT … WHERE id = :id", use(id), into(row.owner)`: the rows
    // loaded with the key land in the into() targets (load-then-check).
    // A lookup by a secret (`… WHERE t.token = :tok`, into(m.id)) loads the
    // principal.
    for (const auto &[Call, St] : streams()) {
      std::optional<Origin> O;
      bool Pr = false;
      for (size_t I = 1; I < St.Args.size(); ++I) {
        if (!O)
          O = client(St.Args[I]);
        Pr = Pr || principal(St.Args[I]);
      }
      if (O && !St.Outputs.empty())
        if (St.Sql && bindsOnlySecrets(*St.Sql, boundValues(St.Spec, St.Args, St.Names))) {
          O.reset();
          Pr = true;
        }
      if (O || Pr)
        for (const Expr *Out : St.Outputs)
          merge(target(Out), O, Pr && !O, varOf(Out));
    }
    for (const VarDecl *V : Col.Vars) {
      const Expr *Init = V->getInit();
      if (!Init)
        continue;
      merge(&Vars[V], client(Init), principal(Init), V);
      // `bool ok = can_edit(user, id);`
      const Expr *I = strip(Init);
      // `PgResult chk(PQexecParams(...))`: a result holder of the service
      // built from one call holds that call's answer, as a smart pointer does
      // (`std::unique_ptr<sql::ResultSet> rs(ps->executeQuery())`).
      if (const auto *CE = dyn_cast<CXXConstructExpr>(I))
        if (CE->getNumArgs() == 1 && isa<CallExpr>(strip(CE->getArg(0)))) {
          std::string Holder = qualifiedName(CE->getConstructor()->getParent());
          if (isUserCode(CE->getConstructor(), Ctx) || Holder == "std::unique_ptr" ||
              Holder == "std::shared_ptr")
            I = strip(CE->getArg(0));
        }
      bool Neg = false;
      while (const auto *UO = dyn_cast<UnaryOperator>(I)) {
        if (UO->getOpcode() != UO_LNot)
          break;
        Neg = !Neg;
        I = strip(UO->getSubExpr());
      }
      if (isGuardExpr(I) && !GuardVars.count(V)) {
        GuardVars[V] = !Neg;
        Changed = true;
      }
    }
    for (const Expr *E : Col.Exprs) {
      if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
        if (BO->isAssignmentOp())
          merge(target(BO->getLHS()), client(BO->getRHS()), principal(BO->getRHS()),
                varOf(BO->getLHS()));
        continue;
      }
      if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E)) {
        auto Op = OC->getOperator();
        if ((Op == OO_Equal || Op == OO_PlusEqual) && OC->getNumArgs() == 2) {
          merge(target(OC->getArg(0)), client(OC->getArg(1)), principal(OC->getArg(1)),
                varOf(OC->getArg(0)));
          continue;
        }
        if (Op == OO_LessLess && OC->getNumArgs() == 2) {
          const Expr *T = leftmostStreamTarget(OC);
          merge(target(T), client(OC->getArg(1)), principal(OC->getArg(1)), varOf(T));
          continue;
        }
      }
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
        const CXXMethodDecl *M = MC->getMethodDecl();
        // Continuations: `req.extract_json().then([](json::value body) {...})`
        // hand the object's (client) value to the lambda's parameters.
        if (auto O = client(MC->getImplicitObjectArgument()))
          for (const Expr *A : MC->arguments())
            if (const auto *L = dyn_cast<LambdaExpr>(strip(A)))
              for (const ParmVarDecl *P : L->getCallOperator()->parameters())
                merge(&Vars[P], O, false, P);
        // A builder, container or bound statement takes the argument's
        // origin (`params.append(id)`, `q.bind(1, id)`: its rows are loaded
        // with it); running a statement directly or a repository call does
        // not make the transaction or repository carry the values.
        const flow::SinkSpec *Runs = M ? FM.sinkForFunction(qualifiedName(M)) : nullptr;
        bool Accumulates = M && !M->isConst() && !M->isStatic() &&
                           !(Runs && Runs->StatementArg == -1) &&
                           !(M->getIdentifier() &&
                             FM.repositoryCall(qualifiedName(M->getParent()), M->getName()));
        if (Accumulates && Runs && bindsSecret(MC, *Runs)) {
          const Expr *Obj = MC->getImplicitObjectArgument();
          merge(target(Obj), std::nullopt, true, varOf(Obj));
        } else if (Accumulates)
          for (const Expr *A : MC->arguments()) {
            auto O = client(A);
            bool Pr = principal(A);
            if (O || Pr) {
              const Expr *Obj = MC->getImplicitObjectArgument();
              merge(target(Obj), O, Pr, varOf(Obj));
            }
          }
      }
      if (const auto *C = dyn_cast<CallExpr>(E))
        outputArgs(C);
    }
  }

  /// from_chars(b, e, out), mg_get_var(..., buf, n), sscanf(s, "%d", &id)...
  void outputArgs(const CallExpr *C) {
    const FunctionDecl *F = C->getDirectCallee();
    if (!F)
      return;
    bool Role;
    if (isGuardCallee(F, Role))
      return;
    bool IsPrincipal = principalAt(C) != nullptr;
    std::optional<Origin> In;
    if (auto S = RM.sourceOf(C))
      In = sourceOrigin(C, *S);
    unsigned Shift = objectArgs(C);
    bool InPr = IsPrincipal;
    // sqlite3_bind_text(st, 1, key, …) of a lookup by a secret: the
    // statement's rows are the principal's.
    if (const flow::SinkSpec *S = FM.sinkForFunction(qualifiedName(F)); S && bindsSecret(C, *S))
      InPr = true;
    if (!In && !InPr) {
      for (unsigned I = Shift; I < C->getNumArgs(); ++I) {
        if (!In)
          In = client(C->getArg(I));
        InPr = InPr || principal(C->getArg(I));
      }
      // `uri.getPathSegments(segs)`: the object is an input as well.
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C)) {
        if (!In)
          In = client(MC->getImplicitObjectArgument());
        InPr = InPr || principal(MC->getImplicitObjectArgument());
      }
    }
    if (!In && !InPr)
      return;
    for (unsigned I = Shift; I < C->getNumArgs() && I - Shift < F->getNumParams(); ++I) {
      QualType PT = F->getParamDecl(I - Shift)->getType();
      bool Out = false;
      // `T&&` deduced as `long&` (forwarding: exec_params(sql, Args&&...))
      // collapses to an lvalue reference not spelled as one: not an output.
      if (const auto *LR = PT->getAs<LValueReferenceType>())
        if (LR->isSpelledAsLValue() && !PT.getNonReferenceType().isConstQualified())
          Out = true;
      if (PT->isPointerType() && !PT->getPointeeType().isConstQualified() &&
          !PT->getPointeeType()->isVoidType())
        Out = true;
      if (!Out)
        continue;
      const Expr *A = strip(C->getArg(I));
      if (isa<DeclRefExpr>(A) || isa<UnaryOperator>(A) || isa<MemberExpr>(A)) {
        if (Handler && Handler->isRequest(varOf(A)))
          continue;
        if (Handler && varOf(A) == Handler->ResponseParam)
          continue;
        merge(target(A), IsPrincipal ? std::nullopt : In, InPr, varOf(A));
      }
    }
  }

  // ---- guards --------------------------------------------------------------
  bool ownerMember(const Expr *E) const {
    E = strip(E);
    const NamedDecl *M = nullptr;
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      M = ME->getMemberDecl();
    else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      M = MC->getMethodDecl();
    if (!M || !M->getIdentifier())
      return false;
    return FM.isOwnershipName(M->getName());
  }

  /// A guard call or an ownership comparison (no polarity).
  /// When \p E is a MAC the server computes (FlowModel::isMacType,
  /// isMacFunction): the client values it authenticates (`user` of
  /// `mac.update(user)`, `body` of `hmac_sha256(secret, body)`), possibly none.
  std::optional<std::vector<Origin>> macOf(const Expr *E, int D = 0) {
    if (!E || D > 8)
      return std::nullopt;
    E = strip(E);
    std::vector<Origin> Out;
    auto AddArgs = [&](const CallExpr *C) {
      for (const Expr *A : callArgs(C))
        if (auto O = client(A))
          Out.push_back(*O);
    };
    if (const VarDecl *V = varOf(E)) {
      const auto *RD = V->getType().getNonReferenceType()->getAsCXXRecordDecl();
      if (RD && FM.isMacType(qualifiedName(RD))) {
        for (const Expr *X : Col.Exprs)
          if (const auto *MC = dyn_cast<CXXMemberCallExpr>(X))
            if (varOf(MC->getImplicitObjectArgument()) == V)
              AddArgs(MC);
        return Out;
      }
      if (V->hasLocalStorage() && V->getInit() && !isa<ParmVarDecl>(V))
        return macOf(V->getInit(), D + 1);
      return std::nullopt;
    }
    if (const auto *C = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *F = C->getDirectCallee();
      if (F && F->getIdentifier() && FM.isMacFunction(F->getName())) {
        AddArgs(C);
        return Out;
      }
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C))
        if (auto M = macOf(MC->getImplicitObjectArgument(), D + 1))
          return M;
      // Encodings of one: `digestToHex(mac.digest())`, `to_hex(h)`.
      for (const Expr *A : C->arguments())
        if (auto M = macOf(A, D + 1))
          return M;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
      for (const Expr *A : CE->arguments())
        if (auto M = macOf(A, D + 1))
          return M;
    return std::nullopt;
  }

  /// A comparison of a MAC the server computed with a client value (the
  /// signature the client sent), or a call of a MAC compare function
  /// taking both: the values the MAC authenticates (empty when \p E is none).
  std::vector<Origin> macCheck(const Expr *E) {
    E = strip(E);
    bool NE;
    const Expr *L, *R;
    std::vector<const Expr *> Sides;
    if (isComparison(E, NE, L, R))
      Sides = {L, R};
    else if (const auto *C = dyn_cast<CallExpr>(E))
      if (const FunctionDecl *F = C->getDirectCallee(); F && FM.isMacCompare(qualifiedName(F)))
        Sides.assign(C->arg_begin(), C->arg_end());
    for (const Expr *M : Sides)
      if (auto In = macOf(M); In && !In->empty())
        for (const Expr *Sig : Sides)
          if (Sig != M && client(Sig))
            return *In;
    return {};
  }

  bool isGuardExpr(const Expr *E) {
    E = strip(E);
    bool NE;
    const Expr *L, *R;
    if (!macCheck(E).empty())
      return true;
    if (isComparison(E, NE, L, R)) {
      bool CL = client(L).has_value(), CR = client(R).has_value();
      bool PL = principal(L), PR = principal(R);
      if ((CL && PR && !CR) || (CR && PL && !CL))
        return true;
      if (Summary && ((ownerMember(L) && (CR || PR)) || (ownerMember(R) && (CL || PL))))
        return true;
      // A helper comparing a value it derived from one parameter with
      // another parameter (`approver != me` after loading the report's
      // approver by `report_id`): a check its callers make by passing the
      // principal for `me`. Two parameters compared as they came in
      // (`from == to`) are a sanity check, not this.
      if (Summary && CL && CR) {
        auto OL = client(L), OR = client(R);
        const VarDecl *VL = varOf(L), *VR = varOf(R);
        if (OL->Param >= 0 && OR->Param >= 0 && OL->Param != OR->Param &&
            !(isa_and_nonnull<ParmVarDecl>(VL) && isa_and_nonnull<ParmVarDecl>(VR)))
          return true;
      }
      return false;
    }
    if (const auto *C = dyn_cast<CallExpr>(E)) {
      bool Role;
      const FunctionDecl *F = C->getDirectCallee();
      if (!F)
        return false;
      if (!isGuardCallee(F, Role))
        return relationCheck(C) || publicLookup(C) || scopedLookup(C);
      if (Role)
        return true;
      for (const Expr *A : C->arguments())
        if (client(A))
          return true;
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C))
        if (client(MC->getImplicitObjectArgument()))
          return true;
      return false;
    }
    if (const VarDecl *V = varOf(E))
      return GuardVars.count(V) != 0;
    return false;
  }

  /// A read statement run by call \p C (an SQL entry point of the model or a
  /// wrapper of the TU), with its values: for lookups whose answer is tested.
  struct Lookup {
    flow::SinkSpec Spec;
    flow::SqlStatementInfo Sql;
  };
  std::map<const CallExpr *, std::optional<Lookup>> Lookups;
  /// 1 for a member operator call (`obj(a, b)`, `obj[k]`): its first
  /// argument is the object, not a parameter.
  static unsigned objectArgs(const CallExpr *C) {
    return isa<CXXOperatorCallExpr>(C) && isa_and_nonnull<CXXMethodDecl>(C->getDirectCallee()) &&
                   C->getNumArgs()
               ? 1
               : 0;
  }
  /// The arguments that bind the callee's parameters.
  static llvm::ArrayRef<const Expr *> callArgs(const CallExpr *C) {
    return llvm::ArrayRef<const Expr *>(C->getArgs(), C->getNumArgs()).drop_front(objectArgs(C));
  }
  const Lookup *lookupOf(const CallExpr *C) {
    auto It = Lookups.find(C);
    if (It != Lookups.end())
      return It->second ? &*It->second : nullptr;
    std::optional<Lookup> L;
    const FunctionDecl *F = C->getDirectCallee();
    llvm::ArrayRef<const Expr *> Args = callArgs(C);
    std::optional<flow::SinkSpec> Spec;
    if (F) {
      if (const auto *S = FM.sinkForFunction(qualifiedName(F)))
        Spec = *S;
      else
        Spec = wrapperSpec(F, Args);
    }
    if (Spec && Spec->Kind == "sql" && Spec->SqlArg >= 0 &&
        static_cast<unsigned>(Spec->SqlArg) < Args.size())
      if (auto Sql = sqlOf(Args[Spec->SqlArg]); Sql && !Sql->Write)
        L = Lookup{*Spec, *Sql};
    It = Lookups.emplace(C, std::move(L)).first;
    return It->second ? &*It->second : nullptr;
  }

  /// Members a dispatching handler filled before handing over (see
  /// ContextInfo::ThisFields): set in the handler methods it hands over to
  /// (and their overrides), and in the helpers of their classes.
  void seedDispatchedFields() {
    const auto *M = dyn_cast<CXXMethodDecl>(FD);
    if (!M || M->isStatic() || Opts.Contexts->ThisFields.empty())
      return;
    auto HandedTo = [&](const CXXMethodDecl *X) {
      if (Opts.Contexts->Dispatched.count(cast<CXXMethodDecl>(X->getCanonicalDecl())))
        return true;
      for (const CXXMethodDecl *O : X->overridden_methods())
        if (Opts.Contexts->Dispatched.count(cast<CXXMethodDecl>(O->getCanonicalDecl())))
          return true;
      return false;
    };
    bool Entry = Handler && HandedTo(M);
    const CXXRecordDecl *Cls = M->getParent()->getDefinition();
    for (const auto &[Field, O] : Opts.Contexts->ThisFields) {
      const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
      if (!Owner || !Cls)
        continue;
      bool Inherits = Cls == Owner->getDefinition() || Cls->isDerivedFrom(Owner);
      if (!Inherits || (!Entry && !Summary))
        continue;
      VarState &S = Fields[{nullptr, Field}];
      if (!S.Client) {
        S.Client = O;
        S.Client->FromObject = true;
      }
    }
  }

  /// A lookup by a secret the client holds (`SELECT contractor_id FROM
  /// contractor_keys WHERE api_key = $1`, `SELECT … WHERE share_token = ?`):
  /// every client value it binds is compared with a secret column. Its
  /// answer is who the caller is (or what the capability link grants): the
  /// principal, not client data.
  bool credentialLookup(const CallExpr *C) {
    const Lookup *L = lookupOf(C);
    return L && bindsOnlySecrets(L->Sql, boundValues(L->Spec, callArgs(C)));
  }

  /// A data access keyed only by credentials the client presents
  /// (`redisCommand(r, "GET sess:%s", token)` with the X-Console-Session
  /// header, `dao.callerForKey(api_key)`): it authenticates; its answer is
  /// the principal.
  std::map<const CallExpr *, bool> CredentialKeyed;
  bool credentialKeyed(const CallExpr *C) {
    auto It = CredentialKeyed.find(C);
    if (It != CredentialKeyed.end())
      return It->second;
    CredentialKeyed[C] = false; // no recursion through the arguments
    const FunctionDecl *F = C->getDirectCallee();
    bool Access = F && F->getIdentifier() &&
                  (FM.sinkForFunction(qualifiedName(F)) || wrapperSpec(F, callArgs(C)));
    if (!Access)
      if (const auto *M = dyn_cast_or_null<CXXMethodDecl>(F); M && M->getIdentifier())
        Access = FM.repositoryCall(qualifiedName(M->getParent()), M->getName()).has_value();
    bool Any = false;
    if (Access)
      for (const Expr *A : callArgs(C)) {
        auto O = client(A);
        if (!O)
          continue;
        if (!O->Credential) {
          Any = false;
          break;
        }
        Any = true;
      }
    return CredentialKeyed[C] = Any;
  }

  /// A value bound to a statement: the expression, the argument it came
  /// from, and its placeholder (position or name; 0/"" when unknown).
  struct BoundValue {
    const Expr *E;
    int Arg;
    int Pos;
    std::string Name;
    /// True when the value may bind \p P: same position or name, or any
    /// placeholder when its own is unknown (a values array).
    bool binds(const flow::SqlPlaceholder &P) const {
      return (Pos == 0 && Name.empty()) || (Pos > 0 && P.Position == Pos) ||
             (!Name.empty() && P.Name == Name);
    }
  };

  /// True when \p Sql is a read and each client value in \p Bound binds
  /// only placeholders compared with a secret column (at least one does).
  bool bindsOnlySecrets(const flow::SqlStatementInfo &Sql, const std::vector<BoundValue> &Bound) {
    if (Sql.Write)
      return false;
    bool Any = false;
    for (const BoundValue &B : Bound) {
      auto O = client(B.E);
      if (!O)
        continue;
      if (O->Credential) { // `WHERE sid = $1` with the session cookie
        Any = true;
        continue;
      }
      bool Matched = false;
      for (const auto &P : Sql.Placeholders) {
        if (P.Hole >= 0 || !B.binds(P))
          continue;
        if (!P.Where || !FM.isSecretColumn(P.Column))
          return false;
        Matched = true;
      }
      if (!Matched)
        return false;
      Any = true;
    }
    return Any;
  }

  /// A bind call (`link.bind(1, token)`, `sqlite3_bind_text(st, 1, key, …)`)
  /// of a statement that looks up by a secret: each client value it binds
  /// is compared with a secret column. The statement's rows then answer who
  /// the caller is, as credentialLookup's do.
  bool bindsSecret(const CallExpr *C, const flow::SinkSpec &S) {
    if (S.StatementArg == -1)
      return false;
    auto Sql = statementSql(statementVar(C, S));
    return Sql && bindsOnlySecrets(*Sql, boundValues(S, callArgs(C)));
  }

  /// A lookup of the client's object among rows anyone may read
  /// (`SELECT 1 FROM postings WHERE id = $1 AND status = 'published'`):
  /// tested, it checks the object is public before the route hangs
  /// something off it (an application to a published posting).
  bool publicLookup(const CallExpr *C) {
    const Lookup *L = lookupOf(C);
    if (!L || !FM.selectsPublicRows(L->Sql.WhereConstants))
      return false;
    for (const BoundValue &B : boundValues(L->Spec, callArgs(C)))
      if (client(B.E))
        return true;
    return false;
  }

  /// A lookup of the client's object scoped to the caller
  /// (`SELECT id FROM scenes WHERE id = ? AND household_id = ?` with the
  /// caller's household): tested (`if (rows.empty()) return 404;`), it is
  /// the ownership check for what follows.
  bool scopedLookup(const CallExpr *C) {
    const Lookup *L = lookupOf(C);
    if (!L)
      return scopedRun(C);
    bool Cl = false, Pr = false;
    tallyBound(boundValues(L->Spec, callArgs(C)), Cl, Pr);
    return Cl && Pr;
  }

  /// Whether some of \p Bound are client data only (\p Cl) and some the
  /// principal only (\p Pr): a statement scoped to the caller.
  void tallyBound(const std::vector<BoundValue> &Bound, bool &Cl, bool &Pr) {
    for (const BoundValue &B : Bound) {
      bool P = principal(B.E), K = client(B.E).has_value();
      Cl = Cl || (K && !P);
      Pr = Pr || (P && !K);
    }
  }

  /// The statement a run call executes (`ps->executeQuery()` after
  /// `ps->setInt64(1, id)`) and the values its bind calls give it; found
  /// once per run call. Null statement when \p C runs none.
  struct RunBinds {
    const VarDecl *Stmt = nullptr;
    std::vector<BoundValue> Bound;
  };
  std::map<const CallExpr *, RunBinds> Runs;
  const RunBinds &runBinds(const CallExpr *C) {
    auto [It, New] = Runs.try_emplace(C);
    if (!New)
      return It->second;
    const FunctionDecl *F = C->getDirectCallee();
    if (!F || !F->getIdentifier())
      return It->second;
    const std::string Name = qualifiedName(F);
    RunBinds R;
    for (const Expr *E : Col.Exprs) {
      const auto *B = dyn_cast<CallExpr>(E);
      const FunctionDecl *BF = B && B != C ? B->getDirectCallee() : nullptr;
      const flow::SinkSpec *S = BF ? FM.sinkForFunction(qualifiedName(BF)) : nullptr;
      if (!S || S->StatementArg == -1 ||
          std::find(S->ExecutedBy.begin(), S->ExecutedBy.end(), Name) == S->ExecutedBy.end())
        continue;
      const VarDecl *V = statementVar(B, *S);
      if (!V || statementVar(C, *S) != V)
        continue;
      R.Stmt = V;
      auto Vals = boundValues(*S, callArgs(B));
      R.Bound.insert(R.Bound.end(), Vals.begin(), Vals.end());
    }
    return Runs[C] = std::move(R);
  }

  /// The same for the run of a statement bound by separate calls
  /// (`ps->setInt64(1, me.id); ps->setInt64(2, broker); rs(ps->executeQuery())`
  /// of `SELECT 1 … WHERE user_id = ? AND broker_id = ?`).
  bool scopedRun(const CallExpr *C) {
    const RunBinds &R = runBinds(C);
    bool Cl = false, Pr = false;
    tallyBound(R.Bound, Cl, Pr);
    if (!R.Stmt || !Cl || !Pr)
      return false;
    auto Sql = statementSql(R.Stmt);
    return Sql && !Sql->Write;
  }

  /// The run of a statement whose binds give it only credentials
  /// (`dev->setString(1, token); drs(dev->executeQuery())` of `SELECT
  /// practice_id FROM devices WHERE token_sha256 = SHA2(?, 256)`): its rows
  /// say who the caller is, as credentialLookup's do.
  bool credentialRun(const CallExpr *C) {
    const RunBinds &R = runBinds(C);
    if (!R.Stmt)
      return false;
    auto Sql = statementSql(R.Stmt);
    return Sql && bindsOnlySecrets(*Sql, R.Bound);
  }

  /// A question about the caller and the object: a call that takes the
  /// principal and the client's id and answers yes/no (bool, pointer,
  /// optional), e.g. `is_treating_doctor(me.doctor_id, pid)`,
  /// `subscription_of_tenant(sub, tenant)`. It authorizes only where its
  /// answer is tested (a discarded result proves nothing).
  bool relationCheck(const CallExpr *C) {
    const FunctionDecl *F = C->getDirectCallee();
    if (!F || FM.sinkForFunction(qualifiedName(F)) || principalCall(F))
      return false;
    QualType T = F->getReturnType().getNonReferenceType();
    bool Answer = T->isBooleanType() || T->isPointerType();
    if (const auto *RD = T->getAsCXXRecordDecl())
      Answer = isNullableWrapper(qualifiedName(RD));
    if (!Answer)
      return false;
    bool HasPrincipal = false, HasClient = false;
    // A variable that holds the caller or the client's choice
    // (`subject = me.id; if (q) subject = stol(q);`) is the client's.
    for (const Expr *A : C->arguments()) {
      bool Pr = principal(A), Cl = client(A).has_value();
      HasPrincipal = HasPrincipal || (Pr && !Cl);
      HasClient = HasClient || Cl;
    }
    return HasPrincipal && HasClient;
  }

  bool isRoleGuard(const Expr *E) {
    E = strip(E);
    if (const auto *C = dyn_cast<CallExpr>(E)) {
      bool Role;
      if (isGuardCallee(C->getDirectCallee(), Role) && Role)
        return true;
    }
    return roleAttribute(E) || roleComparison(E);
  }

  /// A boolean member of the principal that grants a role (role-attributes):
  /// `session.staff`, `me.isAdmin()`.
  bool roleAttribute(const Expr *E) {
    E = strip(E);
    const Expr *Base = nullptr;
    const NamedDecl *M = nullptr;
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (!ME->getType()->isBooleanType())
        return false;
      Base = ME->getBase();
      M = ME->getMemberDecl();
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (!MC->getType()->isBooleanType() || !MC->getMethodDecl() ||
          isa<CXXConversionDecl>(MC->getMethodDecl()))
        return false;
      Base = MC->getImplicitObjectArgument();
      M = MC->getMethodDecl();
    }
    if (!Base || !M || !M->getIdentifier())
      return false;
    bool Role = FM.isRoleAttribute(M->getName());
    // `bool isAgent() const { return role == "agent" || role == "admin"; }`
    if (!Role)
      if (const auto *Md = dyn_cast<CXXMethodDecl>(M); Md && Md->getNumParams() == 0)
        if (const FunctionDecl *Def = Md->getDefinition())
          if (const auto *Body = dyn_cast_or_null<CompoundStmt>(Def->getBody());
              Body && Body->size() == 1)
            if (const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front()))
              Role = Ret->getRetValue() && memberRoleTest(Ret->getRetValue());
    return Role && principal(Base) && !client(Base);
  }

  /// Comparisons of the object's own members with role literals, joined by
  /// && / ||: the body of a principal's `isAgent()`.
  bool memberRoleTest(const Expr *E) const {
    E = strip(E);
    if (const auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->isLogicalOp())
      return memberRoleTest(BO->getLHS()) && memberRoleTest(BO->getRHS());
    bool NE;
    const Expr *L, *R;
    if (!isComparison(E, NE, L, R) || NE)
      return false;
    auto Member = [](const Expr *X) {
      const auto *ME = dyn_cast<MemberExpr>(strip(X));
      return ME && isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts());
    };
    auto Lit = [&](const Expr *X) {
      std::string T = literalKey(X);
      std::transform(T.begin(), T.end(), T.begin(),
                     [](unsigned char C) { return static_cast<char>(std::tolower(C)); });
      return !T.empty() && !FM.isEndUserRole(T);
    };
    return (Member(L) && Lit(R)) || (Member(R) && Lit(L));
  }

  /// The principal (or one of its roles/scopes) compared with a non-empty
  /// string literal: `role == "admin"`, `scope == "notes:admin"`.
  bool roleComparison(const Expr *E) {
    bool NE;
    const Expr *L, *R;
    if (!isComparison(strip(E), NE, L, R))
      return false;
    // `role != "candidate"` (model: end-user-roles) only says which kind of
    // customer may call the route, not that the object is theirs.
    auto Lit = [&](const Expr *X) {
      X = strip(X);
      std::string T;
      if (const auto *SL = dyn_cast<StringLiteral>(X))
        T = SL->getString().str();
      else
        T = literalKey(X);
      if (T.empty())
        return false;
      std::transform(T.begin(), T.end(), T.begin(),
                     [](unsigned char C) { return static_cast<char>(std::tolower(C)); });
      return !FM.isEndUserRole(T);
    };
    auto Pr = [&](const Expr *X) { return principal(X) && !client(X); };
    return (Lit(L) && Pr(R)) || (Lit(R) && Pr(L));
  }

  /// `bool admin = false; for (r : me.roles) if (r == "admin") admin = true;`
  /// `admin` then means "the guard passed" (tested later: `if (!admin) return`).
  void collectGuardFlags() {
    for (const Expr *E : Col.Exprs) {
      const auto *BO = dyn_cast<BinaryOperator>(E);
      if (!BO || BO->getOpcode() != BO_Assign)
        continue;
      const auto *True = dyn_cast<CXXBoolLiteralExpr>(strip(BO->getRHS()));
      const VarDecl *V = varOf(BO->getLHS());
      if (!True || !True->getValue() || !V || GuardVars.count(V) || !V->getInit())
        continue;
      const auto *Init = dyn_cast<CXXBoolLiteralExpr>(strip(V->getInit()));
      if (!Init || Init->getValue())
        continue;
      // The innermost enclosing `if` whose then-branch holds the assignment
      // (the function's own parent map: ASTContext::getParents would build
      // one for the whole TU, headers included).
      if (!LocalPM)
        LocalPM = std::make_unique<ParentMap>(FD->getBody());
      const Stmt *Cur = BO;
      for (int I = 0; I < 16; ++I) {
        const Stmt *P = LocalPM->getParent(Cur);
        if (!P)
          break;
        if (const auto *If = dyn_cast<IfStmt>(P)) {
          if (If->getThen() == Cur) {
            const Expr *C = strip(If->getCond());
            bool NE = false;
            const Expr *L, *R;
            bool Negated = (isa<UnaryOperator>(C) && cast<UnaryOperator>(C)->getOpcode() == UO_LNot) ||
                           (isComparison(C, NE, L, R) && NE);
            if (!Negated && (isGuardExpr(C) || isRoleGuard(C))) {
              GuardVars[V] = true;
              if (isRoleGuard(C))
                RoleFlags.insert(V);
            }
          }
          break;
        }
        Cur = P;
      }
    }
  }
  std::set<const VarDecl *> RoleFlags;
  std::unique_ptr<ParentMap> LocalPM;

  /// A guard function that says no by returning false and never throws
  /// (`bool requireOwner(uid, id, cb)` that sends 403 and returns false):
  /// called with its answer discarded, it stops nothing.
  static bool answersOnly(const FunctionDecl *F) {
    if (!F || !F->getReturnType()->isBooleanType())
      return false;
    const FunctionDecl *Def = nullptr;
    if (!F->hasBody(Def) || !Def)
      return true;
    struct Throws : RecursiveASTVisitor<Throws> {
      bool Found = false;
      bool VisitCXXThrowExpr(CXXThrowExpr *) {
        Found = true;
        return false;
      }
    } T;
    T.TraverseStmt(Def->getBody());
    return !T.Found;
  }

  void collectGuards() {
    for (const Expr *E : Col.Exprs) {
      if (isa<CXXConstructExpr>(E))
        continue;
      if (const auto *BO = dyn_cast<BinaryOperator>(E))
        if (!BO->isEqualityOp())
          continue;
      if (isGuardExpr(E)) {
        bool Named = true, Answers = false;
        if (const auto *C = dyn_cast<CallExpr>(strip(E))) {
          bool Role;
          Named = isGuardCallee(C->getDirectCallee(), Role);
          Answers = Named && answersOnly(C->getDirectCallee());
        }
        Guards.push_back({E, isRoleGuard(E), !Named || Answers, !macCheck(E).empty()});
      }
      else if (roleComparison(E))
        Guards.push_back({E, true});
    }
    // `if (!session.staff) return 403;`, also as one operand of `&&`/`||`:
    // `if (!me || !me->admin) return 403;`
    std::vector<const Expr *> Work(Col.Conditions.begin(), Col.Conditions.end());
    while (!Work.empty()) {
      const Expr *X = strip(Work.back());
      Work.pop_back();
      while (const auto *UO = dyn_cast<UnaryOperator>(X)) {
        if (UO->getOpcode() != UO_LNot)
          break;
        X = strip(UO->getSubExpr());
      }
      if (const auto *BO = dyn_cast<BinaryOperator>(X))
        if (BO->isLogicalOp()) {
          Work.push_back(BO->getLHS());
          Work.push_back(BO->getRHS());
          continue;
        }
      if (roleAttribute(X))
        Guards.push_back({X, true});
    }
    collectGuardFlags();
  }

  // ---- sinks ---------------------------------------------------------------
  bool keyish(const Origin &O) const {
    if (O.Param >= 0 || O.Identity)
      return true;
    if (O.Kind == flow::SourceKind::RouteParameter || O.Kind == flow::SourceKind::Path)
      return true;
    return !O.Key.empty() && flow::isIdLikeName(O.Key.substr(O.Key.rfind('.') + 1));
  }

  std::string calleeText(const Expr *Call) const {
    // A chain of binary operators (`db() << "…", use(id)`): "db() <<".
    if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Call); OC && OC->getNumArgs() == 2) {
      while (const auto *L = dyn_cast<CXXOperatorCallExpr>(strip(OC->getArg(0))))
        if (L->getNumArgs() == 2)
          OC = L;
        else
          break;
      std::string T = sourceText(OC->getArg(0), Ctx);
      if (const char *Sp = getOperatorSpelling(OC->getOperator()); !T.empty() && T.size() < 60 && Sp)
        return T + " " + Sp;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
      std::string T = sourceText(MC->getCallee(), Ctx);
      if (!T.empty() && T.size() < 60)
        return T;
      if (const auto *M = MC->getMethodDecl())
        return M->getNameAsString();
    }
    if (const auto *C = dyn_cast<CallExpr>(Call)) {
      std::string T = sourceText(C->getCallee(), Ctx);
      if (!T.empty() && T.size() < 60)
        return T;
      if (const auto *F = C->getDirectCallee())
        return qualifiedName(F);
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(Call))
      return qualifiedName(CE->getConstructor()->getParent());
    return "call";
  }

  struct RecoveredSql {
    flow::SqlStatementInfo Info;
    RecoveredString Text;
  };
  std::optional<RecoveredSql> LastSql;

  /// SQL text of the statement a bind call uses: the statement variable's
  /// initializer or the prepare call that writes it. Found once per
  /// statement (each bind asks, on every fixpoint step); LastSql is set as
  /// sqlOf sets it.
  std::map<const VarDecl *, std::pair<std::optional<flow::SqlStatementInfo>, std::optional<RecoveredSql>>>
      StatementSql;
  std::optional<flow::SqlStatementInfo> statementSql(const VarDecl *Stmt) {
    if (!Stmt)
      return std::nullopt;
    auto It = StatementSql.find(Stmt);
    if (It == StatementSql.end()) {
      auto Saved = std::move(LastSql);
      LastSql.reset();
      auto Info = findStatementSql(Stmt);
      It = StatementSql.emplace(Stmt, std::make_pair(std::move(Info), std::move(LastSql))).first;
      LastSql = std::move(Saved);
    }
    if (It->second.first)
      LastSql = It->second.second;
    return It->second.first;
  }
  std::optional<flow::SqlStatementInfo> findStatementSql(const VarDecl *Stmt) {
    auto FromCall = [&](const Expr *E) -> std::optional<flow::SqlStatementInfo> {
      E = strip(E);
      const flow::SinkSpec *S = nullptr;
      const Expr *SqlE = nullptr;
      if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
        S = FM.sinkForConstructor(qualifiedName(CE->getConstructor()->getParent()));
        if (S && S->SqlArg >= 0 && static_cast<unsigned>(S->SqlArg) < CE->getNumArgs())
          SqlE = CE->getArg(S->SqlArg);
      } else if (const auto *C = dyn_cast<CallExpr>(E)) {
        const FunctionDecl *F = C->getDirectCallee();
        if (F)
          S = FM.sinkForFunction(qualifiedName(F));
        if (S && S->SqlArg >= 0 && static_cast<unsigned>(S->SqlArg) < C->getNumArgs())
          SqlE = C->getArg(S->SqlArg);
        // `Stmt st = prepare("SELECT … WHERE id = ?")`: a wrapper of this TU
        // that prepares the text it is given.
        if (!S && F)
          if (auto W = wrapperSpec(F, callArgs(C)))
            if (W->Kind == "sql" && W->SqlArg >= 0)
              SqlE = callArgs(C)[W->SqlArg];
      }
      if (!SqlE)
        return std::nullopt;
      return sqlOf(SqlE);
    };
    if (const Expr *Init = Stmt->getInit()) {
      // unique_ptr<PreparedStatement> ps(con->prepareStatement("..."))
      const Expr *I = strip(Init);
      if (auto R = FromCall(I))
        return R;
      if (const auto *CE = dyn_cast<CXXConstructExpr>(I))
        for (const Expr *A : CE->arguments())
          if (auto R = FromCall(A))
            return R;
    }
    for (const Expr *E : Col.Exprs) {
      const auto *C = dyn_cast<CallExpr>(E);
      if (!C)
        continue;
      bool Uses = false;
      for (const Expr *A : C->arguments())
        if (varOf(A) == Stmt || (isa<UnaryOperator>(strip(A)) &&
                                 varOf(cast<UnaryOperator>(strip(A))->getSubExpr()) == Stmt))
          Uses = true;
      if (!Uses)
        continue;
      if (auto R = FromCall(C))
        return R;
    }
    return std::nullopt;
  }

  std::optional<flow::SqlStatementInfo> sqlOf(const Expr *SqlE) {
    RecoveryOptions RO;
    RO.Placeholder = flow::SqlHole;
    // `prepareStatement("…")` takes a sql::SQLString built from the literal.
    const Expr *E = strip(stripTextWrappers(SqlE));
    // sql.c_str(), sql.data()
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      if (const auto *M = MC->getMethodDecl())
        if (M->getName() == "c_str" || M->getName() == "data")
          E = strip(MC->getImplicitObjectArgument());
    // A local std::string built before the call: follow its initializer.
    // (or a `static const std::string kEdit = "UPDATE …"` of the function).
    if (const VarDecl *V = varOf(E))
      if (V->getInit() && (V->hasLocalStorage() ||
                           (V->isStaticLocal() && V->getType().isConstQualified())))
        E = V->getInit();
    auto RS = recoverString(strip(E), Ctx, RO);
    if (RS.empty())
      return std::nullopt;
    auto Info = flow::analyseSql(RS.Text, FM.OwnerColumnRegex);
    if (Info.Verb.empty())
      return std::nullopt;
    LastSql = RecoveredSql{Info, RS};
    return Info;
  }

  /// A lookup by the credential the client presents authenticates it: no
  /// object access.
  static bool credentialOnly(const Origin &O) { return O.Credential && !O.Identity; }

  void addSink(SinkUse S) {
    if (S.Kind == "sql-key") {
      S.Kind = "sql";
      S.KeyBySink = true;
    }
    if (S.Kind == "file")
      S.KeyBySink = true; // a client value in a path chooses the file
    // A helper's parameter: whether it is a key is judged at each call, from
    // the value passed there.
    if (S.From.Param < 0 && !keyish(S.From) && !S.IdentityColumn && !S.KeyBySink)
      return;
    if (S.From.Param < 0 && credentialOnly(S.From))
      return;
    Sinks.push_back(std::move(S));
  }

  std::vector<SinkUse> Sinks;
  std::vector<const Expr *> BindCalls; // calls with a statement-arg
  bool RunsSql = false;                // calls an SQL entry point (or a wrapper of one)
  bool RunsRedis = false;              // sends redis commands (or wraps a function that does)

  const VarDecl *statementVar(const Expr *Call, const flow::SinkSpec &S) {
    if (S.StatementArg == -2)
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
        // `st->setInt64(1, id)` on a std::unique_ptr<PreparedStatement>
        const Expr *Obj = strip(MC->getImplicitObjectArgument());
        if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(Obj);
            OC && OC->getOperator() == OO_Arrow && OC->getNumArgs() == 1)
          Obj = OC->getArg(0);
        return varOf(Obj);
      }
    if (S.StatementArg >= 0)
      if (const auto *C = dyn_cast<CallExpr>(Call))
        if (static_cast<unsigned>(S.StatementArg) < C->getNumArgs())
          return varOf(C->getArg(S.StatementArg));
    return nullptr;
  }

  /// True when client value \p O bound at placeholder \p P chooses whose or
  /// which object the statement touches:
  /// - WHERE: compared with a key or ownership column; a client-asserted
  ///   identity compared with any column;
  /// - INSERT: a client-asserted identity in any column (it forges the
  ///   actor), any client value put into an ownership column (`author_id`:
  ///   the client says whose row it is), or the object the route names
  ///   (`POST /tickets/:id/notes`) put into a key column (the new row hangs
  ///   off it). Other inserted values are the row's contents: a body's
  ///   product_id in an order line names a catalogue entry, not an object of
  ///   someone else.
  ///
  /// A column holding a secret (`api_key = $1`, `share_token = ?`) is no
  /// key: the client proves it holds the secret (see credentialLookup).
  bool selectsBy(const flow::SqlStatementInfo &Sql, const flow::SqlPlaceholder &P,
                 const Origin &O) const {
    if (FM.isSecretColumn(P.Column) && !O.Identity)
      return false;
    // `INSERT INTO enrollments(user_id, course_id) SELECT $1, id FROM courses
    // WHERE id = $2 AND published`: the key picks a row anyone may read.
    if (Sql.Verb == "INSERT" && P.Where && !O.Identity && FM.selectsPublicRows(Sql.WhereConstants))
      return false;
    // A row written with a client value as its owner (`INSERT INTO
    // notes(author_id, ...)`): the client says whose row it is.
    if (Sql.Verb == "INSERT")
      return O.Identity || P.OwnerColumn ||
             ((O.Kind == flow::SourceKind::RouteParameter || O.Kind == flow::SourceKind::Path) &&
              flow::isIdLikeName(P.Column));
    return P.KeyColumn || P.OwnerColumn || (O.Identity && P.Where);
  }

  /// In a summary, records that \p E (a parameter of the helper) is bound
  /// next to the key: see SinkUse::ScopeParams.
  void noteScopeParam(SinkUse &U, const Expr *E) {
    if (!Summary || !E)
      return;
    if (auto O = client(E))
      if (O->Param >= 0)
        U.ScopeParams.insert(O->Param);
  }

  /// The values a sink call binds. A libpq-style values array
  /// (`const char *params[] = {id.c_str(), uid.c_str()}`) is split into its
  /// elements, element k binding placeholder k+1.
  /// \p Names: the placeholder each argument binds by name (SQL streams'
  /// `use(id, "id")`), "" where none.
  std::vector<BoundValue> boundValues(const flow::SinkSpec &S, llvm::ArrayRef<const Expr *> Args,
                                      llvm::ArrayRef<std::string> Names = {}) const {
    std::vector<BoundValue> Out;
    for (unsigned I = 0; I < Args.size(); ++I) {
      int Index = static_cast<int>(I);
      if (!S.isValueArg(Index))
        continue;
      if (I < Names.size() && !Names[I].empty()) {
        Out.push_back({Args[I], Index, 0, Names[I]});
        continue;
      }
      if (S.ValuesFrom < 0) {
        auto Elems = arrayElements(Args[I], Ctx);
        if (!Elems.empty()) {
          for (size_t K = 0; K < Elems.size(); ++K)
            Out.push_back({Elems[K], Index, static_cast<int>(K) + 1, ""});
          continue;
        }
      }
      BoundValue B{Args[I], Index, 0, ""};
      if (S.ValuesFrom >= 0 && Index >= S.ValuesFrom) {
        B.Pos = Index - S.ValuesFrom + 1;
      } else if (S.StatementArg != -1 && Index >= 1) {
        const Expr *IdxE = Args[Index - 1];
        if (auto N = intLiteral(IdxE)) {
          B.Pos = static_cast<int>(*N);
        } else {
          std::string K = literalKey(IdxE);
          if (!K.empty())
            B.Name = K[0] == ':' || K[0] == '@' ? K : ":" + K;
        }
      }
      Out.push_back(std::move(B));
    }
    return Out;
  }

  /// The calls that run statement \p StmtVar (see SinkSpec::ExecutedBy), in
  /// source order; found once per statement and sink kind (binds are seen
  /// again on every fixpoint step).
  std::map<std::pair<const VarDecl *, const flow::SinkSpec *>, std::vector<const CallExpr *>>
      Executions;
  const std::vector<const CallExpr *> &executionsOf(const VarDecl *StmtVar, const flow::SinkSpec &S) {
    auto [It, New] = Executions.try_emplace({StmtVar, &S});
    if (!New || S.ExecutedBy.empty())
      return It->second;
    for (const Expr *E : Col.Exprs) {
      const auto *C = dyn_cast<CallExpr>(E);
      const FunctionDecl *F = C ? C->getDirectCallee() : nullptr;
      if (F && std::find(S.ExecutedBy.begin(), S.ExecutedBy.end(), qualifiedName(F)) != S.ExecutedBy.end() &&
          statementVar(C, S) == StmtVar)
        It->second.push_back(C);
    }
    const SourceManager &SM = Ctx.getSourceManager();
    std::sort(It->second.begin(), It->second.end(), [&](const CallExpr *A, const CallExpr *B) {
      return SM.isBeforeInTranslationUnit(A->getBeginLoc(), B->getBeginLoc());
    });
    return It->second;
  }

  /// The first call after \p Bind that runs statement \p StmtVar, or null.
  const Expr *executionOf(const VarDecl *StmtVar, const Expr *Bind, const flow::SinkSpec &S) {
    const SourceManager &SM = Ctx.getSourceManager();
    for (const CallExpr *C : executionsOf(StmtVar, S))
      if (SM.isBeforeInTranslationUnit(Bind->getBeginLoc(), C->getBeginLoc()))
        return C;
    return nullptr;
  }

  void modelSink(const Expr *Call, const flow::SinkSpec &S, llvm::ArrayRef<const Expr *> Args,
                 llvm::ArrayRef<std::string> Names = {}) {
    struct Cand {
      const BoundValue *B;
      Origin O;
    };
    std::vector<BoundValue> Bound = boundValues(S, Args, Names);
    std::vector<Cand> Cands;
    for (const BoundValue &B : Bound)
      if (auto O = client(B.E))
        Cands.push_back({&B, *O});
    std::optional<Origin> Spliced;
    if (S.SqlArg >= 0 && static_cast<unsigned>(S.SqlArg) < Args.size())
      Spliced = client(Args[S.SqlArg]);
    if (Cands.empty() && !Spliced)
      return;

    SinkUse U;
    U.Call = Call;
    U.Kind = S.Kind;
    U.Acc = S.Acc;
    U.Callee = calleeText(Call);
    U.What = flow::describe(S.Acc);

    std::optional<flow::SqlStatementInfo> Sql;
    std::optional<RecoveredSql> Rec;
    const VarDecl *StmtVar = statementVar(Call, S);
    if (const Expr *X = StmtVar ? executionOf(StmtVar, Call, S) : nullptr) {
      U.Bind = Call;
      U.Call = X;
      U.Callee = calleeText(X);
    }
    if (S.Kind == "sql") {
      LastSql.reset();
      if (S.SqlArg >= 0 && static_cast<unsigned>(S.SqlArg) < Args.size())
        Sql = sqlOf(Args[S.SqlArg]);
      else if (StmtVar)
        Sql = statementSql(StmtVar);
      Rec = LastSql;
    }
    if (Sql) {
      // `SELECT ... WHERE slug = $1 AND public`: rows anyone may read (and,
      // tested, a check that the object is public: see publicLookup).
      if (!Sql->Write && FM.selectsPublicRows(Sql->WhereConstants))
        return;
      U.What = Sql->summary();
      U.Acc = Sql->Write ? flow::Access::Write : flow::Access::Read;
    }

    auto Matching = [&](int Pos, const std::string &Name) {
      std::vector<const flow::SqlPlaceholder *> R;
      for (const auto &P : Sql->Placeholders)
        if (P.Hole < 0 && ((Pos > 0 && P.Position == Pos) || (!Name.empty() && P.Name == Name)))
          R.push_back(&P);
      return R;
    };

    // Ownership predicate bound to the principal? (`owner_id = <principal>`,
    // or the key itself compared with the principal: `id = <principal>`.)
    if (Sql && !Sql->Placeholders.empty()) {
      for (const auto &P : Sql->Placeholders) {
        if (!P.Where) // any WHERE column compared with the principal scopes the rows
          continue;
        if (P.Hole >= 0 && Rec) {
          int H = 0;
          for (const auto &Piece : Rec->Text.Pieces)
            if (!Piece.Literal) {
              if (H == P.Hole && Piece.Origin && principal(Piece.Origin) && !client(Piece.Origin))
                U.OwnerScoped = true;
              if (H == P.Hole)
                noteScopeParam(U, Piece.Origin);
              ++H;
            }
          continue;
        }
        // Same call (exec_params(sql, id, uid)).
        for (const BoundValue &B : Bound) {
          if (!B.binds(P))
            continue;
          noteScopeParam(U, B.E);
          if (principal(B.E) && !client(B.E))
            U.OwnerScoped = true;
          else if (client(B.E))
            U.ScopeValues.push_back(B.E);
        }
        // Other bind calls on the same statement.
        if (StmtVar)
          for (const Expr *B : BindCalls) {
            const auto *BC = dyn_cast<CallExpr>(B);
            const FunctionDecl *BF = BC ? BC->getDirectCallee() : nullptr;
            const flow::SinkSpec *BS = BF ? FM.sinkForFunction(qualifiedName(BF)) : nullptr;
            if (!BS || statementVar(B, *BS) != StmtVar)
              continue;
            llvm::ArrayRef<const Expr *> BArgs(BC->getArgs(), BC->getNumArgs());
            for (unsigned I = 0; I < BArgs.size(); ++I) {
              if (!BS->isValueArg(static_cast<int>(I)))
                continue;
              bool Pr = principal(BArgs[I]) && !client(BArgs[I]);
              bool Cl = !Pr && client(BArgs[I]);
              if (!Pr && !Cl && !Summary)
                continue;
              int Pos = 0;
              std::string Name;
              if (I >= 1) {
                if (auto N = intLiteral(BArgs[I - 1]))
                  Pos = static_cast<int>(*N);
                else {
                  Name = literalKey(BArgs[I - 1]);
                  if (!Name.empty() && Name[0] != ':' && Name[0] != '@')
                    Name = ":" + Name;
                }
              }
              if ((Pos == 0 && Name.empty()) || Pos == P.Position || (!Name.empty() && Name == P.Name)) {
                noteScopeParam(U, BArgs[I]);
                if (Pr)
                  U.OwnerScoped = true;
                else if (Cl)
                  U.ScopeValues.push_back(BArgs[I]);
              }
            }
          }
      }
    }

    if (Spliced) {
      SinkUse V = U;
      V.Value = Args[S.SqlArg];
      V.From = *Spliced;
      bool Report = !Sql;
      if (Sql && Rec) {
        int H = 0;
        for (const auto &Piece : Rec->Text.Pieces) {
          if (Piece.Literal)
            continue;
          auto O = Piece.Origin ? client(Piece.Origin) : std::nullopt;
          for (const auto &P : Sql->Placeholders)
            if (P.Hole == H && O && selectsBy(*Sql, P, *O)) {
              Report = true;
              V.From = *O;
              V.Value = Piece.Origin;
              V.IdentityColumn = P.OwnerColumn;
              V.Kind = "sql-key";
            }
          ++H;
        }
      }
      if (Report)
        addSink(V);
    }
    for (const Cand &C : Cands) {
      SinkUse V = U;
      V.Value = C.B->E;
      V.From = C.O;
      if (Sql) {
        int Pos = C.B->Pos;
        const std::string &Name = C.B->Name;
        bool Any = false;
        if (Pos == 0 && Name.empty()) {
          for (const auto &P : Sql->Placeholders)
            if (selectsBy(*Sql, P, C.O)) {
              Any = true;
              V.IdentityColumn = V.IdentityColumn || P.OwnerColumn;
            }
          // Arrays of parameters (libpq): every placeholder may be it.
        } else {
          for (const auto *P : Matching(Pos, Name))
            if (selectsBy(*Sql, *P, C.O)) {
              Any = true;
              V.IdentityColumn = P->OwnerColumn;
            }
        }
        if (!Any)
          continue;
        V.Kind = "sql-key";
      } else {
        // Unknown statement: another value bound from the principal scopes it.
        for (const BoundValue &B : Bound) {
          if (&B == C.B)
            continue;
          noteScopeParam(V, B.E);
          if (principal(B.E) && !client(B.E))
            V.OwnerScoped = true;
        }
      }
      addSink(V);
      break; // one finding per call
    }
  }

  /// An SQL wrapper of this TU called with the statement text
  /// (`pg_exec(db, "SELECT ... WHERE id = $1", {id})`,
  /// `db_.query("... WHERE id = ?", id)`): the call is the access. The first
  /// argument that reads as SQL is the statement; the arguments after it are
  /// its values, in placeholder order (one braced list: its elements).
  std::optional<flow::SinkSpec> wrapperSpec(const FunctionDecl *F,
                                            llvm::ArrayRef<const Expr *> Args) {
    FunctionFlow *Sum = summaryOf(F);
    if (!Sum)
      return std::nullopt;
    // `redis("HGETALL device:%ld", id)` over redisvCommand: a variadic
    // wrapper; the format is the first literal, the values follow it.
    bool Variadic = F->isVariadic();
    if (const FunctionDecl *Pat = F->getTemplateInstantiationPattern())
      for (const ParmVarDecl *P : Pat->parameters())
        Variadic = Variadic || P->isParameterPack();
    if (Sum->runsRedis() && Variadic && !Sum->runsSql())
      for (unsigned K = 0; K < Args.size(); ++K)
        if (isa<StringLiteral>(strip(Args[K]))) {
          flow::SinkSpec S;
          S.Kind = "redis";
          S.Acc = flow::Access::Any;
          S.ValuesFrom = static_cast<int>(K) + 1;
          return S;
        }
    if (!Sum->runsSql())
      return std::nullopt;
    for (unsigned K = 0; K < Args.size(); ++K) {
      if (!sqlOf(Args[K]))
        continue;
      flow::SinkSpec S;
      S.Kind = "sql";
      S.SqlArg = static_cast<int>(K);
      S.Acc = flow::Access::Any;
      if (K + 2 == Args.size() && !arrayElements(Args[K + 1], Ctx).empty())
        S.ValueArgs = {static_cast<int>(K) + 1};
      else
        S.ValuesFrom = static_cast<int>(K) + 1;
      return S;
    }
    return std::nullopt;
  }

  /// A statement written as an SQL stream (sql-streams; SOCI's
  /// `sql << "SELECT … WHERE id = :id", use(id), into(x)`), seen from its
  /// outermost chain operator: the statement text is argument 0, the binders'
  /// values follow in order, with the names they give.
  struct StreamStatement {
    flow::SinkSpec Spec;
    std::vector<const Expr *> Args;
    std::vector<std::string> Names;
    std::vector<const Expr *> Binders; // the binder calls
    std::vector<const Expr *> Outputs; // first arguments of the other calls (`into(x)`)
    std::optional<flow::SqlStatementInfo> Sql; // the statement text, read once
  };

  /// \p Top must be a chain operator call that is no other chain call's
  /// left operand. None when the statement text is not one streamed piece.
  std::optional<StreamStatement> streamStatement(const CXXOperatorCallExpr *Top) const {
    using Role = flow::FlowModel::StreamRole;
    std::vector<const Expr *> Items; // right operands, last first
    const flow::SqlStreamSpec *Spec = nullptr;
    const Expr *E = Top;
    const Expr *Text = nullptr;
    while (const auto *Op = dyn_cast<CXXOperatorCallExpr>(strip(E))) {
      const FunctionDecl *F = Op->getDirectCallee();
      if (!F || Op->getNumArgs() != 2)
        return std::nullopt;
      Role R = FM.streamRole(qualifiedName(F), &Spec);
      if (R == Role::Chain) {
        Items.push_back(Op->getArg(1));
        E = Op->getArg(0);
        continue;
      }
      if (R != Role::Statement)
        return std::nullopt;
      // `sql << "SELECT … id = " << id`: built in pieces (not followed).
      if (const auto *L = dyn_cast<CXXOperatorCallExpr>(strip(Op->getArg(0))))
        if (L->getDirectCallee() &&
            FM.streamRole(qualifiedName(L->getDirectCallee())) == Role::Statement)
          return std::nullopt;
      Text = Op->getArg(1);
      break;
    }
    if (!Text || !Spec)
      return std::nullopt;
    StreamStatement St;
    St.Spec.Kind = "sql";
    St.Spec.SqlArg = 0;
    St.Spec.ValuesFrom = 1;
    St.Spec.Acc = Spec->Acc;
    St.Args.push_back(Text);
    St.Names.emplace_back();
    for (auto It = Items.rbegin(); It != Items.rend(); ++It) {
      const auto *B = dyn_cast<CallExpr>(strip(*It));
      const FunctionDecl *BF = B ? B->getDirectCallee() : nullptr;
      if (!BF || B->getNumArgs() == 0)
        continue;
      if (FM.streamRole(qualifiedName(BF)) != Role::Bind) {
        St.Outputs.push_back(B->getArg(0)); // into(x): the rows land in x
        continue;
      }
      St.Binders.push_back(B);
      St.Args.push_back(B->getArg(0));
      std::string Name;
      const Expr *Last = B->getArg(B->getNumArgs() - 1);
      if (B->getNumArgs() >= 2 && !isa<CXXDefaultArgExpr>(Last))
        Name = literalKey(Last);
      St.Names.push_back(Name.empty() || Name[0] == ':' ? Name : ":" + Name);
    }
    return St;
  }

  /// The SQL stream statements of the function (outermost chain call, and
  /// the statement), found once.
  std::optional<std::vector<std::pair<const Expr *, StreamStatement>>> StreamsCache;
  const std::vector<std::pair<const Expr *, StreamStatement>> &streams() {
    if (StreamsCache)
      return *StreamsCache;
    StreamsCache.emplace();
    if (!FM.SqlStreams.empty()) {
      using Role = flow::FlowModel::StreamRole;
      auto Chain = [&](const Expr *E) -> const CXXOperatorCallExpr * {
        const auto *Op = dyn_cast_or_null<CXXOperatorCallExpr>(E ? strip(E) : nullptr);
        return Op && Op->getDirectCallee() && Op->getNumArgs() == 2 &&
                       FM.streamRole(qualifiedName(Op->getDirectCallee())) == Role::Chain
                   ? Op
                   : nullptr;
      };
      std::set<const Expr *> Inner;
      for (const Expr *E : Col.Exprs)
        if (const auto *Op = Chain(E))
          if (const auto *L = Chain(Op->getArg(0)))
            Inner.insert(L);
      for (const Expr *E : Col.Exprs)
        if (const auto *Op = Chain(E); Op && !Inner.count(Op))
          if (auto St = streamStatement(Op)) {
            St->Sql = sqlOf(St->Args[0]);
            StreamsCache->emplace_back(Op, std::move(*St));
          }
    }
    return *StreamsCache;
  }

  void collectSinks() {
    // SQL streams: the outermost chain call of each statement is the access;
    // its binders are not accesses on their own.
    const auto &Streams = streams();
    std::set<const Expr *> InStream;
    for (const auto &St : Streams)
      InStream.insert(St.second.Binders.begin(), St.second.Binders.end());

    for (const Expr *E : Col.Exprs) {
      const flow::SinkSpec *S = nullptr;
      const FunctionDecl *F = nullptr;
      if (const auto *C = dyn_cast<CallExpr>(E)) {
        if ((F = C->getDirectCallee()))
          if ((S = FM.sinkForFunction(qualifiedName(F))) && S->StatementArg != -1)
            BindCalls.push_back(C);
      } else if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
        S = FM.sinkForConstructor(qualifiedName(CE->getConstructor()->getParent()));
      }
      if (S) {
        RunsSql = RunsSql || S->Kind == "sql";
        RunsRedis = RunsRedis || S->Kind == "redis";
      } else if (F && (!RunsSql || !RunsRedis)) {
        if (FunctionFlow *Sum = summaryOf(F)) {
          RunsSql = RunsSql || Sum->runsSql();
          RunsRedis = RunsRedis || Sum->runsRedis();
        }
      }
    }

    if (!Streams.empty())
      RunsSql = true;
    for (const auto &[Call, St] : Streams)
      modelSink(Call, St.Spec, St.Args, St.Names);

    for (const Expr *E : Col.Exprs) {
      if (InStream.count(E))
        continue;
      if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
        if (const auto *S =
                FM.sinkForConstructor(qualifiedName(CE->getConstructor()->getParent())))
          modelSink(CE, *S, llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()));
        continue;
      }
      const auto *C = dyn_cast<CallExpr>(E);
      if (!C)
        continue;
      const FunctionDecl *F = C->getDirectCallee();
      if (!F)
        continue;
      llvm::ArrayRef<const Expr *> Args = callArgs(C);
      if (const auto *S = FM.sinkForFunction(qualifiedName(F))) {
        modelSink(C, *S, Args);
        continue;
      }
      bool Role;
      if (principalAt(C) || isGuardCallee(F, Role))
        continue;
      if (auto S = wrapperSpec(F, Args)) {
        modelSink(C, *S, Args);
        continue;
      }
      // Repository / DAO.
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C)) {
        const CXXMethodDecl *M = MC->getMethodDecl();
        // A repository method answering yes/no (`isGuardianOf(user, student)`)
        // is a question, not an access (see relationCheck).
        // One defined here whose body reaches the data is judged by its
        // summary, as other helpers are (the statement it runs says more
        // than its name).
        // (When its body uses no client argument as a key, e.g. an INSERT
        // of row contents, the name still says what it does.)
        FunctionFlow *Body = M ? summaryOf(M) : nullptr;
        bool Seen = false;
        if (Body)
          for (const SinkUse &IS : Body->sinks())
            for (unsigned I = 0; I < Args.size() && !Seen; ++I)
              Seen = IS.From.Param == static_cast<int>(I) && client(Args[I]);
        if (M && M->getIdentifier() && !M->getReturnType()->isBooleanType() && !Seen)
          if (auto Acc = FM.repositoryCall(qualifiedName(M->getParent()), M->getName())) {
            std::optional<Origin> O;
            const Expr *Val = nullptr;
            bool Scoped = false, KeyParam = false;
            for (unsigned I = 0; I < Args.size(); ++I) {
              const Expr *A = Args[I];
              if (!O)
                if ((O = client(A))) {
                  Val = A;
                  KeyParam = I < M->getNumParams() && M->getParamDecl(I)->getIdentifier() &&
                             flow::isIdLikeName(M->getParamDecl(I)->getName());
                }
              if (principal(A) && !client(A))
                Scoped = true;
            }
            std::set<int> ScopeParams;
            if (Summary)
              for (const Expr *A : Args)
                if (A != Val)
                  if (auto PO = client(A))
                    if (PO->Param >= 0)
                      ScopeParams.insert(PO->Param);
            if (O) {
              SinkUse U;
              U.Call = C;
              U.Value = Val;
              U.From = *O;
              U.Kind = "repository";
              U.Acc = *Acc;
              U.What = flow::describe(*Acc);
              U.Callee = calleeText(C);
              U.OwnerScoped = Scoped;
              U.KeyBySink = KeyParam;
              U.ScopeParams = std::move(ScopeParams);
              addSink(U);
            }
            continue;
          }
      }
      // Another method of this object reading members set from client data.
      if (const auto *MC = dyn_cast<CXXMemberCallExpr>(C))
        if (isa<CXXThisExpr>(MC->getImplicitObjectArgument()->IgnoreParenImpCasts()) &&
            !isHandlerFunction(F) && Depth < Opts.MaxHelperDepth) {
          FlowOptions Sub = Opts;
          Sub.ThisFields.clear();
          for (const auto &Fi : Fields)
            if (!Fi.first.first && Fi.second.Client)
              Sub.ThisFields[Fi.first.second] = *Fi.second.Client;
          const FunctionDecl *Def = nullptr;
          if (!Sub.ThisFields.empty() && F->hasBody(Def) && Def && Def != FD &&
              isUserCode(Def, Ctx) && !Def->isDependentContext()) {
            FunctionFlow Inner(Def, RM, Ctx, Sub, Depth + 1, Cache, /*Summary=*/false);
            bool Found = false;
            for (const SinkUse &IS : Inner.sinks()) {
              if (IS.From.Param >= 0 || Inner.isAuthorized(IS))
                continue;
              SinkUse U = IS;
              U.Call = C;
              U.Inner = IS.Inner ? IS.Inner : IS.Call;
              U.InnerCallee = IS.Inner ? IS.InnerCallee : IS.Callee;
              U.Callee = calleeText(C);
              Sinks.push_back(U);
              Found = true;
              break;
            }
            if (Found)
              continue;
          }
        }
      // Helpers defined in this TU, and handlers a dispatcher calls with
      // values it parsed (`track(req, me, segs[1])`): their request reads are
      // reported where they are analysed as handlers; here only what their
      // other parameters carry.
      {
        if (FunctionFlow *Sum = summaryOf(F)) {
          unsigned Shift = objectArgs(C);
          for (unsigned I = 0; I + Shift < C->getNumArgs(); ++I) {
            // A route function given the context is analysed on its own.
            if (Opts.Contexts && Opts.Contexts->entryParam(F, I))
              continue;
            const SinkUse *Inner = Sum->paramSink(I);
            if (!Inner)
              continue;
            auto O = client(C->getArg(I + Shift));
            if (!O)
              continue;
            SinkUse U = *Inner;
            U.Call = C;
            U.Value = C->getArg(I + Shift);
            U.From = *O;
            U.Inner = Inner->Inner ? Inner->Inner : Inner->Call;
            U.InnerCallee = Inner->Inner ? Inner->InnerCallee : Inner->Callee;
            U.Callee = calleeText(C);
            U.Kind = Inner->Kind;
            // Scoped when the principal is passed for a parameter the helper
            // binds next to the key (`load_doc(id, me.id)` with `WHERE id = $1
            // AND owner_id = $2`); in a summary, map them to our parameters.
            bool Scoped = false;
            U.ScopeParams.clear();
            for (int J : Inner->ScopeParams) {
              unsigned A = static_cast<unsigned>(J) + Shift;
              if (static_cast<unsigned>(J) == I || A >= C->getNumArgs())
                continue;
              if (principal(C->getArg(A)) && !client(C->getArg(A)))
                Scoped = true;
              noteScopeParam(U, C->getArg(A));
            }
            U.OwnerScoped = U.OwnerScoped || Scoped;
            // The helper's parameter is a key whatever its name there; at the
            // call the client value must look like one (or the SQL says so).
            if ((keyish(U.From) || U.IdentityColumn || Inner->KeyBySink) && !credentialOnly(U.From))
              Sinks.push_back(U);
            break;
          }
        }
      }
    }
  }

  // ---- CFG -----------------------------------------------------------------
  bool buildCfg() {
    if (CfgTried)
      return Cfg != nullptr;
    CfgTried = true;
    Stmt *Body = FD->getBody();
    if (!Body)
      return false;
    CFG::BuildOptions BO;
    BO.setAllAlwaysAdd();
    BO.AddImplicitDtors = false;
    BO.AddTemporaryDtors = false;
    BO.AddCXXDefaultInitExprInCtors = false;
    Cfg = CFG::buildCFG(FD, Body, &Ctx, BO);
    if (!Cfg)
      return false;
    PM = std::make_unique<ParentMap>(Body);
#if PRODREADY_LLVM_MAJOR >= 22
    SM = std::make_unique<CFGStmtMap>(*Cfg, *PM); // Build() became a constructor in 22
#else
    SM.reset(CFGStmtMap::Build(Cfg.get(), PM.get()));
#endif
    return SM != nullptr;
  }

  /// Index of the element of \p B that is \p S or contains it, or -1.
  int elementIndex(const CFGBlock *B, const Stmt *S) const {
    for (const Stmt *X = S; X; X = PM->getParent(X)) {
      int I = 0;
      for (const CFGElement &El : *B) {
        if (auto CS = El.getAs<CFGStmt>())
          if (CS->getStmt() == X)
            return I;
        ++I;
      }
    }
    return -1;
  }

  bool isWithin(const Stmt *S, const Stmt *Ancestor) const {
    for (const Stmt *X = S; X; X = PM->getParent(X))
      if (X == Ancestor)
        return true;
    return false;
  }

  struct GuardSite {
    const CFGBlock *Block = nullptr;
    int Element = -1;
    bool Condition = false;
    int PassSucc = -1; // for conditions: 0 (true) or 1 (false)
    /// The objects it checks (empty: any object, e.g. a role check).
    std::vector<Origin> Covers;
    /// For a statement guard (a call that throws on failure) inside a `try`:
    /// the catch handlers its failure lands in.
    std::vector<const CFGBlock *> Handlers;
    bool covers(const Origin &O) const {
      return Covers.empty() ||
             std::any_of(Covers.begin(), Covers.end(), [&](const Origin &C) { return sameObject(C, O); });
    }
  };

  /// The CFG blocks of the catch handlers of the `try` statements around \p S.
  std::vector<const CFGBlock *> catchHandlers(const Stmt *S) const {
    std::vector<const CFGBlock *> Out;
    for (const Stmt *X = S, *P = PM->getParent(S); P; X = P, P = PM->getParent(P)) {
      const auto *Try = dyn_cast<CXXTryStmt>(P);
      if (!Try || Try->getTryBlock() != X)
        continue;
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
        for (const CFGBlock *B : *Cfg)
          if (B->getLabel() == Try->getHandler(I))
            Out.push_back(B);
    }
    return Out;
  }

  std::vector<GuardSite> guardSites() {
    std::vector<GuardSite> Sites;
    auto Polarity = [&](const Stmt *From, const Stmt *Top) {
      // Counts negations between From and Top; `!=` flips too.
      bool Flip = false;
      for (const Stmt *X = From; X && X != PM->getParent(Top); X = PM->getParent(X)) {
        if (const auto *UO = dyn_cast<UnaryOperator>(X))
          if (UO->getOpcode() == UO_LNot)
            Flip = !Flip;
        if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(X))
          if (OC->getOperator() == OO_Exclaim)
            Flip = !Flip;
        // `if (rows.empty()) return 404;` tests a lookup's answer: no rows
        // means no.
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(X))
          if (X != From && MC->getMethodDecl() && MC->getMethodDecl()->getIdentifier() &&
              MC->getMethodDecl()->getName() == "empty")
            Flip = !Flip;
        // `chk.rows() == 0`, `PQntuples(r) == 0`: no rows means no.
        if (const auto *BO = dyn_cast<BinaryOperator>(X))
          if (X != From && BO->getOpcode() == BO_EQ)
            for (const Expr *Side : {BO->getLHS(), BO->getRHS()})
              if (const auto *IL = dyn_cast<IntegerLiteral>(Side->IgnoreParenImpCasts()))
                if (IL->getValue() == 0)
                  Flip = !Flip;
        if (X == Top)
          break;
      }
      return Flip;
    };
    auto AddCondition = [&](const Expr *GE, bool BaseFlip) {
      // The block that branches on it: its own, or (an operand of `||`/`&&`
      // evaluated with temporaries) the block its value flows straight into.
      const CFGBlock *B = SM->getBlock(GE);
      for (int I = 0; B && I < 4; ++I) {
        const Stmt *T = B->getTerminatorCondition();
        if (T && isWithin(GE, T))
          break;
        if (T || B->succ_size() != 1) {
          B = nullptr;
          break;
        }
        B = B->succ_begin()->getReachableBlock();
      }
      if (!B)
        return false;
      const Stmt *TC = B->getTerminatorCondition();
      if (!TC || !isWithin(GE, TC))
        return false;
      GuardSite S;
      S.Block = B;
      S.Condition = true;
      bool Flip = Polarity(GE, TC) != BaseFlip;
      S.PassSucc = Flip ? 1 : 0;
      S.Element = elementIndex(B, GE);
      S.Covers = covers(GE);
      Sites.push_back(S);
      return true;
    };
    for (const Guard &G : Guards) {
      bool NE = false;
      const Expr *L, *R;
      bool BaseFlip = isComparison(strip(G.E), NE, L, R) && NE;
      // `CRYPTO_memcmp(mac, sig, n)` answers 0 when they are equal.
      if (const auto *C = dyn_cast<CallExpr>(strip(G.E)))
        if (const FunctionDecl *F = C->getDirectCallee();
            F && FM.isMacCompare(qualifiedName(F)) && !F->getReturnType()->isBooleanType())
          BaseFlip = !BaseFlip;
      if (AddCondition(G.E, BaseFlip))
        continue;
      // Not a condition: a statement guard when its value is discarded
      // (a call that throws on failure), otherwise it is stored and tested.
      const Stmt *Parent = PM->getParent(G.E);
      while (Parent && (isa<ExprWithCleanups>(Parent) || isa<ImplicitCastExpr>(Parent)))
        Parent = PM->getParent(Parent);
      bool Discarded = !Parent || isa<CompoundStmt>(Parent);
      if (Discarded && !G.OnlyTested) {
        const CFGBlock *B = SM->getBlock(G.E);
        if (!B)
          continue;
        GuardSite S;
        S.Block = B;
        S.Element = elementIndex(B, G.E);
        S.Covers = covers(G.E);
        S.Handlers = catchHandlers(G.E);
        Sites.push_back(S);
      }
    }
    // Conditions testing guard variables (`if (!ok) return;`).
    for (const CFGBlock *B : *Cfg) {
      const Stmt *TC = B->getTerminatorCondition();
      if (!TC)
        continue;
      struct Finder : RecursiveASTVisitor<Finder> {
        std::vector<const DeclRefExpr *> Refs;
        bool VisitDeclRefExpr(DeclRefExpr *D) {
          Refs.push_back(D);
          return true;
        }
      } Fi;
      Fi.TraverseStmt(const_cast<Stmt *>(TC));
      for (const DeclRefExpr *D : Fi.Refs) {
        const auto *V = dyn_cast<VarDecl>(D->getDecl());
        auto It = V ? GuardVars.find(V) : GuardVars.end();
        if (It == GuardVars.end())
          continue;
        // `role[0][0] != "maintainer"` reads a column of the lookup's row:
        // that is another test, not the lookup's yes/no.
        bool Element = false;
        for (const Stmt *X = D; X && X != TC; X = PM->getParent(X))
          if (isa<ArraySubscriptExpr>(X) ||
              (isa<CXXOperatorCallExpr>(X) &&
               cast<CXXOperatorCallExpr>(X)->getOperator() == OO_Subscript))
            Element = true;
        if (Element)
          continue;
        GuardSite S;
        S.Block = B;
        S.Condition = true;
        bool Flip = Polarity(D, TC) != !It->second;
        S.PassSucc = Flip ? 1 : 0;
        S.Covers = covers(D);
        Sites.push_back(S);
      }
    }
    return Sites;
  }

  std::optional<std::vector<GuardSite>> SitesCache;

  /// True when \p O is named like an attribute of the caller's own record
  /// other than its id (`store_id` when the principal is a `Staff` with a
  /// `store_id`): the client picks the scope (store, clinic, team) the
  /// caller works in. A role check says what the caller may do in their
  /// own scope, not in any other: it does not cover such a value. (Not the
  /// caller's own identities, `customer_id`: staff roles look customers up.)
  std::optional<std::set<std::string>> ScopeNames;
  bool picksScope(const Origin &O) {
    if (!ScopeNames) {
      ScopeNames.emplace();
      for (const auto &[V, St] : Vars)
        if (St.Principal && !St.Client)
          if (const RecordDecl *RD = valueRecord(V->getType()))
            for (const FieldDecl *F : RD->fields())
              if (F->getIdentifier() && flow::isIdLikeName(F->getName()) &&
                  flow::normaliseKey(F->getName()) != "id" && !FM.isIdentityField(F->getName()))
                ScopeNames->insert(flow::normaliseKey(F->getName()));
    }
    if (ScopeNames->empty() || O.Key.empty())
      return false;
    return ScopeNames->count(flow::normaliseKey(O.Key.substr(O.Key.rfind('.') + 1))) != 0;
  }

  /// When \p Value names a local that holds the principal on some paths
  /// and client data on others, the blocks that assign it client data
  /// (empty otherwise, or when one of them is not in the CFG).
  std::set<const CFGBlock *> clientDefBlocks(const Expr *Value) {
    const VarDecl *V = Value ? varOf(Value) : nullptr;
    if (!V || isa<ParmVarDecl>(V) || !V->hasLocalStorage())
      return {};
    auto It = Vars.find(V);
    if (It == Vars.end() || !It->second.Principal || !It->second.Client)
      return {};
    std::set<const CFGBlock *> Out;
    auto Add = [&](const Expr *At) {
      const CFGBlock *B = SM->getBlock(At);
      if (!B)
        return false;
      Out.insert(B);
      return true;
    };
    if (V->getInit() && client(V->getInit()) && !Add(V->getInit()))
      return {};
    for (const Expr *E : Col.Exprs) {
      const Expr *L = nullptr, *R = nullptr;
      if (const auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->isAssignmentOp()) {
        L = BO->getLHS();
        R = BO->getRHS();
      } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(E);
                 OC && OC->isAssignmentOp() && OC->getNumArgs() == 2) {
        L = OC->getArg(0);
        R = OC->getArg(1);
      }
      if (L && varOf(L) == V && client(R) && !Add(E))
        return {};
    }
    return Out;
  }

  bool authorized(const SinkUse &U) {
    if (U.OwnerScoped)
      return true;
    // A row scoped to a parent the caller may use (`… WHERE id = $1 AND
    // campaign_id = $2` after `ownsCampaign(me, cid)`).
    for (const Expr *W : U.ScopeValues) {
      auto O = W == U.Value ? std::nullopt : client(W);
      if (!O || strip(W) == strip(U.Value))
        continue;
      SinkUse Parent = U;
      Parent.Value = W;
      Parent.From = *O;
      Parent.ScopeValues.clear();
      if (authorized(Parent))
        return true;
    }
    // Reported at the statement's execution: a guard on every path to the
    // bind that gave it the value counts as well as one before the run.
    if (U.Bind) {
      SinkUse AtBind = U;
      AtBind.Call = U.Bind;
      AtBind.Bind = nullptr;
      if (authorized(AtBind))
        return true;
    }
    if (!buildCfg())
      return false;
    const CFGBlock *SB = SM->getBlock(U.Call);
    if (!SB)
      return false;
    int SIdx = elementIndex(SB, U.Call);
    // Guards are final once run() is done: compute their sites once.
    if (!SitesCache)
      SitesCache = guardSites();
    std::vector<const GuardSite *> Sites;
    bool Scope = picksScope(U.From);
    for (const auto &S : *SitesCache)
      if (S.covers(U.From) && !(Scope && S.Covers.empty()))
        Sites.push_back(&S);
    if (Sites.empty())
      return false;

    // (1) Every path from the entry crosses a guard. A statement guard in a
    // `try` whose failure is caught also lets the path go on from the handler.
    std::set<std::pair<const CFGBlock *, const CFGBlock *>> Cut;
    std::set<const CFGBlock *> Stops; // statement guards: nothing flows past them
    std::deque<const CFGBlock *> Work{&Cfg->getEntry()};
    for (const GuardSite *SP : Sites) {
      const GuardSite &S = *SP;
      Work.insert(Work.end(), S.Handlers.begin(), S.Handlers.end());
      if (S.Block == SB && !S.Condition && S.Element >= 0 && SIdx >= 0 && S.Element < SIdx &&
          S.Handlers.empty())
        return true;
      if (S.Condition) {
        unsigned I = 0;
        for (const auto &Succ : S.Block->succs()) {
          if (static_cast<int>(I) == S.PassSucc && Succ.getReachableBlock())
            Cut.insert({S.Block, Succ.getReachableBlock()});
          ++I;
        }
      } else if (S.Block != SB) {
        Stops.insert(S.Block);
      }
    }
    {
      // A variable that holds the caller unless the client chose another
      // (`subject = me.id; if (q) { subject = stol(q); check… }`): only
      // paths through a client assignment need the guard.
      std::set<const CFGBlock *> Defs = clientDefBlocks(U.Value);
      std::set<std::pair<const CFGBlock *, bool>> Seen;
      std::deque<std::pair<const CFGBlock *, bool>> Paths;
      for (const CFGBlock *B : Work)
        Paths.push_back({B, Defs.empty()});
      bool Reached = false;
      while (!Paths.empty()) {
        auto [B, Tainted] = Paths.front();
        Paths.pop_front();
        Tainted = Tainted || Defs.count(B);
        if (!Seen.insert({B, Tainted}).second)
          continue;
        if (B == SB && Tainted) {
          Reached = true;
          break;
        }
        if (Stops.count(B))
          continue;
        for (const auto &Succ : B->succs())
          if (const CFGBlock *N = Succ.getReachableBlock())
            if (!Cut.count({B, N}))
              Paths.push_back({N, Tainted});
      }
      if (!Reached)
        return true;
    }

    // (2) Reads: a guard after the load (load-then-check).
    if (U.Acc != flow::Access::Write) {
      // In the access's own block: a statement after it, or the block's
      // terminator condition (evaluated after all its statements).
      for (const GuardSite *S : Sites)
        if (S->Block == SB && (S->Condition || S->Element > SIdx))
          return true;
      return checkedAfterLoad(U.Call, SB, Sites);
    }
    return false;
  }

  /// Load-then-check: true when a guard site of \p Sites is reachable
  /// after the read \p Call (in block \p SB), unless the variable the read
  /// initialises is returned on a path that meets none of them (`if (auto
  /// hit = cache.card(id)) return response(*hit);`): the data left before
  /// any check.
  bool checkedAfterLoad(const Expr *Call, const CFGBlock *SB,
                        const std::vector<const GuardSite *> &Sites) {
    const Stmt *X = Call;
    while (PM->getParent(X) && isa<Expr>(PM->getParent(X)) &&
           (isa<CastExpr>(PM->getParent(X)) || isa<ExprWithCleanups>(PM->getParent(X)) ||
            isa<CXXConstructExpr>(PM->getParent(X)) || isa<MaterializeTemporaryExpr>(PM->getParent(X)) ||
            isa<CXXBindTemporaryExpr>(PM->getParent(X))))
      X = PM->getParent(X);
    const VarDecl *V = nullptr;
    if (const auto *DS = dyn_cast_or_null<DeclStmt>(PM->getParent(X)))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit() && isWithin(Call, VD->getInit()))
          V = VD;
    auto Returns = [&](const CFGBlock *B) {
      struct Finder : RecursiveASTVisitor<Finder> {
        const VarDecl *V;
        bool Found = false;
        bool VisitDeclRefExpr(DeclRefExpr *D) {
          Found = Found || D->getDecl() == V;
          return !Found;
        }
      };
      if (V)
        for (const CFGElement &El : *B)
          if (auto CS = El.getAs<CFGStmt>())
            if (const auto *R = dyn_cast<ReturnStmt>(CS->getStmt()); R && R->getRetValue()) {
              Finder Fi;
              Fi.V = V;
              Fi.TraverseStmt(const_cast<Expr *>(R->getRetValue()));
              if (Fi.Found)
                return true;
            }
      return false;
    };
    std::set<const CFGBlock *> Guarded;
    for (const GuardSite *S : Sites)
      Guarded.insert(S->Block);
    bool Checked = false;
    std::set<const CFGBlock *> Seen;
    std::deque<const CFGBlock *> Work;
    for (const auto &Succ : SB->succs())
      if (const CFGBlock *N = Succ.getReachableBlock())
        Work.push_back(N);
    while (!Work.empty()) {
      const CFGBlock *B = Work.front();
      Work.pop_front();
      if (!Seen.insert(B).second)
        continue;
      if (Guarded.count(B)) {
        Checked = true;
        continue;
      }
      if (Returns(B))
        return false;
      for (const auto &Succ : B->succs())
        if (const CFGBlock *N = Succ.getReachableBlock())
          Work.push_back(N);
    }
    return Checked;
  }

  void run() {
    Stmt *Body = FD->getBody();
    if (!Body)
      return;
    Col.TraverseStmt(Body);
    if (Summary) {
      unsigned I = 0;
      for (const ParmVarDecl *P : FD->parameters()) {
        Origin O;
        O.Param = static_cast<int>(I++);
        O.Key = P->getName().str();
        O.Kind = flow::SourceKind::Other;
        O.Source = nullptr;
        if (Handler && P == Handler->RequestParam)
          continue; // a helper that reads the request: real sources inside
        if (hasAnnotation(P, "principal")) {
          Vars[P].Principal = true;
          continue;
        }
        // A context record holds what the handlers put in it, field by field
        // (seeded below): `c.staff_id` is the principal even here.
        if (Opts.Contexts && contextRecord(P->getType(), *Opts.Contexts))
          continue;
        Vars[P].Client = O;
      }
    }
    for (const auto &TF : Opts.ThisFields)
      Fields[{nullptr, TF.first}].Client = TF.second;
    if (Opts.Contexts)
      seedDispatchedFields();
    if (!Opts.PrincipalTypes.empty())
      for (const ParmVarDecl *P : FD->parameters())
        if (const RecordDecl *RD = valueRecord(P->getType()))
          if (Opts.PrincipalTypes.count(cast<RecordDecl>(RD->getCanonicalDecl()))) {
            Vars[P].Principal = true;
            Vars[P].Client.reset();
          }
    if (Opts.Contexts && Handler)
      for (unsigned I = 0; I < FD->getNumParams(); ++I)
        if (Opts.Contexts->PrincipalParams.count({FD->getCanonicalDecl(), I})) {
          Vars[FD->getParamDecl(I)].Principal = true;
          Vars[FD->getParamDecl(I)].Client.reset();
        }
    // Only for functions reached through a table or std::function: a direct
    // call passes its own values (followed as a helper).
    if (Opts.Contexts && !Opts.Contexts->Called.count(FD->getCanonicalDecl()))
      for (unsigned I = 0; I < FD->getNumParams(); ++I) {
        auto It = Opts.Contexts->Params.find({FD->getCanonicalDecl(), I});
        if (It == Opts.Contexts->Params.end())
          continue;
        VarState &S = Vars[FD->getParamDecl(I)];
        if (S.Principal) // of a principal type (see FlowOptions::PrincipalTypes)
          continue;
        // A context record: field by field (below), not as a whole.
        if (contextRecord(FD->getParamDecl(I)->getType(), *Opts.Contexts))
          continue;
        if (It->second.Client && !S.Client)
          S.Client = It->second.Client;
        if (It->second.Principal && !S.Client)
          S.Principal = true;
      }
    // Context records start with what the handlers put in them.
    if (Opts.Contexts)
      for (const ParmVarDecl *P : FD->parameters()) {
        const RecordDecl *RD = contextRecord(P->getType(), *Opts.Contexts);
        if (!RD)
          continue;
        for (const FieldDecl *F : RD->fields()) {
          auto It = Opts.Contexts->Fields.find(F);
          if (It == Opts.Contexts->Fields.end())
            continue;
          VarState &S = Fields[{P, F}];
          S.Client = It->second.Client;
          S.Principal = It->second.Principal;
        }
      }
    // A route function handed the dispatcher's regex match
    // (`[](const Request &, const std::smatch &m, Ctx &)`): the path's groups.
    if (Handler)
      for (const ParmVarDecl *P : FD->parameters())
        if (const auto *RD = P->getType().getNonReferenceType()->getAsCXXRecordDecl())
          if (qualifiedName(RD) == "std::match_results" &&
              (!Vars[P].Client || Vars[P].Client->Kind == flow::SourceKind::Path)) {
            Origin O;
            O.Kind = flow::SourceKind::RouteParameter;
            Vars[P].Client = O;
          }
    if (!Summary && Handler && Handler->Spec && Handler->Spec->ExtraParamsAreRouteParams) {
      // Crow `<int>` / Drogon `{1}` path parameters arrive as handler parameters.
      for (const ParmVarDecl *P : FD->parameters()) {
        if (P == Handler->RequestParam || P == Handler->ResponseParam)
          continue;
        QualType T = P->getType().getNonReferenceType();
        if (!T->isIntegerType() && !T->isRecordType())
          continue;
        if (const auto *RD = T->getAsCXXRecordDecl()) {
          std::string N = qualifiedName(RD);
          if (N != "std::basic_string" && N != "std::basic_string_view")
            continue; // callbacks, responses...
        }
        Origin O;
        O.Kind = flow::SourceKind::RouteParameter;
        O.Key = P->getName().str();
        Vars[P].Client = O;
      }
    }
    for (int Iter = 0; Iter < 6; ++Iter) {
      Changed = false;
      step();
      if (!Changed)
        break;
    }
    collectGuards();
    collectSinks();
    if (Summary) {
      for (const ReturnStmt *R : Col.Returns) {
        if (!R->getRetValue())
          continue;
        struct Finder : RecursiveASTVisitor<Finder> {
          std::vector<const Expr *> Refs;
          bool VisitDeclRefExpr(DeclRefExpr *D) {
            Refs.push_back(D);
            return true;
          }
        } Fi;
        Fi.TraverseStmt(const_cast<Expr *>(R->getRetValue()));
        for (const Expr *D : Fi.Refs)
          if (auto O = client(D))
            if (O->Param >= 0)
              ParamsToReturn.insert(static_cast<unsigned>(O->Param));
        // The field of the parameter it returns (`return stoll(claims.get("sub"))`
        // of a token parameter): the caller's value, that field of it.
        if (auto O = client(R->getRetValue()); O && O->Param >= 0 &&
                                               static_cast<unsigned>(O->Param) < FD->getNumParams()) {
          std::string Name = FD->getParamDecl(O->Param)->getName().str();
          std::string Field;
          if (O->Key.size() > Name.size() + 1 && O->Key.compare(0, Name.size() + 1, Name + ".") == 0)
            Field = O->Key.substr(Name.size() + 1);
          auto [It, New] = ReturnFields.try_emplace(static_cast<unsigned>(O->Param), Field);
          if (!New && It->second != Field)
            It->second.clear();
        }
        if (auto O = client(R->getRetValue()))
          if (O->Param < 0 && O->Source)
            ReturnOrigin = O;
      }
    }
  }
};

std::set<const RecordDecl *> principalTypes(ASTContext &Ctx, const RequestModel &RM) {
  // Declarations in user code only: system headers and function bodies are
  // not entered.
  struct Finder : RecursiveASTVisitor<Finder> {
    ASTContext &Ctx;
    const flow::FlowModel &FM;
    std::set<const RecordDecl *> Out;
    Finder(ASTContext &C, const flow::FlowModel &M) : Ctx(C), FM(M) {}
    bool TraverseDecl(Decl *D) {
      if (D && !isa<TranslationUnitDecl>(D) &&
          Ctx.getSourceManager().isInSystemHeader(D->getLocation()))
        return true;
      return RecursiveASTVisitor::TraverseDecl(D);
    }
    bool TraverseStmt(Stmt *) { return true; }
    bool VisitFunctionDecl(FunctionDecl *F) {
      bool Principal = hasAnnotation(F, "principal") ||
                       (F->getIdentifier() && FM.principalFunction(qualifiedName(F), F->getName()));
      if (Principal)
        if (const RecordDecl *RD = valueRecord(F->getReturnType()))
          Out.insert(cast<RecordDecl>(RD->getCanonicalDecl()));
      return true;
    }
  } Fi(Ctx, RM.flowModel());
  Fi.TraverseDecl(Ctx.getTranslationUnitDecl());
  return std::move(Fi.Out);
}

/// `std::nullopt`, `nullptr`, `{}`, `false`, `0`: a helper's "no".
static bool isNoValue(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
    E = EWC->getSubExpr()->IgnoreParenImpCasts();
  while (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    if (CE->getNumArgs() == 0)
      return true;
    if (CE->getNumArgs() != 1)
      return false;
    E = CE->getArg(0)->IgnoreParenImpCasts();
    if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E))
      E = MT->getSubExpr()->IgnoreParenImpCasts();
  }
  if (isa<CXXNullPtrLiteralExpr>(E) || isa<GNUNullExpr>(E))
    return true;
  if (const auto *B = dyn_cast<CXXBoolLiteralExpr>(E))
    return !B->getValue();
  if (const auto *I = dyn_cast<IntegerLiteral>(E))
    return I->getValue() == 0;
  if (const auto *IL = dyn_cast<InitListExpr>(E))
    return IL->getNumInits() == 0;
  if (const auto *DR = dyn_cast<DeclRefExpr>(E))
    return DR->getDecl()->getName() == "nullopt";
  return false;
}

FunctionFlow::FunctionFlow(const FunctionDecl *FD, const RequestModel &RM, ASTContext &Ctx,
                           const FlowOptions &Opts, unsigned Depth,
                           std::map<const FunctionDecl *, std::shared_ptr<FunctionFlow>> *Cache,
                           bool Summary)
    : P(std::make_unique<Impl>(FD, RM, Ctx, Opts, Depth, Cache, Summary)) {
  P->run();
  Sinks = P->Sinks;
  for (auto &V : P->Vars)
    if (V.second.Principal && !isa<ParmVarDecl>(V.first) && V.first->getIdentifier() &&
        !V.first->isImplicit()) {
      if (!PrincipalVar || V.first->getLocation() < PrincipalVar->getLocation())
        PrincipalVar = V.first;
    }
  for (const auto &G : P->Guards)
    if (!G.Role && !G.Authenticates)
      GuardLike = true;
  if (Summary) {
    // A helper that checks the client's choice against the caller before
    // returning it (`activeBroker(ctx)`: the X-Broker-Id header, returned
    // only when the caller is a member of that broker) returns a verified
    // value: every return of client data is authorized as an access would be.
    bool Verified = false, Unverified = false;
    // A helper that checks a MAC of what the client sent (`ssoStaff(req)`:
    // X-SSO-User against X-SSO-Signature): what it answers after the check
    // is who the caller is.
    std::vector<Origin> Authenticated;
    for (const auto &G : P->Guards)
      if (G.Authenticates) {
        auto In = P->macCheck(G.E);
        Authenticated.insert(Authenticated.end(), In.begin(), In.end());
      }
    for (const ReturnStmt *R : P->Col.Returns) {
      const Expr *V = R->getRetValue();
      if (!V)
        continue;
      auto O = P->client(V);
      if (!O && P->principal(V))
        ReturnsPrincipal = true;
      // (What the helper's parameters give it, `prepare(d, …)`, is no
      // client data of the caller.)
      if ((!O || O->Param >= 0) && !Authenticated.empty() && !isNoValue(V)) {
        SinkUse U;
        U.Call = V;
        U.Value = V;
        U.From = Authenticated.front();
        U.Acc = flow::Access::Write;
        (P->authorized(U) ? Verified : Unverified) = true;
        continue;
      }
      if (!O || O->Param >= 0)
        continue;
      SinkUse U;
      U.Call = V;
      U.Value = V;
      U.From = *O;
      U.Acc = flow::Access::Write; // checked before it is handed out
      (P->authorized(U) ? Verified : Unverified) = true;
    }
    if (Verified && !Unverified)
      ReturnsPrincipal = true;
  }
}

FunctionFlow::~FunctionFlow() = default;

const Origin *FunctionFlow::clientOrigin(const Expr *E) const {
  static thread_local std::optional<Origin> Last;
  Last = P->client(E);
  return Last ? &*Last : nullptr;
}

bool FunctionFlow::isPrincipal(const Expr *E) const { return P->principal(E); }

std::vector<std::pair<const FieldDecl *, Origin>> FunctionFlow::thisFieldOrigins() const {
  std::vector<std::pair<const FieldDecl *, Origin>> Out;
  for (const auto &F : P->Fields)
    if (!F.first.first && F.second.Client)
      if (const auto *FD = dyn_cast<FieldDecl>(F.first.second))
        Out.emplace_back(FD, *F.second.Client);
  return Out;
}

bool FunctionFlow::isAuthorized(const SinkUse &S) const { return P->authorized(S); }

bool FunctionFlow::runsSql() const { return P->RunsSql; }
bool FunctionFlow::runsRedis() const { return P->RunsRedis; }

bool FunctionFlow::paramReachesReturn(unsigned I) const { return P->ParamsToReturn.count(I); }

std::string FunctionFlow::returnFieldOf(unsigned I) const {
  auto It = P->ReturnFields.find(I);
  return It == P->ReturnFields.end() ? std::string() : It->second;
}

const SinkUse *FunctionFlow::paramSink(unsigned I) const {
  for (const auto &S : Sinks)
    if (S.From.Param == static_cast<int>(I) && !P->authorized(S))
      return &S;
  return nullptr;
}

} // namespace prodready::ast

namespace prodready::ast {

ContextInfo contextFields(ASTContext &Ctx, const RequestModel &RM, const FlowOptions &Opts) {
  ContextInfo Out;
  // One store into a field of a user record: the field, the value, and the
  // handler body it is written in.
  struct Store {
    const FieldDecl *Field;
    const Expr *Value;
    const VarDecl *Base; ///< the record written to, when a variable
  };
  struct StoreFinder : RecursiveASTVisitor<StoreFinder> {
    ASTContext &Ctx;
    std::vector<Store> Stores;
    explicit StoreFinder(ASTContext &C) : Ctx(C) {}
    bool userField(const ValueDecl *D) const {
      const auto *F = dyn_cast_or_null<FieldDecl>(D);
      return F && !Ctx.getSourceManager().isInSystemHeader(F->getParent()->getLocation());
    }
    void lhs(const Expr *L, const Expr *V) {
      L = strip(L);
      // `ctx.query[k] = v`: the container field holds v.
      if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(L))
        if (OC->getOperator() == OO_Subscript && OC->getNumArgs() == 2)
          L = strip(OC->getArg(0));
      if (const auto *ME = dyn_cast<MemberExpr>(L))
        if (!isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()) && userField(ME->getMemberDecl()))
        {
          const auto *DR = dyn_cast<DeclRefExpr>(strip(ME->getBase()));
          Stores.push_back({cast<FieldDecl>(ME->getMemberDecl()), V,
                            DR ? dyn_cast<VarDecl>(DR->getDecl()) : nullptr});
        }
    }
    bool VisitBinaryOperator(BinaryOperator *B) {
      if (B->getOpcode() == BO_Assign)
        lhs(B->getLHS(), B->getRHS());
      return true;
    }
    bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *C) {
      if (C->getOperator() == OO_Equal && C->getNumArgs() == 2)
        lhs(C->getArg(0), C->getArg(1));
      return true;
    }
    /// Calls through a std::function, a function pointer or a member
    /// pointer: their arguments, the object first for a member pointer.
    std::vector<std::vector<const Expr *>> Indirect;
    bool VisitCallExpr(CallExpr *C) {
      const Expr *Callee = C->getCallee()->IgnoreParenImpCasts();
      if (const FunctionDecl *F = C->getDirectCallee();
          F && F->hasBody() && !Ctx.getSourceManager().isInSystemHeader(F->getLocation()))
        Direct.push_back(C);
      std::vector<const Expr *> Args;
      if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(C)) {
        const auto *M = dyn_cast_or_null<CXXMethodDecl>(OC->getDirectCallee());
        if (OC->getOperator() != OO_Call || !M ||
            !Ctx.getSourceManager().isInSystemHeader(M->getLocation()))
          return true;
        Args.assign(OC->arg_begin() + 1, OC->arg_end()); // std::function::operator()
      } else if (const auto *BO = dyn_cast<BinaryOperator>(Callee); BO && BO->isPtrMemOp()) {
        Args.push_back(BO->getLHS());
        Args.insert(Args.end(), C->arg_begin(), C->arg_end());
      } else if (!C->getDirectCallee() && !isa<CXXPseudoDestructorExpr>(Callee)) {
        Args.assign(C->arg_begin(), C->arg_end());
      } else {
        return true;
      }
      Indirect.push_back(std::move(Args));
      return true;
    }
    std::vector<const CallExpr *> Direct; // calls of user functions
    std::vector<const CXXMethodDecl *> ThisCalls; // methods called on `this`
    bool VisitCXXMemberCallExpr(CXXMemberCallExpr *C) {
      if (isa<CXXThisExpr>(C->getImplicitObjectArgument()->IgnoreParenImpCasts()))
        if (const CXXMethodDecl *M = C->getMethodDecl())
          ThisCalls.push_back(M);
      return true;
    }
    bool VisitVarDecl(VarDecl *V) {
      // `Ctx ctx{sql, *me, m, {}, json::parse(raw), res};`
      const auto *IL = V->getInit() ? dyn_cast<InitListExpr>(strip(V->getInit())) : nullptr;
      const auto *RD = V->getType()->getAsRecordDecl();
      if (!IL || !RD || Ctx.getSourceManager().isInSystemHeader(RD->getLocation()))
        return true;
      unsigned I = 0;
      for (const FieldDecl *F : RD->fields()) {
        if (I >= IL->getNumInits())
          break;
        Stores.push_back({F, IL->getInit(I++), V});
      }
      return true;
    }
  };
  struct Finder : RecursiveASTVisitor<Finder> {
    ASTContext &Ctx;
    const RequestModel &RM;
    const FlowOptions &Opts;
    ContextInfo &Out;
    std::set<const FunctionDecl *> Seen;
    Finder(ASTContext &C, const RequestModel &R, const FlowOptions &O, ContextInfo &I)
        : Ctx(C), RM(R), Opts(O), Out(I) {}
    bool TraverseDecl(Decl *D) {
      if (D && !isa<TranslationUnitDecl>(D) &&
          Ctx.getSourceManager().isInSystemHeader(D->getLocation()))
        return true;
      return RecursiveASTVisitor::TraverseDecl(D);
    }
    bool shouldVisitTemplateInstantiations() const { return true; }
    /// RM.handlerOf, once per function (it may scan the body for a
    /// request reader).
    std::map<const FunctionDecl *, std::optional<HandlerInfo>> Handlers;
    const std::optional<HandlerInfo> &handlerOf(const FunctionDecl *F) {
      auto It = Handlers.find(F);
      if (It == Handlers.end())
        It = Handlers.emplace(F, RM.handlerOf(F)).first;
      return It->second;
    }
    void handler(const FunctionDecl *F) {
      if (!F || !F->hasBody() || F->isDependentContext() || !Seen.insert(F).second)
        return;
      All.push_back(F);
      const auto &H = handlerOf(F);
      StoreFinder SF(Ctx);
      if (!H) {
        // A helper that sets who the caller is on a record it is given
        // (`resolve_session(ctx, token)`: `ctx.user_id = row[0]` of a session
        // lookup by token): those fields hold the principal.
        bool IntoParam = false;
        SF.TraverseStmt(F->getBody());
        for (const Store &S : SF.Stores)
          IntoParam = IntoParam || isa_and_nonnull<ParmVarDecl>(S.Base);
        if (!IntoParam)
          return;
        FunctionFlow Flow(F, RM, Ctx, Opts, 0, nullptr, /*Summary=*/true);
        for (const Store &S : SF.Stores)
          if (isa_and_nonnull<ParmVarDecl>(S.Base) && Flow.isPrincipal(S.Value)) {
            const Origin *O = Flow.clientOrigin(S.Value);
            if (!O || O->Param >= 0)
              HelperPrincipal.insert(S.Field);
          }
        return;
      }
      SF.TraverseStmt(F->getBody());
      // A handler method handing over to another handler method of its
      // object (`handle(req, resp, *me)`, overridden by each route class).
      std::vector<const CXXMethodDecl *> HandsOver;
      if (isa<CXXMethodDecl>(F))
        for (const CXXMethodDecl *M : SF.ThisCalls)
          if (M != F && handlerOf(M))
            HandsOver.push_back(cast<CXXMethodDecl>(M->getCanonicalDecl()));
      std::vector<const CallExpr *> HandlerCalls; // other handlers called directly
      for (const CallExpr *C : SF.Direct)
        if (C->getDirectCallee() != F && handlerOf(C->getDirectCallee()))
          HandlerCalls.push_back(C);
      if (SF.Stores.empty() && HandsOver.empty() && SF.Indirect.empty() && HandlerCalls.empty())
        return;
      FunctionFlow Flow(F, RM, Ctx, Opts);
      for (const CallExpr *C : HandlerCalls) {
        const FunctionDecl *G = C->getDirectCallee()->getCanonicalDecl();
        unsigned Shift = isa<CXXOperatorCallExpr>(C) && isa<CXXMethodDecl>(G) ? 1 : 0;
        for (unsigned I = 0; I + Shift < C->getNumArgs() && I < G->getNumParams(); ++I) {
          const Expr *A = C->getArg(I + Shift);
          bool Pr = !Flow.clientOrigin(A) && Flow.isPrincipal(A);
          (Pr ? PassesPrincipal : PassesOther).insert({G, I});
        }
      }
      for (const auto &Args : SF.Indirect)
        IndirectCalls.push_back(
            {&Args, std::make_shared<std::vector<std::pair<std::optional<Origin>, bool>>>(),
             H->Spec});
      for (size_t K = IndirectCalls.size() - SF.Indirect.size(); K < IndirectCalls.size(); ++K)
        for (const Expr *A : *IndirectCalls[K].Args) {
          const Origin *O = Flow.clientOrigin(A);
          IndirectCalls[K].Values->push_back({O ? std::optional<Origin>(*O) : std::nullopt,
                                              !O && Flow.isPrincipal(A)});
        }
      Keep.push_back(std::move(SF.Indirect));
      if (!HandsOver.empty()) {
        bool Any = false;
        auto Add = [&](const std::vector<std::pair<const FieldDecl *, Origin>> &Origins) {
          for (auto &[Field, O] : Origins)
            if (!Out.ThisFields.count(Field)) {
              Origin C = O;
              C.Hops.clear();
              Out.ThisFields.emplace(Field, C);
              Any = true;
            }
        };
        auto Own = Flow.thisFieldOrigins();
        Add(Own);
        // Members its helper methods set from those (`match(prefix)`
        // parsing `path_` into `id_`).
        FlowOptions Sub = Opts;
        for (auto &[Field, O] : Own)
          Sub.ThisFields[Field] = O;
        std::set<const FunctionDecl *> Done; // `match(...)` is called once per route
        if (!Sub.ThisFields.empty())
          for (const CXXMethodDecl *M : SF.ThisCalls) {
            const FunctionDecl *Def = nullptr;
            if (M == F || handlerOf(M) || !M->hasBody(Def) || !Def || Def->isDependentContext() ||
                !isUserCode(Def, Ctx) || !Done.insert(Def).second)
              continue;
            Add(FunctionFlow(Def, RM, Ctx, Sub, 1, nullptr, /*Summary=*/false).thisFieldOrigins());
          }
        if (Any)
          Out.Dispatched.insert(HandsOver.begin(), HandsOver.end());
      }
      for (const Store &S : SF.Stores) {
        auto &CF = Out.Fields[S.Field];
        const Origin *O = Flow.clientOrigin(S.Value);
        if (O && !CF.Client) {
          CF.Client = *O;
          CF.Client->Hops.clear();
          CF.Spec = H->Spec;
        }
        if (!O && Flow.isPrincipal(S.Value))
          CF.Principal = true;
      }
    }
    bool VisitFunctionDecl(FunctionDecl *F) {
      handler(F);
      return true;
    }
    bool VisitLambdaExpr(LambdaExpr *L) {
      handler(L->getCallOperator());
      // A lambda handed to a wrapper (`withKey([](req, res, const Principal &p) {…})`)
      // is called through the std::function the wrapper keeps.
      if (L->getCallOperator()->getNumParams() > 0)
        Lambdas.push_back(L->getCallOperator());
      return true;
    }
    bool VisitCallExpr(CallExpr *C) {
      if (const FunctionDecl *F = C->getDirectCallee())
        Out.Called.insert(F->getCanonicalDecl());
      Callees.insert(C->getCallee()->IgnoreParenImpCasts());
      return true;
    }
    // Functions whose address is taken (`&Api::getRequest`, `on_get` decayed
    // to a pointer): candidates for the indirect calls.
    std::set<const Expr *> Callees;
    std::vector<std::pair<const DeclRefExpr *, const FunctionDecl *>> Taken;
    std::vector<const FunctionDecl *> Lambdas; // call operators
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (const auto *F = dyn_cast<FunctionDecl>(D->getDecl()))
        if (F->hasBody() && !Ctx.getSourceManager().isInSystemHeader(F->getLocation()))
          Taken.push_back({D, F});
      return true;
    }
    struct IndirectCall {
      const std::vector<const Expr *> *Args;
      std::shared_ptr<std::vector<std::pair<std::optional<Origin>, bool>>> Values;
      const flow::HandlerSpec *Spec;
    };
    std::set<std::pair<const FunctionDecl *, unsigned>> PassesPrincipal, PassesOther;
    std::vector<const FunctionDecl *> All; // user functions and lambdas with a body
    std::set<const FieldDecl *> HelperPrincipal; // see handler()
    std::vector<IndirectCall> IndirectCalls;
    std::vector<std::vector<std::vector<const Expr *>>> Keep;
  } Fi(Ctx, RM, Opts, Out);
  Fi.TraverseDecl(Ctx.getTranslationUnitDecl());

  // Match each indirect call with the address-taken functions of the same
  // shape: as many parameters as arguments (a member pointer takes the
  // object first) and the same types.
  auto Same = [](QualType P, QualType A) {
    auto Norm = [](QualType T) {
      return T.getNonReferenceType().getCanonicalType().getUnqualifiedType();
    };
    return Norm(P) == Norm(A);
  };
  std::set<const FunctionDecl *> Targets;
  for (const auto &[D, F] : Fi.Taken)
    if (!Fi.Callees.count(D))
      Targets.insert(F->getCanonicalDecl());
  for (const FunctionDecl *F : Fi.Lambdas)
    Targets.insert(F->getCanonicalDecl());
  for (const auto &IC : Fi.IndirectCalls) {
    const auto &Args = *IC.Args;
    for (const FunctionDecl *F : Targets) {
      const FunctionDecl *Def = nullptr;
      if (!F->hasBody(Def) || !Def)
        continue;
      unsigned Shift = 0;
      if (const auto *M = dyn_cast<CXXMethodDecl>(Def);
          M && !M->isStatic() && !M->getParent()->isLambda()) {
        if (Args.empty())
          continue;
        QualType Obj = Args[0]->getType();
        if (Obj->isPointerType())
          Obj = Obj->getPointeeType();
        const auto *RD = Obj->getAsCXXRecordDecl();
        if (!RD || !RD->hasDefinition() ||
            !(RD->getCanonicalDecl() == M->getParent()->getCanonicalDecl() ||
              RD->isDerivedFrom(M->getParent())))
          continue;
        Shift = 1;
      }
      if (Args.size() != Def->getNumParams() + Shift)
        continue;
      bool Match = true;
      for (unsigned I = 0; I < Def->getNumParams() && Match; ++I)
        Match = Same(Def->getParamDecl(I)->getType(), Args[I + Shift]->getType());
      if (!Match)
        continue;
      const auto &H = Fi.handlerOf(Def);
      for (unsigned I = 0; I < Def->getNumParams(); ++I) {
        if (H && Def->getParamDecl(I) == H->RequestParam)
          continue;
        const auto &[O, Pr] = (*IC.Values)[I + Shift];
        auto &CF = Out.Params[{F, I}];
        if (O && !CF.Client) {
          CF.Client = *O;
          CF.Client->Hops.clear();
          CF.Spec = IC.Spec;
        }
        CF.Principal = CF.Principal || Pr;
      }
    }
  }
  for (auto &P : Out.Params)
    if (P.second.Client)
      P.second.Principal = false;
  for (const auto &P : Fi.PassesPrincipal)
    if (!Fi.PassesOther.count(P))
      Out.PrincipalParams.insert(P);
  for (const FieldDecl *F : Fi.HelperPrincipal)
    Out.Fields[F].Principal = true;
  // A field written with client data somewhere is not the principal.
  for (auto &F : Out.Fields) {
    if (F.second.Client)
      F.second.Principal = false;
    // The principal's own type (`Principal p; p.fleet_id = row[1];` in the
    // session lookup) is no context: its values are the caller.
    const auto *RD = cast<RecordDecl>(F.first->getParent()->getCanonicalDecl());
    if (!Opts.PrincipalTypes.count(RD))
      Out.Records.insert(RD);
  }

  // Entries: functions that are no handlers but start from client data.
  // Predicates (`bool can_edit(Ctx &)`) are guards their callers use, not
  // routes.
  for (const FunctionDecl *F : Fi.All) {
    if (Fi.handlerOf(F) || F->getReturnType()->isBooleanType())
      continue;
    const flow::HandlerSpec *Spec = nullptr;
    for (unsigned I = 0; I < F->getNumParams() && !Spec; ++I) {
      if (const RecordDecl *RD = contextRecord(F->getParamDecl(I)->getType(), Out))
        for (const FieldDecl *Fd : RD->fields()) {
          auto It = Out.Fields.find(Fd);
          if (It != Out.Fields.end() && It->second.Client && It->second.Spec) {
            Spec = It->second.Spec;
            break;
          }
        }
      if (!Spec && !Out.Called.count(F->getCanonicalDecl())) {
        auto It = Out.Params.find({F->getCanonicalDecl(), I});
        if (It != Out.Params.end() && It->second.Client)
          Spec = It->second.Spec;
      }
    }
    if (Spec)
      Out.Entries.emplace(F->getCanonicalDecl(), std::make_pair(F, Spec));
  }
  return Out;
}

/// The record \p T is (through references and pointers) when handlers fill
/// some of its fields from the request.
static const RecordDecl *contextRecord(QualType T, const ContextInfo &CI) {
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  const auto *RD = T->getAsRecordDecl();
  if (!RD || !CI.Records.count(cast<RecordDecl>(RD->getCanonicalDecl())))
    return nullptr;
  return RD;
}

bool ContextInfo::entryParam(const FunctionDecl *F, unsigned I) const {
  if (!F || I >= F->getNumParams() || !Entries.count(F->getCanonicalDecl()))
    return false;
  return contextRecord(F->getParamDecl(I)->getType(), *this) != nullptr;
}

} // namespace prodready::ast

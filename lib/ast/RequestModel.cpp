//===- RequestModel.cpp - HTTP handlers and client-controlled sources -----===//
#include "lib/ast/RequestModel.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/AST/PrettyPrinter.h"

#include <algorithm>
#include <cctype>

using namespace clang;

namespace prodready::ast {

std::string qualifiedName(const NamedDecl *D) {
  if (!D)
    return {};
  // `operator<<`, `operator,`: the name's own '<' are no template brackets.
  if (const auto *F = dyn_cast<FunctionDecl>(D); F && F->isOverloadedOperator()) {
    std::string Name = F->getNameAsString();
    if (const auto *P = dyn_cast<NamedDecl>(F->getDeclContext()))
      return qualifiedName(P) + "::" + Name;
    return Name;
  }
  std::string S;
  llvm::raw_string_ostream OS(S);
  PrintingPolicy P(D->getASTContext().getLangOpts());
  P.SuppressInlineNamespace = true;
  P.SuppressUnwrittenScope = true;
  D->printQualifiedName(OS, P);
  OS.flush();
  // Template arguments of an enclosing specialization are not part of the
  // names used in model files.
  std::string Out;
  int Depth = 0;
  for (char C : S) {
    if (C == '<')
      ++Depth;
    else if (C == '>')
      --Depth;
    else if (Depth == 0)
      Out += C;
  }
  return Out;
}

static const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  T = T.getCanonicalType().getUnqualifiedType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  // std::shared_ptr<drogon::HttpRequest> (HttpRequestPtr), unique_ptr: the pointee.
  if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD)) {
    std::string N = Spec->getSpecializedTemplate()->getQualifiedNameAsString();
    if ((N == "std::shared_ptr" || N == "std::unique_ptr") && Spec->getTemplateArgs().size() > 0 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
      return recordOf(Spec->getTemplateArgs()[0].getAsType());
  }
  if (RD)
    return RD->getDefinition() ? RD->getDefinition() : RD;
  return nullptr;
}

static const RecordDecl *plainRecordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  T = T.getCanonicalType().getUnqualifiedType();
  if (const auto *RT = T->getAs<RecordType>())
    return RT->getDecl();
  return nullptr;
}

bool isOrDerivesFrom(const CXXRecordDecl *RD, llvm::StringRef Name) {
  if (!RD)
    return false;
  Name.consume_front("::");
  if (qualifiedName(RD) == Name)
    return true;
  // Templates: compare the template's name.
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (qualifiedName(Spec->getSpecializedTemplate()) == Name)
      return true;
  if (!RD->hasDefinition())
    return false;
  for (const auto &B : RD->getDefinition()->bases())
    if (isOrDerivesFrom(recordOf(B.getType()), Name))
      return true;
  return false;
}

static bool typeMatches(QualType T, llvm::StringRef Name) {
  if (const auto *RD = recordOf(T))
    return isOrDerivesFrom(RD, Name);
  if (const auto *R = plainRecordOf(T)) { // C structs (CivetWeb)
    Name.consume_front("::");
    return qualifiedName(R) == Name;
  }
  return false;
}

std::shared_ptr<const RequestModel> RequestModel::get(const model::Model &M,
                                                      std::vector<model::ModelError> &Errors) {
  // Model::derive holds its lock while building: get the flow model first
  // (a nested derive would deadlock).
  auto FM = flow::FlowModel::get(M, Errors);
  std::vector<model::ModelError> Unused;
  return M.derive<RequestModel>(
      "prodready.request-model",
      [FM](const model::Model &, std::vector<model::ModelError> &) {
        return std::make_shared<RequestModel>(FM);
      },
      Unused);
}

/// The specialization of template \p Name that \p RD is or derives from.
static const ClassTemplateSpecializationDecl *specializationOf(const CXXRecordDecl *RD,
                                                               llvm::StringRef Name,
                                                               int Depth = 0) {
  if (!RD || Depth > 8)
    return nullptr;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (qualifiedName(Spec->getSpecializedTemplate()) == Name)
      return Spec;
  if (!RD->hasDefinition())
    return nullptr;
  for (const auto &B : RD->getDefinition()->bases())
    if (const auto *S = specializationOf(recordOf(B.getType()), Name, Depth + 1))
      return S;
  return nullptr;
}

/// True when the leading template arguments of the specialization of
/// \p Name that \p T is print as \p Want ("true" for message<true, ...>).
static bool templateArgsMatch(QualType T, llvm::StringRef Name,
                              const std::vector<std::string> &Want) {
  if (Want.empty())
    return true;
  Name.consume_front("::");
  const auto *Spec = specializationOf(recordOf(T), Name);
  if (!Spec)
    return false;
  const auto &Args = Spec->getTemplateArgs();
  if (Args.size() < Want.size())
    return false;
  PrintingPolicy P(Spec->getASTContext().getLangOpts());
  for (size_t I = 0; I < Want.size(); ++I) {
    std::string S;
    llvm::raw_string_ostream OS(S);
    Args[I].print(P, OS, /*IncludeType=*/false);
    OS.flush();
    if (S != Want[I])
      return false;
  }
  return true;
}

const flow::HandlerSpec *RequestModel::handlerSpecFor(QualType T) const {
  for (const auto &H : FM->Handlers)
    if (H.Enabled && typeMatches(T, H.RequestType) &&
        templateArgsMatch(T, H.RequestType, H.TemplateArgs))
      return &H;
  return nullptr;
}

bool RequestModel::isRequestType(QualType T) const { return handlerSpecFor(T) != nullptr; }

/// A function that reads a request from the network into a local
/// (`http::request<...> req; http::read(sock, buf, req, ec);`): the local is
/// its request. Only the readers listed in the model count, so a client that
/// builds a request to send is no handler.
bool RequestModel::readRequest(const FunctionDecl *FD, HandlerInfo &H) const {
  if (!FD->hasBody() || !FD->getBody())
    return false;
  if (!FM->AnyReaders ||
      FD->getASTContext().getSourceManager().isInSystemHeader(FD->getLocation()))
    return false;
  struct Finder : RecursiveASTVisitor<Finder> {
    const RequestModel &RM;
    HandlerInfo &H;
    Finder(const RequestModel &R, HandlerInfo &I) : RM(R), H(I) {}
    bool TraverseLambdaExpr(LambdaExpr *) { return true; } // its own function
    bool VisitCallExpr(CallExpr *C) {
      const FunctionDecl *Callee = C->getDirectCallee();
      if (!Callee || H.Spec)
        return true;
      std::string Name;
      for (const Expr *A : C->arguments()) {
        const auto *DR = dyn_cast<DeclRefExpr>(A->IgnoreParenImpCasts());
        const auto *V = DR ? dyn_cast<VarDecl>(DR->getDecl()) : nullptr;
        if (!V || !V->isLocalVarDecl())
          continue;
        const flow::HandlerSpec *S = RM.handlerSpecFor(V->getType());
        if (!S || S->Readers.empty())
          continue;
        if (Name.empty())
          Name = qualifiedName(Callee);
        if (std::find(S->Readers.begin(), S->Readers.end(), Name) != S->Readers.end()) {
          H.Spec = S;
          H.RequestVar = V;
          return false;
        }
      }
      return true;
    }
  } F(*this, H);
  F.TraverseStmt(FD->getBody());
  return H.Spec != nullptr;
}

std::optional<HandlerInfo> RequestModel::handlerOf(const FunctionDecl *FD) const {
  if (!FD)
    return std::nullopt;
  HandlerInfo H;
  H.Function = FD;
  for (const ParmVarDecl *P : FD->parameters()) {
    if (!H.Spec)
      if (const auto *S = handlerSpecFor(P->getType())) {
        H.Spec = S;
        H.RequestParam = P;
        continue;
      }
  }
  if (!H.Spec && !readRequest(FD, H))
    return std::nullopt;
  if (!H.Spec->ResponseType.empty())
    for (const ParmVarDecl *P : FD->parameters())
      if (P != H.RequestParam && typeMatches(P->getType(), H.Spec->ResponseType))
        H.ResponseParam = P;
  return H;
}

/// The function a handler expression denotes: a lambda, a function name, a
/// member pointer (possibly inside bind(...)).
static const FunctionDecl *handlerFunctionOf(const Expr *E, int Depth = 0) {
  if (!E || Depth > 6)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *L = dyn_cast<LambdaExpr>(E))
    return L->getCallOperator();
  if (const auto *DR = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<FunctionDecl>(DR->getDecl());
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return handlerFunctionOf(UO->getSubExpr(), Depth + 1);
  if (const auto *C = dyn_cast<CXXConstructExpr>(E)) {
    for (const Expr *A : C->arguments())
      if (const auto *F = handlerFunctionOf(A, Depth + 1))
        return F;
    return nullptr;
  }
  if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(E))
    return handlerFunctionOf(MTE->getSubExpr(), Depth + 1);
  if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
    return handlerFunctionOf(BT->getSubExpr(), Depth + 1);
  if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
    return handlerFunctionOf(FC->getSubExpr(), Depth + 1);
  if (const auto *C = dyn_cast<CallExpr>(E)) // Routes::bind(&C::m, this), std::bind
    for (const Expr *A : C->arguments())
      if (const auto *F = handlerFunctionOf(A, Depth + 1))
        return F;
  return nullptr;
}

/// "Post" / "kPost" / "Delete" enumerator -> "POST" / "DELETE".
static std::string methodName(llvm::StringRef Enumerator) {
  static const char *const Known[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  std::string U = Enumerator.upper();
  if (U.size() > 1 && U[0] == 'K' && std::isupper(static_cast<unsigned char>(Enumerator[1])))
    U.erase(0, 1);
  for (const char *K : Known)
    if (U == K)
      return U;
  return {};
}

/// HTTP methods (enumerators) and filter names (string literals) of a
/// Drogon-style constraint list `{Get, "AuthFilter"}`.
void RequestModel::readConstraints(const Expr *E, RouteInfo &Info) {
  struct V : RecursiveASTVisitor<V> {
    RouteInfo &Info;
    explicit V(RouteInfo &I) : Info(I) {}
    bool shouldVisitImplicitCode() const { return true; }
    bool VisitDeclRefExpr(DeclRefExpr *D) {
      if (const auto *EC = dyn_cast<EnumConstantDecl>(D->getDecl())) {
        std::string M = methodName(EC->getName());
        if (!M.empty() && ("|" + Info.Method + "|").find("|" + M + "|") == std::string::npos)
          Info.Method = Info.Method.empty() ? M : Info.Method + "|" + M;
      }
      return true;
    }
    // (InitListExprs are visited in both forms: keep each name once.)
    bool VisitStringLiteral(StringLiteral *S) {
      if (S->getCharByteWidth() == 1 &&
          std::find(Info.Filters.begin(), Info.Filters.end(), S->getString()) == Info.Filters.end())
        Info.Filters.push_back(S->getString().str());
      return true;
    }
  } Vis(Info);
  Info.Method.clear();
  Vis.TraverseStmt(const_cast<Expr *>(E));
}

/// Crow: `app.route("/x")` returns a rule; `.methods(HTTPMethod::Post)` may be
/// chained on it, and the handler is the argument of the final `(...)` call.
void RequestModel::chainedHandler(const CallExpr *Call, RouteInfo &Info,
                                  const FunctionDecl **Handler) {
  ASTContext &Ctx = Call->getDirectCallee()->getASTContext();
  const Stmt *Cur = Call;
  bool MethodsSeen = false;
  for (int I = 0; I < 12; ++I) {
    auto Parents = Ctx.getParents(*Cur);
    if (Parents.empty())
      return;
    const auto *P = Parents[0].get<Stmt>();
    if (!P)
      return;
    if (const auto *PC = dyn_cast<CallExpr>(P)) {
      for (unsigned A = 0; A < PC->getNumArgs(); ++A) {
        const Expr *Arg = PC->getArg(A);
        if (Arg == Cur || Arg->IgnoreImplicit() == Cur)
          continue;
        if (const auto *F = handlerFunctionOf(Arg)) {
          if (Handler)
            *Handler = F;
          return;
        }
        // `.methods(crow::HTTPMethod::Post, ...)`
        if (const auto *DR = dyn_cast<DeclRefExpr>(Arg->IgnoreParenImpCasts()))
          if (const auto *EC = dyn_cast<EnumConstantDecl>(DR->getDecl())) {
            std::string M = methodName(EC->getName());
            if (!M.empty()) {
              Info.Method = MethodsSeen ? Info.Method + "|" + M : M;
              MethodsSeen = true;
            }
          }
      }
    }
    Cur = P;
  }
}

std::optional<RouteInfo> RequestModel::routeOf(const CallExpr *Call,
                                               const FunctionDecl **Handler) const {
  if (Handler)
    *Handler = nullptr;
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee)
    return std::nullopt;
  std::string Name = qualifiedName(Callee);
  // Member operator calls count the object as argument 0.
  unsigned Shift = isa<CXXOperatorCallExpr>(Call) ? 1 : 0;
  for (const auto &R : FM->Routes) {
    if (R.Function != Name)
      continue;
    RouteInfo Info;
    Info.Method = R.Method;
    Info.Call = Call;
    Info.Middleware = R.Middleware;
    Info.Framework = R.Framework;
    unsigned N = Call->getNumArgs() - Shift;
    if (R.RouteArg >= 0 && static_cast<unsigned>(R.RouteArg) < N)
      if (const auto *SL = dyn_cast<StringLiteral>(
              Call->getArg(R.RouteArg + Shift)->IgnoreParenImpCasts()))
        if (SL->getCharByteWidth() == 1)
          Info.Path = SL->getString().str();
    if (Info.Path.empty() && R.RouteArg >= 0 && static_cast<unsigned>(R.RouteArg) < N) {
      // std::string / implicit constructions around the literal.
      const Expr *A = Call->getArg(R.RouteArg + Shift);
      for (int I = 0; I < 4 && A; ++I) {
        A = A->IgnoreImplicit();
        if (const auto *SL = dyn_cast<StringLiteral>(A)) {
          Info.Path = SL->getString().str();
          break;
        }
        if (const auto *CE = dyn_cast<CXXConstructExpr>(A))
          A = CE->getNumArgs() ? CE->getArg(0) : nullptr;
        else
          break;
      }
    }
    if (R.ConstraintsArg >= 0 && static_cast<unsigned>(R.ConstraintsArg) < N)
      readConstraints(Call->getArg(R.ConstraintsArg + Shift), Info);
    if (R.HandlerChained) {
      chainedHandler(Call, Info, Handler);
    } else if (Handler && N > 0) {
      int H = R.HandlerArg >= 0 ? R.HandlerArg : static_cast<int>(N) - 1;
      if (static_cast<unsigned>(H) < N)
        *Handler = handlerFunctionOf(Call->getArg(H + Shift));
    }
    return Info;
  }
  return std::nullopt;
}

static std::string keyFromArg(const Expr *A) {
  for (int I = 0; I < 5 && A; ++I) {
    A = A->IgnoreImplicit()->IgnoreParens();
    if (const auto *SL = dyn_cast<StringLiteral>(A))
      return SL->getCharByteWidth() == 1 ? SL->getString().str() : std::string();
    if (const auto *CE = dyn_cast<CXXConstructExpr>(A))
      A = CE->getNumArgs() ? CE->getArg(0) : nullptr;
    else if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(A))
      A = MTE->getSubExpr();
    else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(A))
      A = BT->getSubExpr();
    else
      break;
  }
  return {};
}

std::optional<RequestSource> RequestModel::sourceOf(const Expr *E) const {
  if (!E)
    return std::nullopt;
  E = E->IgnoreParenImpCasts();
  // Member call: req.get_param_value("id"), request.param(":id")...
  const Expr *Base = nullptr;
  const NamedDecl *Member = nullptr;
  const CallExpr *Call = nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    Call = MC;
    Member = MC->getMethodDecl();
    Base = MC->getImplicitObjectArgument();
  } else if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    Member = ME->getMemberDecl();
    Base = ME->getBase();
  } else if (const auto *CE = dyn_cast<CallExpr>(E)) {
    const FunctionDecl *F = CE->getDirectCallee();
    if (!F)
      return std::nullopt;
    std::string Q = qualifiedName(F);
    for (const auto &S : FM->Sources) {
      if (S.Function.empty() || S.Function != Q)
        continue;
      RequestSource R;
      R.Kind = S.Kind;
      R.Spec = &S;
      if (S.KeyArg >= 0 && static_cast<unsigned>(S.KeyArg) < CE->getNumArgs()) {
        R.KeyExpr = CE->getArg(S.KeyArg);
        R.Key = keyFromArg(R.KeyExpr);
      }
      return R;
    }
    return std::nullopt;
  }
  if (!Base || !Member)
    return std::nullopt;
  llvm::StringRef Name = Member->getName();
  if (Name.empty())
    return std::nullopt;
  // The object's own type, not the base class the member lives in
  // (HTMLForm, not NameValueCollection, for `form.get("id")`).
  QualType BT = Base->IgnoreImpCasts()->getType();
  for (const auto &S : FM->Sources) {
    if (S.Member.empty() || S.Member != Name)
      continue;
    if (!typeMatches(BT, S.Type))
      continue;
    RequestSource R;
    R.Kind = S.Kind;
    R.Spec = &S;
    if (Call && S.KeyArg >= 0 && static_cast<unsigned>(S.KeyArg) < Call->getNumArgs()) {
      R.KeyExpr = Call->getArg(S.KeyArg);
      R.Key = keyFromArg(R.KeyExpr);
    }
    if (!R.Key.empty() && R.Key[0] == ':')
      R.Key.erase(0, 1);
    return R;
  }
  return std::nullopt;
}

} // namespace prodready::ast

//===- TrustedClientIdCheck.cpp - prodready-trusted-client-id ------------===//
//
// What it matches: every function or lambda that takes a framework request
// type (request-handlers in web.json), and the calls that register routes
// (for "GET /docs/:id" in messages and PublicRoutes).
// What it asks lib/: ast::FunctionFlow for the object accesses keyed by
// client data and whether a guard holds on every path.
// What it says: one warning per unauthorized access, notes at the source and
// each hop, a fix-it note with a framework-aware guard (AuthorizationFunction).
//
//===----------------------------------------------------------------------===//
#include "checks/TrustedClientIdCheck.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace prodready {

static const char DefaultPublicRoutes[] =
    "^(/api)?(/v[0-9]+)?/(public|static|assets|health|healthz|ready|readyz|livez|status|metrics|login|logout|"
    "signup|register|favicon\\.ico)(/|$)";

TrustedClientIdCheck::TrustedClientIdCheck(llvm::StringRef Name,
                                           tidy::ClangTidyContext *Context)
    : ProdReadyCheck(Name, Context),
      AuthorizationFunction(Options.get("AuthorizationFunction", "")),
      PrincipalExpression(Options.get("PrincipalExpression", "")),
      TrustedIdentityHeaders(Options.get("TrustedIdentityHeaders", "")),
      PublicRoutes(Options.get("PublicRoutes", DefaultPublicRoutes)),
      AuthorizationFilters(Options.get("AuthorizationFilters", "")),
      MaxHelperDepth(Options.get("MaxHelperDepth", 2U)) {
  for (const std::string &F : splitOptionList(AuthorizationFilters)) {
    llvm::StringRef P = F;
    auto Pos = P.rfind("::");
    if (Pos != llvm::StringRef::npos)
      P = P.substr(Pos + 2);
    if (!P.empty())
      AuthFilterNames.push_back(P.str());
  }
  for (const std::string &H : splitOptionList(TrustedIdentityHeaders))
    TrustedIdentityKeys.push_back(flow::normaliseKey(H));
  if (!PublicRoutes.empty()) {
    try {
      PublicRoutesRe.emplace(PublicRoutes, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error &) {
      configurationDiag("invalid regular expression in %0.PublicRoutes: '%1'")
          << Name << PublicRoutes;
    }
  }
}

void TrustedClientIdCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "AuthorizationFunction", AuthorizationFunction);
  Options.store(Opts, "PrincipalExpression", PrincipalExpression);
  Options.store(Opts, "TrustedIdentityHeaders", TrustedIdentityHeaders);
  Options.store(Opts, "PublicRoutes", PublicRoutes);
  Options.store(Opts, "AuthorizationFilters", AuthorizationFilters);
  Options.store(Opts, "MaxHelperDepth", MaxHelperDepth);
}

void TrustedClientIdCheck::registerMatchers(MatchFinder *Finder) {
  std::vector<model::ModelError> Errors;
  RM = ast::RequestModel::get(model(), Errors);
  reportModelErrors(Errors);
  Finder->addMatcher(functionDecl(isDefinition(), unless(isImplicit()),
                                  unless(cxxMethodDecl(ofClass(isLambda()))))
                         .bind("fn"),
                     this);
  Finder->addMatcher(lambdaExpr().bind("lambda"), this);
  std::vector<std::string> RouteFns;
  // By unqualified name: members of class template specializations
  // (drogon::HttpController<C>::registerMethod) do not match a qualified
  // hasName; routeOf compares the qualified name without template arguments.
  for (const auto &R : RM->flowModel().Routes) {
    auto Pos = R.Function.rfind("::");
    RouteFns.push_back(Pos == std::string::npos ? R.Function : R.Function.substr(Pos + 2));
  }
  std::vector<llvm::StringRef> Refs(RouteFns.begin(), RouteFns.end());
  if (!Refs.empty())
    Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(Refs)))).bind("route"), this);
}

void TrustedClientIdCheck::check(const MatchFinder::MatchResult &Result) {
  Ctx = Result.Context;
  const SourceManager &SM = *Result.SourceManager;
  const FunctionDecl *FD = Result.Nodes.getNodeAs<FunctionDecl>("fn");
  if (const auto *L = Result.Nodes.getNodeAs<LambdaExpr>("lambda"))
    FD = L->getCallOperator();
  if (FD) {
    if (SM.isInSystemHeader(FD->getLocation()) || FD->isDependentContext() || !FD->hasBody())
      return;
    // Template handlers (Beast's examples are templates over the body type)
    // are analysed on their first instantiation: the pattern's body is
    // dependent, the instantiation's has the real types.
    if (FD->isTemplateInstantiation()) {
      const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern();
      if (!Pattern || !AnalysedTemplates.insert(Pattern->getCanonicalDecl()).second)
        return;
    }
    if (auto H = RM->handlerOf(FD))
      Handlers.push_back(*H);
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("route")) {
    if (SM.isInSystemHeader(Call->getBeginLoc()))
      return;
    const FunctionDecl *H = nullptr;
    if (auto R = RM->routeOf(Call, &H)) {
      if (R->Middleware) {
        // Middleware that calls a configured authorization filter.
        if (H && H->hasBody() && !AuthFilterNames.empty()) {
          struct Finder : RecursiveASTVisitor<Finder> {
            const TrustedClientIdCheck &Self;
            bool Found = false;
            explicit Finder(const TrustedClientIdCheck &S) : Self(S) {}
            bool VisitCallExpr(CallExpr *C) {
              if (const auto *F = C->getDirectCallee())
                if (F->getIdentifier() && Self.isAuthorizationFilter(F->getName()))
                  Found = true;
              return true;
            }
          } Fi(*this);
          Fi.TraverseStmt(H->getBody());
          if (Fi.Found)
            FilteredFrameworks.insert(R->Framework);
        }
      } else if (H) {
        Routes[H->getCanonicalDecl()] = *R;
      }
    }
  }
}

bool TrustedClientIdCheck::isAuthorizationFilter(llvm::StringRef Name) const {
  auto Pos = Name.rfind("::");
  if (Pos != llvm::StringRef::npos)
    Name = Name.substr(Pos + 2);
  for (const auto &F : AuthFilterNames)
    if (Name == F)
      return true;
  return false;
}

ast::FlowOptions TrustedClientIdCheck::flowOptions() const {
  ast::FlowOptions FO;
  FO.MaxHelperDepth = MaxHelperDepth;
  FO.TrustedIdentityHeaders = TrustedIdentityKeys;
  FO.PrincipalTypes = PrincipalTypes;
  return FO;
}

void TrustedClientIdCheck::onEndOfTranslationUnit() {
  if (Ctx && !Handlers.empty()) {
    PrincipalTypes = ast::principalTypes(*Ctx, *RM);
    Contexts = ast::contextFields(*Ctx, *RM, flowOptions());
    // Route functions fed a context or a dispatcher's arguments; all in
    // source order, so that findings come out in that order (the compiler
    // plugin prints them as they come).
    for (const auto &[Canon, E] : Contexts.Entries) {
      ast::HandlerInfo H;
      H.Function = E.first;
      H.Spec = E.second;
      Handlers.push_back(H);
    }
    const SourceManager &SM = Ctx->getSourceManager();
    std::stable_sort(Handlers.begin(), Handlers.end(), [&](const auto &A, const auto &B) {
      return SM.isBeforeInTranslationUnit(A.Function->getBeginLoc(), B.Function->getBeginLoc());
    });
    for (const auto &H : Handlers)
      analyseHandler(H, *Ctx);
  }
  Contexts = ast::ContextInfo();
  PrincipalTypes.clear();
  Handlers.clear();
  Routes.clear();
  FilteredFrameworks.clear();
  AnalysedTemplates.clear();
  Ctx = nullptr;
}

void TrustedClientIdCheck::analyseHandler(const ast::HandlerInfo &H, ASTContext &C) {
  if (hasProdReadyAnnotation(H.Function, "public"))
    return;
  auto RIt = Routes.find(H.Function->getCanonicalDecl());
  if (RIt != Routes.end() && PublicRoutesRe && !RIt->second.Path.empty() &&
      std::regex_search(RIt->second.Path, *PublicRoutesRe))
    return;
  // Behind a filter that authorizes the object (AuthorizationFilters).
  if (RIt != Routes.end())
    for (const auto &F : RIt->second.Filters)
      if (isAuthorizationFilter(F))
        return;
  if (H.Spec && FilteredFrameworks.count(H.Spec->Framework))
    return;
  ast::FlowOptions FO = flowOptions();
  FO.Contexts = &Contexts;
  ast::FunctionFlow F(H.Function, *RM, C, FO);
  // One finding per access: the binds of one statement are reported at its
  // execution.
  std::set<const Expr *> Reported;
  for (const ast::SinkUse &S : F.sinks())
    if (!F.isAuthorized(S) && Reported.insert(S.Call).second)
      report(H, F, S, C);
}

static std::string valueName(const ast::SinkUse &S, const ASTContext &Ctx) {
  const Expr *V = S.Value ? S.Value->IgnoreParenImpCasts() : nullptr;
  while (V) {
    if (const auto *DR = dyn_cast<DeclRefExpr>(V))
      return DR->getDecl()->getNameAsString();
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(V)) // id.c_str()
      V = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(V))
      V = CE->getNumArgs() ? CE->getArg(0)->IgnoreParenImpCasts() : nullptr;
    else if (const auto *MTE = dyn_cast<MaterializeTemporaryExpr>(V))
      V = MTE->getSubExpr()->IgnoreParenImpCasts();
    else if (const auto *ME = dyn_cast<MemberExpr>(V))
      return ME->getMemberDecl()->getNameAsString();
    else
      break;
  }
  if (!S.From.Hops.empty() && S.From.Hops.back()->getIdentifier())
    return S.From.Hops.back()->getNameAsString();
  if (!S.From.Key.empty())
    return S.From.Key;
  if (S.Value && !S.Value->getBeginLoc().isMacroID()) {
    llvm::StringRef T = Lexer::getSourceText(
        CharSourceRange::getTokenRange(S.Value->getSourceRange()), Ctx.getSourceManager(),
        Ctx.getLangOpts());
    if (!T.empty() && T.size() <= 40 && T.find('\n') == llvm::StringRef::npos)
      return T.str();
  }
  return "value";
}

static std::string sourcePhrase(const ast::Origin &O) {
  std::string P = flow::describe(O.Kind);
  if (O.Param >= 0)
    return "a parameter";
  if (!O.Key.empty()) {
    if (O.Kind == flow::SourceKind::Body || O.Kind == flow::SourceKind::Other)
      P = "request field";
    P += " '" + O.Key + "'";
  }
  return P;
}

/// The statement of the enclosing compound statement that contains \p E.
static const Stmt *enclosingStatement(const Expr *E, ASTContext &Ctx) {
  const Stmt *Cur = E;
  for (int I = 0; I < 64; ++I) {
    auto Parents = Ctx.getParents(*Cur);
    if (Parents.empty())
      return nullptr;
    const Stmt *P = Parents[0].get<Stmt>();
    if (!P) {
      // A declaration: continue from its DeclStmt.
      if (const auto *D = Parents[0].get<Decl>()) {
        auto DP = Ctx.getParents(*D);
        if (DP.empty())
          return nullptr;
        P = DP[0].get<Stmt>();
        if (!P)
          return nullptr;
        if (isa<CompoundStmt>(P))
          return nullptr;
        Cur = P;
        auto PP = Ctx.getParents(*Cur);
        if (!PP.empty())
          if (const auto *CS = PP[0].get<CompoundStmt>())
            return (void)CS, Cur;
        continue;
      }
      return nullptr;
    }
    if (isa<CompoundStmt>(P))
      return Cur;
    if (isa<LambdaExpr>(P))
      return nullptr;
    Cur = P;
  }
  return nullptr;
}

void TrustedClientIdCheck::report(const ast::HandlerInfo &H, const ast::FunctionFlow &F,
                                  const ast::SinkUse &S, ASTContext &C) {
  const SourceManager &SM = C.getSourceManager();
  SourceLocation Loc = S.Call->getBeginLoc();
  if (Loc.isMacroID())
    Loc = SM.getExpansionLoc(Loc);
  std::string Name = valueName(S, C);
  std::string Route;
  auto RIt = Routes.find(H.Function->getCanonicalDecl());
  if (RIt != Routes.end() && !RIt->second.Path.empty())
    Route = (RIt->second.Method.empty() ? "" : RIt->second.Method + " ") + RIt->second.Path;
  std::string Access = S.What;
  if (S.Kind == "repository" || S.Kind == "file" || S.Kind == "redis" || S.Kind == "orm")
    Access = std::string(S.Kind == "repository" ? "" : S.Kind + " ") + flow::describe(S.Acc);

  // The value picks an ownership column (`WHERE owner_id = $1`, `INSERT
  // INTO notes(author_id, ...)`): it says whose data, whatever its name.
  bool Identity = S.From.Identity || S.IdentityColumn;
  if (Identity) {
    diag(Loc, "client-asserted identity '%0' from %1%2 selects whose data '%3' (%4) uses; the "
              "client can claim to be any user: take the acting user from the session or a "
              "verified token [CWE-290]")
        << Name << sourcePhrase(S.From)
        << (Route.empty() ? std::string() : " of '" + Route + "'") << S.Callee << Access;
  } else {
    diag(Loc, "object id '%0' from %1%2 reaches '%3' (%4) without an authorization check "
              "against the authenticated user [CWE-639]")
        << Name << sourcePhrase(S.From)
        << (Route.empty() ? std::string() : " of '" + Route + "'") << S.Callee << Access;
  }

  // Notes: the source, each hop, the sink inside a helper.
  if (S.From.Source && !SM.isInSystemHeader(S.From.Source->getBeginLoc()))
    diag(S.From.Source->getBeginLoc(), "'%0' is read from the %1 here", DiagnosticIDs::Note)
        << (!S.From.Key.empty()
                ? S.From.Key
                : (!S.From.Hops.empty() && S.From.Hops.front()->getIdentifier()
                       ? S.From.Hops.front()->getNameAsString()
                       : Name))
        << flow::describe(S.From.Kind);
  for (const VarDecl *V : S.From.Hops)
    if (V && V->getIdentifier() && !SM.isInSystemHeader(V->getLocation()))
      diag(V->getLocation(), "flows into '%0' here", DiagnosticIDs::Note) << V->getName();
  if (S.Bind)
    diag(S.Bind->getBeginLoc(), "bound to the statement here", DiagnosticIDs::Note);
  if (S.Inner)
    diag(S.Inner->getBeginLoc(), "the helper uses it in '%0' here", DiagnosticIDs::Note)
        << (S.InnerCallee.empty() ? std::string("an object access") : S.InnerCallee);

  // Fix-it note.
  std::string Principal = PrincipalExpression;
  if (Principal.empty() && F.principalVariable())
    Principal = F.principalVariable()->getNameAsString();
  std::string Forbidden = H.Spec ? H.Spec->Forbidden : "";
  auto Replace = [](std::string T, const std::string &From, const std::string &To) {
    for (size_t P = T.find(From); P != std::string::npos; P = T.find(From, P + To.size()))
      T.replace(P, From.size(), To);
    return T;
  };
  bool CanFix = !AuthorizationFunction.empty() && !Principal.empty() && !Forbidden.empty() &&
                S.Value && !Loc.isMacroID();
  if (CanFix && Forbidden.find("{response}") != std::string::npos) {
    if (!H.ResponseParam || !H.ResponseParam->getIdentifier())
      CanFix = false;
    else
      Forbidden = Replace(Forbidden, "{response}", H.ResponseParam->getName().str());
  }
  if (CanFix && Forbidden.find("{request}") != std::string::npos) {
    if (!H.RequestParam || !H.RequestParam->getIdentifier())
      CanFix = false;
    else
      Forbidden = Replace(Forbidden, "{request}", H.RequestParam->getName().str());
  }
  // The id: a variable in scope at the sink.
  std::string IdText;
  if (CanFix) {
    const Expr *V = S.Value->IgnoreParenImpCasts();
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(V))
      V = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
    if (const auto *DR = dyn_cast<DeclRefExpr>(V))
      IdText = DR->getDecl()->getNameAsString();
    else
      CanFix = false;
  }
  const Stmt *Before = CanFix ? enclosingStatement(S.Call, C) : nullptr;
  if (Before && !Before->getBeginLoc().isMacroID()) {
    SourceLocation At = Before->getBeginLoc();
    unsigned Col = SM.getSpellingColumnNumber(At);
    std::string Indent(Col > 0 ? Col - 1 : 0, ' ');
    std::string Text = "if (!" + AuthorizationFunction + "(" + Principal + ", " + IdText +
                       ")) { " + Forbidden + " }\n" + Indent;
    diag(At, "insert an authorization check before the access", DiagnosticIDs::Note)
        << FixItHint::CreateInsertion(At, Text);
  } else {
    diag(Loc,
         "authorize the access: either scope the query to the caller (e.g. 'WHERE id = $1 AND "
         "owner_id = $2' with $2 bound to the session user) or call an authorization check "
         "that returns 403 when it fails; set prodready-trusted-client-id.AuthorizationFunction for "
         "a fix-it",
         DiagnosticIDs::Note);
  }
}

} // namespace prodready

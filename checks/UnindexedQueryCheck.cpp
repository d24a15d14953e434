//===- UnindexedQueryCheck.cpp - SQL that scans whole tables --------------===//
#include "checks/UnindexedQueryCheck.h"

#include "lib/sql/SchemaCache.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <algorithm>
#include <filesystem>
#include <map>

using namespace clang;
using namespace clang::ast_matchers;

namespace prodready {

namespace fs = std::filesystem;

/// Marker that accepts a scan: written inside the SQL text, in a comment.
static constexpr const char *AcceptMarker = "prodready:accept-scan";

UnindexedQueryCheck::UnindexedQueryCheck(llvm::StringRef Name, tidy::ClangTidyContext *Context)
    : ProdReadyCheck(Name, Context), SchemaPaths(Options.get("SchemaPaths", "").str()),
      DialectOption(Options.get("Dialect", "auto").str()),
      SmallTables(Options.get("SmallTables", "").str()),
      ReportSchemaErrors(boolOption("ReportSchemaErrors", true)),
      ReportUnparsableSql(boolOption("ReportUnparsableSql", true)) {
  auto D = sql::parseDialect(DialectOption);
  if (!D)
    configurationDiag("invalid Dialect '%0' (known: auto, postgresql, sqlite, mysql)") << DialectOption;
  OptionDialect = D.value_or(sql::Dialect::Auto);
  for (auto &T : splitOptionList(SmallTables, ";,"))
    SmallTableSet.insert(llvm::StringRef(T).lower());
}

void UnindexedQueryCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "SchemaPaths", SchemaPaths);
  Options.store(Opts, "Dialect", DialectOption);
  Options.store(Opts, "SmallTables", SmallTables);
  Options.store(Opts, "ReportSchemaErrors", boolText(ReportSchemaErrors));
  Options.store(Opts, "ReportUnparsableSql", boolText(ReportUnparsableSql));
}

std::shared_ptr<const sql::SqlEntryPoints> UnindexedQueryCheck::entryPoints() {
  return deriveModel<sql::SqlEntryPoints>(
      "sql/entry-points", [](const model::Model &M, std::vector<model::ModelError> &Errors) {
        return sql::SqlEntryPoints::build(M, Errors);
      });
}

void UnindexedQueryCheck::registerMatchers(MatchFinder *Finder) {
  auto EP = entryPoints();
  std::vector<std::string> Fns = EP->functionNames(), Ctors = EP->constructorClasses();
  std::vector<llvm::StringRef> FnRefs(Fns.begin(), Fns.end()), CtorRefs(Ctors.begin(), Ctors.end());
  if (!FnRefs.empty())
    Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(FnRefs)).bind("fn"))).bind("call"), this);
  if (!CtorRefs.empty())
    Finder->addMatcher(
        cxxConstructExpr(hasDeclaration(cxxConstructorDecl(ofClass(cxxRecordDecl(hasAnyName(CtorRefs))))))
            .bind("ctor"),
        this);
  // Users' own wrappers: [[clang::annotate("prodready::sql")]] on a parameter or function.
  Finder->addMatcher(
      callExpr(callee(functionDecl(anyOf(hasAttr(attr::Annotate), hasAnyParameter(hasAttr(attr::Annotate))))
                          .bind("afn")))
          .bind("acall"),
      this);
  // ... and on a constructor parameter (a statement wrapper: Stmt st(db, sql)).
  Finder->addMatcher(
      cxxConstructExpr(hasDeclaration(cxxConstructorDecl(hasAnyParameter(hasAttr(attr::Annotate)))
                                          .bind("actorfn")))
          .bind("actor"),
      this);
}

UnindexedQueryCheck::Statement *UnindexedQueryCheck::addStatement(const Expr *SqlArg, SourceLocation CallLoc,
                                                                  const sql::SqlEntryPoint *EP,
                                                                  const ASTContext &Ctx) {
  if (!SqlArg || !Seen.insert(SqlArg).second)
    return nullptr;
  ast::RecoveryOptions RO;
  RO.Placeholder = std::string(sql::HoleMarker);
  RO.FollowUnmodifiedLocals = true;
  Statement S;
  S.Sql = ast::recoverString(ast::stripTextWrappers(SqlArg), Ctx, RO);
  if (S.Sql.empty())
    return nullptr;
  bool AnyLiteral = false;
  for (auto &P : S.Sql.Pieces)
    AnyLiteral |= P.Literal != nullptr;
  if (!AnyLiteral)
    return nullptr;
  S.CallLoc = CallLoc;
  if (EP) {
    S.D = EP->D;
    S.Client = EP->Client;
  }
  Statements.push_back(std::move(S));
  return &Statements.back();
}

/// The text of a parameter value, with sql::BoundHole for run-time parts;
/// null when nothing of it is literal.
static std::optional<std::string> boundText(const Expr *E, const ASTContext &Ctx) {
  if (!E)
    return std::nullopt;
  ast::RecoveryOptions RO;
  RO.Placeholder = std::string(1, sql::BoundHole);
  RO.FollowUnmodifiedLocals = true;
  ast::RecoveredString R = ast::recoverString(ast::stripTextWrappers(E), Ctx, RO);
  if (R.empty())
    return std::nullopt;
  return R.Text;
}

/// Parameter values passed at a call: arguments from "params-from" on, or
/// the elements of the "param-values-arg" array.
static sql::BoundValues valuesAt(const CallExpr *Call, const FunctionDecl *Fn, const sql::SqlEntryPoint &P,
                                 const ASTContext &Ctx) {
  sql::BoundValues B;
  std::vector<const Expr *> Values;
  if (P.ParamsFrom >= 0)
    for (unsigned I = static_cast<unsigned>(P.ParamsFrom); I < Call->getNumArgs(); ++I)
      Values.push_back(ast::callArgument(Call, Fn, I));
  if (P.ParamValuesArg >= 0)
    Values = ast::arrayElements(ast::callArgument(Call, Fn, static_cast<unsigned>(P.ParamValuesArg)), Ctx);
  for (size_t I = 0; I < Values.size(); ++I)
    if (auto T = boundText(Values[I], Ctx))
      B[std::to_string(I + 1)] = *T;
  return B;
}

void UnindexedQueryCheck::addCall(const CallExpr *Call, const FunctionDecl *Fn, const sql::SqlEntryPoint &P,
                                  const ASTContext &Ctx) {
  if (P.Binds) {
    Binding B;
    if (P.StatementArg >= 0)
      B.Handle = ast::namedVariable(ast::callArgument(Call, Fn, static_cast<unsigned>(P.StatementArg)));
    else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
      B.Handle = ast::namedVariable(MC->getImplicitObjectArgument());
    const Expr *Index = ast::callArgument(Call, Fn, static_cast<unsigned>(P.IndexArg));
    if (!B.Handle || !Index)
      return;
    Expr::EvalResult ER;
    if (!Index->isValueDependent() && Index->EvaluateAsInt(ER, Ctx))
      B.Key = std::to_string(ER.Val.getInt().getExtValue());
    else if (auto Name = ast::constantString(Index, Ctx))
      B.Key = *Name;
    else
      return;
    B.Value = boundText(ast::callArgument(Call, Fn, static_cast<unsigned>(P.ValueArg)), Ctx);
    Bindings.push_back(std::move(B));
    return;
  }
  if (P.ExecutesPrepared) {
    if (Prepared.addExecution(Call, ast::callArgument(Call, Fn, static_cast<unsigned>(P.NameArg)), Ctx))
      Executions[Call] = Execution{&P, Fn};
    return;
  }
  const Expr *Sql = ast::callArgument(Call, Fn, static_cast<unsigned>(P.SqlArg));
  if (P.NameArg >= 0)
    Prepared.addPrepare(Call, ast::callArgument(Call, Fn, static_cast<unsigned>(P.NameArg)), Sql, Ctx);
  Statement *S = addStatement(Sql, Call->getBeginLoc(), &P, Ctx);
  if (!S)
    return;
  S->Call = Call;
  S->Bound = valuesAt(Call, Fn, P, Ctx);
  if (P.StatementOutArg >= 0)
    S->Handle = ast::namedVariable(ast::callArgument(Call, Fn, static_cast<unsigned>(P.StatementOutArg)));
}

/// The variable a constructor call initialises (`SQLite::Statement q(db, sql)`).
static const VarDecl *constructedVariable(const CXXConstructExpr *E, ASTContext &Ctx) {
  DynTypedNode N = DynTypedNode::create(*E);
  for (unsigned Up = 0; Up < 4; ++Up) {
    auto Parents = Ctx.getParents(N);
    if (Parents.size() != 1)
      return nullptr;
    N = Parents[0];
    if (const auto *VD = N.get<VarDecl>())
      return VD;
    const auto *PE = N.get<Expr>();
    if (!PE || !(isa<ExprWithCleanups>(PE) || isa<MaterializeTemporaryExpr>(PE) ||
                 isa<CXXBindTemporaryExpr>(PE) || isa<ImplicitCastExpr>(PE)))
      return nullptr;
  }
  return nullptr;
}

sql::BoundValues UnindexedQueryCheck::boundValuesOf(const Statement &S, const std::vector<Statement> &All,
                                                    const std::vector<Binding> &Binds) {
  sql::BoundValues B = S.Bound;
  if (!S.Handle)
    return B;
  // A handle prepared more than once: which statement a bind reaches is not known.
  unsigned Uses = 0;
  for (const Statement &O : All)
    Uses += O.Handle == S.Handle;
  if (Uses != 1)
    return B;
  std::map<std::string, std::optional<std::string>> ByKey;
  for (const Binding &X : Binds) {
    if (X.Handle != S.Handle)
      continue;
    auto It = ByKey.find(X.Key);
    if (It == ByKey.end())
      ByKey[X.Key] = X.Value;
    else if (It->second != X.Value)
      It->second.reset(); // bound to different values: not one known pattern
  }
  for (auto &[Key, Value] : ByKey)
    if (Value)
      B[Key] = *Value;
  return B;
}

void UnindexedQueryCheck::check(const MatchFinder::MatchResult &Result) {
  Context = Result.Context;
  auto EP = entryPoints();
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("call")) {
    const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("fn");
    if (const sql::SqlEntryPoint *P = EP->function("::" + Fn->getQualifiedNameAsString()))
      addCall(Call, Fn, *P, *Result.Context);
    return;
  }
  if (const auto *Ctor = Result.Nodes.getNodeAs<CXXConstructExpr>("ctor")) {
    const CXXRecordDecl *RD = Ctor->getConstructor()->getParent();
    const sql::SqlEntryPoint *P = EP->constructor("::" + RD->getQualifiedNameAsString());
    if (!P)
      return;
    unsigned Index = static_cast<unsigned>(P->SqlArg);
    if (Index < Ctor->getNumArgs() && !isa<CXXDefaultArgExpr>(Ctor->getArg(Index)))
      if (Statement *S = addStatement(Ctor->getArg(Index), Ctor->getBeginLoc(), P, *Result.Context))
        S->Handle = constructedVariable(Ctor, *Result.Context);
    return;
  }
  if (const auto *Ctor = Result.Nodes.getNodeAs<CXXConstructExpr>("actor")) {
    const auto *Fn = Result.Nodes.getNodeAs<CXXConstructorDecl>("actorfn");
    for (unsigned I = 0; I < Fn->getNumParams() && I < Ctor->getNumArgs(); ++I)
      if (hasProdReadyAnnotation(Fn->getParamDecl(I), "sql"))
        addStatement(Ctor->getArg(I), Ctor->getBeginLoc(), nullptr, *Result.Context);
    return;
  }
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("acall")) {
    const auto *Fn = Result.Nodes.getNodeAs<FunctionDecl>("afn");
    unsigned Offset = isa<CXXOperatorCallExpr>(Call) && isa<CXXMethodDecl>(Fn) ? 1 : 0;
    bool FnMarked = hasProdReadyAnnotation(Fn, "sql");
    bool Found = false;
    for (unsigned I = 0; I < Fn->getNumParams(); ++I) {
      if (!hasProdReadyAnnotation(Fn->getParamDecl(I), "sql"))
        continue;
      Found = true;
      if (I + Offset < Call->getNumArgs())
        addStatement(Call->getArg(I + Offset), Call->getBeginLoc(), nullptr, *Result.Context);
    }
    if (!Found && FnMarked) {
      // A marked function: its first string-like parameter is the SQL.
      for (unsigned I = 0; I < Fn->getNumParams(); ++I) {
        QualType T = Fn->getParamDecl(I)->getType().getNonReferenceType();
        bool Stringy = T->isPointerType() && T->getPointeeType()->isCharType();
        if (const auto *RD = T->getAsCXXRecordDecl())
          Stringy |= RD->getName() == "basic_string" || RD->getName() == "basic_string_view";
        if (Stringy && I + Offset < Call->getNumArgs()) {
          addStatement(Call->getArg(I + Offset), Call->getBeginLoc(), nullptr, *Result.Context);
          break;
        }
      }
    }
  }
}

SourceLocation UnindexedQueryCheck::locationOf(const Statement &S, size_t Offset) const {
  const SourceManager &SM = Context->getSourceManager();
  const ast::StringPiece *P = S.Sql.pieceAt(Offset);
  if (!P)
    return S.CallLoc;
  if (P->Literal) {
    if (P->FromMacro)
      return SM.getExpansionLoc(P->Literal->getBeginLoc());
    size_t Within = Offset - P->Offset;
    if (Within < P->Literal->getLength())
      return P->Literal->getLocationOfByte(static_cast<unsigned>(Within), SM, Context->getLangOpts(),
                                           Context->getTargetInfo());
    return P->Literal->getBeginLoc();
  }
  if (P->Origin)
    return P->Origin->getBeginLoc();
  return S.CallLoc;
}

static std::vector<std::string> resolvePaths(const std::vector<std::string> &Paths, llvm::StringRef MainFile) {
  std::vector<std::string> Out;
  for (const std::string &P : Paths) {
    std::error_code EC;
    fs::path Path(P);
    if (Path.is_absolute() || fs::exists(Path, EC)) {
      Out.push_back(P);
      continue;
    }
    // Relative to the directory of the file being checked, or one of its parents.
    std::string Found;
    for (fs::path Dir = fs::path(MainFile.str()).parent_path(); !Dir.empty(); Dir = Dir.parent_path()) {
      if (fs::exists(Dir / Path, EC)) {
        Found = (Dir / Path).string();
        break;
      }
      if (Dir == Dir.parent_path())
        break;
    }
    Out.push_back(Found.empty() ? P : Found);
  }
  return Out;
}

void UnindexedQueryCheck::onEndOfTranslationUnit() {
  std::vector<Statement> Stmts = std::move(Statements);
  Statements.clear();
  Seen.clear();
  std::vector<Binding> Binds = std::move(Bindings);
  Bindings.clear();
  std::map<const CallExpr *, Execution> Execs = std::move(Executions);
  Executions.clear();
  ast::PreparedStatementIndex Links = std::move(Prepared);
  Prepared.clear();
  if (Stmts.empty() || !Context)
    return;

  const SourceManager &SM = Context->getSourceManager();

  // Dialect of each statement: the option wins, then the client library's,
  // then the only dialect the translation unit uses, then PostgreSQL.
  std::set<sql::Dialect> Used;
  for (auto &S : Stmts)
    if (S.D != sql::Dialect::Auto)
      Used.insert(S.D);
  auto dialectOf = [&](const Statement &S) {
    if (OptionDialect != sql::Dialect::Auto)
      return OptionDialect;
    if (S.D != sql::Dialect::Auto)
      return S.D;
    if (Used.size() == 1)
      return *Used.begin();
    return sql::Dialect::PostgreSQL;
  };

  // Schema statements run from C++ in this translation unit.
  std::map<sql::Dialect, std::vector<sql::SqlSource>> Extra;
  for (auto &S : Stmts) {
    if (!S.Sql.Complete || !sql::looksLikeDDL(S.Sql.Text))
      continue;
    PresumedLoc PL = SM.getPresumedLoc(SM.getExpansionLoc(locationOf(S, 0)));
    sql::SqlSource Src;
    Src.File = PL.isValid() ? PL.getFilename() : "<translation unit>";
    Src.FirstLine = PL.isValid() ? PL.getLine() : 1;
    Src.Text = S.Sql.Text;
    Extra[dialectOf(S)].push_back(std::move(Src));
  }

  llvm::StringRef MainFile;
  if (auto FE = SM.getFileEntryRefForID(SM.getMainFileID()))
    MainFile = FE->getName();
  std::vector<std::string> Paths = resolvePaths(splitOptionList(SchemaPaths, ";,"), MainFile);

  std::map<sql::Dialect, std::shared_ptr<sql::LoadedSchema>> Schemas;
  auto schemaFor = [&](sql::Dialect D) -> std::shared_ptr<sql::LoadedSchema> {
    auto It = Schemas.find(D);
    if (It != Schemas.end())
      return It->second;
    std::shared_ptr<sql::LoadedSchema> L;
    if (!Paths.empty() || !Extra[D].empty()) {
      L = sql::loadSchema(Paths, D, Extra[D]);
      if (ReportSchemaErrors) {
        // Sorted, as clang-tidy prints location-less diagnostics (the plugin
        // prints them as they come).
        std::vector<std::string> Msgs;
        for (const sql::SchemaError &E : L->Errors)
          Msgs.push_back(E.str());
        std::sort(Msgs.begin(), Msgs.end());
        for (const std::string &M : Msgs)
          configurationDiag("schema for %0: %1", DiagnosticIDs::Warning) << getID() << M;
      }
    }
    Schemas[D] = L;
    return L;
  };

  // Diagnostics are emitted in source order (the compiler plugin prints them
  // as they come; clang-tidy sorts them).
  struct Pending {
    SourceLocation Loc;
    std::string Table, Reason, ParseDialect, ParseMessage;
    std::vector<std::string> Notes;
    std::string PreparedName;              ///< Run by name: the statement's name.
    std::vector<SourceLocation> ExecSites; ///< ... and where it is run.
  };
  std::vector<Pending> Out;

  /// One judgement of a statement: with the values of one group of call sites.
  struct Job {
    sql::BoundValues Bound;
    std::string PreparedName;
    std::vector<SourceLocation> ExecSites;
  };

  sql::AnalysisOptions AO;
  AO.SmallTables = SmallTableSet;
  for (auto &S : Stmts) {
    if (sql::looksLikeDDL(S.Sql.Text))
      continue;
    if (S.Sql.Text.find(AcceptMarker) != std::string::npos)
      continue;
    sql::Dialect D = dialectOf(S);
    auto L = schemaFor(D);
    if (!L || L->S.empty())
      continue; // no schema known: nothing to judge against

    // Parameter values: at the call, through the statement handle, and at
    // each place a statement prepared by name is executed (grouped by the
    // values passed there). With run-time parts in the SQL text the numbering
    // of parameters is not known: no values then.
    std::vector<Job> Jobs;
    sql::BoundValues Base = S.Sql.Complete ? boundValuesOf(S, Stmts, Binds) : sql::BoundValues{};
    std::vector<const ast::NamedExecution *> Runs = S.Call ? Links.executionsOf(S.Call) : std::vector<const ast::NamedExecution *>{};
    for (const ast::NamedExecution *X : Runs) {
      sql::BoundValues B = Base;
      auto It = Execs.find(X->Call);
      if (It != Execs.end() && S.Sql.Complete)
        for (auto &[K, V] : valuesAt(X->Call, It->second.Fn, *It->second.EP, *Context))
          B[K] = V;
      auto J = std::find_if(Jobs.begin(), Jobs.end(), [&](const Job &Y) { return Y.Bound == B; });
      if (J == Jobs.end()) {
        Jobs.push_back(Job{B, X->Name, {}});
        J = Jobs.end() - 1;
      }
      J->ExecSites.push_back(X->Call->getBeginLoc());
    }
    if (Jobs.empty())
      Jobs.push_back(Job{Base, "", {}});

    for (const Job &J : Jobs) {
      AO.Bound = J.Bound;
      sql::QueryAnalysis A = sql::analyzeQuery(*L, S.Sql.Text, AO);
      if (A.Error) {
        // Only complete statements: a statement with a run-time part may parse
        // only once that part is filled in.
        std::string M = A.Error->Message;
        bool Syntax = D != sql::Dialect::SQLite || M.find("syntax error") != std::string::npos ||
                      M.find("incomplete input") != std::string::npos ||
                      M.find("unrecognized token") != std::string::npos;
        if (ReportUnparsableSql && S.Sql.Complete && Syntax) {
          Pending P;
          P.Loc = locationOf(S, A.Error->Offset);
          P.ParseDialect = sql::dialectName(D);
          P.ParseMessage = M;
          Out.push_back(std::move(P));
        }
        break;
      }
      for (const sql::Finding &F : A.Findings) {
        SourceLocation Loc = locationOf(S, F.Offset);
        // The same finding for another group of call sites: one warning, all sites.
        auto Same = std::find_if(Out.begin(), Out.end(), [&](const Pending &Q) {
          return Q.Loc == Loc && Q.Table == F.Table && Q.Reason == F.Reason && Q.ParseDialect.empty();
        });
        if (Same != Out.end()) {
          Same->ExecSites.insert(Same->ExecSites.end(), J.ExecSites.begin(), J.ExecSites.end());
          continue;
        }
        Pending P;
        P.Loc = Loc;
        P.Table = F.Table;
        P.Reason = F.Reason;
        P.PreparedName = J.PreparedName;
        P.ExecSites = J.ExecSites;
        llvm::SmallVector<llvm::StringRef, 2> Lines;
        llvm::StringRef(F.Suggestion).split(Lines, '\n', -1, false);
        for (llvm::StringRef Line : Lines)
          P.Notes.push_back(Line.str());
        Out.push_back(std::move(P));
      }
    }
  }
  std::stable_sort(Out.begin(), Out.end(), [&](const Pending &A, const Pending &B) {
    return SM.isBeforeInTranslationUnit(SM.getExpansionLoc(A.Loc), SM.getExpansionLoc(B.Loc));
  });
  for (const Pending &P : Out) {
    if (!P.ParseDialect.empty()) {
      diag(P.Loc, "SQL statement cannot be parsed as %0, so it was not checked for unindexed access: %1")
          << P.ParseDialect << P.ParseMessage;
      continue;
    }
    diag(P.Loc, "query reads every row of table '%0': %1 [CWE-1067]") << P.Table << P.Reason;
    for (const std::string &N : P.Notes)
      diag(P.Loc, "add an index: %0", DiagnosticIDs::Note) << N;
    for (SourceLocation X : P.ExecSites)
      diag(X, "prepared statement '%0' is executed here", DiagnosticIDs::Note) << P.PreparedName;
  }
}

} // namespace prodready

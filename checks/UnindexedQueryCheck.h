//===- UnindexedQueryCheck.h - SQL that scans whole tables ------*- C++ -*-===//
//
// prodready-unindexed-query: finds the SQL statements the code runs (calls
// listed in the "sql-entry-points" model, or parameters/functions annotated
// [[clang::annotate("prodready::sql")]]), recovers their text, and judges
// every table access against the project's schema (its migrations, option
// SchemaPaths, plus CREATE statements run from the same translation unit):
// PostgreSQL/MySQL by the planner's index-usability rules, SQLite by asking
// SQLite's own planner. A table access no index can serve is reported at
// the offending predicate inside the literal, with a note carrying the
// CREATE INDEX that fixes it (CWE-1067). See docs/checks/prodready-unindexed-query.md.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_CHECKS_UNINDEXEDQUERYCHECK_H
#define PRODREADY_CHECKS_UNINDEXEDQUERYCHECK_H

#include "checks/ProdReadyCheck.h"
#include "lib/ast/PreparedStatements.h"
#include "lib/ast/StringRecovery.h"
#include "lib/sql/EntryPoints.h"
#include "lib/sql/Parse.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace prodready {

class UnindexedQueryCheck : public ProdReadyCheck {
public:
  UnindexedQueryCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  /// One SQL statement found in the translation unit.
  struct Statement {
    ast::RecoveredString Sql;
    clang::SourceLocation CallLoc;
    sql::Dialect D = sql::Dialect::Auto;
    std::string Client;
    const clang::CallExpr *Call = nullptr;  ///< The call carrying the SQL (null for constructors).
    const clang::VarDecl *Handle = nullptr; ///< The statement handle it fills (sqlite3_stmt *, SQLite::Statement).
    sql::BoundValues Bound;                 ///< Parameter values passed with the SQL.
  };
  /// A value bound to a statement handle (sqlite3_bind_text, Statement::bind).
  struct Binding {
    const clang::VarDecl *Handle = nullptr;
    std::string Key;                  ///< "1" or ":name".
    std::optional<std::string> Value; ///< Null: only known at run time.
  };
  /// A statement run by name (exec_prepared), with its entry and callee.
  struct Execution {
    const sql::SqlEntryPoint *EP = nullptr;
    const clang::FunctionDecl *Fn = nullptr;
  };

  std::shared_ptr<const sql::SqlEntryPoints> entryPoints();
  Statement *addStatement(const clang::Expr *SqlArg, clang::SourceLocation CallLoc,
                          const sql::SqlEntryPoint *EP, const clang::ASTContext &Ctx);
  void addCall(const clang::CallExpr *Call, const clang::FunctionDecl *Fn, const sql::SqlEntryPoint &P,
               const clang::ASTContext &Ctx);
  /// The values bound to \p S's parameters at its call and through its handle.
  static sql::BoundValues boundValuesOf(const Statement &S, const std::vector<Statement> &All,
                                        const std::vector<Binding> &Binds);
  clang::SourceLocation locationOf(const Statement &S, size_t Offset) const;

  // Options (docs/checks/prodready-unindexed-query.md, "Options").
  std::string SchemaPaths;   ///< ';'-separated files/folders.
  std::string DialectOption; ///< auto | postgresql | sqlite | mysql
  std::string SmallTables;   ///< ';'-separated table names.
  bool ReportSchemaErrors;
  bool ReportUnparsableSql;

  sql::Dialect OptionDialect = sql::Dialect::Auto;
  std::set<std::string> SmallTableSet;
  std::vector<Statement> Statements;
  const clang::ASTContext *Context = nullptr;
  std::set<const clang::Expr *> Seen;
  std::vector<Binding> Bindings;
  ast::PreparedStatementIndex Prepared;
  std::map<const clang::CallExpr *, Execution> Executions;
};

} // namespace prodready

#endif

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
#include "lib/ast/StringRecovery.h"
#include "lib/sql/EntryPoints.h"
#include "lib/sql/Parse.h"

#include <memory>
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
  };

  std::shared_ptr<const sql::SqlEntryPoints> entryPoints();
  void addStatement(const clang::Expr *SqlArg, clang::SourceLocation CallLoc,
                    const sql::SqlEntryPoint *EP, const clang::ASTContext &Ctx);
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
};

} // namespace prodready

#endif

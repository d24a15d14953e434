//===- Analysis.h - which table accesses of a statement no index serves -*- C++ -*-===//
//
// Two judges, one report format:
//  - PostgreSQL (and MySQL, best effort): the statement is parsed with
//    libpg_query and the planner's index-usability rules are applied to
//    every table access against the Schema model (leftmost prefix, btree
//    operators, LIKE prefix vs. collation/opclass, expression and partial
//    indexes, OR branches, join inner sides, ORDER BY ... LIMIT).
//  - SQLite: the real planner is asked (EXPLAIN QUERY PLAN, see Sqlite.h); the
//    parsed statement only explains the verdict and builds the suggestion.
//
// Every finding carries the index to add; a suggestion is only kept after it
// was added to a copy of the schema and the statement re-checked clean.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_ANALYSIS_H
#define PRODREADY_LIB_SQL_ANALYSIS_H

#include "Parse.h"
#include "Schema.h"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::sql {

class SqliteDatabase;

struct Finding {
  std::string Table;     ///< Table name as in the schema.
  std::string Alias;     ///< Name used in the statement (alias or table).
  size_t Offset = 0;     ///< Offset in the statement text of the offending predicate/table.
  std::string Reason;    ///< Why no index serves this access.
  std::string Suggestion; ///< CREATE INDEX ... (one or more statements, '\n'-separated) or "".
  std::string Plan;      ///< SQLite: the plan line that was judged.
};

struct AnalysisOptions {
  Dialect D = Dialect::PostgreSQL;
  std::set<std::string> SmallTables; ///< Lower-case names; scans of these are fine.
  bool Suggest = true;
  bool VerifySuggestions = true;
  /// Parameter values visible in the C++ code (a LIKE pattern bound to a
  /// placeholder is judged as that pattern; SQLite's planner gets the value).
  BoundValues Bound;
};

struct QueryAnalysis {
  std::vector<Finding> Findings;
  std::optional<ParseError> Error; ///< The statement does not parse.
  bool IsDDL = false;              ///< Schema statement (CREATE/ALTER/DROP ...).
  bool Skipped = false;            ///< Not fully known: not judged.
  std::string SkipReason;
};

/// Judges \p Sql against \p S with the PostgreSQL rules (MySQL best effort).
QueryAnalysis analyzeWithRules(const Schema &S, std::string_view Sql, const AnalysisOptions &Opts);

/// Judges \p Sql with SQLite's planner on \p Db (the schema replayed), using
/// \p S (same schema, parsed) for reasons and suggestions.
QueryAnalysis analyzeWithSqlite(const Schema &S, SqliteDatabase &Db, std::string_view Sql,
                                const AnalysisOptions &Opts);

/// True when the statement text is DDL (starts with CREATE/ALTER/DROP...).
bool looksLikeDDL(std::string_view Sql);

} // namespace prodready::sql

#endif

//===- Sqlite.h - the real SQLite planner on a replayed schema --*- C++ -*-===//
//
// An in-memory SQLite database holding the project's schema (its migrations
// replayed statement by statement), asked EXPLAIN QUERY PLAN for each query.
// The plan text is read loosely: its wording changed across releases
// ("SCAN TABLE t" before 3.36, "SCAN t" after), so only the leading verb, the
// table name and a few keywords are looked at.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_SQLITE_H
#define PRODREADY_LIB_SQL_SQLITE_H

#include "Migrations.h"

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace prodready::sql {

struct PlanRow {
  int Id = 0, Parent = 0;
  std::string Detail;
};

/// One table access of a plan, read from a detail line.
struct PlanAccess {
  std::string Name;        ///< Table name or alias as printed.
  bool Scan = false;       ///< SCAN (full table or full index walk).
  bool Search = false;     ///< SEARCH (index lookup).
  bool Automatic = false;  ///< USING AUTOMATIC (COVERING) INDEX: built per query.
  bool UsingIndex = false; ///< Mentions an index / primary key.
  std::string Detail;
};

/// Reads the table accesses out of plan rows (subquery/CTE scans, constant
/// rows and temp b-trees are not table accesses).
std::vector<PlanAccess> readPlan(const std::vector<PlanRow> &Rows);

class SqliteDatabase {
public:
  SqliteDatabase();
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase &) = delete;
  SqliteDatabase &operator=(const SqliteDatabase &) = delete;

  /// Runs every statement of \p Sources; a failing statement is reported
  /// with its file:line and skipped.
  void replay(const std::vector<SqlSource> &Sources, std::vector<SchemaError> &Errors);
  /// Runs one script (no result rows expected). Returns false with \p Error.
  bool exec(std::string_view Sql, std::string &Error);
  /// EXPLAIN QUERY PLAN of one statement. Returns false with \p Error (and
  /// the byte offset of the problem when SQLite knows it, else npos).
  /// \p Bound: parameter values to bind first ("1" or ":name" -> text), so
  /// the planner sees them as the application's statement would (a LIKE
  /// pattern's prefix); parameters SQLite does not know are ignored.
  bool explain(std::string_view Sql, std::vector<PlanRow> &Rows, std::string &Error,
               size_t &ErrorOffset, const std::map<std::string, std::string> &Bound = {});

  /// The database is shared by all checks of a process: lock around use.
  std::mutex &mutex() { return Mutex; }
  bool ok() const { return Db != nullptr; }

private:
  sqlite3 *Db = nullptr;
  std::mutex Mutex;
  unsigned long Steps = 0;
};

/// Splits a script into complete SQLite statements (sqlite3_complete rules,
/// so trigger bodies stay whole): (begin, length) pairs.
std::vector<std::pair<size_t, size_t>> splitSqliteStatements(std::string_view Sql);

} // namespace prodready::sql

#endif

//===- EntryPoints.h - which calls run SQL, and which argument is it -*- C++ -*-===//
//
// Typed view of the model section "sql-entry-points" (built-in file
// lib/model/builtin/sql-entry-points.json; users add their own wrappers in a
// model file or with [[clang::annotate("prodready::sql")]]). An entry:
//
//   {"functions": ["::PQexec", "::PQexecParams"], "sql-arg": 1, "dialect": "postgresql"}
//   {"constructor-of": "::SQLite::Statement", "sql-arg": 1, "dialect": "sqlite"}
//
// functions: fully qualified names (methods: Class::method, the object is not
// counted in sql-arg; operators: "::soci::session::operator<<").
// constructor-of: the class whose constructor takes the SQL.
// sql-arg: 0-based index of the SQL argument. dialect: postgresql, sqlite,
// mysql, or auto (the Dialect option decides).
//
// Parameter values (so a bound LIKE pattern can be judged), all optional:
//   "params-from": N       arguments N, N+1... are the values of $1, $2...
//   "param-values-arg": N  argument N is an array of the values (libpq)
//   "statement-out-arg": N argument N (&stmt) receives the statement handle
//   "name-arg": N          argument N names a prepared statement
// Entries without sql-arg:
//   {"functions": [...], "executes-prepared": true, "name-arg": 0, "params-from": 1}
//       runs the statement prepared under that name (pqxx exec_prepared);
//   {"functions": [...], "binds": true, "statement-arg": 0, "index-arg": 1, "value-arg": 2}
//       binds a value to a statement handle (sqlite3_bind_text); statement-arg
//       -1 is the object of a method call (SQLite::Statement::bind); the index
//       is a number or a ":name".
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_ENTRYPOINTS_H
#define PRODREADY_LIB_SQL_ENTRYPOINTS_H

#include "Parse.h"
#include "lib/model/Model.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prodready::sql {

struct SqlEntryPoint {
  std::string Name;        ///< Qualified function name, or the class for constructors.
  bool Constructor = false;
  int SqlArg = 0;
  Dialect D = Dialect::Auto;
  std::string Client;      ///< The model file's "name" (for messages).
  int NameArg = -1;        ///< Argument naming a prepared statement.
  int ParamsFrom = -1;     ///< First argument holding parameter values ($1).
  int ParamValuesArg = -1; ///< Argument that is an array of parameter values.
  int StatementOutArg = -1; ///< Argument (&handle) receiving the prepared statement.
  bool ExecutesPrepared = false; ///< Runs a statement prepared by name; no SQL argument.
  bool Binds = false;      ///< Binds one value to a statement handle; no SQL argument.
  int StatementArg = -1;   ///< Binds: the handle argument (-1: the object).
  int IndexArg = -1, ValueArg = -1; ///< Binds: parameter index/name and value.
  std::string File;        ///< Model file the entry came from.
};

class SqlEntryPoints {
public:
  /// Name of the model section read here.
  static constexpr const char *Section = "sql-entry-points";

  /// Builds the typed view; malformed entries are reported in \p Errors.
  static std::shared_ptr<SqlEntryPoints> build(const model::Model &M,
                                               std::vector<model::ModelError> &Errors);

  /// True when the entry carries SQL text (not an exec-by-name or a binder).
  static bool carriesSql(const SqlEntryPoint &P) { return !P.ExecutesPrepared && !P.Binds; }

  /// The entry for a function/method named \p QualifiedName ("::PQexec").
  const SqlEntryPoint *function(const std::string &QualifiedName) const;
  /// The entry for a constructor of class \p QualifiedClass.
  const SqlEntryPoint *constructor(const std::string &QualifiedClass) const;

  std::vector<std::string> functionNames() const;
  std::vector<std::string> constructorClasses() const;

private:
  std::map<std::string, SqlEntryPoint> Functions, Constructors;
};

} // namespace prodready::sql

#endif

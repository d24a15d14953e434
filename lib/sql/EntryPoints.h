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
  std::string File;        ///< Model file the entry came from.
};

class SqlEntryPoints {
public:
  /// Name of the model section read here.
  static constexpr const char *Section = "sql-entry-points";

  /// Builds the typed view; malformed entries are reported in \p Errors.
  static std::shared_ptr<SqlEntryPoints> build(const model::Model &M,
                                               std::vector<model::ModelError> &Errors);

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

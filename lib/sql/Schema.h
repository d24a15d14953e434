//===- Schema.h - tables and indexes built by replaying DDL -----*- C++ -*-===//
//
// A schema model good enough to decide index usability: tables, columns
// (type, collation), foreign keys, and indexes — primary keys and UNIQUE
// constraints included — with their key columns or expressions, operator
// classes, collations, INCLUDE columns and partial-index predicates.
//
// It is built by replaying DDL (CREATE TABLE/INDEX, ALTER TABLE ADD/DROP
// COLUMN/CONSTRAINT, RENAME, DROP INDEX/TABLE) parsed with libpg_query.
// Statements that are not DDL (INSERT seed data, functions, grants) are
// ignored; a statement that does not parse is reported with file:line and
// skipped, and replay goes on.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_SCHEMA_H
#define PRODREADY_LIB_SQL_SCHEMA_H

#include "Migrations.h"
#include "Parse.h"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace prodready::sql {

struct Column {
  std::string Name;
  std::string Type;      ///< Last type name component, lower-case ("int4", "text").
  std::string Collation; ///< Explicit COLLATE, or "".
};

struct ForeignKey {
  std::string Name;
  std::vector<std::string> Columns;
  std::string RefTable;
};

struct IndexKey {
  std::string Column;         ///< Column name; "" for an expression key.
  nlohmann::json Expr;        ///< Expression node for expression keys.
  std::string Canon;          ///< canonicalExpr of the key (column or expression).
  std::string Text;           ///< Rendered key ("email", "lower(email)").
  std::string Opclass;        ///< "text_pattern_ops", "gin_trgm_ops", or "".
  std::string Collation;      ///< Explicit COLLATE on the key, or "".
};

struct Index {
  std::string Name;
  std::string Table;
  std::string Method = "btree"; ///< btree, hash, gin, gist, brin...
  std::vector<IndexKey> Keys;
  std::vector<std::string> Include;
  bool Unique = false, Primary = false;
  nlohmann::json Where;               ///< Partial index predicate (null if none).
  std::vector<std::string> WhereCanon; ///< canonicalExpr of each AND-ed conjunct.
  std::string File;
  unsigned Line = 0;
};

struct Table {
  std::string Name;
  std::vector<Column> Columns;
  std::vector<ForeignKey> ForeignKeys;
  bool ColumnsKnown = true; ///< False for CREATE TABLE AS / LIKE.
  const Column *column(const std::string &Name) const;
};

class Schema {
public:
  /// Replays the DDL in \p Source. Parse problems go to Errors (with the
  /// file and line) unless \p ReportErrors is false.
  void apply(const SqlSource &Source, bool MySQL = false, bool ReportErrors = true);
  /// Applies one already parsed statement node.
  void applyStatement(const nlohmann::json &Stmt, const std::string &File, unsigned Line);
  /// Adds an index (used to verify a suggested index).
  void addIndex(Index I);

  const Table *table(const std::string &Name) const;
  std::vector<const Index *> indexesOn(const std::string &Table) const;
  bool empty() const { return Tables.empty(); }

  std::map<std::string, Table> Tables; ///< Keyed by lower-case name.
  std::vector<Index> Indexes;
  std::vector<SqlSource> Sources;      ///< Everything applied, in order (for SQLite replay).
  std::vector<SchemaError> Errors;

private:
  void addConstraint(const std::string &Table, const nlohmann::json &Constraint,
                     const std::string *ColumnName, const std::string &File, unsigned Line);
  void dropIndex(const std::string &Name);
  void applyStatementImpl(const nlohmann::json &Stmt, const std::string &File, unsigned Line);
};

/// Lower-cases an identifier for lookups.
std::string foldName(const std::string &S);
/// Rewrites dialect-only DDL words the PostgreSQL parser rejects
/// (AUTOINCREMENT, AUTO_INCREMENT, ENGINE=..., WITHOUT ROWID, ...) to spaces
/// of the same length, so offsets and lines are unchanged.
std::string blankDialectNoise(std::string_view Text);

/// MySQL (best effort): index definitions the PostgreSQL parser does not know
/// become CREATE INDEX statements. Inside CREATE TABLE, `KEY|INDEX [name]
/// (cols)`, `UNIQUE KEY|INDEX [name] (cols)` and `CONSTRAINT c UNIQUE
/// KEY|INDEX ...` are removed from the column list and re-issued after the
/// statement; `FULLTEXT`/`SPATIAL` ones are dropped (no btree lookups).
/// `ALTER TABLE t ADD [UNIQUE] INDEX|KEY ...` likewise, `ALTER TABLE t DROP
/// INDEX|KEY i` and `DROP INDEX i ON t` become `DROP INDEX i`. Prefix lengths
/// (`col(10)`) and `USING BTREE|HASH` are dropped. Line numbers of the
/// statements that follow are kept.
std::string rewriteMySqlIndexes(std::string_view Script);

} // namespace prodready::sql

#endif

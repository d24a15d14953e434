//===- Migrations.h - find and order a project's schema migrations -*- C++ -*-===//
//
// The schema of a project is the result of its migrations applied in order.
// Given files and folders (option SchemaPaths), this finds the "up" SQL of
// every migration and orders it the way the migration tool would:
//
//   layout                       file names                      order / part used
//   plain ordered files          001_init.sql, 2_users.sql        version number, then name
//   golang-migrate               1_init.up.sql / 1_init.down.sql  number; .down.sql ignored
//   Flyway                       V1__init.sql, V1_1__x.sql,        versions (1 < 1.1 < 2);
//                                R__views.sql, U1__undo.sql        R__ after all V, U ignored
//   goose / dbmate / sql-migrate 20230101_x.sql with markers       only the Up section
//        (-- +goose Up/Down, -- migrate:up/down, -- +migrate Up/Down)
//   folder per migration         2023-01-01-000000_x/up.sql        folder version; down.sql ignored
//   dump                         schema.sql, structure.sql         psql \ meta-commands stripped
//
// When a folder holds a dump (schema.sql / structure.sql) at its top level
// and migrations too, the dump wins: it is the cumulative result.
// Versions compare as numbers, never as strings ("10_x" after "9_x").
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_MIGRATIONS_H
#define PRODREADY_LIB_SQL_MIGRATIONS_H

#include <string>
#include <string_view>
#include <vector>

namespace prodready::sql {

/// A problem with a schema source, located at file:line.
struct SchemaError {
  std::string File;
  unsigned Line = 0;
  std::string Message;
  std::string str() const; ///< "file:line: message"
};

/// A piece of SQL to replay, with where it came from.
struct SqlSource {
  std::string File;     ///< Path of the migration file ("<tu>" for SQL from C++).
  unsigned FirstLine = 1; ///< Line in File where Text starts.
  std::string Text;
};

enum class MigrationKind { Plain, GolangMigrateUp, FlywayVersioned, FlywayRepeatable, Marked, FolderUp, Dump };

/// How one file name is understood (exposed for tests).
struct MigrationFile {
  std::string Path;
  MigrationKind Kind = MigrationKind::Plain;
  std::vector<unsigned long long> Version; ///< Numeric components, compared lexicographically.
  bool Skip = false;                       ///< down/undo migrations.
};

/// Classifies \p Path (a file inside a migrations folder).
MigrationFile classifyMigration(const std::string &Path);

/// Orders classified migration files as the tools would (stable, numeric).
void orderMigrations(std::vector<MigrationFile> &Files);

/// Extracts the part of \p Text to apply: the Up section of goose/dbmate/
/// sql-migrate files, everything else otherwise; psql meta-commands
/// (lines starting with a backslash) are blanked. Line structure is kept so
/// offsets still map to the file's lines.
std::string upSection(std::string_view Text, bool &HadMarkers);

/// Finds, orders and reads the migrations under \p Paths (files or folders,
/// in the order given). Unreadable paths are reported in \p Errors.
std::vector<SqlSource> loadMigrations(const std::vector<std::string> &Paths,
                                      std::vector<SchemaError> &Errors);

} // namespace prodready::sql

#endif

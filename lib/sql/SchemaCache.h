//===- SchemaCache.h - one schema per process, rebuilt when files change -*- C++ -*-===//
//
// clang-tidy builds the checks for every translation unit and the sweep runs
// many translation units in one process: the migrations are found, parsed
// and (for SQLite) replayed once, then shared. The key is the dialect, the
// SchemaPaths, every migration file's path + mtime + size, and the text of
// schema statements found in the translation unit itself (if any), so
// editing a migration is picked up by the next run without a restart.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_SCHEMACACHE_H
#define PRODREADY_LIB_SQL_SCHEMACACHE_H

#include "Analysis.h"
#include "Migrations.h"
#include "Schema.h"
#include "Sqlite.h"

#include <memory>
#include <string>
#include <vector>

namespace prodready::sql {

struct LoadedSchema {
  Dialect D = Dialect::PostgreSQL;
  Schema S;
  std::unique_ptr<SqliteDatabase> Db; ///< SQLite dialect only.
  std::vector<SchemaError> Errors;    ///< Discovery + parse + replay problems.
};

/// Loads (or returns the cached) schema for \p Paths plus \p Extra sources
/// (schema statements written in C++), in dialect \p D (not Auto).
std::shared_ptr<LoadedSchema> loadSchema(const std::vector<std::string> &Paths, Dialect D,
                                         const std::vector<SqlSource> &Extra = {});

/// Builds without the cache (tests, fuzzing).
std::shared_ptr<LoadedSchema> buildSchema(const std::vector<SqlSource> &Sources, Dialect D);

/// Dispatches to the rules or the SQLite planner by the schema's dialect.
QueryAnalysis analyzeQuery(LoadedSchema &L, std::string_view Sql, const AnalysisOptions &Opts);

/// Number of schema builds so far (for tests of the cache).
unsigned schemaBuildCount();

} // namespace prodready::sql

#endif

// libFuzzer target for lib/sql: the migration text handling, the schema
// loader (both dialects) and the analysis of a query against it.
// Input: "<file name>\n<schema text>\n-- prodready-fuzz-query --\n<query>".
// Built with clang -fsanitize=fuzzer,address by test/sql/CMakeLists.txt and
// run for a bounded time by CTest (sql.fuzz).
#include "lib/sql/Migrations.h"
#include "lib/sql/SchemaCache.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace prodready::sql;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string In(reinterpret_cast<const char *>(Data), Size);
  size_t NL = In.find('\n');
  std::string Name = NL == std::string::npos ? In : In.substr(0, NL);
  std::string Rest = NL == std::string::npos ? "" : In.substr(NL + 1);
  static const std::string Sep = "\n-- prodready-fuzz-query --\n";
  size_t S = Rest.find(Sep);
  std::string Schema = S == std::string::npos ? Rest : Rest.substr(0, S);
  std::string Query = S == std::string::npos ? Rest : Rest.substr(S + Sep.size());

  (void)classifyMigration(Name);
  bool Markers = false;
  std::string Up = upSection(Schema, Markers);
  (void)normalizePlaceholders(Query, false);
  (void)normalizePlaceholders(Query, true);

  for (Dialect D : {Dialect::PostgreSQL, Dialect::SQLite, Dialect::MySQL}) {
    auto L = buildSchema({SqlSource{Name, 1, Up}}, D);
    for (auto &E : L->Errors)
      if (E.File != Name)
        __builtin_trap(); // errors must name the migration file
    AnalysisOptions O;
    (void)analyzeQuery(*L, Query, O);
  }
  return 0;
}

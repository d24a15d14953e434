//===- Parse.h - SQL text preparation and libpg_query parsing ---*- C++ -*-===//
//
// The PostgreSQL parser (libpg_query) is our SQL front-end for every dialect:
// it understands PostgreSQL fully and the common subset of SQLite/MySQL
// statements that queries use. Before parsing, client-library placeholders
// (`?`, `?3`, `:name`, `@name`, `$name`) are rewritten to `$n`, keeping a map
// from every byte of the rewritten text back to the original text, so a
// location reported by the parser points into the literal the user wrote.
//
// A dynamic part of a statement (a "hole": something the C++ code computes at
// run time) is spelled `/*hole*/?` by the caller; it becomes a parameter too,
// and its number is remembered so analyses can refuse to guess around it.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SQL_PARSE_H
#define PRODREADY_LIB_SQL_PARSE_H

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::sql {

/// How dynamic parts of a recovered statement are spelled in its text.
inline constexpr std::string_view HoleMarker = "/*hole*/?";

enum class Dialect { Auto, PostgreSQL, SQLite, MySQL };
/// "postgresql"/"postgres"/"pg", "sqlite"/"sqlite3", "mysql"/"mariadb", "auto".
std::optional<Dialect> parseDialect(std::string_view S);
const char *dialectName(Dialect D);

/// A statement with placeholders rewritten to `$n`.
struct NormalizedSql {
  std::string Text;                ///< Rewritten text handed to the parser.
  std::vector<size_t> OriginalOffset; ///< Text offset -> offset in the input (size Text.size()+1).
  std::set<int> HoleParams;        ///< Parameter numbers that stand for holes.
  /// Named placeholders -> parameter number (`:name`/`@name` as "name", `$name` as "$name").
  std::map<std::string, int> Named;
  int ParamCount = 0;
  size_t original(size_t Offset) const {
    return Offset < OriginalOffset.size() ? OriginalOffset[Offset]
                                          : (OriginalOffset.empty() ? 0 : OriginalOffset.back());
  }
};

/// Marks a run-time part inside a bound parameter value (BoundValues).
inline constexpr char BoundHole = '\x1A';

/// Values the C++ code visibly binds to a statement's parameters. Key: the
/// parameter number as text ("1", "2"...) or the placeholder name as written
/// (":name", "@name", "$name"); value: the recovered text, with BoundHole for
/// every part computed at run time.
using BoundValues = std::map<std::string, std::string>;

/// The bound value of parameter \p Number of \p Norm, or null.
const std::string *boundValue(const BoundValues &B, const NormalizedSql &Norm, int Number);

/// Rewrites placeholders; string literals, quoted identifiers, comments and
/// dollar-quoted bodies are left alone. With \p MySQL, backquoted identifiers
/// become double-quoted ones.
NormalizedSql normalizePlaceholders(std::string_view Sql, bool MySQL = false);

/// A parse error: message and byte offset into the *original* text.
struct ParseError {
  std::string Message;
  size_t Offset = 0;
};

/// One parsed statement of a (possibly multi-statement) text.
struct ParsedStatement {
  nlohmann::json Node;   ///< The statement node, e.g. {"SelectStmt": {...}}.
  size_t Begin = 0;      ///< Offset of the statement in the normalized text.
  size_t Length = 0;
};

struct ParseResult {
  NormalizedSql Norm;
  std::vector<ParsedStatement> Statements;
  std::optional<ParseError> Error;
  bool ok() const { return !Error.has_value(); }
};

/// Normalizes and parses \p Sql with libpg_query. Never throws.
ParseResult parseSql(std::string_view Sql, bool MySQL = false);

/// Splits a script into statements with the libpg_query scanner (robust to
/// syntax errors inside a statement): (begin, length) pairs into \p Sql.
std::vector<std::pair<size_t, size_t>> splitStatements(std::string_view Sql);

/// 1-based line of \p Offset in \p Text.
unsigned lineOf(std::string_view Text, size_t Offset);

// ---- small helpers over the libpg_query JSON tree --------------------------

/// The single key of a node object ("SelectStmt"), or "" for non-nodes.
std::string nodeType(const nlohmann::json &N);
/// The body of a node object (N[nodeType(N)]), or null json.
const nlohmann::json &nodeBody(const nlohmann::json &N);
/// "location" of a node (searching one level down), or -1.
int nodeLocation(const nlohmann::json &N);
/// Values of a list of {"String":{"sval":...}} nodes.
std::vector<std::string> stringList(const nlohmann::json &L);
/// A canonical text of an expression for comparison: column references are
/// reduced to their last field (the column), locations dropped, identifiers
/// lower-cased. Two expressions are "the same" when their canonical texts match.
std::string canonicalExpr(const nlohmann::json &N);
/// A readable SQL rendering of common expression nodes (for messages and
/// suggested indexes). Column references are unqualified when \p Unqualify.
std::string renderExpr(const nlohmann::json &N, bool Unqualify = false);

} // namespace prodready::sql

#endif

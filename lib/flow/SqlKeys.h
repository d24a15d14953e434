//===- SqlKeys.h - which SQL placeholders select rows, which check owners -*- C++ -*-===//
//
// A light, dialect-tolerant reading of one SQL statement: its verb and table,
// and for each placeholder ($1, ?, :name, or a spliced hole) whether it is
// compared with a key column (id, doc_id...) or with an ownership column
// (owner_id, user_id, tenant_id...). The trusted-client-id check uses it to
// tell `WHERE id = $1` (object selected by the client) from
// `WHERE id = $1 AND owner_id = $2` (ownership predicate, guard when $2 is
// the authenticated user). Not a parser: it only looks at `col = ph`,
// `ph = col` and `col IN (ph...)` in WHERE/ON/SET-free parts.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_FLOW_SQLKEYS_H
#define PRODREADY_LIB_FLOW_SQLKEYS_H

#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::flow {

/// Text that stands for a spliced (non-literal) part of a statement; pass it
/// as StringRecovery's placeholder.
inline constexpr const char *SqlHole = "__prodready_hole__";

struct SqlPlaceholder {
  /// 1-based position among bound parameters ($n gives n; `?` counts in order;
  /// :name counts in order of first appearance). 0 for a spliced hole.
  int Position = 0;
  /// 0-based index among spliced holes, -1 for bound parameters.
  int Hole = -1;
  std::string Name;    ///< ":id" for named parameters, "" otherwise
  std::string Column;  ///< column it is compared with ("" if none)
  bool KeyColumn = false;   ///< column looks like an object key
  bool OwnerColumn = false; ///< column looks like an ownership column
  bool Where = false;       ///< compared with Column in WHERE/ON/HAVING
};

struct SqlStatementInfo {
  std::string Verb;  ///< upper-case first keyword: SELECT, UPDATE, DELETE, INSERT...
  std::string Table; ///< first table after FROM/UPDATE/INTO/DELETE FROM
  bool Write = false;
  std::vector<SqlPlaceholder> Placeholders;
  /// Columns compared with a constant in WHERE/ON/HAVING, value lower-cased
  /// without quotes: `visibility = 'public'` gives {"visibility", "public"};
  /// a bare flag (`WHERE slug = $1 AND public`) gives {"public", "true"}.
  std::vector<std::pair<std::string, std::string>> WhereConstants;
  /// Short form for messages: "SELECT … FROM documents".
  std::string summary() const;
  bool hasOwnerPredicate() const;
};

/// \p OwnerColumns: regex on a lower-cased column name (without table
/// qualifier). Default used when empty.
SqlStatementInfo analyseSql(std::string_view Sql, const std::string &OwnerColumns = "");
/// Same, with the ownership-column regex compiled once by the caller.
SqlStatementInfo analyseSql(std::string_view Sql, const std::regex &OwnerColumns);

/// Default ownership-column pattern.
const std::string &defaultOwnerColumns();

} // namespace prodready::flow

#endif

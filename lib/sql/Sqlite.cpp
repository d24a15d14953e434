#include "Sqlite.h"
#include "Parse.h"

#include <sqlite3.h>

#include <cctype>
#include <cstdlib>
#include <sstream>

namespace prodready::sql {

static std::string upper(std::string S) {
  for (char &C : S)
    C = static_cast<char>(std::toupper(static_cast<unsigned char>(C)));
  return S;
}

std::vector<PlanAccess> readPlan(const std::vector<PlanRow> &Rows) {
  std::vector<PlanAccess> Out;
  for (auto &R : Rows) {
    std::istringstream In(R.Detail);
    std::vector<std::string> W;
    for (std::string T; In >> T;)
      W.push_back(T);
    if (W.empty())
      continue;
    std::string Verb = upper(W[0]);
    if (Verb != "SCAN" && Verb != "SEARCH")
      continue;
    size_t I = 1;
    if (I < W.size() && (upper(W[I]) == "TABLE" || upper(W[I]) == "SUBQUERY"))
      ++I; // "SCAN TABLE t" (older releases)
    if (I >= W.size())
      continue;
    std::string Name = W[I];
    // "SCAN CONSTANT ROW", "SCAN (subquery-1)", "SCAN 1 CONSTANT ROW"
    if (upper(Name) == "CONSTANT" || Name[0] == '(' || std::isdigit(static_cast<unsigned char>(Name[0])))
      continue;
    PlanAccess A;
    A.Name = Name;
    // "SCAN t AS x" (older): the alias is what the statement calls it.
    if (I + 2 < W.size() && upper(W[I + 1]) == "AS")
      A.Name = W[I + 2];
    A.Scan = Verb == "SCAN";
    A.Search = Verb == "SEARCH";
    std::string U = upper(R.Detail);
    A.Automatic = U.find("AUTOMATIC") != std::string::npos;
    A.UsingIndex = U.find(" INDEX") != std::string::npos || U.find("PRIMARY KEY") != std::string::npos;
    if (U.find("VIRTUAL TABLE") != std::string::npos)
      continue;
    A.Detail = R.Detail;
    Out.push_back(std::move(A));
  }
  return Out;
}

/// Replaying a migration runs its statements: a seed INSERT ... SELECT with a
/// runaway recursive CTE must not hang the compiler. Every statement gets a
/// budget of virtual-machine steps.
static int progressGuard(void *Counter) {
  auto *N = static_cast<unsigned long *>(Counter);
  return ++*N > 20000 ? 1 : 0; // x 1000 steps
}

SqliteDatabase::SqliteDatabase() {
  if (sqlite3_open_v2(":memory:", &Db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    sqlite3_close(Db);
    Db = nullptr;
    return;
  }
  sqlite3_progress_handler(Db, 1000, progressGuard, &Steps);
  sqlite3_limit(Db, SQLITE_LIMIT_LENGTH, 10 * 1000 * 1000);
  // Never touch files: ATTACH of a path is refused.
  sqlite3_limit(Db, SQLITE_LIMIT_ATTACHED, 0);
}

SqliteDatabase::~SqliteDatabase() {
  if (Db)
    sqlite3_close(Db);
}

std::vector<std::pair<size_t, size_t>> splitSqliteStatements(std::string_view Sql) {
  std::vector<std::pair<size_t, size_t>> Out;
  size_t Start = 0;
  std::string Acc;
  for (size_t I = 0; I < Sql.size(); ++I) {
    if (Sql[I] != ';')
      continue;
    Acc.assign(Sql.substr(Start, I + 1 - Start));
    if (sqlite3_complete(Acc.c_str())) {
      Out.emplace_back(Start, I + 1 - Start);
      Start = I + 1;
    }
  }
  // Trailing statement without ';'.
  std::string_view Rest = Sql.substr(Start);
  bool Blank = true;
  for (char C : Rest)
    if (!std::isspace(static_cast<unsigned char>(C)))
      Blank = false;
  if (!Blank)
    Out.emplace_back(Start, Sql.size() - Start);
  return Out;
}

bool SqliteDatabase::exec(std::string_view Sql, std::string &Error) {
  if (!Db) {
    Error = "SQLite is not available";
    return false;
  }
  std::string S(Sql);
  Steps = 0;
  char *Msg = nullptr;
  int Rc = sqlite3_exec(Db, S.c_str(), nullptr, nullptr, &Msg);
  if (Rc != SQLITE_OK) {
    Error = Msg ? Msg : sqlite3_errmsg(Db);
    sqlite3_free(Msg);
    return false;
  }
  return true;
}

void SqliteDatabase::replay(const std::vector<SqlSource> &Sources, std::vector<SchemaError> &Errors) {
  if (!Db) {
    Errors.push_back({"<sqlite>", 0, "cannot open an in-memory SQLite database"});
    return;
  }
  for (auto &Src : Sources) {
    for (auto [B, L] : splitSqliteStatements(Src.Text)) {
      std::string Stmt(Src.Text.substr(B, L));
      bool Blank = true;
      {
        // Skip statements that are only comments/whitespace.
        for (size_t I = 0; I < Stmt.size(); ++I) {
          if (std::isspace(static_cast<unsigned char>(Stmt[I])) || Stmt[I] == ';')
            continue;
          if (Stmt.compare(I, 2, "--") == 0) {
            size_t E = Stmt.find('\n', I);
            I = E == std::string::npos ? Stmt.size() : E;
            continue;
          }
          if (Stmt.compare(I, 2, "/*") == 0) {
            size_t E = Stmt.find("*/", I + 2);
            I = E == std::string::npos ? Stmt.size() : E + 1;
            continue;
          }
          Blank = false;
          break;
        }
      }
      if (Blank)
        continue;
      std::string Err;
      if (!exec(Stmt, Err)) {
        size_t Lead = 0;
        while (Lead < Stmt.size() && std::isspace(static_cast<unsigned char>(Stmt[Lead])))
          ++Lead;
        int Off = sqlite3_error_offset(Db);
        size_t At = B + (Off >= 0 ? static_cast<size_t>(Off) : Lead);
        Errors.push_back({Src.File, Src.FirstLine - 1 + lineOf(Src.Text, At), "SQLite rejected schema statement: " + Err});
      }
    }
  }
}

bool SqliteDatabase::explain(std::string_view Sql, std::vector<PlanRow> &Rows, std::string &Error,
                             size_t &ErrorOffset, const std::map<std::string, std::string> &Bound) {
  ErrorOffset = std::string::npos;
  if (!Db) {
    Error = "SQLite is not available";
    return false;
  }
  static const std::string Prefix = "EXPLAIN QUERY PLAN ";
  std::string S = Prefix + std::string(Sql);
  Steps = 0;
  sqlite3_stmt *St = nullptr;
  if (sqlite3_prepare_v2(Db, S.c_str(), static_cast<int>(S.size()), &St, nullptr) != SQLITE_OK) {
    Error = sqlite3_errmsg(Db);
    int Off = sqlite3_error_offset(Db);
    if (Off >= static_cast<int>(Prefix.size()))
      ErrorOffset = static_cast<size_t>(Off) - Prefix.size();
    sqlite3_finalize(St);
    return false;
  }
  if (!St) { // empty statement
    return true;
  }
  // Binding a value the LIKE optimisation depends on expires the statement;
  // the first step re-prepares it with the value (sqlite3_prepare_v2).
  for (const auto &[Key, Value] : Bound) {
    int Index = 0;
    if (!Key.empty() && std::isdigit(static_cast<unsigned char>(Key[0])))
      Index = std::atoi(Key.c_str());
    else
      Index = sqlite3_bind_parameter_index(St, Key.c_str());
    if (Index > 0 && Index <= sqlite3_bind_parameter_count(St))
      sqlite3_bind_text(St, Index, Value.data(), static_cast<int>(Value.size()), SQLITE_TRANSIENT);
  }
  int Rc;
  while ((Rc = sqlite3_step(St)) == SQLITE_ROW) {
    PlanRow R;
    R.Id = sqlite3_column_int(St, 0);
    R.Parent = sqlite3_column_int(St, 1);
    const unsigned char *D = sqlite3_column_text(St, 3);
    R.Detail = D ? reinterpret_cast<const char *>(D) : "";
    Rows.push_back(std::move(R));
  }
  bool Ok = Rc == SQLITE_DONE;
  if (!Ok)
    Error = sqlite3_errmsg(Db);
  sqlite3_finalize(St);
  return Ok;
}

} // namespace prodready::sql

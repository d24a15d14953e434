// SQLite repository for documents, users and the audit log.
#include "app.h"

#include <stdexcept>

namespace docshare {
namespace {

// Our own wrapper around sqlite3_prepare_v2: the annotation tells prodready
// that its parameter is SQL, so the statements below are checked at the call.
#if defined(__clang__)
#define DOCSHARE_SQL [[clang::annotate("prodready::sql")]]
#else
#define DOCSHARE_SQL
#endif

struct Stmt {
  sqlite3_stmt *s = nullptr;
  Stmt(sqlite3 *db, DOCSHARE_SQL const char *sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK)
      throw std::runtime_error(sqlite3_errmsg(db));
  }
  ~Stmt() { sqlite3_finalize(s); }
};

std::string text(sqlite3_stmt *s, int col) {
  const unsigned char *t = sqlite3_column_text(s, col);
  return t ? reinterpret_cast<const char *>(t) : "";
}

Document readDocument(sqlite3_stmt *s) {
  Document d;
  d.id = sqlite3_column_int64(s, 0);
  d.owner_id = sqlite3_column_int64(s, 1);
  d.title = text(s, 2);
  d.body = text(s, 3);
  return d;
}

} // namespace

// Correct: primary-key lookup.
std::optional<Document> DocumentRepository::findById(int64_t id) {
  Stmt st(db_, "SELECT id, owner_id, title, body FROM documents WHERE id = ?");
  sqlite3_bind_int64(st.s, 1, id);
  if (sqlite3_step(st.s) == SQLITE_ROW)
    return readDocument(st.s);
  return std::nullopt;
}

// Correct: documents_owner_id_idx (migration 002) serves this.
std::vector<Document> DocumentRepository::listByOwner(int64_t owner_id) {
  Stmt st(db_, "SELECT id, owner_id, title, body FROM documents "
               "WHERE owner_id = ? ORDER BY id");
  sqlite3_bind_int64(st.s, 1, owner_id);
  std::vector<Document> out;
  while (sqlite3_step(st.s) == SQLITE_ROW)
    out.push_back(readDocument(st.s));
  return out;
}

// DEFECT (prodready-unindexed-query): documents.title has no index; every
// search reads the whole table.
std::vector<Document> DocumentRepository::searchByTitle(const std::string &t) {
  Stmt st(db_, "SELECT id, owner_id, title, body FROM documents WHERE title = ?");
  sqlite3_bind_text(st.s, 1, t.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<Document> out;
  while (sqlite3_step(st.s) == SQLITE_ROW)
    out.push_back(readDocument(st.s));
  return out;
}

// DEFECT (prodready-unindexed-query): users.name is not indexed (email is).
std::optional<User> DocumentRepository::findUserByName(const std::string &name) {
  Stmt st(db_, "SELECT id, email, name FROM users WHERE name = ?");
  sqlite3_bind_text(st.s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(st.s) != SQLITE_ROW)
    return std::nullopt;
  return User{sqlite3_column_int64(st.s, 0), text(st.s, 1), text(st.s, 2)};
}

bool DocumentRepository::deleteById(int64_t id) {
  Stmt st(db_, "DELETE FROM documents WHERE id = ?");
  sqlite3_bind_int64(st.s, 1, id);
  return sqlite3_step(st.s) == SQLITE_DONE && sqlite3_changes(db_) > 0;
}

void DocumentRepository::recordAudit(int64_t document_id, int64_t actor_id,
                                     const std::string &action) {
  Stmt st(db_, "INSERT INTO audit_log (document_id, actor_id, action, at) "
               "VALUES (?, ?, ?, datetime('now'))");
  sqlite3_bind_int64(st.s, 1, document_id);
  sqlite3_bind_int64(st.s, 2, actor_id);
  sqlite3_bind_text(st.s, 3, action.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(st.s);
}

// DEFECT (prodready-unindexed-query): audit_log.document_id has no index.
std::vector<std::string> DocumentRepository::auditTrail(int64_t document_id) {
  Stmt st(db_, "SELECT action FROM audit_log WHERE document_id = ? ORDER BY at");
  sqlite3_bind_int64(st.s, 1, document_id);
  std::vector<std::string> out;
  while (sqlite3_step(st.s) == SQLITE_ROW)
    out.push_back(text(st.s, 0));
  return out;
}

} // namespace docshare

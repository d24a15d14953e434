// docshare: shared declarations.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace docshare {

struct Document {
  int64_t id = 0;
  int64_t owner_id = 0;
  std::string title;
  std::string body;
};

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
};

struct Config {
  std::string db_path;
  std::string admin_token;
  std::string payments_key;
  int port = 8080;
};

Config load_config();

// Repository over the SQLite database (repository.cpp).
class DocumentRepository {
public:
  explicit DocumentRepository(sqlite3 *db) : db_(db) {}
  std::optional<Document> findById(int64_t id);
  std::vector<Document> listByOwner(int64_t owner_id);
  std::vector<Document> searchByTitle(const std::string &text);
  std::optional<User> findUserByName(const std::string &name);
  bool deleteById(int64_t id);
  void recordAudit(int64_t document_id, int64_t actor_id, const std::string &action);
  std::vector<std::string> auditTrail(int64_t document_id);

private:
  sqlite3 *db_;
};

// Sessions (sessions.cpp): token -> user id of the authenticated caller.
std::optional<int64_t> session_user(const std::string &token);
std::string start_session(int64_t user_id);
void remember_recent_search(const std::string &query);

} // namespace docshare

// Application-side declarations shared by the trusted-client-id tests: a
// repository, the session helpers and the authorization functions a typical
// service has. Only names matter: they are recognised through the model
// (repository-sinks, principal-sources, authorization-guards).
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace app {
struct Document {
  int id = 0;
  int owner_id = 0;
  std::string title, body;
};
struct User {
  int id = 0;
  bool admin = false;
};

class DocumentRepository {
public:
  Document findById(int id);
  std::vector<Document> findByTitle(const std::string &title);
  Document findByIdAndOwner(int id, int owner);
  void deleteById(int id);
  void updateTitle(int id, const std::string &title);
  std::vector<Document> findByOwner(int owner);
  int findSession(const std::string &token);
  int count();
};

class Logger {
public:
  void info(const std::string &msg);
  void get(int id); // not a repository: Logger does not match the type pattern
};

User current_user(const std::string &cookie); // principal (model: principal-sources)
bool can_edit(const User &u, int doc_id);      // guard (model: authorization-guards)
bool can_read(const User &u, const Document &d);
bool is_admin(const User &u);                  // role guard
void require_owner(const User &u, int doc_id); // throws when not the owner
} // namespace app

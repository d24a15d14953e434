// cpp-httplib handlers (real <httplib.h>): sources, sinks, guards, helpers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include "app.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

using namespace app;

pqxx::connection *conn;
sqlite3 *db;
DocumentRepository repo;
Logger logger;

struct DocRef {
  int id = 0;
  std::string note;
};

// A helper defined in this TU: its parameter reaches a delete.
static void remove_document(int doc_id) { repo.deleteById(doc_id); }

// A helper that authorizes (throws); its name is not in the model: the
// summary says it guards.
static void ensure_document_access(const User &u, int doc_id) {
  if (!can_edit(u, doc_id))
    throw std::runtime_error("forbidden");
}

void routes(httplib::Server &svr) {
  // ---- positives ------------------------------------------------------------

  svr.Get(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*conn);
    std::string id = req.matches[1];
    auto r = txn.exec_params("SELECT title, body FROM documents WHERE id = $1", id);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'id' from route parameter of 'GET /docs/(\d+)' reaches 'txn.exec_params' (SELECT … FROM documents) without an authorization check against the authenticated user [CWE-639] [prodready-trusted-client-id]
    res.set_content(r[0][0].c_str(), "text/plain");
  });

  svr.Delete("/documents", [](const httplib::Request &req, httplib::Response &res) {
    int doc = std::stoi(req.get_param_value("doc_id"));
    repo.deleteById(doc);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'doc' from query parameter 'doc_id' of 'DELETE /documents' reaches 'repo.deleteById' (write) without an authorization check
    res.status = 204;
  });

  svr.Post("/documents/delete", [](const httplib::Request &req, httplib::Response &res) {
    auto body = nlohmann::json::parse(req.body);
    int id = body["doc_id"].get<int>();
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "DELETE FROM documents WHERE id = ?", -1, &stmt, nullptr);
    sqlite3_bind_int(stmt, 1, id);
    sqlite3_step(stmt);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from request field 'doc_id' of 'POST /documents/delete' reaches 'sqlite3_step' (DELETE … FROM documents) without
    res.status = 204;
  });

  // The acting user taken from a header the client sets.
  svr.Get("/orders", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*conn);
    std::string uid = req.get_header_value("X-User-Id");
    auto r = txn.exec_params("SELECT * FROM orders WHERE user_id = $1", uid);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: client-asserted identity 'uid' from header 'X-User-Id' of 'GET /orders' selects whose data 'txn.exec_params' (SELECT … FROM orders) uses; the client can claim to be any user: take the acting user from the session or a verified token [CWE-290]
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // Through a helper of this TU.
  svr.Delete(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    int id = std::stoi(req.matches[1]);
    remove_document(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'DELETE /docs/(\d+)' reaches 'remove_document' (write)
    res.status = 204;
  });

  // Through a struct field.
  svr.Get(R"(/refs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    DocRef ref;
    ref.id = std::stoi(req.matches[1]);
    auto d = repo.findById(ref.id);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'id' from route parameter of 'GET /refs/(\d+)' reaches 'repo.findById' (read)
    res.set_content(d.body, "text/plain");
  });

  // A guard that does not control an exit: both branches reach the delete.
  svr.Patch(R"(/docs/(\d+)/purge)", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    if (can_edit(u, id)) {
      logger.info("allowed");
    }
    repo.deleteById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'PATCH /docs/(\d+)/purge' reaches 'repo.deleteById' (write)
    res.status = 204;
  });

  // The access sits on the failing side of the guard.
  svr.Put(R"(/docs/(\d+)/title)", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    if (!can_edit(u, id)) {
      repo.updateTitle(id, req.body);
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: object id 'id' from route parameter of 'PUT /docs/(\d+)/title' reaches 'repo.updateTitle' (write)
    }
    res.status = 204;
  });

  // A lambda capturing the id, and a loop over ids.
  svr.Post("/docs/bulk-delete", [](const httplib::Request &req, httplib::Response &res) {
    std::vector<std::string> ids;
    std::stringstream in(req.get_param_value("ids"));
    for (std::string s; std::getline(in, s, ',');)
      ids.push_back(s);
    for (const std::string &one : ids) {
      int id = std::stoi(one);
      auto drop = [&] { repo.deleteById(id); };
      // CHECK-MESSAGES: :[[@LINE-1]]:25: warning: object id 'id' from query parameter 'ids' of 'POST /docs/bulk-delete' reaches 'repo.deleteById' (write)
      drop();
    }
    res.status = 204;
  });

  // Spliced into the statement.
  svr.Delete(R"(/raw/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*conn);
    std::string id = req.matches[1];
    txn.exec("DELETE FROM documents WHERE id = " + id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'DELETE /raw/(\d+)' reaches 'txn.exec' (DELETE … FROM documents)
    txn.commit();
    res.status = 204;
  });

  // File named by the client.
  svr.Get(R"(/files/(\w+))", [](const httplib::Request &req, httplib::Response &res) {
    std::string name = req.matches[1];
    std::ifstream f("/srv/files/" + name);
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: object id 'name' from route parameter of 'GET /files/(\w+)' reaches 'std::basic_ifstream' (file read)
    std::stringstream ss;
    ss << f.rdbuf();
    res.set_content(ss.str(), "application/octet-stream");
  });

  // ---- negatives --------------------------------------------------------------

  // The id comes from the session: the caller's own record.
  svr.Get("/me/document", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    auto d = repo.findById(u.id);
    res.set_content(d.body, "text/plain");
  });
  svr.Get("/me/document2", [](const httplib::Request &req, httplib::Response &res) {
    res.set_content(repo.findById(current_user(req.get_header_value("Cookie")).id).body,
                    "text/plain");
  });

  // Ownership predicate bound to the session user.
  svr.Get(R"(/owned/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    pqxx::work txn(*conn);
    std::string id = req.matches[1];
    auto r = txn.exec_params("SELECT body FROM documents WHERE id = $1 AND owner_id = $2", id,
                             u.id);
    res.set_content(r.empty() ? "" : r[0][0].c_str(), "text/plain");
  });
  svr.Delete(R"(/owned/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    sqlite3_stmt *stmt = nullptr;
    sqlite3_prepare_v2(db, "DELETE FROM documents WHERE id = ?1 AND owner_id = ?2", -1, &stmt,
                       nullptr);
    sqlite3_bind_int(stmt, 1, id);
    sqlite3_bind_int(stmt, 2, u.id);
    sqlite3_step(stmt);
    res.status = 204;
  });

  // Guard call with an early return, on every path.
  svr.Delete(R"(/guarded/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    if (!can_edit(u, id)) {
      res.status = 403;
      return;
    }
    repo.deleteById(id);
    res.status = 204;
  });

  // Guard stored in a variable first.
  svr.Delete(R"(/guarded2/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    bool allowed = can_edit(u, id);
    if (!allowed) {
      res.status = 403;
      return;
    }
    repo.deleteById(id);
  });

  // A guard that throws.
  svr.Delete(R"(/guarded3/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    require_owner(u, id);
    repo.deleteById(id);
    res.status = 204;
  });

  // The guard lives in a helper of this TU.
  svr.Delete(R"(/guarded4/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    ensure_document_access(u, id);
    repo.deleteById(id);
    res.status = 204;
  });

  // Comparison with the principal: only your own profile.
  svr.Get(R"(/users/(\d+)/profile)", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    if (id != u.id) {
      res.status = 403;
      return;
    }
    res.set_content(repo.findById(id).body, "text/plain");
  });

  // Load, then check the owner before anything is returned.
  svr.Get(R"(/loaded/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    Document d = repo.findById(std::stoi(req.matches[1]));
    if (d.owner_id != u.id) {
      res.status = 404;
      return;
    }
    res.set_content(d.body, "text/plain");
  });
  svr.Get(R"(/loaded2/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    Document d = repo.findById(std::stoi(req.matches[1]));
    if (!can_read(u, d))
      return;
    res.set_content(d.body, "text/plain");
  });

  // Admin-only handler.
  svr.Delete(R"(/admin/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    if (!is_admin(u)) {
      res.status = 403;
      return;
    }
    repo.deleteById(std::stoi(req.matches[1]));
  });

  // Public route (default PublicRoutes).
  svr.Get(R"(/public/posts/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    res.set_content(repo.findById(std::stoi(req.matches[1])).body, "text/plain");
  });

  // A repository call scoped by the principal.
  svr.Get(R"(/scoped/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    auto d = repo.findByIdAndOwner(std::stoi(req.matches[1]), u.id);
    res.set_content(d.body, "text/plain");
  });

  // Not object keys: a page size, a search term, a non-repository object.
  svr.Get("/feed", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*conn);
    auto r = txn.exec_params("SELECT title FROM posts ORDER BY created DESC LIMIT $1",
                             std::stoi(req.get_param_value("limit")));
    auto t = repo.findByTitle(req.get_param_value("title"));
    logger.get(std::stoi(req.get_param_value("id")));
    res.set_content(std::to_string(r.size() + t.size()), "text/plain");
  });

  // Writing the client's value into a column is not an access by key.
  svr.Post("/docs", [](const httplib::Request &req, httplib::Response &res) {
    User u = current_user(req.get_header_value("Cookie"));
    pqxx::work txn(*conn);
    txn.exec_params("INSERT INTO documents (owner_id, title) VALUES ($1, $2)", u.id,
                    req.get_param_value("title"));
    txn.exec_params("UPDATE documents SET title = $1 WHERE owner_id = $2",
                    req.get_param_value("title"), u.id);
    res.status = 201;
  });
}

// Not a handler: an admin CLI with the same code.
void cli_delete(int id) { repo.deleteById(id); }

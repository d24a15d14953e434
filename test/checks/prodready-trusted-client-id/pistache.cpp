// Pistache REST handlers (real <pistache/router.h>): member functions bound
// with Routes::bind, route/query/body sources, and the guards.
// -fdelayed-template-parsing: <pistache/async.h> has a template body that
// clang rejects (a member of the wrong base) though it is never instantiated.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -fdelayed-template-parsing
#include "app.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

using namespace Pistache;
using namespace app;

class DocumentApi {
public:
  void setup(Rest::Router &router) {
    Rest::Routes::Get(router, "/docs/:id", Rest::Routes::bind(&DocumentApi::getDoc, this));
    Rest::Routes::Delete(router, "/docs/:id", Rest::Routes::bind(&DocumentApi::deleteDoc, this));
    Rest::Routes::Get(router, "/search", Rest::Routes::bind(&DocumentApi::search, this));
    Rest::Routes::Post(router, "/docs/:id/share", Rest::Routes::bind(&DocumentApi::share, this));
    Rest::Routes::Get(router, "/mine/:id", Rest::Routes::bind(&DocumentApi::getMine, this));
    Rest::Routes::Delete(router, "/owned/:id", Rest::Routes::bind(&DocumentApi::deleteOwned, this));
    Rest::Routes::Get(router, "/status/:id", Rest::Routes::bind(&DocumentApi::status, this));
    Rest::Routes::Get(router, "/checked/:id", Rest::Routes::bind(&DocumentApi::getChecked, this));
    Rest::Routes::Get(router, "/notes", Rest::Routes::bind(&DocumentApi::notes, this));
  }

  // ---- positives -----------------------------------------------------------
  void getDoc(const Rest::Request &request, Http::ResponseWriter response) {
    auto id = request.param(":id").as<int>();
    auto d = repo_.findById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'id' from route parameter 'id' of 'GET /docs/:id' reaches 'repo_.findById' (read) without an authorization check against the authenticated user [CWE-639] [prodready-trusted-client-id]
    response.send(Http::Code::Ok, d.body);
  }

  void deleteDoc(const Rest::Request &request, Http::ResponseWriter response) {
    int id = request.param(":id").as<int>();
    SQLite::Statement q(db_, "DELETE FROM documents WHERE id = :id");
    q.bind(":id", id);
    q.exec();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter 'id' of 'DELETE /docs/:id' reaches 'q.exec' (DELETE … FROM documents)
    response.send(Http::Code::No_Content);
  }

  void search(const Rest::Request &request, Http::ResponseWriter response) {
    auto docId = request.query().get("doc_id");
    auto d = repo_.findById(std::stoi(docId.value_or("0")));
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'docId' from query parameter 'doc_id' of 'GET /search' reaches 'repo_.findById' (read)
    response.send(Http::Code::Ok, d.title);
  }

  // The acting user named in the body.
  void share(const Rest::Request &request, Http::ResponseWriter response) {
    auto body = nlohmann::json::parse(request.body());
    int owner = body["user_id"].get<int>();
    SQLite::Statement q(db_, "SELECT title FROM documents WHERE owner_id = ?");
    q.bind(1, owner);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'owner' from request field 'user_id' of 'POST /docs/:id/share' selects whose data 'q.bind' (SELECT … FROM documents) uses
    response.send(Http::Code::Ok);
  }

  // ---- negatives -----------------------------------------------------------
  void getMine(const Rest::Request &request, Http::ResponseWriter response) {
    User u = current_user(request.cookies().get("session").value);
    auto id = request.param(":id").as<int>();
    if (!can_edit(u, id)) {
      response.send(Http::Code::Forbidden);
      return;
    }
    response.send(Http::Code::Ok, repo_.findById(id).body);
  }

  void deleteOwned(const Rest::Request &request, Http::ResponseWriter response) {
    User u = current_user(request.cookies().get("session").value);
    SQLite::Statement q(db_, "DELETE FROM documents WHERE id = ? AND owner_id = ?");
    q.bind(1, request.param(":id").as<int>());
    q.bind(2, u.id);
    q.exec();
    response.send(Http::Code::No_Content);
  }

  // A public handler, by annotation.
  [[clang::annotate("prodready::public")]]
  void status(const Rest::Request &request, Http::ResponseWriter response) {
    response.send(Http::Code::Ok, repo_.findById(request.param(":id").as<int>()).title);
  }

  void getChecked(const Rest::Request &request, Http::ResponseWriter response) {
    User u = current_user(request.cookies().get("session").value);
    Document d = repo_.findById(request.param(":id").as<int>());
    if (d.owner_id != u.id && !is_admin(u)) {
      response.send(Http::Code::Not_Found);
      return;
    }
    response.send(Http::Code::Ok, d.body);
  }

  // Query values that are not keys.
  void notes(const Rest::Request &request, Http::ResponseWriter response) {
    auto title = request.query().get("title");
    auto found = repo_.findByTitle(title.value_or(""));
    response.send(Http::Code::Ok, std::to_string(found.size() + repo_.count()));
  }

private:
  DocumentRepository repo_;
  SQLite::Database db_{"docs.db"};
};

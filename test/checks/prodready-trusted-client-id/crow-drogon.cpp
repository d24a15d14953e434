// Crow and Drogon through stub headers (Inputs/crow.h, Inputs/drogon.h): path
// parameters arrive as handler parameters; Drogon's request is a shared_ptr.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include "app.h"
#include "crow.h"
#include "drogon.h"

app::DocumentRepository repo;

struct Doc {
  using PrimaryKeyType = int;
  int id;
  int owner;
};

void crow_routes(crow::SimpleApp &app) {
  CROW_ROUTE(app, "/docs/<int>")([](const crow::request &req, int id) {
    return crow::response(repo.findById(id).body);
    // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: object id 'id' from route parameter 'id' of 'GET /docs/<int>' reaches 'repo.findById' (read)
  });
  CROW_ROUTE(app, "/v2/docs/<int>")([](const crow::request &req, int id) {
    app::User u = app::current_user(req.get_header_value("Cookie"));
    if (!app::can_read(u, repo.findById(id)))
      return crow::response(403);
    return crow::response(repo.findById(id).body);
  });
  CROW_ROUTE(app, "/docs")([](const crow::request &req) {
    repo.deleteById(std::stoi(req.url_params.get("doc_id")));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'doc_id' from query parameter 'doc_id' of 'GET /docs' reaches 'repo.deleteById' (write)
    return crow::response(204);
  });
}

class DocController {
public:
  void get(const drogon::HttpRequestPtr &req,
           std::function<void(const drogon::HttpResponsePtr &)> &&callback, int docId) {
    auto d = mapper_.findByPrimaryKey(docId);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'docId' from route parameter 'docId' reaches 'mapper_.findByPrimaryKey' (orm read)
    auto resp = drogon::HttpResponse::newHttpResponse();
    callback(resp);
  }
  void remove(const drogon::HttpRequestPtr &req,
              std::function<void(const drogon::HttpResponsePtr &)> &&callback) {
    mapper_.deleteByPrimaryKey(std::stoi(req->getParameter("id")));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from query parameter 'id' reaches 'mapper_.deleteByPrimaryKey' (orm write)
    callback(drogon::HttpResponse::newHttpResponse());
  }
  // Negative: the owner from the Drogon session.
  void mine(const drogon::HttpRequestPtr &req,
            std::function<void(const drogon::HttpResponsePtr &)> &&callback, int docId) {
    int me = req->session()->get<int>("user_id");
    auto d = mapper_.findByPrimaryKey(docId);
    if (d.owner != me) {
      auto r = drogon::HttpResponse::newHttpResponse();
      r->setStatusCode(drogon::k404NotFound);
      callback(r);
      return;
    }
    callback(drogon::HttpResponse::newHttpResponse());
  }
  // An unsigned cookie naming the user is a client-asserted identity.
  void byCookie(const drogon::HttpRequestPtr &req,
                std::function<void(const drogon::HttpResponsePtr &)> &&callback) {
    std::string who = req->getCookie("member");
    repo.findByOwner(std::stoi(who));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'who' from cookie 'member' selects whose data 'repo.findByOwner' (read) uses
    callback(drogon::HttpResponse::newHttpResponse());
  }
  // Negative: a session cookie is an opaque credential the server looks up.
  void bySessionCookie(const drogon::HttpRequestPtr &req,
                       std::function<void(const drogon::HttpResponsePtr &)> &&callback) {
    std::string sid = req->getCookie("session_token");
    repo.findSession(sid);
    callback(drogon::HttpResponse::newHttpResponse());
  }

private:
  drogon::orm::Mapper<Doc> mapper_;
};

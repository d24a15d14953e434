// Route paths recovered from Crow (CROW_ROUTE + .methods) and Drogon
// (ADD_METHOD_TO / METHOD_ADD constraint lists) for messages and PublicRoutes;
// routes behind a filter listed in AuthorizationFilters are authorized, a
// login-only filter is not; an httplib pre-routing handler that calls a listed
// filter authorizes the httplib routes of the file.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
// RUN: %check_prodready -check-suffix=FILTER %s prodready-trusted-client-id %t \
// RUN:   -config="{CheckOptions: {prodready-trusted-client-id.AuthorizationFilters: 'app::ProjectAccessFilter;check_object_access'}}" \
// RUN:   -- -- -std=c++17 -I%S/Inputs
#include "app.h"
#include "crow.h"
#include "drogon.h"

#include <httplib.h>

app::DocumentRepository repo;

void crow_routes(crow::SimpleApp &app) {
  CROW_ROUTE(app, "/docs/<int>")([](const crow::request &req, int id) {
    return crow::response(repo.findById(id).body);
    // CHECK-MESSAGES: :[[@LINE-1]]:27: warning: object id 'id' from route parameter 'id' of 'GET /docs/<int>' reaches 'repo.findById' (read)
    // CHECK-MESSAGES-FILTER: :[[@LINE-2]]:27: warning: object id 'id' from route parameter 'id' of 'GET /docs/<int>' reaches 'repo.findById' (read)
  });
  CROW_ROUTE(app, "/docs/<int>").methods(crow::HTTPMethod::Delete)([](const crow::request &req, int id) {
    repo.deleteById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter 'id' of 'DELETE /docs/<int>' reaches 'repo.deleteById' (write)
    // CHECK-MESSAGES-FILTER: :[[@LINE-2]]:5: warning: object id 'id' from route parameter 'id' of 'DELETE /docs/<int>' reaches 'repo.deleteById' (write)
    return crow::response(204);
  });
  // Negative: a public route (PublicRoutes default) recovered from CROW_ROUTE.
  CROW_ROUTE(app, "/public/docs/<int>")([](const crow::request &req, int id) {
    return crow::response(repo.findById(id).body);
  });
}

namespace app {
class LoginFilter : public drogon::HttpFilter<LoginFilter> {
public:
  void doFilter(const drogon::HttpRequestPtr &, drogon::FilterCallback &&, drogon::FilterChainCallback &&) override;
};
// Loads the project named by the path and checks the caller's membership.
class ProjectAccessFilter : public drogon::HttpFilter<ProjectAccessFilter> {
public:
  void doFilter(const drogon::HttpRequestPtr &, drogon::FilterCallback &&, drogon::FilterChainCallback &&) override;
};
} // namespace app

using Callback = std::function<void(const drogon::HttpResponsePtr &)>;

class Projects : public drogon::HttpController<Projects> {
public:
  METHOD_LIST_BEGIN
  ADD_METHOD_TO(Projects::get, "/projects/{1}", drogon::Get, "app::LoginFilter");
  ADD_METHOD_TO(Projects::remove, "/projects/{1}", drogon::Delete, "app::LoginFilter", "app::ProjectAccessFilter");
  METHOD_LIST_END

  // Login only: reported with and without the option.
  void get(const drogon::HttpRequestPtr &req, Callback &&cb, int id) {
    repo.findById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter 'id' of 'GET /projects/{1}' reaches 'repo.findById' (read)
    // CHECK-MESSAGES-FILTER: :[[@LINE-2]]:5: warning: object id 'id' from route parameter 'id' of 'GET /projects/{1}' reaches 'repo.findById' (read)
  }
  // Behind the object-authorizing filter: quiet with the option.
  void remove(const drogon::HttpRequestPtr &req, Callback &&cb, int id) {
    repo.deleteById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter 'id' of 'DELETE /projects/{1}' reaches 'repo.deleteById' (write)
  }
};

bool check_object_access(const httplib::Request &req);
bool logged_in(const httplib::Request &req);

void httplib_routes(httplib::Server &svr) {
  svr.set_pre_routing_handler([](const httplib::Request &req, httplib::Response &res) {
    if (!logged_in(req) || !check_object_access(req)) {
      res.status = 403;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  svr.Get(R"(/notes/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    repo.findById(std::stoi(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stoi(req.matches[1])' from route parameter of 'GET /notes/(\d+)' reaches 'repo.findById' (read)
  });
}

// Flow shapes: data members of a request-scoped handler object, continuation
// lambdas, role checks (role attributes, principal vs literal, flags set in a
// loop), and taint that does not depend on statement order inside a loop.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -fdelayed-template-parsing
#include "app.h"

#include <httplib.h>
#include <pistache/router.h>

#include <functional>
#include <string>
#include <vector>

app::DocumentRepository repo;

struct Session {
  int user_id = 0;
  bool staff = false;
  bool valid = false;
  std::vector<std::string> roles;
};
Session load_session(const std::string &cookie);

class DocHandler {
public:
  void get(const Pistache::Rest::Request &req, Pistache::Http::ResponseWriter resp) {
    id_ = req.param(":id").as<int>();
    load();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id_' from route parameter 'id' reaches 'load' (read)
    resp.send(Pistache::Http::Code::Ok, doc_.body);
  }
  void remove(const Pistache::Rest::Request &req, Pistache::Http::ResponseWriter resp) {
    this->id_ = req.param(":id").as<int>();
    repo.deleteById(this->id_);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id_' from route parameter 'id' reaches 'repo.deleteById' (write)
    resp.send(Pistache::Http::Code::Ok);
  }
  // Negative: the member holds the session user.
  void mine(const Pistache::Rest::Request &req, Pistache::Http::ResponseWriter resp) {
    id_ = load_session(req.headers().getRaw("Cookie").value()).user_id;
    load();
    resp.send(Pistache::Http::Code::Ok);
  }

private:
  void load() { doc_ = repo.findById(id_); }
  int id_ = 0;
  app::Document doc_;
};

void routes(httplib::Server &svr) {
  // Negative: staff only (a boolean role attribute of the session).
  svr.Delete(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Session s = load_session(req.get_header_value("Cookie"));
    if (!s.staff) {
      res.status = 403;
      return;
    }
    repo.deleteById(std::stoi(req.matches[1]));
  });
  // Positive: `valid` is not a role: only authentication.
  svr.Put(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Session s = load_session(req.get_header_value("Cookie"));
    if (!s.valid) {
      res.status = 401;
      return;
    }
    repo.updateTitle(std::stoi(req.matches[1]), req.body);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stoi(req.matches[1])' from route parameter of 'PUT /docs/(\d+)' reaches 'repo.updateTitle' (write)
  });
  // Negative: admin flag set in a loop over the roles.
  svr.Post(R"(/docs/(\d+)/purge)", [](const httplib::Request &req, httplib::Response &res) {
    Session s = load_session(req.get_header_value("Cookie"));
    bool admin = false;
    for (const auto &r : s.roles)
      if (r == "admin")
        admin = true;
    if (!admin) {
      res.status = 403;
      return;
    }
    repo.deleteById(std::stoi(req.matches[1]));
  });
  // Positive: the flag starts true, so the loop proves nothing.
  svr.Post(R"(/docs/(\d+)/archive)", [](const httplib::Request &req, httplib::Response &res) {
    Session s = load_session(req.get_header_value("Cookie"));
    bool admin = true;
    for (const auto &r : s.roles)
      if (r == "admin")
        admin = true;
    if (!admin)
      return;
    repo.deleteById(std::stoi(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stoi(req.matches[1])' from route parameter of 'POST /docs/(\d+)/archive' reaches 'repo.deleteById' (write)
  });
  // Positive: the id used in the loop body before the statement that assigns it.
  svr.Get("/docs/batch", [](const httplib::Request &req, httplib::Response &res) {
    int id = 0;
    for (int i = 0; i < 3; ++i) {
      if (i > 0)
        repo.findById(id);
      // CHECK-MESSAGES: :[[@LINE-1]]:9: warning: object id 'id' from query parameter 'doc_id' of 'GET /docs/batch' reaches 'repo.findById' (read)
      id = std::stoi(req.get_param_value("doc_id", i));
    }
  });
}

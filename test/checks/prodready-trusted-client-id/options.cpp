// Options and annotations: TrustedIdentityHeaders, PublicRoutes,
// prodready::authorizes / prodready::principal / prodready::public, and a
// user model file (prodready.ModelFiles) adding a guard and a sink.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
// RUN: %check_prodready -check-suffix=OPT %s prodready-trusted-client-id %t \
// RUN:   -config="{CheckOptions: {prodready-trusted-client-id.TrustedIdentityHeaders: 'X-Forwarded-User', prodready-trusted-client-id.PublicRoutes: '^/catalog/', prodready.ModelFiles: '%S/Inputs/acme-model.json'}}" \
// RUN:   -- -- -std=c++17 -I%S/Inputs
#include "app.h"

#include <httplib.h>

namespace acme {
struct Policy {
  void enforce(int user, int object); // throws when the user may not touch the object
};
struct Orm {
  app::Document get(int id);
};
} // namespace acme

[[clang::annotate("prodready::authorizes")]] bool may_touch(int user, int doc);
[[clang::annotate("prodready::principal")]] int whose_cookie(const std::string &cookie);

app::DocumentRepository repo;
acme::Policy policy;
acme::Orm orm;

void routes(httplib::Server &svr) {
  // Gateway header: an identity spoof by default, the principal when trusted.
  svr.Get("/inbox", [](const httplib::Request &req, httplib::Response &res) {
    std::string user = req.get_header_value("X-Forwarded-User");
    auto docs = repo.findById(std::stoi(user));
    // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: client-asserted identity 'user' from header 'X-Forwarded-User' of 'GET /inbox' selects whose data 'repo.findById' (read) uses
    res.set_content(docs.body, "text/plain");
  });

  // Public by option only.
  svr.Get(R"(/catalog/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    res.set_content(repo.findById(std::stoi(req.matches[1])).title, "text/plain");
    // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: object id 'std::stoi(req.matches[1])' from route parameter of 'GET /catalog/(\d+)' reaches 'repo.findById' (read)
  });

  // A guard known only from the user model file.
  svr.Delete(R"(/acme/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    int me = whose_cookie(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    policy.enforce(me, id);
    repo.deleteById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'DELETE /acme/(\d+)' reaches 'repo.deleteById' (write)
  });

  // A sink known only from the user model file.
  svr.Get(R"(/orm/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    res.set_content(orm.get(std::stoi(req.matches[1])).body, "text/plain");
    // CHECK-MESSAGES-OPT: :[[@LINE-1]]:21: warning: object id 'std::stoi(req.matches[1])' from route parameter of 'GET /orm/(\d+)' reaches 'orm.get' (orm read)
  });

  // Annotated guard and principal: quiet in both runs.
  svr.Delete(R"(/annotated/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    int me = whose_cookie(req.get_header_value("Cookie"));
    int id = std::stoi(req.matches[1]);
    if (!may_touch(me, id))
      return;
    repo.deleteById(id);
    repo.findById(me);
  });
}

// Annotated public handler: quiet in both runs.
[[clang::annotate("prodready::public")]] void landing(const httplib::Request &req,
                                                      httplib::Response &res) {
  res.set_content(repo.findById(std::stoi(req.get_param_value("doc_id"))).title, "text/plain");
}

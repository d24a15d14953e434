// cpp-jwt (real <jwt/jwt.hpp>): jwt::decode verifies the signature by default;
// the claims of the decoded token are the principal.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include "app.h"

#include <httplib.h>
#include <jwt/jwt.hpp>

app::DocumentRepository repo;
const char *key = nullptr;

void routes(httplib::Server &svr) {
  // Negative: the id is the verified subject.
  svr.Get("/me/doc", [](const httplib::Request &req, httplib::Response &res) {
    std::error_code ec;
    auto tok = jwt::decode(req.get_header_value("Authorization").substr(7),
                           jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(key));
    if (ec) {
      res.status = 401;
      return;
    }
    int uid = std::stoi(tok.payload().get_claim_value<std::string>("sub"));
    res.set_content(repo.findById(uid).body, "text/plain");
  });

  // Negative: owner compared with the verified subject after the load.
  svr.Get(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    std::error_code ec;
    auto tok = jwt::decode(req.get_header_value("Authorization").substr(7),
                           jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(key));
    int me = std::stoi(tok.payload().get_claim_value<std::string>("sub"));
    auto d = repo.findById(std::stoi(req.matches[1]));
    if (d.owner_id != me) {
      res.status = 404;
      return;
    }
    res.set_content(d.body, "text/plain");
  });

  // Positive: a token verified, but the document id from the path is not checked.
  svr.Delete(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    std::error_code ec;
    auto tok = jwt::decode(req.get_header_value("Authorization").substr(7),
                           jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(key));
    if (ec) {
      res.status = 401;
      return;
    }
    repo.deleteById(std::stoi(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stoi(req.matches[1])' from route parameter of 'DELETE /docs/(\d+)' reaches 'repo.deleteById' (write)
  });
}

// oatpp ENDPOINT parameters (PATH/QUERY/HEADER) and userver
// HandleRequestThrow, through stub headers of ours (Inputs/oatpp.h,
// Inputs/userver.h; Debian packages neither).
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include "app.h"
#include "oatpp.h"
#include "userver.h"

app::DocumentRepository repo;

class DocController : public oatpp::web::server::api::ApiController {
public:
  ENDPOINT("GET", "/docs/{docId}", getDoc, PATH(oatpp::Int64, docId)) {
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: object id 'docId' from route parameter 'docId' reaches 'getDoc' (read) without an authorization check against the authenticated user [CWE-639]
    return createResponse(Status::CODE_200, repo.findById(static_cast<int>(docId)).body);
  }

  ENDPOINT("GET", "/orders", orders, HEADER(oatpp::String, uid, "X-User-Id")) {
    // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: client-asserted identity 'X-User-Id' from header 'X-User-Id' selects whose data 'orders' (read) uses
    return createResponse(Status::CODE_200, repo.findById(std::stoi(uid)).title);
  }

  // Negative: a non-key query parameter.
  ENDPOINT("GET", "/search", search, QUERY(oatpp::String, title, "title")) {
    return createResponse(Status::CODE_200, repo.findByTitle(title).empty() ? "" : "found");
  }

  // Negative: the owner check inside the endpoint.
  ENDPOINT("DELETE", "/docs/{docId}", deleteDoc, PATH(oatpp::Int64, docId),
           HEADER(oatpp::String, cookie, "Cookie")) {
    app::User u = app::current_user(cookie);
    if (!app::can_edit(u, static_cast<int>(docId)))
      return createResponse(Status::CODE_403, "");
    repo.deleteById(static_cast<int>(docId));
    return createResponse(Status::CODE_200, "");
  }
};

class GetDoc final : public userver::server::handlers::HttpHandlerBase {
public:
  std::string HandleRequestThrow(const userver::server::http::HttpRequest &request,
                                 userver::server::request::RequestContext &) const override {
    int id = std::stoi(request.GetPathArg("id"));
    return repo.findById(id).body;
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: object id 'id' from route parameter 'id' reaches 'repo.findById' (read)
  }
};

class DeleteDoc final : public userver::server::handlers::HttpHandlerBase {
public:
  std::string HandleRequestThrow(const userver::server::http::HttpRequest &request,
                                 userver::server::request::RequestContext &) const override {
    repo.deleteById(std::stoi(request.GetArg("doc_id")));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'doc_id' from query parameter 'doc_id' reaches 'repo.deleteById' (write)
    return {};
  }
};

// Negative: the caller's own record (session cookie), and an admin-only handler.
class Me final : public userver::server::handlers::HttpHandlerBase {
public:
  std::string HandleRequestThrow(const userver::server::http::HttpRequest &request,
                                 userver::server::request::RequestContext &) const override {
    app::User u = app::current_user(request.GetCookie("sid"));
    return repo.findById(u.id).body;
  }
};
class AdminDelete final : public userver::server::handlers::HttpHandlerBase {
public:
  std::string HandleRequestThrow(const userver::server::http::HttpRequest &request,
                                 userver::server::request::RequestContext &) const override {
    app::User u = app::current_user(request.GetCookie("sid"));
    if (!app::is_admin(u)) {
      request.SetResponseStatus(userver::server::http::HttpStatus::kForbidden);
      return {};
    }
    repo.deleteById(std::stoi(request.GetPathArg("id")));
    return {};
  }
};

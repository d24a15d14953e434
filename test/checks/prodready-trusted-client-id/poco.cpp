// POCO Net (real libpoco-dev headers): HTTPRequestHandler::handleRequest
// overrides are handlers; the URI (Poco::URI path segments and query
// parameters), HTML form fields, headers and cookies are client-controlled.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include "app.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>
#include <sqlite3.h>

#include <fstream>
#include <string>
#include <vector>

using namespace Poco::Net;

app::DocumentRepository repo;
sqlite3 *db;

class GetDoc : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::vector<std::string> segs;
    Poco::URI(req.getURI()).getPathSegments(segs);
    int id = Poco::NumberParser::parse(segs.back());
    auto d = repo.findById(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'id' from request path reaches 'repo.findById' (read) without an authorization check against the authenticated user [CWE-639]
    resp.send() << d.body;
  }
};

class DeleteDoc : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    HTMLForm form(req, req.stream());
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "DELETE FROM docs WHERE id = ?", -1, &st, nullptr);
    sqlite3_bind_int(st, 1, Poco::NumberParser::parse(form.get("doc_id")));
    sqlite3_step(st);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'doc_id' from query parameter 'doc_id' reaches 'sqlite3_step' (DELETE … FROM docs) without an authorization check
    resp.send();
  }
};

class Export : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string name;
    for (const auto &kv : Poco::URI(req.getURI()).getQueryParameters())
      if (kv.first == "file")
        name = kv.second;
    std::ifstream in("/srv/exports/" + name);
    // CHECK-MESSAGES: :[[@LINE-1]]:19: warning: object id 'name' from request path reaches 'std::basic_ifstream' (file read)
    resp.send() << in.rdbuf();
  }
};

class Orders : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string uid = req.get("X-User-Id");
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT * FROM orders WHERE user_id = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, uid.c_str(), -1, SQLITE_TRANSIENT);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'uid' from header 'X-User-Id' selects whose data 'sqlite3_bind_text' (SELECT … FROM orders) uses
    resp.send();
  }
};

// Negative: session principal from the cookie, owner compared after the load.
class MyDoc : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    NameValueCollection cookies;
    req.getCookies(cookies);
    app::User u = app::current_user(cookies.get("sid"));
    std::vector<std::string> segs;
    Poco::URI(req.getURI()).getPathSegments(segs);
    auto d = repo.findById(Poco::NumberParser::parse(segs.back()));
    if (d.owner_id != u.id) {
      resp.setStatusAndReason(HTTPResponse::HTTP_FORBIDDEN);
      resp.send();
      return;
    }
    resp.send() << d.body;
  }
};

// Negative: admin only.
class AdminDelete : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    app::User u = app::current_user(req.get("Cookie", ""));
    if (!app::is_admin(u)) {
      resp.setStatusAndReason(HTTPResponse::HTTP_FORBIDDEN);
      resp.send();
      return;
    }
    HTMLForm form(req, req.stream());
    repo.deleteById(Poco::NumberParser::parse(form.get("id")));
    resp.send();
  }
};

// A base handler that fills members from the request and hands over to the
// route class's override: the overrides start with those members.
class ApiHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    app::User me = app::current_user(req.get("Cookie", ""));
    Poco::URI(req.getURI()).getPathSegments(segs_);
    handle(req, resp, me);
  }

protected:
  std::vector<std::string> segs_;
  int idAt(size_t i) const { return Poco::NumberParser::parse(segs_.at(i)); }
  virtual void handle(HTTPServerRequest &req, HTTPServerResponse &resp, const app::User &me) = 0;
};

class DocsApi : public ApiHandler {
  void handle(HTTPServerRequest &req, HTTPServerResponse &resp, const app::User &me) override {
    if (segs_.size() == 2 && req.getMethod() == "DELETE") {
      repo.deleteById(idAt(1));
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: object id 'idAt(1)' from request path reaches 'repo.deleteById' (write) without an authorization check
      return;
    }
    if (segs_.size() == 2) {
      std::ifstream in("/srv/docs/" + segs_.at(1) + ".pdf");
      // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: object id
      return;
    }
    // Negative: the caller's own record.
    auto d = repo.findById(me.id);
    resp.send() << d.body;
  }
};

// Negative: the override checks ownership first.
class OwnDocsApi : public ApiHandler {
  void handle(HTTPServerRequest &req, HTTPServerResponse &resp, const app::User &me) override {
    auto d = repo.findById(idAt(1));
    if (d.owner_id != me.id) {
      resp.setStatusAndReason(HTTPResponse::HTTP_FORBIDDEN);
      resp.send();
      return;
    }
    resp.send() << d.body;
  }
};

// Boost.Beast (real <boost/beast/http.hpp>): functions taking an
// http::request<...> are handlers; target(), body() and header fields are
// client-controlled. A function taking only an http::response is not a handler.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include "app.h"

#include <boost/beast/http.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

PGconn *pg;
app::DocumentRepository repo;

static std::string tail(boost::beast::string_view target) {
  std::string t(target);
  return t.substr(t.rfind('/') + 1);
}

Response get_doc(const Request &req) {
  int id = std::stoi(tail(req.target()));
  auto d = repo.findById(id);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: object id 'id' from request path reaches 'repo.findById' (read) without an authorization check against the authenticated user [CWE-639]
  Response res{http::status::ok, req.version()};
  res.body() = d.body;
  return res;
}

Response delete_doc(const Request &req) {
  auto in = nlohmann::json::parse(req.body());
  repo.deleteById(in.at("doc_id").get<int>());
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: object id 'in' from request field 'doc_id' reaches 'repo.deleteById' (write)
  return Response{http::status::no_content, req.version()};
}

Response my_invoices(const Request &req) {
  std::string uid(req["X-User-Id"]);
  const char *params[1] = {uid.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT * FROM invoices WHERE customer_id = $1", 1, nullptr, params, nullptr, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: client-asserted identity 'uid' from header 'X-User-Id' selects whose data 'PQexecParams' (SELECT … FROM invoices) uses
  PQclear(r);
  return Response{http::status::ok, req.version()};
}

// Negative: the caller's own record, from the session cookie.
Response me(const Request &req) {
  app::User u = app::current_user(std::string(req[http::field::cookie]));
  auto d = repo.findById(u.id);
  return Response{http::status::ok, req.version()};
}

// Negative: a guard with early return.
Response edit_doc(const Request &req) {
  app::User u = app::current_user(std::string(req[http::field::cookie]));
  int id = std::stoi(tail(req.target()));
  if (!app::can_edit(u, id))
    return Response{http::status::forbidden, req.version()};
  repo.updateTitle(id, std::string(req.body()));
  return Response{http::status::ok, req.version()};
}

// Negative: the response's fields are not client data, and a function that
// takes only a response is not a handler.
void decorate(Response &res, int id) {
  std::string etag(res[http::field::etag]);
  repo.findById(std::stoi(etag));
}

// Template handlers in the style of Beast's examples: analysed once, on their
// first instantiation, with the real request type.
template <class Body, class Allocator>
Response get_attachment(http::request<Body, http::basic_fields<Allocator>> &&req) {
  std::string path = "/srv/attachments/" + tail(req.target());
  FILE *f = std::fopen(path.c_str(), "rb");
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: object id 'path' from request path reaches 'std::fopen' (file access) without an authorization check
  if (f)
    std::fclose(f);
  return Response{http::status::ok, req.version()};
}

template <class Body, class Allocator>
Response get_own_attachment(http::request<Body, http::basic_fields<Allocator>> &&req) {
  app::User u = app::current_user(std::string(req[http::field::cookie]));
  std::string name = tail(req.target());
  if (!app::can_edit(u, std::stoi(name)))
    return Response{http::status::forbidden, req.version()};
  FILE *f = std::fopen(("/srv/attachments/" + name).c_str(), "rb");
  if (f)
    std::fclose(f);
  return Response{http::status::ok, req.version()};
}

// Two instantiations of each: one finding, not two.
Response route(Request &&a, http::request<http::empty_body> &&b, Request &&c) {
  get_attachment(std::move(a));
  get_attachment(std::move(b));
  return get_own_attachment(std::move(c));
}

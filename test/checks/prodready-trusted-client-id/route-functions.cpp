// Route functions that take no request, only a context a handler filled in,
// called directly by a hand-written dispatcher. Two handlers feed them: a
// synchronous Boost.Beast loop that reads each request into a local
// (`http::read(sock, buf, req)`), and a POCO handler. Real Beast, POCO and
// libpq headers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

PGconn *db;

struct Call {
  std::vector<std::string> seg; // path segments
  std::string body;
  std::string staff_id;         // set from the session row
  std::string staff_role;
  bool signed_in = false;
};

struct Answer {
  int status = 200;
  std::string text;
};

static PGresult *q(const char *sql, std::vector<std::string> args) {
  std::vector<const char *> v;
  for (const auto &a : args)
    v.push_back(a.c_str());
  return PQexecParams(db, sql, static_cast<int>(v.size()), nullptr, v.data(), nullptr, nullptr, 0);
}

// Sets who the caller is from the session row the cookie names.
static void sign_in(Call &c, const std::string &cookie) {
  const char *p[] = {cookie.c_str()};
  PGresult *r = PQexecParams(db, "SELECT staff_id, role FROM staff_sessions WHERE token = $1", 1,
                             nullptr, p, nullptr, nullptr, 0);
  if (PQntuples(r) == 1) {
    c.staff_id = PQgetvalue(r, 0, 0);
    c.staff_role = PQgetvalue(r, 0, 1);
    c.signed_in = true;
  }
  PQclear(r);
}

static std::vector<std::string> split(const std::string &path) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : path.substr(0, path.find('?'))) {
    if (ch == '/') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty())
    out.push_back(cur);
  return out;
}

// ---- route functions --------------------------------------------------------

Answer show_return(Call &c) {
  const char *p[] = {c.seg[1].c_str()};
  PGresult *r = PQexecParams(db, "SELECT sku, reason FROM returns WHERE id = $1", 1, nullptr, p,
                             nullptr, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:17: warning: object id 'c.seg[1].c_str()' from request path reaches 'PQexecParams' (SELECT … FROM returns) without an authorization check against the authenticated user [CWE-639]
  PQclear(r);
  return {};
}

// Negative: scoped to the signed-in clerk in the statement.
Answer my_return(Call &c) {
  const char *p[] = {c.seg[1].c_str(), c.staff_id.c_str()};
  PGresult *r = PQexecParams(db, "SELECT sku FROM returns WHERE id = $1 AND handled_by = $2", 2,
                             nullptr, p, nullptr, nullptr, 0);
  PQclear(r);
  return {};
}

// Negative: load, then compare the row's owner with the caller.
Answer return_label(Call &c) {
  PGresult *r = q("SELECT handled_by, label FROM returns WHERE id = $1", {c.seg[1]});
  if (PQntuples(r) == 0 || c.staff_id != PQgetvalue(r, 0, 0)) {
    PQclear(r);
    return {404, ""};
  }
  Answer a{200, PQgetvalue(r, 0, 1)};
  PQclear(r);
  return a;
}

// Negative: managers only (a role check on the principal the session set).
Answer purge_return(Call &c) {
  if (c.staff_role != "manager")
    return {403, ""};
  PQclear(q("DELETE FROM returns WHERE id = $1", {c.seg[1]}));
  return {};
}

// A body field names the clerk the note is filed as.
Answer add_note(Call &c) {
  auto j = nlohmann::json::parse(c.body);
  std::string clerk = std::to_string(j.at("author_id").get<long>());
  std::string text = j.value("text", "");
  PQclear(q("INSERT INTO return_notes(author_id, body) VALUES ($1, $2)", {clerk, text}));
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: client-asserted identity 'clerk' from request field 'author_id' selects whose data 'q' (INSERT INTO return_notes) uses
  return {};
}

// Negative: the note is filed as the caller.
Answer add_own_note(Call &c) {
  auto j = nlohmann::json::parse(c.body);
  PQclear(q("INSERT INTO return_notes(author_id, body) VALUES ($1, $2)", {c.staff_id, j.value("text", "")}));
  return {};
}

// Negative: the caller subscribes to a published topic the path names (the
// key picks a row anyone may read; the new row is the caller's).
Answer subscribe(Call &c) {
  PQclear(q("INSERT INTO subscriptions(staff_id, topic_id) SELECT $1, id FROM topics WHERE id = $2 AND published",
            {c.staff_id, c.seg[1]}));
  return {};
}

// Negative: a predicate on the context is a guard its callers use, not a
// route (its query is scoped to the caller anyway).
bool can_edit(Call &c) {
  PGresult *r = q("SELECT 1 FROM returns WHERE id = $1 AND handled_by = $2", {c.seg[1], c.staff_id});
  bool ok = PQntuples(r) == 1;
  PQclear(r);
  return ok;
}

// Negative: guarded by that predicate.
Answer reopen(Call &c) {
  if (!can_edit(c))
    return {403, ""};
  PQclear(q("UPDATE returns SET state = 'open' WHERE id = $1", {c.seg[1]}));
  return {};
}

Answer close_return(Call &c) {
  PQclear(q("UPDATE returns SET state = 'closed' WHERE id = $1", {c.seg[1]}));
  // CHECK-MESSAGES: :[[@LINE-1]]:11: warning: object id 'c.seg[1]' from request path reaches 'q' (UPDATE returns)
  return {};
}

Answer route(Call &c, const std::string &method) {
  if (!c.signed_in)
    return {401, ""};
  if (c.seg.size() == 2 && c.seg[0] == "returns" && method == "GET")
    return show_return(c);
  if (c.seg.size() == 3 && c.seg[2] == "mine")
    return my_return(c);
  if (c.seg.size() == 3 && c.seg[2] == "label")
    return return_label(c);
  if (c.seg.size() == 2 && method == "DELETE")
    return purge_return(c);
  if (c.seg.size() == 1 && c.seg[0] == "notes")
    return add_note(c);
  if (c.seg.size() == 3 && c.seg[2] == "notes")
    return add_own_note(c);
  if (c.seg.size() == 3 && c.seg[2] == "reopen")
    return reopen(c);
  if (c.seg.size() == 3 && c.seg[2] == "close")
    return close_return(c);
  if (c.seg.size() == 2 && c.seg[0] == "topics")
    return subscribe(c);
  return {404, ""};
}

// ---- handlers ---------------------------------------------------------------

// A synchronous Beast loop: the request is a local the loop reads into.
void serve(tcp::socket sock) {
  beast::flat_buffer buf;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> req;
    http::read(sock, buf, req, ec);
    if (ec)
      break;
    Call c;
    c.seg = split(std::string(req.target()));
    c.body = req.body();
    sign_in(c, std::string(req[http::field::cookie]));
    Answer a = route(c, std::string(req.method_string()));
    http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
    res.body() = a.text;
    res.prepare_payload();
    http::write(sock, res, ec);
  }
}

// Negative: a Beast client builds a request to send; it serves nothing.
std::string fetch_rates(tcp::socket &sock, const std::string &currency) {
  http::request<http::string_body> req{http::verb::get, "/rates/" + currency, 11};
  http::write(sock, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  PQclear(q("UPDATE rates SET body = $1 WHERE currency = $2", {res.body(), currency}));
  return res.body();
}

class ReturnsHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &resp) override {
    Call c;
    Poco::URI uri(req.getURI());
    uri.getPathSegments(c.seg);
    sign_in(c, req.get("Cookie", ""));
    Answer a = route(c, req.getMethod());
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
    resp.send() << a.text;
  }
};

// Held-out (second set): a notes service on Boost.Beast with libpq and cpp-jwt
// bearer tokens. Written as production code would look, before any change to
// the check for this set; first score in ../README.md.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <jwt/jwt.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

static PGconn *pg;
static const char *kJwtKey = nullptr; // loaded from the environment at startup

namespace notes {

struct Claims {
  std::string sub;
  std::vector<std::string> scopes;
};

// Verifies the bearer token and returns its claims; nullopt when invalid.
std::optional<Claims> verify_bearer(const Request &req) {
  auto auth = req[http::field::authorization];
  if (auth.size() < 8 || auth.substr(0, 7) != "Bearer ")
    return std::nullopt;
  std::error_code ec;
  auto obj = jwt::decode(std::string(auth.substr(7)), jwt::params::algorithms({"HS256"}), ec,
                         jwt::params::secret(kJwtKey), jwt::params::verify(true));
  if (ec)
    return std::nullopt;
  Claims c;
  c.sub = obj.payload().get_claim_value<std::string>("sub");
  return c;
}

Response reply(const Request &req, http::status st, std::string body) {
  Response res{st, req.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Last path segment of the target, without the query string.
std::string last_segment(beast::string_view target) {
  std::string t(target);
  auto q = t.find('?');
  if (q != std::string::npos)
    t.erase(q);
  return t.substr(t.rfind('/') + 1);
}

std::string query_value(beast::string_view target, const std::string &key) {
  std::string t(target);
  auto pos = t.find(key + "=");
  if (pos == std::string::npos)
    return "";
  auto end = t.find('&', pos);
  return t.substr(pos + key.size() + 1, end == std::string::npos ? std::string::npos : end - pos - key.size() - 1);
}

// GET /notes/<id>
Response get_note(const Request &req) {
  std::string id = last_segment(req.target());
  const char *params[1] = {id.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT title, body FROM notes WHERE id = $1", 1, nullptr, params, // EXPECT: idor
                             nullptr, nullptr, 0);
  std::string body = PQntuples(r) ? PQgetvalue(r, 0, 1) : "";
  PQclear(r);
  return reply(req, http::status::ok, body);
}

// GET /v2/notes/<id>: scoped to the token's subject.
Response get_note_v2(const Request &req) {
  auto claims = verify_bearer(req);
  if (!claims)
    return reply(req, http::status::unauthorized, "{}");
  std::string id = last_segment(req.target());
  const char *params[2] = {id.c_str(), claims->sub.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT title, body FROM notes WHERE id = $1 AND author = $2", 2, // EXPECT: ok
                             nullptr, params, nullptr, nullptr, 0);
  std::string body = PQntuples(r) ? PQgetvalue(r, 0, 1) : "";
  PQclear(r);
  return reply(req, http::status::ok, body);
}

// DELETE /notes/<id>: loads the author first and compares.
Response delete_note(const Request &req) {
  auto claims = verify_bearer(req);
  if (!claims)
    return reply(req, http::status::unauthorized, "{}");
  std::string id = last_segment(req.target());
  const char *p1[1] = {id.c_str()};
  PGresult *owner = PQexecParams(pg, "SELECT author FROM notes WHERE id = $1", 1, nullptr, p1, // EXPECT: ok
                                 nullptr, nullptr, 0);
  if (PQntuples(owner) == 0 || claims->sub != PQgetvalue(owner, 0, 0)) {
    PQclear(owner);
    return reply(req, http::status::not_found, "{}");
  }
  PQclear(owner);
  PGresult *d = PQexecParams(pg, "DELETE FROM notes WHERE id = $1", 1, nullptr, p1, nullptr, nullptr, 0); // EXPECT: ok
  PQclear(d);
  return reply(req, http::status::no_content, "");
}

// PUT /notes/<id>: body {"title": ...}; the author check was forgotten.
Response rename_note(const Request &req) {
  auto claims = verify_bearer(req);
  if (!claims)
    return reply(req, http::status::unauthorized, "{}");
  auto in = nlohmann::json::parse(req.body());
  std::string title = in.at("title").get<std::string>();
  std::string id = last_segment(req.target());
  const char *params[2] = {title.c_str(), id.c_str()};
  PGresult *r = PQexecParams(pg, "UPDATE notes SET title = $1 WHERE id = $2", 2, nullptr, params, // EXPECT: idor
                             nullptr, nullptr, 0);
  PQclear(r);
  return reply(req, http::status::ok, "{}");
}

// GET /me/notes: the caller's own notes, paged.
Response my_notes(const Request &req) {
  auto claims = verify_bearer(req);
  if (!claims)
    return reply(req, http::status::unauthorized, "{}");
  std::string limit = query_value(req.target(), "limit");
  const char *params[2] = {claims->sub.c_str(), limit.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT id, title FROM notes WHERE author = $1 ORDER BY id LIMIT $2", 2, // EXPECT: ok
                             nullptr, params, nullptr, nullptr, 0);
  PQclear(r);
  return reply(req, http::status::ok, "[]");
}

// GET /notes?author=<name>: lists anyone's notes by a query parameter.
Response notes_by_author(const Request &req) {
  auto claims = verify_bearer(req);
  if (!claims)
    return reply(req, http::status::unauthorized, "{}");
  std::string author = query_value(req.target(), "author");
  const char *params[1] = {author.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT id, title FROM notes WHERE author = $1", 1, nullptr, params, // EXPECT: idor
                             nullptr, nullptr, 0);
  PQclear(r);
  return reply(req, http::status::ok, "[]");
}

// POST /notes/share: the sharing user is taken from a header a client can set.
Response share_note(const Request &req) {
  std::string acting(req["X-User-Id"]);
  auto in = nlohmann::json::parse(req.body());
  std::string note = in.at("note_id").get<std::string>();
  std::string with = in.at("with").get<std::string>();
  const char *params[3] = {note.c_str(), with.c_str(), acting.c_str()};
  PGresult *r = PQexecParams(pg, // EXPECT: identity
                             "INSERT INTO shares (note_id, grantee, granted_by) "
                             "SELECT id, $2, author FROM notes WHERE id = $1 AND author = $3",
                             3, nullptr, params, nullptr, nullptr, 0);
  PQclear(r);
  return reply(req, http::status::created, "{}");
}

// Admin export: scope check on the token, then any note.
Response admin_export(const Request &req) {
  auto claims = verify_bearer(req);
  if (!claims)
    return reply(req, http::status::unauthorized, "{}");
  bool admin = false;
  for (const auto &s : claims->scopes)
    if (s == "notes:admin")
      admin = true;
  if (!admin)
    return reply(req, http::status::forbidden, "{}");
  std::string id = last_segment(req.target());
  const char *params[1] = {id.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT * FROM notes WHERE id = $1", 1, nullptr, params, nullptr, // EXPECT: ok
                             nullptr, 0);
  PQclear(r);
  return reply(req, http::status::ok, "{}");
}

// Generic template handler in the style of the Beast examples.
template <class Body, class Allocator>
http::response<http::string_body> handle_attachment(http::request<Body, http::basic_fields<Allocator>> &&req) {
  std::string name = last_segment(req.target());
  std::string path = "/var/lib/notes/attachments/" + name;
  FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: idor
  http::response<http::string_body> res{http::status::ok, req.version()};
  if (f)
    std::fclose(f);
  return res;
}

Response route(Request &&req) {
  std::string t(req.target());
  if (t.rfind("/attachments/", 0) == 0)
    return handle_attachment(std::move(req));
  if (t.rfind("/admin/notes/", 0) == 0)
    return admin_export(req);
  if (t == "/me/notes" || t.rfind("/me/notes?", 0) == 0)
    return my_notes(req);
  if (t.rfind("/notes?", 0) == 0)
    return notes_by_author(req);
  if (t == "/notes/share")
    return share_note(req);
  if (t.rfind("/v2/notes/", 0) == 0)
    return get_note_v2(req);
  if (req.method() == http::verb::delete_)
    return delete_note(req);
  if (req.method() == http::verb::put)
    return rename_note(req);
  return get_note(req);
}

} // namespace notes

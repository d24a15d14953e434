// Held-out (fourth set): a document-sharing service on Boost.Beast. Metadata
// and shares live in SQLite (SQLiteCpp), document bodies in a blob directory
// on disk; callers present cpp-jwt bearer tokens. Written blind, before
// scoring, with the check and its model unchanged.
#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;

namespace docshare {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

static SQLite::Database *db;
static std::string signing_key;                    // from the secrets mount
static const std::string kBlobRoot = "/var/lib/docshare/blobs/";

struct User {
  long id = 0;
  std::string org;
  bool admin = false;
};

// Verifies the bearer token (HS256); nullopt when missing, bad or expired.
std::optional<User> verify_token(const Request &req) {
  auto auth = req[http::field::authorization];
  if (auth.size() < 8 || auth.substr(0, 7) != "Bearer ")
    return std::nullopt;
  std::error_code ec;
  auto dec = jwt::decode(std::string(auth.substr(7)), jwt::params::algorithms({"HS256"}), ec,
                         jwt::params::secret(signing_key), jwt::params::verify(true));
  if (ec)
    return std::nullopt;
  User u;
  u.id = std::stol(dec.payload().get_claim_value<std::string>("sub"));
  u.org = dec.payload().get_claim_value<std::string>("org");
  u.admin = dec.payload().has_claim_with_value("role", "admin");
  return u;
}

Response make(const Request &req, http::status st, std::string body = "") {
  Response res{st, req.version()};
  res.set(http::field::content_type, "application/json");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

// Path segments of the target, without the query string.
std::vector<std::string> segments(beast::string_view target) {
  std::string t(target);
  auto q = t.find('?');
  if (q != std::string::npos)
    t.erase(q);
  std::vector<std::string> out;
  std::stringstream ss(t);
  std::string s;
  while (std::getline(ss, s, '/'))
    if (!s.empty())
      out.push_back(s);
  return out;
}

std::string query_param(beast::string_view target, const std::string &key) {
  std::string t(target);
  auto q = t.find('?');
  if (q == std::string::npos)
    return "";
  std::stringstream ss(t.substr(q + 1));
  std::string kv;
  while (std::getline(ss, kv, '&')) {
    auto eq = kv.find('=');
    if (eq != std::string::npos && kv.substr(0, eq) == key)
      return kv.substr(eq + 1);
  }
  return "";
}

// Owner of the document or anyone it was shared with.
bool can_read(long doc, long user) {
  SQLite::Statement q(*db, "SELECT 1 FROM documents d LEFT JOIN shares s ON s.doc_id = d.id "
                           "WHERE d.id = ? AND (d.owner_id = ? OR s.user_id = ?) LIMIT 1");
  q.bind(1, static_cast<int64_t>(doc)); // EXPECT: ok
  q.bind(2, static_cast<int64_t>(user));
  q.bind(3, static_cast<int64_t>(user));
  return q.executeStep();
}

// Owner, or a share with the editor role.
bool can_edit(long doc, long user) {
  SQLite::Statement q(*db, "SELECT 1 FROM documents d LEFT JOIN shares s ON s.doc_id = d.id AND s.role = 'editor' "
                           "WHERE d.id = ? AND (d.owner_id = ? OR s.user_id = ?) LIMIT 1");
  q.bind(1, static_cast<int64_t>(doc)); // EXPECT: ok
  q.bind(2, static_cast<int64_t>(user));
  q.bind(3, static_cast<int64_t>(user));
  return q.executeStep();
}

// GET /docs/<id>: metadata of any document for any logged-in user.
Response get_doc(const Request &req, const User &me) {
  (void)me;
  long id = std::stol(segments(req.target()).at(1));
  SQLite::Statement q(*db, "SELECT title, updated_at, size FROM documents WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: idor
  if (!q.executeStep())
    return make(req, http::status::not_found);
  nlohmann::json j{{"title", q.getColumn(0).getString()}, {"updated_at", q.getColumn(1).getString()}};
  return make(req, http::status::ok, j.dump());
}

// GET /v2/docs/<id>: same, behind the sharing check.
Response get_doc_v2(const Request &req, const User &me) {
  long id = std::stol(segments(req.target()).at(2));
  if (!can_read(id, me.id))
    return make(req, http::status::not_found);
  SQLite::Statement q(*db, "SELECT title, updated_at, size FROM documents WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  if (!q.executeStep())
    return make(req, http::status::not_found);
  nlohmann::json j{{"title", q.getColumn(0).getString()}, {"updated_at", q.getColumn(1).getString()}};
  return make(req, http::status::ok, j.dump());
}

// GET /docs/<id>/content: blob path looked up with the owner in the WHERE clause.
Response get_content(const Request &req, const User &me) {
  long id = std::stol(segments(req.target()).at(1));
  SQLite::Statement q(*db, "SELECT blob_key FROM documents WHERE id = ? AND owner_id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  q.bind(2, static_cast<int64_t>(me.id));
  if (!q.executeStep())
    return make(req, http::status::not_found);
  std::ifstream in(kBlobRoot + q.getColumn(0).getString(), std::ios::binary); // EXPECT: ok
  std::stringstream buf;
  buf << in.rdbuf();
  return make(req, http::status::ok, buf.str());
}

// GET /blobs/<key>: legacy direct download by storage key, nothing checked.
Response get_blob(const Request &req, const User &me) {
  (void)me;
  std::string key = segments(req.target()).at(1);
  if (key.find("..") != std::string::npos)
    return make(req, http::status::bad_request);
  std::ifstream in(kBlobRoot + key, std::ios::binary); // EXPECT: idor
  if (!in)
    return make(req, http::status::not_found);
  std::stringstream buf;
  buf << in.rdbuf();
  return make(req, http::status::ok, buf.str());
}

// POST /docs/<id>/shares: owner loads the document, compares, then adds a share.
Response add_share(const Request &req, const User &me) {
  long id = std::stol(segments(req.target()).at(1));
  auto body = nlohmann::json::parse(req.body());
  long grantee = body.at("user_id").get<long>();
  std::string role = body.value("role", "viewer");

  SQLite::Statement owner(*db, "SELECT owner_id FROM documents WHERE id = ?");
  owner.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  if (!owner.executeStep() || owner.getColumn(0).getInt64() != me.id)
    return make(req, http::status::forbidden);

  SQLite::Statement ins(*db, "INSERT INTO shares (doc_id, user_id, role) VALUES (?, ?, ?)");
  ins.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  ins.bind(2, static_cast<int64_t>(grantee)); // EXPECT: ok
  ins.bind(3, role);
  ins.exec();
  return make(req, http::status::created);
}

// DELETE /docs/<id>: the ownership test runs after the row is already gone.
Response delete_doc(const Request &req, const User &me) {
  long id = std::stol(segments(req.target()).at(1));
  SQLite::Statement sel(*db, "SELECT owner_id FROM documents WHERE id = ?");
  sel.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  long owner = sel.executeStep() ? sel.getColumn(0).getInt64() : 0;

  SQLite::Statement del(*db, "DELETE FROM documents WHERE id = ?");
  del.bind(1, static_cast<int64_t>(id)); // EXPECT: idor
  int n = del.exec();
  if (owner != me.id)
    return make(req, http::status::forbidden);
  return make(req, n ? http::status::no_content : http::status::not_found);
}

// GET /me/docs?limit=&sort=: the caller's own documents.
Response my_docs(const Request &req, const User &me) {
  std::string sort = query_param(req.target(), "sort") == "title" ? "title" : "updated_at DESC";
  std::string lim = query_param(req.target(), "limit");
  int limit = lim.empty() ? 50 : std::min(200, std::stoi(lim));
  SQLite::Statement q(*db, "SELECT id, title FROM documents WHERE owner_id = ? ORDER BY " + sort + " LIMIT ?");
  q.bind(1, static_cast<int64_t>(me.id)); // EXPECT: ok
  q.bind(2, limit); // EXPECT: ok
  nlohmann::json arr = nlohmann::json::array();
  while (q.executeStep())
    arr.push_back({{"id", q.getColumn(0).getInt64()}, {"title", q.getColumn(1).getString()}});
  return make(req, http::status::ok, arr.dump());
}

// GET /users/<uid>/docs: someone else's document list, no relation checked.
Response user_docs(const Request &req, const User &me) {
  (void)me;
  std::string uid = segments(req.target()).at(1);
  SQLite::Statement q(*db, "SELECT id, title FROM documents WHERE owner_id = ? ORDER BY updated_at DESC");
  q.bind(1, uid); // EXPECT: idor
  nlohmann::json arr = nlohmann::json::array();
  while (q.executeStep())
    arr.push_back({{"id", q.getColumn(0).getInt64()}, {"title", q.getColumn(1).getString()}});
  return make(req, http::status::ok, arr.dump());
}

// GET /folders/<fid>/docs: folder contents, the folder's owner is never compared.
Response folder_docs(const Request &req, const User &me) {
  (void)me;
  const auto seg = segments(req.target());
  int64_t folder = std::stoll(seg.at(1));
  SQLite::Statement q(*db, "SELECT id, title FROM documents WHERE folder_id = ? ORDER BY title");
  q.bind(1, folder); // EXPECT: idor
  nlohmann::json arr = nlohmann::json::array();
  while (q.executeStep())
    arr.push_back({{"id", q.getColumn(0).getInt64()}, {"title", q.getColumn(1).getString()}});
  return make(req, http::status::ok, arr.dump());
}

// GET /admin/users/<uid>/docs: same list for administrators only.
Response admin_user_docs(const Request &req, const User &me) {
  if (!me.admin)
    return make(req, http::status::forbidden);
  std::string uid = segments(req.target()).at(2);
  SQLite::Statement q(*db, "SELECT id, title FROM documents WHERE owner_id = ? ORDER BY updated_at DESC");
  q.bind(1, uid); // EXPECT: ok
  nlohmann::json arr = nlohmann::json::array();
  while (q.executeStep())
    arr.push_back({{"id", q.getColumn(0).getInt64()}, {"title", q.getColumn(1).getString()}});
  return make(req, http::status::ok, arr.dump());
}

// GET /p/<slug>: published documents are public, no token needed.
Response public_doc(const Request &req) {
  std::string slug = segments(req.target()).at(1);
  SQLite::Statement q(*db, "SELECT title, html FROM documents WHERE public_slug = ? AND published = 1");
  q.bind(1, slug); // EXPECT: ok
  if (!q.executeStep())
    return make(req, http::status::not_found);
  return make(req, http::status::ok, q.getColumn(1).getString());
}

// POST /docs: the owner of the new document is read from the request body.
Response create_doc(const Request &req, const User &me) {
  (void)me;
  auto body = nlohmann::json::parse(req.body());
  SQLite::Statement ins(*db, "INSERT INTO documents (owner_id, title, blob_key) VALUES (?, ?, ?)");
  ins.bind(1, body.at("owner_id").get<int64_t>()); // EXPECT: identity
  ins.bind(2, body.at("title").get<std::string>());
  ins.bind(3, body.value("blob_key", ""));
  ins.exec();
  return make(req, http::status::created, std::to_string(db->getLastInsertRowid()));
}

// POST /docs/<id>/comments: access checked, but the author comes from X-User-Id.
Response add_comment(const Request &req, const User &me) {
  long doc = std::stol(segments(req.target()).at(1));
  if (!can_read(doc, me.id))
    return make(req, http::status::forbidden);
  std::string author(req["X-User-Id"]);
  SQLite::Statement ins(*db, "INSERT INTO comments (doc_id, author_id, text) VALUES (?, ?, ?)");
  ins.bind(1, static_cast<int64_t>(doc)); // EXPECT: ok
  ins.bind(2, author); // EXPECT: identity
  ins.bind(3, req.body());
  ins.exec();
  return make(req, http::status::created);
}

// POST /docs/<id>/move {"folder_id"}: checks the target folder, not the document.
Response move_doc(const Request &req, const User &me) {
  long doc = std::stol(segments(req.target()).at(1));
  auto body = nlohmann::json::parse(req.body());
  long folder = body.at("folder_id").get<long>();
  SQLite::Statement f(*db, "SELECT 1 FROM folders WHERE id = ? AND owner_id = ?");
  f.bind(1, static_cast<int64_t>(folder)); // EXPECT: ok
  f.bind(2, static_cast<int64_t>(me.id));
  if (!f.executeStep())
    return make(req, http::status::forbidden);
  SQLite::Statement up(*db, "UPDATE documents SET folder_id = ? WHERE id = ?");
  up.bind(1, static_cast<int64_t>(folder)); // EXPECT: ok
  up.bind(2, static_cast<int64_t>(doc)); // EXPECT: idor
  up.exec();
  return make(req, http::status::no_content);
}

// GET /docs/<id>/versions/<n>?preview=1: the preview branch skips the check.
Response get_version(const Request &req, const User &me) {
  auto seg = segments(req.target());
  long doc = std::stol(seg.at(1));
  int n = std::stoi(seg.at(3));
  bool preview = query_param(req.target(), "preview") == "1";
  if (!preview && !can_read(doc, me.id))
    return make(req, http::status::forbidden);
  SQLite::Statement q(*db, "SELECT html FROM versions WHERE doc_id = ? AND n = ?");
  q.bind(1, static_cast<int64_t>(doc)); // EXPECT: idor
  q.bind(2, n);
  if (!q.executeStep())
    return make(req, http::status::not_found);
  std::string html = q.getColumn(0).getString();
  return make(req, http::status::ok, preview ? html.substr(0, 2000) : html);
}

// PUT /docs/<id>/title: editors only, guard helper then update.
Response rename_doc(const Request &req, const User &me) {
  long doc = std::stol(segments(req.target()).at(1));
  if (!can_edit(doc, me.id))
    return make(req, http::status::forbidden);
  SQLite::Statement up(*db, "UPDATE documents SET title = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?");
  up.bind(1, req.body());
  up.bind(2, static_cast<int64_t>(doc)); // EXPECT: ok
  up.exec();
  return make(req, http::status::no_content);
}

Response route(const Request &req) {
  auto seg = segments(req.target());
  if (seg.size() == 2 && seg[0] == "p")
    return public_doc(req);
  auto me = verify_token(req);
  if (!me)
    return make(req, http::status::unauthorized);
  const bool get = req.method() == http::verb::get;
  if (seg.size() == 2 && seg[0] == "docs" && get)
    return get_doc(req, *me);
  if (seg.size() == 2 && seg[0] == "docs" && req.method() == http::verb::delete_)
    return delete_doc(req, *me);
  if (seg.size() == 3 && seg[0] == "v2")
    return get_doc_v2(req, *me);
  if (seg.size() == 3 && seg[2] == "content")
    return get_content(req, *me);
  if (seg.size() == 2 && seg[0] == "blobs")
    return get_blob(req, *me);
  if (seg.size() == 3 && seg[2] == "shares")
    return add_share(req, *me);
  if (seg.size() == 2 && seg[0] == "me")
    return my_docs(req, *me);
  if (seg.size() == 3 && seg[0] == "users")
    return user_docs(req, *me);
  if (seg.size() == 3 && seg[0] == "folders")
    return folder_docs(req, *me);
  if (seg.size() == 4 && seg[0] == "admin")
    return admin_user_docs(req, *me);
  if (seg.size() == 1 && seg[0] == "docs" && req.method() == http::verb::post)
    return create_doc(req, *me);
  if (seg.size() == 3 && seg[2] == "comments")
    return add_comment(req, *me);
  if (seg.size() == 3 && seg[2] == "move")
    return move_doc(req, *me);
  if (seg.size() == 4 && seg[2] == "versions")
    return get_version(req, *me);
  if (seg.size() == 3 && seg[2] == "title")
    return rename_doc(req, *me);
  return make(req, http::status::not_found);
}

} // namespace docshare

// critique -- code review backend
//
//  :8443  review API (Boost.Beast, sync, one thread per connection). Sits
//         behind the SSO proxy, which injects X-Auth-User / X-Auth-Ts and an
//         HMAC over them in X-Auth-Sig.
//  :8444  ops endpoints (POCO): CI webhooks and the admin console (JWT).
//  :8445  review-stats API (oatpp controller, shared with the dashboards team).
//
// MySQL holds changes/comments, Redis holds drafts + dashboard sessions,
// rendered patchset diffs are files under /srv/critique/blobs.

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <oatpp.h>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include <hiredis/hiredis.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace critique {

static std::string g_proxy_secret;
static std::string g_admin_jwt_key;
static std::string g_ci_hook_secret;
static const std::string kBlobRoot = "/srv/critique/blobs";

// --------------------------------------------------------------------------
// infra
// --------------------------------------------------------------------------

static std::unique_ptr<sql::Connection> mysql() {
  auto *driver = sql::mysql::get_mysql_driver_instance();
  std::unique_ptr<sql::Connection> con(driver->connect("tcp://mysql-critique:3306", "critique", ""));
  con->setSchema("critique");
  return con;
}

static thread_local redisContext *t_redis = nullptr;
static redisContext *redis() {
  if (!t_redis) t_redis = redisConnect("redis-critique", 6379);
  return t_redis;
}

static std::string hmac_hex(const std::string &key, const std::string &msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(msg.data()),
       msg.size(), out, &len);
  static const char *hx = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s.push_back(hx[out[i] >> 4]);
    s.push_back(hx[out[i] & 15]);
  }
  return s;
}

static bool const_time_eq(const std::string &a, const std::string &b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// --------------------------------------------------------------------------
// authorization helpers (shared by the Beast handlers)
// --------------------------------------------------------------------------

static bool can_access_repo(sql::Connection &db, int64_t repo_id, int64_t user_id) {
  std::unique_ptr<sql::PreparedStatement> ps(
      db.prepareStatement("SELECT 1 FROM repo_members WHERE repo_id = ? AND user_id = ?"));
  ps->setInt64(1, repo_id);
  ps->setInt64(2, user_id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  return rs->next();
}

// Change is visible iff the user is a member of the change's repository.
static bool authorize_change(sql::Connection &db, int64_t change_id, int64_t user_id) {
  std::unique_ptr<sql::PreparedStatement> ps(db.prepareStatement(
      "SELECT 1 FROM changes c JOIN repo_members m ON m.repo_id = c.repo_id WHERE c.id = ? AND m.user_id = ?"));
  ps->setInt64(1, change_id);
  ps->setInt64(2, user_id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  return rs->next();
}

// --------------------------------------------------------------------------
// review API (Beast)
// --------------------------------------------------------------------------

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

class ReviewApi {
public:
  Response handle(const Request &req) {
    const std::string target(req.target());
    const auto q = target.find('?');
    path_ = target.substr(0, q);
    query_ = q == std::string::npos ? "" : target.substr(q + 1);

    if (req.method() == http::verb::post && match("/api/changes/", "/abandon")) return abandon(req);

    auto me = principal(req);
    if (!me) return reply(req, http::status::unauthorized, "sso required");

    if (req.method() == http::verb::get && match("/api/changes/", "/diff")) return changeDiff(req, *me);
    if (req.method() == http::verb::get && match("/api/patchsets/", "/diff")) return patchsetDiff(req, *me);
    if (req.method() == http::verb::get && match("/api/changes/", "")) return getChange(req, *me);
    if (req.method() == http::verb::post && match("/api/changes/", "/comments")) return addComment(req, *me);
    if (req.method() == http::verb::post && match("/api/changes/", "/approve")) return approve(req, *me);
    if (req.method() == http::verb::put && match("/api/comments/", "")) return editComment(req, *me);
    if (req.method() == http::verb::delete_ && match("/api/comments/", "")) return deleteComment(req, *me);
    if (req.method() == http::verb::get && path_ == "/api/drafts") return listDrafts(req, *me);
    if (req.method() == http::verb::get && match("/api/drafts/", "")) return getDraft(req, *me);
    if (req.method() == http::verb::put && match("/api/drafts/", "")) return saveDraft(req, *me);
    return reply(req, http::status::not_found, "no route");
  }

private:
  // "/api/changes/123/diff" with prefix "/api/changes/" and suffix "/diff" -> id_ = 123
  bool match(const std::string &prefix, const std::string &suffix) {
    if (path_.rfind(prefix, 0) != 0) return false;
    std::string rest = path_.substr(prefix.size());
    if (!suffix.empty()) {
      if (rest.size() <= suffix.size() || rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) != 0)
        return false;
      rest.resize(rest.size() - suffix.size());
    }
    if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) return false;
    id_ = std::stoll(rest);
    return true;
  }

  std::string queryParam(const std::string &key) const {
    std::istringstream in(query_);
    std::string kv;
    while (std::getline(in, kv, '&'))
      if (kv.rfind(key + "=", 0) == 0) return kv.substr(key.size() + 1);
    return {};
  }

  std::optional<int64_t> principal(const Request &req) const {
    const std::string user(req["X-Auth-User"]), ts(req["X-Auth-Ts"]), sig(req["X-Auth-Sig"]);
    if (user.empty() || sig.empty()) return std::nullopt;
    if (!const_time_eq(hmac_hex(g_proxy_secret, user + "|" + ts), sig)) return std::nullopt;
    return std::stoll(user);
  }

  static Response reply(const Request &req, http::status st, const std::string &body,
                        const char *ctype = "application/json") {
    Response res{st, req.version()};
    res.set(http::field::content_type, ctype);
    res.keep_alive(req.keep_alive());
    res.body() = body;
    res.prepare_payload();
    return res;
  }

  Response getChange(const Request &req, int64_t me) {
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(
        db->prepareStatement("SELECT repo_id, owner_id, title, status FROM changes WHERE id = ?"));
    ps->setInt64(1, id_);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    if (!rs->next() || !can_access_repo(*db, rs->getInt64("repo_id"), me))
      return reply(req, http::status::not_found, "{}");
    return reply(req, http::status::ok,
                 "{\"title\":\"" + std::string(rs->getString("title")) + "\",\"status\":\"" +
                     std::string(rs->getString("status")) + "\"}");
  }

  Response changeDiff(const Request &req, int64_t me) {
    auto db = mysql();
    if (!authorize_change(*db, id_, me)) return reply(req, http::status::not_found, "{}");
    std::string ps = queryParam("patchset");
    if (ps.empty() || ps.find_first_not_of("0123456789") != std::string::npos) ps = "latest";
    std::ifstream in(kBlobRoot + "/" + std::to_string(id_) + "/" + ps + ".diff"); // EXPECT: ok
    if (!in) return reply(req, http::status::not_found, "{}");
    std::ostringstream os;
    os << in.rdbuf();
    return reply(req, http::status::ok, os.str(), "text/x-diff");
  }

  // Patchset ids are global; the side-by-side viewer links to these.
  Response patchsetDiff(const Request &req, int64_t me) {
    std::ifstream in(kBlobRoot + "/patchsets/" + std::to_string(id_) + ".diff"); // EXPECT: idor
    if (!in) return reply(req, http::status::not_found, "{}");
    std::ostringstream os;
    os << in.rdbuf();
    return reply(req, http::status::ok, os.str(), "text/x-diff");
  }

  Response addComment(const Request &req, int64_t me) {
    auto db = mysql();
    if (!authorize_change(*db, id_, me)) return reply(req, http::status::not_found, "{}");
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "INSERT INTO comments (change_id, author_id, file_path, line, body) VALUES (?, ?, ?, ?, ?)"));
    ps->setInt64(1, id_);
    ps->setInt64(2, me);
    ps->setString(3, queryParam("file"));
    ps->setInt(4, std::atoi(queryParam("line").c_str()));
    ps->setString(5, req.body());
    ps->executeUpdate(); // EXPECT: ok
    return reply(req, http::status::created, "{}");
  }

  Response approve(const Request &req, int64_t me) {
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> role(db->prepareStatement(
        "SELECT m.role FROM changes c JOIN repo_members m ON m.repo_id = c.repo_id WHERE c.id = ? AND m.user_id = ?"));
    role->setInt64(1, id_);
    role->setInt64(2, me);
    std::unique_ptr<sql::ResultSet> rs(role->executeQuery()); // EXPECT: ok
    if (!rs->next() || rs->getString(1) != "maintainer") return reply(req, http::status::forbidden, "{}");
    std::unique_ptr<sql::PreparedStatement> vote(
        db->prepareStatement("REPLACE INTO votes (change_id, user_id, score) VALUES (?, ?, 2)"));
    vote->setInt64(1, id_);
    vote->setInt64(2, me);
    vote->executeUpdate(); // EXPECT: ok
    return reply(req, http::status::ok, "{}");
  }

  Response editComment(const Request &req, int64_t me) {
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(
        db->prepareStatement("UPDATE comments SET body = ?, edited_at = NOW() WHERE id = ?"));
    ps->setString(1, req.body());
    ps->setInt64(2, id_);
    const int n = ps->executeUpdate(); // EXPECT: idor
    return reply(req, n ? http::status::ok : http::status::not_found, "{}");
  }

  Response deleteComment(const Request &req, int64_t me) {
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(
        db->prepareStatement("DELETE FROM comments WHERE id = ? AND author_id = ?"));
    ps->setInt64(1, id_);
    ps->setInt64(2, me);
    const int n = ps->executeUpdate(); // EXPECT: ok
    return reply(req, n ? http::status::no_content : http::status::not_found, "");
  }

  // Called by the author from the UI and by the stale-change bot, which does
  // not go through the SSO proxy; so this runs before principal().
  Response abandon(const Request &req) {
    const std::string actor(req["X-Auth-User"]);
    if (actor.empty()) return reply(req, http::status::unauthorized, "{}");
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "UPDATE changes SET status = 'abandoned' WHERE id = ? AND owner_id = ? AND status = 'open'"));
    ps->setInt64(1, id_);
    ps->setInt64(2, std::stoll(actor));
    const int n = ps->executeUpdate(); // EXPECT: identity
    return reply(req, n ? http::status::ok : http::status::not_found, "{}");
  }

  Response listDrafts(const Request &req, int64_t me) {
    auto *r = static_cast<redisReply *>(redisCommand(redis(), "HGETALL critique:drafts:%lld", (long long)me)); // EXPECT: ok
    std::string body = "{";
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i + 1 < r->elements; i += 2)
        body += std::string(i ? "," : "") + "\"" + r->element[i]->str + "\":" + r->element[i + 1]->str;
    if (r) freeReplyObject(r);
    return reply(req, http::status::ok, body + "}");
  }

  // Draft ids are allocated from a global INCR counter.
  Response getDraft(const Request &req, int64_t me) {
    auto *r = static_cast<redisReply *>(redisCommand(redis(), "GET critique:draft:%lld", (long long)id_)); // EXPECT: idor
    std::string body = r && r->type == REDIS_REPLY_STRING ? std::string(r->str, r->len) : "";
    if (r) freeReplyObject(r);
    return reply(req, body.empty() ? http::status::not_found : http::status::ok, body);
  }

  Response saveDraft(const Request &req, int64_t me) {
    auto *r = static_cast<redisReply *>(redisCommand(redis(), "HSET critique:drafts:%lld %lld %b", (long long)me, // EXPECT: ok
                                                     (long long)id_, req.body().data(), req.body().size()));
    if (r) freeReplyObject(r);
    return reply(req, http::status::no_content, "");
  }

  std::string path_, query_;
  int64_t id_ = 0;
};

void serve_connection(tcp::socket sock) {
  beast::flat_buffer buf;
  beast::error_code ec;
  ReviewApi api;
  for (;;) {
    Request req;
    http::read(sock, buf, req, ec);
    if (ec) break;
    Response res = api.handle(req);
    http::write(sock, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_send, ec);
}

// --------------------------------------------------------------------------
// ops endpoints (POCO)
// --------------------------------------------------------------------------

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

static void poco_send(HTTPServerResponse &resp, HTTPResponse::HTTPStatus st, const std::string &body) {
  resp.setStatus(st);
  resp.setContentType("application/json");
  resp.sendBuffer(body.data(), body.size());
}

class CiStatusHook : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string payload;
    Poco::StreamCopier::copyToString(req.stream(), payload);
    if (!const_time_eq(hmac_hex(g_ci_hook_secret, payload), req.get("X-Hook-Signature", "")))
      return poco_send(resp, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    Poco::Net::HTMLForm form(req, req.stream());
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(
        db->prepareStatement("UPDATE patchsets SET ci_status = ?, ci_url = ? WHERE id = ?"));
    ps->setString(1, form.get("status", "unknown"));
    ps->setString(2, form.get("url", ""));
    ps->setInt64(3, std::stoll(form.get("patchset_id", "0")));
    ps->executeUpdate(); // EXPECT: ok
    poco_send(resp, HTTPResponse::HTTP_OK, "{}");
  }
};

class AdminHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string scheme, token;
    if (!req.hasCredentials()) return poco_send(resp, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    req.getCredentials(scheme, token);
    const std::string uri = req.getURI();

    // The notification bell is polled every few seconds; skip the signature
    // check to keep it cheap (tokens are short-lived anyway).
    if (uri == "/admin/me/notifications") {
      Poco::JWT::Token unverified(token);
      auto db = mysql();
      std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
          "SELECT id, kind, created_at FROM admin_notifications WHERE user_id = ? AND seen = 0"));
      ps->setInt64(1, std::stoll(unverified.getSubject()));
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: identity
      return poco_send(resp, HTTPResponse::HTTP_OK, "{\"unseen\":" + std::to_string(rs->rowsCount()) + "}");
    }

    Poco::JWT::Signer signer(g_admin_jwt_key);
    Poco::JWT::Token tok;
    if (!signer.tryVerify(token, tok)) return poco_send(resp, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    if (tok.payload().optValue<std::string>("role", "") != "admin")
      return poco_send(resp, HTTPResponse::HTTP_FORBIDDEN, "{}");

    Poco::Net::HTMLForm form(req);
    auto db = mysql();
    if (uri.rfind("/admin/audit", 0) == 0) {
      std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
          "SELECT actor_id, action, created_at FROM audit_log WHERE repo_id = ? ORDER BY created_at DESC LIMIT 500"));
      ps->setInt64(1, std::stoll(form.get("repo_id", "0")));
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
      return poco_send(resp, HTTPResponse::HTTP_OK, "{\"rows\":" + std::to_string(rs->rowsCount()) + "}");
    }
    if (uri.rfind("/admin/suspend", 0) == 0 && req.getMethod() == "POST") {
      std::unique_ptr<sql::PreparedStatement> ps(
          db->prepareStatement("UPDATE users SET suspended = 1, suspended_by = ? WHERE id = ?"));
      ps->setInt64(1, std::stoll(tok.getSubject()));
      ps->setInt64(2, std::stoll(form.get("user_id", "0")));
      ps->executeUpdate(); // EXPECT: ok
      return poco_send(resp, HTTPResponse::HTTP_OK, "{}");
    }
    poco_send(resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  }
};

class OpsFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  HTTPRequestHandler *createRequestHandler(const HTTPServerRequest &req) override {
    if (req.getURI().rfind("/hooks/ci-status", 0) == 0) return new CiStatusHook;
    if (req.getURI().rfind("/admin/", 0) == 0) return new AdminHandler;
    return nullptr;
  }
};

// --------------------------------------------------------------------------
// review-stats API (oatpp)
// --------------------------------------------------------------------------

class StatsController : public oatpp::web::server::api::ApiController {
  static std::optional<int64_t> dashboardUser(const oatpp::String &authz) {
    if (authz.rfind("Session ", 0) != 0) return std::nullopt;
    auto *r = static_cast<redisReply *>(redisCommand(redis(), "GET critique:dash:sess:%s", authz.substr(8).c_str())); // EXPECT: ok
    std::optional<int64_t> uid;
    if (r && r->type == REDIS_REPLY_STRING) uid = std::stoll(std::string(r->str, r->len));
    if (r) freeReplyObject(r);
    return uid;
  }

public:
  ENDPOINT("GET", "/stats/users/{userId}/review-load", reviewLoad, PATH(oatpp::Int64, userId),
           HEADER(oatpp::String, authz, "Authorization")) {
    auto me = dashboardUser(authz);
    if (!me) return createResponse(Status::CODE_403, "login");
    if (*me != userId) return createResponse(Status::CODE_403, "own stats only");
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "SELECT COUNT(*) FROM review_requests WHERE reviewer_id = ? AND state = 'pending'"));
    ps->setInt64(1, userId);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    rs->next();
    return createResponse(Status::CODE_200, "{\"pending\":" + std::to_string(rs->getInt(1)) + "}");
  }

  // Embedded in the public status page iframe for open-source repos.
  ENDPOINT("GET", "/stats/changes/{changeId}/timeline", timeline, PATH(oatpp::Int64, changeId)) {
    auto db = mysql();
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "SELECT e.kind, e.actor_id, e.created_at, e.detail FROM change_events e WHERE e.change_id = ? "
        "ORDER BY e.created_at"));
    ps->setInt64(1, changeId);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: idor
    std::string out = "[";
    while (rs->next()) out += std::string(out.size() > 1 ? "," : "") + "\"" + std::string(rs->getString(1)) + "\"";
    return createResponse(Status::CODE_200, out + "]");
  }
};

} // namespace critique

int main() {
  Poco::Net::HTTPServer ops(new critique::OpsFactory, Poco::Net::ServerSocket(8444), new Poco::Net::HTTPServerParams);
  ops.start();

  boost::asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, {tcp::v4(), 8443}};
  for (;;) {
    tcp::socket sock{ioc};
    acceptor.accept(sock);
    std::thread(critique::serve_connection, std::move(sock)).detach();
  }
}

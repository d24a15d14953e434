// labvault — research dataset repository.
//
// Dataset API: a synchronous Boost.Beast server (one thread per connection)
// with a hand-written dispatcher. Callers present an HS256 JWT issued by the
// university SSO bridge (cpp-jwt); claims: sub (user id), lab, role.
// Metadata in PostgreSQL via libpq, quotas and download log via SOCI.
//
// Annotation API: Drogon controller sharing the same database, authenticated
// by per-lab API keys (LabKeyFilter) or the web UI session.
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <drogon.h>
#include <jwt/jwt.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;

namespace labvault {

static const std::string kDataRoot = "/srv/labvault/data/";

struct Principal {
  long long user_id = 0;
  long long lab_id = 0;
  std::string role; // researcher | pi | curator
  bool is(const char *r) const { return role == r; }
};

struct Env {
  PGconn *pg = nullptr;
  soci::session *sql = nullptr;
  std::string jwt_secret;
};

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// RAII for PGresult
struct PgResult {
  PGresult *r;
  explicit PgResult(PGresult *res) : r(res) {}
  ~PgResult() { PQclear(r); }
  bool ok() const { return PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK; }
  int rows() const { return PQntuples(r); }
  std::string at(int row, int col) const { return PQgetvalue(r, row, col); }
};

static Response reply(const Request &req, http::status st, const std::string &body,
                      const char *type = "application/json") {
  Response res{st, req.version()};
  res.set(http::field::content_type, type);
  res.keep_alive(req.keep_alive());
  res.body() = body;
  res.prepare_payload();
  return res;
}

static std::vector<std::string> split_path(const std::string &target) {
  std::string path = target.substr(0, target.find('?'));
  std::vector<std::string> out;
  std::stringstream ss(path);
  std::string seg;
  while (std::getline(ss, seg, '/'))
    if (!seg.empty()) out.push_back(seg);
  return out;
}

static std::optional<Principal> principal_from(const Env &env, const Request &req) {
  std::string auth(req[http::field::authorization]);
  if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
  std::error_code ec;
  auto obj = jwt::decode(auth.substr(7), jwt::params::algorithms({"HS256"}), ec,
                         jwt::params::secret(env.jwt_secret), jwt::params::verify(true));
  if (ec) return std::nullopt;
  Principal p;
  p.user_id = std::stoll(obj.payload().get_claim_value<std::string>("sub"));
  p.lab_id = obj.payload().get_claim_value<long long>("lab");
  p.role = obj.payload().get_claim_value<std::string>("role");
  return p;
}

// Readable if public, owned by the caller's lab, or shared with it.
static bool can_read_dataset(const Env &env, const Principal &p, const std::string &dataset_id) {
  std::string lab = std::to_string(p.lab_id);
  const char *params[2] = {dataset_id.c_str(), lab.c_str()};
  PgResult r(PQexecParams(env.pg, // EXPECT: ok
                          "SELECT 1 FROM datasets d WHERE d.id = $1::bigint AND (d.visibility = 'public' "
                          "OR d.lab_id = $2::bigint OR EXISTS (SELECT 1 FROM dataset_shares s "
                          "WHERE s.dataset_id = d.id AND s.lab_id = $2::bigint))",
                          2, nullptr, params, nullptr, nullptr, 0));
  return r.ok() && r.rows() == 1;
}

// ---------------------------------------------------------------------------
// Dataset handlers
// ---------------------------------------------------------------------------
static Response list_datasets(Env &env, const Principal &p, const Request &req) {
  std::string lab = std::to_string(p.lab_id);
  const char *params[1] = {lab.c_str()};
  PgResult r(PQexecParams(env.pg, // EXPECT: ok
                          "SELECT id, title, visibility FROM datasets WHERE lab_id = $1::bigint "
                          "OR visibility = 'public' ORDER BY created_at DESC LIMIT 200",
                          1, nullptr, params, nullptr, nullptr, 0));
  json out = json::array();
  for (int i = 0; i < r.rows(); ++i) out.push_back({{"id", r.at(i, 0)}, {"title", r.at(i, 1)}, {"visibility", r.at(i, 2)}});
  return reply(req, http::status::ok, out.dump());
}

static Response get_dataset(Env &env, const Principal &p, const Request &req, const std::string &id) {
  std::string lab = std::to_string(p.lab_id);
  const char *params[2] = {id.c_str(), lab.c_str()};
  PgResult r(PQexecParams(env.pg, // EXPECT: ok
                          "SELECT title, description, license, doi FROM datasets d WHERE d.id = $1::bigint "
                          "AND (d.visibility = 'public' OR d.lab_id = $2::bigint OR EXISTS (SELECT 1 FROM "
                          "dataset_shares s WHERE s.dataset_id = d.id AND s.lab_id = $2::bigint))",
                          2, nullptr, params, nullptr, nullptr, 0));
  if (!r.ok() || r.rows() == 0) return reply(req, http::status::not_found, "{}");
  json out = {{"title", r.at(0, 0)}, {"description", r.at(0, 1)}, {"license", r.at(0, 2)}, {"doi", r.at(0, 3)}};
  return reply(req, http::status::ok, out.dump());
}

static Response download_file(Env &env, const Principal &p, const Request &req, const std::string &id,
                              const std::string &name) {
  if (name.find("..") != std::string::npos || name.find('/') != std::string::npos)
    return reply(req, http::status::bad_request, "{}");
  if (!can_read_dataset(env, p, id)) return reply(req, http::status::not_found, "{}");
  std::ifstream in(kDataRoot + id + "/" + name, std::ios::binary); // EXPECT: ok
  if (!in) return reply(req, http::status::not_found, "{}");
  std::ostringstream buf;
  buf << in.rdbuf();

  long long ds = std::stoll(id);
  long long uid = p.user_id;
  soci::statement log = (env.sql->prepare << "insert into download_log (dataset_id, user_id, file_name, at) "
                                             "values (:d, :u, :f, now())",
                         soci::use(ds, "d"), soci::use(uid, "u"), soci::use(name, "f"));
  log.execute(true); // EXPECT: ok
  return reply(req, http::status::ok, buf.str(), "application/octet-stream");
}

static Response download_stats(Env &env, const Principal &p, const Request &req, const std::string &id) {
  (void)p;
  long long ds = std::stoll(id);
  soci::rowset<soci::row> rows = (env.sql->prepare << "select user_id, file_name, at from download_log " // EXPECT: idor
                                                       "where dataset_id = :d order by at desc",
                                  soci::use(ds));
  json out = json::array();
  for (const auto &row : rows) out.push_back({row.get<long long>(0), row.get<std::string>(1)});
  return reply(req, http::status::ok, out.dump());
}

static Response share_dataset(Env &env, const Principal &p, const Request &req, const std::string &id) {
  if (!p.is("pi")) return reply(req, http::status::forbidden, R"({"error":"PI only"})");
  auto body = json::parse(req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("lab_id")) return reply(req, http::status::bad_request, "{}");
  std::string target = std::to_string(body["lab_id"].get<long long>());
  std::string me = std::to_string(p.user_id);
  std::string lab = std::to_string(p.lab_id);
  const char *params[4] = {id.c_str(), target.c_str(), me.c_str(), lab.c_str()};
  PgResult r(PQexecParams(env.pg, // EXPECT: ok
                          "INSERT INTO dataset_shares (dataset_id, lab_id, granted_by) "
                          "SELECT id, $2::bigint, $3::bigint FROM datasets WHERE id = $1::bigint AND lab_id = $4::bigint "
                          "ON CONFLICT DO NOTHING",
                          4, nullptr, params, nullptr, nullptr, 0));
  return reply(req, std::atoi(PQcmdTuples(r.r)) ? http::status::created : http::status::not_found, "{}");
}

static Response delete_dataset(Env &env, const Principal &p, const Request &req, const std::string &id) {
  if (!p.is("pi")) return reply(req, http::status::forbidden, R"({"error":"PI only"})");
  const char *params[1] = {id.c_str()};
  PgResult r(PQexecParams(env.pg, "DELETE FROM datasets WHERE id = $1::bigint", 1, nullptr, params, nullptr, nullptr, 0)); // EXPECT: idor
  return reply(req, r.ok() ? http::status::no_content : http::status::internal_server_error, "");
}

// The ingest CLI registers a new dataset after the rsync finishes; it tells
// us which lab the upload belongs to.
static Response register_dataset(Env &env, const Principal &p, const Request &req) {
  auto body = json::parse(req.body(), nullptr, false);
  if (!body.is_object()) return reply(req, http::status::bad_request, "{}");
  std::string lab(req["X-Lab-Id"]);
  if (lab.empty()) lab = std::to_string(p.lab_id);
  std::string title = body.value("title", "untitled");
  std::string me = std::to_string(p.user_id);
  const char *params[3] = {title.c_str(), lab.c_str(), me.c_str()};
  PgResult r(PQexecParams(env.pg, // EXPECT: identity
                          "INSERT INTO datasets (title, lab_id, created_by, visibility) "
                          "VALUES ($1, $2::bigint, $3::bigint, 'private') RETURNING id",
                          3, nullptr, params, nullptr, nullptr, 0));
  if (!r.ok()) return reply(req, http::status::internal_server_error, "{}");
  return reply(req, http::status::created, json{{"id", r.at(0, 0)}}.dump());
}

static Response get_access_request(Env &env, const Principal &p, const Request &req, const std::string &id) {
  (void)p;
  const char *params[1] = {id.c_str()};
  PgResult r(PQexecParams(env.pg, // EXPECT: idor
                          "SELECT dataset_id, requester_email, justification, status FROM access_requests "
                          "WHERE id = $1::bigint",
                          1, nullptr, params, nullptr, nullptr, 0));
  if (r.rows() == 0) return reply(req, http::status::not_found, "{}");
  json out = {{"dataset_id", r.at(0, 0)}, {"email", r.at(0, 1)}, {"justification", r.at(0, 2)}, {"status", r.at(0, 3)}};
  return reply(req, http::status::ok, out.dump());
}

static Response decide_access_request(Env &env, const Principal &p, const Request &req, const std::string &id) {
  if (!p.is("pi")) return reply(req, http::status::forbidden, "{}");
  const char *sel[1] = {id.c_str()};
  PgResult owner(PQexecParams(env.pg, // EXPECT: ok
                              "SELECT d.lab_id FROM access_requests r JOIN datasets d ON d.id = r.dataset_id "
                              "WHERE r.id = $1::bigint",
                              1, nullptr, sel, nullptr, nullptr, 0));
  if (owner.rows() == 0 || std::stoll(owner.at(0, 0)) != p.lab_id) return reply(req, http::status::not_found, "{}");
  auto body = json::parse(req.body(), nullptr, false);
  std::string decision = body.is_object() && body.value("approve", false) ? "approved" : "rejected";
  std::string me = std::to_string(p.user_id);
  const char *upd[3] = {decision.c_str(), me.c_str(), id.c_str()};
  PgResult r(PQexecParams(env.pg, "UPDATE access_requests SET status = $1, decided_by = $2::bigint WHERE id = $3::bigint", // EXPECT: ok
                          3, nullptr, upd, nullptr, nullptr, 0));
  return reply(req, http::status::ok, json{{"status", decision}}.dump());
}

static Response lab_quota(Env &env, const Principal &p, const Request &req, long long lab) {
  if (lab != p.lab_id && !p.is("curator")) return reply(req, http::status::forbidden, "{}");
  long long used = 0, quota = 0;
  *env.sql << "select used_bytes, quota_bytes from lab_quotas where lab_id = :lab", soci::into(used), // EXPECT: ok
      soci::into(quota), soci::use(lab);
  return reply(req, http::status::ok, json{{"used", used}, {"quota", quota}}.dump());
}

static Response my_quota(Env &env, const Principal &p, const Request &req) {
  long long used = 0, quota = 0;
  long long lab = p.lab_id;
  *env.sql << "select used_bytes, quota_bytes from lab_quotas where lab_id = :lab", soci::into(used), // EXPECT: ok
      soci::into(quota), soci::use(lab);
  return reply(req, http::status::ok, json{{"used", used}, {"quota", quota}}.dump());
}

static Response dispatch(Env &env, const Request &req) {
  auto p = principal_from(env, req);
  if (!p) return reply(req, http::status::unauthorized, R"({"error":"token"})");
  auto seg = split_path(std::string(req.target()));
  auto m = req.method();

  if (seg.size() == 1 && seg[0] == "datasets") {
    if (m == http::verb::get) return list_datasets(env, *p, req);
    if (m == http::verb::post) return register_dataset(env, *p, req);
  }
  if (seg.size() == 2 && seg[0] == "datasets") {
    if (m == http::verb::get) return get_dataset(env, *p, req, seg[1]);
    if (m == http::verb::delete_) return delete_dataset(env, *p, req, seg[1]);
  }
  if (seg.size() == 3 && seg[0] == "datasets" && seg[2] == "shares" && m == http::verb::post)
    return share_dataset(env, *p, req, seg[1]);
  if (seg.size() == 3 && seg[0] == "datasets" && seg[2] == "downloads" && m == http::verb::get)
    return download_stats(env, *p, req, seg[1]);
  if (seg.size() == 4 && seg[0] == "datasets" && seg[2] == "files" && m == http::verb::get)
    return download_file(env, *p, req, seg[1], seg[3]);
  if (seg.size() == 2 && seg[0] == "access-requests" && m == http::verb::get)
    return get_access_request(env, *p, req, seg[1]);
  if (seg.size() == 3 && seg[0] == "access-requests" && seg[2] == "decision" && m == http::verb::post)
    return decide_access_request(env, *p, req, seg[1]);
  if (seg.size() == 3 && seg[0] == "labs" && seg[2] == "quota") {
    if (seg[1] == "me") return my_quota(env, *p, req);
    return lab_quota(env, *p, req, std::stoll(seg[1]));
  }
  return reply(req, http::status::not_found, R"({"error":"no route"})");
}

static void do_session(tcp::socket socket, Env &env) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  for (;;) {
    Request req;
    http::read(socket, buffer, req, ec);
    if (ec) break;
    Response res = dispatch(env, req);
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

// ---------------------------------------------------------------------------
// Annotation API (Drogon)
// ---------------------------------------------------------------------------
struct Annotation {
  using PrimaryKeyType = int64_t;
  int64_t id = 0;
  int64_t dataset_id = 0;
  int64_t lab_id = 0;
  int64_t author_id = 0;
  std::string body;
};

static drogon::orm::DbClientPtr g_db;

class LabKeyFilter : public drogon::HttpFilter<LabKeyFilter> {
public:
  void doFilter(const drogon::HttpRequestPtr &req, drogon::FilterCallback &&fcb,
                drogon::FilterChainCallback &&fccb) override {
    const std::string &key = req->getHeader("X-Lab-Key");
    auto r = g_db->execSqlSync("SELECT lab_id FROM lab_api_keys WHERE key_hash = encode(sha256($1::bytea), 'hex')", key); // EXPECT: ok
    if (key.empty() || r.size() != 1) {
      auto resp = drogon::HttpResponse::newHttpResponse();
      resp->setStatusCode(drogon::k401Unauthorized);
      return fcb(resp);
    }
    fccb();
  }
};

class AnnotationController : public drogon::HttpController<AnnotationController> {
public:
  METHOD_LIST_BEGIN
  ADD_METHOD_TO(AnnotationController::getOne, "/annotations/{1}", drogon::Get);
  ADD_METHOD_TO(AnnotationController::removeOne, "/annotations/{1}", drogon::Delete);
  ADD_METHOD_TO(AnnotationController::mine, "/annotations/mine", drogon::Get);
  ADD_METHOD_TO(AnnotationController::drafts, "/annotations/drafts", drogon::Get);
  ADD_METHOD_TO(AnnotationController::importBatch, "/annotations/import", drogon::Post, "labvault::LabKeyFilter");
  METHOD_LIST_END

  void getOne(const drogon::HttpRequestPtr &req, std::function<void(const drogon::HttpResponsePtr &)> &&cb,
              int64_t id) {
    auto resp = drogon::HttpResponse::newHttpResponse();
    auto lab = req->session()->get<int64_t>("lab_id");
    Annotation a = annotations_.findByPrimaryKey(id); // EXPECT: ok
    if (a.lab_id != lab) {
      resp->setStatusCode(drogon::k404NotFound);
      return cb(resp);
    }
    resp->setBody(json{{"id", a.id}, {"dataset_id", a.dataset_id}, {"body", a.body}}.dump());
    cb(resp);
  }

  void removeOne(const drogon::HttpRequestPtr &req, std::function<void(const drogon::HttpResponsePtr &)> &&cb,
                 int64_t id) {
    auto resp = drogon::HttpResponse::newHttpResponse();
    auto uid = req->session()->get<int64_t>("user_id");
    if (uid == 0) {
      resp->setStatusCode(drogon::k401Unauthorized);
      return cb(resp);
    }
    size_t n = annotations_.deleteByPrimaryKey(id); // EXPECT: idor
    resp->setStatusCode(n ? drogon::k200OK : drogon::k404NotFound);
    cb(resp);
  }

  void mine(const drogon::HttpRequestPtr &req, std::function<void(const drogon::HttpResponsePtr &)> &&cb) {
    auto resp = drogon::HttpResponse::newHttpResponse();
    auto uid = req->session()->get<int64_t>("user_id");
    auto r = g_db->execSqlSync("SELECT id, dataset_id, body FROM annotations WHERE author_id = $1 ORDER BY id DESC", uid); // EXPECT: ok
    resp->setBody(std::to_string(r.size()));
    cb(resp);
  }

  void drafts(const drogon::HttpRequestPtr &req, std::function<void(const drogon::HttpResponsePtr &)> &&cb) {
    auto resp = drogon::HttpResponse::newHttpResponse();
    auto uid = req->session()->get<int64_t>("user_id");
    auto dataset = req->getParameter("dataset_id");
    auto r = g_db->execSqlSync( // EXPECT: ok
        "SELECT id, body FROM annotation_drafts WHERE author_id = $1 AND dataset_id = $2::bigint", uid, dataset);
    resp->setBody(std::to_string(r.size()));
    cb(resp);
  }

  // Bulk import from the desktop labelling tool. The tool runs under a lab
  // key; the old web uploader sets a uid cookie that we keep honouring.
  void importBatch(const drogon::HttpRequestPtr &req, std::function<void(const drogon::HttpResponsePtr &)> &&cb) {
    auto resp = drogon::HttpResponse::newHttpResponse();
    const std::string &author = req->getCookie("uid");
    auto batch = json::parse(req->getBody(), nullptr, false);
    if (!batch.is_array() || author.empty()) {
      resp->setStatusCode(drogon::k403Forbidden);
      return cb(resp);
    }
    size_t inserted = 0;
    for (const auto &item : batch) {
      auto r = g_db->execSqlSync( // EXPECT: identity
          "INSERT INTO annotations (dataset_id, author_id, body) VALUES ($1, $2::bigint, $3)",
          item.value("dataset_id", 0LL), author, item.value("body", std::string()));
      inserted += r.affectedRows();
    }
    resp->setBody(std::to_string(inserted));
    cb(resp);
  }

private:
  drogon::orm::Mapper<Annotation> annotations_;
};

} // namespace labvault

int main() {
  using namespace labvault;
  Env env;
  env.pg = PQconnectdb("dbname=labvault");
  soci::session sql("postgresql", "dbname=labvault");
  env.sql = &sql;
  const char *secret = std::getenv("LABVAULT_JWT_SECRET");
  env.jwt_secret = secret ? secret : "";

  boost::asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, {boost::asio::ip::make_address("0.0.0.0"), 8088}};
  for (;;) {
    tcp::socket socket{ioc};
    acceptor.accept(socket);
    std::thread(do_session, std::move(socket), std::ref(env)).detach();
  }
}

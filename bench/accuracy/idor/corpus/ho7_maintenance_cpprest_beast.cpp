// Property maintenance desk: tenants file repair requests for the units they lease,
// building managers triage and assign them, contractors work jobs through a separate portal.
// Tenant/manager API on cpprestsdk, contractor portal on Boost.Beast; SOCI + libpq on Postgres.
#include <cpprest/http_listener.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using json = nlohmann::json;
using web::http::http_request;
using web::http::methods;
using web::http::status_codes;

namespace upkeep {

struct Session {
  long long user_id = 0;
  std::string role;  // "tenant" | "manager"
};

struct RequestRow {
  long long id = 0;
  long long unit_id = 0;
  long long building_id = 0;
  long long tenant_id = 0;
  std::string category;
  std::string description;
  std::string status;
};

static const char* dsn() {
  const char* d = std::getenv("UPKEEP_DSN");
  return d ? d : "dbname=upkeep";
}

static soci::session& db() {
  thread_local soci::session sql("postgresql", dsn());
  return sql;
}

static PGconn* pg() {
  thread_local PGconn* conn = PQconnectdb(dsn());
  return conn;
}

static std::string cookieValue(const std::string& header, const std::string& name) {
  const std::string key = name + "=";
  auto pos = header.find(key);
  if (pos == std::string::npos) return {};
  auto end = header.find(';', pos);
  return header.substr(pos + key.size(), end == std::string::npos ? std::string::npos : end - pos - key.size());
}

static void audit(long long actor, const std::string& action, long long objectId) {
  const std::string a = std::to_string(actor), o = std::to_string(objectId);
  const char* params[3] = {a.c_str(), action.c_str(), o.c_str()};
  PGresult* r = PQexecParams(pg(), "INSERT INTO audit_log(actor, action, object_id) VALUES ($1, $2, $3)", 3, nullptr,  // EXPECT: ok
                             params, nullptr, nullptr, 0);
  PQclear(r);
}

static bool managesBuilding(const Session& s, long long buildingId) {
  if (s.role != "manager") return false;
  int n = 0;
  db() << "SELECT count(*) FROM building_managers WHERE building_id = :b AND manager_id = :m",  // EXPECT: ok
      soci::use(buildingId), soci::use(s.user_id), soci::into(n);
  return n > 0;
}

static bool canAccessRequest(const Session& s, long long requestId) {
  int n = 0;
  db() << "SELECT count(*) FROM maintenance_requests r "  // EXPECT: ok
          "LEFT JOIN building_managers bm ON bm.building_id = r.building_id AND bm.manager_id = :me "
          "WHERE r.id = :id AND (r.tenant_id = :me2 OR bm.manager_id IS NOT NULL)",
      soci::use(s.user_id), soci::use(requestId), soci::use(s.user_id), soci::into(n);
  return n > 0;
}

static std::optional<RequestRow> loadRequest(long long id) {
  RequestRow r;
  soci::indicator ind = soci::i_ok;
  db() << "SELECT id, unit_id, building_id, tenant_id, category, description, status "
          "FROM maintenance_requests WHERE id = :id",
      soci::use(id), soci::into(r.id), soci::into(r.unit_id), soci::into(r.building_id), soci::into(r.tenant_id),
      soci::into(r.category), soci::into(r.description), soci::into(r.status, ind);
  if (!db().got_data()) return std::nullopt;
  return r;
}

static json toJson(const RequestRow& r) {
  return {{"id", r.id}, {"unit", r.unit_id}, {"category", r.category},
          {"description", r.description}, {"status", r.status}};
}

// ---------------------------------------------------------------------------
// Tenant and manager API (cpprestsdk)
// ---------------------------------------------------------------------------

class TenantApi {
 public:
  using Params = std::vector<std::string>;
  using Handler = std::function<void(TenantApi*, http_request&, const Session&, const Params&)>;

  explicit TenantApi(const std::string& url) : listener_(url) {
    listener_.support([this](http_request req) { dispatch(req); });
  }
  void open() { listener_.open().wait(); }

 private:
  web::http::experimental::listener::http_listener listener_;

  std::optional<Session> authenticate(const http_request& req) {
    std::string cookies;
    if (!req.headers().match("Cookie", cookies)) return std::nullopt;
    const std::string sid = cookieValue(cookies, "sid");
    if (sid.empty()) return std::nullopt;
    const char* params[1] = {sid.c_str()};
    PGresult* r = PQexecParams(pg(), "SELECT user_id, role FROM sessions WHERE token = $1 AND expires_at > now()",  // EXPECT: ok
                               1, nullptr, params, nullptr, nullptr, 0);
    std::optional<Session> out;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
      out = Session{std::atoll(PQgetvalue(r, 0, 0)), PQgetvalue(r, 0, 1)};
    PQclear(r);
    return out;
  }

  static void reply(http_request& req, const json& body, web::http::status_code code = status_codes::OK) {
    req.reply(code, body.dump(), "application/json");
  }

  void dispatch(http_request req) {
    auto parts = web::uri::split_path(web::uri::decode(req.relative_uri().path()));
    const auto method = req.method();

    if (method == methods::GET && parts.size() == 3 && parts[0] == "buildings" && parts[2] == "notices")
      return buildingNotices(req, std::stoll(parts[1]));

    auto session = authenticate(req);
    if (!session) { req.reply(status_codes::Unauthorized); return; }

    static const std::map<std::string, Handler> table = {
        {"GET /requests", &TenantApi::listMine},
        {"POST /requests", &TenantApi::fileRequest},
        {"GET /requests/*", &TenantApi::getRequest},
        {"PUT /requests/*", &TenantApi::editRequest},
        {"PATCH /requests/*/schedule", &TenantApi::reschedule},
        {"GET /requests/*/comments", &TenantApi::listComments},
        {"POST /requests/*/comments", &TenantApi::addComment},
        {"GET /units/*/history", &TenantApi::unitHistory},
        {"GET /me/preferences", &TenantApi::myPreferences},
        {"GET /manager/requests", &TenantApi::managerQueue},
        {"POST /manager/requests/*/assign", &TenantApi::assign},
    };
    std::string key = method + " ";
    Params ids;
    for (const auto& p : parts) {
      bool numeric = !p.empty() && p.find_first_not_of("0123456789") == std::string::npos;
      key += "/" + (numeric ? std::string("*") : p);
      if (numeric) ids.push_back(p);
    }
    auto it = table.find(key);
    if (it == table.end()) { req.reply(status_codes::NotFound); return; }
    try {
      it->second(this, req, *session, ids);
    } catch (const std::exception& e) {
      req.reply(status_codes::BadRequest, e.what());
    }
  }

  void buildingNotices(http_request& req, long long buildingId) {
    soci::rowset<soci::row> rs = (db().prepare << "SELECT title, body, posted_at FROM building_notices "  // EXPECT: ok
                                                  "WHERE building_id = :b AND published ORDER BY posted_at DESC",
                                  soci::use(buildingId));
    json out = json::array();
    for (const auto& row : rs) out.push_back({{"title", row.get<std::string>(0)}, {"body", row.get<std::string>(1)}});
    reply(req, out);
  }

  void listMine(http_request& req, const Session& s, const Params&) {
    soci::rowset<soci::row> rs = (db().prepare << "SELECT id, category, status FROM maintenance_requests "  // EXPECT: ok
                                                  "WHERE tenant_id = :t ORDER BY id DESC",
                                  soci::use(s.user_id));
    json out = json::array();
    for (const auto& row : rs)
      out.push_back({{"id", row.get<long long>(0)}, {"category", row.get<std::string>(1)}, {"status", row.get<std::string>(2)}});
    reply(req, out);
  }

  void fileRequest(http_request& req, const Session& s, const Params&) {
    auto body = json::parse(req.extract_string().get());
    const long long unitId = body.at("unit_id").get<long long>();
    long long buildingId = 0;
    soci::indicator ind = soci::i_null;
    db() << "SELECT building_id FROM leases WHERE unit_id = :u AND tenant_id = :t AND active",  // EXPECT: ok
        soci::use(unitId), soci::use(s.user_id), soci::into(buildingId, ind);
    if (ind != soci::i_ok) { req.reply(status_codes::Forbidden); return; }
    const std::string category = body.at("category").get<std::string>();
    const std::string description = body.at("description").get<std::string>();
    long long id = 0;
    db() << "INSERT INTO maintenance_requests(unit_id, building_id, tenant_id, category, description, status) "  // EXPECT: ok
            "VALUES (:u, :b, :t, :c, :d, 'open') RETURNING id",
        soci::use(unitId), soci::use(buildingId), soci::use(s.user_id), soci::use(category), soci::use(description),
        soci::into(id);
    audit(s.user_id, "request.create", id);
    reply(req, {{"id", id}}, status_codes::Created);
  }

  void getRequest(http_request& req, const Session& s, const Params& ids) {
    auto r = loadRequest(std::stoll(ids.at(0)));  // EXPECT: ok
    if (!r || (r->tenant_id != s.user_id && !managesBuilding(s, r->building_id))) { req.reply(status_codes::NotFound); return; }
    reply(req, toJson(*r));
  }

  void editRequest(http_request& req, const Session& s, const Params& ids) {
    const long long id = std::stoll(ids.at(0));
    const std::string description = json::parse(req.extract_string().get()).at("description").get<std::string>();
    static const std::string kEdit =
        "UPDATE maintenance_requests SET description = :d WHERE id = :id AND tenant_id = :t AND status = 'open'";
    soci::statement st = (db().prepare << kEdit, soci::use(description), soci::use(id), soci::use(s.user_id));  // EXPECT: ok
    st.execute(true);
    if (st.get_affected_rows() == 0) { req.reply(status_codes::NotFound); return; }
    req.reply(status_codes::NoContent);
  }

  void reschedule(http_request& req, const Session& s, const Params& ids) {
    const long long id = std::stoll(ids.at(0));
    auto r = loadRequest(id);  // EXPECT: idor
    if (!r) { req.reply(status_codes::NotFound); return; }
    if (r->status == "closed") { req.reply(status_codes::Conflict); return; }
    const std::string slot = json::parse(req.extract_string().get()).at("access_window").get<std::string>();
    db() << "UPDATE maintenance_requests SET access_window = :w WHERE id = :id", soci::use(slot), soci::use(id);  // EXPECT: idor
    audit(s.user_id, "request.reschedule", id);
    reply(req, toJson(*r));
  }

  void listComments(http_request& req, const Session&, const Params& ids) {
    const long long id = std::stoll(ids.at(0));
    soci::rowset<soci::row> rs = (db().prepare << "SELECT author_id, body, created_at FROM request_comments "  // EXPECT: idor
                                                  "WHERE request_id = :r ORDER BY created_at",
                                  soci::use(id));
    json out = json::array();
    for (const auto& row : rs)
      out.push_back({{"author", row.get<long long>(0)}, {"body", row.get<std::string>(1)}});
    reply(req, out);
  }

  void addComment(http_request& req, const Session& s, const Params& ids) {
    const long long id = std::stoll(ids.at(0));
    if (!canAccessRequest(s, id)) { req.reply(status_codes::Forbidden); return; }
    const std::string text = json::parse(req.extract_string().get()).at("body").get<std::string>();
    db() << "INSERT INTO request_comments(request_id, author_id, body) VALUES (:r, :a, :b)",  // EXPECT: ok
        soci::use(id), soci::use(s.user_id), soci::use(text);
    req.reply(status_codes::Created);
  }

  void unitHistory(http_request& req, const Session& s, const Params& ids) {
    const long long unitId = std::stoll(ids.at(0));
    auto query = web::uri::split_query(req.request_uri().query());
    const long long buildingId = std::stoll(query["building"]);
    if (!managesBuilding(s, buildingId)) { req.reply(status_codes::Forbidden); return; }
    soci::rowset<soci::row> rs = (db().prepare << "SELECT id, category, status, tenant_id FROM maintenance_requests "  // EXPECT: idor
                                                  "WHERE unit_id = :u ORDER BY id DESC",
                                  soci::use(unitId));
    json out = json::array();
    for (const auto& row : rs)
      out.push_back({{"id", row.get<long long>(0)}, {"category", row.get<std::string>(1)},
                     {"status", row.get<std::string>(2)}, {"tenant", row.get<long long>(3)}});
    reply(req, out);
  }

  void myPreferences(http_request& req, const Session& s, const Params&) {
    std::string cookies;
    req.headers().match("Cookie", cookies);
    const std::string legacy = cookieValue(cookies, "tenant");
    const std::string who = legacy.empty() ? std::to_string(s.user_id) : legacy;
    const char* params[1] = {who.c_str()};
    PGresult* r = PQexecParams(pg(), "SELECT contact_phone, sms_opt_in, entry_permission FROM tenant_prefs WHERE tenant_id = $1",  // EXPECT: identity
                               1, nullptr, params, nullptr, nullptr, 0);
    json out = json::object();
    if (PQntuples(r) == 1)
      out = {{"phone", PQgetvalue(r, 0, 0)}, {"sms", PQgetvalue(r, 0, 1)}, {"entry", PQgetvalue(r, 0, 2)}};
    PQclear(r);
    reply(req, out);
  }

  void managerQueue(http_request& req, const Session& s, const Params&) {
    auto query = web::uri::split_query(req.request_uri().query());
    const long long buildingId = std::stoll(query["building"]);
    if (!managesBuilding(s, buildingId)) { req.reply(status_codes::Forbidden); return; }
    soci::rowset<soci::row> rs = (db().prepare << "SELECT id, unit_id, category, status FROM maintenance_requests "  // EXPECT: ok
                                                  "WHERE building_id = :b AND status <> 'closed' ORDER BY id",
                                  soci::use(buildingId));
    json out = json::array();
    for (const auto& row : rs)
      out.push_back({{"id", row.get<long long>(0)}, {"unit", row.get<long long>(1)}, {"category", row.get<std::string>(2)}});
    reply(req, out);
  }

  void assign(http_request& req, const Session& s, const Params& ids) {
    const long long id = std::stoll(ids.at(0));
    auto r = loadRequest(id);  // EXPECT: ok
    if (!r || !managesBuilding(s, r->building_id)) { req.reply(status_codes::Forbidden); return; }
    const long long contractorId = json::parse(req.extract_string().get()).at("contractor_id").get<long long>();
    db() << "INSERT INTO work_orders(request_id, contractor_id, status) VALUES (:r, :c, 'assigned')",  // EXPECT: ok
        soci::use(id), soci::use(contractorId);
    db() << "UPDATE maintenance_requests SET status = 'assigned' WHERE id = :id", soci::use(id);  // EXPECT: ok
    audit(s.user_id, "request.assign", id);
    req.reply(status_codes::NoContent);
  }
};

// ---------------------------------------------------------------------------
// Contractor portal (Boost.Beast, synchronous)
// ---------------------------------------------------------------------------

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Req = http::request<http::string_body>;
using Res = http::response<http::string_body>;

static Res makeRes(const Req& req, http::status st, const std::string& body = {}) {
  Res res{st, req.version()};
  res.set(http::field::content_type, "application/json");
  res.body() = body;
  res.prepare_payload();
  return res;
}

static std::optional<long long> contractorFromKey(const Req& req) {
  auto auth = req[http::field::authorization];
  const std::string header(auth.data(), auth.size());
  if (header.rfind("ApiKey ", 0) != 0) return std::nullopt;
  const std::string key = header.substr(7);
  const char* params[1] = {key.c_str()};
  PGresult* r = PQexecParams(pg(), "SELECT contractor_id FROM contractor_keys WHERE api_key = $1 AND NOT revoked",  // EXPECT: ok
                             1, nullptr, params, nullptr, nullptr, 0);
  std::optional<long long> out;
  if (PQntuples(r) == 1) out = std::atoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return out;
}

static Res handleContractor(const Req& req) {
  const std::string target(req.target().data(), req.target().size());
  auto me = contractorFromKey(req);
  if (!me) return makeRes(req, http::status::unauthorized);

  if (req.method() == http::verb::get && target == "/jobs") {
    soci::rowset<soci::row> rs = (db().prepare << "SELECT id, request_id, status FROM work_orders WHERE contractor_id = :c",  // EXPECT: ok
                                  soci::use(*me));
    json out = json::array();
    for (const auto& row : rs) out.push_back({{"id", row.get<long long>(0)}, {"status", row.get<std::string>(2)}});
    return makeRes(req, http::status::ok, out.dump());
  }

  if (req.method() == http::verb::get && target.rfind("/payouts", 0) == 0) {
    std::string cid = std::to_string(*me);
    auto q = target.find("contractor=");
    if (q != std::string::npos) cid = target.substr(q + 11);
    const char* params[1] = {cid.c_str()};
    PGresult* r = PQexecParams(pg(), "SELECT period, amount FROM contractor_payouts WHERE contractor_id = $1 ORDER BY period DESC",  // EXPECT: identity
                               1, nullptr, params, nullptr, nullptr, 0);
    json out = json::array();
    for (int i = 0; i < PQntuples(r); ++i) out.push_back({{"period", PQgetvalue(r, i, 0)}, {"amount", PQgetvalue(r, i, 1)}});
    PQclear(r);
    return makeRes(req, http::status::ok, out.dump());
  }

  if (target.rfind("/jobs/", 0) == 0) {
    const std::string rest = target.substr(6);
    const long long jobId = std::stoll(rest);
    const bool contact = rest.find("/tenant-contact") != std::string::npos;
    const bool complete = rest.find("/complete") != std::string::npos;

    if (req.method() == http::verb::get && !contact) {
      std::string status;
      long long requestId = 0;
      db() << "SELECT request_id, status FROM work_orders WHERE id = :id AND contractor_id = :c",  // EXPECT: ok
          soci::use(jobId), soci::use(*me), soci::into(requestId), soci::into(status);
      if (!db().got_data()) return makeRes(req, http::status::not_found);
      return makeRes(req, http::status::ok, json{{"request", requestId}, {"status", status}}.dump());
    }

    if (req.method() == http::verb::get && contact) {
      long long requestId = 0, assignee = 0;
      db() << "SELECT request_id, contractor_id FROM work_orders WHERE id = :id",  // EXPECT: ok
          soci::use(jobId), soci::into(requestId), soci::into(assignee);
      if (!db().got_data() || assignee != *me) return makeRes(req, http::status::not_found);
      std::string phone, window;
      db() << "SELECT p.contact_phone, r.access_window FROM maintenance_requests r "  // EXPECT: ok
              "JOIN tenant_prefs p ON p.tenant_id = r.tenant_id WHERE r.id = :r",
          soci::use(requestId), soci::into(phone), soci::into(window);
      return makeRes(req, http::status::ok, json{{"phone", phone}, {"window", window}}.dump());
    }

    if (req.method() == http::verb::post && complete) {
      std::string status;
      db() << "SELECT status FROM work_orders WHERE id = :id", soci::use(jobId), soci::into(status);  // EXPECT: idor
      if (status != "assigned") return makeRes(req, http::status::conflict);
      const std::string notes = json::parse(req.body()).value("notes", std::string());
      db() << "UPDATE work_orders SET status = 'done', completion_notes = :n, completed_at = now() WHERE id = :id",  // EXPECT: idor
          soci::use(notes), soci::use(jobId);
      audit(*me, "job.complete", jobId);
      return makeRes(req, http::status::no_content);
    }
  }
  return makeRes(req, http::status::not_found);
}

static void serveContractors(unsigned short port) {
  boost::asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {tcp::v4(), port});
  for (;;) {
    tcp::socket sock(ioc);
    acceptor.accept(sock);
    beast::flat_buffer buf;
    Req req;
    beast::error_code ec;
    http::read(sock, buf, req, ec);
    if (ec) continue;
    Res res;
    try { res = handleContractor(req); } catch (const std::exception&) { res = makeRes(req, http::status::bad_request); }
    http::write(sock, res, ec);
    sock.shutdown(tcp::socket::shutdown_send, ec);
  }
}

}  // namespace upkeep

int main() {
  upkeep::TenantApi api("http://0.0.0.0:8080/api");
  api.open();
  std::thread contractors([] { upkeep::serveContractors(8081); });
  contractors.join();
}

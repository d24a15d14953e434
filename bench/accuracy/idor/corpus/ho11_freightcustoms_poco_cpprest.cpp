// customs-desk: customs declaration service for freight forwarders.
//
// Broker-facing API: Poco::Net::HTTPServer with a small regex routing table,
// bearer JWTs issued by the identity service (HS256, Poco::JWT). A user can
// belong to several brokerages and picks the active one in the UI; it is
// sent as X-Broker-Id.
//
// Carrier-facing API: cpprestsdk http_listener on :8081 (event webhooks,
// tracking, proof-of-delivery uploads).
//
// Storage: MySQL (Connector/C++), scanned documents on the shared volume.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <cpprest/http_listener.h>
#include <cpprest/json.h>
#include <cpprest/uri.h>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include <cstdio>
#include <unistd.h>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace customs {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

static const std::string kDocRoot = "/mnt/customs-docs/";
static const std::string kPodRoot = "/mnt/customs-docs/pod/";

std::unique_ptr<sql::Connection> openDb() {
  sql::mysql::MySQL_Driver *driver = sql::mysql::get_mysql_driver_instance();
  const char *pw = std::getenv("CUSTOMS_DB_PASSWORD");
  std::unique_ptr<sql::Connection> con(driver->connect("tcp://mysql.customs.internal:3306", "customs_app", pw ? pw : ""));
  con->setSchema("customs");
  return con;
}

struct Caller {
  int64_t user_id = 0;
  std::string role; // broker_agent | broker_admin | auditor
};

struct Ctx {
  HTTPServerRequest &req;
  HTTPServerResponse &resp;
  std::smatch m;
  Caller caller;
  sql::Connection &db;
};

static void sendJson(HTTPServerResponse &resp, HTTPResponse::HTTPStatus status, const std::string &body) {
  resp.setStatus(status);
  resp.setContentType("application/json");
  resp.setContentLength(static_cast<std::streamsize>(body.size()));
  resp.send() << body;
}

static std::optional<Caller> verifyBearer(const HTTPServerRequest &req) {
  static const Poco::JWT::Signer signer(std::getenv("CUSTOMS_JWT_KEY") ? std::getenv("CUSTOMS_JWT_KEY") : "");
  std::string auth = req.get("Authorization", "");
  if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
  Poco::JWT::Token tok;
  if (!signer.tryVerify(auth.substr(7), tok)) return std::nullopt;
  Caller c;
  c.user_id = std::stoll(tok.getSubject());
  c.role = tok.payload().optValue<std::string>("role", "broker_agent");
  return c;
}

// Active brokerage for this request; the caller must be a member of it.
static std::optional<int64_t> activeBroker(Ctx &ctx) {
  std::string hdr = ctx.req.get("X-Broker-Id", "");
  if (hdr.empty()) return std::nullopt;
  int64_t broker = std::stoll(hdr);
  std::unique_ptr<sql::PreparedStatement> ps(
      ctx.db.prepareStatement("SELECT 1 FROM broker_members WHERE user_id = ? AND broker_id = ?"));
  ps->setInt64(1, ctx.caller.user_id);
  ps->setInt64(2, broker);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  if (!rs->next()) return std::nullopt;
  return broker;
}

static bool brokerOwnsShipment(Ctx &ctx, int64_t broker, const std::string &ref) {
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "SELECT 1 FROM shipments s JOIN declarations d ON d.shipment_id = s.id WHERE s.ref = ? AND d.broker_id = ?"));
  ps->setString(1, ref);
  ps->setInt64(2, broker);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  return rs->next();
}

// ---------------------------------------------------------------------------
// Broker handlers
// ---------------------------------------------------------------------------
static void listDeclarations(Ctx &ctx) {
  auto broker = activeBroker(ctx);
  if (!broker) return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, R"({"error":"broker"})");
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "SELECT id, mrn, status FROM declarations WHERE broker_id = ? ORDER BY created_at DESC LIMIT 100"));
  ps->setInt64(1, *broker);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  Poco::JSON::Array out;
  while (rs->next()) {
    Poco::JSON::Object o;
    o.set("id", rs->getInt64(1));
    o.set("mrn", std::string(rs->getString(2)));
    o.set("status", std::string(rs->getString(3)));
    out.add(o);
  }
  std::ostringstream ss;
  out.stringify(ss);
  sendJson(ctx.resp, HTTPResponse::HTTP_OK, ss.str());
}

static void getDeclaration(Ctx &ctx) {
  auto broker = activeBroker(ctx);
  if (!broker) return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, R"({"error":"broker"})");
  int64_t id = std::stoll(ctx.m[1].str());
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "SELECT mrn, status, importer_id, total_value FROM declarations WHERE id = ? AND broker_id = ?"));
  ps->setInt64(1, id);
  ps->setInt64(2, *broker);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  if (!rs->next()) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  Poco::JSON::Object o;
  o.set("mrn", std::string(rs->getString(1)));
  o.set("status", std::string(rs->getString(2)));
  o.set("importer_id", rs->getInt64(3));
  o.set("total_value", static_cast<double>(rs->getDouble(4)));
  std::ostringstream ss;
  o.stringify(ss);
  sendJson(ctx.resp, HTTPResponse::HTTP_OK, ss.str());
}

static void declarationLines(Ctx &ctx) {
  int64_t id = std::stoll(ctx.m[1].str());
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "SELECT line_no, hs_code, description, origin, customs_value FROM declaration_lines "
      "WHERE declaration_id = ? ORDER BY line_no"));
  ps->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: idor
  Poco::JSON::Array out;
  while (rs->next()) {
    Poco::JSON::Object o;
    o.set("line", rs->getInt(1));
    o.set("hs", std::string(rs->getString(2)));
    o.set("description", std::string(rs->getString(3)));
    o.set("origin", std::string(rs->getString(4)));
    o.set("value", static_cast<double>(rs->getDouble(5)));
    out.add(o);
  }
  std::ostringstream ss;
  out.stringify(ss);
  sendJson(ctx.resp, HTTPResponse::HTTP_OK, ss.str());
}

static void submitDeclaration(Ctx &ctx) {
  auto broker = activeBroker(ctx);
  if (!broker) return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, R"({"error":"broker"})");
  int64_t id = std::stoll(ctx.m[1].str());
  std::unique_ptr<sql::PreparedStatement> sel(
      ctx.db.prepareStatement("SELECT broker_id, status FROM declarations WHERE id = ?"));
  sel->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(sel->executeQuery()); // EXPECT: ok
  if (!rs->next() || rs->getInt64(1) != *broker) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  if (rs->getString(2) != "DRAFT") return sendJson(ctx.resp, HTTPResponse::HTTP_CONFLICT, R"({"error":"not a draft"})");
  std::unique_ptr<sql::PreparedStatement> upd(ctx.db.prepareStatement(
      "UPDATE declarations SET status = 'SUBMITTED', submitted_by = ?, submitted_at = NOW() WHERE id = ?"));
  upd->setInt64(1, ctx.caller.user_id);
  upd->setInt64(2, id);
  upd->executeUpdate(); // EXPECT: ok
  sendJson(ctx.resp, HTTPResponse::HTTP_ACCEPTED, R"({"status":"SUBMITTED"})");
}

// Amendments come from the "correct declaration" dialog which already has
// the brokerage selected.
static void amendDeclaration(Ctx &ctx) {
  int64_t id = std::stoll(ctx.m[1].str());
  int64_t broker = std::stoll(ctx.req.get("X-Broker-Id", "0"));
  Poco::JSON::Parser parser;
  auto body = parser.parse(ctx.req.stream()).extract<Poco::JSON::Object::Ptr>();
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "UPDATE declarations SET incoterm = ?, total_value = ?, amended_by = ?, amended_at = NOW() "
      "WHERE id = ? AND broker_id = ? AND status IN ('DRAFT','QUERIED')"));
  ps->setString(1, body->optValue<std::string>("incoterm", "FOB"));
  ps->setDouble(2, body->optValue<double>("total_value", 0.0));
  ps->setInt64(3, ctx.caller.user_id);
  ps->setInt64(4, id);
  ps->setInt64(5, broker);
  int n = ps->executeUpdate(); // EXPECT: identity
  sendJson(ctx.resp, n ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_NOT_FOUND, "{}");
}

static void declarationHistory(Ctx &ctx) {
  auto broker = activeBroker(ctx);
  if (!broker) return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, R"({"error":"broker"})");
  int64_t id = std::stoll(ctx.m[1].str());
  std::unique_ptr<sql::PreparedStatement> own(
      ctx.db.prepareStatement("SELECT 1 FROM declarations WHERE id = ? AND broker_id = ?"));
  own->setInt64(1, id);
  own->setInt64(2, *broker);
  std::unique_ptr<sql::ResultSet> owned(own->executeQuery()); // EXPECT: ok
  if (!owned->next()) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "SELECT at, actor_user_id, event FROM declaration_events WHERE declaration_id = ? ORDER BY at"));
  ps->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  Poco::JSON::Array out;
  while (rs->next()) out.add(std::string(rs->getString(3)));
  std::ostringstream ss;
  out.stringify(ss);
  sendJson(ctx.resp, HTTPResponse::HTTP_OK, ss.str());
}

static void deleteAttachment(Ctx &ctx) {
  auto broker = activeBroker(ctx);
  if (!broker) return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, R"({"error":"broker"})");
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "DELETE a FROM attachments a JOIN declarations d ON d.id = a.declaration_id "
      "WHERE a.id = ? AND d.id = ? AND d.broker_id = ?"));
  ps->setInt64(1, std::stoll(ctx.m[2].str()));
  ps->setInt64(2, std::stoll(ctx.m[1].str()));
  ps->setInt64(3, *broker);
  int n = ps->executeUpdate(); // EXPECT: ok
  sendJson(ctx.resp, n ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_NOT_FOUND, "{}");
}

static void streamFile(HTTPServerResponse &resp, FILE *f, const std::string &type) {
  resp.setContentType(type);
  std::ostream &out = resp.send();
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.write(buf, static_cast<std::streamsize>(n));
  std::fclose(f);
}

static void shipmentDocument(Ctx &ctx) {
  auto broker = activeBroker(ctx);
  if (!broker) return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, R"({"error":"broker"})");
  std::string ref = ctx.m[1].str();
  std::string name = ctx.m[2].str();
  if (!brokerOwnsShipment(ctx, *broker, ref)) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  FILE *f = std::fopen((kDocRoot + ref + "/" + name).c_str(), "rb"); // EXPECT: ok
  if (!f) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  streamFile(ctx.resp, f, "application/pdf");
}

static void commercialInvoiceScan(Ctx &ctx) {
  std::string decl = ctx.m[1].str();
  FILE *f = std::fopen((kDocRoot + "ci/" + decl + ".pdf").c_str(), "rb"); // EXPECT: idor
  if (!f) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  streamFile(ctx.resp, f, "application/pdf");
}

static void importerBond(Ctx &ctx) {
  if (ctx.caller.role != "broker_agent" && ctx.caller.role != "broker_admin")
    return sendJson(ctx.resp, HTTPResponse::HTTP_FORBIDDEN, "{}");
  int64_t importer = std::stoll(ctx.m[1].str());
  std::unique_ptr<sql::PreparedStatement> ps(ctx.db.prepareStatement(
      "SELECT bond_number, surety, limit_amount, expires_on FROM customs_bonds WHERE importer_id = ?"));
  ps->setInt64(1, importer);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: idor
  if (!rs->next()) return sendJson(ctx.resp, HTTPResponse::HTTP_NOT_FOUND, "{}");
  Poco::JSON::Object o;
  o.set("bond_number", std::string(rs->getString(1)));
  o.set("surety", std::string(rs->getString(2)));
  o.set("limit", static_cast<double>(rs->getDouble(3)));
  o.set("expires_on", std::string(rs->getString(4)));
  std::ostringstream ss;
  o.stringify(ss);
  sendJson(ctx.resp, HTTPResponse::HTTP_OK, ss.str());
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------
struct Route {
  std::string method;
  std::regex pattern;
  std::function<void(Ctx &)> handler;
};

static const std::vector<Route> &routes() {
  static const std::vector<Route> table = {
      {"GET", std::regex("^/declarations$"), listDeclarations},
      {"GET", std::regex("^/declarations/(\\d+)$"), getDeclaration},
      {"GET", std::regex("^/declarations/(\\d+)/lines$"), declarationLines},
      {"GET", std::regex("^/declarations/(\\d+)/history$"), declarationHistory},
      {"GET", std::regex("^/declarations/(\\d+)/commercial-invoice$"), commercialInvoiceScan},
      {"POST", std::regex("^/declarations/(\\d+)/submit$"), submitDeclaration},
      {"POST", std::regex("^/declarations/(\\d+)/amend$"), amendDeclaration},
      {"DELETE", std::regex("^/declarations/(\\d+)/attachments/(\\d+)$"), deleteAttachment},
      {"GET", std::regex("^/shipments/([A-Z0-9]{6,20})/documents/([A-Za-z0-9_-]+\\.pdf)$"), shipmentDocument},
      {"GET", std::regex("^/importers/(\\d+)/bond$"), importerBond},
  };
  return table;
}

// Public HS tariff lookup used by the marketing site's duty calculator.
static void tariffSearch(HTTPServerRequest &req, HTTPServerResponse &resp, sql::Connection &db) {
  Poco::URI uri(req.getURI());
  std::string q;
  for (const auto &kv : uri.getQueryParameters())
    if (kv.first == "q") q = kv.second;
  std::unique_ptr<sql::PreparedStatement> ps(db.prepareStatement(
      "SELECT code, description, duty_rate FROM hs_codes WHERE description LIKE CONCAT('%', ?, '%') LIMIT 25"));
  ps->setString(1, q);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  Poco::JSON::Array out;
  while (rs->next()) out.add(std::string(rs->getString(1)));
  std::ostringstream ss;
  out.stringify(ss);
  sendJson(resp, HTTPResponse::HTTP_OK, ss.str());
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto db = openDb();
    std::string path = Poco::URI(req.getURI()).getPath();
    if (req.getMethod() == "GET" && path == "/tariff") return tariffSearch(req, resp, *db);

    auto caller = verifyBearer(req);
    if (!caller) return sendJson(resp, HTTPResponse::HTTP_UNAUTHORIZED, R"({"error":"token"})");
    for (const auto &r : routes()) {
      std::smatch m;
      if (r.method == req.getMethod() && std::regex_match(path, m, r.pattern)) {
        Ctx ctx{req, resp, m, *caller, *db};
        r.handler(ctx);
        return;
      }
    }
    sendJson(resp, HTTPResponse::HTTP_NOT_FOUND, R"({"error":"no route"})");
  }
};

class ApiFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Poco::Net::HTTPRequestHandler *createRequestHandler(const HTTPServerRequest &) override { return new ApiHandler; }
};

// ---------------------------------------------------------------------------
// Carrier API (cpprestsdk)
// ---------------------------------------------------------------------------
using web::http::http_request;
using web::http::methods;
using web::http::status_codes;

static std::optional<int64_t> carrierFromKey(const http_request &req, sql::Connection &db) {
  auto it = req.headers().find("X-Carrier-Key");
  if (it == req.headers().end()) return std::nullopt;
  std::unique_ptr<sql::PreparedStatement> ps(
      db.prepareStatement("SELECT carrier_id FROM carrier_keys WHERE key_hash = SHA2(?, 256) AND revoked = 0"));
  ps->setString(1, it->second);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  if (!rs->next()) return std::nullopt;
  return rs->getInt64(1);
}

static void handleCarrierGet(http_request req) {
  auto db = openDb();
  auto segs = web::uri::split_path(req.relative_uri().path());
  auto query = web::uri::split_query(req.relative_uri().query());

  // Older partners poll the manifest without a key and pass their code.
  if (segs.size() == 1 && segs[0] == "manifest") {
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "SELECT s.ref, s.consignee, s.weight_kg, s.status FROM shipments s JOIN carriers c ON c.id = s.carrier_id "
        "WHERE c.code = ? AND s.status <> 'DELIVERED'"));
    ps->setString(1, query["carrier_code"]);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: identity
    auto arr = web::json::value::array();
    size_t i = 0;
    while (rs->next()) arr[i++] = web::json::value::string(std::string(rs->getString(1)));
    req.reply(status_codes::OK, arr);
    return;
  }

  auto carrier = carrierFromKey(req, *db);
  if (!carrier) { req.reply(status_codes::Unauthorized); return; }
  if (segs.size() == 2 && segs[0] == "shipments") {
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "SELECT consignee, address, weight_kg, status, hold_reason FROM shipments WHERE ref = ?"));
    ps->setString(1, segs[1]);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: idor
    if (!rs->next()) { req.reply(status_codes::NotFound); return; }
    web::json::value v;
    v["consignee"] = web::json::value::string(std::string(rs->getString(1)));
    v["address"] = web::json::value::string(std::string(rs->getString(2)));
    v["status"] = web::json::value::string(std::string(rs->getString(4)));
    v["hold_reason"] = web::json::value::string(std::string(rs->getString(5)));
    req.reply(status_codes::OK, v);
    return;
  }
  req.reply(status_codes::NotFound);
}

static void handleCarrierPost(http_request req) {
  auto db = openDb();
  auto carrier = carrierFromKey(req, *db);
  if (!carrier) { req.reply(status_codes::Unauthorized); return; }
  auto segs = web::uri::split_path(req.relative_uri().path());

  if (segs.size() == 1 && segs[0] == "events") {
    web::json::value ev = req.extract_json().get();
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "UPDATE shipments SET last_event = ?, last_event_at = ? WHERE ref = ? AND carrier_id = ?"));
    ps->setString(1, ev.at("event").as_string());
    ps->setString(2, ev.at("at").as_string());
    ps->setString(3, ev.at("shipment_ref").as_string());
    ps->setInt64(4, *carrier);
    int n = ps->executeUpdate(); // EXPECT: ok
    req.reply(n ? status_codes::Accepted : status_codes::NotFound);
    return;
  }

  if (segs.size() == 2 && segs[0] == "pod") {
    const std::string &ref = segs[1];
    std::unique_ptr<sql::PreparedStatement> ps(
        db->prepareStatement("SELECT 1 FROM shipments WHERE ref = ? AND carrier_id = ?"));
    ps->setString(1, ref);
    ps->setInt64(2, *carrier);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    if (!rs->next()) { req.reply(status_codes::NotFound); return; }
    std::vector<unsigned char> img = req.extract_vector().get();
    FILE *f = std::fopen((kPodRoot + ref + ".jpg").c_str(), "wb"); // EXPECT: ok
    if (!f) { req.reply(status_codes::InternalError); return; }
    std::fwrite(img.data(), 1, img.size(), f);
    std::fclose(f);
    req.reply(status_codes::Created);
    return;
  }
  req.reply(status_codes::NotFound);
}

} // namespace customs

int main() {
  using namespace customs;
  web::http::experimental::listener::http_listener carriers("http://0.0.0.0:8081/carrier");
  carriers.support(methods::GET, handleCarrierGet);
  carriers.support(methods::POST, handleCarrierPost);
  carriers.open().wait();

  Poco::Net::ServerSocket socket(8080);
  Poco::Net::HTTPServer server(new ApiFactory, socket, new Poco::Net::HTTPServerParams);
  server.start();
  for (;;) pause();
}

// permitdesk: applicant portal API (oatpp controller) plus the field app
// backend for inspectors' tablets and licensed contractors (CivetWeb).
// Permit/inspection data lives in Postgres via SOCI; portal sessions and the
// contractor tables are read with libpq. Plan sets and photos are on the NAS.
#include <oatpp.h>

#include <civetweb.h>
#include <libpq-fe.h>
#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace permitdesk {

using json = nlohmann::json;
using oatpp::Int64;
using oatpp::String;

static const char *kDsn = "host=db.internal dbname=permits user=permitdesk";
static const std::string kNas = "/mnt/permits";

soci::session &db() {
  thread_local soci::session s("postgresql", kDsn);
  return s;
}

PGconn *pg() {
  thread_local PGconn *c = PQconnectdb(kDsn);
  return c;
}

struct PgResult {
  PGresult *r;
  ~PgResult() { PQclear(r); }
  bool ok() const { return PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK; }
  int rows() const { return PQntuples(r); }
  std::string at(int row, int col) const { return PQgetvalue(r, row, col); }
};

// ---------------------------------------------------------------------------
// Applicant portal (oatpp)
// ---------------------------------------------------------------------------
static std::optional<long long> applicantForSession(const std::string &authorization) {
  static const std::string pfx = "Session ";
  if (authorization.compare(0, pfx.size(), pfx) != 0) return std::nullopt;
  std::string token = authorization.substr(pfx.size());
  const char *params[1] = {token.c_str()};
  PgResult res{PQexecParams(pg(), "SELECT applicant_id FROM portal_sessions WHERE token = $1 AND expires_at > now()", // EXPECT: ok
                            1, nullptr, params, nullptr, nullptr, 0)};
  if (!res.ok() || res.rows() != 1) return std::nullopt;
  return std::stoll(res.at(0, 0));
}

static bool applicantOwnsPermit(long long applicant, long long permitId) {
  int n = 0;
  db() << "select count(*) from permits p left join permit_agents a on a.permit_id = p.id " // EXPECT: ok
          "where p.id = :pid and (p.applicant_id = :aid or a.agent_applicant_id = :aid)",
      soci::use(permitId, "pid"), soci::use(applicant, "aid"), soci::into(n);
  return n > 0;
}

class PortalController : public oatpp::web::server::api::ApiController {
public:
  ENDPOINT("GET", "/api/permits", listMine, HEADER(String, authorization, "Authorization")) {
    auto me = applicantForSession(authorization);
    if (!me) return createResponse(Status::CODE_403, "{\"error\":\"login\"}");
    soci::rowset<soci::row> rs = (db().prepare << "select id, kind, site_address, status from permits " // EXPECT: ok
                                                  "where applicant_id = :a order by submitted_at desc",
                                  soci::use(*me));
    json out = json::array();
    for (const auto &r : rs)
      out.push_back({{"id", r.get<long long>(0)}, {"kind", r.get<std::string>(1)},
                     {"address", r.get<std::string>(2)}, {"status", r.get<std::string>(3)}});
    return createResponse(Status::CODE_200, out.dump());
  }

  ENDPOINT("GET", "/api/permits/{permitId}", getPermit, HEADER(String, authorization, "Authorization"),
           PATH(Int64, permitId)) {
    auto me = applicantForSession(authorization);
    if (!me) return createResponse(Status::CODE_403, "{\"error\":\"login\"}");
    long long owner = 0;
    std::string kind, address, status, valuation;
    db() << "select applicant_id, kind, site_address, status, valuation from permits where id = :id", // EXPECT: ok
        soci::use(permitId), soci::into(owner), soci::into(kind), soci::into(address), soci::into(status),
        soci::into(valuation);
    if (!db().got_data() || (owner != *me && !applicantOwnsPermit(*me, permitId)))
      return createResponse(Status::CODE_404, "{}");
    json j{{"id", permitId}, {"kind", kind}, {"address", address}, {"status", status}, {"valuation", valuation}};
    return createResponse(Status::CODE_200, j.dump());
  }

  ENDPOINT("GET", "/api/permits/{permitId}/inspections", permitInspections,
           HEADER(String, authorization, "Authorization"), PATH(Int64, permitId)) {
    auto me = applicantForSession(authorization);
    if (!me || !applicantOwnsPermit(*me, permitId)) return createResponse(Status::CODE_404, "{}");
    soci::rowset<soci::row> rs = (db().prepare << "select id, kind, scheduled_for, result, inspector_notes " // EXPECT: ok
                                                  "from inspections where permit_id = :p order by scheduled_for",
                                  soci::use(permitId));
    json out = json::array();
    for (const auto &r : rs)
      out.push_back({{"id", r.get<long long>(0)}, {"kind", r.get<std::string>(1)},
                     {"scheduled_for", r.get<std::string>(2)}, {"result", r.get<std::string>(3, "")},
                     {"notes", r.get<std::string>(4, "")}});
    return createResponse(Status::CODE_200, out.dump());
  }

  ENDPOINT("POST", "/api/permits/withdraw", withdraw, HEADER(String, authorization, "Authorization"),
           BODY_STRING(String, body)) {
    auto me = applicantForSession(authorization);
    if (!me) return createResponse(Status::CODE_403, "{\"error\":\"login\"}");
    auto req = json::parse(body, nullptr, false);
    if (!req.is_object() || !req.contains("permit_id")) return createResponse(Status::CODE_404, "{}");
    long long permitId = req["permit_id"].get<long long>();
    std::string reason = req.value("reason", "");
    db() << "update permits set status = 'withdrawn', withdrawn_reason = :r, withdrawn_at = now() " // EXPECT: idor
            "where id = :id and status in ('submitted', 'in_review')",
        soci::use(reason), soci::use(permitId);
    return createResponse(Status::CODE_200, "{\"ok\":true}");
  }

  // Public permit register (required by the open-records ordinance).
  ENDPOINT("GET", "/api/public/permits/{permitId}", publicPermit, PATH(Int64, permitId)) {
    std::string kind, address, status;
    db() << "select kind, site_address, status from permits where id = :id and status <> 'draft'", // EXPECT: ok
        soci::use(permitId), soci::into(kind), soci::into(address), soci::into(status);
    if (!db().got_data()) return createResponse(Status::CODE_404, "{}");
    return createResponse(Status::CODE_200, json{{"kind", kind}, {"address", address}, {"status", status}}.dump());
  }

  // Fee statement for the payment kiosk in the lobby.
  ENDPOINT("GET", "/api/fees", feeStatement, HEADER(Int64, applicantId, "X-Applicant-Id")) {
    soci::rowset<soci::row> rs = (db().prepare << "select f.permit_id, f.description, f.amount_cents, f.paid " // EXPECT: identity
                                                  "from fees f join permits p on p.id = f.permit_id "
                                                  "where p.applicant_id = :a",
                                  soci::use(applicantId));
    json out = json::array();
    for (const auto &r : rs)
      out.push_back({{"permit", r.get<long long>(0)}, {"description", r.get<std::string>(1)},
                     {"amount_cents", r.get<long long>(2)}, {"paid", r.get<int>(3) != 0}});
    return createResponse(Status::CODE_200, out.dump());
  }

  ENDPOINT("GET", "/api/documents/{docId}", download, HEADER(String, authorization, "Authorization"),
           PATH(Int64, docId)) {
    std::string id = std::to_string(docId);
    const char *params[1] = {id.c_str()};
    PgResult doc{PQexecParams(pg(), "SELECT permit_id, storage_path, visibility FROM permit_documents WHERE id = $1", // EXPECT: ok
                              1, nullptr, params, nullptr, nullptr, 0)};
    if (!doc.ok() || doc.rows() != 1) return createResponse(Status::CODE_404, "{}");
    if (doc.at(0, 2) != "public") {
      auto me = applicantForSession(authorization);
      if (!me || !applicantOwnsPermit(*me, std::stoll(doc.at(0, 0)))) return createResponse(Status::CODE_404, "{}");
    }
    std::ifstream in(kNas + "/documents/" + doc.at(0, 1), std::ios::binary); // EXPECT: ok
    if (!in) return createResponse(Status::CODE_404, "{}");
    std::ostringstream ss;
    ss << in.rdbuf();
    return createResponse(Status::CODE_200, ss.str());
  }

  ENDPOINT("DELETE", "/api/documents/{docId}", deleteDocument, HEADER(String, authorization, "Authorization"),
           PATH(Int64, docId)) {
    auto me = applicantForSession(authorization);
    if (!me) return createResponse(Status::CODE_403, "{\"error\":\"login\"}");
    long long uploadedBy = 0;
    std::string state;
    db() << "select d.uploaded_by, p.status from permit_documents d join permits p on p.id = d.permit_id " // EXPECT: ok
            "where d.id = :id",
        soci::use(docId), soci::into(uploadedBy), soci::into(state);
    if (!db().got_data() || uploadedBy != *me) return createResponse(Status::CODE_404, "{}");
    if (state != "draft" && state != "submitted") return createResponse(Status::CODE_403, "{\"error\":\"locked\"}");
    db() << "delete from permit_documents where id = :id", soci::use(docId); // EXPECT: ok
    return createResponse(Status::CODE_200, "{\"deleted\":true}");
  }

  ENDPOINT("GET", "/api/applicants/{applicantId}/profile", profile, HEADER(String, authorization, "Authorization"),
           PATH(Int64, applicantId)) {
    if (!applicantForSession(authorization)) return createResponse(Status::CODE_403, "{\"error\":\"login\"}");
    std::string name, email, phone, mailing;
    db() << "select full_name, email, phone, mailing_address from applicants where id = :id", // EXPECT: idor
        soci::use(applicantId), soci::into(name), soci::into(email), soci::into(phone), soci::into(mailing);
    if (!db().got_data()) return createResponse(Status::CODE_404, "{}");
    return createResponse(Status::CODE_200,
                          json{{"name", name}, {"email", email}, {"phone", phone}, {"mailing", mailing}}.dump());
  }

  ENDPOINT("PUT", "/api/permits/{permitId}/contractor", setContractor, PATH(Int64, permitId),
           BODY_STRING(String, body)) {
    auto req = json::parse(body, nullptr, false);
    if (!req.is_object() || !req.contains("applicant_id")) return createResponse(Status::CODE_404, "{}");
    long long applicant = req["applicant_id"].get<long long>();
    std::string license = req.value("license_no", "");
    db() << "update permits set contractor_license = :lic where id = :id and applicant_id = :a", // EXPECT: identity
        soci::use(license), soci::use(permitId), soci::use(applicant);
    return createResponse(Status::CODE_200, "{\"ok\":true}");
  }
};

// ---------------------------------------------------------------------------
// Field app (CivetWeb): inspectors and contractors
// ---------------------------------------------------------------------------
struct Inspector {
  long long id = 0;
  std::string district;
  std::string role;
};

static int sendJson(mg_connection *conn, int status, const std::string &body) {
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
            status, status == 200 ? "OK" : "Error", body.size());
  mg_write(conn, body.data(), body.size());
  return status;
}

static std::string readBody(mg_connection *conn) {
  std::string out;
  char buf[4096];
  int n;
  while ((n = mg_read(conn, buf, sizeof buf)) > 0) out.append(buf, n);
  return out;
}

static bool idAfter(const std::string &uri, const std::string &prefix, long long &id, std::string &rest) {
  if (uri.compare(0, prefix.size(), prefix) != 0) return false;
  size_t end = 0;
  try {
    id = std::stoll(uri.substr(prefix.size()), &end);
  } catch (...) {
    return false;
  }
  rest = uri.substr(prefix.size() + end);
  return true;
}

static std::optional<Inspector> inspectorForDevice(const char *key) {
  if (!key || std::strlen(key) < 24) return std::nullopt;
  Inspector i;
  db() << "select i.id, i.district, i.role from devices d join inspectors i on i.id = d.inspector_id " // EXPECT: ok
          "where d.device_key = :k and d.active = true",
      soci::use(std::string(key)), soci::into(i.id), soci::into(i.district), soci::into(i.role);
  if (!db().got_data()) return std::nullopt;
  return i;
}

static int inspectorHandler(mg_connection *conn, void *) {
  const mg_request_info *ri = mg_get_request_info(conn);
  auto me = inspectorForDevice(mg_get_header(conn, "X-Device-Key"));
  if (!me) return sendJson(conn, 401, "{\"error\":\"device\"}");
  const std::string uri = ri->local_uri ? ri->local_uri : "";
  const bool post = std::strcmp(ri->request_method, "POST") == 0;
  long long id = 0;
  std::string rest;

  if (uri == "/field/inspector/schedule") {
    soci::rowset<soci::row> rs = (db().prepare << "select i.id, p.site_address, i.kind, i.scheduled_for " // EXPECT: ok
                                                  "from inspections i join permits p on p.id = i.permit_id "
                                                  "where i.inspector_id = :me and i.result is null",
                                  soci::use(me->id));
    json out = json::array();
    for (const auto &r : rs)
      out.push_back({{"id", r.get<long long>(0)}, {"address", r.get<std::string>(1)},
                     {"kind", r.get<std::string>(2)}, {"at", r.get<std::string>(3)}});
    return sendJson(conn, 200, out.dump());
  }

  if (idAfter(uri, "/field/inspector/inspections/", id, rest) && rest == "/result" && post) {
    auto body = json::parse(readBody(conn), nullptr, false);
    std::string result = body.is_object() ? body.value("result", "") : "";
    if (result != "pass" && result != "fail" && result != "partial") return sendJson(conn, 400, "{}");
    std::string notes = body.value("notes", "");
    soci::statement st = (db().prepare << "update inspections set result = :r, inspector_notes = :n, "
                                          "completed_at = now() where id = :id and inspector_id = :me",
                          soci::use(result), soci::use(notes), soci::use(id), soci::use(me->id));
    st.execute(true); // EXPECT: ok
    return sendJson(conn, st.get_affected_rows() == 1 ? 200 : 404, "{}");
  }

  if (idAfter(uri, "/field/inspector/inspections/", id, rest) && rest == "/photos" && post) {
    std::string name = "upload.jpg";
    if (ri->query_string) {
      char buf[128];
      if (mg_get_var(ri->query_string, std::strlen(ri->query_string), "name", buf, sizeof buf) > 0 &&
          std::strchr(buf, '/') == nullptr)
        name = buf;
    }
    std::string data = readBody(conn);
    std::string path = kNas + "/inspections/" + std::to_string(id) + "/" + name;
    FILE *f = std::fopen(path.c_str(), "wb"); // EXPECT: idor
    if (!f) return sendJson(conn, 500, "{}");
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
    return sendJson(conn, 200, "{\"stored\":true}");
  }

  if (idAfter(uri, "/field/inspector/inspections/", id, rest) && rest == "/reassign" && post) {
    if (me->role != "supervisor") return sendJson(conn, 403, "{}");
    auto body = json::parse(readBody(conn), nullptr, false);
    long long to = body.is_object() ? body.value("inspector_id", 0LL) : 0LL;
    db() << "update inspections set inspector_id = :to where id = :id and district = :d", // EXPECT: ok
        soci::use(to), soci::use(id), soci::use(me->district);
    return sendJson(conn, 200, "{}");
  }

  if (idAfter(uri, "/field/inspector/permits/", id, rest) && rest.empty()) {
    std::string district, address, kind, contact;
    db() << "select district, site_address, kind, applicant_phone from permits where id = :id", // EXPECT: ok
        soci::use(id), soci::into(district), soci::into(address), soci::into(kind), soci::into(contact);
    if (!db().got_data() || district != me->district) return sendJson(conn, 404, "{}");
    return sendJson(conn, 200, json{{"address", address}, {"kind", kind}, {"contact", contact}}.dump());
  }
  return sendJson(conn, 404, "{}");
}

static std::optional<std::string> contractorLicense(mg_connection *conn) {
  const char *cookie = mg_get_header(conn, "Cookie");
  char sid[96];
  if (!cookie || mg_get_cookie(cookie, "csid", sid, sizeof sid) <= 0) return std::nullopt;
  const char *params[1] = {sid};
  PgResult res{PQexecParams(pg(), "SELECT license_no FROM contractor_sessions WHERE sid = $1 AND expires_at > now()", // EXPECT: ok
                            1, nullptr, params, nullptr, nullptr, 0)};
  if (!res.ok() || res.rows() != 1) return std::nullopt;
  return res.at(0, 0);
}

static int contractorHandler(mg_connection *conn, void *) {
  const mg_request_info *ri = mg_get_request_info(conn);
  auto lic = contractorLicense(conn);
  if (!lic) return sendJson(conn, 401, "{\"error\":\"login\"}");
  const std::string uri = ri->local_uri ? ri->local_uri : "";
  long long id = 0;
  std::string rest;

  if (uri == "/field/contractor/permits") {
    const char *params[1] = {lic->c_str()};
    PgResult res{PQexecParams(pg(), "SELECT id, site_address, status FROM permits WHERE contractor_license = $1", // EXPECT: ok
                              1, nullptr, params, nullptr, nullptr, 0)};
    json out = json::array();
    for (int i = 0; i < res.rows(); ++i)
      out.push_back({{"id", std::stoll(res.at(i, 0))}, {"address", res.at(i, 1)}, {"status", res.at(i, 2)}});
    return sendJson(conn, 200, out.dump());
  }

  if (idAfter(uri, "/field/contractor/permits/", id, rest) && rest == "/inspections") {
    std::string pid = std::to_string(id);
    const char *params[1] = {pid.c_str()};
    PgResult res{PQexecParams(pg(), "SELECT kind, scheduled_for, result, inspector_notes FROM inspections " // EXPECT: idor
                                    "WHERE permit_id = $1 ORDER BY scheduled_for", 1, nullptr, params, nullptr,
                              nullptr, 0)};
    json out = json::array();
    for (int i = 0; i < res.rows(); ++i)
      out.push_back({{"kind", res.at(i, 0)}, {"at", res.at(i, 1)}, {"result", res.at(i, 2)}, {"notes", res.at(i, 3)}});
    return sendJson(conn, 200, out.dump());
  }

  if (idAfter(uri, "/field/contractor/inspections/", id, rest) && rest == "/reschedule") {
    auto body = json::parse(readBody(conn), nullptr, false);
    std::string when = body.is_object() ? body.value("date", "") : "";
    std::string iid = std::to_string(id);
    const char *params[3] = {when.c_str(), iid.c_str(), lic->c_str()};
    PgResult res{PQexecParams(pg(), "UPDATE inspections i SET scheduled_for = $1::date FROM permits p " // EXPECT: ok
                                    "WHERE i.id = $2 AND p.id = i.permit_id AND p.contractor_license = $3 "
                                    "AND i.result IS NULL", 3, nullptr, params, nullptr, nullptr, 0)};
    return sendJson(conn, std::string(PQcmdTuples(res.r)) == "1" ? 200 : 404, "{}");
  }

  if (idAfter(uri, "/field/contractor/permits/", id, rest) && rest == "/plans") {
    std::string pid = std::to_string(id);
    const char *params[2] = {pid.c_str(), lic->c_str()};
    PgResult res{PQexecParams(pg(), "SELECT plan_set_path FROM permits WHERE id = $1 AND contractor_license = $2", // EXPECT: ok
                              2, nullptr, params, nullptr, nullptr, 0)};
    if (!res.ok() || res.rows() != 1) return sendJson(conn, 404, "{}");
    std::ifstream in(kNas + "/plans/" + res.at(0, 0), std::ios::binary); // EXPECT: ok
    if (!in) return sendJson(conn, 404, "{}");
    std::ostringstream ss;
    ss << in.rdbuf();
    return sendJson(conn, 200, ss.str());
  }

  if (uri == "/field/contractor/insurance") {
    // "lic" is set next to csid at login so the PWA can show the badge offline
    const char *cookie = mg_get_header(conn, "Cookie");
    char shown[32] = {0};
    if (cookie) mg_get_cookie(cookie, "lic", shown, sizeof shown);
    std::string which = shown[0] ? shown : *lic;
    if (which.find('/') != std::string::npos) return sendJson(conn, 400, "{}");
    std::ifstream in(kNas + "/insurance/" + which + ".pdf", std::ios::binary); // EXPECT: identity
    if (!in) return sendJson(conn, 404, "{}");
    std::ostringstream ss;
    ss << in.rdbuf();
    return sendJson(conn, 200, ss.str());
  }
  return sendJson(conn, 404, "{}");
}

} // namespace permitdesk

int main() {
  const char *options[] = {"listening_ports", "8090", "num_threads", "16", nullptr};
  mg_callbacks callbacks{};
  mg_context *ctx = mg_start(&callbacks, nullptr, options);
  if (!ctx) return 1;
  mg_set_request_handler(ctx, "/field/inspector/", permitdesk::inspectorHandler, nullptr);
  mg_set_request_handler(ctx, "/field/contractor/", permitdesk::contractorHandler, nullptr);
  // the oatpp portal is hosted by the gateway process; see portal_main.cpp
  std::getchar();
  mg_stop(ctx);
  return 0;
}

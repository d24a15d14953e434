// brightsmile: patient portal handlers (userver) and the practice imaging
// server (POCO Net) that sensors and chairside workstations talk to.
// Practice management data is in MySQL; each site keeps a local SQLite index
// of radiographs next to the image files. Portal sessions live in Redis.
#include <userver.h>

#include <Poco/HMACEngine.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/SHA1Engine.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <mysql_driver.h>

#include <hiredis/hiredis.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace brightsmile {

using json = nlohmann::json;
namespace uhttp = userver::server::http;
namespace ureq = userver::server::request;
using userver::server::handlers::HttpHandlerBase;

struct Deps {
  std::unique_ptr<sql::Connection> mysql;
  redisContext *redis = nullptr;
  sqlite3 *imaging = nullptr;
  std::string imageRoot = "/srv/brightsmile/images";
  std::string planRoot = "/srv/brightsmile/plans";
  std::string ssoSecret;
  std::mutex mu;
};

static std::unique_ptr<sql::PreparedStatement> prepare(Deps &d, const char *q) {
  return std::unique_ptr<sql::PreparedStatement>(d.mysql->prepareStatement(q));
}

static std::optional<int64_t> sessionPatient(Deps &d, const uhttp::HttpRequest &req) {
  const auto &sid = req.GetCookie("bs_session");
  if (sid.size() != 43) return std::nullopt;
  std::lock_guard<std::mutex> lk(d.mu);
  auto *r = static_cast<redisReply *>(redisCommand(d.redis, "HGET bs:sess:%s patient_id", sid.c_str())); // EXPECT: ok
  std::optional<int64_t> out;
  if (r && r->type == REDIS_REPLY_STRING) out = std::stoll(r->str);
  if (r) freeReplyObject(r);
  return out;
}

static std::string fail(const uhttp::HttpRequest &req, uhttp::HttpStatus st) {
  req.SetResponseStatus(st);
  return st == uhttp::HttpStatus::kForbidden ? R"({"error":"forbidden"})" : R"({"error":"not found"})";
}
static std::string forbidden(const uhttp::HttpRequest &req) { return fail(req, uhttp::HttpStatus::kForbidden); }
static std::string notFound(const uhttp::HttpRequest &req) { return fail(req, uhttp::HttpStatus::kNotFound); }

// ---------------------------------------------------------------------------
// Portal (userver)
// ---------------------------------------------------------------------------
class PortalHandler : public HttpHandlerBase {
public:
  explicit PortalHandler(Deps &d) : deps_(d) {}

protected:
  static int64_t patientOf(ureq::RequestContext &ctx) { return ctx.GetData<int64_t>("patient_id"); }
  Deps &deps_;
};

template <class Inner> class WithSession final : public HttpHandlerBase {
public:
  explicit WithSession(Deps &d) : deps_(d), inner_(d) {}
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    auto pid = sessionPatient(deps_, req);
    if (!pid) return forbidden(req);
    ctx.GetData<int64_t>("patient_id") = *pid;
    return inner_.HandleRequestThrow(req, ctx);
  }

private:
  Deps &deps_;
  Inner inner_;
};

class MyAppointments final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &, ureq::RequestContext &ctx) const override {
    std::lock_guard<std::mutex> lk(deps_.mu);
    auto ps = prepare(deps_, "SELECT a.id, a.start_at, a.kind, pr.display_name FROM appointments a "
                             "JOIN providers pr ON pr.id = a.provider_id WHERE a.patient_id = ? AND a.start_at > NOW()");
    ps->setInt64(1, patientOf(ctx));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    json out = json::array();
    while (rs->next())
      out.push_back({{"id", rs->getInt64(1)}, {"start_at", rs->getString(2).asStdString()},
                     {"kind", rs->getString(3).asStdString()}, {"provider", rs->getString(4).asStdString()}});
    return out.dump();
  }
};

class AppointmentDetail final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    const int64_t id = std::stoll(req.GetPathArg("id"));
    std::lock_guard<std::mutex> lk(deps_.mu);
    auto ps = prepare(deps_, "SELECT patient_id, start_at, kind, chair, pre_visit_notes FROM appointments WHERE id = ?");
    ps->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    if (!rs->next() || rs->getInt64(1) != patientOf(ctx)) return notFound(req);
    json j{{"id", id}, {"start_at", rs->getString(2).asStdString()}, {"kind", rs->getString(3).asStdString()},
           {"chair", rs->getString(4).asStdString()}, {"notes", rs->getString(5).asStdString()}};
    return j.dump();
  }
};

class AppointmentAction final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    const int64_t id = std::stoll(req.GetPathArg("id"));
    const int64_t me = patientOf(ctx);
    auto body = json::parse(req.RequestBody(), nullptr, false);
    const std::string action = body.is_object() ? body.value("action", "") : "";
    std::lock_guard<std::mutex> lk(deps_.mu);

    if (action == "cancel") {
      auto ps = prepare(deps_, "UPDATE appointments SET status = 'cancelled_by_patient' "
                               "WHERE id = ? AND patient_id = ? AND start_at > NOW() + INTERVAL 24 HOUR");
      ps->setInt64(1, id);
      ps->setInt64(2, me);
      return ps->executeUpdate() == 1 ? R"({"ok":true})" : notFound(req); // EXPECT: ok
    }
    if (action == "reschedule") {
      if (!ownsAppointment(me, id)) return forbidden(req);
      auto ps = prepare(deps_, "UPDATE appointments SET start_at = ?, status = 'rescheduled' WHERE id = ?");
      ps->setString(1, body.value("slot", ""));
      ps->setInt64(2, id);
      ps->executeUpdate(); // EXPECT: ok
      return R"({"ok":true})";
    }
    if (action == "confirm") {
      // reminder SMS/email links land here as well
      auto ps = prepare(deps_, "UPDATE appointments SET confirmed_at = NOW(), confirm_channel = ? WHERE id = ?");
      ps->setString(1, body.value("channel", "portal"));
      ps->setInt64(2, id);
      return ps->executeUpdate() ? R"({"ok":true})" : notFound(req); // EXPECT: idor
    }
    return notFound(req);
  }

private:
  bool ownsAppointment(int64_t patient, int64_t appt) const {
    auto ps = prepare(deps_, "SELECT 1 FROM appointments WHERE id = ? AND patient_id = ?");
    ps->setInt64(1, appt);
    ps->setInt64(2, patient);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    return rs->next();
  }
};

class XrayList final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &, ureq::RequestContext &ctx) const override {
    std::lock_guard<std::mutex> lk(deps_.mu);
    auto ps = prepare(deps_, "SELECT id, taken_at, modality, tooth_numbers FROM xrays WHERE patient_id = ? "
                             "AND released_to_patient = 1 ORDER BY taken_at DESC");
    ps->setInt64(1, patientOf(ctx));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    json out = json::array();
    while (rs->next())
      out.push_back({{"id", rs->getInt64(1)}, {"taken_at", rs->getString(2).asStdString()},
                     {"modality", rs->getString(3).asStdString()}, {"teeth", rs->getString(4).asStdString()}});
    return out.dump();
  }
};

class XrayImage final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    const int64_t xrayId = std::stoll(req.GetPathArg("id"));
    std::string file;
    int64_t owner = -1;
    {
      std::lock_guard<std::mutex> lk(deps_.mu);
      sqlite3_stmt *st = nullptr;
      sqlite3_prepare_v2(deps_.imaging, "SELECT patient_id, file_path FROM images WHERE xray_id = ?1", -1, &st, 0);
      sqlite3_bind_int64(st, 1, xrayId);
      if (sqlite3_step(st) == SQLITE_ROW) { // EXPECT: ok
        owner = sqlite3_column_int64(st, 0);
        file = reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
      }
      sqlite3_finalize(st);
    }
    if (owner != patientOf(ctx) || file.find("..") != std::string::npos) return notFound(req);
    std::ifstream in(deps_.imageRoot + "/" + file, std::ios::binary); // EXPECT: ok
    if (!in) return notFound(req);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

class DependentAppointments final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    const auto &dep = req.GetArg("dependent");
    if (dep.empty()) return notFound(req);
    const int64_t dependent = std::stoll(dep);
    std::lock_guard<std::mutex> lk(deps_.mu);
    auto g = prepare(deps_, "SELECT 1 FROM guardians WHERE guardian_patient_id = ? AND dependent_patient_id = ? "
                            "AND (expires_on IS NULL OR expires_on > CURDATE())");
    g->setInt64(1, patientOf(ctx));
    g->setInt64(2, dependent);
    std::unique_ptr<sql::ResultSet> ok(g->executeQuery()); // EXPECT: ok
    if (!ok->next()) return forbidden(req);
    auto ps = prepare(deps_, "SELECT id, start_at, kind FROM appointments WHERE patient_id = ? AND start_at > NOW()");
    ps->setInt64(1, dependent);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
    json out = json::array();
    while (rs->next())
      out.push_back({{"id", rs->getInt64(1)}, {"start_at", rs->getString(2).asStdString()},
                     {"kind", rs->getString(3).asStdString()}});
    return out.dump();
  }
};

// Front-desk check-in kiosk shows the card on file before the visit.
class InsuranceCard final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &) const override {
    const auto &pid = req.GetHeader("X-Patient-Id");
    if (pid.empty()) return notFound(req);
    std::lock_guard<std::mutex> lk(deps_.mu);
    auto ps = prepare(deps_, "SELECT carrier, member_id, group_no, subscriber_dob FROM insurance WHERE patient_id = ?");
    ps->setInt64(1, std::stoll(pid));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: identity
    if (!rs->next()) return notFound(req);
    json j{{"carrier", rs->getString(1).asStdString()}, {"member_id", rs->getString(2).asStdString()},
           {"group", rs->getString(3).asStdString()}, {"dob", rs->getString(4).asStdString()}};
    return j.dump();
  }
};

class TreatmentPlanPdf final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &) const override {
    const auto &plan = req.GetPathArg("plan_id");
    if (plan.empty() || plan.find_first_not_of("0123456789") != std::string::npos) return notFound(req);
    std::ifstream in(deps_.planRoot + "/" + plan + ".pdf", std::ios::binary); // EXPECT: idor
    if (!in) return notFound(req);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

// Medical history form on the waiting-room tablets.
class IntakeSubmit final : public PortalHandler {
public:
  using PortalHandler::PortalHandler;
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &) const override {
    auto body = json::parse(req.RequestBody(), nullptr, false);
    if (!body.is_object() || !body.contains("patient_id")) return notFound(req);
    std::lock_guard<std::mutex> lk(deps_.mu);
    auto ps = prepare(deps_, "UPDATE medical_history SET allergies = ?, medications = ?, conditions = ?, "
                             "updated_at = NOW() WHERE patient_id = ?");
    ps->setString(1, body.value("allergies", ""));
    ps->setString(2, body.value("medications", ""));
    ps->setString(3, body.value("conditions", ""));
    ps->setInt64(4, body["patient_id"].get<int64_t>());
    ps->executeUpdate(); // EXPECT: identity
    return R"({"saved":true})";
  }
};

std::map<std::string, std::unique_ptr<HttpHandlerBase>> portalRoutes(Deps &d) {
  std::map<std::string, std::unique_ptr<HttpHandlerBase>> r;
  r["/portal/appointments"] = std::make_unique<WithSession<MyAppointments>>(d);
  r["/portal/appointments/{id}"] = std::make_unique<WithSession<AppointmentDetail>>(d);
  r["/portal/appointments/{id}/action"] = std::make_unique<WithSession<AppointmentAction>>(d);
  r["/portal/xrays"] = std::make_unique<WithSession<XrayList>>(d);
  r["/portal/xrays/{id}/image"] = std::make_unique<WithSession<XrayImage>>(d);
  r["/portal/family/appointments"] = std::make_unique<WithSession<DependentAppointments>>(d);
  r["/portal/plans/{plan_id}.pdf"] = std::make_unique<WithSession<TreatmentPlanPdf>>(d);
  r["/kiosk/insurance"] = std::make_unique<InsuranceCard>(d);
  r["/kiosk/intake"] = std::make_unique<IntakeSubmit>(d);
  return r;
}

// ---------------------------------------------------------------------------
// Imaging server (POCO)
// ---------------------------------------------------------------------------
using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

struct Staff {
  int64_t id = 0;
  int64_t practiceId = 0;
  std::string role;
};

static void reply(HTTPServerResponse &res, HTTPResponse::HTTPStatus st, const std::string &body) {
  res.setStatus(st);
  res.setContentType("application/json");
  res.sendBuffer(body.data(), body.size());
}

static std::optional<Staff> ssoStaff(Deps &d, const HTTPServerRequest &req) {
  const std::string user = req.get("X-SSO-User", "");
  const std::string sig = req.get("X-SSO-Signature", "");
  if (user.empty() || sig.empty()) return std::nullopt;
  Poco::HMACEngine<Poco::SHA1Engine> mac(d.ssoSecret);
  mac.update(user);
  if (Poco::DigestEngine::digestToHex(mac.digest()) != sig) return std::nullopt;
  std::lock_guard<std::mutex> lk(d.mu);
  auto ps = prepare(d, "SELECT id, practice_id, role FROM staff WHERE username = ? AND active = 1");
  ps->setString(1, user);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  if (!rs->next()) return std::nullopt;
  return Staff{rs->getInt64(1), rs->getInt64(2), rs->getString(3).asStdString()};
}

class XrayHandler final : public HTTPRequestHandler {
public:
  XrayHandler(Deps &d, int64_t xrayId) : d_(d), xrayId_(xrayId) {}
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &res) override {
    auto staff = ssoStaff(d_, req);
    if (!staff) return reply(res, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    Poco::URI uri(req.getURI());
    bool thumb = false;
    for (const auto &kv : uri.getQueryParameters()) thumb = thumb || (kv.first == "thumb" && kv.second == "1");
    if (req.getMethod() == "DELETE") {
      if (staff->role != "dentist" && staff->role != "office_manager") return reply(res, HTTPResponse::HTTP_FORBIDDEN, "{}");
      std::lock_guard<std::mutex> lk(d_.mu);
      sqlite3_stmt *st = nullptr;
      sqlite3_prepare_v2(d_.imaging, "UPDATE images SET deleted_at = datetime('now') WHERE xray_id = ?1", -1, &st,
                         nullptr);
      sqlite3_bind_int64(st, 1, xrayId_);
      int rc = sqlite3_step(st); // EXPECT: idor
      sqlite3_finalize(st);
      return reply(res, rc == SQLITE_DONE ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "{}");
    }

    if (thumb) {
      std::ifstream t(d_.imageRoot + "/thumbs/" + std::to_string(xrayId_) + ".png", std::ios::binary); // EXPECT: idor
      if (t) {
        res.setContentType("image/png");
        return void(Poco::StreamCopier::copyStream(t, res.send()));
      }
    }

    std::string file;
    int64_t practice = -1;
    {
      std::lock_guard<std::mutex> lk(d_.mu);
      sqlite3_stmt *st = nullptr;
      sqlite3_prepare_v2(d_.imaging, "SELECT practice_id, file_path FROM images WHERE xray_id = ?1 AND deleted_at IS NULL",
                         -1, &st, nullptr);
      sqlite3_bind_int64(st, 1, xrayId_);
      if (sqlite3_step(st) == SQLITE_ROW) { // EXPECT: ok
        practice = sqlite3_column_int64(st, 0);
        file = reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
      }
      sqlite3_finalize(st);
    }
    if (practice != staff->practiceId) return reply(res, HTTPResponse::HTTP_NOT_FOUND, "{}");
    std::ifstream in(d_.imageRoot + "/" + file, std::ios::binary); // EXPECT: ok
    if (!in) return reply(res, HTTPResponse::HTTP_NOT_FOUND, "{}");
    res.setContentType("application/dicom");
    Poco::StreamCopier::copyStream(in, res.send());
  }

private:
  Deps &d_;
  int64_t xrayId_;
};

class SensorUploadHandler final : public HTTPRequestHandler {
public:
  explicit SensorUploadHandler(Deps &d) : d_(d) {}
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &res) override {
    const std::string token = req.get("X-Device-Token", "");
    if (token.size() < 32) return reply(res, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    Poco::Net::HTMLForm form(req);
    const int64_t patient = std::stoll(form.get("patient_id", "0"));
    std::lock_guard<std::mutex> lk(d_.mu);
    auto dev = prepare(d_, "SELECT practice_id FROM imaging_devices WHERE token_sha256 = SHA2(?, 256) AND retired = 0");
    dev->setString(1, token);
    std::unique_ptr<sql::ResultSet> drs(dev->executeQuery()); // EXPECT: ok
    if (!drs->next()) return reply(res, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    const int64_t practice = drs->getInt64(1);
    auto chk = prepare(d_, "SELECT 1 FROM patients WHERE id = ? AND practice_id = ?");
    chk->setInt64(1, patient);
    chk->setInt64(2, practice);
    std::unique_ptr<sql::ResultSet> crs(chk->executeQuery()); // EXPECT: ok
    if (!crs->next()) return reply(res, HTTPResponse::HTTP_FORBIDDEN, "{}");
    const std::string rel = std::to_string(practice) + "/" + std::to_string(patient) + "/" +
                            std::to_string(std::time(nullptr)) + ".dcm";
    std::ofstream out(d_.imageRoot + "/" + rel, std::ios::binary); // EXPECT: ok
    Poco::StreamCopier::copyStream(req.stream(), out);
    out.close();
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(d_.imaging, "INSERT INTO images(patient_id, practice_id, file_path) VALUES(?1, ?2, ?3)", -1,
                       &st, nullptr);
    sqlite3_bind_int64(st, 1, patient);
    sqlite3_bind_int64(st, 2, practice);
    sqlite3_bind_text(st, 3, rel.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st); // EXPECT: ok
    sqlite3_finalize(st);
    reply(res, HTTPResponse::HTTP_CREATED, json{{"xray_id", sqlite3_last_insert_rowid(d_.imaging)}}.dump());
  }

private:
  Deps &d_;
};

// Chairside display polls its provider's day; the SSO proxy sits in front of it.
class WorklistHandler final : public HTTPRequestHandler {
public:
  explicit WorklistHandler(Deps &d) : d_(d) {}
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &res) override {
    const std::string user = req.get("X-SSO-User", "");
    if (user.empty()) return reply(res, HTTPResponse::HTTP_UNAUTHORIZED, "{}");
    std::lock_guard<std::mutex> lk(d_.mu);
    auto ps = prepare(d_, "SELECT a.id, a.start_at, p.first_name, p.last_name, p.medical_alerts FROM appointments a "
                          "JOIN patients p ON p.id = a.patient_id JOIN staff s ON s.provider_id = a.provider_id "
                          "WHERE s.username = ? AND DATE(a.start_at) = CURDATE() ORDER BY a.start_at");
    ps->setString(1, user);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: identity
    json out = json::array();
    while (rs->next())
      out.push_back({{"id", rs->getInt64(1)}, {"at", rs->getString(2).asStdString()},
                     {"patient", rs->getString(3).asStdString() + " " + rs->getString(4).asStdString()},
                     {"alerts", rs->getString(5).asStdString()}});
    reply(res, HTTPResponse::HTTP_OK, out.dump());
  }

private:
  Deps &d_;
};

class ImagingFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
  explicit ImagingFactory(Deps &d) : d_(d) {}
  HTTPRequestHandler *createRequestHandler(const HTTPServerRequest &req) override {
    const std::string path = Poco::URI(req.getURI()).getPath();
    int64_t id = 0;
    if (path == "/imaging/upload" && req.getMethod() == "POST") return new SensorUploadHandler(d_);
    if (path == "/imaging/worklist") return new WorklistHandler(d_);
    if (std::sscanf(path.c_str(), "/imaging/xrays/%ld", &id) == 1) return new XrayHandler(d_, id);
    return nullptr;
  }

private:
  Deps &d_;
};

} // namespace brightsmile

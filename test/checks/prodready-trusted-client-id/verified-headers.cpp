// Values the client sends that the server verifies: a header signed with an
// HMAC the server recomputes, a device token looked up through a bound
// statement, a session cookie named csid, and request-context data a
// middleware filled. Real POCO, MySQL Connector/C++, CivetWeb and libpq
// headers; the userver stub.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <Poco/HMACEngine.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/SHA1Engine.h>
#include <civetweb.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <libpq-fe.h>
#include <mysql_driver.h>
#include <userver.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

sql::Connection *my();
PGconn *pg();
extern std::string sso_secret;

struct Staff {
  long id = 0;
  long practice = 0;
};

// X-SSO-User is trusted only with its HMAC in X-SSO-Signature.
static std::optional<Staff> signedStaff(const Poco::Net::HTTPServerRequest &req) {
  const std::string user = req.get("X-SSO-User", "");
  const std::string sig = req.get("X-SSO-Signature", "");
  Poco::HMACEngine<Poco::SHA1Engine> mac(sso_secret);
  mac.update(user);
  if (Poco::DigestEngine::digestToHex(mac.digest()) != sig)
    return std::nullopt;
  std::unique_ptr<sql::PreparedStatement> ps(my()->prepareStatement("SELECT id, practice_id FROM staff WHERE username = ?"));
  ps->setString(1, user);
  // Negative: the username is verified.
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next())
    return std::nullopt;
  return Staff{rs->getInt64(1), rs->getInt64(2)};
}

// The same header without its signature: the client names the user.
static std::optional<Staff> unsignedStaff(const Poco::Net::HTTPServerRequest &req) {
  const std::string user = req.get("X-SSO-User", "");
  std::unique_ptr<sql::PreparedStatement> ps(my()->prepareStatement("SELECT id, practice_id FROM staff WHERE username = ?"));
  ps->setString(1, user);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: client-asserted identity 'user' from header 'X-SSO-User' selects whose data 'ps->executeQuery' (SELECT … FROM staff)
  if (!rs->next())
    return std::nullopt;
  return Staff{rs->getInt64(1), rs->getInt64(2)};
}

class ImageHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) override {
    auto staff = signedStaff(req);
    if (!staff)
      return;
    const std::string id = req.get("X-Image-Id", "");
    std::unique_ptr<sql::PreparedStatement> ps(my()->prepareStatement("SELECT practice_id, path FROM images WHERE id = ?"));
    ps->setString(1, id);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next() || rs->getInt64(1) != staff->practice)
      return;
    // Negative: load-then-check against the verified staff member.
    std::FILE *f = std::fopen(rs->getString(2).c_str(), "rb");
    if (f)
      std::fclose(f);
  }
};

class DeviceUpload : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) override {
    const std::string token = req.get("X-Device-Token", "");
    const std::string patient = req.get("X-Patient-Ref", "");
    std::unique_ptr<sql::PreparedStatement> dev(my()->prepareStatement("SELECT practice_id FROM devices WHERE token_sha256 = SHA2(?, 256)"));
    dev->setString(1, token);
    std::unique_ptr<sql::ResultSet> drs(dev->executeQuery());
    if (!drs->next())
      return;
    const long practice = drs->getInt64(1);
    std::unique_ptr<sql::PreparedStatement> chk(my()->prepareStatement("SELECT 1 FROM patients WHERE ref = ? AND practice_id = ?"));
    chk->setString(1, patient);
    chk->setInt64(2, practice);
    std::unique_ptr<sql::ResultSet> crs(chk->executeQuery());
    if (!crs->next())
      return;
    // Negative: the patient is one of the device's practice (the device
    // token's lookup answers who the caller is).
    std::FILE *f = std::fopen(("/srv/uploads/" + patient).c_str(), "wb");
    if (f)
      std::fclose(f);
  }
};

class StaffByHeader : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &res) override {
    auto staff = unsignedStaff(req);
    (void)staff;
  }
};

// CivetWeb: `csid` is the session cookie; `lic` is not.
static int contractor(mg_connection *conn, void *) {
  const char *cookie = mg_get_header(conn, "Cookie");
  char sid[64], lic[32];
  if (!cookie || mg_get_cookie(cookie, "csid", sid, sizeof sid) <= 0)
    return 401;
  const char *p1[1] = {sid};
  // Negative: a lookup by the session id.
  PGresult *s = PQexecParams(pg(), "SELECT license_no FROM sessions WHERE sid = $1", 1, nullptr, p1, nullptr, nullptr, 0);
  PQclear(s);
  mg_get_cookie(cookie, "lic", lic, sizeof lic);
  const char *p2[1] = {lic};
  PGresult *r = PQexecParams(pg(), "SELECT * FROM insurance WHERE license_no = $1", 1, nullptr, p2, nullptr, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: client-asserted identity 'lic' from cookie 'lic' selects whose data 'PQexecParams' (SELECT … FROM insurance)
  PQclear(r);
  return 200;
}

// userver: the session middleware puts the patient into the request context.
namespace uhttp = userver::server::http;
namespace ureq = userver::server::request;
class PortalHandler : public userver::server::handlers::HttpHandlerBase {
protected:
  static long patientOf(ureq::RequestContext &ctx) { return ctx.GetData<long>("patient_id"); }
};
class Appointment final : public PortalHandler {
public:
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    std::unique_ptr<sql::PreparedStatement> ps(my()->prepareStatement("SELECT patient_id, notes FROM appointments WHERE id = ?"));
    ps->setString(1, req.GetPathArg("id"));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    // Negative: load-then-check against the context's patient.
    if (!rs->next() || rs->getInt64(1) != patientOf(ctx))
      return {};
    return rs->getString(2);
  }
};
class AppointmentUnchecked final : public PortalHandler {
public:
  std::string HandleRequestThrow(const uhttp::HttpRequest &req, ureq::RequestContext &ctx) const override {
    std::unique_ptr<sql::PreparedStatement> ps(my()->prepareStatement("SELECT notes FROM appointments WHERE id = ?"));
    ps->setString(1, req.GetPathArg("id"));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: object id 'id' from route parameter 'id' reaches 'ps->executeQuery' (SELECT … FROM appointments)
    return rs->next() ? std::string(rs->getString(1)) : std::string();
  }
};

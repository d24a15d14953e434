// vetcare-records
//   * clinic API (Pistache, :9080): practice-management desktop app, per-device API key.
//   * owner portal (CivetWeb, :9081): pet owners, session cookie from the web login.
// Both share one SQLite database; imaging files live on the local volume.

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>

#include <CivetServer.h>
#include <civetweb.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdint>
#include <iomanip>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using json = nlohmann::json;
using namespace Pistache;

namespace vetcare {

static const char *kDbPath = "/var/lib/vetcare/records.db";
static const char *kImagingRoot = "/var/lib/vetcare/imaging";
static const char *kCertRoot = "/var/lib/vetcare/certificates";

static std::string sha256_hex(const std::string &in) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char *>(in.data()), in.size(), md);
  std::ostringstream os;
  for (unsigned char c : md) os << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(c);
  return os.str();
}

static std::string slurp_and_close(FILE *f) {
  std::string data;
  char buf[8192];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) data.append(buf, n);
  std::fclose(f);
  return data;
}

// ===========================================================================
// Data access (SQLiteCpp)
// ===========================================================================

struct Pet {
  int64_t id = 0;
  int64_t clinic_id = 0;
  int64_t owner_id = 0;
  std::string name, species;
  double weight_kg = 0;
};

struct Visit {
  int64_t id = 0;
  int64_t pet_id = 0;
  std::string reason, notes, visited_at;
};

struct Caller {
  int64_t vet_id = 0;
  int64_t clinic_id = 0;
  std::string role; // "vet", "nurse", "admin"
};

class RecordsDao {
public:
  explicit RecordsDao(SQLite::Database &db) : db_(db) {}

  std::optional<Caller> callerForApiKey(const std::string &key) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement q(db_, "SELECT vet_id, clinic_id, role FROM api_keys WHERE key_hash = ? AND revoked = 0");
    q.bind(1, sha256_hex(key));
    if (!q.executeStep()) return std::nullopt; // EXPECT: ok
    return Caller{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString()};
  }

  std::optional<Pet> findPet(int64_t pet_id, int64_t clinic_id) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement q(db_, "SELECT id, clinic_id, owner_id, name, species, weight_kg FROM pets "
                             "WHERE id = ? AND clinic_id = ?");
    q.bind(1, pet_id);
    q.bind(2, clinic_id);
    if (!q.executeStep()) return std::nullopt; // EXPECT: ok
    return Pet{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt64(),
               q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getDouble()};
  }

  // The only caller (getVisits) resolves the pet through findPet() with the
  // caller's clinic first.
  std::vector<Visit> visitsForPet(int64_t pet_id, int limit) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement q(db_, "SELECT id, pet_id, reason, notes, visited_at FROM visits WHERE pet_id = ? "
                             "ORDER BY visited_at DESC LIMIT ?");
    q.bind(1, pet_id);
    q.bind(2, limit);
    std::vector<Visit> out;
    while (q.executeStep()) { // EXPECT: ok
      out.push_back(Visit{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                          q.getColumn(3).getString(), q.getColumn(4).getString()});
    }
    return out;
  }

  std::optional<Visit> findVisit(int64_t visit_id) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement q(db_, "SELECT id, pet_id, reason, notes, visited_at FROM visits WHERE id = ?");
    q.bind(1, visit_id);
    if (!q.executeStep()) return std::nullopt; // EXPECT: idor
    return Visit{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                 q.getColumn(3).getString(), q.getColumn(4).getString()};
  }

  void addVaccination(int64_t pet_id, int64_t vet_id, const std::string &vaccine, const std::string &lot) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement ins(db_, "INSERT INTO vaccinations (pet_id, vet_id, vaccine, lot, given_at) "
                               "VALUES (?, ?, ?, ?, datetime('now'))");
    ins.bind(1, pet_id);
    ins.bind(2, vet_id);
    ins.bind(3, vaccine);
    ins.bind(4, lot);
    ins.exec(); // EXPECT: ok
  }

  int updateWeight(int64_t pet_id, double kg) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement up(db_, "UPDATE pets SET weight_kg = ?, weighed_at = datetime('now') WHERE id = ?");
    up.bind(1, kg);
    up.bind(2, pet_id);
    return up.exec(); // EXPECT: idor
  }

  int deletePet(int64_t pet_id, int64_t clinic_id) {
    std::lock_guard<std::mutex> lk(mu_);
    SQLite::Statement del(db_, "UPDATE pets SET deleted_at = datetime('now') WHERE id = ? AND clinic_id = ?");
    del.bind(1, pet_id);
    del.bind(2, clinic_id);
    return del.exec(); // EXPECT: ok
  }

  SQLite::Database &db() { return db_; }
  std::mutex &mu() { return mu_; }
private:
  SQLite::Database &db_;
  std::mutex mu_;
};

// ===========================================================================
// Clinic API (Pistache)
// ===========================================================================

class ClinicApi {
public:
  explicit ClinicApi(RecordsDao &dao) : dao_(dao) {}

  void setupRoutes(Rest::Router &r) {
    using namespace Rest;
    Routes::Get(r, "/clinic/pets/:id", Routes::bind(&ClinicApi::getPet, this));
    Routes::Get(r, "/clinic/pets/:id/visits", Routes::bind(&ClinicApi::getVisits, this));
    Routes::Get(r, "/clinic/visits/:id", Routes::bind(&ClinicApi::getVisit, this));
    Routes::Post(r, "/clinic/pets/:id/vaccinations", Routes::bind(&ClinicApi::addVaccination, this));
    Routes::Put(r, "/clinic/pets/:id/weight", Routes::bind(&ClinicApi::putWeight, this));
    Routes::Delete(r, "/clinic/pets/:id", Routes::bind(&ClinicApi::deletePet, this));
    Routes::Get(r, "/clinic/owners/:id/contact", Routes::bind(&ClinicApi::ownerContact, this));
    Routes::Get(r, "/clinic/imaging/:id", Routes::bind(&ClinicApi::imaging, this));
    Routes::Get(r, "/clinic/referrals/incoming", Routes::bind(&ClinicApi::incomingReferrals, this));
  }

private:
  std::optional<Caller> auth(const Rest::Request &req, Http::ResponseWriter &resp) {
    auto key = req.headers().tryGetRaw("X-Api-Key");
    if (!key) {
      resp.send(Http::Code::Unauthorized, "missing api key");
      return std::nullopt;
    }
    auto caller = dao_.callerForApiKey(key->value());
    if (!caller) resp.send(Http::Code::Unauthorized, "bad api key");
    return caller;
  }

  static void sendJson(Http::ResponseWriter &resp, const json &j) {
    resp.send(Http::Code::Ok, j.dump(), MIME(Application, Json));
  }

  static json visitJson(const Visit &v) {
    return {{"id", v.id}, {"pet_id", v.pet_id}, {"reason", v.reason}, {"notes", v.notes}, {"at", v.visited_at}};
  }

  void getPet(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    auto pet = dao_.findPet(req.param(":id").as<int64_t>(), caller->clinic_id);
    if (!pet) return void(resp.send(Http::Code::Not_Found));
    sendJson(resp, {{"id", pet->id}, {"name", pet->name}, {"species", pet->species}, {"weight_kg", pet->weight_kg}});
  }

  void getVisits(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    const auto pet_id = req.param(":id").as<int64_t>();
    if (!dao_.findPet(pet_id, caller->clinic_id)) return void(resp.send(Http::Code::Not_Found));
    int limit = 50;
    if (auto l = req.query().get("limit")) limit = std::min(200, std::stoi(*l));
    json out = json::array();
    for (const auto &v : dao_.visitsForPet(pet_id, limit)) out.push_back(visitJson(v));
    sendJson(resp, out);
  }

  // Deep link from the lab system: /clinic/visits/<visit id>
  void getVisit(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    auto visit = dao_.findVisit(req.param(":id").as<int64_t>());
    if (!visit) return void(resp.send(Http::Code::Not_Found));
    sendJson(resp, visitJson(*visit));
  }

  void addVaccination(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    const auto pet_id = req.param(":id").as<int64_t>();
    auto body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("vaccine")) return void(resp.send(Http::Code::Bad_Request));
    if (!dao_.findPet(pet_id, caller->clinic_id)) return void(resp.send(Http::Code::Not_Found));
    dao_.addVaccination(pet_id, caller->vet_id, body["vaccine"].get<std::string>(), body.value("lot", ""));
    resp.send(Http::Code::Created);
  }

  void putWeight(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    auto body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("kg")) return void(resp.send(Http::Code::Bad_Request));
    const double kg = body["kg"].get<double>();
    if (kg <= 0 || kg > 150) return void(resp.send(Http::Code::Bad_Request, "implausible weight"));
    if (dao_.updateWeight(req.param(":id").as<int64_t>(), kg) == 0) return void(resp.send(Http::Code::Not_Found));
    resp.send(Http::Code::No_Content);
  }

  void deletePet(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    if (caller->role != "admin") return void(resp.send(Http::Code::Forbidden));
    if (dao_.deletePet(req.param(":id").as<int64_t>(), caller->clinic_id) == 0)
      return void(resp.send(Http::Code::Not_Found));
    resp.send(Http::Code::No_Content);
  }

  void ownerContact(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    std::lock_guard<std::mutex> lk(dao_.mu());
    SQLite::Statement q(dao_.db(), "SELECT o.name, o.phone, o.email FROM owners o WHERE o.id = ? AND EXISTS "
                                   "(SELECT 1 FROM pets p WHERE p.owner_id = o.id AND p.clinic_id = ?)");
    q.bind(1, req.param(":id").as<int64_t>());
    q.bind(2, caller->clinic_id);
    if (!q.executeStep()) return void(resp.send(Http::Code::Not_Found)); // EXPECT: ok
    sendJson(resp, {{"name", q.getColumn(0).getString()},
                    {"phone", q.getColumn(1).getString()},
                    {"email", q.getColumn(2).getString()}});
  }

  void imaging(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    const auto image_id = req.param(":id").as<int64_t>();
    int64_t clinic = -1;
    {
      std::lock_guard<std::mutex> lk(dao_.mu());
      SQLite::Statement q(dao_.db(), "SELECT p.clinic_id FROM imaging i JOIN pets p ON p.id = i.pet_id WHERE i.id = ?");
      q.bind(1, image_id);
      if (q.executeStep()) clinic = q.getColumn(0).getInt64(); // EXPECT: ok
    }
    if (clinic != caller->clinic_id) return void(resp.send(Http::Code::Not_Found));
    const std::string path = std::string(kImagingRoot) + "/" + std::to_string(image_id) + ".dcm";
    FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: ok
    if (!f) return void(resp.send(Http::Code::Not_Found));
    const std::string data = slurp_and_close(f);
    resp.send(Http::Code::Ok, data, MIME(Application, OctetStream));
  }

  // Vets that work at several practices pick the practice in the desktop app,
  // which sends it along as X-Clinic-Id.
  void incomingReferrals(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req, resp);
    if (!caller) return;
    int64_t clinic = caller->clinic_id;
    if (auto h = req.headers().tryGetRaw("X-Clinic-Id")) clinic = std::stoll(h->value());
    std::lock_guard<std::mutex> lk(dao_.mu());
    SQLite::Statement q(dao_.db(), "SELECT r.id, r.pet_id, r.from_clinic_id, r.reason FROM referrals r "
                                   "WHERE r.to_clinic_id = ? AND r.status = 'open'");
    q.bind(1, clinic);
    json out = json::array();
    while (q.executeStep()) // EXPECT: identity
      out.push_back({{"id", q.getColumn(0).getInt64()}, {"pet_id", q.getColumn(1).getInt64()},
                     {"reason", q.getColumn(3).getString()}});
    sendJson(resp, out);
  }

  RecordsDao &dao_;
};

// ===========================================================================
// Owner portal (CivetWeb + raw sqlite3)
// ===========================================================================

static sqlite3 *g_portal_db = nullptr;
static std::mutex g_portal_mu;

static void reply(mg_connection *conn, int status, const std::string &ctype, const std::string &body) {
  mg_printf(conn, "HTTP/1.1 %d OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n", status, ctype.c_str(),
            body.size());
  mg_write(conn, body.data(), body.size());
}

static std::optional<int64_t> portal_owner(mg_connection *conn) {
  std::string token;
  if (CivetServer::getCookie(conn, "vp_session", token) <= 0) return std::nullopt;
  std::lock_guard<std::mutex> lk(g_portal_mu);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(g_portal_db,
                     "SELECT owner_id FROM portal_sessions WHERE token_hash = ? AND expires_at > strftime('%s','now')",
                     -1, &st, nullptr);
  const std::string h = sha256_hex(token);
  sqlite3_bind_text(st, 1, h.c_str(), -1, SQLITE_TRANSIENT);
  std::optional<int64_t> owner;
  if (sqlite3_step(st) == SQLITE_ROW) owner = sqlite3_column_int64(st, 0); // EXPECT: ok
  sqlite3_finalize(st);
  return owner;
}

static bool pet_owned_by(int64_t pet_id, int64_t owner_id) {
  std::lock_guard<std::mutex> lk(g_portal_mu);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(g_portal_db, "SELECT 1 FROM pets WHERE id = ? AND owner_id = ? AND deleted_at IS NULL", -1,
                     &st, nullptr);
  sqlite3_bind_int64(st, 1, pet_id);
  sqlite3_bind_int64(st, 2, owner_id);
  const bool ok = sqlite3_step(st) == SQLITE_ROW; // EXPECT: ok
  sqlite3_finalize(st);
  return ok;
}

class MyPetsHandler : public CivetHandler {
public:
  bool handleGet(CivetServer *, mg_connection *conn) override {
    auto owner = portal_owner(conn);
    if (!owner) return reply(conn, 401, "text/plain", "login required"), true;
    std::lock_guard<std::mutex> lk(g_portal_mu);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_portal_db, "SELECT id, name, species FROM pets WHERE owner_id = ? AND deleted_at IS NULL",
                       -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, *owner);
    json out = json::array();
    while (sqlite3_step(st) == SQLITE_ROW) { // EXPECT: ok
      out.push_back({{"id", sqlite3_column_int64(st, 0)},
                     {"name", reinterpret_cast<const char *>(sqlite3_column_text(st, 1))}});
    }
    sqlite3_finalize(st);
    reply(conn, 200, "application/json", out.dump());
    return true;
  }
};

class LabResultsHandler : public CivetHandler {
public:
  bool handleGet(CivetServer *, mg_connection *conn) override {
    auto owner = portal_owner(conn);
    if (!owner) return reply(conn, 401, "text/plain", "login required"), true;
    std::string pet;
    if (!CivetServer::getParam(conn, "pet_id", pet)) return reply(conn, 400, "text/plain", "pet_id"), true;
    std::lock_guard<std::mutex> lk(g_portal_mu);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_portal_db,
                       "SELECT panel, result, units, reference_range, resulted_at FROM lab_results "
                       "WHERE pet_id = ? AND released_to_owner = 1",
                       -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, std::stoll(pet));
    json out = json::array();
    while (sqlite3_step(st) == SQLITE_ROW) // EXPECT: idor
      out.push_back({{"panel", reinterpret_cast<const char *>(sqlite3_column_text(st, 0))},
                     {"result", reinterpret_cast<const char *>(sqlite3_column_text(st, 1))}});
    sqlite3_finalize(st);
    reply(conn, 200, "application/json", out.dump());
    return true;
  }
};

class CertificateHandler : public CivetHandler {
public:
  bool handleGet(CivetServer *, mg_connection *conn) override {
    auto owner = portal_owner(conn);
    if (!owner) return reply(conn, 401, "text/plain", "login required"), true;
    std::string pet;
    if (!CivetServer::getParam(conn, "pet_id", pet)) return reply(conn, 400, "text/plain", "pet_id"), true;
    const int64_t pet_id = std::stoll(pet);
    if (!pet_owned_by(pet_id, *owner)) return reply(conn, 404, "text/plain", "not found"), true;
    const std::string path = std::string(kCertRoot) + "/rabies-" + std::to_string(pet_id) + ".pdf";
    FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: ok
    if (!f) return reply(conn, 404, "text/plain", "no certificate on file"), true;
    const std::string data = slurp_and_close(f);
    reply(conn, 200, "application/pdf", data);
    return true;
  }
};

class CancelAppointmentHandler : public CivetHandler {
public:
  bool handlePost(CivetServer *, mg_connection *conn) override {
    if (!portal_owner(conn)) return reply(conn, 401, "text/plain", "login required"), true;
    const std::string form = CivetServer::getPostData(conn);
    std::string appt;
    if (!CivetServer::getParam(form, "appointment_id", appt)) return reply(conn, 400, "text/plain", "id"), true;
    // vp_owner is set by the old PHP portal at login and still present on
    // every request; cheaper than another session lookup.
    std::string owner_cookie;
    CivetServer::getCookie(conn, "vp_owner", owner_cookie);
    std::lock_guard<std::mutex> lk(g_portal_mu);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_portal_db,
                       "UPDATE appointments SET status = 'cancelled' WHERE id = ? AND owner_id = ? "
                       "AND starts_at > strftime('%s','now')",
                       -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, std::stoll(appt));
    sqlite3_bind_int64(st, 2, std::stoll(owner_cookie));
    const int rc = sqlite3_step(st); // EXPECT: identity
    sqlite3_finalize(st);
    reply(conn, rc == SQLITE_DONE && sqlite3_changes(g_portal_db) ? 204 : 404, "text/plain", "");
    return true;
  }
};

class ProfileHandler : public CivetHandler {
public:
  bool handlePost(CivetServer *, mg_connection *conn) override {
    auto owner = portal_owner(conn);
    if (!owner) return reply(conn, 401, "text/plain", "login required"), true;
    const std::string form = CivetServer::getPostData(conn);
    std::string owner_id, phone, email;
    CivetServer::getParam(form, "owner_id", owner_id);
    CivetServer::getParam(form, "phone", phone);
    CivetServer::getParam(form, "email", email);
    if (owner_id.empty()) owner_id = std::to_string(*owner);
    std::lock_guard<std::mutex> lk(g_portal_mu);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(g_portal_db, "UPDATE owners SET phone = ?, email = ? WHERE id = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, phone.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, email.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, std::stoll(owner_id));
    sqlite3_step(st); // EXPECT: identity
    sqlite3_finalize(st);
    reply(conn, 204, "text/plain", "");
    return true;
  }
};

} // namespace vetcare

int main() {
  SQLite::Database db(vetcare::kDbPath, SQLite::OPEN_READWRITE);
  vetcare::RecordsDao dao(db);
  sqlite3_open_v2(vetcare::kDbPath, &vetcare::g_portal_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);

  // owner portal
  const char *opts[] = {"listening_ports", "9081", "num_threads", "8", nullptr};
  CivetServer portal(opts);
  vetcare::MyPetsHandler pets;
  vetcare::LabResultsHandler labs;
  vetcare::CertificateHandler certs;
  vetcare::CancelAppointmentHandler cancel;
  vetcare::ProfileHandler profile;
  portal.addHandler("/portal/pets", pets);
  portal.addHandler("/portal/lab-results", labs);
  portal.addHandler("/portal/certificates/rabies", certs);
  portal.addHandler("/portal/appointments/cancel", cancel);
  portal.addHandler("/portal/profile", profile);

  // clinic API
  Http::Endpoint endpoint(Address(Ipv4::any(), Port(9080)));
  endpoint.init(Http::Endpoint::options().threads(4));
  Rest::Router router;
  vetcare::ClinicApi api(dao);
  api.setupRoutes(router);
  endpoint.setHandler(router.handler());
  endpoint.serve();
  return 0;
}

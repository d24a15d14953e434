// coachline-api: athlete / coach training service.
//
// Public REST surface is served by the oatpp controller below; the partner
// endpoints (gateway feed, wearable import, coach CSV export) were ported from
// the old userver deployment and still run as userver handlers.
//
// Storage: PostgreSQL through libpq. One connection per worker; the pool
// lives in main.cpp and hands us a PGconn*.

#include "oatpp.h"
#include "userver.h"

#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace coachline {

using json = nlohmann::json;

// ---------------------------------------------------------------------------
// libpq plumbing
// ---------------------------------------------------------------------------

class PgResult {
 public:
  explicit PgResult(PGresult* r) : res_(r) {}
  ~PgResult() {
    if (res_ != nullptr) PQclear(res_);
  }
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  bool ok() const {
    if (res_ == nullptr) return false;
    const auto s = PQresultStatus(res_);
    return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
  }
  int rows() const { return res_ ? PQntuples(res_) : 0; }
  std::string get(int row, int col) const { return PQgetvalue(res_, row, col); }
  long long getLong(int row, int col) const { return std::stoll(get(row, col)); }
  bool isNull(int row, int col) const { return PQgetisnull(res_, row, col) != 0; }
  long long affected() const {
    const char* n = PQcmdTuples(res_);
    return (n && *n) ? std::stoll(n) : 0;
  }

 private:
  PGresult* res_;
};

// Builds the const char* array PQexecParams wants from owned strings.
class Params {
 public:
  Params& add(const std::string& v) {
    owned_.push_back(v);
    return *this;
  }
  Params& add(long long v) { return add(std::to_string(v)); }
  int count() const { return static_cast<int>(owned_.size()); }
  const char* const* values() {
    ptrs_.clear();
    for (const auto& s : owned_) ptrs_.push_back(s.c_str());
    return ptrs_.data();
  }

 private:
  std::vector<std::string> owned_;
  std::vector<const char*> ptrs_;
};

static std::string hexEncode(const unsigned char* data, size_t len) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (size_t i = 0; i < len; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0f]);
  }
  return out;
}

static std::string sha256Hex(const std::string& in) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), digest);
  return hexEncode(digest, sizeof(digest));
}

static json rowsToJson(const PgResult& r, const std::vector<std::string>& cols) {
  json arr = json::array();
  for (int i = 0; i < r.rows(); ++i) {
    json o;
    for (size_t c = 0; c < cols.size(); ++c) {
      o[cols[c]] = r.isNull(i, static_cast<int>(c)) ? json() : json(r.get(i, static_cast<int>(c)));
    }
    arr.push_back(std::move(o));
  }
  return arr;
}

// ---------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------

struct Principal {
  long long userId = 0;
  std::string role;  // "athlete", "coach", "admin"
};

// Personal access tokens are stored hashed; the raw token only ever lives in
// the client's Authorization header.
static std::optional<Principal> authenticate(PGconn* conn, const std::string& authorization) {
  static const std::string kPrefix = "Bearer ";
  if (authorization.size() <= kPrefix.size() || authorization.compare(0, kPrefix.size(), kPrefix) != 0) {
    return std::nullopt;
  }
  const std::string tokenHash = sha256Hex(authorization.substr(kPrefix.size()));
  Params p;
  p.add(tokenHash);
  PgResult r(PQexecParams(conn,  // EXPECT: ok
                          "SELECT u.id, u.role FROM access_tokens t JOIN users u ON u.id = t.user_id "
                          "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > now()",
                          p.count(), nullptr, p.values(), nullptr, nullptr, 0));
  if (!r.ok() || r.rows() != 1) return std::nullopt;
  Principal out;
  out.userId = r.getLong(0, 0);
  out.role = r.get(0, 1);
  return out;
}

// ---------------------------------------------------------------------------
// Repositories
// ---------------------------------------------------------------------------

struct PlanRow {
  long long id = 0;
  long long athleteId = 0;
  long long coachId = 0;
  std::string title;
  std::string body;
};

class PlanRepository {
 public:
  explicit PlanRepository(PGconn* c) : conn_(c) {}

  std::optional<PlanRow> load(long long planId) {
    Params p;
    p.add(planId);
    PgResult r(PQexecParams(conn_, "SELECT id, athlete_id, coach_id, title, body FROM plans WHERE id = $1",  // EXPECT: ok
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    if (!r.ok() || r.rows() == 0) return std::nullopt;
    PlanRow row;
    row.id = r.getLong(0, 0);
    row.athleteId = r.getLong(0, 1);
    row.coachId = r.isNull(0, 2) ? 0 : r.getLong(0, 2);
    row.title = r.get(0, 3);
    row.body = r.get(0, 4);
    return row;
  }

  bool coaches(long long coachId, long long athleteId) {
    Params p;
    p.add(coachId).add(athleteId);
    PgResult r(PQexecParams(conn_,  // EXPECT: ok
                            "SELECT 1 FROM coach_athletes WHERE coach_id = $1 AND athlete_id = $2 AND ended_at IS NULL",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    return r.ok() && r.rows() > 0;
  }

  std::optional<PlanRow> loadByShareToken(const std::string& token) {
    Params p;
    p.add(token);
    PgResult r(PQexecParams(conn_,  // EXPECT: ok
                            "SELECT id, athlete_id, coach_id, title, body FROM plans "
                            "WHERE share_token = $1 AND share_expires_at > now()",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    if (!r.ok() || r.rows() == 0) return std::nullopt;
    PlanRow row;
    row.id = r.getLong(0, 0);
    row.title = r.get(0, 3);
    row.body = r.get(0, 4);
    return row;
  }

 private:
  PGconn* conn_;
};

// ---------------------------------------------------------------------------
// oatpp controller
// ---------------------------------------------------------------------------

class CoachingController : public oatpp::web::server::api::ApiController {
 public:
  explicit CoachingController(PGconn* conn) : conn_(conn), plans_(conn) {}

  ENDPOINT("GET", "/api/exercises", listExercises) {
    PgResult r(PQexec(conn_, "SELECT id, name, muscle_group, equipment FROM exercise_catalog ORDER BY name"));  // EXPECT: ok
    if (!r.ok()) return createResponse(Status::CODE_404, "{}");
    return createResponse(Status::CODE_200, rowsToJson(r, {"id", "name", "muscle_group", "equipment"}).dump());
  }

  ENDPOINT("GET", "/api/me/workouts", myWorkouts, HEADER(oatpp::String, authorization, "Authorization")) {
    auto who = authenticate(conn_, authorization);
    if (!who) return createResponse(Status::CODE_403, R"({"error":"unauthenticated"})");
    Params p;
    p.add(who->userId);
    PgResult r(PQexecParams(conn_,  // EXPECT: ok
                            "SELECT id, started_at, sport, duration_s, distance_m FROM workouts "
                            "WHERE athlete_id = $1 ORDER BY started_at DESC LIMIT 100",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    return createResponse(Status::CODE_200,
                          rowsToJson(r, {"id", "started_at", "sport", "duration_s", "distance_m"}).dump());
  }

  ENDPOINT("GET", "/api/workouts/{workoutId}", getWorkout, HEADER(oatpp::String, authorization, "Authorization"),
           PATH(oatpp::Int64, workoutId)) {
    auto who = authenticate(conn_, authorization);
    if (!who) return createResponse(Status::CODE_403, R"({"error":"unauthenticated"})");
    Params p;
    p.add(workoutId).add(who->userId);
    PgResult r(PQexecParams(conn_,  // EXPECT: ok
                            "SELECT id, started_at, sport, duration_s, distance_m, notes FROM workouts "
                            "WHERE id = $1 AND athlete_id = $2",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    if (!r.ok() || r.rows() == 0) return createResponse(Status::CODE_404, R"({"error":"not found"})");
    return createResponse(Status::CODE_200,
                          rowsToJson(r, {"id", "started_at", "sport", "duration_s", "distance_m", "notes"})[0].dump());
  }

  ENDPOINT("DELETE", "/api/workouts/{workoutId}", deleteWorkout, HEADER(oatpp::String, authorization, "Authorization"),
           PATH(oatpp::Int64, workoutId)) {
    auto who = authenticate(conn_, authorization);
    if (!who) return createResponse(Status::CODE_403, R"({"error":"unauthenticated"})");
    Params p;
    p.add(workoutId);
    PgResult r(PQexecParams(conn_, "DELETE FROM workouts WHERE id = $1",  // EXPECT: idor
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    if (!r.ok() || r.affected() == 0) return createResponse(Status::CODE_404, R"({"error":"not found"})");
    return createResponse(Status::CODE_200, R"({"deleted":true})");
  }

  // Body: {"source_id": 12, "target_id": 34}. Laps from source are re-parented
  // onto target and the (now empty) source workout is dropped.
  ENDPOINT("POST", "/api/workouts/merge", mergeWorkouts, HEADER(oatpp::String, authorization, "Authorization"),
           BODY_STRING(oatpp::String, body)) {
    auto who = authenticate(conn_, authorization);
    if (!who) return createResponse(Status::CODE_403, R"({"error":"unauthenticated"})");
    long long sourceId = 0, targetId = 0;
    try {
      auto j = json::parse(body);
      sourceId = j.at("source_id").get<long long>();
      targetId = j.at("target_id").get<long long>();
    } catch (const std::exception&) {
      return createResponse(Status::CODE_404, R"({"error":"bad request"})");
    }

    Params own;
    own.add(targetId).add(who->userId);
    PgResult target(PQexecParams(conn_, "SELECT 1 FROM workouts WHERE id = $1 AND athlete_id = $2",  // EXPECT: ok
                                 own.count(), nullptr, own.values(), nullptr, nullptr, 0));
    if (!target.ok() || target.rows() == 0) return createResponse(Status::CODE_404, R"({"error":"not found"})");

    Params mv;
    mv.add(targetId).add(sourceId);
    PgResult moved(PQexecParams(conn_, "UPDATE laps SET workout_id = $1 WHERE workout_id = $2",  // EXPECT: idor
                                mv.count(), nullptr, mv.values(), nullptr, nullptr, 0));

    Params del;
    del.add(sourceId).add(who->userId);
    PgResult dropped(PQexecParams(conn_, "DELETE FROM workouts WHERE id = $1 AND athlete_id = $2",  // EXPECT: ok
                                  del.count(), nullptr, del.values(), nullptr, nullptr, 0));

    json out{{"moved_laps", moved.ok() ? moved.affected() : 0}, {"source_removed", dropped.ok() && dropped.affected() > 0}};
    return createResponse(Status::CODE_200, out.dump());
  }

  ENDPOINT("GET", "/api/plans/{planId}", getPlan, HEADER(oatpp::String, authorization, "Authorization"),
           PATH(oatpp::Int64, planId)) {
    auto who = authenticate(conn_, authorization);
    if (!who) return createResponse(Status::CODE_403, R"({"error":"unauthenticated"})");
    auto plan = plans_.load(planId);
    if (!plan) return createResponse(Status::CODE_404, R"({"error":"not found"})");
    const bool isAthlete = plan->athleteId == who->userId;
    if (!isAthlete && !plans_.coaches(who->userId, plan->athleteId)) {
      // same response as a miss so plan ids can't be probed
      return createResponse(Status::CODE_404, R"({"error":"not found"})");
    }
    json out{{"id", plan->id}, {"title", plan->title}, {"body", plan->body}, {"athlete_id", plan->athleteId}};
    return createResponse(Status::CODE_200, out.dump());
  }

  // Coaches look at an athlete's weekly load chart; athletes see their own.
  ENDPOINT("GET", "/api/athletes/{athleteId}/load", athleteLoad, HEADER(oatpp::String, authorization, "Authorization"),
           PATH(oatpp::Int64, athleteId)) {
    auto who = authenticate(conn_, authorization);
    if (!who) return createResponse(Status::CODE_403, R"({"error":"unauthenticated"})");
    if (who->role != "coach" && who->userId != athleteId) {
      return createResponse(Status::CODE_403, R"({"error":"forbidden"})");
    }
    Params p;
    p.add(athleteId);
    PgResult r(PQexecParams(conn_,  // EXPECT: idor
                            "SELECT date_trunc('week', started_at) AS wk, sum(duration_s), sum(training_load) "
                            "FROM workouts WHERE athlete_id = $1 GROUP BY wk ORDER BY wk DESC LIMIT 26",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    return createResponse(Status::CODE_200, rowsToJson(r, {"week", "duration_s", "load"}).dump());
  }

  ENDPOINT("GET", "/shared/plans/{token}", sharedPlan, PATH(oatpp::String, token)) {
    if (token.size() < 32) return createResponse(Status::CODE_404, R"({"error":"not found"})");
    auto plan = plans_.loadByShareToken(token);
    if (!plan) return createResponse(Status::CODE_404, R"({"error":"not found"})");
    json out{{"title", plan->title}, {"body", plan->body}};
    return createResponse(Status::CODE_200, out.dump());
  }

  ENDPOINT("DELETE", "/api/admin/users/{userId}", adminDeleteUser, HEADER(oatpp::String, authorization, "Authorization"),
           PATH(oatpp::Int64, userId)) {
    auto who = authenticate(conn_, authorization);
    if (!who || who->role != "admin") return createResponse(Status::CODE_403, R"({"error":"forbidden"})");
    Params p;
    p.add(userId);
    PgResult r(PQexecParams(conn_, "UPDATE users SET deleted_at = now(), email = NULL WHERE id = $1",  // EXPECT: ok
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    return createResponse(r.ok() ? Status::CODE_200 : Status::CODE_404, "{}");
  }

  // Kept for the v1 mobile app until the forced upgrade lands.
  ENDPOINT("GET", "/v1/summary", legacySummary, HEADER(oatpp::String, athleteHeader, "X-Athlete-Id")) {
    if (athleteHeader.empty()) return createResponse(Status::CODE_403, R"({"error":"missing athlete"})");
    Params p;
    p.add(athleteHeader);
    PgResult r(PQexecParams(conn_,  // EXPECT: identity
                            "SELECT count(*), coalesce(sum(distance_m),0), coalesce(sum(duration_s),0) "
                            "FROM workouts WHERE athlete_id = $1 AND started_at > now() - interval '30 days'",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    if (!r.ok() || r.rows() == 0) return createResponse(Status::CODE_404, "{}");
    json out{{"workouts", r.get(0, 0)}, {"distance_m", r.get(0, 1)}, {"duration_s", r.get(0, 2)}};
    return createResponse(Status::CODE_200, out.dump());
  }

 private:
  PGconn* conn_;
  PlanRepository plans_;
};

// ---------------------------------------------------------------------------
// userver handlers (partner surface)
// ---------------------------------------------------------------------------

namespace uhttp = userver::server::http;
namespace ureq = userver::server::request;

// The edge gateway authenticates partner users and forwards
//   X-Auth-User: <user id>
//   X-Auth-Ts:   <unix seconds>
//   X-Auth-Sig:  hex(HMAC-SHA256(secret, user + "." + ts))
static bool verifyGatewaySignature(const std::string& secret, const std::string& user, const std::string& ts,
                                   const std::string& sigHex) {
  if (user.empty() || ts.empty() || sigHex.size() != 64) return false;
  long long issued = 0;
  try {
    issued = std::stoll(ts);
  } catch (...) {
    return false;
  }
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  if (issued > now + 30 || now - issued > 300) return false;

  const std::string msg = user + "." + ts;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int macLen = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &macLen);
  const std::string expected = hexEncode(mac, macLen);
  return expected.size() == sigHex.size() && CRYPTO_memcmp(expected.data(), sigHex.data(), expected.size()) == 0;
}

class GatewayFeedHandler final : public userver::server::handlers::HttpHandlerBase {
 public:
  GatewayFeedHandler(PGconn* conn, std::string secret) : conn_(conn), secret_(std::move(secret)) {}

  std::string HandleRequestThrow(const uhttp::HttpRequest& request, ureq::RequestContext&) const override {
    const auto& user = request.GetHeader("X-Auth-User");
    if (!verifyGatewaySignature(secret_, user, request.GetHeader("X-Auth-Ts"), request.GetHeader("X-Auth-Sig"))) {
      request.SetResponseStatus(uhttp::HttpStatus::kForbidden);
      return R"({"error":"bad gateway signature"})";
    }
    Params p;
    p.add(user);
    PgResult r(PQexecParams(conn_,  // EXPECT: ok
                            "SELECT id, sport, started_at, duration_s FROM workouts WHERE athlete_id = $1 "
                            "ORDER BY started_at DESC LIMIT 20",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    return rowsToJson(r, {"id", "sport", "started_at", "duration_s"}).dump();
  }

 private:
  PGconn* conn_;
  std::string secret_;
};

// Watches and bike computers push finished activities with their device token.
class WearableImportHandler final : public userver::server::handlers::HttpHandlerBase {
 public:
  explicit WearableImportHandler(PGconn* conn) : conn_(conn) {}

  std::string HandleRequestThrow(const uhttp::HttpRequest& request, ureq::RequestContext&) const override {
    const auto& deviceToken = request.GetHeader("X-Device-Token");
    if (deviceToken.empty()) {
      request.SetResponseStatus(uhttp::HttpStatus::kForbidden);
      return "{}";
    }
    Params dp;
    dp.add(sha256Hex(deviceToken));
    PgResult dev(PQexecParams(conn_, "SELECT athlete_id FROM devices WHERE token_hash = $1 AND active",  // EXPECT: ok
                              dp.count(), nullptr, dp.values(), nullptr, nullptr, 0));
    if (!dev.ok() || dev.rows() == 0) {
      request.SetResponseStatus(uhttp::HttpStatus::kForbidden);
      return "{}";
    }

    json activity = json::parse(request.RequestBody(), nullptr, false);
    if (activity.is_discarded()) {
      request.SetResponseStatus(uhttp::HttpStatus::kNotFound);
      return "{}";
    }
    // Family plans share one device; the app tags which member did the ride.
    std::string athlete = dev.get(0, 0);
    if (activity.contains("athlete_id")) athlete = std::to_string(activity["athlete_id"].get<long long>());

    Params ip;
    ip.add(athlete)
        .add(activity.value("sport", "other"))
        .add(activity.value("started_at", ""))
        .add(activity.value("duration_s", 0LL))
        .add(activity.value("distance_m", 0LL));
    PgResult ins(PQexecParams(conn_,  // EXPECT: identity
                              "INSERT INTO workouts (athlete_id, sport, started_at, duration_s, distance_m, source) "
                              "VALUES ($1, $2, $3, $4, $5, 'device') RETURNING id",
                              ip.count(), nullptr, ip.values(), nullptr, nullptr, 0));
    if (!ins.ok()) {
      request.SetResponseStatus(uhttp::HttpStatus::kNotFound);
      return "{}";
    }
    return json{{"id", ins.get(0, 0)}}.dump();
  }

 private:
  PGconn* conn_;
};

// CSV roster export used by the coach dashboard's "download" button.
class CoachExportHandler final : public userver::server::handlers::HttpHandlerBase {
 public:
  explicit CoachExportHandler(PGconn* conn) : conn_(conn) {}

  std::string HandleRequestThrow(const uhttp::HttpRequest& request, ureq::RequestContext&) const override {
    const auto& coach = request.GetCookie("coach_id");
    if (coach.empty()) {
      request.SetResponseStatus(uhttp::HttpStatus::kForbidden);
      return "";
    }
    Params p;
    p.add(coach);
    PgResult r(PQexecParams(conn_,  // EXPECT: identity
                            "SELECT u.id, u.display_name, u.email, ca.started_at FROM coach_athletes ca "
                            "JOIN users u ON u.id = ca.athlete_id WHERE ca.coach_id = $1 AND ca.ended_at IS NULL",
                            p.count(), nullptr, p.values(), nullptr, nullptr, 0));
    std::ostringstream csv;
    csv << "id,name,email,since\n";
    for (int i = 0; i < r.rows(); ++i) {
      csv << r.get(i, 0) << ',' << r.get(i, 1) << ',' << r.get(i, 2) << ',' << r.get(i, 3) << '\n';
    }
    return csv.str();
  }

 private:
  PGconn* conn_;
};

}  // namespace coachline

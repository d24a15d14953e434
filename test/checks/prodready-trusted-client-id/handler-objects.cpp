// Handler objects and DAOs written in the same file: a Beast API class whose
// `handle` parses the target into members through a helper method and hands
// over to per-route methods with the caller; a Pistache API over a SQLiteCpp
// DAO whose methods run the SQL (reported at the DAO call, with the statement
// inside as a note). Real Boost.Beast, Pistache, SQLiteCpp and hiredis headers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -fdelayed-template-parsing
#include <boost/beast/http.hpp>
#include <hiredis/hiredis.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

SQLite::Database &db();
redisContext *rc();
std::optional<int64_t> principal(const Request &req);

class ReviewApi {
public:
  Response handle(const Request &req) {
    path_ = std::string(req.target());
    auto me = principal(req);
    if (!me)
      return Response{http::status::unauthorized, req.version()};
    if (match("/api/comments/"))
      return req.method() == http::verb::delete_ ? deleteComment(req, *me) : editComment(req, *me);
    return Response{http::status::not_found, req.version()};
  }

private:
  bool match(const std::string &prefix) {
    if (path_.rfind(prefix, 0) != 0)
      return false;
    id_ = std::stoll(path_.substr(prefix.size()));
    return true;
  }

  // Negative: scoped to the caller `handle` passes.
  Response deleteComment(const Request &req, int64_t me) {
    SQLite::Statement q(db(), "DELETE FROM comments WHERE id = ? AND author_id = ?");
    q.bind(1, id_);
    q.bind(2, me);
    q.exec();
    return Response{http::status::no_content, req.version()};
  }

  // Positive: the id `match` parsed from the target, unchecked.
  Response editComment(const Request &req, int64_t me) {
    SQLite::Statement q(db(), "UPDATE comments SET body = ? WHERE id = ?");
    q.bind(1, req.body());
    q.bind(2, id_);
    q.exec();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id_' from request path reaches 'q.exec' (UPDATE comments)
    return Response{http::status::ok, req.version()};
  }

  std::string path_;
  int64_t id_ = 0;
};

struct Caller {
  int64_t vet_id = 0;
  int64_t clinic_id = 0;
};

class RecordsDao {
public:
  // Negative (at the call): a lookup by the API key the client presents.
  std::optional<Caller> callerForApiKey(const std::string &key) {
    SQLite::Statement q(db(), "SELECT vet_id, clinic_id FROM api_keys WHERE key_hash = ?");
    q.bind(1, key);
    if (!q.executeStep())
      return std::nullopt;
    return Caller{q.getColumn(0).getInt64(), q.getColumn(1).getInt64()};
  }

  bool findPet(int64_t pet_id, int64_t clinic_id) {
    SQLite::Statement q(db(), "SELECT name FROM pets WHERE id = ? AND clinic_id = ?");
    q.bind(1, pet_id);
    q.bind(2, clinic_id);
    return q.executeStep();
  }

  std::string findVisit(int64_t visit_id) {
    SQLite::Statement q(db(), "SELECT notes FROM visits WHERE id = ?");
    q.bind(1, visit_id);
    if (!q.executeStep())
      return {};
    return q.getColumn(0).getString();
  }
};

using namespace Pistache;

class ClinicApi {
public:
  void setup(Rest::Router &r) {
    Rest::Routes::Get(r, "/clinic/pets/:id", Rest::Routes::bind(&ClinicApi::getPet, this));
    Rest::Routes::Get(r, "/clinic/visits/:id", Rest::Routes::bind(&ClinicApi::getVisit, this));
    Rest::Routes::Post(r, "/logout", Rest::Routes::bind(&ClinicApi::logout, this));
  }

private:
  std::optional<Caller> auth(const Rest::Request &req) {
    auto key = req.headers().tryGetRaw("X-Api-Key");
    if (!key)
      return std::nullopt;
    return dao_.callerForApiKey(key->value());
  }

  // Negative: the DAO scopes the pet to the caller's clinic.
  void getPet(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req);
    if (!caller)
      return;
    dao_.findPet(req.param(":id").as<int64_t>(), caller->clinic_id);
    resp.send(Http::Code::Ok);
  }

  // Positive: reported at the DAO call; the note shows the statement.
  void getVisit(const Rest::Request &req, Http::ResponseWriter resp) {
    auto caller = auth(req);
    if (!caller)
      return;
    resp.send(Http::Code::Ok, dao_.findVisit(req.param(":id").as<int64_t>()));
    // CHECK-MESSAGES: :[[@LINE-1]]:31: warning: object id 'id' from route parameter 'id' of 'GET /clinic/visits/:id' reaches 'dao_.findVisit' (SELECT … FROM visits)
  }

  // Negative: the session the client presents is its own to end.
  void logout(const Rest::Request &req, Http::ResponseWriter resp) {
    auto sess = req.headers().tryGetRaw("X-Session-Token");
    if (sess)
      redisCommand(rc(), "DEL session:%s", sess->value().c_str());
    resp.send(Http::Code::No_Content);
  }

  RecordsDao dao_;
};

// A method that takes the request, looks the caller up by the bearer token
// and returns the context it fills: every field it sets is the caller's, so
// the context it returns is the principal.
struct RequestCtx {
  int64_t member_id = 0;
  int64_t gym_id = 0;
};

class GymApi {
public:
  void setup(Rest::Router &r) {
    Rest::Routes::Post(r, "/v1/classes/:id/bookings", Rest::Routes::bind(&GymApi::book, this));
    Rest::Routes::Get(r, "/v1/classes/:id", Rest::Routes::bind(&GymApi::getClass, this));
  }

private:
  std::optional<RequestCtx> auth(const Rest::Request &req) {
    auto h = req.headers().tryGetRaw("Authorization");
    if (!h)
      return std::nullopt;
    SQLite::Statement q(db(), "SELECT member_id, gym_id FROM api_tokens WHERE token = ?");
    q.bind(1, h->value().substr(7));
    if (!q.executeStep())
      return std::nullopt;
    RequestCtx ctx;
    ctx.member_id = q.getColumn(0).getInt64();
    ctx.gym_id = q.getColumn(1).getInt64();
    return ctx;
  }

  // Negative: the class must belong to the caller's gym.
  void book(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx)
      return;
    SQLite::Statement cls(db(), "SELECT capacity FROM classes WHERE id = ? AND gym_id = ?");
    cls.bind(1, req.param(":id").as<int64_t>());
    cls.bind(2, ctx->gym_id);
    cls.executeStep();
    resp.send(Http::Code::Created);
  }

  // Positive: any gym's class.
  void getClass(const Rest::Request &req, Http::ResponseWriter resp) {
    auto ctx = auth(req);
    if (!ctx)
      return;
    SQLite::Statement cls(db(), "SELECT capacity, coach_notes FROM classes WHERE id = ?");
    cls.bind(1, req.param(":id").as<int64_t>());
    cls.executeStep();
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter 'id' of 'GET /v1/classes/:id' reaches 'cls.executeStep'
    resp.send(Http::Code::Ok);
  }
};

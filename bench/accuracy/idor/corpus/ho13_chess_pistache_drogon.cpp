// knightline: match service (Pistache, games.db via SQLiteCpp, PGN/analysis
// files on disk, cheat reports in a separate sqlite3 file) and the account /
// profile controller that runs inside the Drogon web front.
#include <SQLiteCpp/SQLiteCpp.h>
#include <SQLiteCpp/VariadicBind.h>
#include <drogon.h>
#include <jwt/jwt.hpp>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace Pistache;
using json = nlohmann::json;

namespace knightline {

struct AuthConfig {
  std::string secret;
  std::string issuer = "https://auth.knightline.gg";
  std::string pgn_dir = "/var/lib/knightline/pgn";
  std::string analysis_dir = "/var/lib/knightline/analysis";
};

struct Player {
  int64_t id = 0;
  std::string handle;
  std::vector<std::string> roles;
  bool has(const std::string &r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }
};

struct Game {
  int64_t id = 0, white_id = 0, black_id = 0;
  std::string status;     // pending | active | finished | aborted
  std::string visibility; // public | private
  int ply = 0;
  std::string fen, result;
  bool hasPlayer(int64_t p) const { return p == white_id || p == black_id; }
  int64_t toMove() const { return ply % 2 == 0 ? white_id : black_id; }
};

struct Challenge {
  int64_t id = 0, creator_id = 0;
  int64_t opponent_id = 0; // 0: open seek, anyone may accept
  std::string time_control, status;
};

// ------------------------------------------------------------ sqlite plumbing

template <typename... A> int execute(SQLite::Database &db, const char *sql, const A &...args) {
  SQLite::Statement st(db, sql);
  SQLite::bind(st, args...);
  return st.exec();
}

template <typename Fn, typename... A>
void forEachRow(SQLite::Database &db, const char *sql, Fn &&fn, const A &...args) {
  SQLite::Statement st(db, sql);
  SQLite::bind(st, args...);
  while (st.executeStep()) fn(st);
}

struct GameStore {
  SQLite::Database &db_;

  std::optional<Game> find(int64_t id) {
    std::optional<Game> out;
    forEachRow(db_, "SELECT id, white_id, black_id, status, visibility, ply, fen, result FROM games WHERE id = ?", // EXPECT: ok
               [&](SQLite::Statement &r) {
                 out = Game{r.getColumn(0).getInt64(),  r.getColumn(1).getInt64(),  r.getColumn(2).getInt64(),
                            r.getColumn(3).getString(), r.getColumn(4).getString(), r.getColumn(5).getInt(),
                            r.getColumn(6).getString(), r.getColumn(7).getString()};
               },
               id);
    return out;
  }

  // games.ply and games.fen are maintained by the moves_after_insert trigger
  void appendMove(int64_t game, int64_t player, const std::string &uci, int ply) {
    execute(db_, "INSERT INTO moves (game_id, ply, player_id, uci, played_at) VALUES (?, ?, ?, ?, strftime('%s','now'))", // EXPECT: ok
            game, ply, player, uci);
  }

  std::optional<Challenge> challenge(int64_t id) {
    std::optional<Challenge> out;
    forEachRow(db_, "SELECT id, creator_id, COALESCE(opponent_id, 0), time_control, status FROM challenges WHERE id = ?", // EXPECT: ok
               [&](SQLite::Statement &r) {
                 out = Challenge{r.getColumn(0).getInt64(), r.getColumn(1).getInt64(), r.getColumn(2).getInt64(),
                                 r.getColumn(3).getString(), r.getColumn(4).getString()};
               },
               id);
    return out;
  }
};

// ------------------------------------------------------------ tokens

static std::string bearerOf(const Rest::Request &req) {
  auto h = req.headers().tryGetRaw("Authorization");
  if (!h) return {};
  auto v = h->value();
  return v.rfind("Bearer ", 0) == 0 ? v.substr(7) : std::string{};
}

// Reads the subject without checking the signature. Good enough for tagging
// access-log lines with a player id.
static std::optional<int64_t> tokenSubject(const std::string &token) {
  if (token.empty()) return std::nullopt;
  std::error_code ec;
  auto dec = jwt::decode(token, jwt::params::algorithms({"HS256"}), ec, jwt::params::verify(false));
  if (ec && ec != jwt::VerificationErrc::TokenExpired) return std::nullopt;
  if (!dec.payload().has_claim("sub")) return std::nullopt;
  return std::stoll(dec.payload().get_claim_value<std::string>("sub"));
}

static std::string gameJson(const Game &g) {
  return json{{"id", g.id},   {"white", g.white_id}, {"black", g.black_id}, {"status", g.status},
              {"ply", g.ply}, {"fen", g.fen},        {"result", g.result}}.dump();
}

// ------------------------------------------------------------ match API

class MatchApi {
public:
  MatchApi(GameStore &games, SQLite::Database &db, sqlite3 *reports, AuthConfig cfg)
      : games_(games), db_(db), reports_(reports), cfg_(std::move(cfg)) {}

  void routes(Rest::Router &r) {
    using namespace Rest;
    Routes::Get(r, "/v2/matches/:id", Routes::bind(&MatchApi::getMatch, this));
    Routes::Get(r, "/v2/matches/:id/pgn", Routes::bind(&MatchApi::getPgn, this));
    Routes::Get(r, "/v2/matches/:id/analysis", Routes::bind(&MatchApi::getAnalysis, this));
    Routes::Get(r, "/v2/matches/:id/chat", Routes::bind(&MatchApi::getChat, this));
    Routes::Post(r, "/v2/matches/:id/moves", Routes::bind(&MatchApi::postMove, this));
    Routes::Post(r, "/v2/matches/:id/resign", Routes::bind(&MatchApi::resign, this));
    Routes::Post(r, "/v2/matches/:id/draw-offer", Routes::bind(&MatchApi::offerDraw, this));
    Routes::Get(r, "/v2/players/:id/matches", Routes::bind(&MatchApi::playerMatches, this));
    Routes::Post(r, "/v2/challenges/:id/accept", Routes::bind(&MatchApi::acceptChallenge, this));
    Routes::Post(r, "/v2/challenges/:id/cancel", Routes::bind(&MatchApi::cancelChallenge, this));
    Routes::Post(r, "/v2/reports", Routes::bind(&MatchApi::fileReport, this));
    Routes::Get(r, "/v2/reports/:id", Routes::bind(&MatchApi::getReport, this));
  }

private:
  std::optional<Player> verifiedPlayer(const Rest::Request &req) const {
    auto token = bearerOf(req);
    if (token.empty()) return std::nullopt;
    std::error_code ec;
    auto dec = jwt::decode(token, jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(cfg_.secret),
                           jwt::params::issuer(cfg_.issuer), jwt::params::verify(true));
    if (ec) return std::nullopt;
    const auto &pl = dec.payload();
    Player p{std::stoll(pl.get_claim_value<std::string>("sub")), pl.get_claim_value<std::string>("handle"), {}};
    if (pl.has_claim("roles")) p.roles = pl.get_claim_value<std::vector<std::string>>("roles");
    return p;
  }

  std::optional<Game> visibleGame(const Rest::Request &req, int64_t id) {
    auto g = games_.find(id); // EXPECT: ok
    if (!g) return std::nullopt;
    if (g->visibility == "public") return g;
    auto viewer = verifiedPlayer(req);
    if (viewer && (g->hasPlayer(viewer->id) || viewer->has("moderator"))) return g;
    return std::nullopt;
  }

  void getMatch(const Rest::Request &req, Http::ResponseWriter resp) {
    auto id = req.param(":id").as<int64_t>();
    auto g = games_.find(id); // EXPECT: ok
    if (!g) return void(resp.send(Http::Code::Not_Found));
    if (g->visibility != "public") {
      auto viewer = verifiedPlayer(req);
      if (!viewer || !g->hasPlayer(viewer->id)) return void(resp.send(Http::Code::Not_Found));
    }
    resp.send(Http::Code::Ok, gameJson(*g), MIME(Application, Json));
  }

  void getPgn(const Rest::Request &req, Http::ResponseWriter resp) {
    auto g = visibleGame(req, req.param(":id").as<int64_t>()); // EXPECT: ok
    if (!g) return void(resp.send(Http::Code::Not_Found));
    std::ifstream in(cfg_.pgn_dir + "/" + std::to_string(g->id) + ".pgn"); // EXPECT: ok
    if (!in) return void(resp.send(Http::Code::Not_Found));
    std::stringstream ss;
    ss << in.rdbuf();
    resp.send(Http::Code::Ok, ss.str(), MIME(Application, OctetStream));
  }

  // engine analysis is produced by the batch workers once a game finishes
  void getAnalysis(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    if (!p->has("premium")) return void(resp.send(Http::Code::Payment_Required));
    auto id = req.param(":id").as<int64_t>();
    std::ifstream in(cfg_.analysis_dir + "/" + std::to_string(id) + ".json"); // EXPECT: idor
    if (!in) return void(resp.send(Http::Code::Not_Found, "analysis pending"));
    std::stringstream ss;
    ss << in.rdbuf();
    resp.send(Http::Code::Ok, ss.str(), MIME(Application, Json));
  }

  void getChat(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto id = req.param(":id").as<int64_t>();
    json out = json::array();
    forEachRow(db_, "SELECT id, author_id, body, sent_at FROM player_chat WHERE game_id = ? ORDER BY sent_at", // EXPECT: idor
               [&](SQLite::Statement &r) {
                 out.push_back({{"id", r.getColumn(0).getInt64()},
                                {"author", r.getColumn(1).getInt64()},
                                {"body", r.getColumn(2).getString()}});
               },
               id);
    resp.send(Http::Code::Ok, out.dump(), MIME(Application, Json));
  }

  void postMove(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto id = req.param(":id").as<int64_t>();
    auto g = games_.find(id); // EXPECT: ok
    if (!g || g->status != "active") return void(resp.send(Http::Code::Conflict, "game not active"));
    if (g->toMove() != p->id) return void(resp.send(Http::Code::Forbidden, "not your move"));
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.contains("uci")) return void(resp.send(Http::Code::Bad_Request));
    auto uci = body["uci"].get<std::string>();
    if (uci.size() < 4 || uci.size() > 5) return void(resp.send(Http::Code::Bad_Request));
    games_.appendMove(g->id, p->id, uci, g->ply + 1); // EXPECT: ok
    resp.send(Http::Code::Created);
  }

  void resign(const Rest::Request &req, Http::ResponseWriter resp) {
    auto id = req.param(":id").as<int64_t>();
    // a resign sent by a client whose access token lapsed mid-game still has
    // to end the game, so only the subject is taken from the token here
    auto who = tokenSubject(bearerOf(req));
    if (!who) return void(resp.send(Http::Code::Unauthorized));
    int n = execute(db_, // EXPECT: identity
                    "UPDATE games SET status = 'finished', result = CASE WHEN white_id = ?1 THEN '0-1' ELSE '1-0' END, "
                    "ended_at = strftime('%s','now') WHERE id = ?2 AND status = 'active' AND (white_id = ?1 OR black_id = ?1)",
                    *who, id);
    resp.send(n ? Http::Code::No_Content : Http::Code::Conflict);
  }

  void offerDraw(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto id = req.param(":id").as<int64_t>();
    int n = execute(db_, "UPDATE games SET draw_offered_by = ?1 WHERE id = ?2 AND status = 'active' AND (white_id = ?1 OR black_id = ?1)", // EXPECT: ok
                    p->id, id);
    resp.send(n ? Http::Code::No_Content : Http::Code::Not_Found);
  }

  void playerMatches(const Rest::Request &req, Http::ResponseWriter resp) {
    auto pid = req.param(":id").as<int64_t>();
    int limit = 50;
    if (auto l = req.query().get("limit")) limit = std::clamp(std::atoi(l->c_str()), 1, 100);
    json out = json::array();
    forEachRow(db_, // EXPECT: ok
               "SELECT id, white_id, black_id, result FROM games WHERE (white_id = ?1 OR black_id = ?1) "
               "AND visibility = 'public' AND status = 'finished' ORDER BY ended_at DESC LIMIT ?2",
               [&](SQLite::Statement &r) {
                 out.push_back({{"id", r.getColumn(0).getInt64()}, {"white", r.getColumn(1).getInt64()},
                                {"black", r.getColumn(2).getInt64()}, {"result", r.getColumn(3).getString()}});
               },
               pid, limit);
    resp.send(Http::Code::Ok, out.dump(), MIME(Application, Json));
  }

  void acceptChallenge(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto cid = req.param(":id").as<int64_t>();
    auto c = games_.challenge(cid); // EXPECT: ok
    if (!c || c->status != "open") return void(resp.send(Http::Code::Not_Found));
    if (c->opponent_id != 0 && c->opponent_id != p->id) return void(resp.send(Http::Code::Not_Found));
    if (c->creator_id == p->id) return void(resp.send(Http::Code::Conflict, "cannot accept own challenge"));
    int n = execute(db_, "UPDATE challenges SET status = 'accepted', opponent_id = ? WHERE id = ? AND status = 'open'", // EXPECT: ok
                    p->id, cid);
    resp.send(n ? Http::Code::No_Content : Http::Code::Conflict);
  }

  void cancelChallenge(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto cid = req.param(":id").as<int64_t>();
    int n = execute(db_, "UPDATE challenges SET status = 'cancelled' WHERE id = ? AND status = 'open'", cid); // EXPECT: idor
    resp.send(n ? Http::Code::No_Content : Http::Code::Not_Found);
  }

  void fileReport(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded()) return void(resp.send(Http::Code::Bad_Request));
    int64_t game = body.value("game_id", int64_t{0});
    std::string reason = body.value("reason", std::string{});
    char *sql = sqlite3_mprintf("INSERT INTO cheat_reports (game_id, reporter_id, reason, created_at) "
                                "VALUES (%lld, %lld, %Q, strftime('%%s','now'))",
                                static_cast<long long>(game), static_cast<long long>(p->id), reason.c_str());
    char *err = nullptr;
    int rc = sqlite3_exec(reports_, sql, nullptr, nullptr, &err); // EXPECT: ok
    sqlite3_free(sql);
    sqlite3_free(err);
    resp.send(rc == SQLITE_OK ? Http::Code::Created : Http::Code::Internal_Server_Error);
  }

  struct ReportRow {
    int64_t id = 0, game_id = 0, reporter_id = 0;
    std::string reason, verdict;
  };

  static int reportRowCb(void *out, int, char **v, char **) {
    *static_cast<ReportRow *>(out) =
        ReportRow{std::atoll(v[0]), std::atoll(v[1]), std::atoll(v[2]), v[3] ? v[3] : "", v[4] ? v[4] : "pending"};
    return 0;
  }

  void getReport(const Rest::Request &req, Http::ResponseWriter resp) {
    auto p = verifiedPlayer(req);
    if (!p) return void(resp.send(Http::Code::Unauthorized));
    auto rid = req.param(":id").as<int64_t>();
    ReportRow row;
    char *sql = sqlite3_mprintf("SELECT id, game_id, reporter_id, reason, verdict FROM cheat_reports WHERE id = %lld",
                                static_cast<long long>(rid));
    sqlite3_exec(reports_, sql, &MatchApi::reportRowCb, &row, nullptr); // EXPECT: ok
    sqlite3_free(sql);
    if (row.id == 0) return void(resp.send(Http::Code::Not_Found));
    if (!p->has("moderator") && row.reporter_id != p->id) return void(resp.send(Http::Code::Not_Found));
    resp.send(Http::Code::Ok, json{{"id", row.id}, {"game", row.game_id}, {"reason", row.reason}, {"verdict", row.verdict}}.dump(),
              MIME(Application, Json));
  }

  GameStore &games_;
  SQLite::Database &db_;
  sqlite3 *reports_;
  AuthConfig cfg_;
};

// ------------------------------------------------------------ profiles (Drogon)

struct PlayerProfile {
  using PrimaryKeyType = int64_t;
  int64_t id = 0;
  std::string handle, email, country, bio;
  int rating = 1500, birth_year = 0;
  bool is_private = false;
};

drogon::orm::DbClientPtr accountsDb();                                          // db_glue.cc
template <typename T> drogon::orm::Mapper<T> mapperFor(const drogon::orm::DbClientPtr &db); // db_glue.cc
const std::string &internalServiceSecret();                                     // secrets.cc
bool constantTimeEquals(const std::string &a, const std::string &b);

using Callback = std::function<void(const drogon::HttpResponsePtr &)>;

static drogon::HttpResponsePtr reply(drogon::HttpStatusCode code, const std::string &body = {}) {
  auto r = drogon::HttpResponse::newHttpResponse();
  r->setStatusCode(code);
  r->setBody(body);
  return r;
}

class SessionFilter : public drogon::HttpFilter<SessionFilter> {
public:
  void doFilter(const drogon::HttpRequestPtr &req, drogon::FilterCallback &&fcb,
                drogon::FilterChainCallback &&fccb) override {
    auto s = req->session();
    int64_t pid = s ? s->get<int64_t>("player_id") : 0;
    if (pid <= 0) return fcb(reply(drogon::k401Unauthorized));
    req->attributes()->insert("player_id", pid);
    fccb();
  }
};

class ProfileController : public drogon::HttpController<ProfileController> {
public:
  METHOD_LIST_BEGIN
  ADD_METHOD_TO(ProfileController::me, "/api/profile/me", drogon::Get, "knightline::SessionFilter");
  ADD_METHOD_TO(ProfileController::publicProfile, "/api/profile/{1}", drogon::Get);
  ADD_METHOD_TO(ProfileController::details, "/api/profile/{1}/details", drogon::Get, "knightline::SessionFilter");
  ADD_METHOD_TO(ProfileController::changeEmail, "/api/profile/{1}/email", drogon::Put);
  ADD_METHOD_TO(ProfileController::saveSettings, "/api/profile/{1}/settings", drogon::Post);
  ADD_METHOD_TO(ProfileController::acceptFriend, "/api/friends/{1}/accept", drogon::Post);
  ADD_METHOD_TO(ProfileController::removeAccount, "/api/admin/profile/{1}", drogon::Delete, "knightline::SessionFilter");
  ADD_METHOD_TO(ProfileController::applyRatings, "/internal/ratings", drogon::Post);
  METHOD_LIST_END

  void me(const drogon::HttpRequestPtr &req, Callback &&cb) {
    auto uid = req->attributes()->get<int64_t>("player_id");
    auto prof = mapperFor<PlayerProfile>(accountsDb()).findByPrimaryKey(uid); // EXPECT: ok
    cb(reply(drogon::k200OK, privateJson(prof)));
  }

  void publicProfile(const drogon::HttpRequestPtr &req, Callback &&cb, int64_t playerId) {
    auto prof = mapperFor<PlayerProfile>(accountsDb()).findByPrimaryKey(playerId); // EXPECT: ok
    if (prof.is_private) {
      auto s = req->session();
      int64_t viewer = s ? s->get<int64_t>("player_id") : 0;
      if (viewer != playerId) {
        auto f = accountsDb()->execSqlSync("SELECT 1 FROM friendships WHERE player_a = $1 AND player_b = $2", viewer, playerId); // EXPECT: ok
        if (viewer == 0 || f.size() == 0) return cb(reply(drogon::k404NotFound));
      }
    }
    json j{{"id", prof.id}, {"handle", prof.handle}, {"country", prof.country}, {"rating", prof.rating}, {"bio", prof.bio}};
    cb(reply(drogon::k200OK, j.dump()));
  }

  // friends list page pulls this to render the hover card
  void details(const drogon::HttpRequestPtr &req, Callback &&cb, int64_t playerId) {
    auto prof = mapperFor<PlayerProfile>(accountsDb()).findByPrimaryKey(playerId); // EXPECT: idor
    cb(reply(drogon::k200OK, privateJson(prof)));
  }

  void changeEmail(const drogon::HttpRequestPtr &req, Callback &&cb, int64_t playerId) {
    auto s = req->session();
    int64_t uid = s ? s->get<int64_t>("player_id") : 0;
    if (uid == 0) return cb(reply(drogon::k401Unauthorized));
    if (uid != playerId) return cb(reply(drogon::k403Forbidden));
    auto body = json::parse(req->getBody(), nullptr, false);
    std::string email = body.is_object() ? body.value("email", std::string{}) : std::string{};
    if (email.find('@') == std::string::npos) return cb(reply(drogon::k403Forbidden, "invalid email"));
    accountsDb()->execSqlSync("UPDATE players SET email = $1, email_verified = false WHERE id = $2", email, playerId); // EXPECT: ok
    cb(reply(drogon::k200OK));
  }

  void saveSettings(const drogon::HttpRequestPtr &req, Callback &&cb, int64_t playerId) {
    const auto &theme = req->getParameter("board_theme");
    const auto &pieces = req->getParameter("piece_set");
    bool sounds = req->getParameter("sounds") != "off";
    auto r = accountsDb()->execSqlSync( // EXPECT: idor
        "UPDATE player_settings SET board_theme = $1, piece_set = $2, sounds = $3 WHERE player_id = $4", theme, pieces,
        sounds, playerId);
    cb(reply(r.affectedRows() ? drogon::k200OK : drogon::k404NotFound));
  }

  // {1} is the player who sent the friend request
  void acceptFriend(const drogon::HttpRequestPtr &req, Callback &&cb, int64_t fromPlayer) {
    // the pid cookie is written at login for the websocket client
    const auto &pid = req->getCookie("pid");
    if (pid.empty()) return cb(reply(drogon::k401Unauthorized));
    int64_t me = std::stoll(pid);
    auto r = accountsDb()->execSqlSync( // EXPECT: identity
        "UPDATE friend_requests SET status = 'accepted', responded_at = now() "
        "WHERE from_player = $1 AND to_player = $2 AND status = 'pending'",
        fromPlayer, me);
    cb(reply(r.affectedRows() ? drogon::k200OK : drogon::k404NotFound));
  }

  void removeAccount(const drogon::HttpRequestPtr &req, Callback &&cb, int64_t playerId) {
    auto role = req->session()->get<std::string>("role");
    if (role != "admin") return cb(reply(drogon::k403Forbidden));
    auto n = mapperFor<PlayerProfile>(accountsDb()).deleteByPrimaryKey(playerId); // EXPECT: ok
    cb(reply(n ? drogon::k200OK : drogon::k404NotFound));
  }

  // called by the match service after each rated game
  void applyRatings(const drogon::HttpRequestPtr &req, Callback &&cb) {
    if (!constantTimeEquals(req->getHeader("X-Internal-Token"), internalServiceSecret()))
      return cb(reply(drogon::k401Unauthorized));
    auto body = json::parse(req->getBody(), nullptr, false);
    if (!body.is_object()) return cb(reply(drogon::k403Forbidden));
    auto db = accountsDb();
    for (const auto &e : body["deltas"]) {
      db->execSqlSync("UPDATE players SET rating = rating + $1, games_played = games_played + 1 WHERE id = $2", // EXPECT: ok
                      e.value("delta", 0), e.value("player_id", int64_t{0}));
    }
    cb(reply(drogon::k200OK));
  }

private:
  static std::string privateJson(const PlayerProfile &p) {
    return json{{"id", p.id},           {"handle", p.handle}, {"email", p.email},
                {"country", p.country}, {"rating", p.rating}, {"birth_year", p.birth_year}}.dump();
  }
};

} // namespace knightline

int main(int argc, char **argv) {
  using namespace knightline;
  AuthConfig cfg{argc > 1 ? argv[1] : ""};
  SQLite::Database games_db("/var/lib/knightline/games.db", SQLite::OPEN_READWRITE);
  sqlite3 *reports = nullptr;
  sqlite3_open_v2("/var/lib/knightline/reports.db", &reports, SQLITE_OPEN_READWRITE, nullptr);
  GameStore store{games_db};
  MatchApi api(store, games_db, reports, cfg);
  Rest::Router router;
  api.routes(router);
  Http::Endpoint endpoint(Address(Ipv4::any(), Port(9080)));
  endpoint.init(Http::Endpoint::options().threads(4));
  endpoint.setHandler(router.handler());
  endpoint.serve();
  return 0;
}

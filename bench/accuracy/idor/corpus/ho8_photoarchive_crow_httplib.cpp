// keepsake: family photo archive.
// Main API on Crow; a small cpp-httplib server on :7070 carries worker
// callbacks, staff tools and the endpoints the old desktop uploader uses.
// Postgres via SOCI, Redis (hiredis) for favourites, activity feeds and
// upload/export job state. Originals and thumbnails live on local disk.

#include "crow.h"

#include <hiredis/hiredis.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <soci/connection-pool.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using nlohmann::json;

namespace {

const std::string kOriginals = "/srv/keepsake/originals/";
const std::string kThumbs = "/srv/keepsake/thumbs/";
const std::string kIncoming = "/srv/keepsake/incoming/";

soci::connection_pool &db_pool() {
  static soci::connection_pool pool(8);
  static bool opened = [] {
    for (std::size_t i = 0; i != 8; ++i) pool.at(i).open(soci::postgresql, "dbname=keepsake user=keepsake");
    return true;
  }();
  (void)opened;
  return pool;
}

redisContext *redis() {
  thread_local redisContext *c = redisConnect("127.0.0.1", 6379);
  return c;
}

struct Member {
  long long id = 0;
  long long family_id = 0;
  std::string role; // owner | adult | child | guest | staff
};

struct RedisReply {
  redisReply *r;
  explicit RedisReply(void *p) : r(static_cast<redisReply *>(p)) {}
  ~RedisReply() {
    if (r) freeReplyObject(r);
  }
  RedisReply(const RedisReply &) = delete;
};

std::optional<Member> member_for_token(const std::string &bearer) {
  if (bearer.rfind("Bearer ", 0) != 0) return std::nullopt;
  std::string token = bearer.substr(7);
  soci::session sql(db_pool());
  Member m;
  sql << "SELECT m.id, m.family_id, m.role FROM api_tokens t JOIN members m ON m.id = t.member_id " // EXPECT: ok
         "WHERE t.token = :tok AND NOT t.revoked AND t.expires_at > now()",
      soci::into(m.id), soci::into(m.family_id), soci::into(m.role), soci::use(token);
  if (!sql.got_data()) return std::nullopt;
  return m;
}

crow::response json_resp(int code, const json &j) { return crow::response(code, j.dump()); }

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string new_key() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream os;
  os << std::hex << rng() << rng();
  return os.str();
}

} // namespace

// ===========================================================================
// Crow API
// ===========================================================================
void register_api(crow::SimpleApp &app) {
  // Anyone holding a share link can view that album.
  CROW_ROUTE(app, "/public/albums/<string>")([](const crow::request &, std::string token) {
    soci::session sql(db_pool());
    long long album_id = 0;
    sql << "SELECT album_id FROM share_links WHERE token = :t AND expires_at > now()", soci::into(album_id), soci::use(token); // EXPECT: ok
    if (!sql.got_data()) return crow::response(404);
    json photos = json::array();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, caption, taken_at FROM photos WHERE album_id = :a ORDER BY taken_at", soci::use(album_id)); // EXPECT: ok
    for (const auto &r : rs) photos.push_back({{"id", r.get<long long>(0)}, {"caption", r.get<std::string>(1, "")}});
    return json_resp(200, {{"album", album_id}, {"photos", photos}});
  });

  CROW_ROUTE(app, "/albums")([](const crow::request &req) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    soci::session sql(db_pool());
    json out = json::array();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, title, cover_photo_id FROM albums WHERE family_id = :f " // EXPECT: ok
                                                 "AND (visibility <> 'private' OR created_by = :me) ORDER BY created_at DESC",
                                  soci::use(me->family_id, "f"), soci::use(me->id, "me"));
    for (const auto &r : rs) out.push_back({{"id", r.get<long long>(0)}, {"title", r.get<std::string>(1)}});
    return json_resp(200, out);
  });

  CROW_ROUTE(app, "/albums/<int>")([](const crow::request &req, int album_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    soci::session sql(db_pool());
    std::string title, description;
    sql << "SELECT title, COALESCE(description, '') FROM albums WHERE id = :id AND family_id = :f", // EXPECT: ok
        soci::into(title), soci::into(description), soci::use(album_id), soci::use(me->family_id);
    if (!sql.got_data()) return crow::response(404);
    return json_resp(200, {{"id", album_id}, {"title", title}, {"description", description}});
  });

  CROW_ROUTE(app, "/albums/<int>/photos")([](const crow::request &req, int album_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    const char *page = req.url_params.get("page");
    int offset = page ? std::atoi(page) * 60 : 0;
    soci::session sql(db_pool());
    json out = json::array();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, caption, taken_at, uploaded_by FROM photos WHERE album_id = :a " // EXPECT: idor
                                                 "ORDER BY taken_at LIMIT 60 OFFSET :o",
                                  soci::use(album_id), soci::use(offset));
    for (const auto &r : rs) out.push_back({{"id", r.get<long long>(0)}, {"caption", r.get<std::string>(1, "")}});
    return json_resp(200, out);
  });

  CROW_ROUTE(app, "/photos/<int>/original")([](const crow::request &req, int photo_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    soci::session sql(db_pool());
    std::string storage_key;
    long long family = 0;
    sql << "SELECT p.storage_key, a.family_id FROM photos p JOIN albums a ON a.id = p.album_id WHERE p.id = :id", // EXPECT: ok
        soci::into(storage_key), soci::into(family), soci::use(photo_id);
    if (!sql.got_data() || family != me->family_id) return crow::response(404);
    std::string bytes = slurp(kOriginals + storage_key); // EXPECT: ok
    if (bytes.empty()) return crow::response(410);
    return crow::response(200, bytes);
  });

  // Thumbnails are small so the grid view fetches them by id directly.
  CROW_ROUTE(app, "/photos/<int>/thumb")([](const crow::request &req, int photo_id) {
    if (!member_for_token(req.get_header_value("Authorization"))) return crow::response(401);
    std::string bytes = slurp(kThumbs + std::to_string(photo_id) + ".jpg"); // EXPECT: idor
    if (bytes.empty()) return crow::response(404);
    return crow::response(200, bytes);
  });

  CROW_ROUTE(app, "/photos/<int>").methods(crow::HTTPMethod::Delete)([](const crow::request &req, int photo_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    soci::session sql(db_pool());
    long long uploader = 0, family = 0;
    sql << "SELECT p.uploaded_by, a.family_id FROM photos p JOIN albums a ON a.id = p.album_id WHERE p.id = :id", // EXPECT: ok
        soci::into(uploader), soci::into(family), soci::use(photo_id);
    if (!sql.got_data() || family != me->family_id) return crow::response(404);
    if (uploader != me->id && me->role != "owner") return crow::response(403);
    sql << "UPDATE photos SET deleted_at = now() WHERE id = :id", soci::use(photo_id); // EXPECT: ok
    return crow::response(204);
  });

  CROW_ROUTE(app, "/photos/<int>/caption").methods(crow::HTTPMethod::Put)([](const crow::request &req, int photo_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    if (me->role == "guest") return crow::response(403);
    json body = json::parse(req.body, nullptr, false);
    std::string caption = body.is_object() ? body.value("caption", "") : "";
    soci::session sql(db_pool());
    sql << "UPDATE photos SET caption = :c, edited_by = :me WHERE id = :id", soci::use(caption), soci::use(me->id), soci::use(photo_id); // EXPECT: idor
    return crow::response(204);
  });

  // {"photo_ids":[..], "target_album": 12}
  CROW_ROUTE(app, "/photos/move").methods(crow::HTTPMethod::Post)([](const crow::request &req) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body["photo_ids"].is_array()) return crow::response(400);
    long long target = body.value("target_album", 0LL);
    soci::session sql(db_pool());
    int n = 0;
    sql << "SELECT count(*) FROM albums WHERE id = :a AND family_id = :f", soci::into(n), soci::use(target), soci::use(me->family_id); // EXPECT: ok
    if (n == 0) return crow::response(404);
    soci::transaction tr(sql);
    for (const auto &pid : body["photo_ids"]) {
      long long photo = pid.get<long long>();
      sql << "UPDATE photos SET album_id = :t WHERE id = :p", soci::use(target), soci::use(photo); // EXPECT: idor
    }
    tr.commit();
    return json_resp(200, {{"moved", body["photo_ids"].size()}});
  });

  CROW_ROUTE(app, "/albums/<int>/share").methods(crow::HTTPMethod::Post)([](const crow::request &req, int album_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    if (me->role == "child" || me->role == "guest") return crow::response(403);
    soci::session sql(db_pool());
    long long family = 0;
    sql << "SELECT family_id FROM albums WHERE id = :id", soci::into(family), soci::use(album_id); // EXPECT: ok
    if (!sql.got_data() || family != me->family_id) return crow::response(404);
    std::string token = new_key();
    sql << "INSERT INTO share_links(token, album_id, created_by, expires_at) " // EXPECT: ok
           "VALUES (:t, :a, :m, now() + interval '30 days')",
        soci::use(token), soci::use(album_id), soci::use(me->id);
    return json_resp(201, {{"url", "https://keepsake.photos/s/" + token}});
  });

  CROW_ROUTE(app, "/families/<int>/members")([](const crow::request &req, int family_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    if (family_id != me->family_id) return crow::response(403);
    soci::session sql(db_pool());
    json out = json::array();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, display_name, role FROM members WHERE family_id = :f", soci::use(family_id)); // EXPECT: ok
    for (const auto &r : rs) out.push_back({{"id", r.get<long long>(0)}, {"name", r.get<std::string>(1)}, {"role", r.get<std::string>(2)}});
    return json_resp(200, out);
  });

  CROW_ROUTE(app, "/members/<int>/activity")([](const crow::request &req, int member_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    soci::session sql(db_pool());
    long long family = 0;
    sql << "SELECT family_id FROM members WHERE id = :id", soci::into(family), soci::use(member_id); // EXPECT: ok
    if (!sql.got_data() || family != me->family_id) return crow::response(404);
    RedisReply r(redisCommand(redis(), "LRANGE keepsake:activity:%d 0 49", member_id)); // EXPECT: ok
    json out = json::array();
    if (r.r && r.r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i < r.r->elements; ++i) out.push_back(json::parse(r.r->element[i]->str, nullptr, false));
    return json_resp(200, out);
  });

  CROW_ROUTE(app, "/me/favorites")([](const crow::request &req) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    RedisReply r(redisCommand(redis(), "SMEMBERS keepsake:fav:%lld", me->id)); // EXPECT: ok
    json out = json::array();
    if (r.r && r.r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i < r.r->elements; ++i) out.push_back(std::atoll(r.r->element[i]->str));
    return json_resp(200, out);
  });

  // Web client sends {"member_id": .., "photo_id": ..}; the member is whoever is on the page.
  CROW_ROUTE(app, "/favorites").methods(crow::HTTPMethod::Post)([](const crow::request &req) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || !body.contains("member_id")) return crow::response(400);
    long long member = body["member_id"].get<long long>();
    long long photo = body.value("photo_id", 0LL);
    RedisReply r(redisCommand(redis(), "SADD keepsake:fav:%lld %lld", member, photo)); // EXPECT: identity
    return crow::response(204);
  });

  CROW_ROUTE(app, "/uploads/<string>")([](const crow::request &req, std::string upload_id) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me) return crow::response(401);
    RedisReply r(redisCommand(redis(), "HGETALL keepsake:upload:%lld:%s", me->id, upload_id.c_str())); // EXPECT: ok
    json out = json::object();
    if (r.r && r.r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i + 1 < r.r->elements; i += 2) out[r.r->element[i]->str] = r.r->element[i + 1]->str;
    if (out.empty()) return crow::response(404);
    return json_resp(200, out);
  });

  // Family export zip: job id comes back from POST /exports.
  CROW_ROUTE(app, "/exports/<string>")([](const crow::request &req, std::string job) {
    if (!member_for_token(req.get_header_value("Authorization"))) return crow::response(401);
    RedisReply r(redisCommand(redis(), "HGET keepsake:export:%s download_url", job.c_str())); // EXPECT: idor
    if (!r.r || r.r->type != REDIS_REPLY_STRING) return crow::response(404);
    return json_resp(200, {{"download_url", std::string(r.r->str, r.r->len)}});
  });
}

// ===========================================================================
// httplib side-car (:7070)
// ===========================================================================
void register_sidecar(httplib::Server &svr) {
  static const std::string worker_secret = std::getenv("KEEPSAKE_WORKER_SECRET") ? std::getenv("KEEPSAKE_WORKER_SECRET") : "";

  // Thumbnail worker reports completion.
  svr.Post("/hooks/thumbnail-done", [](const httplib::Request &req, httplib::Response &res) {
    if (worker_secret.empty() || req.get_header_value("X-Worker-Secret") != worker_secret) {
      res.status = 403;
      return;
    }
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
      res.status = 400;
      return;
    }
    soci::session sql(db_pool());
    long long photo = body.value("photo_id", 0LL);
    std::string w = std::to_string(body.value("width", 0)), h = std::to_string(body.value("height", 0));
    sql << "UPDATE photos SET thumb_ready = true, width = :w, height = :h WHERE id = :id", soci::use(w), soci::use(h), soci::use(photo); // EXPECT: ok
    res.status = 204;
  });

  // Old desktop uploader: GET /legacy/albums?member_id=123
  svr.Get("/legacy/albums", [](const httplib::Request &req, httplib::Response &res) {
    if (!req.has_param("member_id")) {
      res.status = 400;
      return;
    }
    long long member = std::stoll(req.get_param_value("member_id"));
    soci::session sql(db_pool());
    json out = json::array();
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT a.id, a.title FROM albums a JOIN members m ON m.family_id = a.family_id " // EXPECT: identity
                                                 "WHERE m.id = :m ORDER BY a.title",
                                  soci::use(member));
    for (const auto &r : rs) out.push_back({{"id", r.get<long long>(0)}, {"title", r.get<std::string>(1)}});
    res.set_content(out.dump(), "application/json");
  });

  // Old desktop uploader: raw JPEG body, X-Member-Id header; lands in the member's inbox album.
  svr.Post("/legacy/upload", [](const httplib::Request &req, httplib::Response &res) {
    std::string member = req.get_header_value("X-Member-Id");
    if (member.empty() || member.find_first_not_of("0123456789") != std::string::npos) {
      res.status = 400;
      return;
    }
    std::string key = new_key() + ".jpg";
    std::ofstream out(kIncoming + member + "/" + key, std::ios::binary); // EXPECT: identity
    out.write(req.body.data(), static_cast<std::streamsize>(req.body.size()));
    out.close();
    soci::session sql(db_pool());
    long long member_id = std::stoll(member);
    sql << "INSERT INTO photos(album_id, uploaded_by, storage_key) " // EXPECT: identity
           "SELECT inbox_album_id, id, :k FROM members WHERE id = :m",
        soci::use(key), soci::use(member_id);
    res.status = 201;
  });

  svr.Delete(R"(/admin/families/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = member_for_token(req.get_header_value("Authorization"));
    if (!me || me->role != "staff") {
      res.status = 403;
      return;
    }
    long long fid = std::stoll(req.matches[1].str());
    soci::session sql(db_pool());
    sql << "UPDATE families SET scheduled_purge_at = now() + interval '14 days' WHERE id = :f", soci::use(fid); // EXPECT: ok
    res.status = 202;
  });
}

int main() {
  httplib::Server sidecar;
  register_sidecar(sidecar);
  std::thread side([&] { sidecar.listen("127.0.0.1", 7070); });

  crow::SimpleApp app;
  register_api(app);
  std::cout << "keepsake api up\n";
  side.join();
  return 0;
}

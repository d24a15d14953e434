// HomeHarbor brokerage service
//   - Pistache REST API (buyers + agents), JWT (HS256) bearer auth
//   - cpprestsdk listener for the MLS partner feed and the old agent portal
// Data lives in a single SQLite file; listings/offers go through SQLiteCpp
// repositories, viewings through the older sqlite3 C DAO.

#include <cpprest/http_listener.h>
#include <cpprest/json.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace Pistache;
using nlohmann::json;

namespace hh {

static const char *kDbPath = "/srv/homeharbor/harbor.db";

struct Claims {
  std::string sub;   // "agt_41" / "usr_9001"
  std::string role;  // buyer | agent | broker
};

std::optional<Claims> verify_bearer(const std::string &authz) {
  static const std::string secret = std::getenv("HH_JWT_SECRET") ? std::getenv("HH_JWT_SECRET") : "";
  if (authz.rfind("Bearer ", 0) != 0 || secret.empty()) return std::nullopt;
  std::error_code ec;
  auto obj = jwt::decode(authz.substr(7), jwt::params::algorithms({"HS256"}), ec,
                         jwt::params::secret(secret), jwt::params::verify(true), jwt::params::issuer("homeharbor"));
  if (ec) return std::nullopt;
  Claims c;
  c.sub = obj.payload().get_claim_value<std::string>("sub");
  c.role = obj.payload().has_claim("role") ? obj.payload().get_claim_value<std::string>("role") : "buyer";
  return c;
}

// ---------------------------------------------------------------- models
struct Listing {
  long id = 0;
  std::string agentId;
  std::string status;
  std::string address;
  long price = 0;
};

struct Offer {
  long id = 0;
  long listingId = 0;
  std::string buyerId;
  long amount = 0;
  std::string status;
};

struct Viewing {
  long id = 0;
  long listingId = 0;
  std::string buyerId;
  std::string agentId;
  std::string slot;
};

json to_json(const Listing &l) {
  return {{"id", l.id}, {"agent", l.agentId}, {"status", l.status}, {"address", l.address}, {"price", l.price}};
}
json to_json(const Offer &o) {
  return {{"id", o.id}, {"listing", o.listingId}, {"buyer", o.buyerId}, {"amount", o.amount}, {"status", o.status}};
}
json to_json(const Viewing &v) {
  return {{"id", v.id}, {"listing", v.listingId}, {"buyer", v.buyerId}, {"slot", v.slot}};
}

// ---------------------------------------------------------------- repositories
class ListingRepository {
public:
  explicit ListingRepository(SQLite::Database &db) : db_(db) {}

  std::vector<Listing> searchActive(const std::string &city, long maxPrice) {
    SQLite::Statement q(db_, "SELECT id, agent_id, status, address, price FROM listings "
                             "WHERE status = 'active' AND (?1 = '' OR city = ?1) AND price <= ?2 ORDER BY listed_at DESC LIMIT 50");
    q.bind(1, city);
    q.bind(2, maxPrice);
    std::vector<Listing> out;
    while (q.executeStep()) out.push_back(read(q));
    return out;
  }

  std::optional<Listing> findById(long id) {
    SQLite::Statement q(db_, "SELECT id, agent_id, status, address, price FROM listings WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read(q);
  }

  std::optional<Listing> findActive(long id) {
    SQLite::Statement q(db_, "SELECT id, agent_id, status, address, price FROM listings WHERE id = ? AND status = 'active'");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read(q);
  }

  std::vector<Listing> byAgent(const std::string &agentId) {
    SQLite::Statement q(db_, "SELECT id, agent_id, status, address, price FROM listings WHERE agent_id = ?");
    q.bind(1, agentId);
    std::vector<Listing> out;
    while (q.executeStep()) out.push_back(read(q));
    return out;
  }

  std::optional<std::string> documentPath(long listingId, long docId) {
    SQLite::Statement q(db_, "SELECT storage_path FROM listing_documents WHERE id = ? AND listing_id = ?");
    q.bind(1, docId);
    q.bind(2, listingId);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
  }

  int setStatus(long id, const std::string &status) {
    SQLite::Statement q(db_, "UPDATE listings SET status = ?, updated_at = datetime('now') WHERE id = ?");
    q.bind(1, status);
    q.bind(2, id);
    return q.exec();
  }

  int setPrice(long id, long price) {
    SQLite::Statement q(db_, "UPDATE listings SET price = ?, updated_at = datetime('now') WHERE id = ?");
    q.bind(1, price);
    q.bind(2, id);
    return q.exec();
  }

private:
  static Listing read(SQLite::Statement &q) {
    return Listing{q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getInt64()};
  }
  SQLite::Database &db_;
};

class OfferRepository {
public:
  explicit OfferRepository(SQLite::Database &db) : db_(db) {}

  std::optional<Offer> findById(long id) {
    SQLite::Statement q(db_, "SELECT id, listing_id, buyer_id, amount, status FROM offers WHERE id = ?");
    q.bind(1, id);
    return one(q);
  }

  std::optional<Offer> findForBuyer(long id, const std::string &buyerId) {
    SQLite::Statement q(db_, "SELECT id, listing_id, buyer_id, amount, status FROM offers WHERE id = ? AND buyer_id = ?");
    q.bind(1, id);
    q.bind(2, buyerId);
    return one(q);
  }

  std::vector<Offer> forListing(long listingId) {
    SQLite::Statement q(db_, "SELECT id, listing_id, buyer_id, amount, status FROM offers WHERE listing_id = ? ORDER BY amount DESC");
    q.bind(1, listingId);
    std::vector<Offer> out;
    while (q.executeStep()) out.push_back(read(q));
    return out;
  }

  int updateAmount(long id, long amount) {
    SQLite::Statement q(db_, "UPDATE offers SET amount = ?, status = 'revised' WHERE id = ? AND status IN ('open','revised')");
    q.bind(1, amount);
    q.bind(2, id);
    return q.exec();
  }

  int markAccepted(long id) {
    SQLite::Statement q(db_, "UPDATE offers SET status = 'accepted', decided_at = datetime('now') WHERE id = ?");
    q.bind(1, id);
    return q.exec();
  }

private:
  static Offer read(SQLite::Statement &q) {
    return Offer{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                 q.getColumn(3).getInt64(), q.getColumn(4).getString()};
  }
  static std::optional<Offer> one(SQLite::Statement &q) {
    if (!q.executeStep()) return std::nullopt;
    return read(q);
  }
  SQLite::Database &db_;
};

// Older C-API DAO; predates the SQLiteCpp migration.
class ViewingDao {
public:
  explicit ViewingDao(const char *path) {
    sqlite3_open_v2(path, &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  }
  ~ViewingDao() { sqlite3_close(db_); }

  std::vector<Viewing> forBuyer(const std::string &buyer) {
    return select("SELECT v.id, v.listing_id, v.buyer_id, l.agent_id, v.slot FROM viewings v JOIN listings l ON l.id = v.listing_id "
                  "WHERE v.buyer_id = ?1 AND v.cancelled = 0",
                  [&](sqlite3_stmt *s) { sqlite3_bind_text(s, 1, buyer.c_str(), -1, SQLITE_TRANSIENT); });
  }

  std::optional<Viewing> findById(long id) {
    auto rows = select("SELECT v.id, v.listing_id, v.buyer_id, l.agent_id, v.slot FROM viewings v JOIN listings l ON l.id = v.listing_id "
                       "WHERE v.id = ?1",
                       [&](sqlite3_stmt *s) { sqlite3_bind_int64(s, 1, id); });
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  bool cancel(long id) {
    sqlite3_stmt *s = nullptr;
    sqlite3_prepare_v2(db_, "UPDATE viewings SET cancelled = 1 WHERE id = ?1", -1, &s, nullptr);
    sqlite3_bind_int64(s, 1, id);
    bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_) > 0;
    sqlite3_finalize(s);
    return ok;
  }

  long book(long listingId, const std::string &buyer, const std::string &slot) {
    sqlite3_stmt *s = nullptr;
    sqlite3_prepare_v2(db_, "INSERT INTO viewings(listing_id, buyer_id, slot) VALUES (?1, ?2, ?3)", -1, &s, nullptr);
    sqlite3_bind_int64(s, 1, listingId);
    sqlite3_bind_text(s, 2, buyer.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, slot.c_str(), -1, SQLITE_TRANSIENT);
    long id = sqlite3_step(s) == SQLITE_DONE ? (long)sqlite3_last_insert_rowid(db_) : -1;
    sqlite3_finalize(s);
    return id;
  }

  sqlite3 *raw() { return db_; }

private:
  std::vector<Viewing> select(const char *sql, const std::function<void(sqlite3_stmt *)> &bind) {
    std::vector<Viewing> out;
    sqlite3_stmt *s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK) return out;
    bind(s);
    while (sqlite3_step(s) == SQLITE_ROW) {
      Viewing v;
      v.id = sqlite3_column_int64(s, 0);
      v.listingId = sqlite3_column_int64(s, 1);
      v.buyerId = reinterpret_cast<const char *>(sqlite3_column_text(s, 2));
      v.agentId = reinterpret_cast<const char *>(sqlite3_column_text(s, 3));
      v.slot = reinterpret_cast<const char *>(sqlite3_column_text(s, 4));
      out.push_back(v);
    }
    sqlite3_finalize(s);
    return out;
  }
  sqlite3 *db_ = nullptr;
};

// ---------------------------------------------------------------- Pistache API
class HarborApi {
public:
  HarborApi(SQLite::Database &db, ViewingDao &viewings) : db_(db), listings_(db), offers_(db), viewings_(viewings) {}

  void routes(Rest::Router &r) {
    using namespace Rest;
    Routes::Get(r, "/listings", Routes::bind(&HarborApi::search, this));
    Routes::Get(r, "/listings/:id", Routes::bind(&HarborApi::getListing, this));
    Routes::Get(r, "/listings/:id/documents/:doc", Routes::bind(&HarborApi::getDocument, this));
    Routes::Get(r, "/listings/:id/offers", Routes::bind(&HarborApi::listingOffers, this));
    Routes::Post(r, "/listings/bulk-archive", Routes::bind(&HarborApi::bulkArchive, this));
    Routes::Post(r, "/listings/bulk-price", Routes::bind(&HarborApi::bulkPrice, this));
    Routes::Get(r, "/offers/:id", Routes::bind(&HarborApi::getOffer, this));
    Routes::Put(r, "/offers/:id", Routes::bind(&HarborApi::reviseOffer, this));
    Routes::Post(r, "/offers/:id/accept", Routes::bind(&HarborApi::acceptOffer, this));
    Routes::Get(r, "/viewings", Routes::bind(&HarborApi::myViewings, this));
    Routes::Post(r, "/viewings", Routes::bind(&HarborApi::bookViewing, this));
    Routes::Delete(r, "/viewings/:id", Routes::bind(&HarborApi::cancelViewing, this));
    Routes::Get(r, "/preapprovals/:id", Routes::bind(&HarborApi::getPreapproval, this));
    Routes::Get(r, "/saved-searches", Routes::bind(&HarborApi::savedSearches, this));
    Routes::Delete(r, "/saved-searches/:id", Routes::bind(&HarborApi::deleteSavedSearch, this));
  }

private:
  std::optional<Claims> auth(const Rest::Request &req) {
    auto h = req.headers().tryGetRaw("Authorization");
    if (!h) return std::nullopt;
    return verify_bearer(h->value());
  }
  static void reply(Http::ResponseWriter &rw, Http::Code code, const json &j) {
    rw.headers().add<Http::Header::ContentType>(MIME(Application, Json));
    rw.send(code, j.dump());
  }

  void search(const Rest::Request &req, Http::ResponseWriter rw) {
    std::string city = req.query().get("city").value_or("");
    long maxPrice = std::stol(req.query().get("max_price").value_or("999999999"));
    json out = json::array();
    std::lock_guard<std::mutex> g(mu_);
    for (const auto &l : listings_.searchActive(city, maxPrice)) out.push_back(to_json(l)); // EXPECT: ok
    reply(rw, Http::Code::Ok, out);
  }

  void getListing(const Rest::Request &req, Http::ResponseWriter rw) {
    long id = req.param(":id").as<long>();
    std::lock_guard<std::mutex> g(mu_);
    auto l = listings_.findActive(id); // EXPECT: ok
    if (!l) return reply(rw, Http::Code::Not_Found, {{"error", "no such listing"}});
    reply(rw, Http::Code::Ok, to_json(*l));
  }

  // Seller disclosures: listing agent or brokerage only.
  void getDocument(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    long id = req.param(":id").as<long>();
    long doc = req.param(":doc").as<long>();
    std::lock_guard<std::mutex> g(mu_);
    auto l = listings_.findById(id); // EXPECT: ok
    if (!l || (l->agentId != me->sub && me->role != "broker"))
      return reply(rw, Http::Code::Not_Found, {{"error", "not found"}});
    auto path = listings_.documentPath(id, doc); // EXPECT: ok
    if (!path) return reply(rw, Http::Code::Not_Found, {{"error", "not found"}});
    std::ifstream f(*path, std::ios::binary); // EXPECT: ok
    std::stringstream ss;
    ss << f.rdbuf();
    rw.send(Http::Code::Ok, ss.str(), MIME(Application, OctetStream));
  }

  void listingOffers(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    long id = req.param(":id").as<long>();
    std::lock_guard<std::mutex> g(mu_);
    auto l = listings_.findById(id); // EXPECT: ok
    if (!l) return reply(rw, Http::Code::Not_Found, {{"error", "not found"}});
    if (l->agentId != me->sub) return reply(rw, Http::Code::Forbidden, {{"error", "not your listing"}});
    json out = json::array();
    for (const auto &o : offers_.forListing(id)) out.push_back(to_json(o)); // EXPECT: ok
    reply(rw, Http::Code::Ok, out);
  }

  // {"ids":[1,2,3]}
  void bulkArchive(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me || (me->role != "agent" && me->role != "broker")) return reply(rw, Http::Code::Forbidden, {{"error", "agents only"}});
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body["ids"].is_array()) return reply(rw, Http::Code::Bad_Request, {{"error", "ids"}});
    int n = 0;
    std::lock_guard<std::mutex> g(mu_);
    for (const auto &idv : body["ids"]) {
      n += listings_.setStatus(idv.get<long>(), "archived"); // EXPECT: idor
    }
    reply(rw, Http::Code::Ok, {{"archived", n}});
  }

  // {"ids":[...], "delta_pct": -5}
  void bulkPrice(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body["ids"].is_array()) return reply(rw, Http::Code::Bad_Request, {{"error", "ids"}});
    double pct = body.value("delta_pct", 0.0);
    json skipped = json::array();
    std::lock_guard<std::mutex> g(mu_);
    for (const auto &idv : body["ids"]) {
      long id = idv.get<long>();
      auto l = listings_.findById(id); // EXPECT: ok
      if (!l || l->agentId != me->sub) {
        skipped.push_back(id);
        continue;
      }
      listings_.setPrice(id, static_cast<long>(l->price * (1.0 + pct / 100.0))); // EXPECT: ok
    }
    reply(rw, Http::Code::Ok, {{"skipped", skipped}});
  }

  void getOffer(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    std::lock_guard<std::mutex> g(mu_);
    auto o = offers_.findForBuyer(req.param(":id").as<long>(), me->sub); // EXPECT: ok
    if (!o) return reply(rw, Http::Code::Not_Found, {{"error", "not found"}});
    reply(rw, Http::Code::Ok, to_json(*o));
  }

  void reviseOffer(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    json body = json::parse(req.body(), nullptr, false);
    long amount = body.is_object() ? body.value("amount", 0L) : 0L;
    if (amount <= 0) return reply(rw, Http::Code::Bad_Request, {{"error", "amount"}});
    std::lock_guard<std::mutex> g(mu_);
    int n = offers_.updateAmount(req.param(":id").as<long>(), amount); // EXPECT: idor
    reply(rw, n ? Http::Code::Ok : Http::Code::Conflict, {{"updated", n}});
  }

  void acceptOffer(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    long id = req.param(":id").as<long>();
    std::lock_guard<std::mutex> g(mu_);
    auto o = offers_.findById(id); // EXPECT: ok
    if (!o) return reply(rw, Http::Code::Not_Found, {{"error", "not found"}});
    auto l = listings_.findById(o->listingId); // EXPECT: ok
    if (!l || l->agentId != me->sub) return reply(rw, Http::Code::Forbidden, {{"error", "listing agent only"}});
    offers_.markAccepted(id); // EXPECT: ok
    reply(rw, Http::Code::Ok, {{"offer", id}, {"status", "accepted"}});
  }

  void myViewings(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    json out = json::array();
    for (const auto &v : viewings_.forBuyer(me->sub)) out.push_back(to_json(v)); // EXPECT: ok
    reply(rw, Http::Code::Ok, out);
  }

  // Posted by the "book a tour" widget on the listing page:
  // {"listing_id": 7, "buyer_id": "usr_9001", "slot": "2024-05-02T10:00"}
  void bookViewing(const Rest::Request &req, Http::ResponseWriter rw) {
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("buyer_id")) return reply(rw, Http::Code::Bad_Request, {{"error", "fields"}});
    long id = viewings_.book(body.value("listing_id", 0L), body["buyer_id"].get<std::string>(), body.value("slot", std::string())); // EXPECT: identity
    if (id < 0) return reply(rw, Http::Code::Conflict, {{"error", "slot taken"}});
    reply(rw, Http::Code::Created, {{"id", id}});
  }

  void cancelViewing(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    bool ok = viewings_.cancel(req.param(":id").as<long>()); // EXPECT: idor
    rw.send(ok ? Http::Code::No_Content : Http::Code::Not_Found);
  }

  void getPreapproval(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    long long id = req.param(":id").as<long long>();
    char *sql = sqlite3_mprintf("SELECT lender, max_amount, expires_on FROM preapprovals WHERE id = %lld", id);
    json out;
    char *err = nullptr;
    sqlite3_exec(viewings_.raw(), sql, // EXPECT: idor
                 [](void *p, int n, char **vals, char **cols) {
                   auto *o = static_cast<json *>(p);
                   for (int i = 0; i < n; ++i) (*o)[cols[i]] = vals[i] ? vals[i] : "";
                   return 0;
                 },
                 &out, &err);
    sqlite3_free(sql);
    if (err) sqlite3_free(err);
    if (out.is_null()) return reply(rw, Http::Code::Not_Found, {{"error", "not found"}});
    reply(rw, Http::Code::Ok, out);
  }

  void savedSearches(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    std::lock_guard<std::mutex> g(mu_);
    SQLite::Statement q(db_, "SELECT id, name, criteria FROM saved_searches WHERE user_id = ?");
    q.bind(1, me->sub);
    json out = json::array();
    while (q.executeStep()) // EXPECT: ok
      out.push_back({{"id", q.getColumn(0).getInt64()}, {"name", q.getColumn(1).getString()}, {"criteria", q.getColumn(2).getString()}});
    reply(rw, Http::Code::Ok, out);
  }

  void deleteSavedSearch(const Rest::Request &req, Http::ResponseWriter rw) {
    auto me = auth(req);
    if (!me) return reply(rw, Http::Code::Unauthorized, {{"error", "auth"}});
    std::lock_guard<std::mutex> g(mu_);
    SQLite::Statement q(db_, "DELETE FROM saved_searches WHERE id = ? AND user_id = ?");
    q.bind(1, req.param(":id").as<long>());
    q.bind(2, me->sub);
    int n = q.exec(); // EXPECT: ok
    rw.send(n ? Http::Code::No_Content : Http::Code::Not_Found);
  }

  SQLite::Database &db_;
  ListingRepository listings_;
  OfferRepository offers_;
  ViewingDao &viewings_;
  std::mutex mu_;
};

// ---------------------------------------------------------------- cpprest: feed + portal
namespace wh = web::http;
using web::http::experimental::listener::http_listener;

class PortalServer {
public:
  PortalServer(SQLite::Database &db, ViewingDao &viewings)
      : db_(db), viewings_(viewings), listener_(U("http://0.0.0.0:9090")) {
    listener_.support(wh::methods::GET, [this](wh::http_request r) { onGet(r); });
    listener_.support(wh::methods::POST, [this](wh::http_request r) { onPost(r); });
  }
  void open() { listener_.open().wait(); }
  void close() { listener_.close().wait(); }

private:
  static std::string header(const wh::http_request &r, const std::string &name) {
    auto it = r.headers().find(name);
    return it == r.headers().end() ? std::string() : it->second;
  }

  void onGet(wh::http_request r) {
    auto parts = web::uri::split_path(r.relative_uri().path());
    auto qs = web::uri::split_query(r.relative_uri().query());

    // Syndication feed for MLS partners: active listings only.
    if (parts.size() == 2 && parts[0] == "feed" && parts[1] == "listings") {
      std::string since = qs.count("since") ? qs["since"] : "1970-01-01";
      SQLite::Statement q(db_, "SELECT id, address, price, city FROM listings WHERE status = 'active' AND updated_at > ?");
      q.bind(1, since);
      web::json::value arr = web::json::value::array();
      size_t i = 0;
      while (q.executeStep()) { // EXPECT: ok
        web::json::value row;
        row["id"] = web::json::value::number((int64_t)q.getColumn(0).getInt64());
        row["address"] = web::json::value::string(q.getColumn(1).getString());
        row["price"] = web::json::value::number((int64_t)q.getColumn(2).getInt64());
        arr[i++] = row;
      }
      r.reply(wh::status_codes::OK, arr);
      return;
    }

    // Agent commission statement; the portal front-end sets X-Agent-Id after login.
    if (parts.size() == 2 && parts[0] == "portal" && parts[1] == "commission") {
      std::string agent = header(r, "X-Agent-Id");
      if (agent.empty()) return (void)r.reply(wh::status_codes::Unauthorized);
      SQLite::Statement q(db_, "SELECT period, gross, split_pct, payable FROM commissions WHERE agent_id = ? ORDER BY period DESC");
      q.bind(1, agent);
      web::json::value arr = web::json::value::array();
      size_t i = 0;
      while (q.executeStep()) { // EXPECT: identity
        web::json::value row;
        row["period"] = web::json::value::string(q.getColumn(0).getString());
        row["payable"] = web::json::value::number(q.getColumn(3).getDouble());
        arr[i++] = row;
      }
      r.reply(wh::status_codes::OK, arr);
      return;
    }

    // /portal/viewings/{id}: agent sees buyer contact for a tour on their listing.
    if (parts.size() == 3 && parts[0] == "portal" && parts[1] == "viewings") {
      auto me = verify_bearer(header(r, "Authorization"));
      if (!me) return (void)r.reply(wh::status_codes::Unauthorized);
      auto v = viewings_.findById(std::stol(parts[2])); // EXPECT: ok
      if (!v || v->agentId != me->sub) return (void)r.reply(wh::status_codes::NotFound);
      web::json::value out;
      out["id"] = web::json::value::number((int64_t)v->id);
      out["buyer"] = web::json::value::string(v->buyerId);
      out["slot"] = web::json::value::string(v->slot);
      r.reply(wh::status_codes::OK, out);
      return;
    }
    r.reply(wh::status_codes::NotFound);
  }

  void onPost(wh::http_request r) {
    auto parts = web::uri::split_path(r.relative_uri().path());
    web::json::value body = r.extract_json().get();

    // /portal/listings/{id}/price   {"price": 525000}
    if (parts.size() == 4 && parts[0] == "portal" && parts[1] == "listings" && parts[3] == "price") {
      std::string agent = header(r, "X-Agent-Id");
      if (agent.empty()) return (void)r.reply(wh::status_codes::Unauthorized);
      SQLite::Statement q(db_, "UPDATE listings SET price = ? WHERE id = ? AND agent_id = ?");
      q.bind(1, (int64_t)body.at(U("price")).as_number().to_int64());
      q.bind(2, (int64_t)std::stoll(parts[2]));
      q.bind(3, agent);
      int n = q.exec(); // EXPECT: identity
      r.reply(n ? wh::status_codes::OK : wh::status_codes::NotFound);
      return;
    }

    // /portal/messages  {"from_agent_id": "agt_4", "buyer_id": "usr_9", "text": "..."}
    if (parts.size() == 2 && parts[0] == "portal" && parts[1] == "messages") {
      SQLite::Statement q(db_, "INSERT INTO messages(from_agent_id, to_user_id, body) VALUES (?, ?, ?)");
      q.bind(1, body.at(U("from_agent_id")).as_string());
      q.bind(2, body.at(U("buyer_id")).as_string());
      q.bind(3, body.at(U("text")).as_string());
      q.exec(); // EXPECT: identity
      r.reply(wh::status_codes::Created);
      return;
    }
    r.reply(wh::status_codes::NotFound);
  }

  SQLite::Database &db_;
  ViewingDao &viewings_;
  http_listener listener_;
};

} // namespace hh

int main() {
  SQLite::Database db(hh::kDbPath, SQLite::OPEN_READWRITE);
  hh::ViewingDao viewings(hh::kDbPath);

  hh::PortalServer portal(db, viewings);
  portal.open();

  Http::Endpoint endpoint(Address(Ipv4::any(), Port(9080)));
  endpoint.init(Http::Endpoint::options().threads(4));
  Rest::Router router;
  hh::HarborApi api(db, viewings);
  api.routes(router);
  endpoint.setHandler(router.handler());
  std::cout << "homeharbor: api :9080, portal :9090\n";
  endpoint.serve();
  portal.close();
  return 0;
}

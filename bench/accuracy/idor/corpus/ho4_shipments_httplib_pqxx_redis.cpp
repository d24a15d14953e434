// Held-out (fourth set): a logistics / shipments API on cpp-httplib. Shipments
// live in PostgreSQL (libpqxx), quotes and live driver positions in Redis
// (hiredis), shipping labels as PDF files on disk. Shippers log in with a
// session cookie; drivers and dispatchers use the same login. Written blind,
// before scoring, with the check and its model unchanged.
#include <hiredis/hiredis.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace logistics {

struct Account {
  long user_id = 0;
  long account_id = 0; // the shipper company
  long carrier_id = 0; // set for drivers
  std::string role;    // "shipper", "driver", "dispatcher"
};

// Resolves the "sid" cookie through the session store; nullopt if absent/expired.
std::optional<Account> current_account(const httplib::Request &req);

static std::unique_ptr<pqxx::connection> pg;
static redisContext *rds;

static void json_reply(httplib::Response &res, const nlohmann::json &j) {
  res.set_content(j.dump(), "application/json");
}

// True when the shipment belongs to the shipper account.
static bool owns_shipment(pqxx::work &w, long shipment, long account) {
  auto r = w.exec_params("SELECT 1 FROM shipments WHERE id = $1 AND shipper_account = $2", shipment, account); // EXPECT: ok
  return !r.empty();
}

void register_routes(httplib::Server &svr) {
  // Shipment details, scoped to the caller's account in SQL.
  svr.Get(R"(/shipments/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT id, status, origin, destination FROM shipments WHERE id = $1 AND shipper_account = $2", // EXPECT: ok
                           std::stol(req.matches[1]), me->account_id);
    if (r.empty()) {
      res.status = 404;
      return;
    }
    json_reply(res, {{"id", r[0][0].as<long>()}, {"status", r[0][1].as<std::string>()}});
  });

  // Shipping label PDF: read straight from disk by the id in the URL.
  svr.Get(R"(/shipments/(\d+)/label)", [](const httplib::Request &req, httplib::Response &res) {
    if (!current_account(req)) {
      res.status = 401;
      return;
    }
    std::string path = "/srv/labels/" + req.matches[1].str() + ".pdf";
    FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: idor
    if (!f) {
      res.status = 404;
      return;
    }
    std::string pdf;
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      pdf.append(buf, n);
    std::fclose(f);
    res.set_content(pdf, "application/pdf");
  });

  // Public tracking page: tracking numbers are meant to be shared with recipients.
  svr.Get(R"(/track/([A-Z0-9]{12}))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT status, eta FROM shipments WHERE tracking_no = $1", req.matches[1].str()); // EXPECT: ok
    if (r.empty()) {
      res.status = 404;
      return;
    }
    json_reply(res, {{"status", r[0][0].as<std::string>()}, {"eta", r[0][1].c_str()}});
  });

  // Cancel: load the shipper, compare with the caller, then update.
  svr.Post(R"(/shipments/(\d+)/cancel)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long id = std::stol(req.matches[1]);
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT shipper_account, status FROM shipments WHERE id = $1", id); // EXPECT: ok
    if (r.empty() || r[0][0].as<long>() != me->account_id) {
      res.status = 404;
      return;
    }
    if (r[0][1].as<std::string>() != "booked") {
      res.status = 409;
      return;
    }
    w.exec_params("UPDATE shipments SET status = 'cancelled' WHERE id = $1", id); // EXPECT: ok
    w.commit();
    res.status = 204;
  });

  // Change the delivery address: nobody checks whose shipment it is.
  svr.Patch(R"(/shipments/(\d+)/address)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto body = nlohmann::json::parse(req.body);
    pqxx::work w(*pg);
    w.exec_params("UPDATE shipments SET destination = $1 WHERE id = $2", body.at("destination").get<std::string>(), // EXPECT: idor
                  std::stol(req.matches[1]));
    w.commit();
    res.status = 204;
  });

  // Shipment list; an optional ?account= overrides the caller's own account.
  svr.Get("/shipments", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long account = req.has_param("account") ? std::stol(req.get_param_value("account")) : me->account_id;
    int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 0;
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT id, status FROM shipments WHERE shipper_account = $1 ORDER BY id DESC LIMIT 50 OFFSET $2", // EXPECT: idor
                           account, page * 50);
    nlohmann::json arr = nlohmann::json::array();
    for (const auto &row : r)
      arr.push_back({{"id", row[0].as<long>()}, {"status", row[1].as<std::string>()}});
    json_reply(res, arr);
  });

  // Dispatcher board: any account's shipments, dispatchers only.
  svr.Get("/dispatch/shipments", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me || me->role != "dispatcher") {
      res.status = 403;
      return;
    }
    long account = std::stol(req.get_param_value("account"));
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT id, status, carrier_id FROM shipments WHERE shipper_account = $1", account); // EXPECT: ok
    nlohmann::json arr = nlohmann::json::array();
    for (const auto &row : r)
      arr.push_back({{"id", row[0].as<long>()}, {"status", row[1].as<std::string>()}});
    json_reply(res, arr);
  });

  // Driver app pings its position; the driver is named by a header.
  svr.Post("/drivers/location", [](const httplib::Request &req, httplib::Response &res) {
    std::string driver = req.get_header_value("X-Driver-Id");
    auto body = nlohmann::json::parse(req.body);
    std::string lat = std::to_string(body.at("lat").get<double>());
    std::string lon = std::to_string(body.at("lon").get<double>());
    auto *r = static_cast<redisReply *>(
        redisCommand(rds, "HSET driver:%s lat %s lon %s", driver.c_str(), lat.c_str(), lon.c_str())); // EXPECT: identity
    freeReplyObject(r);
    res.status = 204;
  });

  // Raw driver position by driver id, left over from the dispatcher map.
  svr.Get(R"(/drivers/(\d+)/location)", [](const httplib::Request &req, httplib::Response &res) {
    if (!current_account(req)) {
      res.status = 401;
      return;
    }
    long driver = std::stol(req.matches[1]);
    auto *r = static_cast<redisReply *>(redisCommand(rds, "HMGET driver:%ld lat lon", driver)); // EXPECT: idor
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 || !r->element[0]->str) {
      freeReplyObject(r);
      res.status = 404;
      return;
    }
    json_reply(res, {{"lat", r->element[0]->str}, {"lon", r->element[1]->str}});
    freeReplyObject(r);
  });

  // Where is my parcel: ownership helper, then the assigned driver's position.
  svr.Get(R"(/shipments/(\d+)/driver-location)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long id = std::stol(req.matches[1]);
    pqxx::work w(*pg);
    if (!owns_shipment(w, id, me->account_id)) {
      res.status = 404;
      return;
    }
    auto d = w.exec_params("SELECT carrier_id FROM shipments WHERE id = $1", id); // EXPECT: ok
    long driver = d[0][0].as<long>();
    auto *r = static_cast<redisReply *>(redisCommand(rds, "HGETALL driver:%ld", driver)); // EXPECT: ok
    nlohmann::json j = nlohmann::json::object();
    if (r && r->type == REDIS_REPLY_ARRAY)
      for (size_t i = 0; i + 1 < r->elements; i += 2)
        j[r->element[i]->str] = r->element[i + 1]->str;
    freeReplyObject(r);
    json_reply(res, j);
  });

  // Proof of delivery: the assignment is compared with a carrier id from the body.
  svr.Post(R"(/shipments/(\d+)/pod)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me || me->role != "driver") {
      res.status = 403;
      return;
    }
    long id = std::stol(req.matches[1]);
    auto body = nlohmann::json::parse(req.body);
    long carrier = body.at("carrier_id").get<long>();
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT carrier_id FROM shipments WHERE id = $1", id); // EXPECT: ok
    if (r.empty() || r[0][0].as<long>() != carrier) {
      res.status = 403;
      return;
    }
    w.exec_params("UPDATE shipments SET status = 'delivered', pod_key = $1 WHERE id = $2", // EXPECT: idor
                  body.at("photo_key").get<std::string>(), id);
    w.commit();
    res.status = 204;
  });

  // Saved quote, cached in Redis under the caller's account.
  svr.Get(R"(/quotes/([a-f0-9]{16}))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    std::string qid = req.matches[1];
    auto *r = static_cast<redisReply *>(redisCommand(rds, "GET quote:%ld:%s", me->account_id, qid.c_str())); // EXPECT: ok
    if (!r || r->type != REDIS_REPLY_STRING) {
      freeReplyObject(r);
      res.status = 404;
      return;
    }
    res.set_content(std::string(r->str, r->len), "application/json");
    freeReplyObject(r);
  });

  // Discard a quote: the old key layout without the account, any quote can go.
  svr.Delete(R"(/quotes/([a-f0-9]{16}))", [](const httplib::Request &req, httplib::Response &res) {
    if (!current_account(req)) {
      res.status = 401;
      return;
    }
    std::string qid = req.matches[1];
    auto *r = static_cast<redisReply *>(redisCommand(rds, "DEL quote:%s", qid.c_str())); // EXPECT: idor
    freeReplyObject(r);
    res.status = 204;
  });

  // Freight invoice of a shipment, after the ownership helper.
  svr.Get(R"(/shipments/(\d+)/invoice)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    std::string id = req.matches[1];
    pqxx::work w(*pg);
    if (!owns_shipment(w, std::stol(id), me->account_id)) {
      res.status = 403;
      return;
    }
    auto r = w.exec("SELECT number, total, currency FROM freight_invoices WHERE shipment_id = " + w.quote(id)); // EXPECT: ok
    if (r.empty()) {
      res.status = 404;
      return;
    }
    json_reply(res, {{"number", r[0][0].as<std::string>()}, {"total", r[0][1].as<double>()}});
  });

  // Bulk "ready for pickup": each id is checked, foreign ones skipped.
  svr.Post("/shipments/bulk/ready", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto body = nlohmann::json::parse(req.body);
    pqxx::work w(*pg);
    int done = 0;
    for (long id : body.at("ids").get<std::vector<long>>()) {
      if (!owns_shipment(w, id, me->account_id))
        continue;
      w.exec_params("UPDATE shipments SET status = 'ready' WHERE id = $1 AND status = 'booked'", id); // EXPECT: ok
      ++done;
    }
    w.commit();
    json_reply(res, {{"updated", done}});
  });

  // Bulk hold, added later by copy-paste: the ownership test was left out.
  svr.Post("/shipments/bulk/hold", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto body = nlohmann::json::parse(req.body);
    pqxx::work w(*pg);
    int done = 0;
    for (const auto &id : body.at("ids")) {
      w.exec_params("UPDATE shipments SET status = 'on_hold', hold_reason = $2 WHERE id = $1", id.get<long>(), // EXPECT: idor
                    body.value("reason", "customer request"));
      ++done;
    }
    w.commit();
    json_reply(res, {{"updated", done}});
  });

  // The caller's address book, paginated.
  svr.Get("/address-book", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    int limit = req.has_param("limit") ? std::stoi(req.get_param_value("limit")) : 25;
    std::string q = req.get_param_value("q");
    pqxx::work w(*pg);
    auto r = w.exec_params("SELECT id, name, city FROM addresses WHERE account_id = $1 AND name ILIKE $2 LIMIT $3", // EXPECT: ok
                           me->account_id, "%" + q + "%", limit);
    nlohmann::json arr = nlohmann::json::array();
    for (const auto &row : r)
      arr.push_back({{"id", row[0].as<long>()}, {"name", row[1].as<std::string>()}});
    json_reply(res, arr);
  });

  // Book a shipment for the caller's account.
  svr.Post("/shipments", [](const httplib::Request &req, httplib::Response &res) {
    auto me = current_account(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto body = nlohmann::json::parse(req.body);
    pqxx::work w(*pg);
    auto r = w.exec_params("INSERT INTO shipments (shipper_account, origin, destination) VALUES ($1, $2, $3) RETURNING id", // EXPECT: ok
                           me->account_id, body.at("origin").get<std::string>(),
                           body.at("destination").get<std::string>());
    w.commit();
    json_reply(res, {{"id", r[0][0].as<long>()}});
  });

  // CSV import used by the ERP connector: the account comes from X-Account-Id.
  svr.Post("/import/shipments", [](const httplib::Request &req, httplib::Response &res) {
    long account = std::stol(req.get_header_value("X-Account-Id"));
    pqxx::work w(*pg);
    size_t start = 0;
    int rows = 0;
    while (start < req.body.size()) {
      size_t end = req.body.find('\n', start);
      if (end == std::string::npos)
        end = req.body.size();
      std::string line = req.body.substr(start, end - start);
      start = end + 1;
      auto comma = line.find(',');
      if (comma == std::string::npos)
        continue;
      w.exec_params("INSERT INTO shipments (shipper_account, origin, destination) VALUES ($1, $2, $3)", account, // EXPECT: identity
                    line.substr(0, comma), line.substr(comma + 1));
      ++rows;
    }
    w.commit();
    json_reply(res, {{"imported", rows}});
  });
}

} // namespace logistics

// meterd -- household portal API (cpprestsdk) and field-operations API (Crow)
// for the metering & billing platform. Both listeners share the Postgres pool
// and the Redis instance the ingest workers write interval readings into.
#include <cpprest/http_listener.h>
#include <cpprest/json.h>
#include <crow.h>
#include <hiredis/hiredis.h>
#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>
#include <map>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace web;
using namespace web::http;
using namespace web::http::experimental::listener;

namespace meterd {

static struct Settings {
  std::string pg_dsn = "host=pg-billing.internal dbname=metering user=meterd";
  std::string redis_host = "redis-meter.internal";
  int redis_port = 6379;
  std::string statement_root = "/srv/meterd/statements/";
  std::string archive_root = "/mnt/cold/legacy-statements/";
} g_settings;

struct Customer { long account_id = 0, household_id = 0; std::string email, token; };
struct Technician { long id = 0, region_id = 0; std::string role; };
struct Bill { long id = 0, household_id = 0; std::string period; double kwh = 0, amount_due = 0; std::string status; };

struct HttpError : std::runtime_error {
  HttpError(int status, const std::string &msg) : std::runtime_error(msg), status(status) {}
  int status;
};

// ---------------------------------------------------------------- utilities

static std::optional<long> to_long(const std::string &s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  char *end = nullptr;
  long v = std::strtol(s.c_str(), &end, 10);
  if (*end != '\0' || v <= 0) return std::nullopt;
  return v;
}

static bool valid_serial(const std::string &s) {
  return s.size() >= 6 && s.size() <= 24 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '-'; });
}

static bool all_digits(const std::string &s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

static std::string bearer_token(const http_request &req) {
  auto it = req.headers().find(U("Authorization"));
  if (it == req.headers().end() || it->second.rfind("Bearer ", 0) != 0) return {};
  return it->second.substr(7);
}

static json::value bill_json(const Bill &b) {
  return json::value::object({{U("id"), json::value::number(static_cast<int64_t>(b.id))},
                              {U("period"), json::value::string(b.period)},
                              {U("kwh"), json::value::number(b.kwh)},
                              {U("amount_due"), json::value::number(b.amount_due)},
                              {U("status"), json::value::string(b.status)}});
}

static Bill bill_from_row(const pqxx::row &r) {
  return Bill{r["id"].as<long>(),   r["household_id"].as<long>(),   r["period"].as<std::string>(),
              r["kwh"].as<double>(), r["amount_due"].as<double>(), r["status"].as<std::string>()};
}

// ---------------------------------------------------------------- redis

struct RedisLink {
  redisContext *ctx() {
    thread_local redisContext *c = nullptr;
    if (c == nullptr || c->err) {
      if (c) redisFree(c);
      c = redisConnect(g_settings.redis_host.c_str(), g_settings.redis_port);
    }
    return c;
  }
};

struct ReplyGuard {
  redisReply *r;
  explicit ReplyGuard(void *p) : r(static_cast<redisReply *>(p)) {}
  ~ReplyGuard() { if (r) freeReplyObject(r); }
};

struct SessionStore {
  RedisLink &link_;

  std::optional<Customer> lookup(const std::string &token) {
    if (token.size() < 32 || token.size() > 64) return std::nullopt;
    ReplyGuard g(redisCommand(link_.ctx(), "HMGET portal:sess:%s account household email", token.c_str())); // EXPECT: ok
    if (!g.r || g.r->type != REDIS_REPLY_ARRAY || g.r->elements != 3) return std::nullopt;
    if (g.r->element[0]->type != REDIS_REPLY_STRING) return std::nullopt;
    return Customer{std::atol(g.r->element[0]->str), std::atol(g.r->element[1]->str),
                    g.r->element[2]->str ? g.r->element[2]->str : "", token};
  }

  void rebind(const std::string &token, long household) {
    ReplyGuard g(redisCommand(link_.ctx(), "HSET portal:sess:%s household %ld", token.c_str(), household)); // EXPECT: ok
  }
};

// ---------------------------------------------------------------- billing repo

struct BillingRepo {
  pqxx::connection &conn_;

  std::optional<Bill> bill(long id) {
    pqxx::work w(conn_);
    auto r = w.exec_params("SELECT id, household_id, period, kwh, amount_due, status FROM bills WHERE id = $1", id); // EXPECT: ok
    if (r.empty()) return std::nullopt;
    return bill_from_row(r[0]);
  }

  std::vector<Bill> billsFor(long household) {
    pqxx::work w(conn_);
    auto r = w.exec_params("SELECT id, household_id, period, kwh, amount_due, status FROM bills " // EXPECT: ok
                           "WHERE household_id = $1 ORDER BY period DESC LIMIT 24",
                           household);
    std::vector<Bill> out;
    for (const auto &row : r) out.push_back(bill_from_row(row));
    return out;
  }

  bool billBelongsTo(long bill_id, long household) {
    pqxx::work w(conn_);
    auto r = w.exec_params("SELECT 1 FROM bills WHERE id = $1 AND household_id = $2", bill_id, household); // EXPECT: ok
    return !r.empty();
  }

  bool householdHasMeter(long household, const std::string &serial) {
    pqxx::work w(conn_);
    auto r = w.exec_params("SELECT 1 FROM meters WHERE serial = $1 AND household_id = $2 AND decommissioned_at IS NULL", // EXPECT: ok
                           serial, household);
    return !r.empty();
  }
};

// ---------------------------------------------------------------- portal (cpprest)

class PortalApi {
public:
  PortalApi(pqxx::connection &conn, BillingRepo &repo, SessionStore &sessions, RedisLink &redis)
      : conn_(conn), repo_(repo), sessions_(sessions), redis_(redis) {}

  void bind(http_listener &l) {
    l.support(methods::GET, [this](http_request req) { dispatch(req, &PortalApi::on_get); });
    l.support(methods::POST, [this](http_request req) { dispatch(req, &PortalApi::on_write); });
    l.support(methods::PUT, [this](http_request req) { dispatch(req, &PortalApi::on_write); });
  }

private:
  using Segments = std::vector<std::string>;
  using Query = std::map<std::string, std::string>;
  using Handler = void (PortalApi::*)(http_request &, const Customer &, const Segments &, const Query &);

  void dispatch(http_request &req, Handler h) {
    try {
      auto who = sessions_.lookup(bearer_token(req)); // EXPECT: ok
      if (!who) throw HttpError(401, "session expired");
      auto parts = uri::split_path(uri::decode(req.relative_uri().path()));
      auto query = uri::split_query(req.relative_uri().query());
      (this->*h)(req, *who, parts, query);
    } catch (const HttpError &e) {
      req.reply(e.status, e.what());
    } catch (const pqxx::sql_error &e) {
      std::cerr << "sql: " << e.what() << "\n";
      req.reply(status_codes::InternalError, "database error");
    }
  }

  void on_get(http_request &req, const Customer &who, const Segments &p, const Query &q) {
    if (p.size() == 1 && p[0] == "bills") return list_bills(req, who);
    if (p.size() == 2 && p[0] == "bills") return get_bill(req, who, p[1]);
    if (p.size() == 3 && p[0] == "bills" && p[2] == "statement") return get_statement(req, who, p[1], q);
    if (p.size() == 3 && p[0] == "meters" && p[2] == "readings") return get_readings(req, who, p[1]);
    if (p.size() == 3 && p[0] == "payments" && p[2] == "receipt") return get_receipt(req, who, p[1]);
    if (p.size() == 2 && p[0] == "usage" && p[1] == "history") return usage_history(req, who, q);
    throw HttpError(404, "unknown route");
  }

  void on_write(http_request &req, const Customer &who, const Segments &p, const Query &) {
    bool post = req.method() == methods::POST;
    if (post && p.size() == 3 && p[0] == "bills" && p[2] == "disputes") return open_dispute(req, who, p[1]);
    if (post && p.size() == 2 && p[0] == "session" && p[1] == "household") return switch_household(req, who);
    if (!post && p.size() == 2 && p[0] == "account" && p[1] == "preferences") return update_preferences(req, who);
    throw HttpError(404, "unknown route");
  }

  void list_bills(http_request &req, const Customer &who) {
    json::value arr = json::value::array();
    size_t i = 0;
    for (const auto &b : repo_.billsFor(who.household_id)) arr[i++] = bill_json(b); // EXPECT: ok
    req.reply(status_codes::OK, arr);
  }

  void get_bill(http_request &req, const Customer &who, const std::string &raw) {
    auto id = to_long(raw);
    if (!id) throw HttpError(400, "bad bill id");
    auto bill = repo_.bill(*id); // EXPECT: ok
    if (!bill || bill->household_id != who.household_id) throw HttpError(404, "not found");
    req.reply(status_codes::OK, bill_json(*bill));
  }

  void get_statement(http_request &req, const Customer &who, const std::string &raw, const Query &q) {
    auto id = to_long(raw);
    if (!id) throw HttpError(400, "bad bill id");
    std::string path;
    auto year = q.find("year");
    if (year != q.end() && year->second.size() == 4 && all_digits(year->second) && year->second < "2021") {
      // statements issued before the 2021 migration only exist in the legacy
      // archive, filed by year and the old bill number
      path = g_settings.archive_root + year->second + "/" + std::to_string(*id) + ".pdf";
    } else {
      if (!repo_.billBelongsTo(*id, who.household_id)) throw HttpError(404, "not found"); // EXPECT: ok
      path = g_settings.statement_root + std::to_string(*id) + ".pdf";
    }
    FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: idor
    if (!f) throw HttpError(404, "statement not generated yet");
    std::vector<unsigned char> buf;
    unsigned char chunk[8192];
    for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) > 0;) buf.insert(buf.end(), chunk, chunk + n);
    std::fclose(f);
    http_response resp(status_codes::OK);
    resp.headers().set_content_type(U("application/pdf"));
    resp.set_body(std::move(buf));
    req.reply(resp);
  }

  void require_meter(const Customer &who, const std::string &serial) {
    if (!valid_serial(serial) || !repo_.householdHasMeter(who.household_id, serial)) // EXPECT: ok
      throw HttpError(404, "no such meter");
  }

  void get_readings(http_request &req, const Customer &who, const std::string &serial) {
    require_meter(who, serial);
    json::value arr = json::value::array();
    // the ingest worker keeps the last day of 15-minute intervals hot
    ReplyGuard g(redisCommand(redis_.ctx(), "LRANGE readings:%s 0 95", serial.c_str())); // EXPECT: ok
    if (g.r && g.r->type == REDIS_REPLY_ARRAY && g.r->elements > 0) {
      for (size_t i = 0; i < g.r->elements; ++i) arr[i] = json::value::string(g.r->element[i]->str);
      req.reply(status_codes::OK, arr);
      return;
    }
    pqxx::work w(conn_);
    auto rows = w.exec_params("SELECT ts::text AS ts, kwh FROM interval_readings " // EXPECT: ok
                              "WHERE meter_serial = $1 AND ts > now() - interval '1 day' ORDER BY ts",
                              serial);
    size_t i = 0;
    for (const auto &r : rows) arr[i++] = json::value::string(r["ts"].as<std::string>() + "," + r["kwh"].c_str());
    req.reply(status_codes::OK, arr);
  }

  void get_receipt(http_request &req, const Customer &who, const std::string &raw) {
    auto pid = to_long(raw);
    if (!pid) throw HttpError(400, "bad payment id");
    pqxx::work w(conn_);
    auto r = w.exec_params("SELECT p.id, p.amount, p.paid_at::text AS paid_at, p.card_last4, b.household_id, b.period " // EXPECT: idor
                           "FROM payments p JOIN bills b ON b.id = p.bill_id WHERE p.id = $1",
                           *pid);
    if (r.empty()) throw HttpError(404, "not found");
    const auto &row = r[0];
    req.reply(status_codes::OK,
              json::value::object({{U("id"), json::value::number(static_cast<int64_t>(row["id"].as<long>()))},
                                   {U("amount"), json::value::number(row["amount"].as<double>())},
                                   {U("paid_at"), json::value::string(row["paid_at"].as<std::string>())},
                                   {U("card_last4"), json::value::string(row["card_last4"].as<std::string>())},
                                   {U("period"), json::value::string(row["period"].as<std::string>())},
                                   // only the paying household may raise a dispute from the receipt screen
                                   {U("can_dispute"), json::value::boolean(row["household_id"].as<long>() == who.household_id)}}));
  }

  void usage_history(http_request &req, const Customer &who, const Query &q) {
    long household = who.household_id;
    auto it = q.find("household");
    if (it != q.end()) {
      // landlord accounts compare the units they let out
      auto v = to_long(it->second);
      if (!v) throw HttpError(400, "bad household");
      household = *v;
    }
    pqxx::work w(conn_);
    auto rows = w.exec_params("SELECT period, kwh, amount_due FROM bills WHERE household_id = $1 " // EXPECT: idor
                              "ORDER BY period DESC LIMIT 12",
                              household);
    json::value arr = json::value::array();
    size_t i = 0;
    for (const auto &r : rows)
      arr[i++] = json::value::object({{U("period"), json::value::string(r["period"].as<std::string>())},
                                      {U("kwh"), json::value::number(r["kwh"].as<double>())}});
    req.reply(status_codes::OK, arr);
  }

  void open_dispute(http_request &req, const Customer &who, const std::string &raw) {
    auto id = to_long(raw);
    if (!id) throw HttpError(400, "bad bill id");
    auto body = req.extract_json().get();
    std::string reason = body.has_field(U("reason")) ? body.at(U("reason")).as_string() : "";
    if (reason.empty() || reason.size() > 2000) throw HttpError(422, "reason required");
    pqxx::work w(conn_);
    auto r = w.exec_params("INSERT INTO bill_disputes (bill_id, account_id, reason, opened_at) " // EXPECT: ok
                           "SELECT b.id, $2, $3, now() FROM bills b WHERE b.id = $1 AND b.household_id = $4 "
                           "RETURNING id",
                           *id, who.account_id, reason, who.household_id);
    if (r.empty()) throw HttpError(404, "not found");
    w.commit();
    req.reply(status_codes::Created, json::value::number(static_cast<int64_t>(r[0][0].as<long>())));
  }

  void switch_household(http_request &req, const Customer &who) {
    auto body = req.extract_json().get();
    if (!body.has_field(U("household_id"))) throw HttpError(422, "household_id required");
    long hh = body.at(U("household_id")).as_number().to_int64();
    pqxx::work w(conn_);
    auto m = w.exec_params("SELECT role FROM household_members WHERE account_id = $1 AND household_id = $2", // EXPECT: ok
                           who.account_id, hh);
    if (m.empty()) throw HttpError(403, "not a member of that household");
    sessions_.rebind(who.token, hh); // EXPECT: ok
    req.reply(status_codes::NoContent);
  }

  void update_preferences(http_request &req, const Customer &who) {
    auto body = req.extract_json().get();
    long account = who.account_id;
    // secondary account holders are managed from the primary holder's app
    if (body.has_field(U("account_id"))) account = body.at(U("account_id")).as_number().to_int64();
    bool paperless = body.has_field(U("paperless")) && body.at(U("paperless")).as_bool();
    std::string lang = body.has_field(U("language")) ? body.at(U("language")).as_string() : "en";
    pqxx::work w(conn_);
    w.exec_params("UPDATE account_preferences SET paperless = $2, language = $3, updated_at = now() " // EXPECT: identity
                  "WHERE account_id = $1",
                  account, paperless, lang);
    w.commit();
    req.reply(status_codes::NoContent);
  }

  pqxx::connection &conn_;
  BillingRepo &repo_;
  SessionStore &sessions_;
  RedisLink &redis_;
};

// ---------------------------------------------------------------- field ops (Crow)

struct TechAuth {
  pqxx::connection &conn_;

  std::optional<Technician> fromKey(const std::string &key) {
    if (key.size() < 24) return std::nullopt;
    pqxx::work w(conn_);
    auto r = w.exec_params("SELECT t.id, t.region_id, t.role FROM technician_keys k JOIN technicians t ON t.id = k.technician_id " // EXPECT: ok
                           "WHERE k.key_hash = encode(digest($1, 'sha256'), 'hex') AND k.revoked_at IS NULL",
                           key);
    if (r.empty()) return std::nullopt;
    return Technician{r[0][0].as<long>(), r[0][1].as<long>(), r[0][2].as<std::string>()};
  }
};

static bool has_role(const Technician &t, const std::string &role) { return t.role == role || t.role == "supervisor"; }

static crow::response json_resp(const json::value &v) { return crow::response(200, v.serialize()); }

void register_ops_routes(crow::SimpleApp &app, pqxx::connection &conn, BillingRepo &repo, TechAuth &auth,
                         RedisLink &redis) {
  auto tech_of = [&auth](const crow::request &req) { return auth.fromKey(req.get_header_value("X-Api-Key")); }; // EXPECT: ok

  CROW_ROUTE(app, "/ops/work-orders/<int>").methods(crow::HTTPMethod::Patch)([&, tech_of](const crow::request &req, int wo) {
    auto tech = tech_of(req);
    if (!tech) return crow::response(401);
    auto body = json::value::parse(req.body);
    std::string notes = body.has_field(U("notes")) ? body.at(U("notes")).as_string() : "";
    pqxx::work w(conn);
    auto r = w.exec_params("UPDATE work_orders SET notes = $2, updated_at = now() WHERE id = $1 AND technician_id = $3", // EXPECT: ok
                           wo, notes, tech->id);
    if (r.affected_rows() == 0) return crow::response(404);
    w.commit();
    return crow::response(204);
  });

  CROW_ROUTE(app, "/ops/meters/<string>").methods(crow::HTTPMethod::Get)([&, tech_of](const crow::request &req, std::string serial) {
    auto tech = tech_of(req);
    if (!tech) return crow::response(401);
    if (!valid_serial(serial)) return crow::response(400);
    pqxx::work w(conn);
    auto r = w.exec_params("SELECT serial, model, firmware, address_line, last_read_at::text FROM meters " // EXPECT: ok
                           "WHERE serial = $1 AND region_id = $2",
                           serial, tech->region_id);
    if (r.empty()) return crow::response(404);
    return json_resp(json::value::object({{U("serial"), json::value::string(r[0][0].as<std::string>())},
                                          {U("model"), json::value::string(r[0][1].as<std::string>())},
                                          {U("address"), json::value::string(r[0][3].as<std::string>())}}));
  });

  CROW_ROUTE(app, "/ops/meters/<string>/live").methods(crow::HTTPMethod::Get)([&, tech_of](const crow::request &req, std::string serial) {
    if (!tech_of(req)) return crow::response(401);
    if (!valid_serial(serial)) return crow::response(400);
    ReplyGuard g(redisCommand(redis.ctx(), "HGETALL live:%s", serial.c_str())); // EXPECT: idor
    if (!g.r || g.r->type != REDIS_REPLY_ARRAY) return crow::response(404);
    json::value j = json::value::object();
    for (size_t i = 0; i + 1 < g.r->elements; i += 2) j[g.r->element[i]->str] = json::value::string(g.r->element[i + 1]->str);
    return json_resp(j);
  });

  // handhelds authenticate with their device key; the technician logged into
  // the handheld is sent alongside so the closed work order is attributed
  CROW_ROUTE(app, "/ops/meters/<string>/manual-read").methods(crow::HTTPMethod::Post)([&, tech_of](const crow::request &req, std::string serial) {
    auto device = tech_of(req);
    if (!device || device->role != "handheld") return crow::response(401);
    auto tech_id = to_long(req.get_header_value("X-Technician-Id"));
    if (!tech_id) return crow::response(400, "missing technician");
    auto body = json::value::parse(req.body);
    double kwh = body.at(U("kwh")).as_double();
    pqxx::work w(conn);
    auto closed = w.exec_params("UPDATE work_orders SET status = 'done', closed_at = now(), reading_kwh = $3 " // EXPECT: identity
                                "WHERE technician_id = $1 AND meter_serial = $2 AND status = 'open' RETURNING id",
                                *tech_id, serial, kwh);
    w.commit();
    return crow::response(200, std::to_string(closed.size()));
  });

  CROW_ROUTE(app, "/ops/readings/<int>").methods(crow::HTTPMethod::Delete)([&, tech_of](const crow::request &req, int reading_id) {
    auto tech = tech_of(req);
    if (!tech) return crow::response(401);
    pqxx::work w(conn);
    auto r = w.exec_params("DELETE FROM manual_readings WHERE id = $1 RETURNING meter_serial", reading_id); // EXPECT: idor
    if (r.empty()) return crow::response(404);
    w.commit();
    std::cerr << "reading " << reading_id << " removed by technician " << tech->id << "\n";
    return crow::response(204);
  });

  CROW_ROUTE(app, "/ops/households/<int>/bills").methods(crow::HTTPMethod::Get)([&, tech_of](const crow::request &req, int household) {
    auto tech = tech_of(req);
    if (!tech) return crow::response(401);
    if (!has_role(*tech, "billing_admin")) return crow::response(403);
    json::value arr = json::value::array();
    size_t i = 0;
    for (const auto &b : repo.billsFor(household)) arr[i++] = bill_json(b); // EXPECT: ok
    return json_resp(arr);
  });

  CROW_ROUTE(app, "/ops/households/<int>/contact").methods(crow::HTTPMethod::Get)([&, tech_of](const crow::request &req, int household) {
    auto tech = tech_of(req);
    if (!tech) return crow::response(401);
    pqxx::work w(conn);
    auto r = w.exec_params("SELECT holder_name, phone, address_line, postcode FROM households WHERE id = $1", household); // EXPECT: idor
    if (r.empty()) return crow::response(404);
    return json_resp(json::value::object(
        {{U("name"), json::value::string(r[0][0].as<std::string>())},
         {U("phone"), json::value::string(r[0][1].as<std::string>())},
         {U("address"), json::value::string(r[0][2].as<std::string>() + ", " + r[0][3].as<std::string>())}}));
  });
}

} // namespace meterd

int main() {
  using namespace meterd;
  pqxx::connection portal_conn(g_settings.pg_dsn), ops_conn(g_settings.pg_dsn);
  RedisLink redis;
  SessionStore sessions{redis};
  BillingRepo portal_repo{portal_conn}, ops_repo{ops_conn};
  TechAuth auth{ops_conn};
  PortalApi portal(portal_conn, portal_repo, sessions, redis);
  http_listener listener(U("http://0.0.0.0:8080/api/v1"));
  portal.bind(listener);
  listener.open().wait();
  crow::SimpleApp ops;
  register_ops_routes(ops, ops_conn, ops_repo, auth, redis);
  std::cout << "meterd up\n";
  return 0;
}

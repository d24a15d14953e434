// Insurance policy platform: a customer portal (Boost.Beast) for products, policies, beneficiaries
// and payments, plus an internal agent back-office (CivetWeb) used by agencies and underwriters.
// PostgreSQL via libpq; issued policy documents and payment receipts are stored as PDFs on disk.

#include <CivetServer.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;

namespace insure {

const char* kDsn = "host=db.internal dbname=insure user=portal";
const std::string kDocRoot = "/srv/insure/documents";
const std::string kReceiptRoot = "/srv/insure/receipts";

std::string sha256_hex(const std::string& data);  // shared crypto helper

struct HttpError : std::runtime_error {
  int status;
  HttpError(int s, const std::string& m) : std::runtime_error(m), status(s) {}
};

using PgConn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgRes = std::unique_ptr<PGresult, decltype(&PQclear)>;

PgConn pg_connect() {
  PgConn c(PQconnectdb(kDsn), &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK) throw HttpError(503, "database unavailable");
  return c;
}

PgRes pg_exec(PGconn* c, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PgRes r(PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) throw std::runtime_error(PQerrorMessage(c));
  return r;
}

json rows_json(const PGresult* r) {
  json out = json::array();
  for (int i = 0; i < PQntuples(r); ++i) {
    json row;
    for (int f = 0; f < PQnfields(r); ++f) row[PQfname(r, f)] = PQgetisnull(r, i, f) ? json() : json(PQgetvalue(r, i, f));
    out.push_back(row);
  }
  return out;
}

struct Policy { long id = 0, customer_id = 0, agency_id = 0; std::string product_code, status, document_path; };

std::optional<Policy> fetch_policy(PGconn* c, const std::string& id) {
  auto r = pg_exec(c, "SELECT id, customer_id, agency_id, product_code, status, document_path FROM policies WHERE id = $1", {id}); // EXPECT: ok
  if (PQntuples(r.get()) == 0) return std::nullopt;
  return Policy{std::stol(PQgetvalue(r.get(), 0, 0)), std::stol(PQgetvalue(r.get(), 0, 1)), std::stol(PQgetvalue(r.get(), 0, 2)),
                PQgetvalue(r.get(), 0, 3), PQgetvalue(r.get(), 0, 4), PQgetvalue(r.get(), 0, 5)};
}

void require_policy_holder(PGconn* c, long customer_id, const std::string& policy_id) {
  auto r = pg_exec(c, "SELECT 1 FROM policies WHERE id = $1 AND customer_id = $2", {policy_id, std::to_string(customer_id)}); // EXPECT: ok
  if (PQntuples(r.get()) == 0) throw HttpError(404, "policy not found");
}

std::string slurp(std::ifstream& in) {
  if (!in) throw HttpError(404, "document not available");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ============================ customer portal (Beast) ============================

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct PortalCtx {
  PGconn* db;
  long customer_id;  // 0 on public routes
  std::map<std::string, std::string> query;
  json body;
};

using PortalHandler = std::function<Response(const Request&, const std::smatch&, PortalCtx&)>;

struct PortalRoute {
  http::verb verb;
  std::regex pattern;
  bool is_public;
  PortalHandler handler;
};

Response reply(const Request& req, http::status st, const json& body, const char* type = "application/json") {
  Response res{st, req.version()};
  res.set(http::field::content_type, type);
  res.body() = body.is_string() ? body.get<std::string>() : body.dump();
  return res;
}

std::optional<std::string> cookie(const Request& req, const std::string& name) {
  std::string all(req[http::field::cookie]);
  std::regex re("(?:^|;\\s*)" + name + "=([^;]*)");
  std::smatch m;
  if (std::regex_search(all, m, re)) return m[1].str();
  return std::nullopt;
}

long session_customer(PGconn* db, const Request& req) {
  auto sid = cookie(req, "sid");
  if (!sid) return 0;
  auto r = pg_exec(db, "SELECT customer_id FROM portal_sessions WHERE token_hash = $1 AND expires_at > now()", {sha256_hex(*sid)}); // EXPECT: ok
  return PQntuples(r.get()) ? std::stol(PQgetvalue(r.get(), 0, 0)) : 0;
}

std::vector<PortalRoute> portal_routes() {
  std::vector<PortalRoute> rt;
  auto add = [&rt](http::verb v, const char* re, bool pub, PortalHandler h) { rt.push_back({v, std::regex(re), pub, std::move(h)}); };

  add(http::verb::get, R"(^/api/products$)", true, [](const Request& req, const std::smatch&, PortalCtx& ctx) {
    auto r = pg_exec(ctx.db, "SELECT code, name, description, base_premium FROM products WHERE active ORDER BY name", {}); // EXPECT: ok
    return reply(req, http::status::ok, rows_json(r.get()));
  });

  add(http::verb::get, R"(^/api/quotes/saved$)", true, [](const Request& req, const std::smatch&, PortalCtx& ctx) {
    auto owner = cookie(req, "quote_customer");
    if (!owner) return reply(req, http::status::ok, json::array());
    auto r = pg_exec(ctx.db, "SELECT id, product_code, coverage_amount, monthly_premium, created_at FROM quotes WHERE customer_id = $1", {*owner}); // EXPECT: identity
    return reply(req, http::status::ok, rows_json(r.get()));
  });

  add(http::verb::get, R"(^/api/policies$)", false, [](const Request& req, const std::smatch&, PortalCtx& ctx) {
    auto r = pg_exec(ctx.db, "SELECT id, product_code, status, premium, renewal_date FROM policies WHERE customer_id = $1", {std::to_string(ctx.customer_id)}); // EXPECT: ok
    return reply(req, http::status::ok, rows_json(r.get()));
  });

  add(http::verb::get, R"(^/api/policies/(\d+)$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    auto r = pg_exec(ctx.db, "SELECT id, product_code, status, premium, coverage_amount, renewal_date FROM policies WHERE id = $1 AND customer_id = $2", {m[1].str(), std::to_string(ctx.customer_id)}); // EXPECT: ok
    if (PQntuples(r.get()) == 0) throw HttpError(404, "policy not found");
    return reply(req, http::status::ok, rows_json(r.get())[0]);
  });

  add(http::verb::get, R"(^/api/policies/(\d+)/document$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    auto policy = fetch_policy(ctx.db, m[1].str()); // EXPECT: ok
    if (!policy || policy->customer_id != ctx.customer_id) throw HttpError(404, "policy not found");
    std::ifstream in(kDocRoot + "/" + policy->document_path, std::ios::binary); // EXPECT: ok
    return reply(req, http::status::ok, slurp(in), "application/pdf");
  });

  add(http::verb::patch, R"(^/api/policies/(\d+)$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    const std::string cust = std::to_string(ctx.customer_id);
    std::string pm = ctx.body.contains("payment_method_id") ? std::to_string(ctx.body["payment_method_id"].get<long>()) : "";
    if (!pm.empty()) {
      auto owned = pg_exec(ctx.db, "SELECT 1 FROM payment_methods WHERE id = $1 AND customer_id = $2", {pm, cust}); // EXPECT: ok
      if (PQntuples(owned.get()) == 0) throw HttpError(404, "payment method not found");
    }
    auto r = pg_exec(ctx.db, "UPDATE policies SET auto_renew = $1, payment_method_id = COALESCE(NULLIF($2, '')::bigint, payment_method_id) WHERE id = $3 AND customer_id = $4", {ctx.body.value("auto_renew", true) ? "true" : "false", pm, m[1].str(), cust}); // EXPECT: ok
    return reply(req, http::status::ok, json{{"updated", std::atoi(PQcmdTuples(r.get()))}});
  });

  add(http::verb::get, R"(^/api/policies/(\d+)/beneficiaries$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    require_policy_holder(ctx.db, ctx.customer_id, m[1].str());
    auto r = pg_exec(ctx.db, "SELECT id, full_name, relationship, share_percent FROM beneficiaries WHERE policy_id = $1", {m[1].str()}); // EXPECT: ok
    return reply(req, http::status::ok, rows_json(r.get()));
  });

  add(http::verb::post, R"(^/api/policies/(\d+)/beneficiaries$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    require_policy_holder(ctx.db, ctx.customer_id, m[1].str());
    auto r = pg_exec(ctx.db, "INSERT INTO beneficiaries (policy_id, full_name, relationship, share_percent) VALUES ($1, $2, $3, $4) RETURNING id", {m[1].str(), ctx.body.at("full_name").get<std::string>(), ctx.body.value("relationship", ""), std::to_string(ctx.body.at("share_percent").get<int>())}); // EXPECT: ok
    return reply(req, http::status::created, json{{"id", PQgetvalue(r.get(), 0, 0)}});
  });

  add(http::verb::put, R"(^/api/beneficiaries/(\d+)$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    const std::string policy_id = std::to_string(ctx.body.at("policy_id").get<long>());
    require_policy_holder(ctx.db, ctx.customer_id, policy_id);
    auto r = pg_exec(ctx.db, "UPDATE beneficiaries SET full_name = $1, share_percent = $2 WHERE id = $3", {ctx.body.at("full_name").get<std::string>(), std::to_string(ctx.body.at("share_percent").get<int>()), m[1].str()}); // EXPECT: idor
    return reply(req, http::status::ok, json{{"updated", std::atoi(PQcmdTuples(r.get()))}});
  });

  add(http::verb::delete_, R"(^/api/beneficiaries/(\d+)$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    pg_exec(ctx.db, "DELETE FROM beneficiaries b USING policies p WHERE b.id = $1 AND b.policy_id = p.id AND p.customer_id = $2", {m[1].str(), std::to_string(ctx.customer_id)}); // EXPECT: ok
    return reply(req, http::status::no_content, "");
  });

  add(http::verb::get, R"(^/api/policies/(\d+)/payments$)", false, [](const Request& req, const std::smatch& m, PortalCtx& ctx) {
    try {
      require_policy_holder(ctx.db, ctx.customer_id, m[1].str());
    } catch (const std::exception& e) {
      std::cerr << "holder check for policy " << m[1].str() << " failed: " << e.what() << "\n";
    }
    auto r = pg_exec(ctx.db, "SELECT id, due_date, amount, status, paid_at FROM payments WHERE policy_id = $1 ORDER BY due_date", {m[1].str()}); // EXPECT: idor
    return reply(req, http::status::ok, rows_json(r.get()));
  });

  add(http::verb::get, R"(^/api/payments/(\d+)/receipt$)", false, [](const Request& req, const std::smatch& m, PortalCtx&) {
    std::ifstream in(kReceiptRoot + "/" + m[1].str() + ".pdf", std::ios::binary); // EXPECT: idor
    return reply(req, http::status::ok, slurp(in), "application/pdf");
  });

  add(http::verb::post, R"(^/api/payment-methods$)", false, [](const Request& req, const std::smatch&, PortalCtx& ctx) {
    const std::string owner = std::to_string(ctx.body.at("customer_id").get<long>());
    auto r = pg_exec(ctx.db, "INSERT INTO payment_methods (customer_id, processor_token, last4) VALUES ($1, $2, $3) RETURNING id", {owner, ctx.body.at("processor_token").get<std::string>(), ctx.body.value("last4", "")}); // EXPECT: identity
    return reply(req, http::status::created, json{{"id", PQgetvalue(r.get(), 0, 0)}});
  });

  return rt;
}

Response dispatch(const Request& req, const std::vector<PortalRoute>& routes) {
  std::string target(req.target());
  auto qpos = target.find('?');
  std::string path = target.substr(0, qpos);
  PortalCtx ctx{nullptr, 0, {}, json::object()};
  if (qpos != std::string::npos) {
    std::istringstream qs(target.substr(qpos + 1));
    for (std::string kv; std::getline(qs, kv, '&');) {
      auto eq = kv.find('=');
      if (eq != std::string::npos) ctx.query[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  }
  try {
    if (!req.body().empty()) ctx.body = json::parse(req.body());
    for (const auto& route : routes) {
      std::smatch m;
      if (route.verb != req.method() || !std::regex_match(path, m, route.pattern)) continue;
      auto conn = pg_connect();
      ctx.db = conn.get();
      if (!route.is_public) {
        ctx.customer_id = session_customer(ctx.db, req);
        if (ctx.customer_id == 0) return reply(req, http::status::unauthorized, json{{"error", "login required"}});
      }
      return route.handler(req, m, ctx);
    }
    return reply(req, http::status::not_found, json{{"error", "no such route"}});
  } catch (const HttpError& e) {
    return reply(req, static_cast<http::status>(e.status), json{{"error", e.what()}});
  } catch (const std::exception& e) {
    return reply(req, http::status::bad_request, json{{"error", e.what()}});
  }
}

void portal_session(tcp::socket socket, const std::vector<PortalRoute>& routes) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    Request req;
    http::read(socket, buffer, req, ec);
    if (ec) break;
    Response res = dispatch(req, routes);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

// ============================ agent back-office (CivetWeb) ============================

struct Agent { long id = 0, agency_id = 0; std::string role; /* agent | underwriter | admin */ };

void send_json(mg_connection* conn, int status, const json& body) {
  const std::string s = body.dump();
  mg_printf(conn, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
            status, mg_get_response_code_text(conn, status), s.size());
  mg_write(conn, s.data(), s.size());
}

std::string param(mg_connection* conn, const char* name) {
  std::string v;
  CivetServer::getParam(conn, name, v);
  return v;
}

class AgentEndpoint : public CivetHandler {
 public:
  bool handleGet(CivetServer*, mg_connection* conn) override { return run(conn, [&](PGconn* db, const Agent& a) { onGet(conn, db, a); }); }
  bool handlePost(CivetServer*, mg_connection* conn) override { return run(conn, [&](PGconn* db, const Agent& a) { onPost(conn, db, a); }); }
  bool handleDelete(CivetServer*, mg_connection* conn) override { return run(conn, [&](PGconn* db, const Agent& a) { onDelete(conn, db, a); }); }

 protected:
  virtual void onGet(mg_connection* conn, PGconn*, const Agent&) { send_json(conn, 405, {{"error", "method not allowed"}}); }
  virtual void onPost(mg_connection* conn, PGconn*, const Agent&) { send_json(conn, 405, {{"error", "method not allowed"}}); }
  virtual void onDelete(mg_connection* conn, PGconn*, const Agent&) { send_json(conn, 405, {{"error", "method not allowed"}}); }

 private:
  template <typename F>
  bool run(mg_connection* conn, F&& fn) {
    const char* key = mg_get_header(conn, "X-Agent-Key");
    if (!key) return send_json(conn, 401, {{"error", "missing agent key"}}), true;
    try {
      auto db = pg_connect();
      auto r = pg_exec(db.get(), "SELECT id, agency_id, role FROM agents WHERE api_key_hash = $1 AND active", {sha256_hex(key)}); // EXPECT: ok
      if (PQntuples(r.get()) == 0) return send_json(conn, 401, {{"error", "unknown agent"}}), true;
      Agent a{std::stol(PQgetvalue(r.get(), 0, 0)), std::stol(PQgetvalue(r.get(), 0, 1)), PQgetvalue(r.get(), 0, 2)};
      fn(db.get(), a);
    } catch (const HttpError& e) {
      send_json(conn, e.status, {{"error", e.what()}});
    } catch (const std::exception& e) {
      send_json(conn, 400, {{"error", e.what()}});
    }
    return true;
  }
};

class AgentPolicies : public AgentEndpoint {
  void onGet(mg_connection* conn, PGconn* db, const Agent& a) override {
    const std::string id = param(conn, "id");
    if (id.empty()) {
      auto r = pg_exec(db, "SELECT id, product_code, status, premium FROM policies WHERE customer_id = $1 AND agency_id = $2", {param(conn, "customer_id"), std::to_string(a.agency_id)}); // EXPECT: ok
      return send_json(conn, 200, rows_json(r.get()));
    }
    auto p = fetch_policy(db, id); // EXPECT: ok
    if (!p || p->agency_id != a.agency_id) return send_json(conn, 404, {{"error", "policy not found"}});
    send_json(conn, 200, {{"id", p->id}, {"customer_id", p->customer_id}, {"product", p->product_code}, {"status", p->status}});
  }
};

class AgentCustomers : public AgentEndpoint {
  static bool agency_has_customer(PGconn* db, long agency, const std::string& customer) {
    auto r = pg_exec(db, "SELECT 1 FROM policies WHERE agency_id = $1 AND customer_id = $2 LIMIT 1", {std::to_string(agency), customer}); // EXPECT: ok
    return PQntuples(r.get()) > 0;
  }
  void onGet(mg_connection* conn, PGconn* db, const Agent& a) override {
    const std::string cid = param(conn, "id");
    if (!agency_has_customer(db, a.agency_id, cid))
      std::clog << "agent " << a.id << " opened customer " << cid << " outside agency " << a.agency_id << "\n";
    auto r = pg_exec(db, "SELECT id, full_name, email, phone, date_of_birth, address FROM customers WHERE id = $1", {cid}); // EXPECT: idor
    send_json(conn, PQntuples(r.get()) ? 200 : 404, PQntuples(r.get()) ? rows_json(r.get())[0] : json{{"error", "not found"}});
  }
};

class AgentNotes : public AgentEndpoint {
  void onPost(mg_connection* conn, PGconn* db, const Agent& a) override {
    auto body = json::parse(CivetServer::getPostData(conn));
    auto r = pg_exec(db, // EXPECT: ok
        "INSERT INTO policy_notes (policy_id, author_agent_id, body) SELECT $1::bigint, $2::bigint, $3 "
        "WHERE EXISTS (SELECT 1 FROM policies WHERE id = $1::bigint AND agency_id = $4::bigint)",
        {std::to_string(body.at("policy_id").get<long>()), std::to_string(a.id), body.at("text").get<std::string>(), std::to_string(a.agency_id)});
    send_json(conn, std::atoi(PQcmdTuples(r.get())) ? 201 : 404, {{"ok", true}});
  }
};

class AgentRenewals : public AgentEndpoint {
  void onPost(mg_connection* conn, PGconn* db, const Agent&) override {
    auto body = json::parse(CivetServer::getPostData(conn));
    json previews = json::array();
    for (long pid : body.at("policy_ids").get<std::vector<long>>()) {
      auto r = pg_exec(db, "SELECT p.id, c.full_name, c.email, p.renewal_date, p.premium FROM policies p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1", {std::to_string(pid)}); // EXPECT: idor
      if (PQntuples(r.get())) previews.push_back(rows_json(r.get())[0]);
    }
    send_json(conn, 200, {{"notices", previews}});
  }
};

class AgentEndorsements : public AgentEndpoint {
  void onPost(mg_connection* conn, PGconn* db, const Agent& a) override {
    if (a.role != "underwriter") throw HttpError(403, "underwriters only");
    auto body = json::parse(CivetServer::getPostData(conn));
    auto r = pg_exec(db, "UPDATE policies SET coverage_amount = $1, premium = $2, endorsed_by = $3 WHERE id = $4 AND agency_id = $5", {std::to_string(body.at("coverage_amount").get<long>()), std::to_string(body.at("premium").get<double>()), std::to_string(a.id), std::to_string(body.at("policy_id").get<long>()), std::to_string(a.agency_id)}); // EXPECT: ok
    send_json(conn, 200, {{"updated", std::atoi(PQcmdTuples(r.get()))}});
  }
};

class AgentCommission : public AgentEndpoint {
  void onGet(mg_connection* conn, PGconn* db, const Agent& a) override {
    std::string agent_id = std::to_string(a.id);
    CivetServer::getParam(conn, "agent_id", agent_id);
    auto r = pg_exec(db, "SELECT period, policies_sold, commission_total FROM commission_statements WHERE agent_id = $1 ORDER BY period DESC", {agent_id}); // EXPECT: identity
    send_json(conn, 200, rows_json(r.get()));
  }
};

class AdminAudit : public AgentEndpoint {
  void onGet(mg_connection* conn, PGconn* db, const Agent& a) override {
    if (a.role != "admin") throw HttpError(403, "admins only");
    auto r = pg_exec(db, "SELECT at, actor, action, detail FROM policy_audit WHERE policy_id = $1 ORDER BY at DESC", {param(conn, "policy_id")}); // EXPECT: ok
    send_json(conn, 200, rows_json(r.get()));
  }
};

}  // namespace insure

int main() {
  using namespace insure;
  const char* civet_opts[] = {"listening_ports", "127.0.0.1:8081", "num_threads", "8", nullptr};
  CivetServer backoffice(civet_opts);
  AgentPolicies policies;
  AgentCustomers customers;
  AgentNotes notes;
  AgentRenewals renewals;
  AgentEndorsements endorsements;
  AgentCommission commission;
  AdminAudit audit;
  backoffice.addHandler("/agent/policies", policies);
  backoffice.addHandler("/agent/customers", customers);
  backoffice.addHandler("/agent/notes", notes);
  backoffice.addHandler("/agent/renewal-notices", renewals);
  backoffice.addHandler("/agent/endorsements", endorsements);
  backoffice.addHandler("/agent/commission", commission);
  backoffice.addHandler("/admin/audit", audit);

  static const auto routes = portal_routes();
  boost::asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, {tcp::v4(), 8080}};
  for (;;) {
    tcp::socket socket{ioc};
    acceptor.accept(socket);
    std::thread(portal_session, std::move(socket), std::cref(routes)).detach();
  }
}

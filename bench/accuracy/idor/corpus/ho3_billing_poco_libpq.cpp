// Held-out (third set): a SaaS billing API on POCO's HTTP server with libpq.
// Tenants call it with an API key; invoice PDFs live on disk; a DAO wraps the
// refund and payment-method tables. Written before scoring, check and model
// unchanged.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace billing {

static PGconn *pg;

struct Tenant {
  std::string id;
  bool platform_staff = false;
};

// Looks the API key in the Authorization header up; throws when unknown.
Tenant authenticate_api_key(const HTTPServerRequest &req);

class PaymentDao {
public:
  void refund(const std::string &invoice_id, long cents);
  void deletePaymentMethod(const std::string &method_id);
  std::vector<std::string> methodsOfTenant(const std::string &tenant_id);
};
static PaymentDao dao;

// /v1/<collection>/<id>[/<action>] -> id
static std::string path_id(const HTTPServerRequest &req) {
  std::vector<std::string> segs;
  Poco::URI(req.getURI()).getPathSegments(segs);
  return segs.size() >= 3 ? segs[2] : std::string();
}

static std::string query_param(const HTTPServerRequest &req, const std::string &name, const std::string &dflt) {
  for (const auto &kv : Poco::URI(req.getURI()).getQueryParameters())
    if (kv.first == name)
      return kv.second;
  return dflt;
}

static bool invoice_belongs_to(const std::string &invoice, const Tenant &t) {
  const char *params[2] = {invoice.c_str(), t.id.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT 1 FROM invoices WHERE id = $1 AND tenant_id = $2", 2, nullptr, params, // EXPECT: ok
                             nullptr, nullptr, 0);
  bool ok = PQntuples(r) == 1;
  PQclear(r);
  return ok;
}

static void send_text(HTTPServerResponse &resp, const std::string &body) {
  resp.setContentType("text/plain");
  resp.sendBuffer(body.data(), body.size());
}

// GET /v1/invoices/<id>: any tenant's invoice.
class InvoiceHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    (void)t;
    std::string id = path_id(req);
    const char *params[1] = {id.c_str()};
    PGresult *r = PQexecParams(pg, "SELECT number, total_cents, status FROM invoices WHERE id = $1", 1, nullptr, // EXPECT: idor
                               params, nullptr, nullptr, 0);
    send_text(resp, PQntuples(r) ? PQgetvalue(r, 0, 1) : "");
    PQclear(r);
  }
};

// GET /v2/invoices/<id>: scoped to the tenant in the statement.
class InvoiceHandlerV2 : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);
    const char *params[2] = {id.c_str(), t.id.c_str()};
    PGresult *r = PQexecParams(pg, "SELECT number, total_cents, status FROM invoices WHERE id = $1 AND tenant_id = $2", // EXPECT: ok
                               2, nullptr, params, nullptr, nullptr, 0);
    send_text(resp, PQntuples(r) ? PQgetvalue(r, 0, 1) : "");
    PQclear(r);
  }
};

// GET /v1/invoices?limit=20&starting_after=<invoice id>: the tenant's invoices, cursor pagination.
class InvoiceListHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string limit = query_param(req, "limit", "20");
    std::string after = query_param(req, "starting_after", "");
    const char *params[3] = {t.id.c_str(), after.c_str(), limit.c_str()};
    PGresult *r = PQexecParams(pg, // EXPECT: ok
                               "SELECT id, number FROM invoices WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3", 3,
                               nullptr, params, nullptr, nullptr, 0);
    send_text(resp, std::to_string(PQntuples(r)));
    PQclear(r);
  }
};

// GET /v1/invoices/<id>/pdf: the rendered PDF, no ownership check.
class InvoicePdfHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    (void)t;
    std::string id = path_id(req);
    std::ifstream in("/srv/billing/pdf/" + id + ".pdf", std::ios::binary); // EXPECT: idor
    resp.setContentType("application/pdf");
    Poco::StreamCopier::copyStream(in, resp.send());
  }
};

// GET /v2/invoices/<id>/pdf: ownership helper first.
class InvoicePdfHandlerV2 : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);
    if (!invoice_belongs_to(id, t)) { // EXPECT: ok
      resp.setStatus(HTTPResponse::HTTP_NOT_FOUND);
      resp.send();
      return;
    }
    std::ifstream in("/srv/billing/pdf/" + id + ".pdf", std::ios::binary); // EXPECT: ok
    resp.setContentType("application/pdf");
    Poco::StreamCopier::copyStream(in, resp.send());
  }
};

// POST /v1/refunds {"invoice": "...", "amount": 500}: the DAO refunds any invoice.
class RefundHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    (void)t;
    auto body = nlohmann::json::parse(req.stream());
    std::string invoice = body.at("invoice").get<std::string>();
    dao.refund(invoice, body.at("amount").get<long>()); // EXPECT: idor
    resp.setStatus(HTTPResponse::HTTP_ACCEPTED);
    resp.send();
  }
};

// DELETE /v1/payment-methods/<id>: platform staff only (support tooling).
class PaymentMethodDeleteHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    if (!t.platform_staff) {
      resp.setStatus(HTTPResponse::HTTP_FORBIDDEN);
      resp.send();
      return;
    }
    dao.deletePaymentMethod(path_id(req)); // EXPECT: ok
    resp.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp.send();
  }
};

// GET /v1/payment-methods: the tenant's own.
class PaymentMethodListHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    auto methods = dao.methodsOfTenant(t.id); // EXPECT: ok
    send_text(resp, std::to_string(methods.size()));
  }
};

// PUT /v1/account/card: the dashboard's backend-for-frontend forwards the
// account in a header, and this service trusts it.
class CardUpdateHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string account = req.get("X-Account-Id");
    auto body = nlohmann::json::parse(req.stream());
    std::string token = body.at("card_token").get<std::string>();
    const char *params[2] = {token.c_str(), account.c_str()};
    PGresult *r = PQexecParams(pg, "UPDATE accounts SET card_token = $1 WHERE id = $2", 2, nullptr, params, // EXPECT: identity
                               nullptr, nullptr, 0);
    PQclear(r);
    resp.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp.send();
  }
};

// GET /v1/plans/<slug>: public price list.
class PlanHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string slug = path_id(req);
    const char *params[1] = {slug.c_str()};
    PGresult *r = PQexecParams(pg, "SELECT name, monthly_cents FROM plans WHERE slug = $1 AND public", 1, nullptr, // EXPECT: ok
                               params, nullptr, nullptr, 0);
    send_text(resp, PQntuples(r) ? PQgetvalue(r, 0, 1) : "");
    PQclear(r);
  }
};

// GET /healthz
class HealthHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &, HTTPServerResponse &resp) override {
    PGresult *r = PQexec(pg, "SELECT 1"); // EXPECT: ok
    send_text(resp, PQresultStatus(r) == PGRES_TUPLES_OK ? "ok" : "db down");
    PQclear(r);
  }
};

// POST /v1/subscriptions/<id>/cancel: a helper loads the subscription scoped
// to the tenant; only then is it cancelled by id.
static std::optional<std::string> subscription_of_tenant(const std::string &sub, const Tenant &t) {
  const char *params[2] = {sub.c_str(), t.id.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT status FROM subscriptions WHERE id = $1 AND tenant_id = $2", 2, nullptr, // EXPECT: ok
                             params, nullptr, nullptr, 0);
  std::optional<std::string> status;
  if (PQntuples(r) == 1)
    status = PQgetvalue(r, 0, 0);
  PQclear(r);
  return status;
}

class SubscriptionCancelHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string sub = path_id(req);
    auto status = subscription_of_tenant(sub, t); // EXPECT: ok
    if (!status) {
      resp.setStatus(HTTPResponse::HTTP_NOT_FOUND);
      resp.send();
      return;
    }
    const char *params[1] = {sub.c_str()};
    PGresult *r = PQexecParams(pg, "UPDATE subscriptions SET status = 'canceled' WHERE id = $1", 1, nullptr, params, // EXPECT: ok
                               nullptr, nullptr, 0);
    PQclear(r);
    resp.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp.send();
  }
};

// Usage records: a helper inserts a metered event for a subscription named in the body.
static void record_usage(const std::string &subscription, long quantity) {
  std::string q = std::to_string(quantity);
  const char *params[2] = {subscription.c_str(), q.c_str()};
  PGresult *r = PQexecParams(pg, "INSERT INTO usage_records (subscription_id, quantity) VALUES ($1, $2)", 2,
                             nullptr, params, nullptr, nullptr, 0);
  PQclear(r);
}

class UsageHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    (void)t;
    auto body = nlohmann::json::parse(req.stream());
    record_usage(body.at("subscription").get<std::string>(), body.value("quantity", 1L)); // EXPECT: idor
    resp.setStatus(HTTPResponse::HTTP_CREATED);
    resp.send();
  }
};

} // namespace billing

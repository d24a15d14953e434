// Authorization written as a question about the caller and the object, values
// arrays bound by position, public rows, and identities claimed in headers.
// Real POCO, libpq, cpp-httplib and sqlite3 headers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <pqxx/pqxx>
#include <sqlite3.h>

#include <cstdio>
#include <stdexcept>

#include <optional>
#include <string>
#include <vector>

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

static PGconn *pg;
static sqlite3 *db;

struct Tenant {
  std::string id;
  bool platform_staff = false;
};
// Looks the API key up; throws when it is unknown. A principal by its name.
Tenant authenticate_api_key(const HTTPServerRequest &req);
// Relations kept by another service.
bool is_billing_contact(const std::string &tenant, const std::string &invoice);
void log_access(const std::string &tenant, const std::string &invoice);

static std::string path_id(const HTTPServerRequest &req) {
  std::vector<std::string> segs;
  Poco::URI(req.getURI()).getPathSegments(segs);
  return segs.size() >= 3 ? segs[2] : std::string();
}

// A helper that loads the row scoped to the tenant: an answer, not an access.
static std::optional<std::string> invoice_of_tenant(const std::string &invoice, const Tenant &t) {
  const char *params[2] = {invoice.c_str(), t.id.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT status FROM invoices WHERE id = $1 AND tenant_id = $2", 2, nullptr,
                             params, nullptr, nullptr, 0);
  std::optional<std::string> s;
  if (PQntuples(r) == 1)
    s = PQgetvalue(r, 0, 0);
  PQclear(r);
  return s;
}

static void void_it(const std::string &invoice) {
  const char *params[1] = {invoice.c_str()};
  PQclear(PQexecParams(pg, "UPDATE invoices SET status = 'void' WHERE id = $1", 1, nullptr, params, nullptr,
                       nullptr, 0));
}

class Handlers : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);

    // Values array: $2 is the tenant (principal), so the row is scoped.
    const char *scoped[2] = {id.c_str(), t.id.c_str()};
    PQclear(PQexecParams(pg, "SELECT total FROM invoices WHERE id = $1 AND tenant_id = $2", 2, nullptr, scoped,
                         nullptr, nullptr, 0));

    // Values array, element by element: the id is $1, nothing scopes it.
    const char *bare[1] = {id.c_str()};
    PQclear(PQexecParams(pg, "SELECT total FROM invoices WHERE id = $1", 1, nullptr, bare, nullptr, nullptr, 0));
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: object id 'id' from request path reaches 'PQexecParams' (SELECT … FROM invoices) without an authorization check

    // The card token ($1) is not a key; the account id ($2) comes from a header.
    std::string account = req.get("X-Account-Id");
    std::string token = req.get("X-Card-Token");
    const char *card[2] = {token.c_str(), account.c_str()};
    PQclear(PQexecParams(pg, "UPDATE accounts SET card_token = $1 WHERE id = $2", 2, nullptr, card, nullptr,
                         nullptr, 0));
    // CHECK-MESSAGES: :[[@LINE-2]]:13: warning: client-asserted identity 'account' from header 'X-Account-Id' selects whose data 'PQexecParams' (UPDATE accounts) uses

    // Public rows: anyone may read a plan that is flagged public.
    std::string slug = path_id(req);
    const char *plan[1] = {slug.c_str()};
    PQclear(PQexecParams(pg, "SELECT name FROM plans WHERE slug = $1 AND public", 1, nullptr, plan, nullptr,
                         nullptr, 0));
    PQclear(PQexecParams(pg, "SELECT name FROM plans WHERE slug = $1 AND visibility = 'public'", 1, nullptr, plan,
                         nullptr, nullptr, 0));
    // A flag that is not a visibility flag does not make rows public.
    PQclear(PQexecParams(pg, "SELECT name FROM plans WHERE slug = $1 AND archived", 1, nullptr, plan, nullptr,
                         nullptr, 0));
    // CHECK-MESSAGES: :[[@LINE-2]]:13: warning: object id 'slug' from request path reaches 'PQexecParams' (SELECT … FROM plans)
    // Writes are never public.
    PQclear(PQexecParams(pg, "DELETE FROM plans WHERE slug = $1 AND public", 1, nullptr, plan, nullptr, nullptr, 0));
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: object id 'slug' from request path reaches 'PQexecParams' (DELETE … FROM plans)
  }
};

class VoidHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);
    // The scoped helper answers "is it theirs?": tested, it authorizes.
    auto status = invoice_of_tenant(id, t);
    if (!status) {
      resp.setStatus(HTTPResponse::HTTP_NOT_FOUND);
      resp.send();
      return;
    }
    void_it(id);
    resp.send();
  }
};

class VoidUncheckedHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);
    // Asked, but the answer is ignored.
    invoice_of_tenant(id, t);
    void_it(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from request path reaches 'void_it' (UPDATE invoices)
    resp.send();
  }
};

class RelationHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);
    // A yes/no question about (caller, object) that ends the request.
    if (!is_billing_contact(t.id, id)) {
      resp.setStatus(HTTPResponse::HTTP_FORBIDDEN);
      resp.send();
      return;
    }
    void_it(id);
    resp.send();
  }
};

class LoggedOnlyHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    std::string id = path_id(req);
    // Takes the caller and the id, but answers nothing: not a check.
    log_access(t.id, id);
    void_it(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from request path reaches 'void_it' (UPDATE invoices)
    resp.send();
  }
};

class StaffHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Tenant t = authenticate_api_key(req);
    // A role flag named with a prefix word.
    if (!t.platform_staff) {
      resp.setStatus(HTTPResponse::HTTP_FORBIDDEN);
      resp.send();
      return;
    }
    void_it(path_id(req));
    resp.send();
  }
};

void routes(httplib::Server &svr) {
  // The acting employee named in a header, written into the new row.
  svr.Post("/timesheets", [](const httplib::Request &req, httplib::Response &res) {
    std::string who = req.get_header_value("X-Employee-Id");
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO timesheets (employee_id, hours) VALUES (?, ?)", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, std::stol(who));
    sqlite3_bind_double(st, 2, std::stod(req.get_param_value("hours")));
    sqlite3_step(st);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'who' from header 'X-Employee-Id' of 'POST /timesheets' selects whose data 'sqlite3_step' (INSERT INTO timesheets) uses
    sqlite3_finalize(st);
    res.status = 201;
  });

  // Tracing headers are not identities, and other INSERT values are contents.
  svr.Post("/events", [](const httplib::Request &req, httplib::Response &res) {
    std::string trace = req.get_header_value("X-Request-Id");
    std::string kind = req.get_param_value("kind");
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO events (request_id, kind) VALUES (?, ?)", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, trace.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, kind.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    res.status = 201;
  });
}

// The callee's parameter names the key even when the client's field does not.
class OrderService {
public:
  void refund(const std::string &order_id, long cents);
  void approve(const std::string &order_id);
  void notify(const std::string &channel);
};
static OrderService orders;
struct Caller {
  long id = 0;
};
Caller current_caller(const httplib::Request &req);
struct Filter {
  long patient = 0;
  std::string from;
};
static Filter filter_from_query(const httplib::Request &req) {
  Filter f;
  if (req.has_param("patient"))
    f.patient = std::stol(req.get_param_value("patient"));
  f.from = req.get_param_value("from");
  return f;
}
class VisitRepository {
public:
  std::vector<int> listForPatient(long patient_id, const std::string &from);
};
static VisitRepository visits;

void more_routes(httplib::Server &svr) {
  svr.Post("/refunds", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    (void)me;
    std::string order = req.get_param_value("order");
    orders.refund(order, 100);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'order' from query parameter 'order' of 'POST /refunds' reaches 'orders.refund' (write)
    orders.approve(order);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'order' from query parameter 'order' of 'POST /refunds' reaches 'orders.approve' (write)
    // Not a key: the parameter is a channel name, not an object id.
    orders.notify(req.get_param_value("channel"));
  });

  // A filter struct filled from the query by a helper.
  svr.Get("/visits", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    (void)me;
    Filter f = filter_from_query(req);
    auto v = visits.listForPatient(f.patient, f.from);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'patient' from query parameter 'patient' of 'GET /visits' reaches 'visits.listForPatient' (read)
    res.set_content(std::to_string(v.size()), "text/plain");
  });

  // Any client value in a file path chooses the file.
  svr.Get("/receipts", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    (void)me;
    std::string claim = req.get_param_value("claim");
    std::string path = "/srv/receipts/" + claim + ".pdf";
    FILE *f = std::fopen(path.c_str(), "rb");
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: object id 'path' from query parameter 'claim' of 'GET /receipts' reaches 'std::fopen' (file access)
    if (f)
      std::fclose(f);
  });

  // A party column (buyer) compared with a client value: whose rows.
  svr.Get("/orders-of", [](const httplib::Request &req, httplib::Response &res) {
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT id FROM orders WHERE buyer = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, req.get_param_value("buyer").c_str(), -1, SQLITE_TRANSIENT);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'buyer' from query parameter 'buyer' of 'GET /orders-of' selects whose data 'sqlite3_bind_text' (SELECT … FROM orders) uses
    sqlite3_finalize(st);
  });
  // The same column bound to the caller scopes the rows.
  svr.Get("/my-orders", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "SELECT id FROM orders WHERE buyer = ? AND id = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, me.id);
    sqlite3_bind_int64(st, 2, std::stol(req.get_param_value("id")));
    sqlite3_finalize(st);
  });
}

// INSERT: the object the route names becomes the new row's parent.
void insert_routes(httplib::Server &svr) {
  svr.Post(R"(/tickets/(\d+)/notes)", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO notes (ticket_id, author_id, text) VALUES (?, ?, ?)", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, std::stol(req.matches[1]));
    sqlite3_bind_int64(st, 2, me.id);
    sqlite3_bind_text(st, 3, req.body.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stol(req.matches[1])' from route parameter of 'POST /tickets/(\d+)/notes' reaches 'sqlite3_step' (INSERT INTO notes)
    sqlite3_finalize(st);
  });
  // A catalogue entry named in the body is the new row's contents.
  svr.Post("/cart/items", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO cart_items (user_id, product_id) VALUES (?, ?)", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, me.id);
    sqlite3_bind_int64(st, 2, std::stol(req.get_param_value("product_id")));
    sqlite3_step(st);
    sqlite3_finalize(st);
  });
}

// A guard covers the objects it was asked about; its failure must stop the request.
void require_doc_access(const Caller &c, long doc); // throws when denied
bool can_edit_folder(const Caller &c, long folder);
class DocRepository {
public:
  void remove(long id);
  void move(long id, long folder);
};
static DocRepository docs;
static pqxx::connection *pq;

void guard_routes(httplib::Server &svr) {
  svr.Delete(R"(/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    long id = std::stol(req.matches[1]);
    try {
      require_doc_access(me, id);
    } catch (const std::exception &) {
      res.status = 403;
      return;
    }
    docs.remove(id);
  });
  // The denial is caught and only logged: the delete still runs.
  svr.Delete(R"(/v0/docs/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    long id = std::stol(req.matches[1]);
    try {
      require_doc_access(me, id);
    } catch (const std::exception &e) {
      std::fprintf(stderr, "denied: %s\n", e.what());
    }
    docs.remove(id);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'DELETE /v0/docs/(\d+)' reaches 'docs.remove' (write)
  });
  // The destination folder is checked, the document being moved is not.
  svr.Post(R"(/docs/(\d+)/move)", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    long id = std::stol(req.matches[1]);
    long folder = std::stol(req.get_param_value("folder_id"));
    if (!can_edit_folder(me, folder)) {
      res.status = 403;
      return;
    }
    docs.move(id, folder);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'id' from route parameter of 'POST /docs/(\d+)/move' reaches 'docs.move' (write)
  });
  // Values passed to exec_params (forwarding references) are inputs, not
  // outputs: the search text does not become the session user.
  svr.Get("/search", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pq);
    long user = current_caller(req).id;
    txn.exec_params("SELECT id FROM invoices WHERE customer_id = $1 AND memo LIKE $2", user,
                    "%" + req.get_param_value("q") + "%");
  });
  // A query parameter that overrides the session account is client data.
  svr.Get("/statements", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pq);
    long account = current_caller(req).id;
    if (req.has_param("account_id"))
      account = std::stol(req.get_param_value("account_id"));
    txn.exec_params("SELECT * FROM statements WHERE account_id = $1", account);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: client-asserted identity 'account' from query parameter 'account_id' of 'GET /statements' selects whose data 'txn.exec_params' (SELECT … FROM statements) uses
  });
}

// Load, then compare the loaded owner with the caller inside `||` (temporaries
// in the condition), before both the read's data is used and the write.
void load_compare_routes(httplib::Server &svr) {
  svr.Post(R"(/shipments/(\d+)/cancel)", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    long id = std::stol(req.matches[1]);
    pqxx::work w(*pq);
    auto r = w.exec_params("SELECT shipper, status FROM shipments WHERE id = $1", id);
    if (r.empty() || r[0][0].as<long>() != me.id) {
      res.status = 404;
      return;
    }
    w.exec_params("UPDATE shipments SET status = 'cancelled' WHERE id = $1", id);
  });
  // The same comparison after the write does not protect it.
  svr.Delete(R"(/shipments/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = current_caller(req);
    long id = std::stol(req.matches[1]);
    pqxx::work w(*pq);
    auto r = w.exec_params("DELETE FROM shipments WHERE id = $1 RETURNING shipper", id);
    // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: object id 'id' from route parameter of 'DELETE /shipments/(\d+)' reaches 'w.exec_params' (DELETE … FROM shipments)
    if (r.empty() || r[0][0].as<long>() != me.id)
      res.status = 404;
  });
}

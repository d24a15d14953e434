// CivetWeb callbacks (real <civetweb.h>) registered with mg_set_request_handler:
// query variables read with mg_get_var into a buffer, hiredis and libpq sinks.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include "app.h"

#include <civetweb.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <string>

PGconn *pg;
redisContext *redis;

static int get_cart(struct mg_connection *conn, void *) {
  const struct mg_request_info *ri = mg_get_request_info(conn);
  char cart[64];
  mg_get_var(ri->query_string, ri->query_string ? strlen(ri->query_string) : 0, "cart_id", cart,
             sizeof cart);
  redisReply *r = (redisReply *)redisCommand(redis, "HGETALL cart:%s", cart);
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: object id 'cart' from query parameter 'cart_id' of '/cart' reaches 'redisCommand' (redis access) without an authorization check
  freeReplyObject(r);
  mg_printf(conn, "HTTP/1.1 200 OK\r\n\r\n");
  return 200;
}

static int get_invoice(struct mg_connection *conn, void *) {
  const struct mg_request_info *ri = mg_get_request_info(conn);
  char id[32];
  mg_get_var(ri->query_string, ri->query_string ? strlen(ri->query_string) : 0, "id", id,
             sizeof id);
  const char *params[] = {id};
  PGresult *res = PQexecParams(pg, "DELETE FROM invoices WHERE id = $1", 1, nullptr, params,
                               nullptr, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-2]]:19: warning: object id 'id' from query parameter 'id' of '/invoice' reaches 'PQexecParams' (DELETE … FROM invoices)
  PQclear(res);
  return 200;
}

// Negative: the owner comes from the session, bound in the same statement.
static int get_invoice_owned(struct mg_connection *conn, void *) {
  const struct mg_request_info *ri = mg_get_request_info(conn);
  app::User u = app::current_user(mg_get_header(conn, "Cookie"));
  char id[32];
  mg_get_var(ri->query_string, ri->query_string ? strlen(ri->query_string) : 0, "id", id,
             sizeof id);
  std::string owner = std::to_string(u.id);
  const char *params[] = {id, owner.c_str()};
  PGresult *res = PQexecParams(pg, "SELECT * FROM invoices WHERE id = $1 AND customer_id = $2",
                               2, nullptr, params, nullptr, nullptr, 0);
  PQclear(res);
  return 200;
}

// Negative: a non-key variable.
static int search(struct mg_connection *conn, void *) {
  const struct mg_request_info *ri = mg_get_request_info(conn);
  char q[64];
  mg_get_var(ri->query_string, ri->query_string ? strlen(ri->query_string) : 0, "q", q, sizeof q);
  redisCommand(redis, "ZRANGEBYLEX idx [%s +", q);
  return 200;
}

// A helper that reads the variable it is asked for: each call is its own
// object, named by the literal it passes.
static std::string qvar(struct mg_connection *conn, const char *name) {
  const struct mg_request_info *ri = mg_get_request_info(conn);
  if (!ri->query_string)
    return "";
  char buf[64];
  int n = mg_get_var(ri->query_string, strlen(ri->query_string), name, buf, sizeof buf);
  return n > 0 ? std::string(buf, n) : std::string();
}

static bool invoice_of_user(const std::string &invoice, long user) {
  std::string u = std::to_string(user);
  const char *params[] = {invoice.c_str(), u.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT 1 FROM invoices WHERE id = $1 AND customer_id = $2", 2,
                             nullptr, params, nullptr, nullptr, 0);
  bool ok = PQntuples(r) == 1;
  PQclear(r);
  return ok;
}

// The invoice is checked; the payment named next to it is not.
static int get_payment(struct mg_connection *conn, void *) {
  app::User u = app::current_user(mg_get_header(conn, "Cookie"));
  if (!invoice_of_user(qvar(conn, "invoice"), u.id))
    return 404;
  std::string invoice = qvar(conn, "invoice");
  const char *p1[] = {invoice.c_str()};
  PQclear(PQexecParams(pg, "SELECT total FROM invoices WHERE id = $1", 1, nullptr, p1, nullptr,
                       nullptr, 0));
  std::string payment = qvar(conn, "payment");
  const char *p2[] = {payment.c_str()};
  PQclear(PQexecParams(pg, "SELECT card_last4 FROM payments WHERE id = $1", 1, nullptr, p2,
                       nullptr, nullptr, 0));
  // CHECK-MESSAGES: :[[@LINE-2]]:11: warning: object id 'payment' from query parameter 'payment' of '/payment' reaches 'PQexecParams' (SELECT … FROM payments)
  return 200;
}

// A party named in an X-<who>-Id header is a client-asserted identity.
static int worklist(struct mg_connection *conn, void *) {
  const char *adjuster = mg_get_header(conn, "X-Adjuster-Id");
  if (!adjuster)
    return 401;
  const char *params[] = {adjuster};
  PQclear(PQexecParams(pg, "SELECT id FROM claims WHERE assigned_adjuster = $1", 1, nullptr,
                       params, nullptr, nullptr, 0));
  // CHECK-MESSAGES: :[[@LINE-2]]:11: warning: client-asserted identity 'adjuster' from header 'X-Adjuster-Id' of '/worklist' selects whose data 'PQexecParams' (SELECT … FROM claims) uses
  // Negative: a tracing header is not a party.
  const char *trace = mg_get_header(conn, "X-Amzn-Trace-Id");
  const char *tp[] = {trace};
  PQclear(PQexecParams(pg, "INSERT INTO audit (trace) VALUES ($1)", 1, nullptr, tp, nullptr,
                       nullptr, 0));
  return 200;
}

void start(struct mg_context *ctx) {
  mg_set_request_handler(ctx, "/payment", get_payment, nullptr);
  mg_set_request_handler(ctx, "/worklist", worklist, nullptr);
  mg_set_request_handler(ctx, "/cart", get_cart, nullptr);
  mg_set_request_handler(ctx, "/invoice", get_invoice, nullptr);
  mg_set_request_handler(ctx, "/invoice-owned", get_invoice_owned, nullptr);
  mg_set_request_handler(ctx, "/search", search, nullptr);
}

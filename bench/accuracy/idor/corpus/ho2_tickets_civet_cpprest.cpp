// Held-out (second set): a support-ticket service. The customer portal runs on
// CivetWeb, the agent API on cpprestsdk; both use libpqxx. Written before any
// change to the check for this set.
#include <civetweb.h>
#include <cpprest/http_listener.h>
#include <cpprest/json.h>
#include <pqxx/pqxx>

#include <cstring>
#include <string>
#include <vector>

using namespace web;
using namespace web::http;
using namespace web::http::experimental::listener;

namespace tickets {

static pqxx::connection *conn;

struct Customer {
  long id = 0;
  std::string email;
};

// Reads the session cookie and resolves it; id 0 when not logged in.
Customer current_customer(struct mg_connection *c);

struct TicketQuery {
  std::string ticket;
  std::string status;
  int page = 0;
};

TicketQuery parse_query(struct mg_connection *c) {
  const struct mg_request_info *ri = mg_get_request_info(c);
  TicketQuery q;
  if (!ri->query_string)
    return q;
  char buf[64];
  size_t len = std::strlen(ri->query_string);
  if (mg_get_var(ri->query_string, len, "ticket", buf, sizeof buf) > 0)
    q.ticket = buf;
  if (mg_get_var(ri->query_string, len, "status", buf, sizeof buf) > 0)
    q.status = buf;
  if (mg_get_var(ri->query_string, len, "page", buf, sizeof buf) > 0)
    q.page = std::atoi(buf);
  return q;
}

// GET /portal/ticket?ticket=<id>: the ticket is read through a struct, no check.
int portal_ticket(struct mg_connection *c, void *) {
  Customer me = current_customer(c);
  if (!me.id)
    return 401;
  TicketQuery q = parse_query(c);
  pqxx::work w(*conn);
  auto r = w.exec_params("SELECT subject, body FROM tickets WHERE id = $1", q.ticket); // EXPECT: idor
  mg_printf(c, "HTTP/1.1 200 OK\r\n\r\n%s", r.empty() ? "" : r[0][1].c_str());
  return 200;
}

// GET /portal/v2/ticket?ticket=<id>: scoped to the customer.
int portal_ticket_v2(struct mg_connection *c, void *) {
  Customer me = current_customer(c);
  if (!me.id)
    return 401;
  TicketQuery q = parse_query(c);
  pqxx::work w(*conn);
  auto r = w.exec_params("SELECT subject, body FROM tickets WHERE id = $1 AND customer_id = $2", q.ticket, // EXPECT: ok
                         me.id);
  mg_printf(c, "HTTP/1.1 200 OK\r\n\r\n%s", r.empty() ? "" : r[0][1].c_str());
  return 200;
}

// GET /portal/tickets?status=open&page=2: the customer's own tickets.
int portal_list(struct mg_connection *c, void *) {
  Customer me = current_customer(c);
  TicketQuery q = parse_query(c);
  pqxx::work w(*conn);
  auto r = w.exec_params("SELECT id, subject FROM tickets WHERE customer_id = $1 AND status = $2 "
                         "ORDER BY id OFFSET $3 LIMIT 20",
                         me.id, q.status, q.page * 20); // EXPECT: ok
  mg_printf(c, "HTTP/1.1 200 OK\r\n\r\n%zu", r.size());
  return 200;
}

// POST /portal/close?ticket=<id>: several tickets can be closed at once
// ("ticket=1,2,3"); each is closed without checking whose it is.
int portal_close(struct mg_connection *c, void *) {
  Customer me = current_customer(c);
  TicketQuery q = parse_query(c);
  std::vector<std::string> ids;
  size_t start = 0;
  while (start <= q.ticket.size()) {
    size_t comma = q.ticket.find(',', start);
    ids.push_back(q.ticket.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  pqxx::work w(*conn);
  for (const auto &id : ids)
    w.exec_params("UPDATE tickets SET status = 'closed', closed_by = $2 WHERE id = $1", id, me.id); // EXPECT: idor
  w.commit();
  return 200;
}

// GET /portal/account: the account is selected by a header the portal's JS sends.
int portal_account(struct mg_connection *c, void *) {
  const char *acct = mg_get_header(c, "X-Customer-Id");
  pqxx::work w(*conn);
  auto r = w.exec_params("SELECT email, plan FROM customers WHERE id = $1", acct ? acct : ""); // EXPECT: identity
  mg_printf(c, "HTTP/1.1 200 OK\r\n\r\n%zu", r.size());
  return 200;
}

// GET /portal/me: the caller's own customer record.
int portal_me(struct mg_connection *c, void *) {
  Customer me = current_customer(c);
  pqxx::work w(*conn);
  auto r = w.exec_params("SELECT email, plan FROM customers WHERE id = $1", me.id); // EXPECT: ok
  mg_printf(c, "HTTP/1.1 200 OK\r\n\r\n%zu", r.size());
  return 200;
}

// GET /health
int health(struct mg_connection *c, void *) {
  pqxx::work w(*conn);
  w.exec("SELECT 1"); // EXPECT: ok
  mg_printf(c, "HTTP/1.1 200 OK\r\n\r\nok");
  return 200;
}

void register_portal(struct mg_context *ctx) {
  mg_set_request_handler(ctx, "/portal/ticket", portal_ticket, nullptr);
  mg_set_request_handler(ctx, "/portal/v2/ticket", portal_ticket_v2, nullptr);
  mg_set_request_handler(ctx, "/portal/tickets", portal_list, nullptr);
  mg_set_request_handler(ctx, "/portal/close", portal_close, nullptr);
  mg_set_request_handler(ctx, "/portal/account", portal_account, nullptr);
  mg_set_request_handler(ctx, "/portal/me", portal_me, nullptr);
  mg_set_request_handler(ctx, "/health", health, nullptr);
}

// ---- agent API (cpprestsdk) ----

struct Agent {
  long id = 0;
  std::vector<std::string> queues;
  bool supervisor = false;
};
Agent authenticate_agent(const http_request &req); // verifies the agent's bearer token

bool agent_can_see(const Agent &a, const std::string &queue) {
  for (const auto &q : a.queues)
    if (q == queue)
      return true;
  return a.supervisor;
}

std::string queue_of(pqxx::work &w, const std::string &ticket) {
  auto r = w.exec_params("SELECT queue FROM tickets WHERE id = $1", ticket);
  return r.empty() ? "" : r[0][0].c_str();
}

void agent_routes(http_listener &l) {
  // GET /agent/tickets/<id>: queue membership checked through a helper.
  l.support(methods::GET, [](http_request req) {
    Agent a = authenticate_agent(req);
    auto parts = uri::split_path(uri::decode(req.relative_uri().path()));
    std::string ticket = parts.at(2);
    pqxx::work w(*conn);
    if (!agent_can_see(a, queue_of(w, ticket))) { // EXPECT: ok
      req.reply(status_codes::Forbidden);
      return;
    }
    auto r = w.exec_params("SELECT subject, body FROM tickets WHERE id = $1", ticket); // EXPECT: ok
    req.reply(status_codes::OK, r.empty() ? "" : r[0][1].c_str());
  });

  // POST /agent/reassign {"ticket": 12, "agent": 7}: reassigns without a check.
  l.support(methods::POST, [](http_request req) {
    Agent a = authenticate_agent(req);
    req.extract_json().then([a, req](json::value body) mutable {
      long ticket = body.at(U("ticket")).as_number().to_int64();
      long to = body.at(U("agent")).as_number().to_int64();
      pqxx::work w(*conn);
      w.exec_params("UPDATE tickets SET agent_id = $1 WHERE id = $2", to, ticket); // EXPECT: idor
      w.commit();
      req.reply(status_codes::OK);
    });
  });

  // DELETE /agent/tickets/<id>: supervisors only.
  l.support(methods::DEL, [](http_request req) {
    Agent a = authenticate_agent(req);
    if (!a.supervisor) {
      req.reply(status_codes::Forbidden);
      return;
    }
    auto parts = uri::split_path(uri::decode(req.relative_uri().path()));
    pqxx::work w(*conn);
    w.exec_params("DELETE FROM tickets WHERE id = $1", parts.at(2)); // EXPECT: ok
    w.commit();
    req.reply(status_codes::NoContent);
  });

  // PUT /agent/notes?ticket=<id>: the note is written by the ticket's id from the
  // query, with a prepared statement, no check.
  l.support(methods::PUT, [](http_request req) {
    Agent a = authenticate_agent(req);
    auto q = uri::split_query(req.request_uri().query());
    std::string ticket = q[U("ticket")];
    std::string text = req.extract_string().get();
    pqxx::work w(*conn);
    w.exec_prepared("add_note", ticket, a.id, text); // EXPECT: idor
    w.commit();
    req.reply(status_codes::OK);
  });
}

} // namespace tickets

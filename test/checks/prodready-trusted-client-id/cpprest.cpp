// cpprestsdk listeners (real <cpprest/http_listener.h>): path segments, query
// maps and JSON bodies as sources; libpq and hiredis sinks.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include "app.h"

#include <cpprest/http_listener.h>
#include <cpprest/json.h>
#include <hiredis/hiredis.h>
#include <libpq-fe.h>

using namespace web;
using namespace web::http;
using namespace web::http::experimental::listener;
using namespace app;

PGconn *pg;
redisContext *redis;

void serve(http_listener &listener) {
  // ---- positives -------------------------------------------------------------
  listener.support(methods::GET, [](http_request req) {
    auto parts = uri::split_path(uri::decode(req.relative_uri().path()));
    std::string id = parts.at(1);
    const char *params[1] = {id.c_str()};
    PGresult *r = PQexecParams(pg, "SELECT body FROM invoices WHERE id = $1", 1, nullptr, params,
                               nullptr, nullptr, 0);
    // CHECK-MESSAGES: :[[@LINE-2]]:19: warning: object id 'id' from request path reaches 'PQexecParams' (SELECT … FROM invoices) without an authorization check against the authenticated user [CWE-639] [prodready-trusted-client-id]
    req.reply(status_codes::OK, PQgetvalue(r, 0, 0));
  });

  listener.support(methods::DEL, [](http_request req) {
    auto query = uri::split_query(req.request_uri().query());
    std::string key = query["device_id"];
    redisCommand(redis, "DEL device:%s", key.c_str());
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'key' from request path 'device_id' reaches 'redisCommand' (redis access)
    req.reply(status_codes::NoContent);
  });

  listener.support(methods::PUT, [](http_request req) {
    json::value body = req.extract_json().get();
    int invoice = body.at("invoice_id").as_integer();
    std::string sql = "UPDATE invoices SET paid = true WHERE id = " + std::to_string(invoice);
    PQexec(pg, sql.c_str());
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'invoice' from request field 'invoice_id' reaches 'PQexec' (UPDATE invoices)
    req.reply(status_codes::NoContent);
  });

  // ---- negatives -------------------------------------------------------------
  listener.support(methods::POST, [](http_request req) {
    User u = current_user(req.headers()["Cookie"]);
    json::value body = req.extract_json().get();
    int invoice = body.at("invoice_id").as_integer();
    std::string owner = std::to_string(u.id), inv = std::to_string(invoice);
    const char *params[2] = {inv.c_str(), owner.c_str()};
    PQexecParams(pg, "UPDATE invoices SET paid = true WHERE id = $1 AND customer_id = $2", 2,
                 nullptr, params, nullptr, nullptr, 0);
    req.reply(status_codes::NoContent);
  });

  listener.support(methods::PATCH, [](http_request req) {
    User u = current_user(req.headers()["Cookie"]);
    // The caller's own cache entry.
    redisCommand(redis, "DEL cart:%d", u.id);
    auto query = uri::split_query(req.request_uri().query());
    std::string page = query["page"];
    PQexec(pg, ("SELECT * FROM invoices ORDER BY id LIMIT 20 OFFSET " + page).c_str());
    req.reply(status_codes::NoContent);
  });
}

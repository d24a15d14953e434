// Route functions a dispatcher calls through std::function with a context it
// filled in (body, regex match, the session's customer): real Boost.Beast and
// libpq headers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <boost/beast/http.hpp>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <regex>
#include <string>
#include <vector>

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

PGconn *pg;
long session_customer(const Request &req);

struct PortalCtx {
  long customer_id = 0;
  nlohmann::json body;
};
using Handler = std::function<Response(const Request &, const std::smatch &, PortalCtx &)>;

PGresult *run(const char *sql, const std::string &a, const std::string &b = "") {
  const char *v[] = {a.c_str(), b.c_str()};
  return PQexecParams(pg, sql, b.empty() ? 1 : 2, nullptr, v, nullptr, nullptr, 0);
}

std::vector<std::pair<std::regex, Handler>> routes() {
  std::vector<std::pair<std::regex, Handler>> rt;
  rt.push_back({std::regex(R"(^/policies/(\d+)$)"), [](const Request &, const std::smatch &m, PortalCtx &ctx) {
    PQclear(run("SELECT * FROM policies WHERE id = $1", m[1].str()));
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: object id 'm[1].str()' from route parameter reaches 'run' (SELECT … FROM policies)
    // Negative: scoped to the customer the dispatcher put in the context.
    PQclear(run("SELECT * FROM policies WHERE id = $1 AND customer_id = $2", m[1].str(),
                std::to_string(ctx.customer_id)));
    return Response{};
  }});
  rt.push_back({std::regex(R"(^/beneficiaries$)"), [](const Request &, const std::smatch &, PortalCtx &ctx) {
    std::string id = std::to_string(ctx.body.at("beneficiary_id").get<long>());
    PQclear(run("DELETE FROM beneficiaries WHERE id = $1", id));
    // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: object id 'id' from request field 'beneficiary_id' reaches 'run' (DELETE … FROM beneficiaries)
    return Response{};
  }});
  return rt;
}

Response dispatch(const Request &req, const std::vector<std::pair<std::regex, Handler>> &rt) {
  std::string path(req.target());
  PortalCtx ctx;
  ctx.body = nlohmann::json::parse(req.body());
  ctx.customer_id = session_customer(req);
  if (!ctx.customer_id)
    return Response{http::status::unauthorized, req.version()};
  for (const auto &r : rt) {
    std::smatch m;
    if (std::regex_match(path, m, r.first))
      return r.second(req, m, ctx);
  }
  return Response{http::status::not_found, req.version()};
}

// Route functions reached through a table of member pointers and a
// std::function call (real cpprestsdk and SOCI headers): each parameter starts
// with what the dispatcher passes there (the ids it parsed from the path, the
// session it authenticated), and rows a SOCI statement loads into() its
// targets carry the key they were loaded with (load-then-check).
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs
#include <cpprest/http_listener.h>
#include <soci/soci.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace web::http;

soci::session &db();

struct Session {
  long long user_id = 0;
  std::string role;
};

struct RequestRow {
  long long id = 0;
  long long tenant_id = 0;
  std::string status;
};

static std::optional<RequestRow> loadRequest(long long id) {
  RequestRow r;
  db() << "SELECT id, tenant_id, status FROM maintenance_requests WHERE id = :id", soci::use(id),
      soci::into(r.id), soci::into(r.tenant_id), soci::into(r.status);
  if (!db().got_data()) return std::nullopt;
  return r;
}

class TenantApi {
public:
  using Params = std::vector<std::string>;
  using Handler = std::function<void(TenantApi *, http_request &, const Session &, const Params &)>;

  void dispatch(http_request req) {
    auto parts = web::uri::split_path(req.relative_uri().path());
    auto session = authenticate(req);
    if (!session) { req.reply(status_codes::Unauthorized); return; }
    static const std::map<std::string, Handler> table = {
        {"GET /requests/*", &TenantApi::getRequest},
        {"PATCH /requests/*", &TenantApi::reschedule},
        {"GET /requests/*/comments", &TenantApi::listComments},
        {"GET /me", &TenantApi::me},
    };
    std::string key = req.method() + " ";
    Params ids;
    for (const auto &p : parts) {
      bool numeric = !p.empty() && p.find_first_not_of("0123456789") == std::string::npos;
      key += "/" + (numeric ? std::string("*") : p);
      if (numeric) ids.push_back(p);
    }
    auto it = table.find(key);
    if (it == table.end()) { req.reply(status_codes::NotFound); return; }
    it->second(this, req, *session, ids);
  }

private:
  // The session cookie is looked up by its token: the row is the principal.
  std::optional<Session> authenticate(const http_request &req) {
    auto h = req.headers().find("Cookie");
    if (h == req.headers().end()) return std::nullopt;
    std::string sid = h->second;
    Session s;
    db() << "SELECT user_id, role FROM sessions WHERE token = :t", soci::use(sid), soci::into(s.user_id),
        soci::into(s.role);
    if (!db().got_data()) return std::nullopt;
    return s;
  }

  // Negative: load, then compare the loaded owner with the caller.
  void getRequest(http_request &req, const Session &s, const Params &ids) {
    auto r = loadRequest(std::stoll(ids.at(0)));
    if (!r || r->tenant_id != s.user_id) { req.reply(status_codes::NotFound); return; }
    req.reply(status_codes::OK, r->status);
  }

  void reschedule(http_request &req, const Session &s, const Params &ids) {
    const long long id = std::stoll(ids.at(0));
    auto r = loadRequest(id);
    // CHECK-MESSAGES-DAG: :[[@LINE-1]]:14: warning: object id 'id' from request path reaches 'loadRequest' (SELECT … FROM maintenance_requests) without an authorization check
    if (!r || r->status == "closed") { req.reply(status_codes::Conflict); return; }
    db() << "UPDATE maintenance_requests SET access_window = :w WHERE id = :id", soci::use(std::string("am")),
        soci::use(id);
    // CHECK-MESSAGES-DAG: :[[@LINE-2]]:5: warning: object id 'id' from request path reaches 'db() <<' (UPDATE maintenance_requests) without an authorization check
    req.reply(status_codes::NoContent);
  }

  void listComments(http_request &req, const Session &, const Params &ids) {
    const long long id = std::stoll(ids.at(0));
    soci::rowset<soci::row> rs = (db().prepare << "SELECT body FROM request_comments WHERE request_id = :r",
                                  soci::use(id));
    // CHECK-MESSAGES: :[[@LINE-2]]:35: warning: object id 'id' from request path reaches 'db().prepare <<' (SELECT … FROM request_comments) without an authorization check
    req.reply(status_codes::OK);
  }

  // Negative: the caller's own rows.
  void me(http_request &req, const Session &s, const Params &) {
    soci::rowset<soci::row> rs = (db().prepare << "SELECT id FROM maintenance_requests WHERE tenant_id = :t",
                                  soci::use(s.user_id));
    req.reply(status_codes::OK);
  }
};

// Negative: a table whose functions are called directly as well pass their own
// values (followed as helpers), not the dispatcher's.
using Fn = void (*)(long long);
void touch(long long id) {
  db() << "UPDATE maintenance_requests SET seen = 1 WHERE id = :id", soci::use(id);
}
static const Fn kFns[] = {&touch};
void housekeeping() {
  touch(42);
  for (Fn f : kFns) f(7);
}

// Route lambdas handed to a wrapper that authenticates and passes the caller
// on; rows scoped to a parent the caller may use; guards whose answer is
// dropped; claims of tokens nobody verified; reads that leave before their
// check. Real cpp-httplib, libpqxx, hiredis and cpp-jwt headers.
// RUN: %check_prodready %s prodready-trusted-client-id %t -- -- -std=c++17 -I%S/Inputs -I/usr/include/postgresql
#include <hiredis/hiredis.h>
#include <httplib.h>
#include <jwt/jwt.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>

pqxx::connection &conn();
redisContext *rc();

struct Caller {
  long id = 0;
  bool isStaff = false;
};

// Authenticates by the API key: a lookup keyed by a credential.
static std::optional<Caller> keyOwner(const httplib::Request &req) {
  auto key = req.get_header_value("X-Api-Key");
  pqxx::work tx{conn()};
  auto r = tx.exec_params("SELECT user_id, is_staff FROM api_keys WHERE key_hash = $1", key);
  if (r.empty())
    return std::nullopt;
  return Caller{r[0][0].as<long>(), r[0][1].as<bool>()};
}

using Authed = std::function<void(const httplib::Request &, httplib::Response &, const Caller &)>;
static httplib::Server::Handler withKey(Authed fn) {
  return [fn](const httplib::Request &req, httplib::Response &res) {
    auto c = keyOwner(req);
    if (!c) {
      res.status = 401;
      return;
    }
    fn(req, res, *c);
  };
}

static bool ownsCampaign(long user, long campaign) {
  pqxx::work tx{conn()};
  return !tx.exec_params("SELECT 1 FROM campaigns WHERE id = $1 AND creator_id = $2", campaign, user).empty();
}

// Says no by returning false after sending 403; it never throws.
static bool requireOwner(long user, long pledge, httplib::Response &res) {
  pqxx::work tx{conn()};
  auto r = tx.exec_params("SELECT backer_id FROM pledges WHERE id = $1", pledge);
  if (r.empty() || r[0][0].as<long>() != user) {
    res.status = 403;
    return false;
  }
  return true;
}

// Accepts an expired or forged token: decoded without verification.
static std::optional<long> anySubject(const std::string &token) {
  std::error_code ec;
  auto obj = jwt::decode(token, jwt::params::algorithms({"HS256"}), ec, jwt::params::verify(false));
  return std::stol(obj.payload().get_claim_value<std::string>("sub"));
}

long session_user(const httplib::Request &req);

void routes(httplib::Server &svr) {
  // The wrapper's caller is the principal inside the lambda.
  svr.Get(R"(/payouts/(\d+))", withKey([](const httplib::Request &req, httplib::Response &res, const Caller &p) {
    pqxx::work tx{conn()};
    // Negative: scoped to the caller the wrapper passed.
    tx.exec_params("SELECT * FROM payouts WHERE id = $1 AND creator_id = $2", std::stol(req.matches[1]), p.id);
    tx.exec_params("SELECT * FROM payouts WHERE id = $1", std::stol(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'std::stol(req.matches[1])' from route parameter of 'GET /payouts/(\d+)' reaches 'tx.exec_params' (SELECT … FROM payouts)
  }));

  svr.Post(R"(/admin/campaigns/(\d+)/freeze)", withKey([](const httplib::Request &req, httplib::Response &res, const Caller &p) {
    if (!p.isStaff) {
      res.status = 403;
      return;
    }
    pqxx::work tx{conn()};
    // Negative: a role check on the wrapper's caller.
    tx.exec_params("UPDATE campaigns SET frozen = true WHERE id = $1", std::stol(req.matches[1]));
  }));

  // A row scoped to a parent the caller owns.
  svr.Get(R"(/campaigns/(\d+)/messages/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long me = session_user(req);
    long campaign = std::stol(req.matches[1]);
    pqxx::work tx{conn()};
    if (!ownsCampaign(me, campaign)) {
      res.status = 403;
      return;
    }
    // Negative: the message is the campaign's, and the caller owns that.
    tx.exec_params("SELECT body FROM messages WHERE id = $1 AND campaign_id = $2", std::stol(req.matches[2]), campaign);
  });

  svr.Delete(R"(/campaigns/(\d+)/messages/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work tx{conn()};
    // The parent is the client's choice too, and nobody checked it.
    tx.exec_params("DELETE FROM messages WHERE id = $1 AND campaign_id = $2", std::stol(req.matches[2]),
                   std::stol(req.matches[1]));
    // CHECK-MESSAGES: :[[@LINE-2]]:5: warning: object id 'std::stol(req.matches[2])' from route parameter of 'DELETE /campaigns/(\d+)/messages/(\d+)' reaches 'tx.exec_params' (DELETE … FROM messages)
  });

  // A guard whose answer is dropped stops nothing.
  svr.Put(R"(/pledges/(\d+)/reward)", [](const httplib::Request &req, httplib::Response &res) {
    long me = session_user(req);
    long pledge = std::stol(req.matches[1]);
    requireOwner(me, pledge, res);
    pqxx::work tx{conn()};
    tx.exec_params("UPDATE pledges SET tier = 2 WHERE id = $1", pledge);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: object id 'pledge' from route parameter of 'PUT /pledges/(\d+)/reward' reaches 'tx.exec_params' (UPDATE pledges)
  });
  svr.Delete(R"(/pledges/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long me = session_user(req);
    long pledge = std::stol(req.matches[1]);
    if (!requireOwner(me, pledge, res))
      return;
    pqxx::work tx{conn()};
    // Negative: the same guard, its answer tested.
    tx.exec_params("DELETE FROM pledges WHERE id = $1", pledge);
  });

  // The `sub` claim of a token decoded without verification, through a helper.
  svr.Get("/receipts", [](const httplib::Request &req, httplib::Response &res) {
    auto sub = anySubject(req.get_header_value("Authorization").substr(7));
    std::string path = "/srv/receipts/" + std::to_string(*sub) + ".pdf";
    std::FILE *f = std::fopen(path.c_str(), "rb");
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: client-asserted identity 'path' from header 'Authorization.sub' of 'GET /receipts' selects whose data 'std::fopen'
    if (f)
      std::fclose(f);
  });

  // Rows the statement scopes to the caller are the caller's own data.
  svr.Get(R"(/plans/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long me = session_user(req);
    pqxx::work tx{conn()};
    auto r = tx.exec_params("SELECT file FROM plans WHERE id = $1 AND owner_id = $2", std::stol(req.matches[1]), me);
    if (r.empty())
      return;
    // Negative: a file named by the caller's own row.
    std::FILE *f = std::fopen(("/srv/plans/" + r[0][0].as<std::string>()).c_str(), "rb");
    if (f)
      std::fclose(f);
  });

  // Load-then-check, unless the data leaves before the check.
  svr.Get(R"(/reservations/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long me = session_user(req);
    long id = std::stol(req.matches[1]);
    if (auto *hit = static_cast<redisReply *>(redisCommand(rc(), "GET card:%ld", id))) {
      // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: object id 'id' from route parameter of 'GET /reservations/(\d+)' reaches 'redisCommand' (redis access)
      return res.set_content(hit->str, "application/json");
    }
    pqxx::work tx{conn()};
    auto r = tx.exec_params("SELECT guest_id, card FROM reservations WHERE id = $1", id);
    if (r.empty() || r[0][0].as<long>() != me)
      return;
    res.set_content(r[0][1].c_str(), "application/json");
  });
  svr.Get(R"(/tables/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long me = session_user(req);
    long id = std::stol(req.matches[1]);
    pqxx::work tx{conn()};
    // Negative: checked before anything is returned.
    auto r = tx.exec_params("SELECT guest_id, card FROM reservations WHERE id = $1", id);
    if (r.empty() || r[0][0].as<long>() != me)
      return;
    res.set_content(r[0][1].c_str(), "application/json");
  });

  // Negative: a public route under an API prefix (PublicRoutes).
  svr.Get(R"(/api/v1/public/permits/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work tx{conn()};
    tx.exec_params("SELECT kind, address FROM permits WHERE id = $1", std::stol(req.matches[1]));
  });
}

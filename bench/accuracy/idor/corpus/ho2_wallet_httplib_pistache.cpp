// Held-out (second set): a wallet service. Public API on cpp-httplib with a
// pre-routing authentication hook, internal API on Pistache, SQLiteCpp storage
// behind a repository. Written before any change to the check for this set.
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <optional>
#include <string>

namespace wallet {

struct Wallet {
  std::string id;
  std::string holder;
  long balance = 0;
};

class WalletRepository {
public:
  std::optional<Wallet> findById(const std::string &id);
  void updateBalance(const std::string &id, long delta);
  std::vector<Wallet> findByHolder(const std::string &holder);
};

static WalletRepository repo;
static SQLite::Database *db;

// Resolves the bearer token to the user it was issued to; empty when invalid.
std::string user_from_token(const std::string &authorization);

void public_api(httplib::Server &svr) {
  // Authentication only: rejects requests without a valid token.
  svr.set_pre_routing_handler([](const httplib::Request &req, httplib::Response &res) {
    if (req.path.rfind("/api/", 0) == 0 && user_from_token(req.get_header_value("Authorization")).empty()) {
      res.status = 401;
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });

  // Authenticated, but any wallet can be read.
  svr.Get(R"(/api/wallets/([0-9a-f-]+))", [](const httplib::Request &req, httplib::Response &res) {
    auto w = repo.findById(req.matches[1]); // EXPECT: idor
    res.set_content(w ? std::to_string(w->balance) : "", "text/plain");
  });

  // Load, then compare the holder with the token's user before answering.
  svr.Get(R"(/api/v2/wallets/([0-9a-f-]+))", [](const httplib::Request &req, httplib::Response &res) {
    std::string user = user_from_token(req.get_header_value("Authorization"));
    auto w = repo.findById(req.matches[1]); // EXPECT: ok
    if (!w || w->holder != user) {
      res.status = 404;
      return;
    }
    res.set_content(std::to_string(w->balance), "text/plain");
  });

  // Transfer: the source wallet's holder is checked, the destination is just credited.
  svr.Post("/api/transfers", [](const httplib::Request &req, httplib::Response &res) {
    std::string user = user_from_token(req.get_header_value("Authorization"));
    auto in = nlohmann::json::parse(req.body);
    std::string from = in.at("from_wallet").get<std::string>();
    std::string to = in.at("to_wallet").get<std::string>();
    long amount = in.at("amount").get<long>();
    auto src = repo.findById(from); // EXPECT: ok
    if (!src || src->holder != user) {
      res.status = 403;
      return;
    }
    repo.updateBalance(from, -amount); // EXPECT: ok
    repo.updateBalance(to, amount);    // EXPECT: ok
  });

  // Statement history: the wallet id goes into a request-scoped context object
  // whose member is used later; no holder check.
  svr.Get(R"(/api/wallets/([0-9a-f-]+)/statement)", [](const httplib::Request &req, httplib::Response &res) {
    struct Ctx {
      std::string wallet;
      int limit = 50;
    } ctx;
    ctx.wallet = req.matches[1];
    if (req.has_param("limit"))
      ctx.limit = std::stoi(req.get_param_value("limit"));
    SQLite::Statement q(*db, "SELECT ts, amount FROM entries WHERE wallet_id = ? ORDER BY ts DESC LIMIT ?");
    q.bind(1, ctx.wallet); // EXPECT: idor
    q.bind(2, ctx.limit);
    std::string out;
    while (q.executeStep())
      out += q.getColumn(1).getString() + "\n";
    res.set_content(out, "text/plain");
  });

  // The caller's wallets.
  svr.Get("/api/me/wallets", [](const httplib::Request &req, httplib::Response &res) {
    std::string user = user_from_token(req.get_header_value("Authorization"));
    auto ws = repo.findByHolder(user); // EXPECT: ok
    res.set_content(std::to_string(ws.size()), "text/plain");
  });

  // Exchange rates: public, keyed by a currency code.
  svr.Get(R"(/rates/([A-Z]{3}))", [](const httplib::Request &req, httplib::Response &res) {
    SQLite::Statement q(*db, "SELECT rate FROM rates WHERE currency = ?");
    q.bind(1, req.matches[1].str()); // EXPECT: ok
    if (q.executeStep())
      res.set_content(q.getColumn(0).getString(), "text/plain");
  });
}

// Internal API on Pistache, called by other services with a service token;
// some calls also name the end user in a header.
struct ServiceCaller {
  std::string service;
  std::vector<std::string> roles;
};
ServiceCaller verify_service_token(const std::string &authorization); // throws when invalid

class InternalApi {
public:
  void routes(Pistache::Rest::Router &r) {
    using namespace Pistache::Rest;
    Routes::Get(r, "/internal/wallets/:id", Routes::bind(&InternalApi::get, this));
    Routes::Post(r, "/internal/wallets/:id/freeze", Routes::bind(&InternalApi::freeze, this));
    Routes::Get(r, "/internal/holder-wallets", Routes::bind(&InternalApi::byHolder, this));
  }

  void get(const Pistache::Rest::Request &req, Pistache::Http::ResponseWriter resp) {
    walletId_ = req.param(":id").as<std::string>();
    load();
    resp.send(Pistache::Http::Code::Ok, current_ ? current_->holder : "");
  }

  // Freezing requires the fraud role (checked in the loop over roles).
  void freeze(const Pistache::Rest::Request &req, Pistache::Http::ResponseWriter resp) {
    ServiceCaller caller = verify_service_token(req.headers().getRaw("Authorization").value());
    bool fraud = false;
    for (const auto &role : caller.roles)
      if (role == "fraud-ops")
        fraud = true;
    if (!fraud) {
      resp.send(Pistache::Http::Code::Forbidden);
      return;
    }
    repo.updateBalance(req.param(":id").as<std::string>(), 0); // EXPECT: ok
    resp.send(Pistache::Http::Code::Ok);
  }

  void byHolder(const Pistache::Rest::Request &req, Pistache::Http::ResponseWriter resp) {
    auto holder = req.headers().getRaw("X-User").value();
    auto ws = repo.findByHolder(holder); // EXPECT: identity
    resp.send(Pistache::Http::Code::Ok, std::to_string(ws.size()));
  }

private:
  void load() { current_ = repo.findById(walletId_); } // EXPECT: idor

  std::string walletId_;
  std::optional<Wallet> current_;
};

} // namespace wallet

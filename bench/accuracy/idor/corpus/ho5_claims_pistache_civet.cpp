// Held-out (fifth set): an insurance-claims system. Policyholders use a
// Pistache REST API backed by repository classes; adjusters use a back-office
// UI on CivetWeb that talks to PostgreSQL through libpq. Written before
// scoring, check and model unchanged.
#include <civetweb.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using Pistache::Http::Code;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

namespace claims {

struct Claim {
  long id = 0;
  long policy_id = 0;
  long holder_id = 0;
  std::string status; // "draft", "submitted", "approved", "paid"
  std::string description;
};

class ClaimRepository {
public:
  std::optional<Claim> findById(long id);
  std::string statusOf(long id);
  long holderOf(long id);
  std::vector<Claim> listForPolicy(long policy_id);
  std::vector<Claim> listForHolder(long holder_id);
  long create(long policy_id, long holder_id, const std::string &description);
  void attachDocument(long claim_id, const std::string &bytes);
  void removeDraft(long claim_id);
  void setPayoutAccount(long claim_id, const std::string &iban);
  void addWitness(long claim_id, const std::string &name);
  void updateDescription(long claim_id, const std::string &text);
};

class PolicyDao {
public:
  bool isHolderOf(long policy_id, long holder_id);
};

struct Holder {
  long id = 0;
  std::vector<long> policy_ids;
};

struct AccessDenied : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Verifies the bearer token of the policyholder app; throws when invalid.
Holder authenticate(const Request &req);
void log_error(const std::string &msg);

class HolderApi {
public:
  HolderApi(ClaimRepository &claims, PolicyDao &policies) : claims_(claims), policies_(policies) {}

  void routes(Pistache::Rest::Router &r) {
    using namespace Pistache::Rest;
    Routes::Get(r, "/claims/:id", Routes::bind(&HolderApi::show, this));
    Routes::Get(r, "/claims/:id/status", Routes::bind(&HolderApi::status, this));
    Routes::Post(r, "/claims/:id/documents", Routes::bind(&HolderApi::upload, this));
    Routes::Post(r, "/claims", Routes::bind(&HolderApi::file, this));
    Routes::Delete(r, "/claims/:id", Routes::bind(&HolderApi::withdraw, this));
    Routes::Get(r, "/policies/:pid/claims", Routes::bind(&HolderApi::policyClaims, this));
    Routes::Get(r, "/policies/:pid/document", Routes::bind(&HolderApi::policyDocument, this));
    Routes::Get(r, "/dashboard", Routes::bind(&HolderApi::dashboard, this));
    Routes::Put(r, "/claims/:id/payout-account", Routes::bind(&HolderApi::payoutAccount, this));
    Routes::Post(r, "/claims/:id/witnesses", Routes::bind(&HolderApi::witness, this));
    Routes::Patch(r, "/claims/:id", Routes::bind(&HolderApi::edit, this));
  }

  // Claim detail: loaded, then compared with the caller.
  void show(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    auto c = claims_.findById(req.param(":id").as<long>()); // EXPECT: ok
    if (!c || c->holder_id != me.id) {
      resp.send(Code::Not_Found);
      return;
    }
    resp.send(Code::Ok, nlohmann::json{{"status", c->status}, {"description", c->description}}.dump());
  }

  // Status badge: no ownership check.
  void status(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    (void)me;
    resp.send(Code::Ok, claims_.statusOf(req.param(":id").as<long>())); // EXPECT: idor
  }

  // Upload evidence: ownership compared before the write.
  void upload(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    long id = req.param(":id").as<long>();
    auto c = claims_.findById(id); // EXPECT: ok
    if (!c)
      return void(resp.send(Code::Not_Found));
    if (c->holder_id != me.id)
      return void(resp.send(Code::Forbidden));
    claims_.attachDocument(id, req.body()); // EXPECT: ok
    resp.send(Code::Created);
  }

  // File a claim: the policy in the body must be one the caller holds.
  void file(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    auto body = nlohmann::json::parse(req.body());
    long policy = body.at("policy_id").get<long>();
    if (!policies_.isHolderOf(policy, me.id)) { // EXPECT: ok
      resp.send(Code::Forbidden);
      return;
    }
    long id = claims_.create(policy, me.id, body.value("description", "")); // EXPECT: ok
    resp.send(Code::Created, std::to_string(id));
  }

  // Withdraw a draft: deleted by id only.
  void withdraw(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    (void)me;
    claims_.removeDraft(req.param(":id").as<long>()); // EXPECT: idor
    resp.send(Code::No_Content);
  }

  // Claims of a policy: only the caller's own policies (from the token).
  void policyClaims(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    long pid = req.param(":pid").as<long>();
    if (std::find(me.policy_ids.begin(), me.policy_ids.end(), pid) == me.policy_ids.end()) {
      resp.send(Code::Not_Found);
      return;
    }
    auto list = claims_.listForPolicy(pid); // EXPECT: ok
    resp.send(Code::Ok, std::to_string(list.size()));
  }

  // Policy schedule PDF straight from disk, no holder check.
  void policyDocument(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    (void)me;
    std::string pid = req.param(":pid").as<std::string>();
    std::ifstream in("/srv/claims/policies/" + pid + ".pdf", std::ios::binary); // EXPECT: idor
    std::stringstream ss;
    ss << in.rdbuf();
    resp.send(Code::Ok, ss.str());
  }

  // Dashboard: the holder is read from the "holder" cookie set at login.
  void dashboard(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    (void)me;
    long holder = std::stol(req.cookies().get("holder").value);
    auto list = claims_.listForHolder(holder); // EXPECT: identity
    resp.send(Code::Ok, std::to_string(list.size()));
  }

  // Payout account: a throwing guard runs before the write.
  void payoutAccount(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    long id = req.param(":id").as<long>();
    try {
      ensureOwnClaim(id, me);
    } catch (const AccessDenied &) {
      resp.send(Code::Forbidden);
      return;
    }
    claims_.setPayoutAccount(id, nlohmann::json::parse(req.body()).at("iban").get<std::string>()); // EXPECT: ok
    resp.send(Code::No_Content);
  }

  // Add a witness: the owner is compared with a holder id the app sends along.
  void witness(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    (void)me;
    long id = req.param(":id").as<long>();
    auto body = nlohmann::json::parse(req.body());
    if (claims_.holderOf(id) != body.at("holder_id").get<long>()) { // EXPECT: ok
      resp.send(Code::Forbidden);
      return;
    }
    claims_.addWitness(id, body.at("name").get<std::string>()); // EXPECT: idor
    resp.send(Code::Created);
  }

  // Edit description: the guard's exception is logged and swallowed.
  void edit(const Request &req, ResponseWriter resp) {
    Holder me = authenticate(req);
    long id = req.param(":id").as<long>();
    try {
      ensureOwnClaim(id, me);
    } catch (const std::exception &e) {
      log_error(std::string("edit: ") + e.what());
    }
    claims_.updateDescription(id, req.body()); // EXPECT: idor
    resp.send(Code::No_Content);
  }

private:
  void ensureOwnClaim(long id, const Holder &me) {
    auto c = claims_.findById(id); // EXPECT: ok
    if (!c || c->holder_id != me.id)
      throw AccessDenied("claim " + std::to_string(id));
  }

  ClaimRepository &claims_;
  PolicyDao &policies_;
};

// ---- adjuster back office (CivetWeb + libpq) ----

static PGconn *pg;

struct Adjuster {
  long id = 0;
  std::string region;
  bool supervisor = false;
};

// Resolves the back-office SSO session cookie; id 0 when not logged in.
Adjuster current_adjuster(struct mg_connection *c);

static std::string qvar(struct mg_connection *c, const char *name) {
  const struct mg_request_info *ri = mg_get_request_info(c);
  if (!ri->query_string)
    return "";
  char buf[128];
  int n = mg_get_var(ri->query_string, std::strlen(ri->query_string), name, buf, sizeof buf);
  return n > 0 ? std::string(buf, n) : std::string();
}

static void send(struct mg_connection *c, int code, const std::string &body) {
  mg_printf(c, "HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", code, body.size(),
            body.c_str());
}

static std::string first_value(PGresult *r) {
  std::string v = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  PQclear(r);
  return v;
}

static bool claim_in_region(const std::string &claim, const std::string &region) {
  const char *params[2] = {claim.c_str(), region.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT 1 FROM claims WHERE id = $1 AND region = $2", 2, nullptr, params, nullptr, // EXPECT: ok
                             nullptr, 0);
  bool ok = PQntuples(r) == 1;
  PQclear(r);
  return ok;
}

// GET /adj/claim?id=N: scoped to the adjuster's region in the statement.
int adj_claim(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id)
    return 401;
  std::string id = qvar(c, "id");
  const char *params[2] = {id.c_str(), me.region.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT description, reserve_cents FROM claims WHERE id = $1 AND region = $2", 2, // EXPECT: ok
                             nullptr, params, nullptr, nullptr, 0);
  send(c, 200, first_value(r));
  return 200;
}

// POST /adj/approve?id=N: only the assigned adjuster may approve.
int adj_approve(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id)
    return 401;
  std::string id = qvar(c, "id");
  const char *p1[1] = {id.c_str()};
  std::string assigned = first_value(PQexecParams(pg, "SELECT assigned_adjuster FROM claims WHERE id = $1", 1, nullptr, // EXPECT: ok
                                                  p1, nullptr, nullptr, 0));
  if (assigned != std::to_string(me.id)) {
    send(c, 403, "{}");
    return 403;
  }
  PQclear(PQexecParams(pg, "UPDATE claims SET status = 'approved' WHERE id = $1", 1, nullptr, p1, nullptr, nullptr, 0)); // EXPECT: ok
  send(c, 204, "");
  return 204;
}

// POST /adj/payout?id=N&amount=C: large payouts need a supervisor; small ones need nothing.
int adj_payout(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id)
    return 401;
  std::string id = qvar(c, "id");
  long amount = std::stol(qvar(c, "amount"));
  if (amount > 1000000 && !me.supervisor) {
    send(c, 403, "{}");
    return 403;
  }
  std::string cents = std::to_string(amount);
  const char *params[2] = {cents.c_str(), id.c_str()};
  PQclear(PQexecParams(pg, "INSERT INTO payouts (amount_cents, claim_id) VALUES ($1, $2)", 2, nullptr, params, nullptr, // EXPECT: idor
                       nullptr, 0));
  send(c, 201, "{}");
  return 201;
}

// GET /adj/notes?id=N: internal notes of any claim, no region or assignment check.
int adj_notes(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id)
    return 401;
  std::string id = qvar(c, "id");
  const char *params[1] = {id.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT string_agg(body, E'\\n') FROM claim_notes WHERE claim_id = $1", 1, nullptr, // EXPECT: idor
                             params, nullptr, nullptr, 0);
  send(c, 200, first_value(r));
  return 200;
}

// GET /adj/worklist: the adjuster comes from a header of the old SSO proxy.
int adj_worklist(struct mg_connection *c, void *) {
  const char *hdr = mg_get_header(c, "X-Adjuster-Id");
  if (!hdr)
    return 401;
  std::string adjuster(hdr);
  const char *params[1] = {adjuster.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT id FROM claims WHERE assigned_adjuster = $1 AND status = 'submitted'", 1, // EXPECT: identity
                             nullptr, params, nullptr, nullptr, 0);
  send(c, 200, std::to_string(PQntuples(r)));
  PQclear(r);
  return 200;
}

// GET /adj/fraud-score?claim=N: supervisors only.
int adj_fraud(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id || !me.supervisor) {
    send(c, 403, "{}");
    return 403;
  }
  std::string claim = qvar(c, "claim");
  const char *params[1] = {claim.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT score FROM fraud_scores WHERE claim_id = $1", 1, nullptr, params, nullptr, // EXPECT: ok
                             nullptr, 0);
  send(c, 200, first_value(r));
  return 200;
}

// POST /adj/reassign (form: claim, to): supervisors move claims between adjusters.
int adj_reassign(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.supervisor) {
    send(c, 403, "{}");
    return 403;
  }
  char form[512];
  int n = mg_read(c, form, sizeof form - 1);
  form[n > 0 ? n : 0] = '\0';
  char claim[32], to[32];
  if (mg_get_var(form, std::strlen(form), "claim", claim, sizeof claim) <= 0 ||
      mg_get_var(form, std::strlen(form), "to", to, sizeof to) <= 0)
    return 400;
  std::string sql = "UPDATE claims SET assigned_adjuster = " + std::to_string(std::stol(to)) +
                    " WHERE id = " + std::to_string(std::stol(claim));
  PQclear(PQexec(pg, sql.c_str())); // EXPECT: ok
  send(c, 204, "");
  return 204;
}

// GET /adj/photo?claim=N&n=K: region check, then the photo file.
int adj_photo(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id)
    return 401;
  std::string claim = qvar(c, "claim");
  if (!claim_in_region(claim, me.region)) {
    send(c, 404, "{}");
    return 404;
  }
  std::string path = "/srv/claims/photos/" + claim + "/" + std::to_string(std::stoi(qvar(c, "n"))) + ".jpg";
  FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: ok
  if (!f)
    return 404;
  char buf[8192];
  size_t got;
  mg_printf(c, "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n");
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0)
    mg_write(c, buf, got);
  std::fclose(f);
  return 200;
}

// GET /adj/claimant?claim=N&holder=M: the claim's region is checked, the holder is read by the query's id.
int adj_claimant(struct mg_connection *c, void *) {
  Adjuster me = current_adjuster(c);
  if (!me.id)
    return 401;
  if (!claim_in_region(qvar(c, "claim"), me.region)) {
    send(c, 404, "{}");
    return 404;
  }
  std::string holder = qvar(c, "holder");
  const char *params[1] = {holder.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT full_name, phone, address FROM holders WHERE id = $1", 1, nullptr, params, // EXPECT: idor
                             nullptr, nullptr, 0);
  send(c, 200, first_value(r));
  return 200;
}

void register_backoffice(struct mg_context *ctx) {
  mg_set_request_handler(ctx, "/adj/claim$", adj_claim, nullptr);
  mg_set_request_handler(ctx, "/adj/approve$", adj_approve, nullptr);
  mg_set_request_handler(ctx, "/adj/payout$", adj_payout, nullptr);
  mg_set_request_handler(ctx, "/adj/notes$", adj_notes, nullptr);
  mg_set_request_handler(ctx, "/adj/worklist$", adj_worklist, nullptr);
  mg_set_request_handler(ctx, "/adj/fraud-score$", adj_fraud, nullptr);
  mg_set_request_handler(ctx, "/adj/reassign$", adj_reassign, nullptr);
  mg_set_request_handler(ctx, "/adj/photo$", adj_photo, nullptr);
  mg_set_request_handler(ctx, "/adj/claimant$", adj_claimant, nullptr);
}

} // namespace claims

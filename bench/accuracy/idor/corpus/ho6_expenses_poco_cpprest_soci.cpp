// Expense management: employees file itemised expense reports with receipt images, managers
// (or their delegates) approve, finance reimburses. Main REST API served by POCO Net, a small
// mobile approvals API by cpprestsdk; storage through SOCI (PostgreSQL), receipts on local disk.

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <cpprest/http_listener.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using json = nlohmann::json;
using Id = long long;

namespace expenses {

std::string token_digest(const std::string& token);  // HMAC-SHA256 from the auth library
const std::string kReceiptDir = "/srv/expenses/receipts/";

struct ApiError : std::runtime_error {
  int status;
  ApiError(int s, const std::string& m) : std::runtime_error(m), status(s) {}
};

struct Employee {
  Id id = 0;
  Id org_id = 0;
  std::string role;  // employee | manager | finance
};

struct Report {
  Id id = 0, employee_id = 0, org_id = 0, approver_id = 0;
  std::string title, status;
  double total = 0;
};

struct Delegation { Id delegator_id = 0, delegate_id = 0; std::string valid_until; };

json row_json(const soci::row& r) {
  json j;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto& p = r.get_properties(i);
    if (r.get_indicator(i) == soci::i_null) { j[p.get_name()] = nullptr; continue; }
    switch (p.get_data_type()) {
      case soci::dt_string: j[p.get_name()] = r.get<std::string>(i); break;
      case soci::dt_double: j[p.get_name()] = r.get<double>(i); break;
      case soci::dt_integer: j[p.get_name()] = r.get<int>(i); break;
      case soci::dt_long_long: j[p.get_name()] = r.get<long long>(i); break;
      default: j[p.get_name()] = "?";
    }
  }
  return j;
}

json rowset_json(soci::rowset<soci::row>& rs) {
  json out = json::array();
  for (const auto& r : rs) out.push_back(row_json(r));
  return out;
}

class ReportRepo {
 public:
  explicit ReportRepo(soci::session& sql) : sql_(sql) {}

  std::optional<Report> find(Id id) {
    Report r;
    soci::indicator appr_ind = soci::i_ok;
    sql_ << "SELECT id, employee_id, org_id, approver_id, title, status, total FROM expense_reports WHERE id = :id", soci::into(r.id), soci::into(r.employee_id), soci::into(r.org_id), soci::into(r.approver_id, appr_ind), soci::into(r.title), soci::into(r.status), soci::into(r.total), soci::use(id); // EXPECT: ok
    if (!sql_.got_data()) return std::nullopt;
    if (appr_ind == soci::i_null) r.approver_id = 0;
    return r;
  }

  json items(Id report_id) {
    soci::rowset<soci::row> rs = (sql_.prepare << "SELECT id, amount, category, merchant, spent_on, receipt_key FROM expense_items WHERE report_id = :r ORDER BY spent_on", soci::use(report_id)); // EXPECT: idor
    return rowset_json(rs);
  }

  Id create(Id employee_id, Id org_id, const std::string& title) {
    Id id = 0;
    sql_ << "INSERT INTO expense_reports (employee_id, org_id, title, status) VALUES (:e, :o, :t, 'draft') RETURNING id", soci::use(employee_id), soci::use(org_id), soci::use(title), soci::into(id); // EXPECT: identity
    return id;
  }

 private:
  soci::session& sql_;
};

bool is_delegate_of(soci::session& sql, Id delegate, Id approver) {
  int n = 0;
  sql << "SELECT COUNT(*) FROM approval_delegations WHERE delegate_id = :d AND delegator_id = :a AND valid_until > now()", soci::into(n), soci::use(delegate), soci::use(approver); // EXPECT: ok
  return n > 0;
}

bool can_view(soci::session& sql, const Employee& me, const Report& r) {
  if (r.employee_id == me.id || (r.approver_id != 0 && r.approver_id == me.id)) return true;
  if (me.role == "finance" && r.org_id == me.org_id) return true;
  return r.approver_id != 0 && is_delegate_of(sql, me.id, r.approver_id);
}

void require_approver(soci::session& sql, Id me, Id report_id) {
  Id approver = 0;
  soci::indicator ind = soci::i_ok;
  sql << "SELECT approver_id FROM expense_reports WHERE id = :id AND status = 'submitted'", soci::into(approver, ind), soci::use(report_id); // EXPECT: ok
  if (!sql.got_data() || ind == soci::i_null) throw ApiError(404, "no submitted report");
  if (approver != me && !is_delegate_of(sql, me, approver)) throw ApiError(403, "you are not the approver");
}

bool is_approver_for(soci::session& sql, Id me, Id report_id) {
  try {
    require_approver(sql, me, report_id);
    return true;
  } catch (const ApiError&) {
    return false;
  }
}

// ================================ POCO main API ================================

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

struct Ctx {
  soci::session& sql;
  Employee me;
  std::smatch path;
  std::map<std::string, std::string> query;
  json body;
  HTTPServerResponse& res;

  Id path_id(int i = 1) const { return std::stoll(path[i].str()); }
  void send(HTTPResponse::HTTPStatus st, const json& j) {
    res.setStatus(st);
    res.setContentType("application/json");
    res.send() << j.dump();
  }
};

class ExpenseApi : public Poco::Net::HTTPRequestHandler {
 public:
  explicit ExpenseApi(soci::connection_pool& pool) : pool_(pool) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& res) override {
    using Handler = void (ExpenseApi::*)(Ctx&);
    static const std::vector<std::tuple<std::string, std::regex, Handler>> routes = {
        {"GET", std::regex(R"(^/reports$)"), &ExpenseApi::listReports},
        {"POST", std::regex(R"(^/reports$)"), &ExpenseApi::createReport},
        {"GET", std::regex(R"(^/reports/(\d+)$)"), &ExpenseApi::getReport},
        {"GET", std::regex(R"(^/reports/(\d+)/items$)"), &ExpenseApi::listItems},
        {"POST", std::regex(R"(^/reports/(\d+)/items$)"), &ExpenseApi::addItem},
        {"PUT", std::regex(R"(^/items/(\d+)$)"), &ExpenseApi::updateItem},
        {"DELETE", std::regex(R"(^/items/(\d+)$)"), &ExpenseApi::deleteItem},
        {"GET", std::regex(R"(^/receipts/([a-f0-9]{32})$)"), &ExpenseApi::getReceipt},
        {"POST", std::regex(R"(^/reports/(\d+)/approve$)"), &ExpenseApi::approveReport},
        {"POST", std::regex(R"(^/approvals/batch$)"), &ExpenseApi::batchApprove},
        {"POST", std::regex(R"(^/delegations$)"), &ExpenseApi::createDelegation},
        {"POST", std::regex(R"(^/reimbursements$)"), &ExpenseApi::reimburse},
    };
    Poco::URI uri(req.getURI());
    const std::string path = uri.getPath();
    soci::session sql(pool_);
    try {
      auto me = authenticate(sql, req);
      if (!me) throw ApiError(401, "invalid or expired session");
      std::string raw;
      Poco::StreamCopier::copyToString(req.stream(), raw);
      for (const auto& [method, pattern, handler] : routes) {
        std::smatch m;
        if (method != req.getMethod() || !std::regex_match(path, m, pattern)) continue;
        Ctx ctx{sql, *me, m, {}, raw.empty() ? json::object() : json::parse(raw), res};
        for (const auto& [k, v] : uri.getQueryParameters()) ctx.query[k] = v;
        (this->*handler)(ctx);
        return;
      }
      throw ApiError(404, "no such route");
    } catch (const ApiError& e) {
      res.setStatus(static_cast<HTTPResponse::HTTPStatus>(e.status));
      res.send() << json{{"error", e.what()}}.dump();
    } catch (const std::exception& e) {
      res.setStatus(HTTPResponse::HTTP_BAD_REQUEST);
      res.send() << json{{"error", e.what()}}.dump();
    }
  }

 private:
  std::optional<Employee> authenticate(soci::session& sql, HTTPServerRequest& req) {
    const std::string auth = req.get("Authorization", "");
    if (auth.rfind("Bearer ", 0) != 0) return std::nullopt;
    Employee e;
    sql << "SELECT e.id, e.org_id, e.role FROM api_sessions s JOIN employees e ON e.id = s.employee_id WHERE s.token_digest = :d AND s.expires_at > now()", soci::into(e.id), soci::into(e.org_id), soci::into(e.role), soci::use(token_digest(auth.substr(7))); // EXPECT: ok
    if (!sql.got_data()) return std::nullopt;
    return e;
  }

  void listReports(Ctx& c) {
    soci::rowset<soci::row> rs = (c.sql.prepare << "SELECT id, title, status, total, created_at FROM expense_reports WHERE employee_id = :e ORDER BY created_at DESC", soci::use(c.me.id)); // EXPECT: ok
    c.send(HTTPResponse::HTTP_OK, rowset_json(rs));
  }

  void createReport(Ctx& c) {
    // assistants may file on behalf of the executive they support
    Id owner = c.body.contains("employee_id") ? c.body["employee_id"].get<Id>() : c.me.id;
    Id id = ReportRepo(c.sql).create(owner, c.me.org_id, c.body.at("title").get<std::string>()); // EXPECT: identity
    c.send(HTTPResponse::HTTP_CREATED, {{"id", id}});
  }

  void getReport(Ctx& c) {
    auto rep = ReportRepo(c.sql).find(c.path_id()); // EXPECT: ok
    if (!rep || !can_view(c.sql, c.me, *rep)) throw ApiError(404, "report not found");
    c.send(HTTPResponse::HTTP_OK, {{"id", rep->id}, {"title", rep->title}, {"status", rep->status}, {"total", rep->total}});
  }

  void listItems(Ctx& c) {
    ReportRepo repo(c.sql);
    json items = repo.items(c.path_id()); // EXPECT: idor
    if (c.query["include_receipts"] == "1") {
      auto rep = repo.find(c.path_id()); // EXPECT: ok
      if (!rep || !can_view(c.sql, c.me, *rep)) throw ApiError(403, "forbidden");
      for (auto& it : items)
        if (!it["receipt_key"].is_null()) it["receipt_url"] = "/receipts/" + it["receipt_key"].get<std::string>();
    }
    c.send(HTTPResponse::HTTP_OK, items);
  }

  void addItem(Ctx& c) {
    auto rep = ReportRepo(c.sql).find(c.path_id()); // EXPECT: ok
    if (!rep || rep->employee_id != c.me.id) throw ApiError(404, "report not found");
    if (rep->status != "draft") throw ApiError(409, "report already submitted");
    const double amount = c.body.at("amount").get<double>();
    const std::string category = c.body.at("category").get<std::string>(), merchant = c.body.value("merchant", "");
    c.sql << "INSERT INTO expense_items (report_id, amount, category, merchant) VALUES (:r, :a, :c, :m)", soci::use(rep->id), soci::use(amount), soci::use(category), soci::use(merchant); // EXPECT: ok
    c.sql << "UPDATE expense_reports SET total = total + :a WHERE id = :r", soci::use(amount), soci::use(rep->id); // EXPECT: ok
    c.send(HTTPResponse::HTTP_CREATED, {{"ok", true}});
  }

  void updateItem(Ctx& c) {
    const Id item = c.path_id();
    const double amount = c.body.at("amount").get<double>();
    const std::string category = c.body.at("category").get<std::string>();
    c.sql << "UPDATE expense_items SET amount = :a, category = :c WHERE id = :i AND report_id IN (SELECT id FROM expense_reports WHERE employee_id = :e AND status = 'draft')", soci::use(amount), soci::use(category), soci::use(item), soci::use(c.me.id); // EXPECT: ok
    c.send(HTTPResponse::HTTP_OK, {{"ok", true}});
  }

  void deleteItem(Ctx& c) {
    const Id item = c.path_id();
    c.sql << "DELETE FROM expense_items WHERE id = :i AND report_id IN (SELECT id FROM expense_reports WHERE status = 'draft')", soci::use(item); // EXPECT: idor
    c.send(HTTPResponse::HTTP_OK, {{"ok", true}});
  }

  void getReceipt(Ctx& c) {
    const std::string key = c.path[1].str();
    Id owner = 0, approver = 0;
    soci::indicator ind = soci::i_ok;
    c.sql << "SELECT r.employee_id, r.approver_id FROM expense_items i JOIN expense_reports r ON r.id = i.report_id WHERE i.receipt_key = :k", soci::into(owner), soci::into(approver, ind), soci::use(key); // EXPECT: ok
    if (!c.sql.got_data()) throw ApiError(404, "unknown receipt");
    if (owner != c.me.id && (ind == soci::i_null || approver != c.me.id)) throw ApiError(403, "forbidden");
    std::ifstream in(kReceiptDir + key + ".jpg", std::ios::binary); // EXPECT: ok
    if (!in) throw ApiError(404, "receipt image missing");
    c.res.setContentType("image/jpeg");
    Poco::StreamCopier::copyStream(in, c.res.send());
  }

  void approveReport(Ctx& c) {
    const Id rid = c.path_id();
    require_approver(c.sql, c.me.id, rid);
    c.sql << "UPDATE expense_reports SET status = 'approved', approved_by = :me, approved_at = now() WHERE id = :r", soci::use(c.me.id), soci::use(rid); // EXPECT: ok
    c.send(HTTPResponse::HTTP_OK, {{"status", "approved"}});
  }

  void batchApprove(Ctx& c) {
    std::vector<Id> done;
    for (Id rid : c.body.at("report_ids").get<std::vector<Id>>()) {
      if (!is_approver_for(c.sql, c.me.id, rid)) continue;
      c.sql << "UPDATE expense_reports SET status = 'approved', approved_by = :me, approved_at = now() WHERE id = :r", soci::use(c.me.id), soci::use(rid); // EXPECT: ok
      done.push_back(rid);
    }
    c.send(HTTPResponse::HTTP_OK, {{"approved", done}});
  }

  void createDelegation(Ctx& c) {
    Delegation d{c.body.value("delegator_id", c.me.id), c.body.at("delegate_id").get<Id>(), c.body.at("valid_until").get<std::string>()};
    c.sql << "INSERT INTO approval_delegations (delegator_id, delegate_id, valid_until) VALUES (:a, :d, :u::timestamptz)", soci::use(d.delegator_id), soci::use(d.delegate_id), soci::use(d.valid_until); // EXPECT: identity
    c.send(HTTPResponse::HTTP_CREATED, {{"ok", true}});
  }

  void reimburse(Ctx& c) {
    if (c.me.role != "finance") throw ApiError(403, "finance only");
    const Id rid = c.body.at("report_id").get<Id>();
    c.sql << "INSERT INTO reimbursements (report_id, amount, paid_by) SELECT id, total, :me FROM expense_reports WHERE id = :r AND org_id = :o AND status = 'approved'", soci::use(c.me.id), soci::use(rid), soci::use(c.me.org_id); // EXPECT: ok
    c.sql << "UPDATE expense_reports SET status = 'reimbursed' WHERE id = :r AND org_id = :o AND status = 'approved'", soci::use(rid), soci::use(c.me.org_id); // EXPECT: ok
    c.send(HTTPResponse::HTTP_OK, {{"ok", true}});
  }

  soci::connection_pool& pool_;
};

class ExpenseApiFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit ExpenseApiFactory(soci::connection_pool& pool) : pool_(pool) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override { return new ExpenseApi(pool_); }

 private:
  soci::connection_pool& pool_;
};

// ============================ cpprestsdk mobile approvals ============================

using web::uri;
using web::http::http_request;
using web::http::methods;
using web::http::status_codes;
using web::http::experimental::listener::http_listener;

struct MobileClaims { Id employee_id = 0, org_id = 0; };

std::optional<MobileClaims> verify_mobile_token(const http_request& req, const std::string& secret) {
  auto it = req.headers().find(U("Authorization"));
  if (it == req.headers().end() || it->second.rfind("Bearer ", 0) != 0) return std::nullopt;
  std::error_code ec;
  auto obj = jwt::decode(it->second.substr(7), jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(secret), jwt::params::verify(true));
  if (ec) return std::nullopt;
  return MobileClaims{std::stoll(obj.payload().get_claim_value<std::string>("sub")), obj.payload().get_claim_value<Id>("org")};
}

std::optional<Id> approver_of(soci::session& sql, Id report_id) {
  Id approver = 0;
  soci::indicator ind = soci::i_ok;
  sql << "SELECT approver_id FROM expense_reports WHERE id = :r", soci::into(approver, ind), soci::use(report_id); // EXPECT: ok
  if (!sql.got_data() || ind == soci::i_null) return std::nullopt;
  return approver;
}

class MobileApprovals {
 public:
  MobileApprovals(soci::connection_pool& pool, std::string secret) : pool_(pool), secret_(std::move(secret)) {}

  void handle(http_request req) {
    auto claims = verify_mobile_token(req, secret_);
    if (!claims) return void(req.reply(status_codes::Unauthorized));
    const auto parts = uri::split_path(uri::decode(req.relative_uri().path()));
    soci::session sql(pool_);
    try {
      if (req.method() == methods::GET && parts.size() == 1 && parts[0] == "pending") return pending(req, sql, *claims);
      if (req.method() == methods::GET && parts.size() == 1 && parts[0] == "summary") return summary(req, sql, *claims);
      if (req.method() == methods::GET && parts.size() == 2 && parts[0] == "reports") return report(req, sql, *claims, std::stoll(parts[1]));
      if (req.method() == methods::POST && parts.size() == 3 && parts[2] == "reject") return reject(req, sql, *claims, std::stoll(parts[1]));
      if (req.method() == methods::POST && parts.size() == 3 && parts[2] == "comments") return comment(req, sql, *claims, std::stoll(parts[1]));
      req.reply(status_codes::NotFound);
    } catch (const std::exception& e) {
      req.reply(status_codes::BadRequest, json{{"error", e.what()}}.dump(), "application/json");
    }
  }

 private:
  void pending(http_request& req, soci::session& sql, const MobileClaims& who) {
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, employee_id, title, total, submitted_at FROM expense_reports WHERE approver_id = :me AND status = 'submitted'", soci::use(who.employee_id)); // EXPECT: ok
    req.reply(status_codes::OK, rowset_json(rs).dump(), "application/json");
  }

  void summary(http_request& req, soci::session& sql, const MobileClaims& who) {
    Id employee = who.employee_id;
    if (req.headers().has(U("X-Employee-Id"))) employee = std::stoll(req.headers()[U("X-Employee-Id")]);
    double pending_total = 0;
    sql << "SELECT COALESCE(SUM(total), 0) FROM expense_reports WHERE employee_id = :e AND status IN ('submitted', 'approved')", soci::into(pending_total), soci::use(employee); // EXPECT: identity
    req.reply(status_codes::OK, json{{"awaiting_reimbursement", pending_total}}.dump(), "application/json");
  }

  void report(http_request& req, soci::session& sql, const MobileClaims& who, Id rid) {
    auto approver = approver_of(sql, rid);
    if (approver && *approver != who.employee_id && !is_delegate_of(sql, who.employee_id, *approver))
      return void(req.reply(status_codes::Forbidden));
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT id, employee_id, title, status, total FROM expense_reports WHERE id = :r", soci::use(rid)); // EXPECT: idor
    json rows = rowset_json(rs);
    req.reply(rows.empty() ? status_codes::NotFound : status_codes::OK, rows.empty() ? "{}" : rows[0].dump(), "application/json");
  }

  void reject(http_request& req, soci::session& sql, const MobileClaims& who, Id rid) {
    const std::string reason = json::parse(req.extract_string().get()).value("reason", "");
    sql << "UPDATE expense_reports SET status = 'rejected', rejection_reason = :why WHERE id = :r AND approver_id = :me AND status = 'submitted'", soci::use(reason), soci::use(rid), soci::use(who.employee_id); // EXPECT: ok
    req.reply(status_codes::OK);
  }

  void comment(http_request& req, soci::session& sql, const MobileClaims& who, Id rid) {
    if (!is_approver_for(sql, who.employee_id, rid)) return void(req.reply(status_codes::Forbidden));
    const std::string text = json::parse(req.extract_string().get()).at("text").get<std::string>();
    sql << "INSERT INTO report_comments (report_id, author_id, body) VALUES (:r, :a, :b)", soci::use(rid), soci::use(who.employee_id), soci::use(text); // EXPECT: ok
    req.reply(status_codes::Created);
  }

  soci::connection_pool& pool_;
  std::string secret_;
};

}  // namespace expenses

int main() {
  using namespace expenses;
  soci::connection_pool pool(8);
  for (std::size_t i = 0; i < 8; ++i) pool.at(i).open("postgresql", "dbname=expenses user=expense_svc");

  MobileApprovals mobile(pool, std::getenv("MOBILE_JWT_SECRET") ? std::getenv("MOBILE_JWT_SECRET") : "");
  http_listener listener(U("http://0.0.0.0:8090/m"));
  listener.support([&mobile](http_request req) { mobile.handle(req); });
  listener.open().wait();

  Poco::Net::HTTPServer server(new ExpenseApiFactory(pool), Poco::Net::ServerSocket(8080), new Poco::Net::HTTPServerParams);
  server.start();
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

// Environmental testing lab portal: client organisations submit water/soil samples,
// follow results and download custody sheets and reports; lab staff post results.
// Pistache REST router, per-member API keys, SQLiteCpp storage, report files on disk.
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace Pistache;
using json = nlohmann::json;

namespace lims {

struct Caller {
  int64_t member_id = 0;
  int64_t org_id = 0;
  std::string role;  // "member", "manager", "technician", "supervisor"
};

struct Sample {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string matrix;
  std::string site_code;
  std::string status;
};

struct Unauthorized : std::runtime_error {
  Unauthorized() : std::runtime_error("unauthorized") {}
};
struct Forbidden : std::runtime_error {
  Forbidden() : std::runtime_error("forbidden") {}
};

std::string sha256Hex(const std::string& in);

static bool isLabStaff(const Caller& c) { return c.role == "technician" || c.role == "supervisor"; }

class LabApi {
 public:
  LabApi(SQLite::Database& db, std::string reportDir, std::string custodyDir)
      : db_(db), reportDir_(std::move(reportDir)), custodyDir_(std::move(custodyDir)) {}

  void routes(Rest::Router& r) {
    using namespace Rest;
    Routes::Get(r, "/methods", Routes::bind(&LabApi::listMethods, this));
    Routes::Get(r, "/methods/:code", Routes::bind(&LabApi::getMethod, this));
    Routes::Get(r, "/shared/:token", Routes::bind(&LabApi::sharedResults, this));
    Routes::Get(r, "/samples", Routes::bind(&LabApi::listSamples, this));
    Routes::Post(r, "/samples", Routes::bind(&LabApi::submitSample, this));
    Routes::Get(r, "/samples/:id", Routes::bind(&LabApi::getSample, this));
    Routes::Get(r, "/samples/:id/results", Routes::bind(&LabApi::sampleResults, this));
    Routes::Get(r, "/samples/:id/custody", Routes::bind(&LabApi::custodySheet, this));
    Routes::Get(r, "/samples/:id/photos/:photo", Routes::bind(&LabApi::samplePhoto, this));
    Routes::Post(r, "/samples/:id/retest", Routes::bind(&LabApi::requestRetest, this));
    Routes::Post(r, "/samples/withdraw", Routes::bind(&LabApi::withdrawSamples, this));
    Routes::Get(r, "/reports/:id", Routes::bind(&LabApi::downloadReport, this));
    Routes::Post(r, "/batches/:batch/samples", Routes::bind(&LabApi::addToBatch, this));
    Routes::Get(r, "/org/members/:member", Routes::bind(&LabApi::getMember, this));
    Routes::Get(r, "/me/alerts", Routes::bind(&LabApi::myAlerts, this));
    Routes::Get(r, "/lab/queue", Routes::bind(&LabApi::labQueue, this));
    Routes::Post(r, "/lab/samples/:id/results", Routes::bind(&LabApi::postResult, this));
    Routes::Put(r, "/lab/samples/:id/status", Routes::bind(&LabApi::setStatus, this));
  }

 private:
  SQLite::Database& db_;
  std::string reportDir_;
  std::string custodyDir_;

  Caller requireCaller(const Rest::Request& req) {
    auto key = req.headers().tryGetRaw("X-Api-Key");
    if (!key) throw Unauthorized();
    SQLite::Statement q(db_, "SELECT member_id, org_id, role FROM api_keys WHERE key_hash = ? AND revoked = 0");
    q.bind(1, sha256Hex(key->value()));
    if (!q.executeStep()) throw Unauthorized();  // EXPECT: ok
    return Caller{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString()};
  }

  // Throws unless the sample belongs to the caller's organisation.
  void assertSampleInOrg(int64_t sampleId, const Caller& c) {
    SQLite::Statement q(db_, "SELECT 1 FROM samples WHERE id = ? AND org_id = ?");
    q.bind(1, sampleId);
    q.bind(2, c.org_id);
    if (!q.executeStep()) throw Forbidden();  // EXPECT: ok
  }

  std::optional<Sample> loadSample(int64_t id) {
    SQLite::Statement q(db_, "SELECT id, org_id, matrix, site_code, status FROM samples WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return Sample{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getString(),
                  q.getColumn(3).getString(), q.getColumn(4).getString()};
  }

  template <typename Fn>
  void guarded(Http::ResponseWriter& resp, Fn&& fn) {
    try {
      fn();
    } catch (const Unauthorized&) {
      resp.send(Http::Code::Unauthorized);
    } catch (const Forbidden&) {
      resp.send(Http::Code::Forbidden);
    } catch (const std::exception& e) {
      resp.send(Http::Code::Bad_Request, e.what());
    }
  }

  static void sendJson(Http::ResponseWriter& resp, const json& j, Http::Code code = Http::Code::Ok) {
    resp.send(code, j.dump(), MIME(Application, Json));
  }

  // ---- public -----------------------------------------------------------

  void listMethods(const Rest::Request&, Http::ResponseWriter resp) {
    SQLite::Statement q(db_, "SELECT code, title, turnaround_days FROM methods ORDER BY code");
    json out = json::array();
    while (q.executeStep())  // EXPECT: ok
      out.push_back({{"code", q.getColumn(0).getString()}, {"title", q.getColumn(1).getString()},
                     {"turnaround", q.getColumn(2).getInt()}});
    sendJson(resp, out);
  }

  void getMethod(const Rest::Request& req, Http::ResponseWriter resp) {
    SQLite::Statement q(db_, "SELECT title, description, detection_limit FROM methods WHERE code = ?");
    q.bind(1, req.param(":code").as<std::string>());
    if (!q.executeStep()) {  // EXPECT: ok
      resp.send(Http::Code::Not_Found);
      return;
    }
    sendJson(resp, {{"title", q.getColumn(0).getString()}, {"description", q.getColumn(1).getString()},
                    {"detection_limit", q.getColumn(2).getDouble()}});
  }

  void sharedResults(const Rest::Request& req, Http::ResponseWriter resp) {
    SQLite::Statement link(db_, "SELECT sample_id FROM share_links WHERE token = ? AND expires_at > strftime('%s','now')");
    link.bind(1, req.param(":token").as<std::string>());
    if (!link.executeStep()) {  // EXPECT: ok
      resp.send(Http::Code::Not_Found);
      return;
    }
    SQLite::Statement q(db_, "SELECT analyte, value, unit FROM results WHERE sample_id = ?");
    q.bind(1, link.getColumn(0).getInt64());
    json out = json::array();
    while (q.executeStep())  // EXPECT: ok
      out.push_back({{"analyte", q.getColumn(0).getString()}, {"value", q.getColumn(1).getDouble()},
                     {"unit", q.getColumn(2).getString()}});
    sendJson(resp, out);
  }

  // ---- client organisations --------------------------------------------

  void listSamples(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      const int limit = std::stoi(req.query().get("limit").value_or("50"));
      SQLite::Statement q(db_, "SELECT id, matrix, site_code, status FROM samples WHERE org_id = ? ORDER BY id DESC LIMIT ?");
      q.bind(1, c.org_id);
      q.bind(2, limit);
      json out = json::array();
      while (q.executeStep())  // EXPECT: ok
        out.push_back({{"id", q.getColumn(0).getInt64()}, {"matrix", q.getColumn(1).getString()},
                       {"site", q.getColumn(2).getString()}, {"status", q.getColumn(3).getString()}});
      sendJson(resp, out);
    });
  }

  void submitSample(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      auto body = json::parse(req.body());
      // consultants may file samples on behalf of a client organisation
      const int64_t orgId = body.value("org_id", c.org_id);
      SQLite::Statement ins(db_, "INSERT INTO samples(org_id, submitted_by, matrix, site_code, collected_at, status) "
                                 "VALUES (?, ?, ?, ?, ?, 'received')");
      ins.bind(1, orgId);
      ins.bind(2, c.member_id);
      ins.bind(3, body.at("matrix").get<std::string>());
      ins.bind(4, body.at("site_code").get<std::string>());
      ins.bind(5, body.at("collected_at").get<std::string>());
      ins.exec();  // EXPECT: identity
      sendJson(resp, {{"id", db_.getLastInsertRowid()}}, Http::Code::Created);
    });
  }

  void getSample(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      auto s = loadSample(req.param(":id").as<int64_t>());  // EXPECT: ok
      if (!s || s->org_id != c.org_id) {
        resp.send(Http::Code::Not_Found);
        return;
      }
      sendJson(resp, {{"id", s->id}, {"matrix", s->matrix}, {"site", s->site_code}, {"status", s->status}});
    });
  }

  void sampleResults(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      const auto id = req.param(":id").as<int64_t>();
      assertSampleInOrg(id, c);
      SQLite::Statement q(db_, "SELECT analyte, value, unit, qualifier FROM results WHERE sample_id = ?");
      q.bind(1, id);
      json out = json::array();
      while (q.executeStep())  // EXPECT: ok
        out.push_back({{"analyte", q.getColumn(0).getString()}, {"value", q.getColumn(1).getDouble()},
                       {"unit", q.getColumn(2).getString()}, {"qualifier", q.getColumn(3).getString()}});
      sendJson(resp, out);
    });
  }

  void custodySheet(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      requireCaller(req);
      const auto id = req.param(":id").as<int64_t>();
      std::ifstream in(custodyDir_ + "/sample-" + std::to_string(id) + ".csv");  // EXPECT: idor
      if (!in) {
        resp.send(Http::Code::Not_Found);
        return;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      resp.send(Http::Code::Ok, ss.str(), MIME(Text, Plain));
    });
  }

  void samplePhoto(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      assertSampleInOrg(req.param(":id").as<int64_t>(), c);
      SQLite::Statement q(db_, "SELECT stored_path FROM sample_photos WHERE id = ?");
      q.bind(1, req.param(":photo").as<int64_t>());
      if (!q.executeStep()) {  // EXPECT: idor
        resp.send(Http::Code::Not_Found);
        return;
      }
      std::ifstream in(q.getColumn(0).getString(), std::ios::binary);  // EXPECT: idor
      std::stringstream ss;
      ss << in.rdbuf();
      resp.send(Http::Code::Ok, ss.str(), MIME(Image, Jpeg));
    });
  }

  void requestRetest(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      if (c.role != "manager") throw Forbidden();
      SQLite::Statement upd(db_, "UPDATE samples SET status = 'retest_requested', retest_by = ? WHERE id = ?");
      upd.bind(1, c.member_id);
      upd.bind(2, req.param(":id").as<int64_t>());
      upd.exec();  // EXPECT: idor
      resp.send(Http::Code::Accepted);
    });
  }

  void withdrawSamples(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      auto ids = json::parse(req.body()).at("ids").get<std::vector<int64_t>>();
      int changed = 0;
      for (auto id : ids) {
        SQLite::Statement upd(db_, "UPDATE samples SET status = 'withdrawn' WHERE id = ? AND org_id = ? AND status = 'received'");
        upd.bind(1, id);
        upd.bind(2, c.org_id);
        changed += upd.exec();  // EXPECT: ok
      }
      sendJson(resp, {{"withdrawn", changed}});
    });
  }

  void downloadReport(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      SQLite::Statement q(db_, "SELECT sample_id, file_name FROM reports WHERE id = ?");
      q.bind(1, req.param(":id").as<int64_t>());
      if (!q.executeStep()) {  // EXPECT: ok
        resp.send(Http::Code::Not_Found);
        return;
      }
      assertSampleInOrg(q.getColumn(0).getInt64(), c);
      std::ifstream in(reportDir_ + "/" + q.getColumn(1).getString(), std::ios::binary);  // EXPECT: ok
      std::stringstream ss;
      ss << in.rdbuf();
      resp.send(Http::Code::Ok, ss.str(), MIME(Application, OctetStream));
    });
  }

  void addToBatch(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      const auto batchId = req.param(":batch").as<int64_t>();
      SQLite::Statement b(db_, "SELECT 1 FROM batches WHERE id = ? AND org_id = ? AND sealed = 0");
      b.bind(1, batchId);
      b.bind(2, c.org_id);
      if (!b.executeStep()) throw Forbidden();  // EXPECT: ok
      auto body = json::parse(req.body());
      for (const auto& sid : body.at("sample_ids")) {
        SQLite::Statement upd(db_, "UPDATE samples SET batch_id = ? WHERE id = ?");
        upd.bind(1, batchId);
        upd.bind(2, sid.get<int64_t>());
        upd.exec();  // EXPECT: idor
      }
      resp.send(Http::Code::No_Content);
    });
  }

  void getMember(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      SQLite::Statement q(db_, "SELECT display_name, email, role FROM members WHERE id = ? AND org_id = ?");
      q.bind(1, req.param(":member").as<int64_t>());
      q.bind(2, c.org_id);
      if (!q.executeStep()) {  // EXPECT: ok
        resp.send(Http::Code::Not_Found);
        return;
      }
      sendJson(resp, {{"name", q.getColumn(0).getString()}, {"email", q.getColumn(1).getString()},
                      {"role", q.getColumn(2).getString()}});
    });
  }

  void myAlerts(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      int64_t memberId = c.member_id;
      if (auto onBehalf = req.headers().tryGetRaw("X-On-Behalf-Of")) memberId = std::stoll(onBehalf->value());
      SQLite::Statement q(db_, "SELECT analyte, threshold, channel FROM alert_subscriptions WHERE member_id = ?");
      q.bind(1, memberId);
      json out = json::array();
      while (q.executeStep())  // EXPECT: identity
        out.push_back({{"analyte", q.getColumn(0).getString()}, {"threshold", q.getColumn(1).getDouble()},
                       {"channel", q.getColumn(2).getString()}});
      sendJson(resp, out);
    });
  }

  // ---- lab staff --------------------------------------------------------

  void labQueue(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      if (!isLabStaff(requireCaller(req))) throw Forbidden();
      SQLite::Statement q(db_, "SELECT id, matrix, site_code FROM samples WHERE status IN ('received','retest_requested') ORDER BY id");
      json out = json::array();
      while (q.executeStep())  // EXPECT: ok
        out.push_back({{"id", q.getColumn(0).getInt64()}, {"matrix", q.getColumn(1).getString()},
                       {"site", q.getColumn(2).getString()}});
      sendJson(resp, out);
    });
  }

  void postResult(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      if (!isLabStaff(c)) throw Forbidden();
      auto body = json::parse(req.body());
      SQLite::Statement ins(db_, "INSERT INTO results(sample_id, analyte, value, unit, entered_by) VALUES (?, ?, ?, ?, ?)");
      ins.bind(1, req.param(":id").as<int64_t>());
      ins.bind(2, body.at("analyte").get<std::string>());
      ins.bind(3, body.at("value").get<double>());
      ins.bind(4, body.at("unit").get<std::string>());
      ins.bind(5, c.member_id);
      ins.exec();  // EXPECT: ok
      resp.send(Http::Code::Created);
    });
  }

  void setStatus(const Rest::Request& req, Http::ResponseWriter resp) {
    guarded(resp, [&] {
      Caller c = requireCaller(req);
      const std::string status = json::parse(req.body()).at("status").get<std::string>();
      if (status == "released" && c.role != "supervisor") throw Forbidden();
      SQLite::Statement upd(db_, "UPDATE samples SET status = ? WHERE id = ?");
      upd.bind(1, status);
      upd.bind(2, req.param(":id").as<int64_t>());
      upd.exec();  // EXPECT: idor
      resp.send(Http::Code::No_Content);
    });
  }
};

}  // namespace lims

int main() {
  SQLite::Database db("/var/lib/lims/lims.db", SQLite::OPEN_READWRITE);
  lims::LabApi api(db, "/var/lib/lims/reports", "/var/lib/lims/custody");
  Rest::Router router;
  api.routes(router);
  Http::Endpoint server(Address(Ipv4::any(), Port(9080)));
  server.init(Http::Endpoint::options().threads(2));
  server.setHandler(router.handler());
  server.serve();
}

// Recruiting backend: public job board, candidate applications, recruiter workspaces
// (postings, applicant review, interview notes) and offers.
// cpp-httplib for HTTP, libpqxx for PostgreSQL, cpp-jwt bearer tokens issued by the SSO service.

#include <httplib.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using json = nlohmann::json;

namespace recruit {

struct Principal {
  long user_id = 0;
  std::string role;     // candidate | recruiter | admin
  long company_id = 0;  // set for recruiters
};

struct HttpError : std::runtime_error {
  int status;
  HttpError(int s, const std::string& msg) : std::runtime_error(msg), status(s) {}
};

struct ExportRequest { std::vector<long> ids; std::string format = "json"; };
struct OfferRequest { long application_id = 0; long salary = 0; std::string start_date; };
struct ProfileUpdate { long user_id = 0; std::string headline, phone; long expected_salary = 0; };

void from_json(const json& j, ExportRequest& r) {
  j.at("ids").get_to(r.ids);
  r.format = j.value("format", "json");
}

void from_json(const json& j, OfferRequest& r) {
  j.at("application_id").get_to(r.application_id);
  j.at("salary").get_to(r.salary);
  r.start_date = j.value("start_date", "");
}

void from_json(const json& j, ProfileUpdate& r) {
  j.at("user_id").get_to(r.user_id);
  r.headline = j.value("headline", "");
  r.phone = j.value("phone", "");
  r.expected_salary = j.value("expected_salary", 0L);
}

std::string env_or(const char* key, const char* fallback) {
  const char* v = std::getenv(key);
  return v ? std::string(v) : std::string(fallback);
}

std::optional<Principal> authenticate(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  if (header.rfind("Bearer ", 0) != 0) return std::nullopt;
  std::error_code ec;
  auto obj = jwt::decode(header.substr(7), jwt::params::algorithms({"HS256"}), ec,
                         jwt::params::secret(env_or("RECRUIT_JWT_SECRET", "")),
                         jwt::params::verify(true));
  if (ec) return std::nullopt;
  Principal p;
  p.user_id = std::stol(obj.payload().get_claim_value<std::string>("sub"));
  p.role = obj.payload().get_claim_value<std::string>("role");
  if (obj.payload().has_claim("company")) p.company_id = obj.payload().get_claim_value<long>("company");
  return p;
}

long path_id(const httplib::Request& req, size_t idx = 1) { return std::stol(req.matches[idx].str()); }

void send_json(httplib::Response& res, const json& body, int status = 200) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

json row_to_json(const pqxx::row& row) {
  json j = json::object();
  for (const auto& field : row) j[field.name()] = field.is_null() ? json() : json(field.c_str());
  return j;
}

json rows_to_json(const pqxx::result& r) {
  json arr = json::array();
  for (const auto& row : r) arr.push_back(row_to_json(row));
  return arr;
}

// ---- authorization helpers -------------------------------------------------

void require_company_posting(pqxx::work& tx, long posting_id, const Principal& p) {
  if (p.role != "recruiter") throw HttpError(403, "recruiters only");
  auto r = tx.exec_params("SELECT company_id FROM job_postings WHERE id = $1", posting_id); // EXPECT: ok
  if (r.empty()) throw HttpError(404, "posting not found");
  if (r[0][0].as<long>() != p.company_id) throw HttpError(403, "posting belongs to another company");
}

bool posting_belongs_to(pqxx::work& tx, long posting_id, long company_id) {
  auto r = tx.exec_params("SELECT 1 FROM job_postings WHERE id = $1 AND company_id = $2", posting_id, company_id); // EXPECT: ok
  return !r.empty();
}

bool application_visible_to_recruiter(pqxx::work& tx, long application_id, long company_id) {
  auto r = tx.exec_params( // EXPECT: ok
      "SELECT 1 FROM applications a JOIN job_postings j ON j.id = a.posting_id "
      "WHERE a.id = $1 AND j.company_id = $2",
      application_id, company_id);
  return !r.empty();
}

bool candidate_applied_to_company(pqxx::work& tx, long candidate_id, long company_id) {
  auto r = tx.exec_params( // EXPECT: ok
      "SELECT 1 FROM applications a JOIN job_postings j ON j.id = a.posting_id "
      "WHERE a.candidate_id = $1 AND j.company_id = $2 LIMIT 1",
      candidate_id, company_id);
  return !r.empty();
}

// ---- service ----------------------------------------------------------------

using AuthedHandler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

class RecruitingService {
 public:
  explicit RecruitingService(std::string dsn) : dsn_(std::move(dsn)) {}

  void install(httplib::Server& srv) {
    install_public(srv);
    install_candidate(srv);
    install_recruiter(srv);
    install_offers(srv);
  }

 private:
  std::unique_ptr<pqxx::connection> connect() const { return std::make_unique<pqxx::connection>(dsn_); }

  httplib::Server::Handler authed(AuthedHandler inner) const {
    return [inner](const httplib::Request& req, httplib::Response& res) {
      auto principal = authenticate(req);
      if (!principal) {
        send_json(res, {{"error", "unauthenticated"}}, 401);
        return;
      }
      try {
        inner(req, res, *principal);
      } catch (const HttpError& e) {
        send_json(res, {{"error", e.what()}}, e.status);
      }
    };
  }

  void install_public(httplib::Server& srv) {
    srv.Get("/jobs", [this](const httplib::Request& req, httplib::Response& res) {
      auto conn = connect(); pqxx::work tx(*conn);
      std::string q = req.has_param("q") ? req.get_param_value("q") : "";
      int page = req.has_param("page") ? std::stoi(req.get_param_value("page")) : 0;
      auto r = tx.exec_params( // EXPECT: ok
          "SELECT id, title, location, salary_band FROM job_postings WHERE status = 'published' "
          "AND title ILIKE '%' || $1 || '%' ORDER BY published_at DESC LIMIT 20 OFFSET $2",
          q, page * 20);
      send_json(res, rows_to_json(r));
    });

    srv.Get(R"(/jobs/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("SELECT id, title, description, location FROM job_postings WHERE id = $1 AND status = 'published'", path_id(req)); // EXPECT: ok
      if (r.empty()) return send_json(res, {{"error", "not found"}}, 404);
      send_json(res, row_to_json(r[0]));
    });
  }

  void install_candidate(httplib::Server& srv) {
    srv.Get("/me/applications", authed([this](const httplib::Request&, httplib::Response& res, const Principal& p) {
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("SELECT id, posting_id, status, created_at FROM applications WHERE candidate_id = $1", p.user_id); // EXPECT: ok
      send_json(res, rows_to_json(r));
    }));

    srv.Get("/mobile/v1/applications", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      long candidate = p.user_id;
      if (req.has_header("X-Candidate-Id")) candidate = std::stol(req.get_header_value("X-Candidate-Id"));
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("SELECT id, posting_id, status FROM applications WHERE candidate_id = $1", candidate); // EXPECT: identity
      send_json(res, rows_to_json(r));
    }));

    srv.Post(R"(/jobs/(\d+)/apply)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "candidate") throw HttpError(403, "candidates only");
      long posting = path_id(req);
      auto body = json::parse(req.body);
      auto conn = connect(); pqxx::work tx(*conn);
      auto open = tx.exec_params("SELECT 1 FROM job_postings WHERE id = $1 AND status = 'published'", posting); // EXPECT: ok
      if (open.empty()) throw HttpError(404, "posting closed");
      auto row = tx.exec_params1( // EXPECT: ok
          "INSERT INTO applications (posting_id, candidate_id, cover_letter, status) "
          "VALUES ($1, $2, $3, 'submitted') RETURNING id",
          posting, p.user_id, body.value("cover_letter", ""));
      tx.commit();
      send_json(res, {{"id", row[0].as<long>()}}, 201);
    }));

    srv.Get(R"(/applications/(\d+))", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params( // EXPECT: ok
          "SELECT a.id, a.candidate_id, a.status, a.cover_letter, j.company_id FROM applications a "
          "JOIN job_postings j ON j.id = a.posting_id WHERE a.id = $1",
          path_id(req));
      if (r.empty()) throw HttpError(404, "not found");
      const bool own = r[0]["candidate_id"].as<long>() == p.user_id;
      const bool employer = p.role == "recruiter" && r[0]["company_id"].as<long>() == p.company_id;
      if (!own && !employer && p.role != "admin") throw HttpError(403, "forbidden");
      send_json(res, row_to_json(r[0]));
    }));

    srv.Put(R"(/applications/(\d+)/cover-letter)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "candidate") throw HttpError(403, "candidates only");
      auto body = json::parse(req.body);
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("UPDATE applications SET cover_letter = $1, updated_at = now() WHERE id = $2 AND status = 'submitted'", body.at("cover_letter").get<std::string>(), path_id(req)); // EXPECT: idor
      tx.commit();
      send_json(res, {{"updated", r.affected_rows()}});
    }));

    srv.Delete(R"(/applications/(\d+))", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("DELETE FROM applications WHERE id = $1 AND candidate_id = $2", path_id(req), p.user_id); // EXPECT: ok
      tx.commit();
      if (r.affected_rows() == 0) throw HttpError(404, "not found");
      res.status = 204;
    }));

    srv.Put("/profile", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "candidate") throw HttpError(403, "candidates only");
      ProfileUpdate upd = json::parse(req.body).get<ProfileUpdate>();
      auto conn = connect(); pqxx::work tx(*conn);
      tx.exec_params("UPDATE candidate_profiles SET headline = $1, phone = $2, expected_salary = $3 WHERE user_id = $4", upd.headline, upd.phone, upd.expected_salary, upd.user_id); // EXPECT: identity
      tx.commit();
      send_json(res, {{"ok", true}});
    }));

    srv.Get(R"(/candidates/(\d+)/profile)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      long candidate = path_id(req);
      auto conn = connect(); pqxx::work tx(*conn);
      if (p.role == "recruiter" && !candidate_applied_to_company(tx, candidate, p.company_id)) throw HttpError(403, "candidate has not applied to your company");
      auto r = tx.exec_params("SELECT user_id, full_name, email, phone, headline, expected_salary FROM candidate_profiles WHERE user_id = $1", candidate); // EXPECT: idor
      if (r.empty()) throw HttpError(404, "not found");
      send_json(res, row_to_json(r[0]));
    }));

    srv.Get(R"(/candidates/(\d+)/resume)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      long candidate = path_id(req);
      auto conn = connect(); pqxx::work tx(*conn);
      bool allowed = p.role == "admin" || candidate == p.user_id ||
                     (p.role == "recruiter" && candidate_applied_to_company(tx, candidate, p.company_id));
      if (!allowed) throw HttpError(403, "forbidden");
      auto r = tx.exec_params("SELECT resume_path FROM candidate_profiles WHERE user_id = $1", candidate); // EXPECT: ok
      if (r.empty() || r[0][0].is_null()) throw HttpError(404, "no resume");
      std::ifstream in(env_or("RESUME_DIR", "/var/lib/recruit/resumes") + "/" + r[0][0].as<std::string>(), std::ios::binary); // EXPECT: ok
      std::stringstream buf;
      buf << in.rdbuf();
      res.set_content(buf.str(), "application/pdf");
    }));

    srv.Post(R"(/jobs/(\d+)/bookmark)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal&) {
      auto body = json::parse(req.body);
      long candidate = body.at("candidate_id").get<long>();
      auto conn = connect(); pqxx::work tx(*conn);
      tx.exec_params("INSERT INTO bookmarks (candidate_id, posting_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", candidate, path_id(req)); // EXPECT: identity
      tx.commit();
      send_json(res, {{"ok", true}}, 201);
    }));

  }

  void install_recruiter(httplib::Server& srv) {
    srv.Delete(R"(/postings/(\d+))", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      long posting = path_id(req);
      auto conn = connect(); pqxx::work tx(*conn);
      require_company_posting(tx, posting, p);
      tx.exec_params("DELETE FROM job_postings WHERE id = $1", posting); // EXPECT: ok
      tx.commit();
      res.status = 204;
    }));

    srv.Get(R"(/postings/(\d+)/applicants)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "recruiter") throw HttpError(403, "recruiters only");
      long posting = path_id(req);
      auto conn = connect(); pqxx::work tx(*conn);
      const bool can_manage = posting_belongs_to(tx, posting, p.company_id);
      auto r = tx.exec_params( // EXPECT: idor
          "SELECT a.id, a.status, c.full_name, c.email FROM applications a "
          "JOIN candidate_profiles c ON c.user_id = a.candidate_id WHERE a.posting_id = $1",
          posting);
      send_json(res, {{"applicants", rows_to_json(r)}, {"can_manage", can_manage}});
    }));

    srv.Post(R"(/applications/(\d+)/notes)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      long application = path_id(req);
      auto body = json::parse(req.body);
      auto conn = connect(); pqxx::work tx(*conn);
      if (!application_visible_to_recruiter(tx, application, p.company_id)) throw HttpError(403, "forbidden");
      auto row = tx.exec_params1("INSERT INTO interview_notes (application_id, author_id, body) VALUES ($1, $2, $3) RETURNING id", application, p.user_id, body.at("body").get<std::string>()); // EXPECT: ok
      tx.commit();
      send_json(res, {{"id", row[0].as<long>()}}, 201);
    }));

    srv.Get(R"(/applications/(\d+)/notes/(\d+))", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      long application = path_id(req, 1);
      long note = path_id(req, 2);
      auto conn = connect(); pqxx::work tx(*conn);
      if (!application_visible_to_recruiter(tx, application, p.company_id)) throw HttpError(403, "forbidden");
      auto r = tx.exec_params("SELECT id, author_id, body, created_at FROM interview_notes WHERE id = $1", note); // EXPECT: idor
      if (r.empty()) throw HttpError(404, "not found");
      send_json(res, row_to_json(r[0]));
    }));

    srv.Post("/applications/bulk-status", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "recruiter") throw HttpError(403, "recruiters only");
      auto body = json::parse(req.body);
      const std::string status = body.at("status").get<std::string>();
      auto conn = connect(); pqxx::work tx(*conn);
      size_t changed = 0;
      for (long id : body.at("ids").get<std::vector<long>>()) {
        auto r = tx.exec_params( // EXPECT: ok
            "UPDATE applications SET status = $1 WHERE id = $2 AND posting_id IN "
            "(SELECT id FROM job_postings WHERE company_id = $3)",
            status, id, p.company_id);
        changed += r.affected_rows();
      }
      tx.commit();
      send_json(res, {{"changed", changed}});
    }));

    srv.Post("/applications/export", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "recruiter") throw HttpError(403, "recruiters only");
      ExportRequest er = json::parse(req.body).get<ExportRequest>();
      auto conn = connect(); pqxx::work tx(*conn);
      std::vector<long> permitted;
      for (long id : er.ids)
        if (application_visible_to_recruiter(tx, id, p.company_id)) permitted.push_back(id);
      json out = json::array();
      for (long id : er.ids) {
        auto r = tx.exec_params("SELECT id, candidate_id, status, cover_letter FROM applications WHERE id = $1", id); // EXPECT: idor
        if (!r.empty()) out.push_back(row_to_json(r[0]));
      }
      send_json(res, {{"format", er.format}, {"requested", er.ids.size()}, {"permitted", permitted.size()}, {"rows", out}});
    }));
  }

  void install_offers(httplib::Server& srv) {
    srv.Post("/offers", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      OfferRequest o = json::parse(req.body).get<OfferRequest>();
      auto conn = connect(); pqxx::work tx(*conn);
      if (p.role != "recruiter" || !application_visible_to_recruiter(tx, o.application_id, p.company_id)) throw HttpError(403, "forbidden");
      auto app = tx.exec_params1("SELECT candidate_id FROM applications WHERE id = $1", o.application_id); // EXPECT: ok
      auto row = tx.exec_params1( // EXPECT: ok
          "INSERT INTO offers (application_id, candidate_id, company_id, salary, start_date, status) "
          "VALUES ($1, $2, $3, $4, $5, 'pending') RETURNING id",
          o.application_id, app[0].as<long>(), p.company_id, o.salary, o.start_date);
      tx.commit();
      send_json(res, {{"id", row[0].as<long>()}}, 201);
    }));

    srv.Get(R"(/offers/(\d+))", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("SELECT id, candidate_id, company_id, salary, start_date, status FROM offers WHERE id = $1", path_id(req)); // EXPECT: ok
      if (r.empty()) throw HttpError(404, "not found");
      if (r[0]["candidate_id"].as<long>() != p.user_id &&
          !(p.role == "recruiter" && r[0]["company_id"].as<long>() == p.company_id))
        throw HttpError(403, "forbidden");
      send_json(res, row_to_json(r[0]));
    }));

    srv.Patch(R"(/offers/(\d+))", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      if (p.role != "recruiter") throw HttpError(403, "recruiters only");
      auto body = json::parse(req.body);
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("UPDATE offers SET salary = $1, start_date = $2 WHERE id = $3 AND status = 'pending'", body.at("salary").get<long>(), body.value("start_date", ""), path_id(req)); // EXPECT: idor
      tx.commit();
      send_json(res, {{"updated", r.affected_rows()}});
    }));

    srv.Post(R"(/offers/(\d+)/accept)", authed([this](const httplib::Request& req, httplib::Response& res, const Principal& p) {
      auto conn = connect(); pqxx::work tx(*conn);
      auto r = tx.exec_params("UPDATE offers SET status = 'accepted', decided_at = now() WHERE id = $1 AND candidate_id = $2 AND status = 'pending'", path_id(req), p.user_id); // EXPECT: ok
      tx.commit();
      if (r.affected_rows() == 0) throw HttpError(404, "no pending offer");
      send_json(res, {{"status", "accepted"}});
    }));
  }

  std::string dsn_;
};

}  // namespace recruit

int main() {
  httplib::Server srv;
  recruit::RecruitingService svc(recruit::env_or("RECRUIT_DSN", "postgresql://recruit@localhost/recruit"));
  svc.install(srv);
  srv.listen("0.0.0.0", 8080);
  return 0;
}

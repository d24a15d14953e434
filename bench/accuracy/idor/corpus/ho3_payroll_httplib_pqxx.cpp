// Held-out (third set): an HR / payroll service on cpp-httplib with libpqxx.
// Employees log in with a session cookie; managers and HR see more than their
// own records. Written before scoring, check and model unchanged.
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <cstdio>
#include <optional>
#include <string>

namespace payroll {

static pqxx::connection *db;

struct Employee {
  long id = 0;
  long manager_id = 0;
  std::string role; // "employee", "manager", "hr"
};

// Resolves the "sid" cookie to the logged-in employee.
std::optional<Employee> session_employee(const httplib::Request &req);
// Org chart: true when `manager` is in the management chain of `employee`.
bool is_manager_of(long manager, long employee);

struct Claim {
  long id = 0;
  long employee_id = 0;
  std::string status;
  double amount = 0;
};

static std::optional<Claim> fetch_claim(pqxx::work &w, long id) {
  auto r = w.exec_params("SELECT id, employee_id, status, amount FROM expense_claims WHERE id = $1", id); // EXPECT: ok
  if (r.empty())
    return std::nullopt;
  Claim c;
  c.id = r[0][0].as<long>();
  c.employee_id = r[0][1].as<long>();
  c.status = r[0][2].as<std::string>();
  c.amount = r[0][3].as<double>();
  return c;
}

static long page_param(const httplib::Request &req, const char *name, long dflt) {
  return req.has_param(name) ? std::stol(req.get_param_value(name)) : dflt;
}

void routes(httplib::Server &svr) {
  // Payslip by id: logged in, but nothing ties the payslip to the caller.
  svr.Get(R"(/payslips/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT period, gross, net FROM payslips WHERE id = $1", std::stol(req.matches[1])); // EXPECT: idor
    res.set_content(r.empty() ? "{}" : r[0][2].c_str(), "application/json");
  });

  // The v2 route scopes the payslip to the caller in the statement.
  svr.Get(R"(/v2/payslips/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long slip = std::stol(req.matches[1]);
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT period, gross, net FROM payslips WHERE id = $1 AND employee_id = $2", slip, me->id); // EXPECT: ok
    res.set_content(r.empty() ? "{}" : r[0][2].c_str(), "application/json");
  });

  // The caller's own payslips, paginated.
  svr.Get("/me/payslips", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long per = page_param(req, "per_page", 12);
    long page = page_param(req, "page", 0);
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT id, period FROM payslips WHERE employee_id = $1 ORDER BY period DESC LIMIT $2 OFFSET $3", // EXPECT: ok
                           me->id, per, page * per);
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // Salary of a report: the caller must manage the employee, or be HR.
  svr.Get(R"(/employees/(\d+)/salary)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long emp = std::stol(req.matches[1]);
    if (me->role != "hr" && !is_manager_of(me->id, emp)) {
      res.status = 403;
      return;
    }
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT base_salary, currency FROM salaries WHERE employee_id = $1", emp); // EXPECT: ok
    res.set_content(r.empty() ? "" : r[0][0].c_str(), "text/plain");
  });

  // Bank details change: the employee id comes from the JSON body and is used as is.
  svr.Put("/employees/bank-account", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto body = nlohmann::json::parse(req.body);
    long emp = body.at("employee_id").get<long>();
    std::string iban = body.at("iban").get<std::string>();
    pqxx::work w(*db);
    w.exec_params("UPDATE employees SET iban = $1 WHERE id = $2", iban, emp); // EXPECT: idor
    w.commit();
    res.status = 204;
  });

  // Timesheet submission from the kiosk app: who is submitting comes from a header.
  svr.Post("/timesheets", [](const httplib::Request &req, httplib::Response &res) {
    std::string who = req.get_header_value("X-Employee-Id");
    auto body = nlohmann::json::parse(req.body);
    std::string week = body.value("week", "");
    double hours = body.value("hours", 0.0);
    pqxx::work w(*db);
    w.exec_params("INSERT INTO timesheets (employee_id, week, hours) VALUES ($1, $2, $3)", who, week, hours); // EXPECT: identity
    w.commit();
    res.status = 201;
  });

  // Timesheet correction: any timesheet row can be deleted by id.
  svr.Delete(R"(/timesheets/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*db);
    w.exec_params("DELETE FROM timesheets WHERE id = $1", std::stol(req.matches[1])); // EXPECT: idor
    w.commit();
    res.status = 204;
  });

  // Expense claim: loaded through a helper, owner compared before answering.
  svr.Get(R"(/expense-claims/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*db);
    auto claim = fetch_claim(w, std::stol(req.matches[1])); // EXPECT: ok
    if (!claim || (claim->employee_id != me->id && me->role != "hr")) {
      res.status = 404;
      return;
    }
    res.set_content(std::to_string(claim->amount), "text/plain");
  });

  // Approval: the helper loads the claim, and it is approved without looking at it.
  svr.Post(R"(/expense-claims/(\d+)/approve)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me || me->role == "employee") {
      res.status = 403;
      return;
    }
    long id = std::stol(req.matches[1]);
    pqxx::work w(*db);
    auto claim = fetch_claim(w, id); // EXPECT: ok
    if (!claim) {
      res.status = 404;
      return;
    }
    if (claim->employee_id != me->id && is_manager_of(me->id, claim->employee_id)) {
      w.exec_params("UPDATE expense_claims SET status = 'approved', approver = $2 WHERE id = $1", id, me->id); // EXPECT: ok
      w.commit();
    }
    res.status = 204;
  });

  // Draft claims can be withdrawn by their author only (predicate in the statement).
  svr.Delete(R"(/expense-claims/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*db);
    w.exec_params("DELETE FROM expense_claims WHERE id = $1 AND employee_id = $2 AND status = 'draft'", // EXPECT: ok
                  std::stol(req.matches[1]), me->id);
    w.commit();
  });

  // Receipt scan for a claim, straight from disk by claim id.
  svr.Get("/receipts", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    std::string claim = req.get_param_value("claim");
    std::string path = "/var/lib/payroll/receipts/" + claim + ".pdf";
    FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: idor
    if (!f) {
      res.status = 404;
      return;
    }
    std::string data;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      data.append(buf, n);
    std::fclose(f);
    res.set_content(data, "application/pdf");
  });

  // Performance reviews of an employee, read by id from the query string.
  svr.Get("/reviews", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long emp = std::stol(req.get_param_value("employee"));
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT year, rating, notes FROM reviews WHERE employee_id = $1", emp); // EXPECT: idor
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // HR only: terminate an employee.
  svr.Post(R"(/admin/employees/(\d+)/terminate)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = session_employee(req);
    if (!me || me->role != "hr") {
      res.status = 403;
      return;
    }
    pqxx::work w(*db);
    w.exec_params("UPDATE employees SET terminated_at = now() WHERE id = $1", std::stol(req.matches[1])); // EXPECT: ok
    w.commit();
  });

  // Company directory search: free text and paging, no object key.
  svr.Get("/directory", [](const httplib::Request &req, httplib::Response &res) {
    std::string q = req.get_param_value("q");
    long page = page_param(req, "page", 0);
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT name, title FROM employees WHERE name ILIKE $1 LIMIT 20 OFFSET $2", // EXPECT: ok
                           "%" + q + "%", page * 20);
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // Public holiday calendar.
  svr.Get("/holidays", [](const httplib::Request &req, httplib::Response &res) {
    int year = std::stoi(req.get_param_value("year"));
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT day, name FROM holidays WHERE year = $1", year); // EXPECT: ok
    res.set_content(std::to_string(r.size()), "text/plain");
  });
}

} // namespace payroll

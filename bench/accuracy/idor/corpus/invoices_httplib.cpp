// Labelled corpus: cpp-httplib invoice service. Each object access carries
// a label comment on its line, EXPECT then idor / identity (a finding is
// due) or ok (must stay quiet); see ../score.py.
#include "common.h"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sqlite3.h>

using namespace svc;
using nlohmann::json;

static pqxx::connection *pg;
static sqlite3 *lite;
static InvoiceStore store;
static AuditLog audit;

static long path_id(const httplib::Request &req) { return std::stol(req.matches[1]); }

static bool may_view(long user, const Invoice &inv) { return inv.customer_id == user; }

static void purge_invoice(pqxx::work &txn, long id) {
  txn.exec_params("DELETE FROM invoices WHERE id = $1", id);
}

static void purge_owned(pqxx::work &txn, long id, long user) {
  txn.exec_params("DELETE FROM invoices WHERE id = $1 AND customer_id = $2", id, user);
}

void register_invoice_routes(httplib::Server &s) {
  s.Get(R"(/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto inv = store.get(path_id(req)); // EXPECT: idor
    res.set_content(inv ? std::to_string(inv->amount) : "", "text/plain");
  });

  s.Get(R"(/v2/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long user = session_user_id(req.get_header_value("Cookie"));
    auto inv = store.get(path_id(req)); // EXPECT: ok
    if (!inv || !may_view(user, *inv)) {
      res.status = 404;
      return;
    }
    res.set_content(std::to_string(inv->amount), "text/plain");
  });

  s.Delete(R"(/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pg);
    purge_invoice(txn, path_id(req)); // EXPECT: idor
    txn.commit();
  });

  s.Delete(R"(/v2/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pg);
    purge_owned(txn, path_id(req), session_user_id(req.get_header_value("Cookie"))); // EXPECT: ok
    txn.commit();
  });

  s.Post("/invoices/pay", [](const httplib::Request &req, httplib::Response &res) {
    auto j = json::parse(req.body);
    long id = j.at("invoice_id").get<long>();
    pqxx::work txn(*pg);
    txn.exec_params("UPDATE invoices SET paid = true WHERE id = $1", id); // EXPECT: idor
    txn.commit();
  });

  s.Post("/v2/invoices/pay", [](const httplib::Request &req, httplib::Response &res) {
    auto j = json::parse(req.body);
    long id = j.at("invoice_id").get<long>();
    Session sess = load_session(req.get_header_value("Cookie"));
    pqxx::work txn(*pg);
    txn.exec_params("UPDATE invoices SET paid = true WHERE id = $1 AND customer_id = $2", id,
                    sess.user_id); // EXPECT: ok
    txn.commit();
  });

  s.Get("/invoices", [](const httplib::Request &req, httplib::Response &res) {
    long customer = std::stol(req.get_param_value("customer_id"));
    auto list = store.listForCustomer(customer); // EXPECT: idor
    res.set_content(std::to_string(list.size()), "text/plain");
  });

  s.Get("/my/invoices", [](const httplib::Request &req, httplib::Response &res) {
    auto list = store.listForCustomer(session_user_id(req.get_header_value("Cookie"))); // EXPECT: ok
    res.set_content(std::to_string(list.size()), "text/plain");
  });

  s.Get("/gateway/invoices", [](const httplib::Request &req, httplib::Response &res) {
    long customer = std::stol(req.get_header_value("X-User-Id"));
    auto list = store.listForCustomer(customer); // EXPECT: identity
    res.set_content(std::to_string(list.size()), "text/plain");
  });

  s.Get("/gateway/v2/invoices", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pg);
    auto r = txn.exec_params("SELECT id, amount FROM invoices WHERE customer_id = $1",
                             req.get_header_value("X-Account-Id")); // EXPECT: identity
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  s.Delete(R"(/admin/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long user = session_user_id(req.get_header_value("Cookie"));
    if (!is_admin(user)) {
      res.status = 403;
      return;
    }
    store.remove(path_id(req)); // EXPECT: ok
  });

  s.Delete(R"(/v3/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long user = session_user_id(req.get_header_value("Cookie"));
    long id = path_id(req);
    if (!has_permission(user, "invoice:delete", id))
      throw std::runtime_error("forbidden");
    store.remove(id); // EXPECT: ok
  });

  s.Delete(R"(/v4/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long user = session_user_id(req.get_header_value("Cookie"));
    long id = path_id(req);
    audit.write("delete " + std::to_string(id) + " by " + std::to_string(user)); // EXPECT: ok
    store.remove(id); // EXPECT: idor
  });

  s.Get(R"(/export/(\w+))", [](const httplib::Request &req, httplib::Response &res) {
    std::string name = req.matches[1];
    FILE *f = fopen(("/srv/exports/" + name + ".csv").c_str(), "r"); // EXPECT: idor
    if (f)
      fclose(f);
  });

  s.Get(R"(/lite/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    long user = session_user_id(req.get_header_value("Cookie"));
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(lite, "SELECT amount FROM invoices WHERE id = ?1 AND customer_id = ?2", -1,
                       &st, nullptr);
    sqlite3_bind_int64(st, 1, path_id(req)); // EXPECT: ok
    sqlite3_bind_int64(st, 2, user); // EXPECT: ok
    sqlite3_step(st);
  });

  s.Get(R"(/lite/v0/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(lite, "SELECT amount FROM invoices WHERE id = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, path_id(req)); // EXPECT: idor
    sqlite3_step(st);
  });

  s.Get("/search", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pg);
    long user = session_user_id(req.get_header_value("Cookie"));
    auto r = txn.exec_params("SELECT id FROM invoices WHERE customer_id = $1 AND memo LIKE $2",
                             user, "%" + req.get_param_value("q") + "%"); // EXPECT: ok
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  s.Get("/page", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work txn(*pg);
    auto r = txn.exec_params("SELECT id FROM invoices ORDER BY id LIMIT $1 OFFSET $2",
                             std::stoi(req.get_param_value("limit")),
                             std::stoi(req.get_param_value("offset"))); // EXPECT: ok
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  s.Put(R"(/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Session sess = load_session(req.get_header_value("Cookie"));
    auto inv = store.get(path_id(req)); // EXPECT: ok
    if (!inv || inv->customer_id != sess.user_id) {
      res.status = 404;
      return;
    }
    inv->amount = json::parse(req.body).at("amount").get<double>();
    store.save(*inv); // EXPECT: ok
  });

  s.Put(R"(/v0/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    Invoice inv;
    inv.id = path_id(req);
    inv.amount = json::parse(req.body).at("amount").get<double>();
    store.save(inv); // EXPECT: idor
  });

  s.Get(R"(/owned/invoices/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto inv = store.getOwned(path_id(req), session_user_id(req.get_header_value("Cookie"))); // EXPECT: ok
    res.set_content(inv ? "1" : "0", "text/plain");
  });

  s.Get(R"(/health/(\w+))", [](const httplib::Request &req, httplib::Response &res) {
    auto inv = store.get(1); // EXPECT: ok
    res.set_content(req.matches[1].str(), "text/plain");
  });
}

// Labelled corpus: Pistache account service (member handlers). Labels as in
// invoices_httplib.cpp.
#include "common.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <pistache/http.h>
#include <pistache/router.h>

using namespace Pistache;
using namespace svc;

class AccountApi {
public:
  void routes(Rest::Router &r) {
    Rest::Routes::Get(r, "/accounts/:id", Rest::Routes::bind(&AccountApi::get, this));
    Rest::Routes::Get(r, "/v2/accounts/:id", Rest::Routes::bind(&AccountApi::getChecked, this));
    Rest::Routes::Delete(r, "/accounts/:id", Rest::Routes::bind(&AccountApi::close, this));
    Rest::Routes::Delete(r, "/v2/accounts/:id", Rest::Routes::bind(&AccountApi::closeOwn, this));
    Rest::Routes::Post(r, "/transfer", Rest::Routes::bind(&AccountApi::transfer, this));
    Rest::Routes::Post(r, "/v2/transfer", Rest::Routes::bind(&AccountApi::transferOwn, this));
    Rest::Routes::Get(r, "/statements", Rest::Routes::bind(&AccountApi::statements, this));
    Rest::Routes::Get(r, "/v2/statements", Rest::Routes::bind(&AccountApi::statementsOwn, this));
    Rest::Routes::Put(r, "/accounts/:id/role", Rest::Routes::bind(&AccountApi::setRole, this));
    Rest::Routes::Get(r, "/accounts/:id/avatar", Rest::Routes::bind(&AccountApi::avatar, this));
    Rest::Routes::Get(r, "/v2/accounts/:id/notes", Rest::Routes::bind(&AccountApi::notes, this));
    Rest::Routes::Get(r, "/accounts/:id/notes", Rest::Routes::bind(&AccountApi::notesLeaky, this));
  }

  void get(const Rest::Request &req, Http::ResponseWriter res) {
    long id = req.param(":id").as<long>();
    SQLite::Statement q(db_, "SELECT name, email FROM accounts WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id)); // EXPECT: idor
    res.send(Http::Code::Ok, q.executeStep() ? q.getColumn(0).getString() : "");
  }

  void getChecked(const Rest::Request &req, Http::ResponseWriter res) {
    Session s = load_session(req.cookies().get("sid").value);
    long id = req.param(":id").as<long>();
    if (s.user_id != id) {
      res.send(Http::Code::Forbidden);
      return;
    }
    SQLite::Statement q(db_, "SELECT name, email FROM accounts WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
    res.send(Http::Code::Ok, q.executeStep() ? q.getColumn(0).getString() : "");
  }

  void close(const Rest::Request &req, Http::ResponseWriter res) {
    db_.exec("DELETE FROM accounts WHERE id = " + req.param(":id").as<std::string>()); // EXPECT: idor
    res.send(Http::Code::No_Content);
  }

  void closeOwn(const Rest::Request &req, Http::ResponseWriter res) {
    long me = session_user_id(req.cookies().get("sid").value);
    db_.exec("DELETE FROM accounts WHERE id = " + req.param(":id").as<std::string>() +
             " AND id = " + std::to_string(me)); // EXPECT: ok
    res.send(Http::Code::No_Content);
  }

  void transfer(const Rest::Request &req, Http::ResponseWriter res) {
    auto body = nlohmann::json::parse(req.body());
    long from = body.at("from_account_id").get<long>();
    SQLite::Statement q(db_, "UPDATE accounts SET balance = balance - ? WHERE id = ?");
    q.bind(1, body.at("amount").get<double>()); // EXPECT: ok
    q.bind(2, static_cast<int64_t>(from)); // EXPECT: idor
    q.exec();
    res.send(Http::Code::Ok);
  }

  void transferOwn(const Rest::Request &req, Http::ResponseWriter res) {
    auto body = nlohmann::json::parse(req.body());
    Session s = load_session(req.cookies().get("sid").value);
    SQLite::Statement q(db_, "UPDATE accounts SET balance = balance - ? WHERE id = ?");
    q.bind(1, body.at("amount").get<double>()); // EXPECT: ok
    q.bind(2, static_cast<int64_t>(s.user_id)); // EXPECT: ok
    q.exec();
    res.send(Http::Code::Ok);
  }

  void statements(const Rest::Request &req, Http::ResponseWriter res) {
    auto who = req.query().get("account_id");
    auto list = store_.listForCustomer(std::stol(who.value_or("0"))); // EXPECT: identity
    res.send(Http::Code::Ok, std::to_string(list.size()));
  }

  void statementsOwn(const Rest::Request &req, Http::ResponseWriter res) {
    Session s = load_session(req.cookies().get("sid").value);
    if (!s.valid) {
      res.send(Http::Code::Unauthorized);
      return;
    }
    auto list = store_.listForCustomer(s.user_id); // EXPECT: ok
    res.send(Http::Code::Ok, std::to_string(list.size()));
  }

  void setRole(const Rest::Request &req, Http::ResponseWriter res) {
    Session s = load_session(req.cookies().get("sid").value);
    if (!is_admin(s.user_id)) {
      res.send(Http::Code::Forbidden);
      return;
    }
    SQLite::Statement q(db_, "UPDATE accounts SET role = ? WHERE id = ?");
    q.bind(1, req.body()); // EXPECT: ok
    q.bind(2, req.param(":id").as<int>()); // EXPECT: ok
    q.exec();
    res.send(Http::Code::Ok);
  }

  // Avatars are public by design, but nothing in the code says so: the check
  // is expected to report it (a reviewer adds prodready::public).
  void avatar(const Rest::Request &req, Http::ResponseWriter res) {
    std::string id = req.param(":id").as<std::string>();
    FILE *f = fopen(("/srv/avatars/" + id + ".png").c_str(), "rb"); // EXPECT: idor
    if (f)
      fclose(f);
    res.send(Http::Code::Ok);
  }

  // Guarded by a member function of this class (name not in the model).
  void notes(const Rest::Request &req, Http::ResponseWriter res) {
    Session s = load_session(req.cookies().get("sid").value);
    long id = req.param(":id").as<long>();
    if (!mayReadNotes(s, id)) {
      res.send(Http::Code::Not_Found);
      return;
    }
    SQLite::Statement q(db_, "SELECT body FROM notes WHERE account_id = ?");
    q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
    res.send(Http::Code::Ok);
  }

  void notesLeaky(const Rest::Request &req, Http::ResponseWriter res) {
    long id = req.param(":id").as<long>();
    SQLite::Statement q(db_, "SELECT body FROM notes WHERE account_id = ?");
    q.bind(1, static_cast<int64_t>(id)); // EXPECT: idor
    res.send(Http::Code::Ok);
  }

private:
  bool mayReadNotes(const Session &s, long account) {
    return s.valid && (s.user_id == account || is_admin(s.user_id));
  }
  SQLite::Database db_{"accounts.db"};
  InvoiceStore store_;
};

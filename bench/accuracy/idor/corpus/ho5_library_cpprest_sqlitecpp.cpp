// Held-out (fifth set): a public-library lending API on cpprestsdk with
// SQLiteCpp. Members log in through the library portal (session token in the
// Authorization header); librarians have a flag on their member record.
// Written before scoring, check and model unchanged.
#include <SQLiteCpp/SQLiteCpp.h>
#include <cpprest/http_listener.h>
#include <cpprest/json.h>

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace web;
using namespace web::http;
using namespace web::http::experimental::listener;

namespace library {

static std::unique_ptr<SQLite::Database> db;

struct Member {
  long id = 0;
  bool librarian = false;
};

struct NotBorrower : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Resolves the portal session token of the Authorization header.
std::optional<Member> portal_session(const http_request &req);
bool same_household(long member, long other);

struct ReadingList {
  long id = 0;
  long owner_id = 0;
  bool is_public = false;
  std::string title;
};

static std::vector<std::string> path_of(const http_request &req) {
  return uri::split_path(uri::decode(req.relative_uri().path()));
}

static std::string query_param(const http_request &req, const std::string &key, const std::string &dflt) {
  auto q = uri::split_query(req.request_uri().query());
  auto it = q.find(key);
  return it == q.end() ? dflt : uri::decode(it->second);
}

static bool is_borrower(long loan, const Member &m) {
  SQLite::Statement q(*db, "SELECT 1 FROM loans WHERE id = ? AND member_id = ?");
  q.bind(1, static_cast<int64_t>(loan)); // EXPECT: ok
  q.bind(2, static_cast<int64_t>(m.id)); // EXPECT: ok
  return q.executeStep();
}

static void require_borrower(long loan, const Member &m) {
  if (!is_borrower(loan, m))
    throw NotBorrower(std::to_string(loan));
}

static std::optional<ReadingList> load_list(long id) {
  SQLite::Statement q(*db, "SELECT id, owner_id, is_public, title FROM reading_lists WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  if (!q.executeStep())
    return std::nullopt;
  return ReadingList{q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt() != 0,
                     q.getColumn(3).getString()};
}

// GET /loans/<id>: loaded, then compared with the caller before replying.
void get_loan(http_request req, const Member &me, long id) {
  SQLite::Statement q(*db, "SELECT member_id, isbn, due FROM loans WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  if (!q.executeStep() || q.getColumn(0).getInt64() != me.id) {
    req.reply(status_codes::NotFound);
    return;
  }
  json::value out;
  out["isbn"] = json::value::string(q.getColumn(1).getString());
  out["due"] = json::value::string(q.getColumn(2).getString());
  req.reply(status_codes::OK, out);
}

// GET /loans/<id>/receipt: printable receipt, no ownership check.
void loan_receipt(http_request req, const Member &me, long id) {
  (void)me;
  SQLite::Statement q(*db, "SELECT l.isbn, l.due, m.name, m.address FROM loans l JOIN members m ON m.id = l.member_id "
                           "WHERE l.id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: idor
  if (!q.executeStep()) {
    req.reply(status_codes::NotFound);
    return;
  }
  req.reply(status_codes::OK, q.getColumn(2).getString() + "\n" + q.getColumn(3).getString());
}

// POST /loans/<id>/renew: borrower check, then a spliced update.
void renew_loan(http_request req, const Member &me, long id) {
  if (!is_borrower(id, me)) {
    req.reply(status_codes::Forbidden);
    return;
  }
  db->exec("UPDATE loans SET due = date(due, '+14 days'), renewals = renewals + 1 WHERE id = " + std::to_string(id)); // EXPECT: ok
  req.reply(status_codes::NoContent);
}

// GET /loans/<id>/fine: throwing guard before the read.
void loan_fine(http_request req, const Member &me, long id) {
  try {
    require_borrower(id, me);
  } catch (const NotBorrower &) {
    req.reply(status_codes::Forbidden);
    return;
  }
  SQLite::Statement q(*db, "SELECT cents FROM fines WHERE loan_id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  req.reply(status_codes::OK, q.executeStep() ? q.getColumn(0).getString() : "0");
}

// POST /loans/<id>/return: desk staff only.
void return_loan(http_request req, const Member &me, long id) {
  if (!me.librarian) {
    req.reply(status_codes::Forbidden);
    return;
  }
  SQLite::Statement q(*db, "UPDATE loans SET returned_at = datetime('now') WHERE id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  q.exec();
  req.reply(status_codes::NoContent);
}

// POST /returns: self-service return machine; every id of the body is closed.
void bulk_return(http_request req, const Member &me) {
  (void)me;
  json::value body = req.extract_json().get();
  int n = 0;
  for (const auto &v : body.at("loan_ids").as_array()) {
    SQLite::Statement q(*db, "UPDATE loans SET returned_at = datetime('now') WHERE id = ?");
    q.bind(1, v.as_number().to_int64()); // EXPECT: idor
    n += q.exec();
  }
  req.reply(status_codes::OK, std::to_string(n));
}

// POST /loans/renew-many: each id goes through the borrower check in a lambda.
void renew_many(http_request req, const Member &me) {
  json::value body = req.extract_json().get();
  std::function<bool(int64_t)> renew_one = [&me](int64_t loan) {
    if (!is_borrower(loan, me))
      return false;
    SQLite::Statement q(*db, "UPDATE loans SET due = date(due, '+14 days') WHERE id = ?");
    q.bind(1, loan); // EXPECT: ok
    return q.exec() == 1;
  };
  int n = 0;
  for (const auto &v : body.at("loan_ids").as_array())
    n += renew_one(v.as_number().to_int64()) ? 1 : 0;
  req.reply(status_codes::OK, std::to_string(n));
}

// DELETE /holds/<id>: the delete is scoped to the caller.
void cancel_hold(http_request req, const Member &me, long id) {
  SQLite::Statement q(*db, "DELETE FROM holds WHERE id = ? AND member_id = ?");
  q.bind(1, static_cast<int64_t>(id));   // EXPECT: ok
  q.bind(2, static_cast<int64_t>(me.id)); // EXPECT: ok
  req.reply(q.exec() == 1 ? status_codes::NoContent : status_codes::NotFound);
}

// POST /holds: the member placing the hold is taken from the body.
void place_hold(http_request req, const Member &me) {
  (void)me;
  json::value body = req.extract_json().get();
  SQLite::Statement q(*db, "INSERT INTO holds (member_id, isbn) VALUES (?, ?)");
  q.bind(1, body.at("member_id").as_number().to_int64()); // EXPECT: identity
  q.bind(2, body.at("isbn").as_string());                 // EXPECT: ok
  q.exec();
  req.reply(status_codes::Created);
}

// GET /members/<mid>/history: self, household, or librarian.
void member_history(http_request req, const Member &me, long mid) {
  if (mid != me.id && !me.librarian && !same_household(me.id, mid)) {
    req.reply(status_codes::Forbidden);
    return;
  }
  SQLite::Statement q(*db, "SELECT isbn, borrowed_at FROM loans WHERE member_id = ? ORDER BY borrowed_at DESC");
  q.bind(1, static_cast<int64_t>(mid)); // EXPECT: ok
  json::value out = json::value::array();
  size_t i = 0;
  while (q.executeStep())
    out[i++] = json::value::string(q.getColumn(0).getString());
  req.reply(status_codes::OK, out);
}

// GET /me/loans: a gateway may name the member in X-Member-Id; otherwise the session.
void my_loans(http_request req, const Member &me) {
  long member = me.id;
  if (req.headers().has("X-Member-Id"))
    member = std::stol(req.headers()["X-Member-Id"]);
  SQLite::Statement q(*db, "SELECT id, isbn, due FROM loans WHERE member_id = ? AND returned_at IS NULL");
  q.bind(1, static_cast<int64_t>(member)); // EXPECT: identity
  int n = 0;
  while (q.executeStep())
    ++n;
  req.reply(status_codes::OK, std::to_string(n));
}

// GET /catalog/<isbn>: public catalogue record.
void catalog_item(http_request req, const std::string &isbn) {
  SQLite::Statement q(*db, "SELECT title, author, copies_free FROM titles WHERE isbn = ?");
  q.bind(1, isbn); // EXPECT: ok
  req.reply(q.executeStep() ? status_codes::OK : status_codes::NotFound,
            q.hasRow() ? q.getColumn(0).getString() : std::string());
}

// GET /catalog?q=...&page=N: public search.
void catalog_search(http_request req) {
  std::string text = query_param(req, "q", "");
  int page = std::stoi(query_param(req, "page", "0"));
  SQLite::Statement q(*db, "SELECT isbn, title FROM titles WHERE title LIKE ? LIMIT 25 OFFSET ?");
  q.bind(1, "%" + text + "%"); // EXPECT: ok
  q.bind(2, page * 25);       // EXPECT: ok
  int n = 0;
  while (q.executeStep())
    ++n;
  req.reply(status_codes::OK, std::to_string(n));
}

// GET /lists/<id>/items: public lists for everyone, private ones for their owner.
void list_items(http_request req, const Member &me, long id) {
  auto list = load_list(id);
  if (!list || (!list->is_public && list->owner_id != me.id)) {
    req.reply(status_codes::NotFound);
    return;
  }
  SQLite::Statement q(*db, "SELECT isbn FROM list_items WHERE list_id = ?");
  q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
  int n = 0;
  while (q.executeStep())
    ++n;
  req.reply(status_codes::OK, std::to_string(n));
}

// PUT /lists/<id>: change visibility, guarded by the same condition as the read.
void set_list_visibility(http_request req, const Member &me, long id) {
  auto list = load_list(id);
  if (!list || (!list->is_public && list->owner_id != me.id)) {
    req.reply(status_codes::NotFound);
    return;
  }
  bool make_public = req.extract_string().get() == "public";
  db->exec(std::string("UPDATE reading_lists SET is_public = ") + (make_public ? "1" : "0") + // EXPECT: idor
           " WHERE id = " + std::to_string(id));
  req.reply(status_codes::NoContent);
}

// DELETE /lists/<id>/items/<isbn>: the list is loaded, its owner never compared.
void remove_list_item(http_request req, const Member &me, long id, const std::string &isbn) {
  (void)me;
  auto list = load_list(id);
  if (!list) {
    req.reply(status_codes::NotFound);
    return;
  }
  SQLite::Statement q(*db, "DELETE FROM list_items WHERE list_id = ? AND isbn = ?");
  q.bind(1, static_cast<int64_t>(list->id)); // EXPECT: idor
  q.bind(2, isbn);                           // EXPECT: ok
  req.reply(q.exec() == 1 ? status_codes::NoContent : status_codes::NotFound);
}

// GET /members/<mid>/card: the barcode image of any member's library card.
void member_card(http_request req, const Member &me, const std::string &mid) {
  (void)me;
  std::ifstream png("/var/lib/library/cards/" + mid + ".png", std::ios::binary); // EXPECT: idor
  std::stringstream ss;
  ss << png.rdbuf();
  req.reply(status_codes::OK, ss.str(), "image/png");
}

void handle_get(http_request req) {
  auto p = path_of(req);
  if (p.size() == 2 && p[0] == "catalog")
    return catalog_item(req, p[1]);
  if (p.size() == 1 && p[0] == "catalog")
    return catalog_search(req);
  auto me = portal_session(req);
  if (!me) {
    req.reply(status_codes::Unauthorized);
    return;
  }
  if (p.size() == 2 && p[0] == "loans")
    return get_loan(req, *me, std::stol(p[1]));
  if (p.size() == 3 && p[0] == "loans" && p[2] == "receipt")
    return loan_receipt(req, *me, std::stol(p[1]));
  if (p.size() == 3 && p[0] == "loans" && p[2] == "fine")
    return loan_fine(req, *me, std::stol(p[1]));
  if (p.size() == 3 && p[0] == "members" && p[2] == "history")
    return member_history(req, *me, std::stol(p[1]));
  if (p.size() == 2 && p[0] == "me" && p[1] == "loans")
    return my_loans(req, *me);
  if (p.size() == 3 && p[0] == "lists" && p[2] == "items")
    return list_items(req, *me, std::stol(p[1]));
  if (p.size() == 3 && p[0] == "members" && p[2] == "card")
    return member_card(req, *me, p[1]);
  req.reply(status_codes::NotFound);
}

void handle_write(http_request req) {
  auto me = portal_session(req);
  if (!me) {
    req.reply(status_codes::Unauthorized);
    return;
  }
  auto p = path_of(req);
  const auto m = req.method();
  if (m == methods::POST && p.size() == 3 && p[0] == "loans" && p[2] == "renew")
    return renew_loan(req, *me, std::stol(p[1]));
  if (m == methods::POST && p.size() == 3 && p[0] == "loans" && p[2] == "return")
    return return_loan(req, *me, std::stol(p[1]));
  if (m == methods::POST && p.size() == 1 && p[0] == "returns")
    return bulk_return(req, *me);
  if (m == methods::POST && p.size() == 2 && p[0] == "loans" && p[1] == "renew-many")
    return renew_many(req, *me);
  if (m == methods::DEL && p.size() == 2 && p[0] == "holds")
    return cancel_hold(req, *me, std::stol(p[1]));
  if (m == methods::POST && p.size() == 1 && p[0] == "holds")
    return place_hold(req, *me);
  if (m == methods::PUT && p.size() == 2 && p[0] == "lists")
    return set_list_visibility(req, *me, std::stol(p[1]));
  if (m == methods::DEL && p.size() == 4 && p[0] == "lists" && p[2] == "items")
    return remove_list_item(req, *me, std::stol(p[1]), p[3]);
  req.reply(status_codes::NotFound);
}

void serve(const std::string &url) {
  http_listener listener(url);
  listener.support(methods::GET, handle_get);
  listener.support(methods::POST, handle_write);
  listener.support(methods::PUT, handle_write);
  listener.support(methods::DEL, handle_write);
  listener.open().wait();
}

} // namespace library

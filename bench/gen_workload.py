#!/usr/bin/env python3
"""Generate the prodready benchmark workload.

Writes realistic C++ service translation units that include the real Debian
framework and client headers (cpp-httplib, Pistache, Boost.Beast, cpprestsdk,
libpqxx, sqlite3, SQLiteCpp, SOCI, nlohmann_json, libpq, MariaDB, hiredis,
libcurl), a migrations folder whose size scales with --schema-scale, a
.clang-tidy pointing prodready-unindexed-query at it, and a
compile_commands.json that also lists examples/service.

Everything is deterministic for a given --seed. The output goes to a build or
temporary directory; it is never committed.

  bench/gen_workload.py --out /tmp/wl --tus 56 --schema-scale 1
"""

import argparse
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# TU kinds, in the order they are cycled through. Each is a function below.
KINDS = [
    "httplib_handlers",
    "pqxx_repository",
    "config_secrets",
    "pistache_handlers",
    "sqlite_repository",
    "beast_handlers",
    "soci_repository",
    "cpprest_handlers",
    "session_cache",
]

# The tables every TU queries. Scaling the schema adds tables, columns and
# indexes around them; it never changes the TUs, so schema cost is isolated.
CORE_TABLES = [
    ("users", ["email TEXT NOT NULL", "name TEXT NOT NULL", "status TEXT NOT NULL",
               "team_id BIGINT", "created_at TEXT NOT NULL"]),
    ("documents", ["owner_id BIGINT NOT NULL", "title TEXT NOT NULL", "body TEXT NOT NULL",
                   "status TEXT NOT NULL", "updated_at TEXT NOT NULL"]),
    ("orders", ["user_id BIGINT NOT NULL", "total_cents BIGINT NOT NULL", "currency TEXT NOT NULL",
                "status TEXT NOT NULL", "created_at TEXT NOT NULL"]),
    ("order_items", ["order_id BIGINT NOT NULL", "product_id BIGINT NOT NULL",
                     "quantity INTEGER NOT NULL", "price_cents BIGINT NOT NULL"]),
    ("products", ["sku TEXT NOT NULL", "name TEXT NOT NULL", "category TEXT NOT NULL",
                  "price_cents BIGINT NOT NULL", "stock INTEGER NOT NULL"]),
    ("invoices", ["order_id BIGINT NOT NULL", "customer_id BIGINT NOT NULL",
                  "due_date TEXT NOT NULL", "paid_at TEXT", "status TEXT NOT NULL"]),
    ("comments", ["document_id BIGINT NOT NULL", "author_id BIGINT NOT NULL",
                  "body TEXT NOT NULL", "created_at TEXT NOT NULL"]),
    ("audit_log", ["actor_id BIGINT NOT NULL", "action TEXT NOT NULL", "target TEXT NOT NULL",
                   "created_at TEXT NOT NULL"]),
]
# Indexes present at scale 1 (besides primary keys); the other columns are
# deliberately unindexed so prodready-unindexed-query has real work to do.
CORE_INDEXES = [
    ("users", ["email"], True), ("documents", ["owner_id"], False),
    ("orders", ["user_id", "created_at"], False), ("order_items", ["order_id"], False),
    ("products", ["sku"], True), ("invoices", ["customer_id"], False),
    ("comments", ["document_id"], False),
]
EXTRA_ENTITIES = [
    "tickets", "projects", "teams", "messages", "payments", "refunds", "shipments",
    "addresses", "coupons", "reviews", "notifications", "webhooks", "api_clients",
    "subscriptions", "plans", "attachments", "folders", "labels", "milestones", "releases",
]
EXTRA_COLUMNS = ["owner_id BIGINT NOT NULL", "name TEXT NOT NULL", "status TEXT NOT NULL",
                 "kind TEXT", "external_ref TEXT", "created_at TEXT NOT NULL",
                 "updated_at TEXT", "deleted_at TEXT"]


def col_names(table):
    for name, cols in CORE_TABLES:
        if name == table:
            return [c.split()[0] for c in cols]
    raise KeyError(table)


# --------------------------------------------------------------------------
# schema


def gen_migrations(out, scale, rnd):
    """Write migrations/NNNN_*.up.sql/.down.sql; return stats."""
    mdir = os.path.join(out, "migrations")
    os.makedirs(mdir, exist_ok=True)
    files = []

    def add(name, up, down):
        n = len(files) + 1
        base = "%04d_%s" % (n, name)
        with open(os.path.join(mdir, base + ".up.sql"), "w") as f:
            f.write(up)
        with open(os.path.join(mdir, base + ".down.sql"), "w") as f:
            f.write(down)
        files.append(base)

    tables = 0
    indexes = 0
    up = []
    for name, cols in CORE_TABLES:
        up.append("CREATE TABLE %s (\n  id BIGINT PRIMARY KEY,\n  %s\n);\n" %
                  (name, ",\n  ".join(cols)))
        tables += 1
    add("init", "\n".join(up), "".join("DROP TABLE %s;\n" % n for n, _ in reversed(CORE_TABLES)))
    for t, cols, uniq in CORE_INDEXES:
        iname = "idx_%s_%s" % (t, "_".join(cols))
        add("index_" + iname,
            "CREATE %sINDEX %s ON %s (%s);\n" % ("UNIQUE " if uniq else "", iname, t, ", ".join(cols)),
            "DROP INDEX %s;\n" % iname)
        indexes += 1
    # Scale: 8 * (scale - 1) extra tables, each with an index migration and an
    # ALTER TABLE migration, plus extra indexes on the core tables' other
    # columns that the queries do *not* use (so findings stay identical).
    extra = len(CORE_TABLES) * (scale - 1)
    for k in range(extra):
        ent = EXTRA_ENTITIES[k % len(EXTRA_ENTITIES)]
        name = ent if k < len(EXTRA_ENTITIES) else "%s_%d" % (ent, k // len(EXTRA_ENTITIES))
        cols = list(EXTRA_COLUMNS)
        rnd.shuffle(cols)
        cols = cols[: 4 + k % 4]
        add("create_" + name,
            "CREATE TABLE %s (\n  id BIGINT PRIMARY KEY,\n  %s\n);\n" % (name, ",\n  ".join(cols)),
            "DROP TABLE %s;\n" % name)
        tables += 1
        c0 = cols[0].split()[0]
        add("index_%s_%s" % (name, c0),
            "CREATE INDEX idx_%s_%s ON %s (%s);\n" % (name, c0, name, c0),
            "DROP INDEX idx_%s_%s;\n" % (name, c0))
        indexes += 1
        add("alter_%s" % name,
            "ALTER TABLE %s ADD COLUMN note_%d TEXT;\n" % (name, k),
            "ALTER TABLE %s DROP COLUMN note_%d;\n" % (name, k))
    return {"scale": scale, "migration_files": len(files) * 2, "migrations_up": len(files),
            "tables": tables, "indexes": indexes}


# --------------------------------------------------------------------------
# shared header


COMMON_H = r'''// Generated by bench/gen_workload.py: domain types shared by the workload TUs.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace shop {

struct User { int64_t id = 0; std::string email, name, status; int64_t team_id = 0; };
struct Document { int64_t id = 0; int64_t owner_id = 0; std::string title, body, status; };
struct Order { int64_t id = 0; int64_t user_id = 0; int64_t total_cents = 0; std::string currency, status; };
struct Product { int64_t id = 0; std::string sku, name, category; int64_t price_cents = 0; int stock = 0; };
struct Invoice { int64_t id = 0; int64_t order_id = 0; int64_t customer_id = 0; std::string status; };
struct Session { int64_t user_id = 0; std::string token; int64_t expires_at = 0; };

// The caller behind a session token, looked up server-side.
std::optional<int64_t> session_user(const std::string &token);
bool is_admin(int64_t user_id);
std::string to_json(const Document &d);
std::string to_json(const Order &o);
std::string to_json(const Product &p);

} // namespace shop
'''


# --------------------------------------------------------------------------
# helpers for SQL text


def sql_queries(rnd, n):
    """A list of (kind, sql, nparams) mixing indexed and unindexed lookups."""
    qs = []
    for i in range(n):
        t, cols = CORE_TABLES[i % len(CORE_TABLES)]
        names = [c.split()[0] for c in cols]
        c = names[(i // len(CORE_TABLES)) % len(names)]
        shape = i % 7
        if shape == 0:
            qs.append(("select", "SELECT id, %s FROM %s WHERE id = $1" % (", ".join(names[:3]), t), 1))
        elif shape == 1:
            qs.append(("select", "SELECT id, %s FROM %s WHERE %s = $1" % (", ".join(names[:2]), t, c), 1))
        elif shape == 2:
            qs.append(("select", "SELECT count(*) FROM %s WHERE %s = $1 AND %s = $2" % (t, names[0], names[-1]), 2))
        elif shape == 3:
            qs.append(("update", "UPDATE %s SET %s = $1 WHERE %s = $2" % (t, names[-1], c), 2))
        elif shape == 4:
            qs.append(("delete", "DELETE FROM %s WHERE %s = $1" % (t, c), 1))
        elif shape == 5:
            qs.append(("select", "SELECT id FROM %s WHERE %s = $1 ORDER BY id DESC LIMIT 50" % (t, names[0]), 1))
        else:
            qs.append(("insert", "INSERT INTO %s (%s) VALUES (%s)" %
                       (t, ", ".join(names[:2]), ", ".join("$%d" % (k + 1) for k in range(2))), 2))
    return qs


def qmarks(sql):
    """$1, $2 -> ? (sqlite3 / SQLiteCpp)."""
    out = sql
    for k in range(9, 0, -1):
        out = out.replace("$%d" % k, "?")
    return out


def colons(sql):
    """$1 -> :p1 (SOCI)."""
    out = sql
    for k in range(9, 0, -1):
        out = out.replace("$%d" % k, ":p%d" % k)
    return out


def cstr(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def split_literal(s, rnd):
    """Adjacent-literal concatenation across lines, as people write long SQL."""
    words = s.split(" ")
    if len(words) < 6:
        return cstr(s)
    cut = len(words) // 2
    return cstr(" ".join(words[:cut]) + " ") + "\n      " + cstr(" ".join(words[cut:]))


def rand_token(rnd, alphabet, n):
    return "".join(rnd.choice(alphabet) for _ in range(n))


ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


# --------------------------------------------------------------------------
# TU kinds


def tu_httplib_handlers(idx, rnd, size):
    ents = ["documents", "orders", "invoices", "products", "comments"]
    lines = ['// Generated: cpp-httplib handlers (%d).' % idx,
             '#include "common.h"', '', '#include <httplib.h>', '#include <nlohmann/json.hpp>',
             '#include <sqlite3.h>', '', '#include <string>', '',
             'namespace shop {', 'namespace {', '',
             'std::optional<int64_t> caller_%d(const httplib::Request &req) {' % idx,
             '  return session_user(req.get_header_value("Authorization"));', '}', '',
             'sqlite3 *g_db_%d = nullptr;' % idx, '',
             'std::optional<Document> load_%d(int64_t id) {' % idx,
             '  sqlite3_stmt *st = nullptr;',
             '  if (sqlite3_prepare_v2(g_db_%d, "SELECT id, owner_id, title, body, status FROM documents WHERE id = ?", -1, &st, nullptr) != SQLITE_OK)' % idx,
             '    return std::nullopt;',
             '  sqlite3_bind_int64(st, 1, id);',
             '  std::optional<Document> out;',
             '  if (sqlite3_step(st) == SQLITE_ROW) {',
             '    Document d;', '    d.id = sqlite3_column_int64(st, 0);',
             '    d.owner_id = sqlite3_column_int64(st, 1);',
             '    d.title = reinterpret_cast<const char *>(sqlite3_column_text(st, 2));',
             '    out = d;', '  }', '  sqlite3_finalize(st);', '  return out;', '}', '',
             'bool remove_%d(const char *table_sql, int64_t id) {' % idx,
             '  sqlite3_stmt *st = nullptr;',
             '  if (sqlite3_prepare_v2(g_db_%d, table_sql, -1, &st, nullptr) != SQLITE_OK) return false;' % idx,
             '  sqlite3_bind_int64(st, 1, id);',
             '  bool ok = sqlite3_step(st) == SQLITE_DONE;', '  sqlite3_finalize(st);', '  return ok;', '}', '',
             '} // namespace', '',
             'void register_routes_%d(httplib::Server &svr) {' % idx]
    for r in range(size):
        ent = ents[r % len(ents)]
        v = r % 4
        if v == 0:  # IDOR-shaped read
            lines += [
                '  svr.Get(R"(/api/v%d/%s/(\\d+))", [&](const httplib::Request &req, httplib::Response &res) {' % (r, ent),
                '    if (!caller_%d(req)) { res.status = 401; return; }' % idx,
                '    int64_t id = std::stoll(req.matches[1].str());',
                '    auto doc = load_%d(id);' % idx,
                '    if (!doc) { res.status = 404; return; }',
                '    nlohmann::json j{{"id", doc->id}, {"title", doc->title}, {"owner", doc->owner_id}};',
                '    res.set_content(j.dump(), "application/json");',
                '  });']
        elif v == 1:  # guarded look-alike
            lines += [
                '  svr.Get(R"(/api/v%d/%s/(\\d+)/mine)", [&](const httplib::Request &req, httplib::Response &res) {' % (r, ent),
                '    auto me = caller_%d(req);' % idx,
                '    if (!me) { res.status = 401; return; }',
                '    int64_t id = std::stoll(req.matches[1].str());',
                '    auto doc = load_%d(id);' % idx,
                '    if (!doc || doc->owner_id != *me) { res.status = 404; return; }',
                '    res.set_content(to_json(*doc), "application/json");',
                '  });']
        elif v == 2:  # delete by client id
            lines += [
                '  svr.Delete(R"(/api/v%d/%s/(\\d+))", [&](const httplib::Request &req, httplib::Response &res) {' % (r, ent),
                '    if (!caller_%d(req)) { res.status = 401; return; }' % idx,
                '    int64_t id = std::stoll(req.matches[1].str());',
                '    res.status = remove_%d("DELETE FROM %s WHERE id = ?", id) ? 204 : 404;' % (idx, ent),
                '  });']
        else:  # JSON body, query params, header-asserted identity
            lines += [
                '  svr.Post("/api/v%d/%s", [&](const httplib::Request &req, httplib::Response &res) {' % (r, ent),
                '    auto body = nlohmann::json::parse(req.body, nullptr, false);',
                '    if (body.is_discarded()) { res.status = 400; return; }',
                '    std::string page = req.has_param("page") ? req.get_param_value("page") : "1";',
                '    int64_t user = std::stoll(req.get_header_value("X-User-Id"));',
                '    nlohmann::json out = {{"user", user}, {"page", page}, {"n", body.size()}};',
                '    for (auto &item : body.items()) out[item.key()] = item.value();',
                '    res.set_content(out.dump(), "application/json");',
                '  });']
    lines += ['}', '', '} // namespace shop', '']
    return "\n".join(lines)


def tu_pistache_handlers(idx, rnd, size):
    lines = ['// Generated: Pistache REST handlers with libpqxx (%d).' % idx,
             '#include "common.h"', '', '#include <pistache/endpoint.h>', '#include <pistache/http.h>',
             '#include <pistache/router.h>', '#include <pqxx/pqxx>', '#include <nlohmann/json.hpp>', '',
             'namespace shop {', 'using namespace Pistache;', '',
             'class Api%d {' % idx, 'public:',
             '  explicit Api%d(pqxx::connection &c) : conn_(c) {}' % idx, '']
    methods = []
    for r in range(size):
        t, _ = CORE_TABLES[r % 6]
        m = "h%d" % r
        methods.append((m, t, r))
        v = r % 3
        lines.append('  void %s(const Rest::Request &request, Http::ResponseWriter response) {' % m)
        if v == 0:
            lines += [
                '    auto id = request.param(":id").as<int64_t>();',
                '    pqxx::work w{conn_};',
                '    pqxx::result r = w.exec_params("SELECT id, status FROM %s WHERE id = $1", id);' % t,
                '    if (r.empty()) { response.send(Http::Code::Not_Found); return; }',
                '    nlohmann::json j{{"id", r[0][0].as<int64_t>()}, {"status", r[0][1].c_str()}};',
                '    response.send(Http::Code::Ok, j.dump());']
        elif v == 1:
            lines += [
                '    auto status = request.param(":status").as<std::string>();',
                '    pqxx::work w{conn_};',
                '    pqxx::result r = w.exec_params(',
                '      "SELECT id FROM %s "' % t,
                '      "WHERE status = $1 ORDER BY id DESC LIMIT 100", status);',
                '    nlohmann::json arr = nlohmann::json::array();',
                '    for (const auto &row : r) arr.push_back(row[0].as<int64_t>());',
                '    response.send(Http::Code::Ok, arr.dump());']
        else:
            lines += [
                '    auto token = request.headers().getRaw("Authorization").value();',
                '    auto me = session_user(token);',
                '    if (!me) { response.send(Http::Code::Unauthorized); return; }',
                '    auto id = request.param(":id").as<int64_t>();',
                '    pqxx::work w{conn_};',
                '    w.exec_params("DELETE FROM %s WHERE id = $1 AND %s = $2", id, *me);' % (t, col_names(t)[0]),
                '    w.commit();',
                '    response.send(Http::Code::No_Content);']
        lines += ['  }', '']
    lines += ['  void setup(Rest::Router &router) {']
    for m, t, r in methods:
        path = "/%s/:id" % t if r % 3 != 1 else "/%s/by-status/:status" % t
        verb = "Delete" if r % 3 == 2 else "Get"
        lines.append('    Rest::Routes::%s(router, "/v%d%s", Rest::Routes::bind(&Api%d::%s, this));' %
                     (verb, r, path, idx, m))
    lines += ['  }', '', 'private:', '  pqxx::connection &conn_;', '};', '',
              'void serve_%d(pqxx::connection &c) {' % idx,
              '  Http::Endpoint server(Address(Ipv4::any(), Port(9080)));',
              '  Rest::Router router;', '  Api%d api(c);' % idx, '  api.setup(router);',
              '  server.init(Http::Endpoint::options().threads(2));',
              '  server.setHandler(router.handler());', '  server.serve();', '}', '',
              '} // namespace shop', '']
    return "\n".join(lines)


def tu_beast_handlers(idx, rnd, size):
    lines = ['// Generated: Boost.Beast request router (%d).' % idx,
             '#include "common.h"', '', '#include <boost/asio.hpp>', '#include <boost/beast/core.hpp>',
             '#include <boost/beast/http.hpp>', '#include <nlohmann/json.hpp>', '',
             'namespace shop {', 'namespace http = boost::beast::http;', '',
             'using Req%d = http::request<http::string_body>;' % idx,
             'using Res%d = http::response<http::string_body>;' % idx, '',
             'static std::unordered_map<std::string, std::string> g_etag_cache_%d;' % idx, '',
             'static Res%d reply_%d(const Req%d &req, http::status s, std::string body) {' % (idx, idx, idx),
             '  Res%d res{s, req.version()};' % idx,
             '  res.set(http::field::content_type, "application/json");',
             '  res.keep_alive(req.keep_alive());', '  res.body() = std::move(body);',
             '  res.prepare_payload();', '  return res;', '}', '']
    for r in range(size):
        v = r % 3
        lines.append('static Res%d route_%d_%d(const Req%d &req) {' % (idx, idx, r, idx))
        if v == 0:
            lines += [
                '  std::string target(req.target());',
                '  auto pos = target.rfind(\'/\');',
                '  int64_t id = std::stoll(target.substr(pos + 1));',
                '  nlohmann::json j{{"id", id}, {"route", %d}};' % r,
                '  g_etag_cache_%d[target] = j.dump();' % idx,
                '  return reply_%d(req, http::status::ok, j.dump());' % idx]
        elif v == 1:
            lines += [
                '  auto auth = req[http::field::authorization];',
                '  auto me = session_user(std::string(auth));',
                '  if (!me) return reply_%d(req, http::status::unauthorized, "{}");' % idx,
                '  auto body = nlohmann::json::parse(req.body(), nullptr, false);',
                '  if (body.is_discarded() || !body.contains("name")) return reply_%d(req, http::status::bad_request, "{}");' % idx,
                '  nlohmann::json out{{"owner", *me}, {"name", body["name"]}};',
                '  return reply_%d(req, http::status::created, out.dump());' % idx]
        else:
            lines += [
                '  if (req.method() != http::verb::get) return reply_%d(req, http::status::method_not_allowed, "{}");' % idx,
                '  std::string target(req.target());',
                '  auto it = g_etag_cache_%d.find(target);' % idx,
                '  if (it != g_etag_cache_%d.end()) return reply_%d(req, http::status::ok, it->second);' % (idx, idx),
                '  return reply_%d(req, http::status::not_found, "{}");' % idx]
        lines += ['}', '']
    lines += ['Res%d dispatch_%d(const Req%d &req) {' % (idx, idx, idx), '  std::string t(req.target());']
    for r in range(size):
        lines.append('  if (t.rfind("/r%d/", 0) == 0) return route_%d_%d(req);' % (r, idx, r))
    lines += ['  return reply_%d(req, http::status::not_found, "{}");' % idx, '}', '',
              'void session_%d(boost::asio::ip::tcp::socket &sock) {' % idx,
              '  boost::beast::flat_buffer buf;', '  Req%d req;' % idx,
              '  http::read(sock, buf, req);', '  auto res = dispatch_%d(req);' % idx,
              '  http::write(sock, res);', '}', '', '} // namespace shop', '']
    return "\n".join(lines)


def tu_cpprest_handlers(idx, rnd, size):
    lines = ['// Generated: cpprestsdk http_listener handlers (%d).' % idx,
             '#include "common.h"', '', '#include <cpprest/http_listener.h>', '#include <cpprest/json.h>',
             '#include <cpprest/uri.h>', '',
             'namespace shop {', 'using namespace web;', 'using namespace web::http;',
             'using namespace web::http::experimental::listener;', '',
             'static std::map<utility::string_t, json::value> g_profiles_%d;' % idx, '']
    for r in range(size):
        v = r % 3
        lines.append('static void handle_%d_%d(http_request req) {' % (idx, r))
        if v == 0:
            lines += [
                '  auto parts = uri::split_path(uri::decode(req.relative_uri().path()));',
                '  if (parts.size() < 2) { req.reply(status_codes::BadRequest); return; }',
                '  auto key = parts[1];',
                '  auto it = g_profiles_%d.find(key);' % idx,
                '  if (it == g_profiles_%d.end()) { req.reply(status_codes::NotFound); return; }' % idx,
                '  req.reply(status_codes::OK, it->second);']
        elif v == 1:
            lines += [
                '  auto q = uri::split_query(req.request_uri().query());',
                '  auto user = q[U("user")];',
                '  req.extract_json().then([req, user](json::value body) mutable {',
                '    g_profiles_%d[user] = body;' % idx,
                '    json::value out;', '    out[U("stored")] = json::value::boolean(true);',
                '    req.reply(status_codes::Created, out);', '  });']
        else:
            lines += [
                '  auto hdr = req.headers().find(U("Authorization"));',
                '  if (hdr == req.headers().end()) { req.reply(status_codes::Unauthorized); return; }',
                '  json::value out = json::value::array();',
                '  size_t n = 0;',
                '  for (const auto &kv : g_profiles_%d) out[n++] = json::value::string(kv.first);' % idx,
                '  req.reply(status_codes::OK, out);']
        lines += ['}', '']
    lines += ['void listen_%d(http_listener &listener) {' % idx]
    for r in range(size):
        verb = ["GET", "PUT", "GET"][r % 3]
        lines.append('  listener.support(methods::%s, handle_%d_%d);' % (verb, idx, r))
    lines += ['  listener.open().wait();', '}', '', '} // namespace shop', '']
    return "\n".join(lines)


def tu_pqxx_repository(idx, rnd, size):
    qs = sql_queries(rnd, size)
    lines = ['// Generated: libpqxx repository (%d).' % idx, '#include "common.h"', '',
             '#include <pqxx/pqxx>', '', '#define SQL_ORDERS_BY_STATUS_%d "SELECT id, user_id FROM orders WHERE status = $1"' % idx, '',
             'namespace shop {', '',
             'static constexpr const char *kFindUser%d = "SELECT id, name FROM users WHERE email = $1";' % idx, '',
             'class PgRepository%d {' % idx, 'public:',
             '  explicit PgRepository%d(pqxx::connection &c) : conn_(c) {}' % idx, '',
             '  std::optional<int64_t> find_user(const std::string &email) {',
             '    pqxx::work w{conn_};', '    auto r = w.exec_params(kFindUser%d, email);' % idx,
             '    if (r.empty()) return std::nullopt;', '    return r[0][0].as<int64_t>();', '  }', '',
             '  std::vector<int64_t> orders_by_status(const std::string &s) {',
             '    pqxx::work w{conn_};', '    std::vector<int64_t> out;',
             '    for (const auto &row : w.exec_params(SQL_ORDERS_BY_STATUS_%d, s)) out.push_back(row[0].as<int64_t>());' % idx,
             '    return out;', '  }', '']
    for i, (kind, sql, np) in enumerate(qs):
        args = ", ".join(["a%d" % k for k in range(np)])
        params = ", ".join(["const std::string &a%d" % k for k in range(np)])
        lines.append('  size_t q%d(%s) {' % (i, params))
        lines.append('    pqxx::work w{conn_};')
        if i % 5 == 4:
            # std::string built with + across lines
            words = sql.split(" WHERE ")
            if len(words) == 2:
                lines += ['    std::string sql = "%s";' % words[0],
                          '    sql += " WHERE ";', '    sql += "%s";' % words[1],
                          '    auto r = w.exec_params(sql, %s);' % args]
            else:
                lines.append('    auto r = w.exec_params(%s, %s);' % (split_literal(sql, rnd), args))
        else:
            lines.append('    auto r = w.exec_params(%s, %s);' % (split_literal(sql, rnd), args))
        if kind != "select":
            lines.append('    w.commit();')
        lines += ['    return r.affected_rows() + r.size();', '  }', '']
    lines += ['private:', '  pqxx::connection &conn_;', '};', '',
              'size_t run_all_%d(pqxx::connection &c) {' % idx, '  PgRepository%d repo(c);' % idx,
              '  size_t n = 0;']
    for i, (kind, sql, np) in enumerate(qs):
        lines.append('  n += repo.q%d(%s);' % (i, ", ".join(['"x"'] * np)))
    lines += ['  return n;', '}', '', '} // namespace shop', '']
    return "\n".join(lines)


def tu_sqlite_repository(idx, rnd, size):
    qs = sql_queries(rnd, size)
    lines = ['// Generated: sqlite3 + SQLiteCpp repository (%d).' % idx, '#include "common.h"', '',
             '#include <SQLiteCpp/SQLiteCpp.h>', '#include <sqlite3.h>', '',
             'namespace shop {', '',
             'class LiteRepository%d {' % idx, 'public:',
             '  explicit LiteRepository%d(sqlite3 *db, SQLite::Database &cpp) : db_(db), cpp_(cpp) {}' % idx, '']
    for i, (kind, sql, np) in enumerate(qs):
        s = qmarks(sql)
        params = ", ".join(["int64_t a%d" % k for k in range(np)])
        lines.append('  int q%d(%s) {' % (i, params))
        if i % 2 == 0:
            lines += ['    sqlite3_stmt *st = nullptr;',
                      '    if (sqlite3_prepare_v2(db_, %s, -1, &st, nullptr) != SQLITE_OK) return -1;' % split_literal(s, rnd)]
            for k in range(np):
                lines.append('    sqlite3_bind_int64(st, %d, a%d);' % (k + 1, k))
            lines += ['    int rows = 0;', '    while (sqlite3_step(st) == SQLITE_ROW) ++rows;',
                      '    sqlite3_finalize(st);', '    return rows;']
        else:
            lines.append('    SQLite::Statement q(cpp_, %s);' % split_literal(s, rnd))
            for k in range(np):
                lines.append('    q.bind(%d, a%d);' % (k + 1, k))
            if kind == "select":
                lines += ['    int rows = 0;', '    while (q.executeStep()) ++rows;', '    return rows;']
            else:
                lines += ['    return q.exec();']
        lines += ['  }', '']
    lines += ['  void migrate() {',
              '    cpp_.exec("CREATE TABLE IF NOT EXISTS kv_%d (k TEXT PRIMARY KEY, v TEXT NOT NULL)");' % idx,
              '  }', '',
              'private:', '  sqlite3 *db_;', '  SQLite::Database &cpp_;', '};', '',
              'int run_all_%d(sqlite3 *db, SQLite::Database &cpp) {' % idx,
              '  LiteRepository%d repo(db, cpp);' % idx, '  int n = 0;']
    for i, (kind, sql, np) in enumerate(qs):
        lines.append('  n += repo.q%d(%s);' % (i, ", ".join(["%d" % (i + k) for k in range(np)])))
    lines += ['  return n;', '}', '', '} // namespace shop', '']
    return "\n".join(lines)


def tu_soci_repository(idx, rnd, size):
    qs = sql_queries(rnd, size)
    lines = ['// Generated: SOCI repository (%d).' % idx, '#include "common.h"', '',
             '#include <soci/soci.h>', '',
             'namespace shop {', '',
             'class SociRepository%d {' % idx, 'public:',
             '  explicit SociRepository%d(soci::session &s) : sql_(s) {}' % idx, '']
    for i, (kind, sql, np) in enumerate(qs):
        s = colons(sql)
        params = ", ".join(["const std::string &a%d" % k for k in range(np)])
        lines.append('  int q%d(%s) {' % (i, params))
        uses = "".join(", soci::use(a%d)" % k for k in range(np))
        if kind == "select":
            lines += ['    int out = 0;',
                      '    sql_ << %s,\n      soci::into(out)%s;' % (split_literal(s, rnd), uses),
                      '    return out;']
        else:
            lines += ['    sql_ << %s%s;' % (split_literal(s, rnd), uses), '    return 1;']
        lines += ['  }', '']
    lines += ['private:', '  soci::session &sql_;', '};', '',
              'int run_all_%d(soci::session &s) {' % idx, '  SociRepository%d repo(s);' % idx, '  int n = 0;']
    for i, (kind, sql, np) in enumerate(qs):
        lines.append('  n += repo.q%d(%s);' % (i, ", ".join(['"v"'] * np)))
    lines += ['  return n;', '}', '', '} // namespace shop', '']
    return "\n".join(lines)


def tu_config_secrets(idx, rnd, size):
    """Secret-dense configuration code: real-looking credentials next to
    environment/secret-file look-alikes and placeholders."""
    lines = ['// Generated: configuration with credentials and look-alikes (%d).' % idx,
             '#include "common.h"', '', '#include <curl/curl.h>', '#include <hiredis/hiredis.h>',
             '#include <libpq-fe.h>', '#include <mysql/mysql.h>', '#include <nlohmann/json.hpp>', '',
             '#include <cstdlib>', '', 'namespace shop {', 'namespace config%d {' % idx, '']
    for r in range(size):
        v = r % 8
        tok = rand_token(rnd, ALNUM, 32)
        if v == 0:
            lines.append('static const char *kApiKey%d = "%s";' % (r, "sk_live_" + rand_token(rnd, ALNUM, 24)))
        elif v == 1:
            lines.append('static const std::string kAwsAccessKey%d = "%s";' % (r, "AKIA" + rand_token(rnd, UPPER, 16)))
        elif v == 2:
            lines.append('static const char *kDbPassword%d = "%s";' % (r, rand_token(rnd, ALNUM, 14) + "!"))
        elif v == 3:  # look-alike: placeholder
            lines.append('static const char *kPasswordTemplate%d = "${DB_PASSWORD_%d}";' % (r, r))
        elif v == 4:  # look-alike: environment
            lines.append('static const char *passwordEnvVar%d = "APP_DB_PASSWORD_%d";' % (r, r))
        elif v == 5:
            lines.append('static const std::string kConnString%d = "postgresql://app:%s@db-%d.internal:5432/shop";' % (r, tok[:18], r))
        elif v == 6:  # look-alike: not a secret
            lines.append('static const char *kTokenHeaderName%d = "Authorization";' % r)
        else:
            lines.append('static const char *kGithubToken%d = "%s";' % (r, "ghp_" + rand_token(rnd, ALNUM, 36)))
    lines += ['',
              'PGconn *pg_connect_%d() {' % idx,
              '  return PQconnectdb("host=db.internal port=5432 dbname=shop user=shop password=%s");' % rand_token(rnd, ALNUM, 20),
              '}', '',
              'PGconn *pg_connect_env_%d() {' % idx,
              '  const char *pw = std::getenv("PGPASSWORD");',
              '  std::string dsn = std::string("host=db.internal dbname=shop user=shop password=") + (pw ? pw : "");',
              '  return PQconnectdb(dsn.c_str());', '}', '',
              'MYSQL *mysql_connect_%d(MYSQL *db) {' % idx,
              '  return mysql_real_connect(db, "mysql.internal", "shop", "%s", "shop", 3306, nullptr, 0);' % rand_token(rnd, ALNUM, 16),
              '}', '',
              'redisContext *redis_connect_%d() {' % idx,
              '  redisContext *c = redisConnect("redis.internal", 6379);',
              '  if (c) freeReplyObject(redisCommand(c, "AUTH %%s", "%s"));' % rand_token(rnd, ALNUM, 24),
              '  return c;', '}', '',
              'void curl_setup_%d(CURL *curl) {' % idx,
              '  curl_easy_setopt(curl, CURLOPT_USERPWD, "deploy:%s");' % rand_token(rnd, ALNUM, 18),
              '  curl_easy_setopt(curl, CURLOPT_URL, "https://api.example.com/v1/charges");',
              '}', '',
              'nlohmann::json defaults_%d() {' % idx, '  return nlohmann::json{']
    for r in range(size // 2):
        if r % 3 == 0:
            lines.append('    {"service_%d_password", "%s"},' % (r, rand_token(rnd, ALNUM, 16)))
        elif r % 3 == 1:
            lines.append('    {"service_%d_timeout_ms", %d},' % (r, 100 + r))
        else:
            lines.append('    {"service_%d_url", "https://svc-%d.internal"},' % (r, r))
    lines += ['    {"version", %d}' % idx, '  };', '}', '', '} // namespace config%d' % idx,
              '} // namespace shop', '']
    return "\n".join(lines)


def tu_session_cache(idx, rnd, size):
    lines = ['// Generated: in-process caches, bounded and unbounded (%d).' % idx,
             '#include "common.h"', '', '#include <httplib.h>', '#include <nlohmann/json.hpp>', '',
             '#include <chrono>', '#include <deque>', '#include <list>', '#include <set>', '',
             'namespace shop {', '']
    for r in range(size):
        v = r % 4
        if v == 0:  # grows forever, keyed by request data
            lines += ['static std::unordered_map<std::string, Session> g_sessions_%d_%d;' % (idx, r),
                      'void login_%d_%d(const httplib::Request &req) {' % (idx, r),
                      '  Session s; s.token = req.get_header_value("Authorization");',
                      '  g_sessions_%d_%d[req.get_param_value("user")] = s;' % (idx, r), '}', '']
        elif v == 1:  # bounded look-alike
            lines += ['static std::unordered_map<std::string, Session> g_bounded_%d_%d;' % (idx, r),
                      'static std::mutex g_bounded_mu_%d_%d;' % (idx, r),
                      'void remember_%d_%d(const std::string &k, Session s) {' % (idx, r),
                      '  std::lock_guard<std::mutex> lk(g_bounded_mu_%d_%d);' % (idx, r),
                      '  if (g_bounded_%d_%d.size() >= 10000) g_bounded_%d_%d.erase(g_bounded_%d_%d.begin());' % ((idx, r) * 3),
                      '  g_bounded_%d_%d.emplace(k, std::move(s));' % (idx, r), '}', '']
        elif v == 2:  # vector that only grows
            lines += ['static std::vector<std::string> g_events_%d_%d;' % (idx, r),
                      'void record_%d_%d(const httplib::Request &req) {' % (idx, r),
                      '  g_events_%d_%d.push_back(req.path + " " + req.method);' % (idx, r), '}', '']
        else:  # cleared look-alike
            lines += ['static std::deque<nlohmann::json> g_batch_%d_%d;' % (idx, r),
                      'void enqueue_%d_%d(nlohmann::json j) {' % (idx, r),
                      '  g_batch_%d_%d.push_back(std::move(j));' % (idx, r),
                      '  if (g_batch_%d_%d.size() > 512) g_batch_%d_%d.clear();' % ((idx, r) * 2), '}', '']
    lines += ['class Memo%d {' % idx, 'public:',
              '  const Product &get(int64_t id) {', '    auto it = memo_.find(id);',
              '    if (it != memo_.end()) return it->second;',
              '    Product p; p.id = id;', '    return memo_[id] = p;', '  }',
              'private:', '  std::map<int64_t, Product> memo_;', '};', '',
              'Memo%d &global_memo_%d() {' % (idx, idx), '  static Memo%d m;' % idx, '  return m;', '}', '',
              '} // namespace shop', '']
    return "\n".join(lines)


GENERATORS = {k: globals()["tu_" + k] for k in KINDS}
# per-kind "size" (routes / queries / constants) at --body-scale 1
SIZES = {"httplib_handlers": 24, "pqxx_repository": 48, "config_secrets": 40,
         "pistache_handlers": 24, "sqlite_repository": 48, "beast_handlers": 24,
         "soci_repository": 40, "cpprest_handlers": 24, "session_cache": 32}

COMPILER = "clang++-19"
BASE_FLAGS = ["-std=c++17", "-I/usr/include/postgresql", "-I/usr/include/mariadb"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory (created; previous generated content replaced)")
    ap.add_argument("--tus", type=int, default=56, help="number of generated TUs (default 56)")
    ap.add_argument("--schema-scale", type=int, default=1, help="schema size multiplier: 1, 4, 16 (default 1)")
    ap.add_argument("--body-scale", type=float, default=1.0, help="multiplier on handlers/queries per TU")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated TU kinds to cycle through")
    ap.add_argument("--examples", default=os.path.join(REPO, "examples", "service"),
                    help="examples/service directory to list in compile_commands.json ('none' to skip)")
    ap.add_argument("--seed", type=int, default=8)
    a = ap.parse_args(argv)
    manifest = generate(a.out, a.tus, a.schema_scale, a.body_scale, a.kinds.split(","),
                        None if a.examples == "none" else a.examples, a.seed)
    print("gen_workload: %d TUs (%d generated + %d examples), %d tables, %d indexes, %d migration files -> %s" %
          (len(manifest["tus"]), manifest["generated_tus"], manifest["example_tus"],
           manifest["schema"]["tables"], manifest["schema"]["indexes"],
           manifest["schema"]["migration_files"], a.out))
    return 0


def generate(out, tus, schema_scale, body_scale=1.0, kinds=None, examples=None, seed=8):
    kinds = kinds or KINDS
    for k in kinds:
        if k not in GENERATORS:
            raise SystemExit("gen_workload: unknown kind %r (known: %s)" % (k, ", ".join(KINDS)))
    out = os.path.abspath(out)
    for sub in ("src", "include", "migrations", "obj"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(os.path.join(out, "src"), exist_ok=True)
    os.makedirs(os.path.join(out, "include"), exist_ok=True)
    rnd = random.Random(seed)
    schema = gen_migrations(out, schema_scale, random.Random(seed + 1))
    with open(os.path.join(out, "include", "common.h"), "w") as f:
        f.write(COMMON_H)
    with open(os.path.join(out, ".clang-tidy"), "w") as f:
        f.write("# Generated by bench/gen_workload.py\nChecks: '-*,prodready-*'\nCheckOptions:\n"
                "  prodready-unindexed-query.SchemaPaths: '%s'\n" % os.path.join(out, "migrations"))
    entries = []
    listed = []
    for i in range(tus):
        kind = kinds[i % len(kinds)]
        size = max(2, int(round(SIZES[kind] * body_scale)))
        src = GENERATORS[kind](i, random.Random(rnd.random()), size)
        path = os.path.join(out, "src", "%s_%03d.cpp" % (kind, i))
        with open(path, "w") as f:
            f.write(src)
        obj = os.path.join(out, "obj", "%s_%03d.o" % (kind, i))
        # Pistache's async.h has a template body clang rejects when parsed
        # eagerly; Pistache users on clang build with delayed template parsing.
        extra = ["-fdelayed-template-parsing"] if kind.startswith("pistache") else []
        entries.append({"directory": out, "file": path,
                        "arguments": [COMPILER] + BASE_FLAGS + extra + ["-I" + os.path.join(out, "include"),
                                                                        "-c", path, "-o", obj]})
        listed.append({"file": path, "kind": kind, "lines": src.count("\n")})
    nex = 0
    if examples and os.path.isdir(os.path.join(examples, "src")):
        ex = os.path.abspath(examples)
        for name in sorted(os.listdir(os.path.join(ex, "src"))):
            if not name.endswith(".cpp"):
                continue
            path = os.path.join(ex, "src", name)
            obj = os.path.join(out, "obj", "example_" + name[:-4] + ".o")
            entries.append({"directory": ex, "file": path,
                            "arguments": [COMPILER] + BASE_FLAGS + ["-I" + os.path.join(ex, "src"),
                                                                    "-c", path, "-o", obj]})
            with open(path) as f:
                listed.append({"file": path, "kind": "example", "lines": f.read().count("\n")})
            nex += 1
    os.makedirs(os.path.join(out, "obj"), exist_ok=True)
    with open(os.path.join(out, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)
    manifest = {"generated_tus": tus, "example_tus": nex, "schema": schema, "seed": seed,
                "body_scale": body_scale, "tus": listed}
    with open(os.path.join(out, "workload.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


if __name__ == "__main__":
    sys.exit(main())

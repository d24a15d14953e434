// Held-out (fourth set): a customer-support messaging service. The web inbox
// (conversations, messages) is a POCO HTTP server over PostgreSQL (libpq);
// the attachment server is embedded CivetWeb over SQLite (sqlite3 C API) with
// files on disk. Both resolve the caller from the signed session cookie.
// Written blind, before scoring, with the check and its model unchanged.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>
#include <civetweb.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace support {

static PGconn *pg;
static sqlite3 *files_db;

struct Caller {
  long id = 0;
  bool agent = false;
  bool admin = false;
};

// Verifies the signed "sess" cookie; nullopt when missing or tampered with.
std::optional<Caller> authenticate(const HTTPServerRequest &req);
std::optional<Caller> authenticate(struct mg_connection *c);
// Verifies the HMAC of an unsubscribe link and returns the user it was issued to.
std::optional<long> verify_unsubscribe_token(const std::string &token);

// True when the user takes part in the conversation.
static bool is_participant(const std::string &conversation, long user) {
  std::string u = std::to_string(user);
  const char *params[2] = {conversation.c_str(), u.c_str()};
  PGresult *r = PQexecParams(pg, "SELECT 1 FROM participants WHERE conversation_id = $1 AND user_id = $2", 2, // EXPECT: ok
                             nullptr, params, nullptr, nullptr, 0);
  bool yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
  PQclear(r);
  return yes;
}

static std::vector<std::string> path_segments(const HTTPServerRequest &req) {
  std::vector<std::string> segs;
  Poco::URI(req.getURI()).getPathSegments(segs);
  return segs;
}

static std::string query_or(const HTTPServerRequest &req, const std::string &key, const std::string &dflt) {
  for (const auto &kv : Poco::URI(req.getURI()).getQueryParameters())
    if (kv.first == key)
      return kv.second;
  return dflt;
}

static void send_json(HTTPServerResponse &resp, const nlohmann::json &j) {
  resp.setContentType("application/json");
  resp.send() << j.dump();
}

static void deny(HTTPServerResponse &resp, HTTPResponse::HTTPStatus st) {
  resp.setStatus(st);
  resp.send();
}

static nlohmann::json rows_json(PGresult *r) {
  nlohmann::json arr = nlohmann::json::array();
  for (int i = 0; i < PQntuples(r); ++i)
    arr.push_back({{"id", PQgetvalue(r, i, 0)}, {"text", PQgetvalue(r, i, 1)}});
  return arr;
}

// GET /conversations/<id>/messages: joined with participants on the caller.
class ConversationMessages : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto me = authenticate(req);
    if (!me)
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::string conv = path_segments(req).at(1);
    std::string uid = std::to_string(me->id);
    const char *params[2] = {conv.c_str(), uid.c_str()};
    PGresult *r = PQexecParams(pg, // EXPECT: ok
                               "SELECT m.id, m.body FROM messages m JOIN participants p ON p.conversation_id = "
                               "m.conversation_id WHERE m.conversation_id = $1 AND p.user_id = $2 ORDER BY m.sent_at",
                               2, nullptr, params, nullptr, nullptr, 0);
    send_json(resp, rows_json(r));
    PQclear(r);
  }
};

// POST /conversations/<id>/messages: participant check, then insert as the caller.
class PostMessage : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto me = authenticate(req);
    if (!me)
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::string conv = path_segments(req).at(1);
    if (!is_participant(conv, me->id))
      return deny(resp, HTTPResponse::HTTP_FORBIDDEN);
    Poco::Net::HTMLForm form(req, req.stream());
    std::string text = form.get("text", "");
    std::string uid = std::to_string(me->id);
    const char *params[3] = {conv.c_str(), uid.c_str(), text.c_str()};
    PGresult *r = PQexecParams(pg, "INSERT INTO messages (conversation_id, sender_id, body) VALUES ($1, $2, $3)", 3, // EXPECT: ok
                               nullptr, params, nullptr, nullptr, 0);
    PQclear(r);
    resp.setStatus(HTTPResponse::HTTP_CREATED);
    resp.send();
  }
};

// PUT /messages/<id>: the author mismatch is only logged, the edit goes through.
class EditMessage : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto me = authenticate(req);
    if (!me)
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::string id = path_segments(req).at(1);
    const char *p1[1] = {id.c_str()};
    PGresult *a = PQexecParams(pg, "SELECT sender_id FROM messages WHERE id = $1", 1, nullptr, p1, nullptr, // EXPECT: ok
                               nullptr, 0);
    if (PQntuples(a) == 0) {
      PQclear(a);
      return deny(resp, HTTPResponse::HTTP_NOT_FOUND);
    }
    long author = Poco::NumberParser::parse64(PQgetvalue(a, 0, 0));
    PQclear(a);
    if (author != me->id)
      std::cerr << "warning: user " << me->id << " edits message " << id << " of " << author << "\n";
    Poco::Net::HTMLForm form(req, req.stream());
    std::string text = form.get("text");
    const char *p2[2] = {text.c_str(), id.c_str()};
    PGresult *u = PQexecParams(pg, "UPDATE messages SET body = $1, edited = true WHERE id = $2", 2, nullptr, p2, // EXPECT: idor
                               nullptr, nullptr, 0);
    PQclear(u);
    resp.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp.send();
  }
};

// DELETE /conversations/<id>: administrators purge a whole conversation.
class PurgeConversation : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto me = authenticate(req);
    if (!me || !me->admin)
      return deny(resp, HTTPResponse::HTTP_FORBIDDEN);
    std::string conv = path_segments(req).at(1);
    const char *params[1] = {conv.c_str()};
    PGresult *r = PQexecParams(pg, "DELETE FROM conversations WHERE id = $1", 1, nullptr, params, nullptr, nullptr, // EXPECT: ok
                               0);
    PQclear(r);
    resp.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp.send();
  }
};

// GET /messages/search?q=&conversation=: full-text search in any conversation.
class SearchMessages : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto me = authenticate(req);
    if (!me)
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::string q = query_or(req, "q", "");
    std::string conv = query_or(req, "conversation", "");
    if (conv.empty())
      return deny(resp, HTTPResponse::HTTP_BAD_REQUEST);
    const char *params[2] = {conv.c_str(), q.c_str()};
    PGresult *r = PQexecParams(pg, // EXPECT: idor
                               "SELECT id, body FROM messages WHERE conversation_id = $1 AND "
                               "to_tsvector(body) @@ plainto_tsquery($2) LIMIT 100",
                               2, nullptr, params, nullptr, nullptr, 0);
    send_json(resp, rows_json(r));
    PQclear(r);
  }
};

// GET /inbox?limit=: the caller's conversations.
class Inbox : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    auto me = authenticate(req);
    if (!me)
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    int limit = 20;
    Poco::NumberParser::tryParse(query_or(req, "limit", "20"), limit);
    std::string uid = std::to_string(me->id);
    std::string lim = std::to_string(std::min(limit, 100));
    const char *params[2] = {uid.c_str(), lim.c_str()};
    PGresult *r = PQexecParams(pg, // EXPECT: ok
                               "SELECT c.id, c.subject FROM conversations c JOIN participants p ON p.conversation_id = c.id "
                               "WHERE p.user_id = $1 ORDER BY c.updated_at DESC LIMIT $2",
                               2, nullptr, params, nullptr, nullptr, 0);
    send_json(resp, rows_json(r));
    PQclear(r);
  }
};

// POST /conversations/<id>/read: the reader is the form's user_id field.
class MarkRead : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    if (!authenticate(req))
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    std::string conv = path_segments(req).at(1);
    Poco::Net::HTMLForm form(req, req.stream());
    std::string reader = form.get("user_id");
    const char *params[2] = {conv.c_str(), reader.c_str()};
    PGresult *r = PQexecParams(pg, // EXPECT: identity
                               "UPDATE participants SET last_read_at = now() WHERE conversation_id = $1 AND user_id = $2",
                               2, nullptr, params, nullptr, nullptr, 0);
    PQclear(r);
    resp.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp.send();
  }
};

// POST /conversations {"customer_id", "subject"}: the widget names the customer in the body.
class OpenConversation : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    if (!authenticate(req))
      return deny(resp, HTTPResponse::HTTP_UNAUTHORIZED);
    auto body = nlohmann::json::parse(req.stream());
    std::string customer = std::to_string(body.at("customer_id").get<long>());
    std::string subject = body.value("subject", "(no subject)");
    const char *params[2] = {customer.c_str(), subject.c_str()};
    PGresult *r = PQexecParams(pg, // EXPECT: identity
                               "WITH c AS (INSERT INTO conversations (customer_id, subject) VALUES ($1, $2) RETURNING id) "
                               "INSERT INTO participants (conversation_id, user_id) SELECT id, $1 FROM c RETURNING conversation_id",
                               2, nullptr, params, nullptr, nullptr, 0);
    send_json(resp, {{"id", PQntuples(r) ? PQgetvalue(r, 0, 0) : ""}});
    PQclear(r);
  }
};

// ---------------------------------------------------------------------------
// Attachment server (CivetWeb, sqlite3).

static std::string uri_tail(struct mg_connection *c) {
  const struct mg_request_info *ri = mg_get_request_info(c);
  std::string uri = ri->local_uri ? ri->local_uri : "";
  return uri.substr(uri.rfind('/') + 1);
}

static std::string get_var(struct mg_connection *c, const char *name) {
  const struct mg_request_info *ri = mg_get_request_info(c);
  if (!ri->query_string)
    return "";
  char buf[256];
  int n = mg_get_var(ri->query_string, std::strlen(ri->query_string), name, buf, sizeof buf);
  return n > 0 ? std::string(buf, n) : "";
}

static int fail(struct mg_connection *c, int status) {
  mg_send_http_error(c, status, "%s", "");
  return status;
}

static int send_file(struct mg_connection *c, FILE *f, const char *type) {
  if (!f) {
    mg_send_http_error(c, 404, "%s", "not found");
    return 404;
  }
  std::string data;
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    data.append(buf, n);
  std::fclose(f);
  mg_send_http_ok(c, type, static_cast<long long>(data.size()));
  mg_write(c, data.data(), data.size());
  return 200;
}

// GET /attachments/<id>: row loaded, conversation membership checked, then the file.
int get_attachment(struct mg_connection *c, void *) {
  auto me = authenticate(c);
  if (!me)
    return fail(c, 401);
  long id = std::atol(uri_tail(c).c_str());
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "SELECT storage_path, conversation_id FROM attachments WHERE id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, id); // EXPECT: ok
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return fail(c, 404);
  }
  std::string path = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
  std::string conv = reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
  sqlite3_finalize(st);
  if (!is_participant(conv, me->id))
    return fail(c, 404);
  return send_file(c, std::fopen(path.c_str(), "rb"), "application/octet-stream"); // EXPECT: ok
}

// GET /thumbs/<id>: thumbnails are served by attachment id with no lookup at all.
int get_thumbnail(struct mg_connection *c, void *) {
  if (!authenticate(c))
    return fail(c, 401);
  std::string id = uri_tail(c);
  std::string path = "/srv/support/thumbs/" + id + ".jpg";
  FILE *f = std::fopen(path.c_str(), "rb"); // EXPECT: idor
  return send_file(c, f, "image/jpeg");
}

// POST /attachments?conversation=&name=: upload into a conversation the caller is in.
int upload_attachment(struct mg_connection *c, void *) {
  auto me = authenticate(c);
  if (!me)
    return fail(c, 401);
  std::string conv = get_var(c, "conversation");
  if (conv.empty() || !is_participant(conv, me->id))
    return fail(c, 403);
  std::string name = get_var(c, "name");
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "INSERT INTO attachments (conversation_id, uploader_id, name) VALUES (?, ?, ?)", -1, &st,
                     nullptr);
  sqlite3_bind_text(st, 1, conv.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
  sqlite3_bind_int64(st, 2, me->id); // EXPECT: ok
  sqlite3_bind_text(st, 3, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_step(st);
  sqlite3_finalize(st);
  mg_send_http_ok(c, "application/json", 0);
  return 201;
}

// GET /avatars/<user>: profile pictures are public by design (shown in e-mails).
int get_avatar(struct mg_connection *c, void *) {
  std::string user = uri_tail(c);
  if (user.find_first_not_of("0123456789") != std::string::npos)
    return fail(c, 400);
  return send_file(c, std::fopen(("/srv/support/avatars/" + user + ".png").c_str(), "rb"), "image/png"); // EXPECT: ok
}

// GET /agent/queue?team=: open conversations of a team, agents only.
int agent_queue(struct mg_connection *c, void *) {
  auto me = authenticate(c);
  if (!me || !me->agent)
    return fail(c, 403);
  std::string team = get_var(c, "team");
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "SELECT conversation_id FROM queue WHERE team = ? AND state = 'open'", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, team.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
  int n = 0;
  while (sqlite3_step(st) == SQLITE_ROW)
    ++n;
  sqlite3_finalize(st);
  mg_printf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n%d", n);
  return 200;
}

// POST /agent/claim?conversation=: agent-only, but the claiming agent is the X-Agent-Id header.
int claim_conversation(struct mg_connection *c, void *) {
  auto me = authenticate(c);
  if (!me || !me->agent)
    return fail(c, 403);
  const char *agent = mg_get_header(c, "X-Agent-Id");
  std::string conv = get_var(c, "conversation");
  if (!agent || conv.empty())
    return fail(c, 400);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "UPDATE queue SET assigned_agent = ?, state = 'claimed' WHERE conversation_id = ?", -1,
                     &st, nullptr);
  sqlite3_bind_int64(st, 1, std::atoll(agent)); // EXPECT: identity
  sqlite3_bind_text(st, 2, conv.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
  sqlite3_step(st);
  sqlite3_finalize(st);
  mg_send_http_ok(c, "text/plain", 0);
  return 200;
}

// GET /export?conversation=&format=: only the PDF branch checks membership.
int export_conversation(struct mg_connection *c, void *) {
  auto me = authenticate(c);
  if (!me)
    return fail(c, 401);
  std::string conv = get_var(c, "conversation");
  std::string format = get_var(c, "format");
  sqlite3_stmt *st = nullptr;
  if (format == "pdf") {
    if (!is_participant(conv, me->id))
      return fail(c, 403);
    sqlite3_prepare_v2(files_db, "SELECT rendered_pdf FROM exports WHERE conversation_id = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, conv.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
  } else {
    sqlite3_prepare_v2(files_db, "SELECT plain_text FROM exports WHERE conversation_id = ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, conv.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: idor
  }
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out.assign(static_cast<const char *>(sqlite3_column_blob(st, 0)), sqlite3_column_bytes(st, 0));
  sqlite3_finalize(st);
  mg_send_http_ok(c, format == "pdf" ? "application/pdf" : "text/plain", static_cast<long long>(out.size()));
  mg_write(c, out.data(), out.size());
  return 200;
}

// GET /unsubscribe?token=: the user comes from a server-signed, verified link token.
int unsubscribe(struct mg_connection *c, void *) {
  auto user = verify_unsubscribe_token(get_var(c, "token"));
  if (!user)
    return fail(c, 400);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "UPDATE notification_prefs SET email = 0 WHERE user_id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, *user); // EXPECT: ok
  sqlite3_step(st);
  sqlite3_finalize(st);
  mg_send_http_ok(c, "text/plain", 0);
  return 200;
}

// POST /attachments/delete/<id>: only the uploader's own rows match.
int delete_attachment(struct mg_connection *c, void *) {
  auto me = authenticate(c);
  if (!me)
    return fail(c, 401);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "DELETE FROM attachments WHERE id = ? AND uploader_id = ?", -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, std::atoll(uri_tail(c).c_str())); // EXPECT: ok
  sqlite3_bind_int64(st, 2, me->id);
  sqlite3_step(st);
  bool gone = sqlite3_changes(files_db) > 0;
  sqlite3_finalize(st);
  if (!gone)
    return fail(c, 404);
  mg_send_http_ok(c, "text/plain", 0);
  return 204;
}

// POST /attachments/pin/<id>: any logged-in user pins any attachment.
int pin_attachment(struct mg_connection *c, void *) {
  if (!authenticate(c))
    return fail(c, 401);
  std::string id = uri_tail(c);
  sqlite3_stmt *st = nullptr;
  sqlite3_prepare_v2(files_db, "UPDATE attachments SET pinned = 1 WHERE id = ?", -1, &st, nullptr);
  sqlite3_bind_text(st, 1, id.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: idor
  sqlite3_step(st);
  sqlite3_finalize(st);
  mg_send_http_ok(c, "text/plain", 0);
  return 200;
}

void register_attachment_routes(struct mg_context *ctx) {
  mg_set_request_handler(ctx, "/attachments/delete/", delete_attachment, nullptr);
  mg_set_request_handler(ctx, "/attachments/pin/", pin_attachment, nullptr);
  mg_set_request_handler(ctx, "/attachments$", upload_attachment, nullptr);
  mg_set_request_handler(ctx, "/attachments/", get_attachment, nullptr);
  mg_set_request_handler(ctx, "/thumbs/", get_thumbnail, nullptr);
  mg_set_request_handler(ctx, "/avatars/", get_avatar, nullptr);
  mg_set_request_handler(ctx, "/agent/queue", agent_queue, nullptr);
  mg_set_request_handler(ctx, "/agent/claim", claim_conversation, nullptr);
  mg_set_request_handler(ctx, "/export", export_conversation, nullptr);
  mg_set_request_handler(ctx, "/unsubscribe", unsubscribe, nullptr);
}

} // namespace support

// Held-out (second set): a file-sharing service on POCO Net with sqlite3 and
// SQLiteCpp. Written before any change to the check for this set.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

namespace files {

struct User {
  long id = 0;
  std::string name;
  std::vector<std::string> groups;
};

// Resolves the "sid" session cookie against the sessions table.
User session_user(const HTTPServerRequest &req);

struct FileMeta {
  long id = 0;
  long owner = 0;
  std::string path;
};

class FileDao {
public:
  explicit FileDao(SQLite::Database &db) : db_(db) {}
  FileMeta byId(long id) {
    SQLite::Statement q(db_, "SELECT id, owner, path FROM files WHERE id = ?");
    q.bind(1, static_cast<int64_t>(id)); // EXPECT: ok
    FileMeta m;
    if (q.executeStep()) {
      m.id = q.getColumn(0).getInt64();
      m.owner = q.getColumn(1).getInt64();
      m.path = q.getColumn(2).getString();
    }
    return m;
  }

private:
  SQLite::Database &db_;
};

static SQLite::Database *gdb;
static sqlite3 *raw;

void forbid(HTTPServerResponse &resp) {
  resp.setStatusAndReason(HTTPResponse::HTTP_FORBIDDEN);
  resp.send() << "forbidden";
}

long path_id(const HTTPServerRequest &req) {
  std::vector<std::string> segs;
  Poco::URI(req.getURI()).getPathSegments(segs);
  return segs.empty() ? 0 : Poco::NumberParser::parse64(segs.back());
}

// GET /files/<id>: streams the file after checking the owner.
class DownloadHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    User me = session_user(req);
    FileDao dao(*gdb);
    FileMeta m = dao.byId(path_id(req)); // EXPECT: ok
    if (m.owner != me.id) {
      forbid(resp);
      return;
    }
    std::ifstream in(m.path, std::ios::binary); // EXPECT: ok
    resp.sendFile(m.path, "application/octet-stream");
  }
};

// GET /raw?name=<file>: reads an upload directly by name; no check.
class RawHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    Poco::URI uri(req.getURI());
    std::string name;
    for (const auto &kv : uri.getQueryParameters())
      if (kv.first == "name")
        name = kv.second;
    std::ifstream in("/srv/uploads/" + name, std::ios::binary); // EXPECT: idor
    resp.send() << in.rdbuf();
  }
};

// POST /files/delete (form field "file_id"): deletes without an owner check.
class DeleteHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    User me = session_user(req);
    Poco::Net::HTMLForm form(req, req.stream());
    long id = Poco::NumberParser::parse64(form.get("file_id"));
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(raw, "DELETE FROM files WHERE id = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, id); // EXPECT: idor
    sqlite3_step(st);
    sqlite3_finalize(st);
    resp.send() << "deleted by " << me.name;
  }
};

// POST /v2/files/delete: the delete is scoped to the caller.
class DeleteV2Handler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    User me = session_user(req);
    Poco::Net::HTMLForm form(req, req.stream());
    long id = Poco::NumberParser::parse64(form.get("file_id"));
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(raw, "DELETE FROM files WHERE id = ? AND owner = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, id); // EXPECT: ok
    sqlite3_bind_int64(st, 2, me.id);
    sqlite3_step(st);
    sqlite3_finalize(st);
    resp.send() << "ok";
  }
};

// GET /groups/<gid>/files: members of the group only; membership checked in a loop.
class GroupFilesHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    User me = session_user(req);
    std::vector<std::string> segs;
    Poco::URI(req.getURI()).getPathSegments(segs);
    std::string gid = segs.size() > 1 ? segs[1] : "";
    bool member = false;
    for (const auto &g : me.groups)
      if (g == gid)
        member = true;
    if (!member) {
      forbid(resp);
      return;
    }
    SQLite::Statement q(*gdb, "SELECT id, path FROM files WHERE group_id = ?");
    q.bind(1, gid); // EXPECT: ok
    while (q.executeStep())
      resp.send() << q.getColumn(1).getString() << "\n";
  }
};

// GET /groups/<gid>/members: the same listing without the membership loop.
class GroupMembersHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::vector<std::string> segs;
    Poco::URI(req.getURI()).getPathSegments(segs);
    SQLite::Statement q(*gdb, "SELECT user_name FROM memberships WHERE group_id = ?");
    q.bind(1, segs.at(1)); // EXPECT: idor
    while (q.executeStep())
      resp.send() << q.getColumn(0).getString() << "\n";
  }
};

// GET /quota: per-user quota; the user comes from a client header.
class QuotaHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    std::string user = req.get("X-Auth-User", "");
    SQLite::Statement q(*gdb, "SELECT used, quota FROM quotas WHERE user_name = ?");
    q.bind(1, user); // EXPECT: identity
    if (q.executeStep())
      resp.send() << q.getColumn(0).getInt64();
  }
};

// GET /me/quota: the same for the session user.
class MyQuotaHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    User me = session_user(req);
    SQLite::Statement q(*gdb, "SELECT used, quota FROM quotas WHERE user_name = ?");
    q.bind(1, me.name); // EXPECT: ok
    if (q.executeStep())
      resp.send() << q.getColumn(0).getInt64();
  }
};

// PATCH /files/<id>/rename: the new name is client data, the file id is checked by
// a helper that throws.
void require_file_owner(const User &u, long file_id);

class RenameHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    User me = session_user(req);
    long id = path_id(req);
    Poco::Net::HTMLForm form(req, req.stream());
    require_file_owner(me, id);
    SQLite::Statement q(*gdb, "UPDATE files SET path = ? WHERE id = ?");
    q.bind(1, form.get("name"));
    q.bind(2, static_cast<int64_t>(id)); // EXPECT: ok
    q.exec();
    resp.send() << "ok";
  }
};

// GET /public/files/<id>: published files, readable by anyone.
class PublicHandler : public HTTPRequestHandler {
public:
  void handleRequest(HTTPServerRequest &req, HTTPServerResponse &resp) override {
    SQLite::Statement q(*gdb, "SELECT path FROM files WHERE id = ? AND published = 1");
    q.bind(1, static_cast<int64_t>(path_id(req))); // EXPECT: ok
    if (q.executeStep())
      resp.sendFile(q.getColumn(0).getString(), "application/octet-stream");
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  HTTPRequestHandler *createRequestHandler(const HTTPServerRequest &req) override {
    const std::string &uri = req.getURI();
    if (uri.rfind("/public/", 0) == 0)
      return new PublicHandler;
    if (uri.rfind("/raw", 0) == 0)
      return new RawHandler;
    if (uri == "/quota")
      return new QuotaHandler;
    if (uri == "/me/quota")
      return new MyQuotaHandler;
    if (uri.rfind("/groups/", 0) == 0)
      return uri.find("/members") != std::string::npos ? static_cast<HTTPRequestHandler *>(new GroupMembersHandler)
                                                       : new GroupFilesHandler;
    if (uri == "/files/delete")
      return new DeleteHandler;
    if (uri == "/v2/files/delete")
      return new DeleteV2Handler;
    if (uri.find("/rename") != std::string::npos)
      return new RenameHandler;
    return new DownloadHandler;
  }
};

} // namespace files

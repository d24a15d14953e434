// HTTP handlers for documents.
#include "app.h"

#include <httplib.h>

#include <string>

namespace docshare {
namespace {

// The authenticated caller: the user id behind the session cookie/token,
// looked up on the server. Returns nullopt when not logged in.
std::optional<int64_t> caller(const httplib::Request &req) {
  return session_user(req.get_header_value("Authorization"));
}

} // namespace

void register_document_routes(httplib::Server &svr, DocumentRepository &repo) {
  // DEFECT (prodready-trusted-client-id): any logged-in user can read any
  // document by changing the number in the URL; nothing compares the
  // document's owner with the caller.
  svr.Get(R"(/documents/(\d+))", [&](const httplib::Request &req, httplib::Response &res) {
    if (!caller(req)) {
      res.status = 401;
      return;
    }
    int64_t id = std::stoll(req.matches[1].str());
    auto doc = repo.findById(id);
    if (!doc) {
      res.status = 404;
      return;
    }
    res.set_content(doc->body, "text/plain");
  });

  // Correct look-alike: load, then check ownership before anything is sent.
  svr.Get(R"(/v2/documents/(\d+))", [&](const httplib::Request &req, httplib::Response &res) {
    auto me = caller(req);
    if (!me) {
      res.status = 401;
      return;
    }
    int64_t id = std::stoll(req.matches[1].str());
    auto doc = repo.findById(id);
    if (!doc || doc->owner_id != *me) {
      res.status = 404;
      return;
    }
    res.set_content(doc->body, "text/plain");
  });

  // DEFECT (prodready-trusted-client-id): deletes by a client-chosen id.
  svr.Delete(R"(/documents/(\d+))", [&](const httplib::Request &req, httplib::Response &res) {
    if (!caller(req)) {
      res.status = 401;
      return;
    }
    int64_t id = std::stoll(req.matches[1].str());
    res.status = repo.deleteById(id) ? 204 : 404;
  });

  // DEFECT (prodready-trusted-client-id, client-asserted identity): "who am I"
  // comes from a header the client sets.
  svr.Get("/me/documents", [&](const httplib::Request &req, httplib::Response &res) {
    int64_t user_id = std::stoll(req.get_header_value("X-User-Id"));
    std::string out;
    for (const auto &d : repo.listByOwner(user_id))
      out += d.title + "\n";
    res.set_content(out, "text/plain");
  });

  // Correct look-alike: the caller's own documents, by the session's user.
  svr.Get("/v2/me/documents", [&](const httplib::Request &req, httplib::Response &res) {
    auto me = caller(req);
    if (!me) {
      res.status = 401;
      return;
    }
    std::string out;
    for (const auto &d : repo.listByOwner(*me))
      out += d.title + "\n";
    res.set_content(out, "text/plain");
  });

  svr.Get("/search", [&](const httplib::Request &req, httplib::Response &res) {
    if (!caller(req)) {
      res.status = 401;
      return;
    }
    std::string q = req.get_param_value("q");
    remember_recent_search(q);
    std::string out;
    for (const auto &d : repo.searchByTitle(q))
      out += d.title + "\n";
    res.set_content(out, "text/plain");
  });
}

} // namespace docshare

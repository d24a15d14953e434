// Held-out (second set): a project tracker with a Crow front end and a Drogon
// API (stub headers of the lit tests: Debian packages neither), data behind
// repository classes and the Drogon ORM. Written before any change to the check
// for this set.
#include "crow.h"
#include "drogon.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pt {

struct Project {
  using PrimaryKeyType = long;
  long id = 0;
  long owner_id = 0;
  long org_id = 0;
  std::string name;
  bool archived = false;
};

struct Member {
  long user_id = 0;
  std::string role; // "viewer", "editor", "admin"
};

class ProjectRepository {
public:
  std::optional<Project> findById(long id);
  std::vector<Project> listByOrg(long org_id);
  void archive(long id);
  void rename(long id, const std::string &name);
  std::vector<Member> membersOf(long project_id);
};

class TaskDao {
public:
  std::vector<std::string> tasksForProject(long project_id);
  void deleteTask(long task_id);
  long projectOfTask(long task_id);
};

struct SessionInfo {
  long user_id = 0;
  long org_id = 0;
  bool staff = false;
};

// Looks the "sid" cookie up in the session store; throws when missing/expired.
SessionInfo lookup_session(const std::string &cookie_header);

ProjectRepository projects;
TaskDao tasks;

bool is_member(const std::vector<Member> &members, long user) {
  for (const auto &m : members)
    if (m.user_id == user)
      return true;
  return false;
}

void crow_routes(crow::SimpleApp &app) {
  // Project page: membership is checked before rendering.
  CROW_ROUTE(app, "/projects/<int>")([](const crow::request &req, int id) {
    SessionInfo s = lookup_session(req.get_header_value("Cookie"));
    if (!is_member(projects.membersOf(id), s.user_id)) // EXPECT: ok
      return crow::response(404);
    auto p = projects.findById(id); // EXPECT: ok
    return crow::response(p ? p->name : "");
  });

  // Task list: no membership check at all.
  CROW_ROUTE(app, "/projects/<int>/tasks")([](const crow::request &req, int projectId) {
    std::string out;
    for (const auto &t : tasks.tasksForProject(projectId)) // EXPECT: idor
      out += t + "\n";
    return crow::response(out);
  });

  // Task delete: resolves the project of the task and checks membership of it.
  CROW_ROUTE(app, "/tasks/<int>").methods(crow::HTTPMethod::Delete)([](const crow::request &req, int taskId) {
    SessionInfo s = lookup_session(req.get_header_value("Cookie"));
    long project = tasks.projectOfTask(taskId); // EXPECT: ok
    if (!is_member(projects.membersOf(project), s.user_id))
      return crow::response(403);
    tasks.deleteTask(taskId); // EXPECT: ok
    return crow::response(204);
  });

  // Org listing: the org comes from the query string instead of the session.
  CROW_ROUTE(app, "/orgs/projects")([](const crow::request &req) {
    SessionInfo s = lookup_session(req.get_header_value("Cookie"));
    const char *org = req.url_params.get("org_id");
    long orgId = org ? std::stol(org) : s.org_id;
    std::string out;
    for (const auto &p : projects.listByOrg(orgId)) // EXPECT: idor
      out += p.name + "\n";
    return crow::response(out);
  });

  // The caller's own org.
  CROW_ROUTE(app, "/my/projects")([](const crow::request &req) {
    SessionInfo s = lookup_session(req.get_header_value("Cookie"));
    std::string out;
    for (const auto &p : projects.listByOrg(s.org_id)) // EXPECT: ok
      out += p.name + "\n";
    return crow::response(out);
  });

  // Rename: a lambda captures the id and does the write later, unchecked.
  CROW_ROUTE(app, "/projects/<int>/name").methods(crow::HTTPMethod::Put)([](const crow::request &req, int id) {
    auto apply = [id, &req]() { projects.rename(id, req.body); }; // EXPECT: idor
    apply();
    return crow::response(200);
  });

  // Staff tool: archive any project, staff only.
  CROW_ROUTE(app, "/staff/projects/<int>/archive").methods(crow::HTTPMethod::Post)([](const crow::request &req, int id) {
    SessionInfo s = lookup_session(req.get_header_value("Cookie"));
    if (!s.staff)
      return crow::response(403);
    projects.archive(id); // EXPECT: ok
    return crow::response(200);
  });
}

// Drogon filter that only establishes who the caller is (login required).
class LoginFilter : public drogon::HttpFilter<LoginFilter> {
public:
  void doFilter(const drogon::HttpRequestPtr &req, drogon::FilterCallback &&fcb,
                drogon::FilterChainCallback &&fccb) override;
};

using Callback = std::function<void(const drogon::HttpResponsePtr &)>;

void respond(Callback &cb, drogon::HttpStatusCode code) {
  auto r = drogon::HttpResponse::newHttpResponse();
  r->setStatusCode(code);
  cb(r);
}

class ProjectApi : public drogon::HttpController<ProjectApi> {
public:
  METHOD_LIST_BEGIN
  ADD_METHOD_TO(ProjectApi::get, "/api/projects/{1}", drogon::Get, "pt::LoginFilter");
  ADD_METHOD_TO(ProjectApi::remove, "/api/projects/{1}", drogon::Delete, "pt::LoginFilter");
  ADD_METHOD_TO(ProjectApi::transfer, "/api/projects/{1}/owner", drogon::Put, "pt::LoginFilter");
  ADD_METHOD_TO(ProjectApi::count, "/api/orgs/{1}/count", drogon::Get, "pt::LoginFilter");
  ADD_METHOD_TO(ProjectApi::mine, "/api/me/projects", drogon::Get, "pt::LoginFilter");
  METHOD_LIST_END

  // Login-only filter: any logged-in user reads any project.
  void get(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    auto p = mapper_.findByPrimaryKey(id); // EXPECT: idor
    auto r = drogon::HttpResponse::newHttpResponse();
    r->setBody(p.name);
    callback(r);
  }

  // Owner check against the user id the filter stored in the attributes.
  void remove(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    long uid = req->attributes()->get<long>("uid");
    auto p = mapper_.findByPrimaryKey(id); // EXPECT: ok
    if (p.owner_id != uid) {
      respond(callback, drogon::k403Forbidden);
      return;
    }
    mapper_.deleteByPrimaryKey(id); // EXPECT: ok
    respond(callback, drogon::k200OK);
  }

  // Ownership transfer: the new owner is client data, the project is scoped in SQL.
  void transfer(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    long uid = req->attributes()->get<long>("uid");
    long newOwner = std::stol(req->getParameter("new_owner"));
    auto res = db_->execSqlSync("UPDATE projects SET owner_id = $1 WHERE id = $2 AND owner_id = $3", newOwner, id, // EXPECT: ok
                                uid);
    respond(callback, res.affectedRows() ? drogon::k200OK : drogon::k404NotFound);
  }

  // Counting another org's projects through raw SQL.
  void count(const drogon::HttpRequestPtr &req, Callback &&callback, long orgId) {
    auto res = db_->execSqlSync("SELECT count(*) FROM projects WHERE org_id = $1", orgId); // EXPECT: idor
    respond(callback, drogon::k200OK);
  }

  // Projects owned by the caller, user from the X-User-Id header set by the SPA.
  void mine(const drogon::HttpRequestPtr &req, Callback &&callback) {
    long uid = std::stol(req->getHeader("X-User-Id"));
    auto res = db_->execSqlSync("SELECT id, name FROM projects WHERE owner_id = $1", uid); // EXPECT: identity
    respond(callback, drogon::k200OK);
  }

private:
  drogon::orm::Mapper<Project> mapper_;
  drogon::orm::DbClientPtr db_;
};

} // namespace pt

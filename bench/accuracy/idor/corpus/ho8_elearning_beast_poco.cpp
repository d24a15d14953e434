// lumen-lms: course platform backend.
//   student API      Boost.Beast, sync, one thread per connection (port 8080)
//   instructor UI    POCO HTTPServer (port 9000)
// Course content, sessions and submissions are in PostgreSQL (libpq);
// the gradebook still lives in the old MySQL schema (Connector/C++).

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cppconn/driver.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <libpq-fe.h>
#include <mysql_driver.h>
#include <nlohmann/json.hpp>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;

// --------------------------------------------------------------------------
// shared plumbing
// --------------------------------------------------------------------------
struct RequestCtx {
  bool authenticated = false;
  std::string user_id; // kept as text, it only ever goes into libpq params
  std::string role;    // student | instructor | admin
  std::vector<std::string> path;
  std::map<std::string, std::string> query;
  std::string body;
};

struct Reply {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

static Reply json_reply(unsigned status, const json &j) { return Reply{status, j.dump()}; }
static Reply error_reply(unsigned status, const std::string &msg) { return json_reply(status, {{"error", msg}}); }

static PGconn *pg() {
  thread_local PGconn *conn = nullptr;
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    if (conn) PQfinish(conn);
    conn = PQconnectdb(std::getenv("LUMEN_PG") ? std::getenv("LUMEN_PG") : "dbname=lumen");
  }
  return conn;
}

static std::unique_ptr<sql::Connection> gradebook() {
  sql::mysql::MySQL_Driver *drv = sql::mysql::get_mysql_driver_instance();
  std::unique_ptr<sql::Connection> c(drv->connect("tcp://127.0.0.1:3306", "lumen", std::getenv("LUMEN_MYSQL_PW") ? std::getenv("LUMEN_MYSQL_PW") : ""));
  c->setSchema("gradebook");
  return c;
}

struct PgResult {
  PGresult *r;
  explicit PgResult(PGresult *r) : r(r) {}
  ~PgResult() { PQclear(r); }
  bool ok() const { return PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK; }
  int rows() const { return PQntuples(r); }
  std::string at(int row, int col) const { return PQgetvalue(r, row, col); }
  int affected() const { return std::atoi(PQcmdTuples(r)); }
};

static void resolve_session(RequestCtx &ctx, const std::string &token) {
  if (token.empty()) return;
  const char *params[] = {token.c_str()};
  PgResult res(PQexecParams(pg(), "SELECT user_id, role FROM sessions WHERE token = $1 AND expires_at > now()", // EXPECT: ok
                            1, nullptr, params, nullptr, nullptr, 0));
  if (res.ok() && res.rows() == 1) {
    ctx.authenticated = true;
    ctx.user_id = res.at(0, 0);
    ctx.role = res.at(0, 1);
  }
}

static std::string cookie_value(const std::string &cookies, const std::string &name) {
  auto pos = cookies.find(name + "=");
  if (pos == std::string::npos) return {};
  pos += name.size() + 1;
  auto end = cookies.find(';', pos);
  return cookies.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

static std::vector<std::string> split_path(const std::string &target) {
  std::vector<std::string> out;
  std::string path = target.substr(0, target.find('?'));
  std::stringstream ss(path);
  std::string seg;
  while (std::getline(ss, seg, '/'))
    if (!seg.empty()) out.push_back(seg);
  return out;
}

static std::map<std::string, std::string> parse_query(const std::string &target) {
  std::map<std::string, std::string> q;
  auto qpos = target.find('?');
  if (qpos == std::string::npos) return q;
  std::stringstream ss(target.substr(qpos + 1));
  std::string kv;
  while (std::getline(ss, kv, '&')) {
    auto eq = kv.find('=');
    if (eq != std::string::npos) q[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return q;
}

// --------------------------------------------------------------------------
// student API (Beast)
// --------------------------------------------------------------------------
namespace student {

Reply list_courses(RequestCtx &ctx) {
  std::string term = ctx.query.count("q") ? "%" + ctx.query["q"] + "%" : "%";
  const char *p[] = {term.c_str()};
  PgResult res(PQexecParams(pg(), "SELECT id, title, level FROM courses WHERE published AND title ILIKE $1 ORDER BY title LIMIT 100", // EXPECT: ok
                            1, nullptr, p, nullptr, nullptr, 0));
  json out = json::array();
  for (int i = 0; i < res.rows(); ++i) out.push_back({{"id", res.at(i, 0)}, {"title", res.at(i, 1)}, {"level", res.at(i, 2)}});
  return json_reply(200, out);
}

Reply course_detail(RequestCtx &ctx) {
  const char *p[] = {ctx.path[2].c_str()};
  PgResult res(PQexecParams(pg(), "SELECT title, summary, syllabus FROM courses WHERE id = $1 AND published", // EXPECT: ok
                            1, nullptr, p, nullptr, nullptr, 0));
  if (res.rows() == 0) return error_reply(404, "no such course");
  return json_reply(200, {{"title", res.at(0, 0)}, {"summary", res.at(0, 1)}, {"syllabus", res.at(0, 2)}});
}

// /api/courses/{cid}/lessons/{lid}
Reply lesson(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  const char *p[] = {ctx.path[4].c_str(), ctx.path[2].c_str(), ctx.user_id.c_str()};
  PgResult res(PQexecParams(pg(), // EXPECT: ok
                            "SELECT l.title, l.content_html, l.video_url FROM lessons l "
                            "JOIN enrollments e ON e.course_id = l.course_id "
                            "WHERE l.id = $1 AND l.course_id = $2 AND e.user_id = $3 AND e.status = 'active'",
                            3, nullptr, p, nullptr, nullptr, 0));
  if (res.rows() == 0) return error_reply(404, "not enrolled or no such lesson");
  return json_reply(200, {{"title", res.at(0, 0)}, {"html", res.at(0, 1)}, {"video", res.at(0, 2)}});
}

Reply enroll(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  const char *p[] = {ctx.user_id.c_str(), ctx.path[2].c_str()};
  PgResult res(PQexecParams(pg(), "INSERT INTO enrollments(user_id, course_id, status) " // EXPECT: ok
                                  "SELECT $1, id, 'active' FROM courses WHERE id = $2 AND published AND enrollment_open "
                                  "ON CONFLICT DO NOTHING",
                            2, nullptr, p, nullptr, nullptr, 0));
  return res.affected() ? json_reply(201, {{"enrolled", true}}) : error_reply(409, "enrollment closed");
}

Reply get_submission(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  const char *p[] = {ctx.path[2].c_str()};
  PgResult res(PQexecParams(pg(), "SELECT s.student_id, c.instructor_id, s.body, s.submitted_at, s.assignment_id " // EXPECT: ok
                                  "FROM submissions s JOIN assignments a ON a.id = s.assignment_id "
                                  "JOIN courses c ON c.id = a.course_id WHERE s.id = $1",
                            1, nullptr, p, nullptr, nullptr, 0));
  if (res.rows() == 0) return error_reply(404, "not found");
  if (res.at(0, 0) != ctx.user_id && res.at(0, 1) != ctx.user_id) return error_reply(404, "not found");
  return json_reply(200, {{"body", res.at(0, 2)}, {"submitted_at", res.at(0, 3)}, {"assignment", res.at(0, 4)}});
}

Reply update_submission(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  json b = json::parse(ctx.body, nullptr, false);
  if (!b.is_object()) return error_reply(400, "json");
  std::string text = b.value("body", "");
  const char *p[] = {text.c_str(), ctx.path[2].c_str(), ctx.user_id.c_str()};
  PgResult res(PQexecParams(pg(), "UPDATE submissions SET body = $1, submitted_at = now() " // EXPECT: ok
                                  "WHERE id = $2 AND student_id = $3 AND NOT locked",
                            3, nullptr, p, nullptr, nullptr, 0));
  return res.affected() ? json_reply(200, {{"saved", true}}) : error_reply(404, "not found or locked");
}

Reply submission_feedback(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  auto db = gradebook();
  std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement("SELECT score, max_score, feedback, graded_by FROM grades WHERE submission_id = ?"));
  ps->setInt64(1, std::stoll(ctx.path[2]));
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: idor
  if (!rs->next()) return error_reply(404, "not graded yet");
  return json_reply(200, {{"score", rs->getDouble("score")}, {"max", rs->getDouble("max_score")},
                          {"feedback", std::string(rs->getString("feedback"))}});
}

Reply my_grades(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  auto db = gradebook();
  std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement("SELECT course_code, assignment, score, max_score FROM grades WHERE student_id = ? ORDER BY graded_at DESC"));
  ps->setString(1, ctx.user_id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: ok
  json out = json::array();
  while (rs->next())
    out.push_back({{"course", std::string(rs->getString(1))}, {"assignment", std::string(rs->getString(2))}, {"score", rs->getDouble(3)}});
  return json_reply(200, out);
}

// Advisors use ?student_id= to pull someone's transcript; students omit it.
Reply transcript(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  std::string who = ctx.query.count("student_id") ? ctx.query["student_id"] : ctx.user_id;
  auto db = gradebook();
  std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement("SELECT course_code, final_grade, credits, term FROM transcript WHERE student_id = ?"));
  ps->setString(1, who);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: idor
  json out = json::array();
  while (rs->next())
    out.push_back({{"course", std::string(rs->getString(1))}, {"grade", std::string(rs->getString(2))}, {"credits", rs->getInt(3)}});
  return json_reply(200, out);
}

Reply create_post(RequestCtx &ctx) {
  json b = json::parse(ctx.body, nullptr, false);
  if (!b.is_object() || !b.contains("author_id")) return error_reply(400, "author_id required");
  std::string author = std::to_string(b["author_id"].get<long long>());
  std::string course = std::to_string(b.value("course_id", 0LL));
  std::string text = b.value("text", "");
  const char *p[] = {course.c_str(), author.c_str(), text.c_str()};
  PgResult res(PQexecParams(pg(), "INSERT INTO forum_posts(course_id, author_id, body) VALUES ($1, $2, $3) RETURNING id", // EXPECT: identity
                            3, nullptr, p, nullptr, nullptr, 0));
  if (!res.ok()) return error_reply(500, "db");
  return json_reply(201, {{"id", res.at(0, 0)}});
}

Reply delete_post(RequestCtx &ctx) {
  if (!ctx.authenticated) return error_reply(401, "login");
  const char *p[] = {ctx.path[3].c_str()};
  PgResult res(PQexecParams(pg(), "DELETE FROM forum_posts WHERE id = $1", 1, nullptr, p, nullptr, nullptr, 0)); // EXPECT: idor
  return res.affected() ? Reply{204, ""} : error_reply(404, "not found");
}

// The mobile app (v2.x) still sends X-Student-Id instead of the cookie.
Reply inbox(RequestCtx &ctx, const std::string &student_header) {
  std::string who = student_header.empty() ? ctx.user_id : student_header;
  if (who.empty()) return error_reply(401, "login");
  const char *p[] = {who.c_str()};
  PgResult res(PQexecParams(pg(), "SELECT id, sender_name, subject, sent_at FROM messages WHERE recipient_id = $1 ORDER BY sent_at DESC LIMIT 50", // EXPECT: identity
                            1, nullptr, p, nullptr, nullptr, 0));
  json out = json::array();
  for (int i = 0; i < res.rows(); ++i) out.push_back({{"id", res.at(i, 0)}, {"from", res.at(i, 1)}, {"subject", res.at(i, 2)}});
  return json_reply(200, out);
}

Reply update_profile(RequestCtx &ctx) {
  json b = json::parse(ctx.body, nullptr, false);
  if (!b.is_object() || !b.contains("user_id")) return error_reply(400, "user_id required");
  std::string uid = std::to_string(b["user_id"].get<long long>());
  std::string name = b.value("display_name", ""), tz = b.value("timezone", "UTC");
  const char *p[] = {name.c_str(), tz.c_str(), uid.c_str()};
  PgResult res(PQexecParams(pg(), "UPDATE profiles SET display_name = $1, timezone = $2 WHERE user_id = $3", // EXPECT: identity
                            3, nullptr, p, nullptr, nullptr, 0));
  return json_reply(200, {{"updated", res.affected()}});
}

// Public: employers verify a certificate by the code printed on it.
Reply verify_certificate(RequestCtx &ctx) {
  const char *p[] = {ctx.path[3].c_str()};
  PgResult res(PQexecParams(pg(), "SELECT holder_name, course_title, issued_on FROM certificates WHERE verify_code = $1 AND NOT revoked", // EXPECT: ok
                            1, nullptr, p, nullptr, nullptr, 0));
  if (res.rows() == 0) return error_reply(404, "unknown certificate");
  return json_reply(200, {{"holder", res.at(0, 0)}, {"course", res.at(0, 1)}, {"issued", res.at(0, 2)}});
}

Reply route(RequestCtx &ctx, http::verb method, const std::string &student_header) {
  const auto &p = ctx.path;
  if (p.size() < 2 || p[0] != "api") return error_reply(404, "no route");
  if (method == http::verb::get && p.size() == 2 && p[1] == "courses") return list_courses(ctx);
  if (method == http::verb::get && p.size() == 3 && p[1] == "courses") return course_detail(ctx);
  if (method == http::verb::get && p.size() == 5 && p[1] == "courses" && p[3] == "lessons") return lesson(ctx);
  if (method == http::verb::post && p.size() == 4 && p[1] == "courses" && p[3] == "enroll") return enroll(ctx);
  if (method == http::verb::get && p.size() == 3 && p[1] == "submissions") return get_submission(ctx);
  if (method == http::verb::put && p.size() == 3 && p[1] == "submissions") return update_submission(ctx);
  if (method == http::verb::get && p.size() == 4 && p[1] == "submissions" && p[3] == "feedback") return submission_feedback(ctx);
  if (method == http::verb::get && p.size() == 3 && p[1] == "me" && p[2] == "grades") return my_grades(ctx);
  if (method == http::verb::get && p.size() == 2 && p[1] == "transcript") return transcript(ctx);
  if (method == http::verb::post && p.size() == 3 && p[1] == "forum" && p[2] == "posts") return create_post(ctx);
  if (method == http::verb::delete_ && p.size() == 4 && p[1] == "forum" && p[2] == "posts") return delete_post(ctx);
  if (method == http::verb::get && p.size() == 2 && p[1] == "messages") return inbox(ctx, student_header);
  if (method == http::verb::put && p.size() == 3 && p[1] == "me" && p[2] == "profile") return update_profile(ctx);
  if (method == http::verb::get && p.size() == 4 && p[1] == "certificates" && p[2] == "verify") return verify_certificate(ctx);
  return error_reply(404, "no route");
}

void session(tcp::socket sock) {
  beast::flat_buffer buf;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> req;
    http::read(sock, buf, req, ec);
    if (ec) break;
    RequestCtx ctx;
    std::string target(req.target());
    ctx.path = split_path(target);
    ctx.query = parse_query(target);
    ctx.body = req.body();
    resolve_session(ctx, cookie_value(std::string(req[http::field::cookie]), "lumen_sid"));
    Reply r;
    try {
      r = route(ctx, req.method(), std::string(req["X-Student-Id"]));
    } catch (const std::exception &e) {
      r = error_reply(500, "internal");
    }
    http::response<http::string_body> res{static_cast<http::status>(r.status), req.version()};
    res.set(http::field::content_type, r.content_type);
    res.keep_alive(req.keep_alive());
    res.body() = r.body;
    res.prepare_payload();
    http::write(sock, res, ec);
    if (ec || !res.keep_alive()) break;
  }
  sock.shutdown(tcp::socket::shutdown_send, ec);
}

} // namespace student

// --------------------------------------------------------------------------
// instructor console (POCO)
// --------------------------------------------------------------------------
class ConsoleHandler : public Poco::Net::HTTPRequestHandler {
public:
  void handleRequest(Poco::Net::HTTPServerRequest &req, Poco::Net::HTTPServerResponse &resp) override {
    RequestCtx ctx;
    Poco::URI uri(req.getURI());
    uri.getPathSegments(ctx.path);
    for (const auto &kv : uri.getQueryParameters()) ctx.query[kv.first] = kv.second;
    Poco::StreamCopier::copyToString(req.stream(), ctx.body);
    Poco::Net::NameValueCollection cookies;
    req.getCookies(cookies);
    resolve_session(ctx, cookies.get("lumen_sid", ""));

    Reply r;
    try {
      r = dispatch(req, ctx);
    } catch (const sql::SQLException &e) {
      r = error_reply(500, "gradebook unavailable");
    }
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.status));
    resp.setContentType(r.content_type);
    resp.send() << r.body;
  }

private:
  Reply dispatch(Poco::Net::HTTPServerRequest &req, RequestCtx &ctx) {
    const auto &p = ctx.path;
    const std::string &m = req.getMethod();
    if (p.size() == 3 && p[0] == "console" && p[1] == "export" && p[2] == "gradebook") return exportGradebook(req.get("X-Instructor-Id", ""));
    if (!ctx.authenticated) return error_reply(401, "login");
    if (ctx.role != "instructor" && ctx.role != "admin") return error_reply(403, "instructors only");
    if (m == "GET" && p.size() == 4 && p[1] == "courses" && p[3] == "roster") return roster(ctx);
    if (m == "POST" && p.size() == 4 && p[1] == "courses" && p[3] == "publish") return publish(ctx);
    if (m == "POST" && p.size() == 4 && p[1] == "courses" && p[3] == "announcements") return announce(ctx);
    if (m == "POST" && p.size() == 2 && p[1] == "grades") return grade(ctx);
    if (m == "GET" && p.size() == 4 && p[1] == "submissions" && p[3] == "file") return submissionFile(ctx);
    if (m == "DELETE" && p.size() == 3 && p[1] == "users") return disableUser(ctx);
    return error_reply(404, "no route");
  }

  Reply roster(RequestCtx &ctx) {
    const char *own[] = {ctx.path[2].c_str(), ctx.user_id.c_str()};
    PgResult chk(PQexecParams(pg(), "SELECT 1 FROM courses WHERE id = $1 AND instructor_id = $2", 2, nullptr, own, nullptr, nullptr, 0)); // EXPECT: ok
    if (chk.rows() == 0 && ctx.role != "admin") return error_reply(403, "not your course");
    const char *p[] = {ctx.path[2].c_str()};
    PgResult res(PQexecParams(pg(), "SELECT u.id, u.full_name, u.email, e.enrolled_at FROM enrollments e JOIN users u ON u.id = e.user_id " // EXPECT: ok
                                    "WHERE e.course_id = $1 ORDER BY u.full_name",
                              1, nullptr, p, nullptr, nullptr, 0));
    json out = json::array();
    for (int i = 0; i < res.rows(); ++i) out.push_back({{"id", res.at(i, 0)}, {"name", res.at(i, 1)}, {"email", res.at(i, 2)}});
    return json_reply(200, out);
  }

  Reply publish(RequestCtx &ctx) {
    const char *p[] = {ctx.path[2].c_str()};
    PgResult res(PQexecParams(pg(), "UPDATE courses SET published = true, published_at = now() WHERE id = $1", // EXPECT: idor
                              1, nullptr, p, nullptr, nullptr, 0));
    return res.affected() ? json_reply(200, {{"published", true}}) : error_reply(404, "no such course");
  }

  Reply announce(RequestCtx &ctx) {
    json b = json::parse(ctx.body, nullptr, false);
    std::string text = b.is_object() ? b.value("text", "") : "";
    const char *p[] = {ctx.path[2].c_str(), ctx.user_id.c_str(), text.c_str()};
    PgResult res(PQexecParams(pg(), "INSERT INTO announcements(course_id, author_id, body) " // EXPECT: ok
                                    "SELECT id, $2, $3 FROM courses WHERE id = $1 AND instructor_id = $2",
                              3, nullptr, p, nullptr, nullptr, 0));
    return res.affected() ? json_reply(201, {{"posted", true}}) : error_reply(403, "not your course");
  }

  // {"submission_id": 88, "score": 17.5, "feedback": "..."}
  Reply grade(RequestCtx &ctx) {
    json b = json::parse(ctx.body, nullptr, false);
    if (!b.is_object() || !b.contains("submission_id")) return error_reply(400, "submission_id");
    auto db = gradebook();
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "INSERT INTO grades(submission_id, score, feedback, graded_by, graded_at) VALUES (?, ?, ?, ?, NOW()) "
        "ON DUPLICATE KEY UPDATE score = VALUES(score), feedback = VALUES(feedback), graded_by = VALUES(graded_by)"));
    ps->setInt64(1, b["submission_id"].get<long long>());
    ps->setDouble(2, b.value("score", 0.0));
    ps->setString(3, b.value("feedback", ""));
    ps->setString(4, ctx.user_id);
    ps->executeUpdate(); // EXPECT: idor
    return json_reply(200, {{"graded", true}});
  }

  Reply submissionFile(RequestCtx &ctx) {
    const char *p[] = {ctx.path[2].c_str()};
    PgResult res(PQexecParams(pg(), "SELECT s.attachment_path, c.instructor_id FROM submissions s " // EXPECT: ok
                                    "JOIN assignments a ON a.id = s.assignment_id JOIN courses c ON c.id = a.course_id WHERE s.id = $1",
                              1, nullptr, p, nullptr, nullptr, 0));
    if (res.rows() == 0 || res.at(0, 1) != ctx.user_id) return error_reply(404, "not found");
    std::ifstream f(res.at(0, 0), std::ios::binary); // EXPECT: ok
    if (!f) return error_reply(410, "attachment missing");
    std::ostringstream os;
    os << f.rdbuf();
    return Reply{200, os.str(), "application/octet-stream"};
  }

  Reply disableUser(RequestCtx &ctx) {
    if (ctx.role != "admin") return error_reply(403, "admins only");
    const char *p[] = {ctx.path[2].c_str()};
    PgResult res(PQexecParams(pg(), "UPDATE users SET disabled = true WHERE id = $1", 1, nullptr, p, nullptr, nullptr, 0)); // EXPECT: ok
    return res.affected() ? Reply{204, ""} : error_reply(404, "no such user");
  }

  // Called by the spreadsheet add-in, which only knows the instructor id.
  Reply exportGradebook(const std::string &instructor) {
    if (instructor.empty()) return error_reply(400, "X-Instructor-Id");
    auto db = gradebook();
    std::unique_ptr<sql::PreparedStatement> ps(db->prepareStatement(
        "SELECT g.course_code, g.student_id, g.student_name, g.assignment, g.score FROM grades g "
        "JOIN course_staff cs ON cs.course_code = g.course_code WHERE cs.instructor_id = ?"));
    ps->setString(1, instructor);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery()); // EXPECT: identity
    std::ostringstream csv;
    csv << "course,student_id,student,assignment,score\n";
    while (rs->next())
      csv << rs->getString(1) << ',' << rs->getString(2) << ',' << rs->getString(3) << ',' << rs->getString(4) << ',' << rs->getDouble(5) << '\n';
    return Reply{200, csv.str(), "text/csv"};
  }
};

class ConsoleFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
  Poco::Net::HTTPRequestHandler *createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
    return new ConsoleHandler;
  }
};

int main() {
  Poco::Net::ServerSocket consoleSock(9000);
  Poco::Net::HTTPServer console(new ConsoleFactory, consoleSock, new Poco::Net::HTTPServerParams);
  console.start();

  boost::asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc, {tcp::v4(), 8080}};
  std::cout << "lumen: student api :8080, console :9000\n";
  for (;;) {
    tcp::socket sock{ioc};
    acceptor.accept(sock);
    std::thread(student::session, std::move(sock)).detach();
  }
  console.stop();
  return 0;
}

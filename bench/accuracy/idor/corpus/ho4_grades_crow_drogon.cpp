// Held-out (fourth set): a school grades service. The parent/student portal
// runs on Crow over repository classes; the teacher API runs on Drogon with
// the ORM mapper and raw SQL through DbClient (stub headers of the lit tests:
// Debian packages neither). Written blind, before scoring, with the check and
// its model unchanged.
#include "crow.h"
#include "drogon.h"

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace school {

struct Grade {
  using PrimaryKeyType = long;
  long id = 0;
  long student_id = 0;
  long course_id = 0;
  long teacher_id = 0;
  double score = 0;
  bool published = false;
};

struct PortalSession {
  long user_id = 0;
  long student_id = 0; // set when the user is a student
  std::string role;    // "student", "guardian"
};

// Resolves the portal session cookie; throws std::runtime_error when absent.
PortalSession portal_session(const crow::request &req);

class GradeBook {
public:
  std::vector<Grade> gradesFor(long student_id, const std::string &term);
  std::string transcript(long student_id);
};

class GuardianDao {
public:
  bool isGuardianOf(long user_id, long student_id);
};

class AttendanceRepo {
public:
  void excuse(long student_id, const std::string &date, const std::string &text);
};

class ContactRepo {
public:
  void updateEmergencyContact(long student_id, const std::string &phone);
};

class Catalogue {
public:
  std::optional<std::string> describe(const std::string &course_code);
};

class MessageService {
public:
  void send(long from_user, long to_teacher, const std::string &text);
};

GradeBook gradebook;
GuardianDao guardians;
AttendanceRepo attendance;
ContactRepo contacts;
Catalogue catalogue;
MessageService messages;

std::string render(const std::vector<Grade> &gs) {
  std::string out;
  for (const auto &g : gs)
    out += std::to_string(g.course_id) + ": " + std::to_string(g.score) + "\n";
  return out;
}

// Throws unless the session user is the student or one of the student's guardians.
void require_guardian_or_self(const PortalSession &s, long student) {
  if (s.student_id == student)
    return;
  if (s.role != "guardian" || !guardians.isGuardianOf(s.user_id, student)) // EXPECT: ok
    throw std::runtime_error("forbidden");
}

void portal_routes(crow::SimpleApp &app) {
  // Term grades of a student, guardian relation checked first.
  CROW_ROUTE(app, "/students/<int>/grades")([](const crow::request &req, int sid) {
    PortalSession s = portal_session(req);
    if (s.student_id != sid && !guardians.isGuardianOf(s.user_id, sid)) // EXPECT: ok
      return crow::response(403);
    const char *term = req.url_params.get("term");
    return crow::response(render(gradebook.gradesFor(sid, term ? term : "current"))); // EXPECT: ok
  });

  // Transcript: students are limited to their own, guardians are never checked.
  CROW_ROUTE(app, "/students/<int>/transcript")([](const crow::request &req, int sid) {
    PortalSession s = portal_session(req);
    if (s.role == "student" && s.student_id != sid)
      return crow::response(403);
    return crow::response(gradebook.transcript(sid)); // EXPECT: idor
  });

  // The logged-in student's own grades.
  CROW_ROUTE(app, "/me/grades")([](const crow::request &req) {
    PortalSession s = portal_session(req);
    const char *term = req.url_params.get("term");
    auto gs = gradebook.gradesFor(s.student_id, term ? term : "current"); // EXPECT: ok
    return crow::response(render(gs));
  });

  // Guardian excuses an absence; the guard helper throws for strangers.
  CROW_ROUTE(app, "/students/<int>/absence-notes").methods(crow::HTTPMethod::Post)([](const crow::request &req, int sid) {
    try {
      PortalSession s = portal_session(req);
      require_guardian_or_self(s, sid);
    } catch (const std::runtime_error &) {
      return crow::response(403);
    }
    const char *date = req.url_params.get("date");
    if (!date)
      return crow::response(400);
    attendance.excuse(sid, date, req.body); // EXPECT: ok
    return crow::response(201);
  });

  // Emergency contact: the guard's exception is caught and only logged.
  CROW_ROUTE(app, "/students/<int>/emergency-contact").methods(crow::HTTPMethod::Put)([](const crow::request &req, int sid) {
    PortalSession s = portal_session(req);
    try {
      require_guardian_or_self(s, sid);
    } catch (const std::exception &e) {
      std::fprintf(stderr, "contact update by %ld for %d: %s\n", s.user_id, sid, e.what());
    }
    contacts.updateEmergencyContact(sid, req.body); // EXPECT: idor
    return crow::response(204);
  });

  // Report card PDFs, file name from the URL ("<student>-<term>.pdf"), no check.
  CROW_ROUTE(app, "/report-cards/<string>")([](const crow::request &req, std::string file) {
    PortalSession s = portal_session(req);
    (void)s;
    if (file.find('/') != std::string::npos)
      return crow::response(400);
    FILE *f = std::fopen(("/srv/school/report-cards/" + file).c_str(), "rb"); // EXPECT: idor
    if (!f)
      return crow::response(404);
    std::string pdf;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
      pdf.append(buf, n);
    std::fclose(f);
    return crow::response(pdf);
  });

  // Public course catalogue by course code.
  CROW_ROUTE(app, "/catalogue/<string>")([](const crow::request &req, std::string code) {
    auto d = catalogue.describe(code); // EXPECT: ok
    return d ? crow::response(*d) : crow::response(404);
  });

  // Message a teacher; the sender is the ?sender= parameter the page fills in.
  CROW_ROUTE(app, "/messages").methods(crow::HTTPMethod::Post)([](const crow::request &req) {
    const char *sender = req.url_params.get("sender");
    const char *teacher = req.url_params.get("teacher");
    if (!sender || !teacher)
      return crow::response(400);
    messages.send(std::stol(sender), std::stol(teacher), req.body); // EXPECT: identity
    return crow::response(202);
  });
}

// Verifies the staff JWT and stores "teacher_id" and "role" in the request attributes.
class StaffAuthFilter : public drogon::HttpFilter<StaffAuthFilter> {
public:
  void doFilter(const drogon::HttpRequestPtr &req, drogon::FilterCallback &&fcb,
                drogon::FilterChainCallback &&fccb) override;
};

using Callback = std::function<void(const drogon::HttpResponsePtr &)>;

static void reply(Callback &cb, drogon::HttpStatusCode code, const std::string &body = "") {
  auto r = drogon::HttpResponse::newHttpResponse();
  r->setStatusCode(code);
  r->setBody(body);
  cb(r);
}

class GradesApi : public drogon::HttpController<GradesApi> {
public:
  METHOD_LIST_BEGIN
  ADD_METHOD_TO(GradesApi::show, "/api/grades/{1}", drogon::Get, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::updateScore, "/api/grades/{1}", drogon::Put, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::remove, "/api/grades/{1}", drogon::Delete, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::publish, "/api/grades/{1}/publish", drogon::Post, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::roster, "/api/courses/{1}/roster", drogon::Get, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::enter, "/api/grades", drogon::Post, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::studentRecord, "/api/students/{1}/grades", drogon::Get, "school::StaffAuthFilter");
  ADD_METHOD_TO(GradesApi::myCourses, "/api/teachers/me/courses", drogon::Get);
  ADD_METHOD_TO(GradesApi::courseList, "/api/teachers/courses", drogon::Get);
  METHOD_LIST_END

  // Load the grade, then compare its teacher with the authenticated teacher.
  void show(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    long tid = req->attributes()->get<long>("teacher_id");
    Grade g = grades_.findByPrimaryKey(id); // EXPECT: ok
    if (g.teacher_id != tid) {
      reply(callback, drogon::k404NotFound);
      return;
    }
    reply(callback, drogon::k200OK, std::to_string(g.score));
  }

  // Score change, teacher bound in the WHERE clause.
  void updateScore(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    long tid = req->attributes()->get<long>("teacher_id");
    double score = std::stod(req->getParameter("score"));
    auto r = db_->execSqlSync("UPDATE grades SET score = $1 WHERE id = $2 AND teacher_id = $3", score, id, tid); // EXPECT: ok
    reply(callback, r.affectedRows() ? drogon::k200OK : drogon::k404NotFound);
  }

  // Delete a grade: the filter authenticates, nothing else is checked.
  void remove(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    grades_.deleteByPrimaryKey(id); // EXPECT: idor
    reply(callback, drogon::k200OK);
  }

  // Publish: course taken from the query string is checked, not the grade's own course.
  void publish(const drogon::HttpRequestPtr &req, Callback &&callback, long id) {
    long tid = req->attributes()->get<long>("teacher_id");
    long course = std::stol(req->getParameter("course_id"));
    if (!teaches(tid, course)) {
      reply(callback, drogon::k403Forbidden);
      return;
    }
    db_->execSqlSync("UPDATE grades SET published = true WHERE id = $1", id); // EXPECT: idor
    reply(callback, drogon::k200OK);
  }

  // Course roster for the teacher of the course.
  void roster(const drogon::HttpRequestPtr &req, Callback &&callback, long courseId) {
    long tid = req->attributes()->get<long>("teacher_id");
    if (!teaches(tid, courseId)) {
      reply(callback, drogon::k403Forbidden);
      return;
    }
    auto r = db_->execSqlSync("SELECT s.id, s.name FROM enrollments e JOIN students s ON s.id = e.student_id " // EXPECT: ok
                              "WHERE e.course_id = $1 ORDER BY s.name",
                              courseId);
    reply(callback, drogon::k200OK, std::to_string(r.size()));
  }

  // Grade entry: teacher from the filter, but the course is never checked.
  void enter(const drogon::HttpRequestPtr &req, Callback &&callback) {
    long tid = req->attributes()->get<long>("teacher_id");
    long course = std::stol(req->getParameter("course_id"));
    long student = std::stol(req->getParameter("student_id"));
    double score = std::stod(req->getParameter("score"));
    db_->execSqlSync("INSERT INTO grades (course_id, student_id, teacher_id, score) VALUES ($1, $2, $3, $4)", // EXPECT: idor
                     course, student, tid, score);
    reply(callback, drogon::k200OK);
  }

  // Full record of a student, registrar role only.
  void studentRecord(const drogon::HttpRequestPtr &req, Callback &&callback, long studentId) {
    const std::string &role = req->attributes()->get<std::string>("role");
    if (role != "registrar" && role != "principal") {
      reply(callback, drogon::k403Forbidden);
      return;
    }
    auto r = db_->execSqlSync("SELECT course_id, score, term FROM grades WHERE student_id = $1", studentId); // EXPECT: ok
    reply(callback, drogon::k200OK, std::to_string(r.size()));
  }

  // The teacher's courses, identity from the server-side session.
  void myCourses(const drogon::HttpRequestPtr &req, Callback &&callback) {
    long tid = req->session()->get<long>("teacher_id");
    if (!tid) {
      reply(callback, drogon::k401Unauthorized);
      return;
    }
    auto r = db_->execSqlSync("SELECT course_id FROM course_teachers WHERE teacher_id = $1", tid); // EXPECT: ok
    reply(callback, drogon::k200OK, std::to_string(r.size()));
  }

  // Old timetable widget: the teacher is whoever the plain "teacher" cookie says.
  void courseList(const drogon::HttpRequestPtr &req, Callback &&callback) {
    const std::string &who = req->getCookie("teacher");
    if (who.empty()) {
      reply(callback, drogon::k401Unauthorized);
      return;
    }
    auto r = db_->execSqlSync("SELECT course_id, room, slot FROM course_teachers WHERE teacher_id = $1", // EXPECT: identity
                              std::stol(who));
    reply(callback, drogon::k200OK, std::to_string(r.size()));
  }

private:
  // True when the teacher is assigned to the course.
  bool teaches(long teacher, long course) {
    auto r = db_->execSqlSync("SELECT 1 FROM course_teachers WHERE course_id = $1 AND teacher_id = $2", course, // EXPECT: ok
                              teacher);
    return r.size() > 0;
  }

  drogon::orm::Mapper<Grade> grades_;
  drogon::orm::DbClientPtr db_;
};

} // namespace school

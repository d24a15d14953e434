// Held-out (third set): clinic appointments on Pistache. Appointments go
// through a repository class, medical notes through the sqlite3 C API.
// Patients and doctors log in with bearer tokens. Written before scoring,
// check and model unchanged.
#include <nlohmann/json.hpp>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/router.h>
#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

using Pistache::Http::Code;
using Pistache::Http::ResponseWriter;
using Pistache::Rest::Request;

namespace clinic {

struct Appointment {
  long id = 0;
  long patient_id = 0;
  long doctor_id = 0;
  std::string starts_at;
};

class AppointmentRepository {
public:
  std::optional<Appointment> findById(long id);
  std::vector<Appointment> listForPatient(long patient_id, const std::string &from);
  void cancel(long id, const std::string &reason);
  void remove(long id);
};

struct Principal {
  long user_id = 0;
  long patient_id = 0; // set for patients
  long doctor_id = 0;  // set for doctors
  std::string role;    // "patient", "doctor", "reception"
};

// Verifies the bearer token; throws on an invalid or expired token.
Principal authenticate(const Request &req);
// True when the doctor has an open treatment relation with the patient.
bool is_treating_doctor(long doctor_id, long patient_id);

static sqlite3 *notes_db;

// Throws unless the caller is the patient of the appointment or its doctor.
void require_appointment_access(AppointmentRepository &repo, const Principal &p, long appointment) {
  auto a = repo.findById(appointment); // EXPECT: ok
  if (!a || (a->patient_id != p.patient_id && a->doctor_id != p.doctor_id))
    throw std::runtime_error("forbidden");
}

struct AppointmentFilter {
  long patient = 0;
  std::string from;
};

static AppointmentFilter filter_from_query(const Request &req) {
  AppointmentFilter f;
  auto p = req.query().get("patient");
  if (p)
    f.patient = std::stol(*p);
  f.from = req.query().get("from").value_or("1970-01-01");
  return f;
}

class ClinicApi {
public:
  explicit ClinicApi(AppointmentRepository &repo) : repo_(repo) {}

  void routes(Pistache::Rest::Router &r) {
    using namespace Pistache::Rest;
    Routes::Get(r, "/appointments/:id", Routes::bind(&ClinicApi::show, this));
    Routes::Get(r, "/v2/appointments/:id", Routes::bind(&ClinicApi::showChecked, this));
    Routes::Post(r, "/appointments/:id/cancel", Routes::bind(&ClinicApi::cancel, this));
    Routes::Delete(r, "/appointments/:id", Routes::bind(&ClinicApi::destroy, this));
    Routes::Get(r, "/me/appointments", Routes::bind(&ClinicApi::mine, this));
    Routes::Get(r, "/appointments", Routes::bind(&ClinicApi::search, this));
    Routes::Get(r, "/front-desk/appointments", Routes::bind(&ClinicApi::frontDesk, this));
    Routes::Get(r, "/patients/:pid/notes", Routes::bind(&ClinicApi::notes, this));
    Routes::Get(r, "/v2/patients/:pid/notes", Routes::bind(&ClinicApi::notesChecked, this));
    Routes::Post(r, "/prescriptions", Routes::bind(&ClinicApi::prescribe, this));
    Routes::Get(r, "/doctors", Routes::bind(&ClinicApi::doctors, this));
    Routes::Post(r, "/appointments/cancel-batch", Routes::bind(&ClinicApi::cancelBatch, this));
  }

  // Any logged-in user can read any appointment.
  void show(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    (void)me;
    auto a = repo_.findById(req.param(":id").as<long>()); // EXPECT: idor
    resp.send(Code::Ok, a ? a->starts_at : "");
  }

  // Load, then compare with the caller before answering.
  void showChecked(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    auto a = repo_.findById(req.param(":id").as<long>()); // EXPECT: ok
    if (!a || (a->patient_id != me.patient_id && a->doctor_id != me.doctor_id)) {
      resp.send(Code::Not_Found);
      return;
    }
    resp.send(Code::Ok, a->starts_at);
  }

  // Guard helper first, then cancel.
  void cancel(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    long id = req.param(":id").as<long>();
    auto body = nlohmann::json::parse(req.body());
    try {
      require_appointment_access(repo_, me, id); // EXPECT: ok
    } catch (const std::exception &) {
      resp.send(Code::Forbidden);
      return;
    }
    repo_.cancel(id, body.value("reason", "")); // EXPECT: ok
    resp.send(Code::No_Content);
  }

  // Hard delete, meant for the reception desk, but nobody checks the role.
  void destroy(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    (void)me;
    long id = req.param(":id").as<long>();
    repo_.remove(id); // EXPECT: idor
    resp.send(Code::No_Content);
  }

  // The caller's own upcoming appointments.
  void mine(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    auto from = req.query().get("from").value_or("1970-01-01");
    auto list = repo_.listForPatient(me.patient_id, from); // EXPECT: ok
    resp.send(Code::Ok, std::to_string(list.size()));
  }

  // Patient chosen by a query parameter, carried in a filter struct.
  void search(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    (void)me;
    AppointmentFilter f = filter_from_query(req);
    auto list = repo_.listForPatient(f.patient, f.from); // EXPECT: idor
    resp.send(Code::Ok, std::to_string(list.size()));
  }

  // Reception staff may look up any patient's appointments.
  void frontDesk(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    if (me.role != "reception") {
      resp.send(Code::Forbidden);
      return;
    }
    AppointmentFilter f = filter_from_query(req);
    auto list = repo_.listForPatient(f.patient, f.from); // EXPECT: ok
    resp.send(Code::Ok, std::to_string(list.size()));
  }

  // Medical notes of a patient, for doctors: no treatment relation checked.
  void notes(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    if (!me.doctor_id) {
      resp.send(Code::Forbidden);
      return;
    }
    long pid = req.param(":pid").as<long>();
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(notes_db, "SELECT written_at, text FROM notes WHERE patient_id = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, pid); // EXPECT: idor
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW)
      out += reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    resp.send(Code::Ok, out);
  }

  // Same, with the treatment relation checked first.
  void notesChecked(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    long pid = req.param(":pid").as<long>();
    if (!me.doctor_id || !is_treating_doctor(me.doctor_id, pid)) {
      resp.send(Code::Forbidden);
      return;
    }
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(notes_db, "SELECT written_at, text FROM notes WHERE patient_id = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, pid); // EXPECT: ok
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW)
      out += reinterpret_cast<const char *>(sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    resp.send(Code::Ok, out);
  }

  // Prescriptions from the ward tablets: the prescribing doctor is named in a header.
  void prescribe(const Request &req, ResponseWriter resp) {
    auto doctor = req.headers().getRaw("X-Doctor-Id").value();
    auto body = nlohmann::json::parse(req.body());
    long patient = body.at("patient_id").get<long>();
    std::string drug = body.at("drug").get<std::string>();
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(notes_db, "INSERT INTO prescriptions (doctor_id, patient_id, drug) VALUES (?, ?, ?)", -1, &st,
                       nullptr);
    sqlite3_bind_int64(st, 1, std::stol(doctor)); // EXPECT: identity
    sqlite3_bind_int64(st, 2, patient); // EXPECT: idor
    sqlite3_bind_text(st, 3, drug.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    resp.send(Code::Created);
  }

  // Public list of doctors by specialty, paginated.
  void doctors(const Request &req, ResponseWriter resp) {
    std::string specialty = req.query().get("specialty").value_or("");
    int page = std::stoi(req.query().get("page").value_or("0"));
    sqlite3_stmt *st = nullptr;
    sqlite3_prepare_v2(notes_db, "SELECT name FROM doctors WHERE specialty = ? LIMIT 20 OFFSET ?", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, specialty.c_str(), -1, SQLITE_TRANSIENT); // EXPECT: ok
    sqlite3_bind_int(st, 2, page * 20);                                 // EXPECT: ok
    std::string out;
    while (sqlite3_step(st) == SQLITE_ROW)
      out += reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    resp.send(Code::Ok, out);
  }

  // Batch cancellation from the calendar view: ids from the JSON body, no check.
  void cancelBatch(const Request &req, ResponseWriter resp) {
    Principal me = authenticate(req);
    (void)me;
    auto body = nlohmann::json::parse(req.body());
    for (const auto &id : body.at("appointment_ids"))
      repo_.cancel(id.get<long>(), "batch"); // EXPECT: idor
    resp.send(Code::No_Content);
  }

private:
  AppointmentRepository &repo_;
};

} // namespace clinic

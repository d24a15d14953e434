// Held-out (fifth set): a hotel booking API on cpp-httplib with libpqxx.
// Guests authenticate with an HS256 bearer token (cpp-jwt); front-desk staff
// carry a "staff" role claim. Written before scoring, check and model unchanged.
#include <httplib.h>
#include <jwt/jwt.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace hotel {

static pqxx::connection *db;
static std::string g_jwt_secret; // loaded from the environment at startup

struct Guest {
  long id = 0;
  std::string role; // "guest" or "staff"
};

struct Booking {
  long id = 0;
  long guest_id = 0;
  long hotel_id = 0;
  std::string status; // "confirmed", "checked_in", "checked_out", "cancelled"
  std::string check_in;
  std::string check_out;
};

class BookingRepository {
public:
  void updateDates(long booking_id, const std::string &from, const std::string &to);
  long ownerOf(long booking_id);
  void addNote(long booking_id, const std::string &text);
};
static BookingRepository bookings;

void log_warn(const std::string &msg);
void send_mail(long guest_id, const std::string &subject);

// Verifies the bearer token; nullopt when missing, expired or badly signed.
static std::optional<Guest> authenticate(const httplib::Request &req) {
  std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) != 0)
    return std::nullopt;
  std::error_code ec;
  auto dec = jwt::decode(auth.substr(7), jwt::params::algorithms({"HS256"}), ec, jwt::params::secret(g_jwt_secret),
                         jwt::params::verify(true));
  if (ec)
    return std::nullopt;
  Guest g;
  g.id = std::stol(dec.payload().get_claim_value<std::string>("sub"));
  g.role = dec.payload().has_claim("role") ? dec.payload().get_claim_value<std::string>("role") : "guest";
  return g;
}

static std::optional<Booking> load_booking(pqxx::work &w, long id) {
  auto r = w.exec_params("SELECT id, guest_id, hotel_id, status, check_in, check_out FROM bookings WHERE id = $1", id); // EXPECT: ok
  if (r.empty())
    return std::nullopt;
  Booking b;
  b.id = r[0][0].as<long>();
  b.guest_id = r[0][1].as<long>();
  b.hotel_id = r[0][2].as<long>();
  b.status = r[0][3].as<std::string>();
  b.check_in = r[0][4].as<std::string>();
  b.check_out = r[0][5].as<std::string>();
  return b;
}

static bool guest_owns_booking(pqxx::work &w, long booking, long guest) {
  auto r = w.exec_params("SELECT 1 FROM bookings WHERE id = $1 AND guest_id = $2", booking, guest); // EXPECT: ok
  return !r.empty();
}

static std::string to_json(const Booking &b) {
  nlohmann::json j{{"id", b.id}, {"hotel", b.hotel_id}, {"status", b.status}, {"from", b.check_in}, {"to", b.check_out}};
  return j.dump();
}

void routes(httplib::Server &svr) {
  // Booking detail: authenticated, but the row is fetched by id alone.
  svr.Get(R"(/bookings/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT hotel_id, status, check_in, check_out FROM bookings WHERE id = $1", // EXPECT: idor
                           std::stol(req.matches[1]));
    res.set_content(r.empty() ? "{}" : r[0][1].c_str(), "application/json");
  });

  // v2 detail: load, then compare the guest with the caller before replying.
  svr.Get(R"(/v2/bookings/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    pqxx::work w(*db);
    auto b = load_booking(w, std::stol(req.matches[1]));
    if (!b || b->guest_id != me->id) {
      res.status = 404;
      return;
    }
    res.set_content(to_json(*b), "application/json");
  });

  // The caller's own upcoming stays, with a page size from the query.
  svr.Get("/me/bookings", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long limit = req.has_param("limit") ? std::stol(req.get_param_value("limit")) : 20;
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT id, hotel_id, check_in FROM bookings WHERE guest_id = $1 AND check_in >= now() " // EXPECT: ok
                           "ORDER BY check_in LIMIT $2",
                           me->id, limit);
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // Public room availability of a hotel.
  svr.Get(R"(/hotels/(\d+)/rooms)", [](const httplib::Request &req, httplib::Response &res) {
    long hotel = std::stol(req.matches[1]);
    std::string day = req.get_param_value("date");
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT room_type, free FROM availability WHERE hotel_id = $1 AND day = $2", hotel, day); // EXPECT: ok
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // Cancel: ownership verified with a scoped query before the update.
  svr.Post(R"(/bookings/(\d+)/cancel)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long id = std::stol(req.matches[1]);
    pqxx::work w(*db);
    if (!guest_owns_booking(w, id, me->id)) {
      res.status = 403;
      return;
    }
    w.exec_params("UPDATE bookings SET status = 'cancelled' WHERE id = $1", id); // EXPECT: ok
    w.commit();
    res.status = 204;
  });

  // Change dates: the repository writes first, the owner is compared afterwards.
  svr.Put(R"(/bookings/(\d+)/dates)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long id = std::stol(req.matches[1]);
    auto body = nlohmann::json::parse(req.body);
    bookings.updateDates(id, body.at("from").get<std::string>(), body.at("to").get<std::string>()); // EXPECT: idor
    if (bookings.ownerOf(id) != me->id) { // EXPECT: ok
      log_warn("date change on foreign booking " + std::to_string(id));
      res.status = 403;
      return;
    }
    send_mail(me->id, "Your stay has been changed");
    res.status = 204;
  });

  // Folio PDF: the owner check only runs for stays that are not checked out.
  svr.Get(R"(/bookings/(\d+)/folio)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long id = std::stol(req.matches[1]);
    pqxx::work w(*db);
    auto b = load_booking(w, id);
    if (!b) {
      res.status = 404;
      return;
    }
    if (b->status != "checked_out" && b->guest_id != me->id) {
      res.status = 403;
      return;
    }
    std::ifstream pdf("/var/lib/hotel/folios/" + std::to_string(id) + ".pdf", std::ios::binary); // EXPECT: idor
    std::stringstream ss;
    ss << pdf.rdbuf();
    res.set_content(ss.str(), "application/pdf");
  });

  // Registration card: path built from the id after the scoped ownership check.
  svr.Get(R"(/bookings/(\d+)/registration)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long id = std::stol(req.matches[1]);
    pqxx::work w(*db);
    if (!guest_owns_booking(w, id, me->id)) {
      res.status = 404;
      return;
    }
    std::ifstream card("/var/lib/hotel/cards/" + std::to_string(id) + ".pdf", std::ios::binary); // EXPECT: ok
    std::stringstream ss;
    ss << card.rdbuf();
    res.set_content(ss.str(), "application/pdf");
  });

  // Lobby kiosk: whose stays to show comes from a header the kiosk sets.
  svr.Get("/kiosk/stays", [](const httplib::Request &req, httplib::Response &res) {
    if (!authenticate(req)) {
      res.status = 401;
      return;
    }
    long guest = std::stol(req.get_header_value("X-Guest-Id"));
    pqxx::work w(*db);
    auto r = w.exec_params("SELECT id, room_no, check_out FROM bookings WHERE guest_id = $1 AND status = 'checked_in'", // EXPECT: identity
                           guest);
    res.set_content(std::to_string(r.size()), "text/plain");
  });

  // Remove a companion: ownership of the booking is checked, but the companion
  // row is deleted by its own id without tying it to that booking.
  svr.Delete(R"(/bookings/(\d+)/companions/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long booking = std::stol(req.matches[1]);
    long companion = std::stol(req.matches[2]);
    pqxx::work w(*db);
    if (!guest_owns_booking(w, booking, me->id)) {
      res.status = 403;
      return;
    }
    w.exec_params("DELETE FROM companions WHERE id = $1", companion); // EXPECT: idor
    w.commit();
    res.status = 204;
  });

  // Companion rename: scoped to the booking, whose ownership is checked.
  svr.Put(R"(/bookings/(\d+)/companions/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    long booking = std::stol(req.matches[1]);
    long companion = std::stol(req.matches[2]);
    pqxx::work w(*db);
    if (!guest_owns_booking(w, booking, me->id)) {
      res.status = 403;
      return;
    }
    w.exec_params("UPDATE companions SET full_name = $1 WHERE id = $2 AND booking_id = $3", req.body, companion, // EXPECT: ok
                  booking);
    w.commit();
    res.status = 204;
  });

  // Loyalty transfer: the debited member is read from the JSON body.
  svr.Post("/loyalty/transfer", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto body = nlohmann::json::parse(req.body);
    long from = body.at("from_guest_id").get<long>();
    long to = body.at("to_guest_id").get<long>();
    long points = body.at("points").get<long>();
    pqxx::work w(*db);
    w.exec_params("UPDATE loyalty SET points = points - $1 WHERE guest_id = $2", points, from); // EXPECT: identity
    w.exec_params("UPDATE loyalty SET points = points + $1 WHERE guest_id = $2", points, to); // EXPECT: ok
    w.commit();
    res.status = 204;
  });

  // Bulk cancel: each id of the JSON array is checked; foreign ones are skipped.
  svr.Post("/bookings/cancel-many", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    auto ids = nlohmann::json::parse(req.body).at("ids").get<std::vector<long>>();
    pqxx::work w(*db);
    int done = 0;
    for (long id : ids) {
      auto b = load_booking(w, id);
      if (!b || b->guest_id != me->id)
        continue;
      w.exec_params("UPDATE bookings SET status = 'cancelled' WHERE id = $1", id); // EXPECT: ok
      ++done;
    }
    w.commit();
    res.set_content(std::to_string(done), "text/plain");
  });

  // Front desk: staff only, may void any booking.
  svr.Delete(R"(/desk/bookings/(\d+))", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me || me->role != "staff") {
      res.status = 403;
      return;
    }
    pqxx::work w(*db);
    w.exec_params("DELETE FROM bookings WHERE id = $1", std::stol(req.matches[1])); // EXPECT: ok
    w.commit();
    res.status = 204;
  });

  // Desk note: the staff check only logs, it does not stop the request.
  svr.Post(R"(/desk/bookings/(\d+)/notes)", [](const httplib::Request &req, httplib::Response &res) {
    auto me = authenticate(req);
    if (!me) {
      res.status = 401;
      return;
    }
    if (me->role != "staff")
      log_warn("non-staff note by guest " + std::to_string(me->id));
    bookings.addNote(std::stol(req.matches[1]), req.body); // EXPECT: idor
    res.status = 201;
  });
}

} // namespace hotel

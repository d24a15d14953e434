// Labelled corpus, written after the check was tuned on the two other files
// and first scored without changing the check or the model (figures of that
// first run in ../README.md); three generic fixes came out of it since, so it
// is no longer a held-out set.
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <memory>
#include <optional>
#include <string>

namespace shop {
struct Order {
  std::string id;
  std::string buyer;
  int total = 0;
};
struct Caller {
  std::string user;
  std::vector<std::string> roles;
};
class OrderService {
public:
  std::optional<Order> fetchOrder(const std::string &id);
  void cancelOrder(const std::string &id);
  void refund(const std::string &order_id, int amount);
};
Caller authenticated_caller(const httplib::Request &req); // reads and verifies the session cookie
bool owns_order(const Caller &c, const Order &o);
} // namespace shop

using namespace shop;

static std::shared_ptr<OrderService> orders;
static pqxx::connection *db;

void order_routes(httplib::Server &srv) {
  srv.Get(R"(/api/orders/([\w-]+))", [](const httplib::Request &req, httplib::Response &res) {
    auto order = orders->fetchOrder(req.matches[1]); // EXPECT: idor
    res.set_content(order ? order->buyer : "", "text/plain");
  });

  srv.Get(R"(/api/v2/orders/([\w-]+))", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = authenticated_caller(req);
    auto order = orders->fetchOrder(req.matches[1]); // EXPECT: ok
    if (!order || !owns_order(me, *order)) {
      res.status = 404;
      return;
    }
    res.set_content(order->buyer, "text/plain");
  });

  srv.Post(R"(/api/orders/([\w-]+)/cancel)", [](const httplib::Request &req, httplib::Response &res) {
    const std::string orderId = req.matches[1].str();
    orders->cancelOrder(orderId); // EXPECT: idor
    res.status = 202;
  });

  srv.Post("/api/refunds", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = authenticated_caller(req);
    auto in = nlohmann::json::parse(req.body);
    std::string order = in.value("order", "");
    auto o = orders->fetchOrder(order); // EXPECT: ok
    if (!o || o->buyer != me.user) {
      res.status = 403;
      return;
    }
    orders->refund(order, in.value("amount", 0)); // EXPECT: ok
  });

  srv.Post("/api/v0/refunds", [](const httplib::Request &req, httplib::Response &res) {
    auto in = nlohmann::json::parse(req.body);
    orders->refund(in["order_id"].get<std::string>(), in["amount"].get<int>()); // EXPECT: idor
  });

  srv.Get("/api/my-orders", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = authenticated_caller(req);
    pqxx::work w(*db);
    auto rows = w.exec_params("SELECT id, total FROM orders WHERE buyer = $1 ORDER BY id LIMIT $2",
                              me.user, std::stoi(req.get_param_value("n"))); // EXPECT: ok
    res.set_content(std::to_string(rows.size()), "text/plain");
  });

  srv.Get("/api/orders-of", [](const httplib::Request &req, httplib::Response &res) {
    pqxx::work w(*db);
    auto rows = w.exec_params("SELECT id, total FROM orders WHERE buyer = $1",
                              req.get_param_value("buyer")); // EXPECT: idor
    res.set_content(std::to_string(rows.size()), "text/plain");
  });

  srv.Delete(R"(/api/orders/([\w-]+))", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = authenticated_caller(req);
    bool admin = false;
    for (const auto &r : me.roles)
      if (r == "admin")
        admin = true;
    if (!admin) {
      res.status = 403;
      return;
    }
    orders->cancelOrder(req.matches[1]); // EXPECT: ok
  });

  srv.Get("/api/whoami/orders", [](const httplib::Request &req, httplib::Response &res) {
    std::string user = req.get_header_value("X-Remote-User");
    pqxx::work w(*db);
    auto rows = w.exec_params("SELECT id FROM orders WHERE buyer = $1", user); // EXPECT: identity
    res.set_content(std::to_string(rows.size()), "text/plain");
  });

  srv.Put(R"(/api/orders/([\w-]+)/total)", [](const httplib::Request &req, httplib::Response &res) {
    Caller me = authenticated_caller(req);
    pqxx::work w(*db);
    w.exec_params("UPDATE orders SET total = $1 WHERE id = $2 AND buyer = $3",
                  std::stoi(req.body), req.matches[1].str(), me.user); // EXPECT: ok
    w.commit();
  });
}

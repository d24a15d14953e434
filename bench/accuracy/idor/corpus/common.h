// Shared declarations of the labelled corpus (a small multi-tenant service).
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace svc {
struct Invoice {
  long id = 0;
  long customer_id = 0;
  double amount = 0;
};
struct Account {
  long id = 0;
  std::string role;
};
struct Session {
  long user_id = 0;
  bool valid = false;
};

class InvoiceStore {
public:
  std::optional<Invoice> get(long id);
  std::vector<Invoice> listForCustomer(long customer_id);
  void remove(long id);
  void save(const Invoice &inv);
  std::optional<Invoice> getOwned(long id, long customer_id);
};
class AuditLog {
public:
  void write(const std::string &line);
};

Session load_session(const std::string &cookie); // principal (name)
long session_user_id(const std::string &cookie);  // principal (name)
bool has_permission(long user, const std::string &perm, long object);
bool is_admin(long user);
} // namespace svc

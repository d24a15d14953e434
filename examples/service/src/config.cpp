// Configuration: where secrets come from.
#include "app.h"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace docshare {
namespace {

// DEFECT (prodready-hardcoded-credential): a live payment key in the binary.
const std::string kPaymentsKey = "sk_live_51HqLyjWDarjtT1zdp7dcXy8Jw2QBx4Lr0VaB3mN8";

// DEFECT (prodready-hardcoded-credential): the admin token, compiled in.
static const char kAdminToken[] = "c9f1e27a5b8d4f06a3e1b7d2c4f8a9e0";

// Correct look-alikes: names of environment variables, not their values.
constexpr const char *kDbPasswordEnv = "DOCSHARE_DB_PASSWORD";
constexpr const char *kPasswordPrompt = "Enter password: ";

std::string required_env(const char *name) {
  const char *value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    throw std::runtime_error(std::string("missing environment variable ") + name);
  return value;
}

} // namespace

Config load_config() {
  Config c;
  const char *path = std::getenv("DOCSHARE_DB");
  c.db_path = path ? path : "docshare.db";
  c.admin_token = kAdminToken;
  c.payments_key = kPaymentsKey;
  if (std::getenv("DOCSHARE_INTERACTIVE")) {
    std::cout << kPasswordPrompt;
    std::string typed;
    std::getline(std::cin, typed);
  } else if (std::getenv(kDbPasswordEnv)) {
    (void)required_env(kDbPasswordEnv);
  }
  return c;
}

} // namespace docshare

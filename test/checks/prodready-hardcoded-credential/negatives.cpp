// RUN: %check_prodready %s prodready-hardcoded-credential %t

// Tricky negatives that regex scanners flag, plus suppression markers.
// Only the two CHECK-MESSAGES lines below may fire.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <string>

struct Json {
  const Json &operator[](const char *) const;
  const Json &at(const char *) const;
  std::string get() const;
};

std::string readLine();

void negatives(const Json &cfg, std::map<std::string, std::string> &env) {
  // Environment-variable and config-key names.
  const char *password = std::getenv("DB_PASSWORD");
  std::string api_key = cfg["api_key"].get();
  std::string token = cfg.at("auth_token").get();
  std::string secret = env["CLIENT_SECRET"];
  // User-facing messages and prompts.
  std::cout << "Enter password: ";
  std::string pw = readLine();
  if (pw.empty()) std::cerr << "invalid password\n";
  const char *kPasswordTooShort = "Password must be at least 12 characters";
  std::string passwordHint = "Use a passphrase";
  // Comparisons against input are not stored credentials.
  if (pw == "hunter2-Cmp") std::cerr << "nope\n";
  if (std::strcmp(pw.c_str(), "Zx9-strcmp") == 0) std::cerr << "nope\n";
  // Placeholders and templates.
  std::string db_password = "${DB_PASSWORD}";
  std::string auth = "Bearer {{token}}";
  const char *stripe_secret_key = "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx";
  const char *github_token = "<your-github-token>";
  const char *api_secret = "****************";
  const char *client_secret = "REPLACE_ME_client_secret_here";
  // Names about a secret.
  const char *password_env_var = "APP_DB_PASSWORD";
  const char *token_endpoint = "https://login.internal/oauth2/v2.0/token";
  const char *private_key_path = "/etc/ssl/private/server.key";
  const char *secret_name = "prod/db/password";
  int password_length = 16;
  // Non-credential names with random-looking values.
  const char *request_id = "3f9c2e1a-77b0-4c55-9b1e-0a2d4e6f8c11";
  const char *commit_sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
  const char *css_color = "#a1b2c3";
  (void)password; (void)token; (void)secret; (void)kPasswordTooShort; (void)password_env_var;
  (void)token_endpoint; (void)private_key_path; (void)secret_name; (void)password_length;
  (void)request_id; (void)commit_sha; (void)css_color; (void)stripe_secret_key;
  (void)github_token; (void)api_secret; (void)client_secret; (void)auth; (void)db_password;
  (void)api_key; (void)passwordHint;
}

// Suppressions: NOLINT and the inline markers other scanners use.
const char *kLegacyPassword = "L3gacy-Pw!1"; // NOLINT(prodready-hardcoded-credential)
const char *kFixturePassword = "F1xture-Pw!2"; // gitleaks:allow
const char *kDemoPassword = "D3mo-Pw!3"; // pragma: allowlist secret

// Two real findings, so the file shows both sides.
const char *kRealPassword = "R3al-Pw!4";
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded password 'R3…(9 chars)' in 'kRealPassword' [CWE-798]
const char *kOtherDbPassword = "R3al-Pw!5";
// CHECK-MESSAGES: :[[@LINE-1]]:32: warning: hardcoded password 'R3…(9 chars)' in 'kOtherDbPassword' [CWE-798]
// gitleaks:allow  (a marker on another line does not suppress)

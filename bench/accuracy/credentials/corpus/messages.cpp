// User interaction: prompts, errors, logging, env lookups. Nothing here is a
// credential; regex scanners tend to flag much of it.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

namespace ui {

const char *kPasswordPrompt = "Password: ";
const char *kTokenPrompt = "Paste your API token and press Enter";
const char *kWrongPassword = "wrong password";
const char *kPasswordExpired = "Your password expired on %s";
const char *kTokenHelp = "Create a token at https://github.com/settings/tokens";
const char *kSecretHint = "The secret is read from $ORDERS_SECRET";
const char *kApiKeyMissing = "API key missing: set ORDERS_API_KEY";

struct Json {
  std::string operator[](const char *key) const;
};

std::string prompt(const char *p) {
  std::cout << p;
  std::string line;
  std::getline(std::cin, line);
  return line;
}

void login(const Json &cfg) {
  std::string password = prompt(kPasswordPrompt);
  if (password.size() < 12) std::cerr << "password too short\n";
  std::string api_key = cfg["api_key"];
  std::string token = cfg["auth.token"];
  const char *secret = std::getenv("ORDERS_SECRET");
  const char *db_password = std::getenv("DB_PASSWORD");
  std::map<std::string, std::string> fields = {{"password", password}, {"username", "admin"}};
  std::map<std::string, std::string> labels = {{"password", "Password"}, {"token", "API token"}};
  if (!secret || !db_password) std::cerr << kApiKeyMissing << "\n";
  std::cout << "token: " << (token.empty() ? "<none>" : "<redacted>") << "\n";
  (void)api_key;
  (void)fields;
  (void)labels;
}

const char *kPasswordField = "password";
const char *kTokenField = "access_token";
const char *kSecretKeyName = "aws_secret_access_key";
const char *kAuthHeaderName = "Authorization";
const char *kBearerPrefix = "Bearer ";
const char *kBasicPrefix = "Basic ";
const char *kTokenType = "refresh_token";
const char *kPasswordRegex = "^(?=.*[A-Z])(?=.*[0-9]).{12,}$";
const char *kPasswordColumn = "password_hash";
const char *kHashedPassword = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
std::string passwordHashAlgorithm = "argon2id";
std::string tokenKind = "opaque";
int passwordMaxAttempts = 5;

} // namespace ui

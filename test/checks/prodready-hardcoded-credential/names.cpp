// RUN: %check_prodready %s prodready-hardcoded-credential %t

// Credential-named destinations: every name form and every declaration form.
#include <map>
#include <string>
#include <string_view>

// Variables of every string type, with names split into words.
const char *kDbPassword = "Hk2-pz9q";
// CHECK-MESSAGES: :[[@LINE-1]]:27: warning: hardcoded password 'Hk…(8 chars)' in 'kDbPassword' [CWE-798]
static const char DB_PASS[] = "w0rd-Fish7";
// CHECK-MESSAGES: :[[@LINE-1]]:31: warning: hardcoded password 'w0r…(10 chars)' in 'DB_PASS' [CWE-798]
std::string apiKey = "a8f5f167f44f4964e6c998dee827110c";
// CHECK-MESSAGES: :[[@LINE-1]]:22: warning: hardcoded API key 'a8f5…(32 chars)' in 'apiKey' [CWE-798]
constexpr std::string_view kClientSecret = "cs_9Kq2LmWx";
// CHECK-MESSAGES: :[[@LINE-1]]:44: warning: hardcoded client secret 'cs_…(11 chars)' in 'kClientSecret' [CWE-798]
const std::string jwtSigningKey{"hm4c-K3y-2024"};
// CHECK-MESSAGES: :[[@LINE-1]]:33: warning: hardcoded signing key 'hm4…(13 chars)' in 'jwtSigningKey' [CWE-798]

struct DbConfig {
  std::string host = "db.internal";
  std::string user = "app";
  std::string password = "Rt5^aa2Q";
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: hardcoded password 'Rt…(8 chars)' in 'password' [CWE-798]
  std::string password_env = "DB_PASSWORD";
  std::string password_file = "/run/secrets/db_password";
};

struct Client {
  Client() : token_("tk-88aa71bd") {}
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: hardcoded token 'tk-…(11 chars)' in 'token_' [CWE-798]
  explicit Client(int) : token_(std::string("Bv1-4abcde")) {}
  // CHECK-MESSAGES: :[[@LINE-1]]:45: warning: hardcoded token 'Bv1…(10 chars)' in 'token_' [CWE-798]
  std::string token_;
  std::string auth_header_;
};

void connect(const std::string &host, const std::string &password);
void login(const char *user, const char *pwd = "dflt-Pw9x");
// CHECK-MESSAGES: :[[@LINE-1]]:48: warning: hardcoded password 'df…(9 chars)' in 'pwd' [CWE-798]
struct Settings {
  void setApiToken(const std::string &t);
};

struct Plain {
  const char *user;
  const char *passwd;
};

void use(DbConfig &cfg, Settings &s, std::map<std::string, std::string> &m) {
  cfg.password = "mem-B3r-Pw";
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: hardcoded password 'mem…(10 chars)' in 'password' [CWE-798]
  std::string secret;
  secret = "9d8e7f6a5b";
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: hardcoded secret '9d8…(10 chars)' in 'secret' [CWE-798]
  connect("db", "Arg-Pw-77");
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: hardcoded password 'Ar…(9 chars)' in 'password' [CWE-798]
  s.setApiToken("sett3r-T0k");
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: hardcoded token 'set…(10 chars)' in 'ApiToken' [CWE-798]
  Plain p{"app", "br4ce-Init"};
  // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: hardcoded password 'br4…(10 chars)' in 'passwd' [CWE-798]
  Plain q{.user = "app", .passwd = "d3sig-Nated"};
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: hardcoded password 'd3s…(11 chars)' in 'passwd' [CWE-798]
  m["db_password"] = "m4p-Valu3";
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: hardcoded password 'm4…(9 chars)' in 'db_password' [CWE-798]
  std::map<std::string, std::string> opts = {{"host", "db"}, {"password", "p41r-Init"}};
  // CHECK-MESSAGES: :[[@LINE-1]]:75: warning: hardcoded password 'p4…(9 chars)' in 'password' [CWE-798]
  (void)opts;
}

// Names that are *about* a credential, and values that are not secrets.
const char *kPasswordEnvVar = "DB_PASSWORD";
const char *kApiKeyHeader = "X-Api-Key";
const char *kPasswordPrompt = "Enter password: ";
const char *kTokenUrl = "https://auth.internal/oauth/token";
const char *kPasswordHash = "$2b$12$KIXQJ5zH0n5kRr2xQ8pBqO";
const char *kPublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBexample";
const char *kAwsAccessKeyId = "AKIA_FROM_ENV";
const char *password_label = "Password";
const char *passwordlessMode = "magic-link-7";
const char *kTokenType = "Bearer";
const char *secret_path = "/var/run/secrets/app";
const char *db_password = "";
const char *api_token = "<api-token>";
const char *auth_token = "${AUTH_TOKEN}";
const char *client_secret = "YOUR_CLIENT_SECRET";
const char *stripe_key_placeholder = "sk_test_xxxxxxxxxxxxxxxx";
const char *admin_password = "changeme";
const char *root_password = "password";
const char *dev_password = "admin";
const char *token = "%s";
std::string pageToken = "next-page-2";
std::string password_policy = "min8-upper1";
std::string invalidPasswordMessage = "invalid password, try again";
int password_min_length = 12;

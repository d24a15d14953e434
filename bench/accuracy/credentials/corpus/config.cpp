// Service configuration defaults and loading.
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#define CONFIG_PATH "/etc/orders/config.yaml"
#define ADMIN_PASSWORD "Adm1n!2020x" // @tp
#define ADMIN_PASSWORD_ENV "ORDERS_ADMIN_PASSWORD"
#define DEFAULT_TIMEOUT_MS 2500
#define SESSION_SECRET "s3ss10n-S1gn-K3y" // @tp

namespace config {

constexpr std::string_view kServiceName = "orders";
constexpr std::string_view kJwtSecret = "jwt-HS256-9a8b7c6d"; // @tp
constexpr std::string_view kJwtIssuer = "https://auth.internal/";
constexpr std::string_view kJwtAudience = "orders-api";
constexpr std::string_view kJwtSecretEnv = "ORDERS_JWT_SECRET";
const std::string kEncryptionKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"; // @tp
const std::string kEncryptionKeyId = "orders-2024-q1";
const char *kStripeWebhookSecret = "whsec_8Hk2Lq9Zx4Vb7Nm1"; // @tp
const char *kOauthClientId = "orders-service";
const char *kOauthClientSecret = "c1i3nt-S3cr3t-42"; // @tp
const char *kOauthTokenEndpoint = "https://auth.internal/oauth2/token";
const char *kPasswordPolicy = "min=12,upper=1,digit=1";
const char *kPasswordResetSubject = "Reset your password";
const char *kApiKeyPrefix = "ok_live_";
const char *kSecretsDir = "/run/secrets";
const char *kPasswordMask = "********";
const char *kDefaultPassword = "changeme";
const char *kRedisPassword = "";
int kTokenTtlSeconds = 3600;

struct Smtp {
  std::string host = "smtp.internal";
  int port = 587;
  std::string username = "mailer";
  std::string password = "Sm7p-Ma1ler"; // @tp
  std::string password_env = "SMTP_PASSWORD";
  bool starttls = true;
};

struct Ldap {
  const char *bind_dn;
  const char *bind_password;
  const char *base_dn;
};

static Ldap kLdap{"cn=svc,dc=corp", "Ld4p-B1nd!", "dc=corp"}; // @tp
static Ldap kLdapFromEnv{"cn=svc,dc=corp", nullptr, "dc=corp"};

class Settings {
public:
  Settings() : api_token_("t0k-Ctor-Init-77"), region_("eu-west-1") {} // @tp
  void setPassword(const std::string &p) { password_ = p; }
  void setRegion(const std::string &r) { region_ = r; }

private:
  std::string api_token_;
  std::string region_;
  std::string password_;
};

void load(Settings &s, std::map<std::string, std::string> &kv) {
  s.setPassword("s3tter-Pw-55"); // @tp
  s.setRegion("eu-central-1");
  kv["cache_password"] = "c4che-Pw-66"; // @tp
  kv["cache_host"] = "cache.internal";
  kv["log_level"] = "info";
  if (const char *p = std::getenv(ADMIN_PASSWORD_ENV))
    s.setPassword(p);
  (void)ADMIN_PASSWORD;
  (void)SESSION_SECRET;
}

} // namespace config

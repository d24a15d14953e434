//===- secrets_test.cpp - unit tests for lib/secrets ----------------------===//

#include "../../lib/model/Model.h"
#include "../../lib/secrets/Secrets.h"
#include "../../include/prodready/secret.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace prodready;
using namespace prodready::secrets;

namespace {

const Knowledge &builtin() {
  static std::shared_ptr<Knowledge> K = [] {
    std::vector<model::ModelError> Errors;
    auto M = model::Model::load({}, Errors);
    auto R = Knowledge::fromModel(*M, Errors);
    for (const auto &E : Errors)
      ADD_FAILURE() << E.str();
    return R;
  }();
  return *K;
}

std::string at(std::string_view Text, std::optional<Span> S) {
  if (!S)
    return "<none>";
  return std::string(Text.substr(S->Offset, S->Length));
}

// Token strings are assembled at run time so this file itself does not look
// like it leaks secrets to other scanners.
std::string rep(char C, size_t N) { return std::string(N, C); }

} // namespace

TEST(SecretsMask, NeverShowsMoreThanFourChars) {
  EXPECT_EQ(mask(""), "\xE2\x80\xA6(0 chars)");
  EXPECT_EQ(mask("abcd"), "\xE2\x80\xA6(4 chars)");
  EXPECT_EQ(mask("s3cr3t"), "s3\xE2\x80\xA6(6 chars)");
  EXPECT_EQ(mask("hunter2hunter"), "hun\xE2\x80\xA6(13 chars)");
  std::string Tok = "ghp_" + rep('a', 36);
  EXPECT_EQ(mask(Tok), "ghp_\xE2\x80\xA6(40 chars)");
  EXPECT_EQ(mask("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"), "\xE2\x80\xA6(8 chars)");
  EXPECT_EQ(mask("x"), "\xE2\x80\xA6(1 char)");
}

TEST(SecretsEntropy, Values) {
  EXPECT_DOUBLE_EQ(shannonEntropy(""), 0.0);
  EXPECT_DOUBLE_EQ(shannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannonEntropy("abcd"), 2.0);
  EXPECT_NEAR(shannonEntropy("ab"), 1.0, 1e-9);
}

TEST(SecretsWords, EnvVarName) {
  EXPECT_EQ(envVarName("db_password"), "DB_PASSWORD");
  EXPECT_EQ(envVarName("kDbPassword"), "DB_PASSWORD");
  EXPECT_EQ(envVarName("m_apiKey"), "API_KEY");
  EXPECT_EQ(envVarName("stripeSecretKey"), "STRIPE_SECRET_KEY");
  EXPECT_EQ(envVarName(""), "SECRET");
  EXPECT_EQ(envVarName("2fa_secret"), "SECRET_2FA_SECRET");
}

TEST(SecretsWords, AllowMarkers) {
  EXPECT_TRUE(hasAllowMarker("auto k = \"x\"; // gitleaks:allow"));
  EXPECT_TRUE(hasAllowMarker("auto k = \"x\"; // pragma: allowlist secret"));
  EXPECT_TRUE(hasAllowMarker("auto k = \"x\"; /* PRAGMA:allowlist secret */"));
  EXPECT_FALSE(hasAllowMarker("auto k = \"x\"; // allow"));
  EXPECT_FALSE(hasAllowMarker("auto k = \"x\"; // gitleaks"));
}

TEST(SecretsNames, Credentials) {
  const Knowledge &K = builtin();
  for (const char *N : {"password", "kDbPassword", "DB_PASS", "apiKey", "api_key", "API_KEY",
                        "dbpassword", "clientSecret", "auth_token", "accessToken",
                        "stripeSecretKey", "private_key", "signingKey", "credentials",
                        "m_passwd", "pwd", "bearer", "passphrase", "kApiKey", "jwtSecret",
                        "hmac_key", "passwords", "refresh_token", "X-Api-Key"})
    EXPECT_EQ(K.classifyName(N).Verdict, NameVerdict::Credential) << N;
}

TEST(SecretsNames, AboutCredentials) {
  const Knowledge &K = builtin();
  for (const char *N : {"password_env", "kPasswordEnvVar", "api_key_name", "token_url",
                        "password_file", "secret_path", "password_prompt", "kPasswordLabel",
                        "password_field", "auth_header", "password_hash", "min_password_len",
                        "public_key", "token_type", "access_key_id", "aws_access_key_id",
                        "passwordLength", "next_page_token", "kTokenPattern",
                        "csrf_token", "has_password", "password_policy", "secret_name"})
    EXPECT_NE(K.classifyName(N).Verdict, NameVerdict::Credential) << N;
}

TEST(SecretsNames, NotCredentials) {
  const Knowledge &K = builtin();
  for (const char *N : {"username", "host", "bypass", "passwordless_login", "secretary",
                        "tokenizer", "key", "map_key", "passenger", "compass", "keyboard",
                        "user_id", "pass_count"})
    EXPECT_NE(K.classifyName(N).Verdict, NameVerdict::Credential) << N;
}

TEST(SecretsNames, KindIsReported) {
  const Knowledge &K = builtin();
  EXPECT_EQ(K.classifyName("kDbPassword").Kind, "password");
  EXPECT_EQ(K.classifyName("stripe_api_key").Kind, "API key");
  EXPECT_EQ(K.classifyName("client_secret").Kind, "client secret");
}

TEST(SecretsNames, Extras) {
  std::vector<model::ModelError> Errors;
  auto M = model::Model::load({}, Errors);
  auto K = Knowledge::fromModel(*M, Errors);
  EXPECT_EQ(K->classifyName("pin_code").Verdict, NameVerdict::NotCredential);
  K->addCredentialName("pin code", "PIN");
  EXPECT_EQ(K->classifyName("kPinCode").Verdict, NameVerdict::Credential);
  EXPECT_EQ(K->classifyName("kPinCode").Kind, "PIN");
  EXPECT_EQ(K->classifyName("password_blob").Verdict, NameVerdict::Credential);
  K->addIgnoredPart("blob");
  EXPECT_EQ(K->classifyName("password_blob").Verdict, NameVerdict::AboutCredential);
  std::string Err;
  EXPECT_EQ(K->classifyValue("ACME-7fd8a9", 2.0), ValueVerdict::Secret);
  EXPECT_TRUE(K->addPlaceholder("^ACME-", Err)) << Err;
  EXPECT_EQ(K->classifyValue("ACME-7fd8a9", 2.0), ValueVerdict::Template);
  EXPECT_FALSE(K->addPlaceholder("([", Err));
  EXPECT_NE(Err.find("invalid regular expression"), std::string::npos);
}

TEST(SecretsValues, Gate) {
  const Knowledge &K = builtin();
  auto C = [&](const char *V) { return K.classifyValue(V, 2.0); };
  EXPECT_EQ(C("s3cr3t-Pa55"), ValueVerdict::Secret);
  EXPECT_EQ(C("hunter2"), ValueVerdict::Secret);
  EXPECT_EQ(C("Tr0ub4dor&3"), ValueVerdict::Secret);
  EXPECT_EQ(C("9f86d081884c7d659a2feaa0c55ad015"), ValueVerdict::Secret);
  EXPECT_EQ(C(""), ValueVerdict::Empty);
  EXPECT_EQ(C("  "), ValueVerdict::Empty);
  EXPECT_EQ(C("<password>"), ValueVerdict::Template);
  EXPECT_EQ(C("${DB_PASSWORD}"), ValueVerdict::Template);
  EXPECT_EQ(C("{{token}}"), ValueVerdict::Template);
  EXPECT_EQ(C("%s"), ValueVerdict::Template);
  EXPECT_EQ(C("YOUR_API_KEY"), ValueVerdict::Template);
  EXPECT_EQ(C("your-token-here"), ValueVerdict::Template);
  EXPECT_EQ(C("xxxxxxxx"), ValueVerdict::Template);
  EXPECT_EQ(C("****"), ValueVerdict::Template);
  EXPECT_EQ(C("sk_test_dummy_123"), ValueVerdict::Template);
  EXPECT_EQ(C("changeme"), ValueVerdict::Weak);
  EXPECT_EQ(C("password"), ValueVerdict::Weak);
  EXPECT_EQ(C("test"), ValueVerdict::Weak);
  EXPECT_EQ(C("Invalid password"), ValueVerdict::Prose);
  EXPECT_EQ(C("Enter password:"), ValueVerdict::Prose);
  EXPECT_EQ(C("Password:"), ValueVerdict::Prose);
  EXPECT_EQ(C("Wrong password!"), ValueVerdict::Prose);
  EXPECT_EQ(C("Zq7-pl4n!"), ValueVerdict::Secret);
  EXPECT_EQ(C("DB_PASSWORD"), ValueVerdict::Identifier);
  EXPECT_EQ(C("db.password"), ValueVerdict::Identifier);
  EXPECT_EQ(C("X-Api-Key"), ValueVerdict::Identifier);
  EXPECT_EQ(C("/run/secrets/db_password"), ValueVerdict::PathOrUrl);
  EXPECT_EQ(C("https://auth.internal/token"), ValueVerdict::PathOrUrl);
  EXPECT_EQ(C("secrets/api.key"), ValueVerdict::PathOrUrl);
  EXPECT_EQ(C("aaaaaa1"), ValueVerdict::LowEntropy);
  EXPECT_EQ(C("qKzVbWnRtYpLmXsD"), ValueVerdict::Secret); // long random letters
}

TEST(SecretsValues, RejectedAtSink) {
  const Knowledge &K = builtin();
  EXPECT_FALSE(K.rejectedAtSink("guest"));
  EXPECT_FALSE(K.rejectedAtSink("password"));
  EXPECT_FALSE(K.rejectedAtSink("s3cr3t"));
  EXPECT_TRUE(K.rejectedAtSink(""));
  EXPECT_TRUE(K.rejectedAtSink("%s"));
  EXPECT_TRUE(K.rejectedAtSink("<password>"));
  EXPECT_TRUE(K.rejectedAtSink("${PGPASSWORD}"));
}

TEST(SecretsTokens, KnownFormats) {
  const Knowledge &K = builtin();
  auto First = [&](const std::string &T) -> std::string {
    auto R = K.findTokens(T);
    return R.empty() ? "<none>" : R.front().Format->Name;
  };
  EXPECT_EQ(First("AKIA" + std::string("Z7QRSTUVWXYZ2345")), "AWS access key id");
  EXPECT_EQ(First("key=AKIA" + std::string("IOSFODNN7EXAMPLE")), "<none>");
  EXPECT_EQ(First("ghp_" + rep('A', 18) + rep('9', 18)), "GitHub personal access token");
  EXPECT_EQ(First("github_pat_" + rep('B', 22) + "_" + rep('c', 30)),
            "GitHub fine-grained personal access token");
  EXPECT_EQ(First("xoxb-" + rep('1', 11) + "-" + rep('2', 12) + "-abcDEF123"), "Slack token");
  EXPECT_EQ(First("sk_" "live_" + rep('a', 12) + rep('Z', 12)), "Stripe live secret key");
  EXPECT_EQ(First("sk_" "test_" + rep('a', 12) + rep('Z', 12)), "<none>");
  EXPECT_EQ(First("AIza" + rep('x', 1) + "Sy" + rep('B', 16) + rep('7', 16)), "Google API key");
  EXPECT_EQ(First("SG." + rep('a', 22) + "." + rep('b', 43)), "SendGrid API key");
  EXPECT_EQ(First("SK" + std::string("0123456789abcdef") + "fedcba9876543210"), "Twilio API key");
  std::string Pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE" + rep('q', 60) +
                    "\n-----END RSA PRIVATE KEY-----\n";
  EXPECT_EQ(First(Pem), "private key (PEM)");
  EXPECT_EQ(First("-----BEGIN RSA PRIVATE KEY-----"), "<none>"); // header only
  EXPECT_EQ(First("-----BEGIN PUBLIC KEY-----\nMIIB" + rep('q', 60)), "<none>");
  std::string Jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + rep('s', 20) + "Q";
  EXPECT_EQ(First(Jwt), "JSON web token");
  EXPECT_EQ(First("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0."), "<none>"); // unsigned
  EXPECT_EQ(First("postgres://app:" "Zq9v" "Lm2x@db:5432/app"), "password in URI");
  EXPECT_EQ(First("postgres://app:${DB_PASSWORD}@db:5432/app"), "<none>");
  EXPECT_EQ(First("postgres://app:password@db:5432/app"), "<none>");
  EXPECT_EQ(First("https://example.com/a:b@c"), "<none>"); // ':' in the path is no userinfo
  EXPECT_EQ(First("plain text without secrets"), "<none>");
}

TEST(SecretsTokens, SpanPointsAtSecret) {
  const Knowledge &K = builtin();
  std::string T = "token=ghp_" + rep('A', 36) + " rest";
  auto R = K.findTokens(T);
  ASSERT_EQ(R.size(), 1u);
  EXPECT_EQ(T.substr(R[0].Where.Offset, R[0].Where.Length), "ghp_" + rep('A', 36));
}

TEST(SecretsConn, Passwords) {
  auto P = [](std::string_view T, bool Other = false) {
    return at(T, connectionStringPassword(T, Other));
  };
  EXPECT_EQ(P("host=db user=app password=Zx9!q dbname=app"), "Zx9!q");
  EXPECT_EQ(P("host=db password='s p a c e' dbname=app"), "s p a c e");
  EXPECT_EQ(P("Server=db;Uid=app;Pwd=Zx9 q;Database=x"), "Zx9 q");
  EXPECT_EQ(P("Driver={PG};PWD={a;b};"), "a;b");
  EXPECT_EQ(P("postgresql://app:Zx9q@db/app"), "Zx9q");
  EXPECT_EQ(P("mysql://db/app?user=a&password=Zx9q&ssl=1"), "Zx9q");
  EXPECT_EQ(P("host=db user=app dbname=app"), "<none>");
  EXPECT_EQ(P("host=db password= dbname=app"), "<none>");
  EXPECT_EQ(P("password=abc123", true), "<none>");
  EXPECT_EQ(P("host=x password=abc123", true), "abc123");
  EXPECT_EQ(at("user:pa:ss", userPwdPassword("user:pa:ss")), "pa:ss");
  EXPECT_EQ(at("user", userPwdPassword("user")), "<none>");
  EXPECT_EQ(at("user:", userPwdPassword("user:")), "<none>");
}

TEST(SecretsHeaders, LinesAndValues) {
  const Knowledge &K = builtin();
  std::string Kind;
  std::string L = "Authorization: Bearer abc.def";
  EXPECT_EQ(at(L, K.headerLineCredential(L, &Kind)), "abc.def");
  EXPECT_EQ(Kind, "bearer token");
  L = "authorization: Basic dXNlcjpwYXNz";
  EXPECT_EQ(at(L, K.headerLineCredential(L, &Kind)), "dXNlcjpwYXNz");
  EXPECT_EQ(Kind, "basic-auth credentials");
  L = "X-Api-Key: 7f3a9c";
  EXPECT_EQ(at(L, K.headerLineCredential(L, &Kind)), "7f3a9c");
  L = "X-Custom-Token: q1w2e3";
  EXPECT_EQ(at(L, K.headerLineCredential(L, &Kind)), "q1w2e3");
  L = "Content-Type: application/json";
  EXPECT_EQ(at(L, K.headerLineCredential(L, &Kind)), "<none>");
  L = "Authorization:";
  EXPECT_EQ(at(L, K.headerLineCredential(L, &Kind)), "<none>");
  std::string V = "Bearer ";
  EXPECT_EQ(at(V, K.headerValueCredential("Authorization", V, &Kind)), "<none>");
  EXPECT_EQ(at("zz", K.headerValueCredential("Accept", "zz", &Kind)), "<none>");
}

TEST(SecretsRedis, Auth) {
  const Knowledge &K = builtin();
  int Arg = -2;
  std::string F = "AUTH Zx9q";
  EXPECT_EQ(at(F, K.redisAuthPassword(F, &Arg)), "Zx9q");
  EXPECT_EQ(Arg, -1);
  F = "AUTH default Zx9q";
  EXPECT_EQ(at(F, K.redisAuthPassword(F, &Arg)), "Zx9q");
  F = "AUTH %s";
  EXPECT_EQ(at(F, K.redisAuthPassword(F, &Arg)), "<none>");
  EXPECT_EQ(Arg, 0);
  F = "AUTH %s %s";
  K.redisAuthPassword(F, &Arg);
  EXPECT_EQ(Arg, 1);
  F = "AUTH %b %b";
  K.redisAuthPassword(F, &Arg);
  EXPECT_EQ(Arg, 2);
  F = "GET key";
  EXPECT_EQ(at(F, K.redisAuthPassword(F, &Arg)), "<none>");
  EXPECT_EQ(Arg, -1);
}

TEST(SecretsModel, SinksAreLoaded) {
  const Knowledge &K = builtin();
  bool Mysql = false, Curl = false;
  for (const Sink &S : K.sinks()) {
    if (S.Function == "mysql_real_connect" && S.Param == 3 && S.ParamName == "passwd")
      Mysql = true;
    if (S.Function == "curl_easy_setopt" && S.Form == ValueForm::UserPwd && S.WhenArg == 1)
      Curl = true;
  }
  EXPECT_TRUE(Mysql);
  EXPECT_TRUE(Curl);
  EXPECT_GE(K.tokenFormats().size(), 10u);
}

TEST(SecretsModel, MalformedEntriesAreReported) {
  std::string Path = testing::TempDir() + "/prodready_bad_credentials.json";
  {
    std::ofstream O(Path);
    O << R"({"prodready-model": 1, "name": "bad",
      "credential-sinks": [ {"function": "::f", "param": 0, "value": "sideways"},
                            {"function": "::g"},
                            {"function": "::h", "param": 1, "value": "header-value"} ],
      "credential-token-formats": [ {"name": "t", "regex": "(["} ],
      "credential-ignored-name-parts": [ {"parts": ["x"], "position": "middle"} ] })";
  }
  std::vector<model::ModelError> Errors;
  auto M = model::Model::load({Path}, Errors);
  ASSERT_TRUE(Errors.empty());
  auto K = Knowledge::fromModel(*M, Errors);
  std::string All;
  for (const auto &E : Errors)
    All += E.str() + "\n";
  EXPECT_NE(All.find("unknown value form 'sideways'"), std::string::npos) << All;
  EXPECT_NE(All.find("/credential-sinks/1"), std::string::npos) << All;
  EXPECT_NE(All.find("name-arg"), std::string::npos) << All;
  EXPECT_NE(All.find("invalid regular expression"), std::string::npos) << All;
  EXPECT_NE(All.find("position"), std::string::npos) << All;
  std::remove(Path.c_str());
}

TEST(SecretsAccessor, EnvFileAndMissing) {
  ::setenv("PRODREADY_UT_SECRET_A", "from-env", 1);
  EXPECT_EQ(prodready::require_secret("PRODREADY_UT_SECRET_A"), "from-env");
  // Cached for the process: the reference stays valid.
  const std::string *P = &prodready::require_secret("PRODREADY_UT_SECRET_A");
  EXPECT_EQ(P, &prodready::require_secret("PRODREADY_UT_SECRET_A"));

  std::string Path = testing::TempDir() + "/prodready_ut_secret_b";
  {
    std::ofstream O(Path);
    O << "from-file\n";
  }
  ::unsetenv("PRODREADY_UT_SECRET_B");
  ::setenv("PRODREADY_UT_SECRET_B_FILE", Path.c_str(), 1);
  EXPECT_EQ(prodready::require_secret("PRODREADY_UT_SECRET_B"), "from-file");
  std::remove(Path.c_str());

  ::unsetenv("PRODREADY_UT_SECRET_C");
  ::setenv("PRODREADY_UT_SECRET_C_FILE", "/nonexistent/prodready", 1);
  try {
    prodready::require_secret("PRODREADY_UT_SECRET_C");
    ADD_FAILURE() << "no exception";
  } catch (const prodready::missing_secret &E) {
    EXPECT_EQ(E.name(), "PRODREADY_UT_SECRET_C");
    EXPECT_NE(std::string(E.what()).find("PRODREADY_UT_SECRET_C_FILE"), std::string::npos);
  }
  ::setenv("PRODREADY_UT_SECRET_D", "", 1); // empty counts as missing
  EXPECT_THROW(prodready::require_secret("PRODREADY_UT_SECRET_D"), prodready::missing_secret);
}

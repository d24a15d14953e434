// Unit tests for lib/flow/FlowModel: model sections -> typed specs, name classifiers.
#include "flow/FlowModel.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

using namespace prodready;
using namespace prodready::flow;

namespace {
std::shared_ptr<FlowModel> builtin(std::vector<model::ModelError> &Errors) {
  auto M = model::Model::load({}, Errors);
  return FlowModel::build(*M, Errors);
}

std::string writeTemp(const std::string &Name, const std::string &Text) {
  std::string Path = ::testing::TempDir() + Name;
  std::ofstream(Path) << Text;
  return Path;
}

/// Builds the model of the built-ins plus a user file holding \p Text (it
/// must parse: every error is one FlowModel::build reports) and returns the
/// errors, one per line.
std::string buildErrors(const std::string &Name, const std::string &Text,
                        std::shared_ptr<FlowModel> *Out = nullptr) {
  auto Path = writeTemp(Name, Text);
  std::vector<model::ModelError> Errors;
  auto M = model::Model::load({Path}, Errors);
  std::remove(Path.c_str());
  EXPECT_TRUE(Errors.empty());
  auto FM = FlowModel::build(*M, Errors);
  if (Out)
    *Out = FM;
  std::string All;
  for (auto &E : Errors)
    All += E.str() + "\n";
  return All;
}
} // namespace

TEST(FlowModel, BuiltinLoadsWithoutErrors) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  for (auto &E : Errors)
    ADD_FAILURE() << E.str();
  EXPECT_GE(FM->Handlers.size(), 4u);
  EXPECT_GE(FM->Sources.size(), 10u);
  EXPECT_GE(FM->Sinks.size(), 20u);
  EXPECT_FALSE(FM->Guards.empty());
  EXPECT_FALSE(FM->Principals.empty());
}

TEST(FlowModel, CrowAndDrogonPathParameters) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  int Extra = 0;
  for (const auto &H : FM->Handlers)
    if (H.ExtraParamsAreRouteParams) {
      ++Extra;
      EXPECT_TRUE(H.Framework == "Crow" || H.Framework == "Drogon") << H.Framework;
    }
  EXPECT_EQ(Extra, 2);
  EXPECT_NE(FM->sinkForFunction("drogon::orm::Mapper::findByPrimaryKey"), nullptr);
}

TEST(FlowModel, SinksByName) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  const SinkSpec *S = FM->sinkForFunction("::pqxx::transaction_base::exec_params");
  ASSERT_NE(S, nullptr);
  EXPECT_EQ(S->SqlArg, 0);
  EXPECT_TRUE(S->isValueArg(1));
  EXPECT_TRUE(S->isValueArg(3));
  EXPECT_FALSE(S->isValueArg(0));
  const SinkSpec *B = FM->sinkForFunction("sqlite3_bind_int");
  ASSERT_NE(B, nullptr);
  EXPECT_TRUE(B->isValueArg(2));
  EXPECT_FALSE(B->isValueArg(1));
  EXPECT_EQ(B->StatementArg, 0);
  EXPECT_NE(FM->sinkForConstructor("std::basic_ifstream"), nullptr);
  EXPECT_EQ(FM->sinkForFunction("printf"), nullptr);
}

TEST(FlowModel, RepositoryCalls) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  EXPECT_EQ(FM->repositoryCall("app::DocumentRepository", "findById"), Access::Read);
  EXPECT_EQ(FM->repositoryCall("OrderDao", "delete_order"), Access::Write);
  EXPECT_EQ(FM->repositoryCall("UserStore", "update"), Access::Write);
  EXPECT_FALSE(FM->repositoryCall("Logger", "findById").has_value());
  EXPECT_FALSE(FM->repositoryCall("DocumentRepository", "count").has_value());
  // The type regex applies to the last component only.
  EXPECT_FALSE(FM->repositoryCall("repository::Logger", "get").has_value());
}

TEST(FlowModel, PrincipalsAndGuards) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  EXPECT_NE(FM->principalFunction("app::current_user", "current_user"), nullptr);
  EXPECT_NE(FM->principalFunction("app::Auth::currentUserId", "currentUserId"), nullptr);
  EXPECT_NE(FM->principalFunction("jwt::decode", "decode"), nullptr);
  EXPECT_EQ(FM->principalFunction("app::decode", "decode"), nullptr);
  EXPECT_EQ(FM->principalFunction("app::user_id_param", "user_id_param"), nullptr);
  EXPECT_NE(FM->guardFunction("acl::can_edit", "can_edit"), nullptr);
  EXPECT_NE(FM->guardFunction("x::isOwner", "isOwner"), nullptr);
  EXPECT_NE(FM->guardFunction("x::authorize", "authorize"), nullptr);
  const GuardSpec *R = FM->guardFunction("x::require_admin", "require_admin");
  ASSERT_NE(R, nullptr);
  EXPECT_TRUE(R->Role);
  EXPECT_NE(FM->principalFunction("b::authenticate_api_key", "authenticate_api_key"), nullptr);
  EXPECT_NE(FM->principalFunction("b::tenant_from_api_key", "tenant_from_api_key"), nullptr);
  EXPECT_EQ(FM->principalFunction("b::authentication_log", "authentication_log"), nullptr);
  EXPECT_TRUE(FM->isRoleAttribute("platform_staff"));
  EXPECT_TRUE(FM->isRoleAttribute("isAdmin"));
  EXPECT_FALSE(FM->isRoleAttribute("staffing_level"));
  EXPECT_FALSE(FM->isRoleAttribute("administered_at"));
  EXPECT_EQ(FM->guardFunction("x::canonicalize", "canonicalize"), nullptr);
  EXPECT_EQ(FM->guardFunction("x::load_doc", "load_doc"), nullptr);
}

TEST(FlowModel, IdentityNames) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  EXPECT_TRUE(FM->isIdentityHeader("X-User-Id"));
  EXPECT_TRUE(FM->isIdentityHeader("x-forwarded-user"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Request-Id"));
  // header-regex: a person or party named in an X- header.
  EXPECT_TRUE(FM->isIdentityHeader("X-Employee-Id"));
  EXPECT_TRUE(FM->isIdentityHeader("X-Acting-Doctor-Id"));
  EXPECT_TRUE(FM->isIdentityHeader("x-customer"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Correlation-Id"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Idempotency-Key"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Order-Id"));
  EXPECT_FALSE(FM->isIdentityHeader("X-User-Agent-Version"));
  // The generic X-<who>-Id pattern: any party, not the request's plumbing.
  EXPECT_TRUE(FM->isIdentityHeader("X-Adjuster-Id"));
  EXPECT_TRUE(FM->isIdentityHeader("X-Courier-Login"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Amzn-Trace-Id"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Client-Request-Id"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Device-Id"));
  EXPECT_FALSE(FM->isIdentityHeader("X-Upload-Id"));
  // Cookies: opaque credentials are looked up; anything else is a claim.
  EXPECT_TRUE(FM->isCredentialCookie("sid"));
  EXPECT_TRUE(FM->isCredentialCookie("session_token"));
  EXPECT_TRUE(FM->isCredentialCookie("JSESSIONID"));
  EXPECT_TRUE(FM->isCredentialCookie("auth"));
  EXPECT_TRUE(FM->isCredentialCookie("SRSESSION"));
  EXPECT_TRUE(FM->isCredentialCookie("castline_sess"));
  EXPECT_TRUE(FM->isCredentialCookie("xtoken"));
  EXPECT_TRUE(FM->isCredentialCookie("csid")) << "a one-letter prefix: the c(lient) session id";
  EXPECT_TRUE(FM->isCredentialCookie("app_sid"));
  EXPECT_FALSE(FM->isCredentialCookie("basid"));
  EXPECT_FALSE(FM->isCredentialCookie("member"));
  EXPECT_FALSE(FM->isCredentialCookie("teacher_id"));
  EXPECT_FALSE(FM->isCredentialCookie("author"));
  EXPECT_TRUE(FM->isIdentityField("userId"));
  EXPECT_TRUE(FM->isIdentityField("user_id"));
  EXPECT_FALSE(FM->isIdentityField("doc_id"));
}

TEST(FlowModel, IdLikeNames) {
  EXPECT_TRUE(isIdLikeName("id"));
  EXPECT_TRUE(isIdLikeName("doc_id"));
  EXPECT_TRUE(isIdLikeName("docId"));
  EXPECT_TRUE(isIdLikeName("orderid"));
  EXPECT_TRUE(isIdLikeName("UUID"));
  EXPECT_TRUE(isIdLikeName("file-name") == false); // "name" alone is not a key
  EXPECT_TRUE(isIdLikeName("filename"));
  EXPECT_FALSE(isIdLikeName("page"));
  EXPECT_FALSE(isIdLikeName("limit"));
  EXPECT_FALSE(isIdLikeName("paid"));
  EXPECT_FALSE(isIdLikeName("valid"));
  EXPECT_FALSE(isIdLikeName(""));
  EXPECT_EQ(normaliseKey("X-User_Id"), "xuserid");
}

TEST(FlowModel, ErrorsNameTheEntry) {
  auto Path = writeTemp("flow_bad.json", R"({"prodready-model": 1, "name": "bad",
    "data-sinks": [{"kind": "sql", "functions": ["::f"]}],
    "request-sources": [{"type": "::R", "member": "x", "kind": "bogus"}],
    "authorization-guards": [{"function-regex": "(unclosed"}],
    "public-rows": [{"column-regex": "^public$"}],
    "sql-streams": [{"statement-operators": ["::db::session::operator<<"], "binds": ["::db::use"]}],
    "secret-columns": [{"regex": "(unclosed"}]})");
  std::vector<model::ModelError> Errors;
  auto M = model::Model::load({Path}, Errors);
  ASSERT_TRUE(Errors.empty());
  auto FM = FlowModel::build(*M, Errors);
  ASSERT_EQ(Errors.size(), 9u);
  std::string All;
  for (auto &E : Errors)
    All += E.str() + "\n";
  EXPECT_NE(All.find("/data-sinks/0"), std::string::npos) << All;
  EXPECT_NE(All.find("unknown kind 'bogus'"), std::string::npos) << All;
  EXPECT_NE(All.find("invalid regular expression"), std::string::npos) << All;
  EXPECT_NE(All.find("needs 'column-regex' and 'value-regex'"), std::string::npos) << All;
  EXPECT_NE(All.find("/sql-streams/0"), std::string::npos) << All;
  EXPECT_NE(All.find("/secret-columns/0"), std::string::npos) << All;
  EXPECT_EQ(FM->SqlStreams.size(), 1u); // the built-in SOCI entry only
  EXPECT_EQ(FM->SecretColumns.size(), 1u);
  std::remove(Path.c_str());
}

TEST(FlowModel, SqlStreams) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  using R = FlowModel::StreamRole;
  const SqlStreamSpec *S = nullptr;
  EXPECT_EQ(FM->streamRole("::soci::session::operator<<", &S), R::Statement);
  ASSERT_NE(S, nullptr);
  EXPECT_EQ(FM->streamRole("soci::details::prepare_type::operator<<"), R::Statement);
  EXPECT_EQ(FM->streamRole("soci::details::once_temp_type::operator,"), R::Chain);
  EXPECT_EQ(FM->streamRole("soci::use"), R::Bind);
  EXPECT_EQ(FM->streamRole("soci::into"), R::None);
  EXPECT_EQ(FM->streamRole("std::ostream::operator<<"), R::None);
}

TEST(FlowModel, RequestReadersAndStatementRuns) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  const HandlerSpec *Beast = nullptr;
  for (const auto &H : FM->Handlers)
    if (H.Framework == "Boost.Beast")
      Beast = &H;
  ASSERT_NE(Beast, nullptr);
  EXPECT_EQ(Beast->Readers, (std::vector<std::string>{"boost::beast::http::read",
                                                       "boost::beast::http::async_read"}));
  const SinkSpec *B = FM->sinkForFunction("sqlite3_bind_int64");
  ASSERT_NE(B, nullptr);
  EXPECT_EQ(B->ExecutedBy, std::vector<std::string>{"sqlite3_step"});
  const SinkSpec *M = FM->sinkForFunction("sql::PreparedStatement::setInt64");
  ASSERT_NE(M, nullptr);
  EXPECT_EQ(M->ExecutedBy.size(), 3u);
  EXPECT_TRUE(FM->sinkForFunction("pqxx::transaction_base::exec_params")->ExecutedBy.empty());

  std::string All = buildErrors("flow_readers.json", R"({"prodready-model": 1, "name": "bad",
    "request-handlers": [{"framework": "X", "request-type": "::x::Req", "readers": 7}],
    "data-sinks": [{"kind": "sql", "functions": ["::x::bind"], "value-args": [1],
                    "statement-arg": 0, "executed-by": [3]}]})");
  EXPECT_NE(All.find("/request-handlers/0"), std::string::npos) << All;
  EXPECT_NE(All.find("readers"), std::string::npos) << All;
  EXPECT_NE(All.find("executed-by"), std::string::npos) << All;
}

TEST(FlowModel, SecretColumns) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  for (const char *C : {"token", "share_token", "api_key", "apiKey", "key_hash", "token_hash", "device_key",
                        "secret", "password_hash", "TOKEN_SHA256"})
    EXPECT_TRUE(FM->isSecretColumn(C)) << C;
  for (const char *C : {"id", "key", "receipt_key", "storage_key", "object_key", "tokens_used", "owner_id",
                        "token_count", ""})
    EXPECT_FALSE(FM->isSecretColumn(C)) << C;
}

TEST(FlowModel, UserFileExtends) {
  auto Path = writeTemp("flow_user.json", R"({"prodready-model": 1, "name": "mine",
    "authorization-guards": [{"function": "::acme::Policy::allows"}],
    "data-sinks": [{"kind": "orm", "function": "::acme::Orm::get", "value-args": [0], "access": "read"}]})");
  std::vector<model::ModelError> Errors;
  auto M = model::Model::load({Path}, Errors);
  auto FM = FlowModel::build(*M, Errors);
  EXPECT_TRUE(Errors.empty());
  EXPECT_NE(FM->guardFunction("acme::Policy::allows", "allows"), nullptr);
  EXPECT_NE(FM->sinkForFunction("acme::Orm::get"), nullptr);
  std::remove(Path.c_str());
}

TEST(FlowModel, PublicRows) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  using WC = std::vector<std::pair<std::string, std::string>>;
  EXPECT_TRUE(FM->selectsPublicRows(WC{{"public", "true"}}));
  EXPECT_TRUE(FM->selectsPublicRows(WC{{"slug", "x"}, {"is_published", "1"}}));
  EXPECT_TRUE(FM->selectsPublicRows(WC{{"visibility", "public"}}));
  EXPECT_FALSE(FM->selectsPublicRows(WC{{"visibility", "private"}}));
  EXPECT_FALSE(FM->selectsPublicRows(WC{{"public", "false"}}));
  EXPECT_FALSE(FM->selectsPublicRows(WC{{"archived", "true"}}));
  EXPECT_FALSE(FM->selectsPublicRows(WC{}));
}

TEST(FlowModel, CredentialHeadersAndUnverifiedTokens) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  ASSERT_TRUE(Errors.empty());
  for (const char *H : {"Authorization", "X-Api-Key", "x-apikey", "X-Console-Session", "X-Auth-Token",
                        "X-Hook-Signature", "Proxy-Authorization"})
    EXPECT_TRUE(FM->isCredentialHeader(H)) << H;
  for (const char *H : {"X-User-Id", "X-Request-Id", "X-Session-Id-Hint", "Accept", "X-Token-Count"})
    EXPECT_FALSE(FM->isCredentialHeader(H)) << H;
  // cpp-jwt's decode is the principal unless verification is turned off.
  const PrincipalSpec *Decode = FM->principalFunction("jwt::decode", "decode");
  ASSERT_NE(Decode, nullptr);
  EXPECT_EQ(Decode->UnlessFunction, "jwt::params::verify");
  EXPECT_EQ(Decode->UnlessLiteral, "false");
  EXPECT_NE(FM->principalFunction("Poco::JWT::Signer::tryVerify", "tryVerify"), nullptr);

  std::string All = buildErrors("flow_unless.json", R"({"prodready-model": 1, "name": "bad",
    "principal-sources": [{"function": "::x::decode", "unless-argument": {"function": "::x::verify"}}],
    "client-identity": [{"credential-header-regex": "("}]})");
  EXPECT_NE(All.find("unless-argument"), std::string::npos) << All;
  EXPECT_NE(All.find("credential-header-regex"), std::string::npos) << All;
}

TEST(FlowModel, MessageAuthentication) {
  std::vector<model::ModelError> Errors;
  auto FM = builtin(Errors);
  ASSERT_TRUE(Errors.empty());
  EXPECT_TRUE(FM->isMacType("Poco::HMACEngine"));
  EXPECT_TRUE(FM->isMacType("::Poco::HMACEngine"));
  EXPECT_FALSE(FM->isMacType("Poco::SHA1Engine")) << "a plain hash has no key";
  EXPECT_TRUE(FM->isMacFunction("HMAC"));
  EXPECT_TRUE(FM->isMacFunction("hmac_sha256"));
  EXPECT_TRUE(FM->isMacFunction("computeHmac"));
  EXPECT_FALSE(FM->isMacFunction("sha256"));
  EXPECT_TRUE(FM->isMacCompare("CRYPTO_memcmp"));
  EXPECT_TRUE(FM->isMacCompare("Poco::DigestEngine::constantTimeEquals"));
  EXPECT_FALSE(FM->isMacCompare("strcmp_ci"));

  std::shared_ptr<FlowModel> User;
  std::string All = buildErrors("flow_mac.json", R"({"prodready-model": 1, "name": "mine",
    "message-authentication": [{"member-of": "::acme::Signer"}, {"description": "nothing else"},
                               {"function-regex": "("}, {"compare": "::acme::same"}]})", &User);
  EXPECT_NE(All.find("/message-authentication/1"), std::string::npos) << All;
  EXPECT_NE(All.find("needs 'member-of', 'function-regex' or 'compare'"), std::string::npos) << All;
  EXPECT_NE(All.find("/message-authentication/2"), std::string::npos) << All;
  EXPECT_NE(All.find("invalid regular expression"), std::string::npos) << All;
  EXPECT_EQ(All.find("/message-authentication/3"), std::string::npos) << All;
  EXPECT_TRUE(User->isMacType("acme::Signer"));
  EXPECT_TRUE(User->isMacCompare("acme::same"));
  EXPECT_TRUE(User->isMacType("Poco::HMACEngine")) << "the built-ins stay";
}

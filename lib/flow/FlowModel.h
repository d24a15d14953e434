//===- FlowModel.h - typed view of the request/auth/sink model --*- C++ -*-===//
//
// Compiler-independent part of the client-controlled-ID analysis: the model
// sections it reads, converted to typed structures with regexes compiled
// once, plus small classifiers (is this name an identifier-like key? is this
// a client-asserted identity header?) that are unit-tested without clang.
//
// Sections (lib/model/builtin/web*.json, auth*.json, sinks*.json):
//   request-handlers     {framework, request-type, response-type?, forbidden?,
//                         enabled?}
//   route-registrations  {framework, function, method?, route-arg, handler-arg}
//   request-sources      {framework, type | function, member?, kind, key-arg?}
//   principal-sources    {function | function-regex | member-of | type, what}
//   authorization-guards {function-regex | function, role?}
//   client-identity      {headers: [...], header-regex?, fields: [...],
//                         credential-cookie-regex?, credential-header-regex?}
//   public-rows          {column-regex, value-regex}  WHERE predicates that
//                        select rows anyone may read (`AND public`)
//   data-sinks           {function | constructor-of, value-args | values-from,
//                         sql-arg?, statement-arg?, kind, access}
//   sql-streams          {statement-operators, chain-operators, binds, access}
//                        SOCI's `sql << "…", use(id), into(x)`
//   repository-sinks     {object-type-regex, method-regex, write-regex}
//   ownership-columns    {regex}
//   secret-columns       {regex}  columns a client-held secret is compared
//                        with (api_key, share_token): a credential, not a key
//   role-attributes      {regex}  boolean principal members that grant a role
//   end-user-roles       {regex}  role names every customer of a kind holds:
//                        comparing the caller's role with one is no
//                        authorization (`role != "candidate"`)
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_FLOW_FLOWMODEL_H
#define PRODREADY_LIB_FLOW_FLOWMODEL_H

#include "../model/Model.h"

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::flow {

enum class SourceKind { RouteParameter, QueryParameter, Header, Cookie, Body, Path, Other };

/// "route parameter", "query parameter", "header", ...
const char *describe(SourceKind K);
std::optional<SourceKind> parseSourceKind(std::string_view S);

enum class Access { Read, Write, Any };
const char *describe(Access A);

struct HandlerSpec {
  std::string Framework;
  std::string RequestType;  ///< qualified, no leading "::"
  std::string ResponseType; ///< may be empty
  /// Statement(s) that answer 403 and leave the handler; "{response}" is
  /// replaced by the response parameter's name, "{request}" by the request's.
  std::string Forbidden;
  bool Enabled = true;
  /// Crow/Drogon: handler parameters other than request/response/callback
  /// are the route's path parameters (`"route-parameters": "extra-parameters"`).
  bool ExtraParamsAreRouteParams = false;
  /// Leading template arguments the request type must have, as printed
  /// ("true" for Boost.Beast's message<isRequest = true, ...>). Empty: any.
  std::vector<std::string> TemplateArgs;
  /// Functions that fill a request value from the network (Boost.Beast
  /// `http::read(stream, buffer, req)`): a function that declares a request
  /// of this type and hands it to one of them serves requests itself.
  std::vector<std::string> Readers;
};

struct RouteSpec {
  std::string Framework;
  std::string Function; ///< qualified callee
  std::string Method;
  int RouteArg = 0;
  int HandlerArg = 1;
  /// Crow: the handler is passed to a call chained on the registration's
  /// result (`CROW_ROUTE(app, "/x").methods(...)([](...){...})`).
  bool HandlerChained = false;
  /// Drogon: argument holding the list of constraints (HTTP methods as
  /// enumerators, filter names as strings); -1 when none.
  int ConstraintsArg = -1;
  /// Registers middleware that runs before every route of the framework
  /// (httplib `set_pre_routing_handler`), not a route.
  bool Middleware = false;
};

struct SourceSpec {
  std::string Framework;
  std::string Type;     ///< request-ish type whose member is read (qualified)
  std::string Function; ///< or a free function (qualified), e.g. mg_get_var
  std::string Member;   ///< field or method name (empty with Function)
  SourceKind Kind = SourceKind::Other;
  int KeyArg = -1;      ///< argument holding the key name, -1 if none
};

struct SinkSpec {
  std::string Function;      ///< qualified callee (function or method)
  std::string ConstructorOf; ///< or: construction of this class (qualified)
  std::vector<int> ValueArgs;///< arguments that carry the key
  int ValuesFrom = -1;       ///< or: every argument from this index on
  int SqlArg = -1;           ///< argument that is SQL text (spliced values)
  int StatementArg = -1;     ///< statement handle (bind APIs): -2 = object
  /// Bind APIs: the calls that run the statement (`sqlite3_step`,
  /// `Statement::executeStep`), same statement argument. The access is
  /// reported there, where it happens.
  std::vector<std::string> ExecutedBy;
  std::string Kind;          ///< "sql", "file", "redis", "orm"
  Access Acc = Access::Any;
  bool isValueArg(int I) const;
};

/// An SQL stream (SOCI): `sql << "SELECT … WHERE id = :id", use(id), into(x)`.
/// The text streamed into a statement operator is the statement; each chain
/// operator adds one element, and the binder calls among them give its values.
struct SqlStreamSpec {
  std::vector<std::string> StatementOperators; ///< `session::operator<<` (qualified)
  std::vector<std::string> ChainOperators;     ///< `once_temp_type::operator,`
  std::vector<std::string> Binds;              ///< `soci::use`: value, then optional name
  Access Acc = Access::Any;
};

struct RepositorySpec {
  std::regex ObjectType;
  std::regex Method;
  std::regex Write;
};

struct PrincipalSpec {
  std::string Function;      ///< qualified
  std::optional<std::regex> FunctionRegex; ///< on the unqualified name
  std::string MemberOf;      ///< fields/methods of this type are principal
  std::string Member;        ///< (optional) only this member
  std::string What;          ///< "session", "verified JWT claim", ...
  /// unless-argument: not the principal when one of the call's arguments is
  /// a call of this function with literal argument UnlessLiteral
  /// (`jwt::decode(tok, algos, jwt::params::verify(false))`).
  std::string UnlessFunction;
  std::string UnlessLiteral;
};

struct GuardSpec {
  std::string Function;
  std::optional<std::regex> FunctionRegex;
  bool Role = false; ///< role/admin check: guards without taking the ID
};

class FlowModel {
public:
  static std::shared_ptr<FlowModel> build(const model::Model &M,
                                          std::vector<model::ModelError> &Errors);
  /// Cached per Model (Model::derive).
  static std::shared_ptr<const FlowModel> get(const model::Model &M,
                                              std::vector<model::ModelError> &Errors);

  std::vector<HandlerSpec> Handlers;
  /// Some enabled handler spec lists `readers` (set by build()): only then
  /// are function bodies searched for a request read into a local.
  bool AnyReaders = false;
  std::vector<RouteSpec> Routes;
  std::vector<SourceSpec> Sources;
  std::vector<SinkSpec> Sinks;
  std::vector<RepositorySpec> Repositories;
  std::vector<SqlStreamSpec> SqlStreams;
  std::vector<PrincipalSpec> Principals;
  std::vector<GuardSpec> Guards;
  std::vector<std::string> IdentityHeaders; ///< lower-cased
  std::vector<std::string> IdentityFields;  ///< normalised (see normaliseKey)
  std::string OwnerColumns;                 ///< regex (SqlKeys), "" = default
  std::regex OwnerColumnRegex;              ///< OwnerColumns (or the default), compiled
  /// role-attributes: boolean members of the principal that grant a role
  /// (`if (!session.staff) return 403;` is a role check).
  std::vector<std::regex> RoleAttributes;
  /// end-user-roles: role names that say what kind of customer the caller
  /// is, not that they may reach any object.
  std::vector<std::regex> EndUserRoles;
  /// secret-columns: columns holding a secret the client presents (api_key,
  /// share_token, token_hash). A lookup by one authenticates the caller or
  /// honours a capability link; it does not name someone else's object.
  std::vector<std::regex> SecretColumns;
  /// message-authentication: what computes a MAC over its input with a
  /// server key (`Poco::HMACEngine`, `hmac_sha256(key, msg)`) and what
  /// compares one with the signature the client sent.
  std::vector<std::string> MacTypes;         ///< member-of: qualified, no leading ::
  std::vector<std::regex> MacFunctions;      ///< function-regex: unqualified name
  std::vector<std::string> MacCompares;      ///< compare: qualified functions
  /// client-identity header-regex: lower-cased header names.
  std::vector<std::regex> IdentityHeaderRegexes;
  /// client-identity credential-cookie-regex: cookies holding an opaque
  /// credential (session id, token) that the server looks up. Any other
  /// cookie is unsigned client data, an identity claim when it selects data.
  std::vector<std::regex> CredentialCookieRegexes;
  /// client-identity credential-header-regex: headers carrying a credential
  /// the server checks (Authorization, X-Api-Key, X-Console-Session).
  std::vector<std::regex> CredentialHeaderRegexes;
  struct PublicRows {
    std::regex Column, Value;
  };
  std::vector<PublicRows> PublicRowPredicates;

  const SinkSpec *sinkForFunction(std::string_view Qualified) const;
  const SinkSpec *sinkForConstructor(std::string_view QualifiedClass) const;
  enum class StreamRole { None, Statement, Chain, Bind };
  /// The part a function plays in an SQL stream (sql-streams), and the stream.
  StreamRole streamRole(std::string_view Qualified, const SqlStreamSpec **Spec = nullptr) const;
  /// Repository/DAO call: object type name + method name. Returns the access.
  std::optional<Access> repositoryCall(std::string_view ObjectType,
                                       std::string_view Method) const;
  /// Returns the principal "what" for a function, or null.
  const PrincipalSpec *principalFunction(std::string_view Qualified,
                                         std::string_view Name) const;
  /// Principal member of a type (qualified type name, member name).
  const PrincipalSpec *principalMember(std::string_view QualifiedType,
                                       std::string_view Member) const;
  /// Guard function? (qualified name and plain name). Null when not.
  const GuardSpec *guardFunction(std::string_view Qualified, std::string_view Name) const;

  /// True when a column, field or accessor name says whose object it is
  /// (ownership-columns): "owner_id", "author", "getOwnerId"...
  bool isOwnershipName(std::string_view Name) const;
  /// True when a boolean principal member named \p Name grants a role.
  bool isRoleAttribute(std::string_view Name) const;
  /// True when an SQL column holds a secret the client presents (secret-columns).
  bool isSecretColumn(std::string_view Column) const;
  /// isSecretColumn() of a request key or identifier in any naming style:
  /// "apiKey", "X-Refresh-Token" and "refresh_token" read alike.
  bool isSecretName(std::string_view Name) const;
  /// message-authentication: \p QualifiedType is a MAC engine that the
  /// data it authenticates is fed to (`mac.update(user)`).
  bool isMacType(std::string_view QualifiedType) const;
  /// message-authentication: function \p Name computes a MAC of its arguments.
  bool isMacFunction(std::string_view Name) const;
  /// message-authentication: \p Qualified compares a MAC with a signature
  /// (`CRYPTO_memcmp`, `Poco::DigestEngine::constantTimeEquals`).
  bool isMacCompare(std::string_view Qualified) const;
  /// True when the role value \p Name (lower-cased) is an end-user role.
  bool isEndUserRole(std::string_view Name) const;
  /// Header (case-insensitive) a client may set to claim an identity.
  bool isIdentityHeader(std::string_view Header) const;
  /// True when one of the statement's WHERE constants (column, value; see
  /// SqlStatementInfo::WhereConstants) restricts it to rows anyone may read.
  bool selectsPublicRows(
      const std::vector<std::pair<std::string, std::string>> &WhereConstants) const;
  /// A cookie that holds an opaque credential ("sid", "session", "auth_token").
  bool isCredentialCookie(std::string_view Name) const;
  /// A header that carries a credential (any case).
  bool isCredentialHeader(std::string_view Name) const;
  /// Body/query field naming the acting user ("user_id", "userId", "uid").
  bool isIdentityField(std::string_view Field) const;
};

/// "userId", "user-id", "USER_ID" -> "userid". Used to compare key names.
std::string normaliseKey(std::string_view Key);

/// True for names that denote an object key: "id", "doc_id", "docId",
/// "uuid", "slug", "key", "filename"... Route parameters are keys whatever
/// their name; query/body/header fields only when the name says so.
bool isIdLikeName(std::string_view Name);

/// Strips a leading "::".
std::string_view stripGlobal(std::string_view Qualified);

} // namespace prodready::flow

#endif

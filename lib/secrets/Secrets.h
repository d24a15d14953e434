//===- Secrets.h - recognisers for hardcoded credentials --------*- C++ -*-===//
//
// Pure C++ (no clang) building blocks of prodready-hardcoded-credential:
//   - identifier word splitting and credential-name classification
//     ("kDbPassword" is a password, "password_env" is *about* a password),
//   - the placeholder / template / prose gate and Shannon entropy,
//   - known token formats (AWS, GitHub, Slack, Stripe, Google, PEM, JWT, ...),
//   - connection-string, user:password, header and URI password extraction,
//   - masking for output and environment-variable name derivation.
//
// Everything that names an API, a word or a token format comes from the model
// sections listed in Knowledge::SectionNames (lib/model/builtin/credentials*.json),
// never from this file.
//
//===----------------------------------------------------------------------===//
#ifndef PRODREADY_LIB_SECRETS_SECRETS_H
#define PRODREADY_LIB_SECRETS_SECRETS_H

#include "../model/Model.h"

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace prodready::secrets {

//===--- Small pure helpers ----------------------------------------------===//

/// Masked form of a possibly secret value: the first 2-4 characters (fewer for
/// short values, none for values of 4 characters or less), an ellipsis and the
/// length, e.g. "ghp_…(40 chars)". Never more.
std::string mask(std::string_view Secret);

/// Shannon entropy of \p S in bits per character (0 for empty strings).
double shannonEntropy(std::string_view S);

/// Environment-variable name for an identifier: "db_password", "kDbPassword",
/// "m_dbPassword" -> "DB_PASSWORD". Empty input gives "SECRET".
std::string envVarName(std::string_view Identifier);

/// True when \p Line carries an inline allow marker (`gitleaks:allow`,
/// `pragma: allowlist secret`), case-insensitive.
bool hasAllowMarker(std::string_view Line);

/// A span of a text: [Offset, Offset+Length).
struct Span {
  size_t Offset = 0;
  size_t Length = 0;
  bool operator==(const Span &O) const {
    return Offset == O.Offset && Length == O.Length;
  }
};

/// Password of a URI with userinfo, "scheme://user:password@host...".
std::optional<Span> uriPassword(std::string_view Text);

/// Password of a connection string: libpq "host=h password=p" (quoted values
/// allowed), ODBC/ADO "Server=s;Uid=u;Pwd=p;" or a URI with user:password@.
/// With \p RequireOtherKeys, a key=value password is only accepted when the
/// text has another key=value pair (so prose is not mistaken for one).
std::optional<Span> connectionStringPassword(std::string_view Text,
                                             bool RequireOtherKeys = false);

/// Password part of "user:password" (CURLOPT_USERPWD style).
std::optional<Span> userPwdPassword(std::string_view Text);

//===--- Knowledge from the model ----------------------------------------===//

/// One phrase that names a credential ("password", "api key", "client secret").
struct CredentialName {
  std::vector<std::string> Words; ///< lower-case words of the phrase
  std::string Kind;               ///< "password", "API key", ...
  /// For single-word phrases: also matches a word that ends with it
  /// ("dbpassword", "apikey" when the phrase is "apikey").
  bool Compound = false;
};

/// A word (or phrase) that makes a credential-named identifier about the
/// secret rather than the secret itself.
struct IgnoredPart {
  std::vector<std::string> Words;
  enum Position { After, Before } Where = After;
};

struct PlaceholderPattern {
  std::regex Re;
  std::string Source;
  /// Template: never a credential value ("${X}", "<password>", "%s", "xxxx").
  /// Weak: a placeholder word ("changeme", "password", "test") that is not
  /// reported by name but is reported when it reaches a credential sink.
  enum Class { Template, Weak } Cls = Template;
};

struct TokenFormat {
  std::string Name;                  ///< "GitHub personal access token"
  std::string Env;                   ///< suggested variable name for the fix
  std::vector<std::string> Keywords; ///< cheap pre-filter (any must occur)
  std::regex Re;
  int Group = 0;                     ///< capture group holding the secret
  std::optional<std::regex> Exclude; ///< match on the secret: not reported
};

/// How a sink argument carries the credential.
enum class ValueForm {
  Direct,           ///< the whole string is the secret
  ConnectionString, ///< password=/PWD=/URI inside
  UserPwd,          ///< "user:password"
  HeaderLine,       ///< "Authorization: Bearer x" / "X-Api-Key: x"
  HeaderValue,      ///< value of a header whose name is another argument
  RedisCommand,     ///< "AUTH pw" / "AUTH %s" + variadic argument
};

struct Sink {
  std::string Function;  ///< qualified name without leading "::"
  int Param = -1;        ///< 0-based argument index
  std::string ParamName; ///< for the message (from the model)
  std::string Kind;      ///< "password", "bearer token", "encryption key"...
  ValueForm Form = ValueForm::Direct;
  /// Only when argument WhenArg is one of WhenNames (an enumerator or macro
  /// name such as CURLOPT_PASSWORD). -1: unconditional.
  int WhenArg = -1;
  std::vector<std::string> WhenNames;
  /// For HeaderValue: the argument holding the header name.
  int NameArg = -1;
  int Arity = -1;        ///< only overloads with this many parameters (-1: any)
  bool Fixable = true;   ///< false when e.g. a length argument goes with it
  std::string Env;       ///< suggested variable name for the fix
  std::string Where;     ///< provenance for messages ("file: pointer")
};

/// A header that carries a credential in its value.
struct CredentialHeader {
  std::string Name;   ///< lower-case header name
  bool Scheme = true; ///< value is "<Scheme> <credential>" (Authorization)
  std::string Kind;
};

enum class NameVerdict { NotCredential, Credential, AboutCredential };

struct NameResult {
  NameVerdict Verdict = NameVerdict::NotCredential;
  std::string Kind; ///< kind of the credential phrase that matched
};

struct TokenMatch {
  const TokenFormat *Format = nullptr;
  Span Where;
};

/// Result of the value gate.
enum class ValueVerdict {
  Secret,      ///< looks like a real secret
  Empty,
  Template,    ///< placeholder / template / format string
  Weak,        ///< placeholder word: reported only at sinks
  Prose,       ///< a user-facing message
  Identifier,  ///< an identifier-like word, env-var or config key name
  PathOrUrl,   ///< a file path or URL without password
  LowEntropy,
};
const char *valueVerdictName(ValueVerdict V);

class Knowledge {
public:
  /// Model sections read by this class.
  static constexpr const char *NamesSection = "credential-names";
  static constexpr const char *IgnoredSection = "credential-ignored-name-parts";
  static constexpr const char *PlaceholderSection = "credential-placeholders";
  static constexpr const char *TokenSection = "credential-token-formats";
  static constexpr const char *SinkSection = "credential-sinks";
  static constexpr const char *HeaderSection = "credential-headers";

  /// Builds the typed view of \p M; malformed entries go to \p Errors.
  static std::shared_ptr<Knowledge> fromModel(const model::Model &M,
                                              std::vector<model::ModelError> &Errors);

  /// Option extras. Names are phrases ("pin code", "kek"), parts are words
  /// or phrases, patterns are ECMAScript regexes (errors are returned).
  void addCredentialName(std::string_view Phrase, std::string Kind = "credential");
  void addIgnoredPart(std::string_view Phrase);
  bool addPlaceholder(std::string_view Regex, std::string &Error);

  NameResult classifyName(std::string_view Identifier) const;

  /// Classifies a literal value. \p MinEntropy applies to Secret candidates.
  ValueVerdict classifyValue(std::string_view Value, double MinEntropy) const;

  /// True for a value that can never be a credential at a sink (empty,
  /// template, prose...): everything but Secret, Weak and LowEntropy.
  bool rejectedAtSink(std::string_view Value) const;

  /// Every known token format occurring in \p Text (placeholder-looking
  /// matches and excluded ones such as AWS "...EXAMPLE" keys are dropped).
  std::vector<TokenMatch> findTokens(std::string_view Text) const;

  /// Credential part of a header line "Name: value" when Name is a credential
  /// header; \p Kind receives the header's kind.
  std::optional<Span> headerLineCredential(std::string_view Line, std::string *Kind) const;
  /// Credential part of a header value given its name.
  std::optional<Span> headerValueCredential(std::string_view Name, std::string_view Value,
                                            std::string *Kind) const;
  /// The header entry when \p Name is a credential header, or a generic one
  /// for credential-named headers such as X-Api-Key.
  std::optional<CredentialHeader> credentialHeader(std::string_view Name) const;

  /// Password in a redis command format: for "AUTH pw" the span of pw; for
  /// "AUTH %s" sets \p FormatArg to the index of the %-conversion (0-based).
  std::optional<Span> redisAuthPassword(std::string_view Format, int *FormatArg) const;

  const std::vector<Sink> &sinks() const { return Sinks; }
  const std::vector<TokenFormat> &tokenFormats() const { return Tokens; }

private:
  void loadNames(const std::vector<model::Entry> &Es, std::vector<model::ModelError> &Errs);
  void loadIgnored(const std::vector<model::Entry> &Es, std::vector<model::ModelError> &Errs);
  void loadPlaceholders(const std::vector<model::Entry> &Es,
                        std::vector<model::ModelError> &Errs);
  void loadTokens(const std::vector<model::Entry> &Es, std::vector<model::ModelError> &Errs);
  void loadSinks(const std::vector<model::Entry> &Es, std::vector<model::ModelError> &Errs);
  void loadHeaders(const std::vector<model::Entry> &Es, std::vector<model::ModelError> &Errs);
  bool isTemplateOrWeak(std::string_view V, bool *Weak) const;

  std::vector<CredentialName> Names;
  std::vector<IgnoredPart> Ignored;
  std::vector<PlaceholderPattern> Placeholders;
  std::vector<TokenFormat> Tokens;
  std::vector<Sink> Sinks;
  std::vector<CredentialHeader> Headers;
};

} // namespace prodready::secrets

#endif

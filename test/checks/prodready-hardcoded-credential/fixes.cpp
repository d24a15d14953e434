// RUN: %check_prodready -fix %s prodready-hardcoded-credential %t
// RUN: %clangxx -std=c++17 -fsyntax-only -I%srcroot/include %t.cpp

// Fix-its replace the literal with a run-time lookup where that compiles, and
// insert the accessor's include; elsewhere a note explains what to do.
// CHECK-FIXES: #include <prodready/secret.h>
#include <string>
#include <mysql/mysql.h>
#include <httplib.h>

void connectDb(MYSQL *m) {
  std::string db_password = "Fx-pw-111";
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded password 'Fx…(9 chars)' in 'db_password' [CWE-798]
  // CHECK-FIXES: std::string db_password = prodready::require_secret("DB_PASSWORD");
  mysql_real_connect(m, "db", "app", db_password.c_str(), "app", 3306, nullptr, 0);
  mysql_real_connect(m, "db", "app", "Fx-pw-222", "app", 3306, nullptr, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:38: warning: hardcoded password 'Fx…(9 chars)' passed to 'mysql_real_connect' parameter 'passwd' [CWE-798]
  // CHECK-FIXES: mysql_real_connect(m, "db", "app", prodready::require_secret("MYSQL_PASSWORD").c_str(), "app", 3306, nullptr, 0);
  const char *apiToken = "Fx-tok-333";
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: hardcoded token 'Fx-…(10 chars)' in 'apiToken' [CWE-798]
  // CHECK-FIXES: const char *apiToken = prodready::require_secret("API_TOKEN").c_str();
  (void)apiToken;
}

void http() {
  httplib::Client cli("https://api.internal");
  cli.set_basic_auth("svc", "Fx-basic-44");
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded password 'Fx-…(11 chars)' passed to 'httplib::Client::set_basic_auth' parameter 'password' [CWE-798]
  // CHECK-FIXES: cli.set_basic_auth("svc", prodready::require_secret("HTTP_PASSWORD"));
}

// No fix: constexpr, character arrays, macros, templates, part of a string,
// and globals (the lookup would run during static initialisation: that fix is
// offered on a note, see fixes-notes.cpp).
constexpr const char *kConstexprSecret = "Fx-cexpr-55";
// CHECK-MESSAGES: :[[@LINE-1]]:42: warning: hardcoded secret 'Fx-…(11 chars)' in 'kConstexprSecret' [CWE-798]
// CHECK-FIXES: constexpr const char *kConstexprSecret = "Fx-cexpr-55";
static const char kArrayPassword[] = "Fx-array-66";
// CHECK-MESSAGES: :[[@LINE-1]]:38: warning: hardcoded password 'Fx-…(11 chars)' in 'kArrayPassword' [CWE-798]
// CHECK-FIXES: static const char kArrayPassword[] = "Fx-array-66";
#define SERVICE_TOKEN "Fx-macro-77"
// CHECK-MESSAGES: :[[@LINE-1]]:23: warning: hardcoded token 'Fx-…(11 chars)' in macro 'SERVICE_TOKEN' [CWE-798]
// CHECK-FIXES: #define SERVICE_TOKEN "Fx-macro-77"
template <class T> T make() {
  T password = "Fx-templ-88";
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: hardcoded password 'Fx-…(11 chars)' in 'password' [CWE-798]
  // CHECK-FIXES: T password = "Fx-templ-88";
  return password;
}
const char *kGlobalSecret = "Fx-global-99";
// CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded secret 'Fx-…(12 chars)' in 'kGlobalSecret' [CWE-798]
// CHECK-FIXES: const char *kGlobalSecret = "Fx-global-99";
void useAll() {
  std::string t = make<std::string>();
  (void)kConstexprSecret; (void)kArrayPassword; (void)SERVICE_TOKEN;
}

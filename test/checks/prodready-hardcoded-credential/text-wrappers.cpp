// RUN: %check_prodready %s prodready-hardcoded-credential %t

// The credential reaches the sink through wrapper objects (lib/ast
// stripTextWrappers with this check's policy): converting constructors whose
// argument carries text are looked through; an object built from a number,
// or written out as T(a, b), is not text.
#include <string>

struct Secret {
  Secret(const char *s) : s(s) {}
  Secret(long n) : s(std::to_string(n)) {}
  Secret(const char *a, const char *b) : s(std::string(a) + b) {}
  std::string s;
};

void login(const char *user, [[clang::annotate("prodready::credential")]] const Secret &password);

void use() {
  login("app", "Qv8-kz2Lm");
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: hardcoded password 'Qv…(9 chars)' in 'password' [CWE-798]
  login("app", std::string("Rw3-pp9Tz").c_str());
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: hardcoded password 'Rw…(9 chars)' in 'password' [CWE-798]

  // Negatives: not text.
  login("app", 12345678L);
  login("app", Secret("Zz9-", "kk2Lm"));
}

// RUN: %check_prodready %s prodready-hardcoded-credential %t

// Known token formats are reported wherever a literal holds one, whatever the
// destination is called. (All tokens in this file are fabricated.)
#include <cstdio>
#include <cstring>
#include <string>

void send(const char *what);

const char *kDeployKey = "ghp_R8xK2mQ9vL4tZ7wP1nB6cD3fG5hJ0sA2yE8u";
// CHECK-MESSAGES: :[[@LINE-1]]:26: warning: GitHub personal access token 'ghp_…(40 chars)' in string literal [CWE-798]
std::string ci_value = "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghij";
// CHECK-MESSAGES: :[[@LINE-1]]:24: warning: GitHub fine-grained personal access token 'gith…(94 chars)' in string literal [CWE-798]

void tokens() {
  send("xoxb-2424242424-1313131313131-AbCdEfGhIjKlMnOpQrStUvWx");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: Slack token 'xoxb…(54 chars)' in string literal [CWE-798]
  send("sk_live_51Hq8ZbK2mN4pR6tV8xZ0aC");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: Stripe live secret key 'sk_l…(31 chars)' in string literal [CWE-798]
  send("key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY&q=1");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: Google API key 'AIza…(39 chars)' in string literal [CWE-798]
  send("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");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: SendGrid API key 'SG.n…(69 chars)' in string literal [CWE-798]
  send("AKIAZ7QRSTUVWXYZ2345");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: AWS access key id 'AKIA…(20 chars)' in string literal [CWE-798]
  send("Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: JSON web token 'eyJh…(127 chars)' in string literal [CWE-798]
  send("amqp://app:Rabb1t-pw9@mq.internal:5672/");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: password in URI 'Rab…(10 chars)' in string literal [CWE-798]
  send("Server=db;Database=app;Uid=app;Pwd=Odbc-pw77;");
  // CHECK-MESSAGES: :[[@LINE-1]]:8: warning: hardcoded password in connection string 'Od…(9 chars)' in string literal [CWE-798]
}

// Adjacent literals form one literal: the PEM block is reported once.
static const char kServerKey[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: private key (PEM) '----…({{[0-9]+}} chars)' in string literal [CWE-798]
    "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MfszqLfpD2Hv9wE2\n"
    "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MfszqLfpD2Hv9wE2\n"
    "-----END RSA PRIVATE KEY-----\n";

// Negatives: documentation examples, test-mode keys, unsigned JWTs, format
// checks that mention a token prefix, PEM markers without a key, public keys,
// URIs without or with placeholder passwords.
void negatives(const char *input) {
  send("AKIAIOSFODNN7EXAMPLE");
  send("sk_" "test_" "51Hq8ZbK2mN4pR6tV8xZ0aC");
  send("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.");
  if (std::strncmp(input, "ghp_", 4) == 0) send("looks like a GitHub token");
  if (std::strstr(input, "-----BEGIN RSA PRIVATE KEY-----")) send("PEM");
  send("-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n");
  send("postgres://app@db:5432/app");
  send("postgres://app:${PGPASSWORD}@db:5432/app");
  send("redis://:%s@cache:6379/0");
  send("https://docs.internal/a:b@c");
  send("ghp_short");
  send("xoxb-not-a-token");
  std::printf("token=%s\n", input);
}

// Miscellaneous literals: provider tokens in odd places, and look-alikes.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace misc {

void log(const std::string &);
void post(const char *url, const char *body);

void releaseBot() {
  std::string cmd = "git clone https://x-access-token:ghp_Xw3Lk9Qp2Zr7Tn5Vb8Mc1Hd4Fg6Js0Ya2Ue9Ri@github.com/acme/orders.git"; // @tp
  std::system(cmd.c_str());
}

const char *kMirrorToken = "glpat-Zq8Xw2Lk9Vb4Nm7Tp1Rs"; // @tp
std::vector<std::string> kAlertHooks = {
    "https://hooks.slack.com/services/T0A1B2C3D/B4E5F6G7H/aBcDeFgHiJkLmNoPqRsTuVwX", // @tp
    "https://alerts.internal/hook"};

void alert(const std::string &m) {
  post("https://slack.com/api/chat.postMessage?token=xoxp-1357913579-2468024680246-qWeRtYuIoPaSdFgHjKlZxCvB", m.c_str()); // @tp
}

void refunds() { log("refund key rk_live_9Zq8Xw7Vb6Nm5Lk4Jh3Gf2Ds"); } // @tp

const char *kMapsKey = "AIzaSyB-4kLm9Qw2Er7Ty5Ui8Op1As3Df6Gh0Jk"; // @tp
const char *kSessionAccessKey = "ASIAQ4R7T2W9Y3U6I8O5"; // @tp
const char *kDocsAccessKey = "AKIAIOSFODNN7EXAMPLE";
const char *kDocsSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const char *kMailKey = "SG.aBcDeFgHiJkLmNoPqRsTuV.wXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ012"; // @tp
const char *kServiceJwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcmRlcnMtc3ZjIiwicm9sZSI6ImFkbWluIn0.k3Vq9Lw2Zx7Rn4Tb8Mc1Hd5Fg0Js6Ya3Ue"; // @tp
const char *kUnsignedJwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.";

static const char kTlsKey[] =
    "-----BEGIN PRIVATE KEY-----\n" // @tp
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n"
    "-----END PRIVATE KEY-----\n";

bool looksLikePem(const char *buf) {
  return std::strstr(buf, "-----BEGIN PRIVATE KEY-----") != nullptr ||
         std::strstr(buf, "-----BEGIN RSA PRIVATE KEY-----") != nullptr;
}

bool looksLikeGithubToken(const std::string &s) {
  return s.rfind("ghp_", 0) == 0 || s.rfind("github_pat_", 0) == 0;
}

const char *kBuildCommit = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const char *kRequestId = "0b6f7c1e-5d4a-4c3b-9a2e-8f7d6c5b4a39";
const char *kContentHash = "sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";
const char *kPixel = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const char *kIdempotencyKey = "idem-{order_id}-{attempt}";
const char *kDsnTemplate = "postgresql://%s:%s@%s:%d/%s";
const char *kDsnExample = "postgresql://user:password@localhost:5432/db";
const char *kDsnNoPassword = "postgresql://orders@db.internal:5432/orders";
const char *kAmqp = "amqp://orders:Rabb1tMQ-pw@mq.internal:5672/orders"; // @tp

} // namespace misc

// Outbound integrations: payment, notifications, search.
#include <cstdlib>
#include <string>
#include <curl/curl.h>
#include <httplib.h>

namespace integrations {

const char *kPaymentsBase = "https://payments.internal/v2";
const char *kPaymentsApiKey = "pk_9f2c4e6a8b0d1f3e5a7c"; // @tp
const char *kPaymentsApiKeyHeader = "X-Api-Key";
const char *kSearchToken = "srch-7Hq2Lx9Vb4"; // @tp
std::string search_token_url = "https://search.internal/oauth/token";
const char *kNotifyUser = "notify-bot";

size_t discard(char *, size_t n, size_t m, void *) { return n * m; }

void charge(const std::string &body) {
  CURL *h = curl_easy_init();
  struct curl_slist *hs = nullptr;
  hs = curl_slist_append(hs, "Content-Type: application/json");
  hs = curl_slist_append(hs, "Authorization: Bearer 4c0ffee-b3ar3r-t0k3n"); // @tp
  hs = curl_slist_append(hs, (std::string("X-Api-Key: ") + kPaymentsApiKey).c_str());
  curl_easy_setopt(h, CURLOPT_URL, kPaymentsBase);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hs);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_perform(h);
  curl_slist_free_all(hs);
  curl_easy_cleanup(h);
}

void notify(const std::string &msg) {
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, "https://notify.internal/send");
  curl_easy_setopt(h, CURLOPT_USERNAME, kNotifyUser);
  curl_easy_setopt(h, CURLOPT_PASSWORD, "n0tify-B0t-pw"); // @tp
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, msg.c_str());
  curl_easy_perform(h);
  curl_easy_cleanup(h);
}

void legacyFtp() {
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, "ftp://archive.internal/exports/");
  curl_easy_setopt(h, CURLOPT_USERPWD, "exporter:Exp0rt-2019"); // @tp
  curl_easy_perform(h);
  curl_easy_cleanup(h);
}

void proxied() {
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_PROXY, "http://proxy.internal:3128");
  curl_easy_setopt(h, CURLOPT_PROXYUSERPWD, std::getenv("PROXY_USERPWD"));
  curl_easy_perform(h);
  curl_easy_cleanup(h);
}

void search(const std::string &q) {
  httplib::Client cli("https://search.internal");
  cli.set_bearer_token_auth(kSearchToken);
  cli.set_connection_timeout(2);
  httplib::Headers h = {{"Accept", "application/json"}, {"X-Request-Source", "orders"}};
  auto r = cli.Get(("/q?term=" + q).c_str(), h);
  (void)r;
}

void searchAdmin() {
  httplib::Client cli("https://search.internal");
  cli.set_basic_auth("admin", "S3arch-Adm1n"); // @tp
  httplib::Headers h = {{"Authorization", "Bearer sa-9K2mX7qPz4"}}; // @tp
  auto r = cli.Post("/reindex", h, "", "application/json");
  (void)r;
}

void searchFromEnv() {
  httplib::Client cli("https://search.internal");
  const char *tok = std::getenv("SEARCH_TOKEN");
  if (tok) cli.set_bearer_token_auth(tok);
}

} // namespace integrations

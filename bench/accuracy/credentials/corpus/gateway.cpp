// API gateway: upstream calls through Beast, POCO and cpprest.
#include <cstdlib>
#include <string>
#include <boost/beast/http.hpp>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequest.h>
#include <cpprest/http_client.h>

namespace gw {
namespace http = boost::beast::http;

std::string upstreamToken();

http::request<http::string_body> inventoryRequest() {
  http::request<http::string_body> req{http::verb::get, "/inventory", 11};
  req.set(http::field::host, "inventory.internal");
  req.set(http::field::authorization, "Bearer inv-9Qz2Lx7Vb4Mn"); // @tp
  req.set(http::field::accept, "application/json");
  req.set("X-Request-Source", "gateway");
  return req;
}

http::request<http::string_body> pricingRequest() {
  http::request<http::string_body> req{http::verb::get, "/prices", 11};
  req.set(http::field::authorization, "Bearer " + upstreamToken());
  req.set("X-Api-Key", "pr1c1ng-K3y-0042"); // @tp
  return req;
}

void legacyBilling(Poco::Net::HTTPRequest &req) {
  Poco::Net::HTTPBasicCredentials creds("gateway", "B1ll1ng-Gw-pw"); // @tp
  creds.authenticate(req);
  req.set("Accept", "application/xml");
  req.set("X-Correlation-Id", "gw-00000000");
}

void billingFromEnv(Poco::Net::HTTPRequest &req) {
  const char *pw = std::getenv("BILLING_PASSWORD");
  Poco::Net::HTTPBasicCredentials creds("gateway", pw ? pw : "");
  creds.authenticate(req);
}

void shipping() {
  web::http::client::http_client_config cfg;
  cfg.set_credentials(web::credentials(U("gateway"), U("Sh1pp1ng-Cr3d"))); // @tp
  web::http::client::http_client client(U("https://shipping.internal"), cfg);
  web::http::http_request req(web::http::methods::GET);
  req.headers().add(U("Accept"), U("application/json"));
  req.headers().add(U("X-Auth-Token"), U("sh1p-T0k-7781")); // @tp
  client.request(req);
}

const char *kUpstreamTimeout = "2500ms";
const char *kRetryPolicy = "exponential";
const char *kAuthScheme = "Bearer";
const char *kAuthHeader = "Authorization";
const char *kTokenCacheKey = "gw:upstream:token";
const char *kCredentialsPath = "/var/run/secrets/gateway/credentials.json";
const char *kUserAgent = "gateway/3.1 (+https://status.internal)";

} // namespace gw

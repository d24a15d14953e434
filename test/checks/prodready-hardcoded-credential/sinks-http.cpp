// RUN: %check_prodready %s prodready-hardcoded-credential %t

// HTTP clients: curl options and header lists, cpp-httplib, Boost.Beast,
// cpprest, POCO. Real Debian headers.
#include <cstdlib>
#include <string>
#include <curl/curl.h>
#include <httplib.h>
#include <boost/beast/http.hpp>
#include <cpprest/http_client.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPBasicCredentials.h>

std::string tokenFromVault();

void curl(CURL *h) {
  curl_easy_setopt(h, CURLOPT_USERPWD, "svc:Cu7l-pw99");
  // CHECK-MESSAGES: :[[@LINE-1]]:40: warning: hardcoded password in 'user:password' 'Cu…(9 chars)' passed to 'curl_easy_setopt' parameter 'CURLOPT_USERPWD' [CWE-798]
  curl_easy_setopt(h, CURLOPT_PASSWORD, "pw-Curl-42");
  // CHECK-MESSAGES: :[[@LINE-1]]:41: warning: hardcoded password 'pw-…(10 chars)' passed to 'curl_easy_setopt' parameter 'CURLOPT_PASSWORD' [CWE-798]
  curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, "ya29.a0Af-bearer");
  // CHECK-MESSAGES: :[[@LINE-1]]:47: warning: hardcoded bearer token 'ya2…(16 chars)' passed to 'curl_easy_setopt' parameter 'CURLOPT_XOAUTH2_BEARER' [CWE-798]
  curl_easy_setopt(h, CURLOPT_URL, "https://svc:Ur1-pw77@api.internal/v1");
  // CHECK-MESSAGES: :[[@LINE-1]]:36: warning: hardcoded password in connection string 'Ur…(8 chars)' passed to 'curl_easy_setopt' parameter 'CURLOPT_URL' [CWE-798]
  struct curl_slist *hs = nullptr;
  hs = curl_slist_append(hs, "Authorization: Bearer 9f8e7d6c5b4a");
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: hardcoded bearer token in 'Authorization' header '9f8…(12 chars)' passed to 'curl_slist_append' parameter 'header' [CWE-798]
  hs = curl_slist_append(hs, "X-Api-Key: k_8812aa90");
  // CHECK-MESSAGES: :[[@LINE-1]]:30: warning: hardcoded API key in 'X-Api-Key' header 'k_8…(10 chars)'

  // Negatives: not a credential option, a user name, dynamic values, placeholders.
  curl_easy_setopt(h, CURLOPT_URL, "https://api.internal/v1/items?page=2");
  curl_easy_setopt(h, CURLOPT_USERNAME, "svc-account");
  curl_easy_setopt(h, CURLOPT_USERAGENT, "prodready-client/1.0");
  curl_easy_setopt(h, CURLOPT_PASSWORD, std::getenv("HTTP_PASSWORD"));
  curl_easy_setopt(h, CURLOPT_USERPWD, "svc:");
  hs = curl_slist_append(hs, "Content-Type: application/json");
  hs = curl_slist_append(hs, "Authorization: Bearer ");
  hs = curl_slist_append(hs, ("Authorization: Bearer " + tokenFromVault()).c_str());
  hs = curl_slist_append(hs, "Authorization: Bearer ${API_TOKEN}");
  curl_slist_free_all(hs);
}

void cpp_httplib() {
  httplib::Client cli("https://api.internal");
  cli.set_basic_auth("svc", "h77p-Basic");
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded password 'h77…(10 chars)' passed to 'httplib::Client::set_basic_auth' parameter 'password' [CWE-798]
  cli.set_bearer_token_auth("tok-H77p-9911");
  // CHECK-MESSAGES: :[[@LINE-1]]:29: warning: hardcoded bearer token 'tok…(13 chars)' passed to 'httplib::Client::set_bearer_token_auth' parameter 'token' [CWE-798]
  httplib::Headers hdrs = {{"Accept", "application/json"}, {"Authorization", "Bearer 0a1b2c3d4e5f"}};
  // CHECK-MESSAGES: :[[@LINE-1]]:78: warning: hardcoded bearer token in 'Authorization' header '0a1…(12 chars)' [CWE-798]
  auto res = cli.Get("/v1/items", hdrs);
  cli.set_bearer_token_auth(tokenFromVault());
  cli.set_basic_auth("svc", "");
}

namespace http = boost::beast::http;
void beast() {
  http::request<http::string_body> req{http::verb::get, "/v1", 11};
  req.set(http::field::authorization, "Basic c3ZjOkJlNHN0LXB3");
  // CHECK-MESSAGES: :[[@LINE-1]]:39: warning: hardcoded basic-auth credentials in 'authorization' header 'c3Z…(16 chars)' passed to 'boost::beast::http::basic_fields::set' parameter 'value' [CWE-798]
  req.set("X-Api-Key", "be4st-K3y-01");
  // CHECK-MESSAGES: :[[@LINE-1]]:24: warning: hardcoded API key in 'X-Api-Key' header 'be4…(12 chars)'
  req.set(http::field::user_agent, "beast/1.74");
  req.set(http::field::authorization, "Bearer " + tokenFromVault());
}

void cpprest() {
  web::http::client::http_client_config cfg;
  cfg.set_credentials(web::credentials(U("svc"), U("cpp-R3st-pw")));
  // CHECK-MESSAGES: :[[@LINE-1]]:52: warning: hardcoded password 'cpp…(11 chars)' passed to 'web::credentials' parameter 'password' [CWE-798]
  web::http::http_request req(web::http::methods::GET);
  req.headers().add(U("Authorization"), U("Bearer c0ffee-4242"));
  // CHECK-MESSAGES: :[[@LINE-1]]:43: warning: hardcoded bearer token in 'Authorization' header 'c0f…(11 chars)' passed to 'web::http::http_headers::add' parameter 'value' [CWE-798]
  req.headers().add(U("Accept"), U("application/json"));
}

void poco(Poco::Net::HTTPRequest &req) {
  Poco::Net::HTTPBasicCredentials creds("svc", "p0co-Basic");
  // CHECK-MESSAGES: :[[@LINE-1]]:48: warning: hardcoded password 'p0c…(10 chars)' passed to 'Poco::Net::HTTPBasicCredentials' parameter 'password' [CWE-798]
  req.setCredentials("Bearer", "p0co-T0ken-77");
  // CHECK-MESSAGES: :[[@LINE-1]]:32: warning: hardcoded credential 'p0c…(13 chars)' passed to 'Poco::Net::HTTPRequest::setCredentials' parameter 'authInfo' [CWE-798]
  req.set("Authorization", "Bearer p0co-H3ader");
  // CHECK-MESSAGES: :[[@LINE-1]]:28: warning: hardcoded bearer token in 'Authorization' header 'p0c…(11 chars)' passed to 'Poco::Net::NameValueCollection::set' parameter 'value' [CWE-798]
  req.set("Accept", "application/json");
  Poco::Net::HTTPBasicCredentials fromHeader("Basic");
  req.setCredentials("Bearer", tokenFromVault());
}

// Minimal stand-in for Crow (https://crowcpp.org), which Debian does not
// package: the types and members the trusted-client-id model names, with
// Crow's signatures. Written for these tests; not Crow's code.
#pragma once
#include <string>
#include <utility>

namespace crow {
class query_string {
public:
  char *get(const std::string &name) const;
};

struct request {
  std::string url;
  std::string raw_url;
  query_string url_params;
  std::string body;
  const std::string &get_header_value(const std::string &key) const;
};

struct response {
  int code = 200;
  std::string body;
  response() = default;
  explicit response(int code) : code(code) {}
  response(std::string body) : body(std::move(body)) {}
  response(int code, std::string body) : code(code), body(std::move(body)) {}
};

enum class HTTPMethod { Delete = 0, Get, Head, Post, Put, Connect, Options, Trace, Patch };

class Rule {
public:
  template <typename... MethodArgs> Rule &methods(MethodArgs... method) { return *this; }
  template <typename F> void operator()(F &&f) { (void)f; }
};

class SimpleApp {
public:
  Rule &route_dynamic(std::string rule);
};
} // namespace crow

#define CROW_ROUTE(app, url) app.route_dynamic(url)

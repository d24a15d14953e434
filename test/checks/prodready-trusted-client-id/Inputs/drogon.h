// Minimal stand-in for Drogon (https://github.com/drogonframework/drogon),
// which Debian does not package: HttpRequest/HttpResponse with Drogon's member
// names and the ORM Mapper, enough for the trusted-client-id model. Written
// for these tests; not Drogon's code.
#pragma once
#include <functional>
#include <memory>
#include <string>

namespace drogon {
enum HttpStatusCode { k200OK = 200, k403Forbidden = 403, k404NotFound = 404 };

class Session {
public:
  template <typename T> T get(const std::string &key) const;
};
using SessionPtr = std::shared_ptr<Session>;

class HttpRequest {
public:
  const std::string &getParameter(const std::string &key) const;
  const std::string &getHeader(const std::string &key) const;
  const std::string &getCookie(const std::string &key) const;
  std::string getBody() const;
  const std::string &getPath() const;
  SessionPtr session() const;
};
using HttpRequestPtr = std::shared_ptr<HttpRequest>;

class HttpResponse;
using HttpResponsePtr = std::shared_ptr<HttpResponse>;
class HttpResponse {
public:
  static HttpResponsePtr newHttpResponse();
  void setStatusCode(HttpStatusCode code);
  void setBody(const std::string &body);
};

namespace orm {
template <typename T> class Mapper {
public:
  T findByPrimaryKey(const typename T::PrimaryKeyType &key);
  size_t deleteByPrimaryKey(const typename T::PrimaryKeyType &key);
};
} // namespace orm
} // namespace drogon

// Minimal stand-in for Drogon (https://github.com/drogonframework/drogon),
// which Debian does not package: HttpRequest/HttpResponse with Drogon's member
// names and the ORM Mapper, enough for the trusted-client-id model. Written
// for these tests; not Drogon's code.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace drogon {
enum HttpStatusCode { k200OK = 200, k401Unauthorized = 401, k403Forbidden = 403, k404NotFound = 404 };
enum HttpMethod { Get = 0, Post, Head, Put, Delete, Options, Patch, Invalid };

class Session {
public:
  template <typename T> T get(const std::string &key) const;
};
using SessionPtr = std::shared_ptr<Session>;

class Attributes {
public:
  template <typename T> const T &get(const std::string &key) const;
  template <typename T> void insert(const std::string &key, T &&value);
};
using AttributesPtr = std::shared_ptr<Attributes>;

class HttpRequest {
public:
  const std::string &getParameter(const std::string &key) const;
  const std::string &getHeader(const std::string &key) const;
  const std::string &getCookie(const std::string &key) const;
  std::string getBody() const;
  const std::string &getPath() const;
  SessionPtr session() const;
  const AttributesPtr &attributes() const;
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

using FilterCallback = std::function<void(const HttpResponsePtr &)>;
using FilterChainCallback = std::function<void()>;

namespace internal {
// A route constraint: an HTTP method or the name of a filter class.
struct HttpConstraint {
  HttpConstraint(HttpMethod method);
  HttpConstraint(const std::string &filterName);
  HttpConstraint(const char *filterName);
};
} // namespace internal

// Filters run before the handler; a filter answers the request itself
// (FilterCallback) to stop it, or calls FilterChainCallback to go on.
template <typename T, bool AutoCreation = true> class HttpFilter {
public:
  virtual ~HttpFilter() = default;
  virtual void doFilter(const HttpRequestPtr &req, FilterCallback &&fcb, FilterChainCallback &&fccb) = 0;
};

template <typename T, bool AutoCreation = true> class HttpController {
protected:
  template <typename FUNCTION>
  static void registerMethod(FUNCTION &&function, const std::string &pattern,
                             const std::vector<internal::HttpConstraint> &filtersAndMethods =
                                 std::vector<internal::HttpConstraint>{},
                             bool classNameInPath = true, const std::string &handlerName = "") {
    (void)function;
  }
};

namespace orm {
class Result {
public:
  size_t size() const;
  size_t affectedRows() const;
};
class DbClient {
public:
  template <typename... Arguments> Result execSqlSync(const std::string &sql, Arguments &&...args);
};
using DbClientPtr = std::shared_ptr<DbClient>;

template <typename T> class Mapper {
public:
  T findByPrimaryKey(const typename T::PrimaryKeyType &key);
  size_t deleteByPrimaryKey(const typename T::PrimaryKeyType &key);
};
} // namespace orm
} // namespace drogon

#define METHOD_LIST_BEGIN static void initPathRouting() {
#define METHOD_ADD(method, pattern, ...) registerMethod(&method, pattern, {__VA_ARGS__}, true, #method)
#define ADD_METHOD_TO(method, path_pattern, ...) registerMethod(&method, path_pattern, {__VA_ARGS__}, false, #method)
#define METHOD_LIST_END return; }

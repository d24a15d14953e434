// Minimal stand-in for userver (https://userver.tech), which Debian does not
// package: HttpHandlerBase::HandleRequestThrow and the HttpRequest accessors
// with userver's names and signatures. Written for these tests; not userver's code.
#pragma once
#include <string>

namespace userver::server {
namespace http {
enum class HttpStatus { kOk = 200, kForbidden = 403, kNotFound = 404 };
class HttpRequest {
public:
  const std::string &GetPathArg(const std::string &arg_name) const;
  const std::string &GetArg(const std::string &arg_name) const;
  const std::string &GetHeader(const std::string &header_name) const;
  const std::string &GetCookie(const std::string &cookie_name) const;
  const std::string &RequestBody() const;
  const std::string &GetRequestPath() const;
  const std::string &GetUrl() const;
  void SetResponseStatus(HttpStatus status) const;
};
} // namespace http
namespace request {
class RequestContext {
public:
  template <typename T> T &GetData(const std::string &name);
};
} // namespace request
namespace handlers {
class HttpHandlerBase {
public:
  virtual ~HttpHandlerBase() = default;
  virtual std::string HandleRequestThrow(const http::HttpRequest &request,
                                         request::RequestContext &context) const = 0;
};
} // namespace handlers
} // namespace userver::server

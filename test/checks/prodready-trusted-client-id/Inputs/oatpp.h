// Minimal stand-in for oatpp (https://oatpp.io), which Debian does not
// package: the incoming request and the ApiController ENDPOINT/PATH/QUERY/
// HEADER/BODY_STRING macros, shaped like oatpp's own expansion (a proxy method
// taking the request reads each parameter with getPathVariable/
// getQueryParameter/getHeader/readBodyToString and calls the endpoint method,
// whose body follows the macro). Written for these tests; not oatpp's code.
#pragma once
#include <memory>
#include <string>

namespace oatpp {
using String = std::string;
using Int64 = long long;

namespace web::protocol::http {
enum class StatusCode { CODE_200 = 200, CODE_403 = 403, CODE_404 = 404 };
namespace incoming {
class Request {
public:
  String getPathVariable(const String &name) const;
  String getQueryParameter(const String &name) const;
  String getHeader(const String &name) const;
  String readBodyToString() const;
};
} // namespace incoming
namespace outgoing {
class Response {};
} // namespace outgoing
} // namespace web::protocol::http

namespace web::server::api {
class ApiController {
public:
  using Status = web::protocol::http::StatusCode;
  using IncomingRequest = web::protocol::http::incoming::Request;
  using OutgoingResponse = web::protocol::http::outgoing::Response;
  std::shared_ptr<OutgoingResponse> createResponse(Status status, const String &body) const;
};
} // namespace web::server::api

namespace detail {
template <typename T> T fromString(const String &s);
template <> inline String fromString<String>(const String &s) { return s; }
template <> Int64 fromString<Int64>(const String &s);
} // namespace detail
} // namespace oatpp

// Parameter kinds: each expands to (declaration in the endpoint, read in the proxy).
#define PATH(TYPE, NAME) (TYPE, NAME, oatpp::detail::fromString<TYPE>(__request->getPathVariable(#NAME)))
#define QUERY(TYPE, NAME, KEY) (TYPE, NAME, oatpp::detail::fromString<TYPE>(__request->getQueryParameter(KEY)))
#define HEADER(TYPE, NAME, KEY) (TYPE, NAME, oatpp::detail::fromString<TYPE>(__request->getHeader(KEY)))
#define BODY_STRING(TYPE, NAME) (TYPE, NAME, __request->readBodyToString())

#define OATPP_P_DECL_(TYPE, NAME, READ) const TYPE &NAME
#define OATPP_P_READ_(TYPE, NAME, READ) READ
#define OATPP_P_DECL(P) OATPP_P_DECL_ P
#define OATPP_P_READ(P) OATPP_P_READ_ P

// ENDPOINT with zero, one or two parameters (oatpp supports more).
#define ENDPOINT_0(METHOD, PATTERN, NAME)                                                     \
  std::shared_ptr<OutgoingResponse> Z__PROXY_METHOD_##NAME(                                    \
      const std::shared_ptr<IncomingRequest> &__request) {                                     \
    (void)__request;                                                                          \
    return NAME();                                                                            \
  }                                                                                           \
  std::shared_ptr<OutgoingResponse> NAME()
#define ENDPOINT_1(METHOD, PATTERN, NAME, P1)                                                 \
  std::shared_ptr<OutgoingResponse> Z__PROXY_METHOD_##NAME(                                    \
      const std::shared_ptr<IncomingRequest> &__request) {                                     \
    return NAME(OATPP_P_READ(P1));                                                            \
  }                                                                                           \
  std::shared_ptr<OutgoingResponse> NAME(OATPP_P_DECL(P1))
#define ENDPOINT_2(METHOD, PATTERN, NAME, P1, P2)                                             \
  std::shared_ptr<OutgoingResponse> Z__PROXY_METHOD_##NAME(                                    \
      const std::shared_ptr<IncomingRequest> &__request) {                                     \
    return NAME(OATPP_P_READ(P1), OATPP_P_READ(P2));                                          \
  }                                                                                           \
  std::shared_ptr<OutgoingResponse> NAME(OATPP_P_DECL(P1), OATPP_P_DECL(P2))
#define OATPP_ENDPOINT_PICK(_1, _2, _3, _4, _5, N, ...) N
#define ENDPOINT(...) OATPP_ENDPOINT_PICK(__VA_ARGS__, ENDPOINT_2, ENDPOINT_1, ENDPOINT_0, x, x)(__VA_ARGS__)

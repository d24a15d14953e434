// Stand-in for Drogon's ORM client (https://github.com/drogonframework/drogon,
// orm_lib/inc/drogon/orm/DbClient.h), which Debian does not package. Written
// for these tests from Drogon's documented interface, not copied: the class
// and member names and the parameter order of execSql* are what matters to
// the model (the SQL first; for execSqlAsync the callbacks come before the
// bound arguments). Bodies are omitted.
#pragma once
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <string>

namespace drogon {
namespace orm {

class Result {
public:
  std::size_t size() const noexcept;
};

class DrogonDbException {
public:
  virtual ~DrogonDbException() = default;
};

/// What execSqlCoro returns in Drogon (an awaitable); only its type matters here.
template <typename T> struct Task {};

class DbClient {
public:
  virtual ~DbClient() = default;

  template <typename... Arguments>
  const Result execSqlSync(const std::string &sql, Arguments &&...args) noexcept(false) {
    return Result();
  }

  template <typename FUNCTION1, typename FUNCTION2, typename... Arguments>
  void execSqlAsync(const std::string &sql, FUNCTION1 &&rCallback, FUNCTION2 &&exceptCallback,
                    Arguments &&...args) noexcept {}

  template <typename... Arguments>
  std::future<Result> execSqlAsyncFuture(const std::string &sql, Arguments &&...args) noexcept {
    return {};
  }

  template <typename... Arguments>
  Task<Result> execSqlCoro(const std::string &sql, Arguments &&...args) noexcept {
    return {};
  }
};
using DbClientPtr = std::shared_ptr<DbClient>;

class Transaction : public DbClient {};

} // namespace orm
} // namespace drogon

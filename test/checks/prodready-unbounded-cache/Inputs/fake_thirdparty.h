// Minimal stand-ins with the real qualified names and member signatures of
// containers whose libraries are not packaged on the test machine (Abseil,
// oneTBB, folly, Qt, Drogon). Only what the tests call is declared.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <utility>

namespace absl {
template <class K, class V> class flat_hash_map {
public:
  V &operator[](const K &);
  std::pair<int, bool> try_emplace(const K &, const V &);
  std::size_t erase(const K &);
  std::size_t size() const;
};
template <class K> class node_hash_set {
public:
  std::pair<int, bool> insert(const K &);
  std::size_t size() const;
};
} // namespace absl

namespace tbb {
template <class K, class V> class concurrent_hash_map {
public:
  class accessor {};
  bool insert(accessor &, const K &);
  bool emplace(accessor &, const K &, const V &);
  bool erase(const K &);
};
template <class K, class V> class concurrent_unordered_map {
public:
  std::pair<int, bool> insert(const std::pair<const K, V> &);
  std::size_t unsafe_erase(const K &);
};
template <class T> class concurrent_vector {
public:
  int push_back(const T &);
  std::size_t size() const;
};
} // namespace tbb

namespace folly {
template <class K, class V> class F14FastMap {
public:
  V &operator[](const K &);
  std::size_t size() const;
};
template <class K, class V> class EvictingCacheMap {
public:
  explicit EvictingCacheMap(std::size_t maxSize, std::size_t clearSize = 1);
  void set(const K &, V);
  bool exists(const K &) const;
};
} // namespace folly

template <class K, class V> class QHash {
public:
  V &operator[](const K &);
  int insert(const K &, const V &);
  int remove(const K &);
  int size() const;
};
template <class T> class QList {
public:
  void append(const T &);
  QList &operator<<(const T &);
  void removeFirst();
  int size() const;
};

namespace drogon {
template <class K, class V> class CacheMap {
public:
  void insert(const K &key, V &&value, std::size_t timeout = 0,
              std::function<void()> timeoutCallback = std::function<void()>());
  bool find(const K &);
};
} // namespace drogon

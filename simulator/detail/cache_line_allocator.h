// An allocator whose blocks start on a 64-byte cache line, for arrays laid out so that a
// group of entries read together (the four children of a heap node) shares one line.
#pragma once
#include <cstddef>
#include <new>

namespace cpark::sim::detail {

inline constexpr std::size_t kCacheLine = 64;

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kCacheLine}));
  }
  void deallocate(T* p, std::size_t n) {
    ::operator delete(p, n * sizeof(T), std::align_val_t{kCacheLine});
  }
  friend bool operator==(CacheLineAllocator, CacheLineAllocator) { return true; }
};

}  // namespace cpark::sim::detail

// An indexed binary min-heap of deadlines, one entry per live transaction: updating or
// removing a transaction's deadline is O(log n) and leaves nothing behind (a lazy heap
// would keep a 32 s Timer B entry for every transaction finished in 10 ms). Ties pop in
// scheduling order, so runs replay exactly.
#pragma once
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace cpark::sip::detail {

class DeadlineHeap {
 public:
  using Time = std::chrono::milliseconds;
  static constexpr std::uint32_t absent = std::numeric_limits<std::uint32_t>::max();

  // Sets (or moves) the deadline of `handle`.
  void set(std::uint32_t handle, Time at) {
    if (handle >= position_.size()) position_.resize(handle + 1, absent);
    std::uint32_t i = position_[handle];
    if (i == absent) {
      i = std::uint32_t(heap_.size());
      heap_.push_back(Entry{at, next_sequence_++, handle});
      position_[handle] = i;
      sift_up(i);
      return;
    }
    const Time old = heap_[i].at;
    heap_[i].at = at;
    heap_[i].sequence = next_sequence_++;
    if (at < old) sift_up(i);
    else sift_down(i);
  }
  void remove(std::uint32_t handle) {
    if (handle >= position_.size() || position_[handle] == absent) return;
    const std::uint32_t i = position_[handle];
    const std::uint32_t last = std::uint32_t(heap_.size() - 1);
    position_[handle] = absent;
    if (i != last) {
      heap_[i] = heap_[last];
      position_[heap_[i].handle] = i;
      heap_.pop_back();
      // The moved entry may belong above or below its new place.
      const std::uint32_t moved = heap_[i].handle;
      sift_up(i);
      sift_down(position_[moved]);
    } else {
      heap_.pop_back();
    }
  }
  std::optional<Time> earliest() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at;
  }
  // The handle whose deadline is earliest and at or before `now`, if any.
  std::optional<std::uint32_t> due(Time now) const {
    if (heap_.empty() || heap_.front().at > now) return std::nullopt;
    return heap_.front().handle;
  }
  std::size_t size() const { return heap_.size(); }

 private:
  struct Entry {
    Time at;
    std::uint64_t sequence;
    std::uint32_t handle;
  };
  bool less(std::uint32_t a, std::uint32_t b) const {
    return heap_[a].at != heap_[b].at ? heap_[a].at < heap_[b].at
                                      : heap_[a].sequence < heap_[b].sequence;
  }
  void swap_at(std::uint32_t a, std::uint32_t b) {
    std::swap(heap_[a], heap_[b]);
    position_[heap_[a].handle] = a;
    position_[heap_[b].handle] = b;
  }
  void sift_up(std::uint32_t i) {
    while (i > 0) {
      const std::uint32_t parent = (i - 1) / 2;
      if (!less(i, parent)) break;
      swap_at(i, parent);
      i = parent;
    }
  }
  void sift_down(std::uint32_t i) {
    const std::uint32_t n = std::uint32_t(heap_.size());
    while (true) {
      const std::uint32_t l = 2 * i + 1, r = l + 1;
      std::uint32_t m = i;
      if (l < n && less(l, m)) m = l;
      if (r < n && less(r, m)) m = r;
      if (m == i) break;
      swap_at(i, m);
      i = m;
    }
  }
  std::vector<Entry> heap_;
  std::vector<std::uint32_t> position_;  // by handle
  std::uint64_t next_sequence_ = 0;
};

}  // namespace cpark::sip::detail

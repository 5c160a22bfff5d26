// EventHeap: the kernel's priority queue, a 4-ary min-heap of 16-byte keys
// {time, seq << 24 | slot}, laid out and walked for the cache and the branch predictor
// (simulator/event_queue.h says what the keys stand for and why they are this small).
//  - Three unused keys in front of a block that starts on a cache line put the four
//    children of every node in one 64-byte line: one line per level of a sift.
//  - Once the heap outgrows L1, a sift-down prefetches the four lines of the
//    grandchildren while it compares the children, so the next level is on its way
//    before the comparison that picks it ends. A 4-ary heap is half as deep as a binary
//    one, but each level waits for the one before; std::priority_queue's mispredicted
//    branches at least speculate into the right region. Without the prefetch the hold
//    model ran at 0.65x std::priority_queue at N = 10^5 and 0.77x at 10^6; with it at
//    0.91x and 1.10x (before the record prefetch and the rest).
//  - The least of four siblings is found without a branch: which sibling is least is a
//    coin toss a predictor misses half of the time. On x86-64 the conditional moves are
//    pinned in asm: GCC 12 turns the same C++ loop into cmov or into branches depending
//    on the code around it, which measured anywhere from 0.55x to 1.0x of the previous
//    kernel at N = 10^3; branch-free C++ formulations (128-bit compare and mask,
//    tournament, six parallel comparisons) measured 0.75-0.9x.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "simulator/detail/cache_line_allocator.h"

namespace cpark::sim::detail {

struct EventKey {
  std::int64_t at;
  std::uint64_t order;  // seq << 24 | slot: equal times fire first-in-first-out
  friend bool operator<(const EventKey& a, const EventKey& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  }
};

class EventHeap {
 public:
  EventHeap() : keys_(kRoot, EventKey{}) {}

  bool empty() const { return keys_.size() == kRoot; }
  std::size_t size() const { return keys_.size() - kRoot; }
  const EventKey& top() const { return keys_[kRoot]; }

  void push(const EventKey& k) {
    keys_.push_back(k);
    sift_up(keys_.size() - 1);
  }
  // The top after replace_top(k) or pop(), known before the sift that gets it there, so
  // that the caller can prefetch what the key stands for while the sift runs.
  const EventKey& top_after_replace(const EventKey& k) const {
    const std::size_t first = first_child(kRoot);
    if (first >= keys_.size()) return k;
    const EventKey& c = keys_[least_child(first)];
    return c < k ? c : k;
  }
  const EventKey& top_after_pop() const { return top_after_replace(keys_.back()); }
  // Replaces the top with `k`: one sift-down, where a pop and a push would sift twice.
  void replace_top(const EventKey& k) { sift_down(kRoot, k); }
  void pop() {
    const EventKey last = keys_.back();
    keys_.pop_back();
    if (!empty()) sift_down(kRoot, last);
  }
  // Removes every key that `keep` refuses, in one pass, and rebuilds (Floyd); returns
  // how many went.
  template <class Keep>
  std::size_t erase_unless(Keep keep) {
    std::size_t w = kRoot;
    for (std::size_t r = kRoot; r < keys_.size(); ++r)
      if (keep(keys_[r])) keys_[w++] = keys_[r];
    const std::size_t removed = keys_.size() - w;
    keys_.resize(w);
    if (size() > 1)
      for (std::size_t i = parent_of(w - 1) + 1; i-- > kRoot;) sift_down(i, keys_[i]);
    return removed;
  }

 private:
  static constexpr std::size_t kRoot = 3;  // keys_[0..2] are padding
  static constexpr std::size_t kPrefetchFrom = 4096;  // 64 KiB of keys: beyond L1
  static constexpr std::size_t first_child(std::size_t i) { return 4 * i - 8; }
  static constexpr std::size_t parent_of(std::size_t i) { return i / 4 + 2; }

  void sift_up(std::size_t i) {
    const EventKey k = keys_[i];
    while (i > kRoot) {
      const std::size_t parent = parent_of(i);
      if (!(k < keys_[parent])) break;
      keys_[i] = keys_[parent];
      i = parent;
    }
    keys_[i] = k;
  }
  // Moves the hole at `i` down to where `k` belongs and puts `k` there. `k` is passed
  // in, not read from the hole: a key just stored and read back as one 16-byte load
  // stalls on store forwarding.
  void sift_down(std::size_t i, const EventKey k) {
    const std::size_t n = keys_.size();
    const bool prefetch = n >= kPrefetchFrom;
    for (;;) {
      const std::size_t first = first_child(i);
      if (first >= n) break;
      if (prefetch) prefetch_children_of(first);
      const std::size_t best = least_child(first);
      if (!(keys_[best] < k)) break;
      keys_[i] = keys_[best];
      i = best;
    }
    keys_[i] = k;
  }
  // The four lines holding the children of the four keys at `first`.
  void prefetch_children_of(std::size_t first) const {
    const std::size_t g = first_child(first);
    if (g >= keys_.size()) return;
    const char* p = reinterpret_cast<const char*>(&keys_[g]);
    for (std::size_t line = 0; line < 4; ++line) __builtin_prefetch(p + line * kCacheLine);
  }
  std::size_t least_child(std::size_t first) const {
    return first + 4 <= keys_.size() ? least_of_four(first) : least_of_few(first);
  }
  std::size_t least_of_few(std::size_t first) const {
    std::size_t best = first;
    for (std::size_t c = first + 1; c < keys_.size(); ++c)
      if (keys_[c] < keys_[best]) best = c;
    return best;
  }
  std::size_t least_of_four(std::size_t first) const {
    const EventKey* c = &keys_[first];
    std::int64_t best_at = c[0].at;
    std::uint64_t best_order = c[0].order;
    std::size_t best = 0;
    for (std::size_t j = 1; j < 4; ++j) {
#if defined(__x86_64__)
      // Flags of c[j].at - best_at; only on a tie (rare: the branch predicts) the flags
      // of c[j].order < best_order, as "less"; then three conditional moves.
      std::uint64_t borrow;
      asm("cmpq %[best_at], %[at]\n\t"
          "jne 1f\n\t"
          "cmpq %[best_order], %[order]\n\t"
          "sbbq %[borrow], %[borrow]\n\t"
          "testq %[borrow], %[borrow]\n"
          "1:\n\t"
          "cmovlq %[at], %[best_at]\n\t"
          "cmovlq %[order], %[best_order]\n\t"
          "cmovlq %[j], %[best]"
          : [borrow] "=&r"(borrow), [best_at] "+r"(best_at), [best_order] "+r"(best_order),
            [best] "+r"(best)
          : [at] "r"(c[j].at), [order] "r"(c[j].order), [j] "r"(j)
          : "cc");
#else
      const bool less = c[j].at != best_at ? c[j].at < best_at : c[j].order < best_order;
      best_at = less ? c[j].at : best_at;
      best_order = less ? c[j].order : best_order;
      best = less ? j : best;
#endif
    }
    return first + best;
  }

  std::vector<EventKey, CacheLineAllocator<EventKey>> keys_;
};

}  // namespace cpark::sim::detail

// The engine's deadlines. An indexed binary heap: a park's timeout is cancelled far more
// often than it fires (a retrieval cancels it), so cancel must be O(log n) and leave no
// tombstones behind (a lazy-deletion heap grows without bound under park/retrieve load).
// Ties fire first-in-first-out (sequence number), so runs replay exactly.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "engine/time.h"

namespace cpark {

using TimerId = std::uint32_t;
inline constexpr TimerId kNoTimer = ~TimerId{0};

class TimerQueue {
 public:
  // Schedules `owner` (an opaque tag the caller decodes) at `at`.
  TimerId schedule(Time at, std::uint64_t owner);
  // Cancels a pending timer; a no-op for kNoTimer.
  void cancel(TimerId id);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::optional<Time> next_deadline() const;
  struct Fired { Time at; std::uint64_t owner; };
  // Removes and returns the earliest timer if it is due at or before `now`.
  std::optional<Fired> pop_due(Time now);

 private:
  struct Node { Time at; std::uint64_t seq; std::uint64_t owner; std::uint32_t pos; };
  bool less(std::uint32_t a, std::uint32_t b) const {
    const Node& x = nodes_[heap_[a]];
    const Node& y = nodes_[heap_[b]];
    return x.at != y.at ? x.at < y.at : x.seq < y.seq;
  }
  void swap_at(std::uint32_t a, std::uint32_t b);
  void sift_up(std::uint32_t i);
  void sift_down(std::uint32_t i);
  void remove_at(std::uint32_t i);

  std::vector<Node> nodes_;          // indexed by TimerId
  std::vector<TimerId> free_;        // recycled TimerIds
  std::vector<TimerId> heap_;        // heap of TimerIds
  std::uint64_t next_seq_ = 0;
};

}  // namespace cpark

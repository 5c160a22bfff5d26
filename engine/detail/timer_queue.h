// The engine's deadlines. An indexed binary heap: a park's timeout is cancelled far more
// often than it fires (a retrieval cancels it), so cancel must be O(log n) and leave no
// tombstones behind (a lazy-deletion heap grows without bound under park/retrieve load).
// Timer ids are SlotMap ids: cancelling a timer that already fired or was cancelled is
// harmless even after its slot was reused. Ties fire first-in-first-out (sequence
// number), so runs replay exactly.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "common/slot_map.h"
#include "engine/time.h"

namespace cpark::detail {

using TimerId = SlotId;

// Who a timer belongs to: a park or a ringing call, by its id in that service's table.
enum class TimerKind : std::uint8_t { Park = 1, Ringing = 2 };
struct TimerOwner {
  TimerKind kind = TimerKind::Park;
  SlotId id;
};

class TimerQueue {
 public:
  TimerId schedule(Time at, TimerOwner owner);
  // Cancels a pending timer; a no-op for a null or stale id.
  void cancel(TimerId id);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::optional<Time> next_deadline() const;
  struct Fired { Time at; TimerOwner owner; };
  // Removes and returns the earliest timer if it is due at or before `now`.
  std::optional<Fired> pop_due(Time now);

 private:
  struct Node { Time at; std::uint64_t seq; TimerOwner owner; std::uint32_t pos; };
  bool less(std::uint32_t a, std::uint32_t b) const {
    const Node& x = nodes_.at_index(heap_[a]);
    const Node& y = nodes_.at_index(heap_[b]);
    return x.at != y.at ? x.at < y.at : x.seq < y.seq;
  }
  void swap_at(std::uint32_t a, std::uint32_t b);
  void sift_up(std::uint32_t i);
  void sift_down(std::uint32_t i);
  void remove_at(std::uint32_t i);

  SlotMap<Node> nodes_;
  std::vector<std::uint32_t> heap_;  // slot indices of nodes_
  std::uint64_t next_seq_ = 0;
};

}  // namespace cpark::detail

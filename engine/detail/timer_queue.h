// The engine's deadlines. An indexed binary heap: a park's timeout is cancelled far more
// often than it fires (a retrieval cancels it), so cancel must be O(log n) and leave no
// tombstones behind (a lazy-deletion heap grows without bound under park/retrieve load).
// Heap entries carry their deadline and sequence, so sifting compares without leaving
// the heap array; each timer's owner and heap position sit in a SlotMap, whose ids make
// cancelling a timer that already fired or was cancelled harmless even after its slot
// was reused. Ties fire first-in-first-out (sequence number), so runs replay exactly.
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
  // (Owner fields are passed apart: a struct of a byte and an id built on the stack and
  // read back whole costs a store-forwarding stall on every park.)
  TimerId schedule(Time at, TimerKind kind, SlotId owner);
  // Cancels a pending timer; a no-op for a null or stale id.
  void cancel(TimerId id);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  std::optional<Time> next_deadline() const;
  struct Fired { Time at; TimerOwner owner; };
  // Removes and returns the earliest timer if it is due at or before `now`.
  std::optional<Fired> pop_due(Time now);

 private:
  struct Entry {
    Time at;
    std::uint64_t seq;
    std::uint32_t slot;  // in nodes_
    bool operator<(const Entry& o) const { return at != o.at ? at < o.at : seq < o.seq; }
  };
  struct Node {
    TimerOwner owner;
    std::uint32_t pos;  // in heap_
  };
  void place(std::uint32_t i, const Entry& e) {
    heap_[i] = e;
    nodes_.at_index(e.slot).pos = i;
  }
  void sift_up(std::uint32_t i, Entry e);
  void sift_down(std::uint32_t i, Entry e);
  void remove_at(std::uint32_t i);

  SlotMap<Node> nodes_;
  std::vector<Entry> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace cpark::detail

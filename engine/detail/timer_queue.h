// The engine's deadlines: a binary min-heap with lazy cancellation. A park's timeout is
// cancelled far more often than it fires (a retrieval cancels it), so cancel is O(1): it
// frees the timer's slot and leaves its heap entry behind as a tombstone, which is
// dropped when it reaches the top. Tombstones are bounded: when they outnumber the live
// timers (plus a small floor) the heap is rebuilt without them in O(n), so the memory
// stays within about twice the live timers and the rebuild costs O(1) per cancel,
// amortised. Cancelling this way touches one slot; an indexed heap's cancel sifted the
// hole through log n levels, each a cache miss in two arrays once tens of thousands of
// parks are pending.
//
// Each timer's owner sits in a SlotMap; a heap entry carries its timer's full id, so a
// tombstone is recognised by a stale id, and cancelling a timer that already fired or was
// cancelled is harmless even after its slot was reused. The top of the heap is always a
// live timer, so next_deadline() is exact. Ties fire first-in-first-out (sequence
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
  // (Owner fields are passed apart: a struct of a byte and an id built on the stack and
  // read back whole costs a store-forwarding stall on every park.)
  TimerId schedule(Time at, TimerKind kind, SlotId owner);
  // Cancels a pending timer; a no-op for a null or stale id.
  void cancel(TimerId id);
  // Starts loading a timer's slot: a retrieval cancels the timer after other work, and
  // the two cache misses then overlap.
  void prefetch(TimerId id) const { owners_.prefetch(id); }
  bool empty() const { return owners_.empty(); }
  // Pending timers (tombstones not counted).
  std::size_t size() const { return owners_.size(); }
  // Room for `n` pending timers (and their tombstones) without reallocating.
  void reserve(std::size_t n);
  // Heap entries, live and tombstones: at most 2 * size() + 1024 (for tests and benches).
  std::size_t heap_entries() const { return heap_.size(); }
  std::optional<Time> next_deadline() const;
  struct Fired { Time at; TimerOwner owner; };
  // Removes and returns the earliest timer if it is due at or before `now`.
  std::optional<Fired> pop_due(Time now);

 private:
  struct Entry {
    Time at;
    std::uint64_t seq;
    TimerId id;
  };
  // The heap's order, as std::push_heap wants it: `a` fires after `b`.
  static bool later(const Entry& a, const Entry& b) { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
  void pop_top();
  void drop_dead_top();
  void compact();

  SlotMap<TimerOwner> owners_;
  std::vector<Entry> heap_;   // live timers and tombstones
  std::uint64_t next_seq_ = 0;
};

}  // namespace cpark::detail

// The engine's deadlines: a binary min-heap whose timers are validated by their owners.
// A park's timeout is cancelled far more often than it fires (a retrieval cancels it),
// so cancelling touches nothing but the owner: the park or ringing call keeps the token
// of its one pending timer and forgets it to cancel, and tells the queue so (cancelled()).
// The entry stays behind as a tombstone, recognised by asking the owner (the liveness
// function the engine installs) and dropped when it reaches the top or by an O(n)
// rebuild once tombstones outnumber the live timers (plus a small floor), so the heap
// stays within about twice the live timers and the rebuild costs O(1) per cancel,
// amortised. The top of the heap is always live, so next_deadline() is exact.
//
// An indexed heap's cancel sifted a hole through log n levels, a cache miss per level;
// a cancel through a table of timer slots still cost a miss per retrieval. Ties fire
// first-in-first-out (sequence number), so runs replay exactly. A token is never reused
// (a 56-bit sequence), so a stale one matches nothing.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "common/slot_map.h"
#include "engine/time.h"

namespace cpark::detail {

// A pending timer's token, as its owner keeps it; 0: no timer.
using TimerToken = std::uint64_t;

// Who a timer belongs to: a park or a ringing call, by its id in that service's table.
enum class TimerKind : std::uint8_t { Park = 1, Ringing = 2 };
struct TimerOwner {
  TimerKind kind = TimerKind::Park;
  SlotId id;
};

class TimerQueue {
 public:
  // Whether the owner `id` of kind `kind` still holds `token` (is alive and has neither
  // cancelled it nor seen it fire).
  using Liveness = bool (*)(const void* context, TimerKind kind, SlotId id, TimerToken token);
  void set_liveness(Liveness f, const void* context) {
    live_ = f;
    context_ = context;
  }

  TimerToken schedule(Time at, TimerKind kind, SlotId owner);
  // The owner has forgotten the token of a pending timer: it will not fire.
  void cancelled();
  bool empty() const { return size() == 0; }
  // Pending timers (tombstones not counted).
  std::size_t size() const { return heap_.size() - tombstones_; }
  // Heap entries, live and tombstones: at most 2 * size() + 1024 (for tests and benches).
  std::size_t heap_entries() const { return heap_.size(); }
  // Room for `n` pending timers (and their tombstones) without reallocating.
  void reserve(std::size_t n);
  std::optional<Time> next_deadline() const;
  struct Fired {
    Time at;
    TimerOwner owner;
    TimerToken token;
  };
  // Removes and returns the earliest timer if it is due at or before `now`. The owner
  // forgets the token when it handles it (it no longer holds a pending timer).
  std::optional<Fired> pop_due(Time now);

 private:
  struct Entry {
    Time at;
    std::uint64_t key;  // token << 8 | kind: orders ties by token, first in first out
    SlotId owner;
    TimerToken token() const { return key >> 8; }
    TimerKind kind() const { return TimerKind(key & 0xff); }
  };
  // The heap's order, as std::push_heap wants it: `a` fires after `b`.
  static bool later(const Entry& a, const Entry& b) { return a.at != b.at ? a.at > b.at : a.key > b.key; }
  bool live(const Entry& e) const { return live_(context_, e.kind(), e.owner, e.token()); }
  void pop_top();
  void drop_dead_top();
  void compact();

  std::vector<Entry> heap_;  // live timers and tombstones
  std::size_t tombstones_ = 0;
  TimerToken next_token_ = 1;
  Liveness live_ = nullptr;
  const void* context_ = nullptr;
};

}  // namespace cpark::detail

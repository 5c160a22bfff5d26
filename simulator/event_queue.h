// The simulator's event set: a discrete-event kernel tuned for the hold model (fire the
// earliest event, schedule its successor) at 10^3 to 10^6 pending events, with ids that
// cancel in O(1).
//
// What it is
//  - A 4-ary heap of 16-byte keys {time, seq << 24 | slot} (detail/event_heap.h: children
//    in one cache line, grandchild prefetch, branch-free choice among siblings). pop()
//    leaves the fired key on top and the next schedule() overwrites it: one sift-down.
//  - Every pending event owns a slot of the project's generation-checked SlotMap and the
//    id returned is its SlotId, so an id whose event fired or was cancelled is refused
//    even after the slot is reused. The SlotMap holds the id alone (plus a "waits in a
//    bucket" flag; 8 bytes a slot); beside it, by slot, a 32-byte-aligned record
//    {payload, seq} and a one-byte tag (low bits of the seq; 0 when free).
//  - cancel() frees the slot at once, payload included, and leaves the key where it is.
//    A key is current when its slot's tag is set and the record's seq is its own (the
//    per-entry check ns-3 and the std::priority_queue baseline also do at pop); stale
//    keys are skipped when they surface and purged in one pass, filtered by the tags
//    alone, once they outnumber a quarter of the live events.
//  - Zero-delay events go to a FIFO instead of the heap (OMNeT++'s trick): events
//    scheduled for `now` are the heap's worst case and the simulator's common case.
//  - Timeouts (schedule_timeout) are events expected to be cancelled before they fire (a
//    retrieval cancels the park's abandon timer). They wait unsorted in 64 buckets keyed
//    by the highest bit in which their time differs from a moving base (Seastar's
//    timer_set): arming appends a key, cancelling frees the slot, and a bucket is split
//    only when time reaches it; cancelled ones are dropped then, or by a compaction once
//    they outnumber the live ones. A timeout that comes due enters the heap with its
//    original seq, so ties stay first-in-first-out.
//  - Ties fire first-in-first-out (by schedule order), so a run replays exactly.
//
// Why this shape: hold model on an AMD EPYC VM (2 cores, 32 MiB L3), each choice
// measured against its alternative in alternating runs of separate processes (as
// bench/run-hold-bench.sh does; runs of two kernels inside one process were biased by up
// to 15 % by where each landed in memory). The git log has more.
//  - Payload beside the key, not inline in the heap entry: a sift level is one line of
//    16-byte keys, and the fired event's record, one line, is prefetched when the sift
//    that brings its key to the top starts. The same heap with 40-byte entries
//    {key, payload} ran 0.86x at N = 10^3, 0.83x at 10^5 and 0.79x at 10^6.
//  - A SlotMap of ids with side tables, not SlotMap<{payload, seq}> (48-byte slots):
//    cancel() reads an 8-byte slot in a table of 8-byte slots. Equal at 10^3; at 10^5
//    and 10^6 +8-12 % without cancellations and +3-23 % with one per event; even, within
//    noise, with re-armed timeouts. Folding the tags into the SlotMap's value as well
//    made purges and bucket splits read the 8-byte table: 6-20 % slower in five of the
//    six configurations at N >= 10^5.
//  - Free at cancel, not when the stale key surfaces: the replacement a cancel is usually
//    followed by reuses the same, cached, slot (the SlotMap's free list is LIFO).
//  - Tried and dropped: routing every event through the timeout buckets once 16k are
//    pending (a radix heap: 0.5-1.0x, the low buckets split every few ticks); keeping a
//    timeout's payload in its bucket entry until due, so arming writes no record (-14 %
//    at 10^6, +5 % at 10^5; and cancelled payloads would linger); non-temporal
//    prefetches; a liveness bitmap to gate the record prefetch.
#pragma once
#include <bit>
#include <cassert>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/slot_map.h"
#include "simulator/detail/cache_line_allocator.h"
#include "simulator/detail/event_heap.h"

namespace cpark::sim {

using SimTime = std::int64_t;
using EventId = cpark::SlotId;  // default-constructed: null, cancels nothing

template <class Payload>
class EventQueue {
 public:
  SimTime now() const { return now_; }
  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Schedules `p` at `at` (an earlier time than now means now).
  EventId schedule(SimTime at, const Payload& p) {
    const std::uint64_t seq = seq_++;
    const EventId id = take_slot(p, seq, false);
    const Key k{at, (seq << kSlotBits) | id.index()};
    if (at <= now_) {
      fifo_.push_back(k);
    } else {
      push_heap_entry(k);
    }
    return id;
  }

  // Schedules an event that will most likely be cancelled before `at`.
  EventId schedule_timeout(SimTime at, const Payload& p) {
    if (at <= base_ || at <= now_) return schedule(at, p);
    const std::uint64_t seq = seq_++;
    const EventId id = take_slot(p, seq, true);
    ++waiting_;
    file(Key{at, (seq << kSlotBits) | id.index()});
    return id;
  }

  // Cancels the event `id` names; a null id, or one whose event fired or was cancelled,
  // is refused by the slot map and cancels nothing.
  void cancel(EventId id) {
    const Live* l = ids_.find(id);
    if (!l) return;
    const bool waiting = l->waiting;
    release(id.index());
    if constexpr (!std::is_trivially_destructible_v<Payload>) {
      Payload gone(std::move(records_[id.index()].payload));  // its resources go now
    }
    --live_;
    if (waiting) {
      --waiting_;
      if (++dead_waiting_ > waiting_ + 64) compact_buckets();
    } else if (++cancelled_ > live_ / 4 + 64) {
      purge();
    }
  }

  // The next live event, or nullopt when none is left; advances now() to its time.
  std::optional<Payload> pop() {
    for (;;) {
      settle_top();
      if (timeouts_due()) feed_timeouts();
      Key k;
      if (!heap_.empty() && (heap_.top().at <= now_ || fifo_head_ == fifo_.size())) {
        k = heap_.top();
        now_ = k.at;
        top_fired_ = true;  // removed by the next schedule() or pop()
      } else if (fifo_head_ < fifo_.size()) {
        k = next_fifo();
      } else {
        return std::nullopt;
      }
      if (is_current(k)) {
        const std::uint32_t slot = slot_of(k);
        Payload out(std::move(records_[slot].payload));
        release(slot);
        --live_;
        return out;
      }
      --cancelled_;  // a stale key: its event was cancelled
    }
  }

  // Time of the next live event without firing it.
  std::optional<SimTime> next_time() {
    for (;;) {
      settle_top();
      if (timeouts_due()) feed_timeouts();
      if (fifo_head_ < fifo_.size()) {
        if (is_current(fifo_[fifo_head_])) return now_;
        --cancelled_;
        next_fifo();
        continue;
      }
      if (heap_.empty()) return std::nullopt;
      if (is_current(heap_.top())) return heap_.top().at;
      --cancelled_;
      remove_top();
    }
  }

  // Moves the clock to `t` without an event, for a driver whose other clock (the engine's
  // own deadlines) comes first. `t` must not pass next_time().
  void advance_to(SimTime t) {
    if (t > now_) now_ = t;
  }

 private:
  using Key = detail::EventKey;
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  // tags_[slot]: 0 while the slot is free, else the low bits of the seq of the event
  // holding it, made odd (a stale key's tag matches 1 time in 128).
  static constexpr std::uint8_t kNoTag = 0;
  static constexpr std::size_t kPrefetchTopFrom = 16384;  // smaller: records stay in L2

  struct Record {
    Payload payload;
    std::uint64_t seq;  // of the event holding the slot
  };
  // What the SlotMap holds besides the id: whether the event waits in a timeout bucket,
  // which cancel() reads in the slot it checks anyway (8 bytes a slot all the same).
  struct Live {
    bool waiting;
  };

  static std::uint32_t slot_of(const Key& k) { return std::uint32_t(k.order & kSlotMask); }
  static std::uint64_t seq_of(const Key& k) { return k.order >> kSlotBits; }
  static std::uint8_t tag_of(std::uint64_t seq) { return std::uint8_t(seq | 1); }

  // Exact: the key's event still holds its slot.
  bool is_current(const Key& k) const {
    const std::uint32_t slot = slot_of(k);
    return tags_[slot] != kNoTag && records_[slot].seq == seq_of(k);
  }
  // Cheap and sometimes wrong for a stale key (1 in 128): purges and compactions filter
  // with it and leave the rest to is_current() when the key surfaces.
  bool maybe_current(const Key& k) const {
    return tags_[slot_of(k)] == tag_of(seq_of(k));
  }

  [[gnu::always_inline]] EventId take_slot(const Payload& p, std::uint64_t seq,
                                           bool waiting) {
    const EventId id = ids_.emplace(Live{waiting});
    assert(id.index() <= kSlotMask && "more than 16M pending events");
    if (id.index() == records_.size()) {  // the slot map appends its slots in order
      records_.push_back(Record{p, seq});
      tags_.push_back(kNoTag);
    } else {
      records_[id.index()] = Record{p, seq};
    }
    tags_[id.index()] = tag_of(seq);
    ++live_;
    return id;
  }
  void release(std::uint32_t slot) {
    ids_.erase_at(slot);
    tags_[slot] = kNoTag;
  }
  Key next_fifo() {
    const Key k = fifo_[fifo_head_++];
    if (fifo_head_ == fifo_.size()) fifo_.clear(), fifo_head_ = 0;
    return k;
  }
  // Fetches the record of the key about to reach the top while the sift that takes it
  // there runs (a free slot's record is left alone).
  void prefetch_record(const Key& k) const {
    const std::uint32_t slot = slot_of(k);
    if (tags_[slot] == kNoTag) return;
    __builtin_prefetch(&records_[slot]);
    __builtin_prefetch(&ids_.at_index(slot));
  }

  // ---- heap ----
  void push_heap_entry(const Key& k) {
    if (top_fired_) {  // reuse the fired top: one sift-down instead of a pop and a push
      top_fired_ = false;
      if (heap_.size() >= kPrefetchTopFrom) prefetch_record(heap_.top_after_replace(k));
      heap_.replace_top(k);
    } else {
      heap_.push(k);
    }
  }
  void settle_top() {
    if (top_fired_) {
      top_fired_ = false;
      remove_top();
    }
  }
  // Out of line, like the other rare paths, so that pop() and schedule() stay small
  // enough to inline into their callers.
  [[gnu::noinline]] void remove_top() {
    if (heap_.size() >= kPrefetchTopFrom) prefetch_record(heap_.top_after_pop());
    heap_.pop();
  }
  // Drops stale keys from the heap and the FIFO in one pass each; the tags say which,
  // without touching the records (so zero-delay events cancelled in bulk cannot make
  // every later cancel() purge again).
  [[gnu::noinline]] void purge() {
    settle_top();
    cancelled_ -= heap_.erase_unless([this](const Key& k) { return maybe_current(k); });
    std::size_t w = 0;
    for (std::size_t r = fifo_head_; r < fifo_.size(); ++r) {
      if (maybe_current(fifo_[r])) fifo_[w++] = fifo_[r];
      else --cancelled_;
    }
    fifo_.resize(w);
    fifo_head_ = 0;
  }

  // ---- timeouts ----
  // The bucket of a time after base_: one more than the highest bit where they differ.
  int bucket_of(SimTime at) const { return int(std::bit_width(std::uint64_t(at ^ base_))); }
  // The earliest time bucket `i` can hold.
  SimTime bucket_floor(int i) const {
    const auto b = std::uint64_t(base_);
    return SimTime(((b >> i) << i) | (std::uint64_t{1} << (i - 1)));
  }
  // Files a waiting timeout in its bucket, or moves it into the heap when due at base_.
  void file(const Key& k) {
    if (k.at <= base_) {
      if (is_current(k)) {
        ids_.at_index(slot_of(k)).waiting = false;
        --waiting_;
        push_heap_entry(k);
      } else {
        --dead_waiting_;
      }
      return;
    }
    const int i = bucket_of(k.at);
    buckets_[i].push_back(k);
    nonempty_ |= std::uint64_t{1} << i;
  }
  // Whether a timeout could fire before the next heap or FIFO event: the lowest bucket's
  // floor is not after it.
  bool timeouts_due() const {
    if (!nonempty_) return false;
    const SimTime floor = bucket_floor(std::countr_zero(nonempty_));
    if (fifo_head_ < fifo_.size()) return floor <= now_;
    return heap_.empty() || heap_.top().at >= floor;
  }
  // Moves every timeout that could fire before the next heap or FIFO event into the heap,
  // splitting the lowest bucket (and re-basing at its floor) until none could.
  [[gnu::noinline]] void feed_timeouts() {
    while (timeouts_due()) {
      const int i = std::countr_zero(nonempty_);
      const SimTime floor = bucket_floor(i);
      split_.swap(buckets_[i]);
      nonempty_ &= ~(std::uint64_t{1} << i);
      base_ = floor;  // every timeout left in higher buckets keeps its bucket
      for (const Key& k : split_) {
        if (maybe_current(k)) file(k);  // a lower bucket, or the heap when due
        else --dead_waiting_;
      }
      split_.clear();
    }
  }
  // Drops cancelled timeouts from every bucket, so that timers cancelled long before they
  // would fire hold no memory.
  [[gnu::noinline]] void compact_buckets() {
    nonempty_ = 0;
    for (int i = 0; i < 64; ++i) {
      auto& b = buckets_[i];
      std::size_t w = 0;
      for (const Key& k : b) {
        if (maybe_current(k)) b[w++] = k;
        else --dead_waiting_;
      }
      b.resize(w);
      if (w != 0) nonempty_ |= std::uint64_t{1} << i;
    }
  }

  detail::EventHeap heap_;
  std::vector<Key> fifo_;
  std::size_t fifo_head_ = 0;
  SlotMap<Live> ids_;
  std::vector<Record, detail::CacheLineAllocator<Record>> records_;  // by slot
  std::vector<std::uint8_t> tags_;                                   // by slot
  std::vector<Key> buckets_[64];
  std::vector<Key> split_;
  std::uint64_t nonempty_ = 0;
  SimTime base_ = 0;
  std::uint64_t seq_ = 0;
  std::size_t live_ = 0, cancelled_ = 0;        // cancelled: stale keys in heap and FIFO
  std::size_t waiting_ = 0, dead_waiting_ = 0;  // live and cancelled timeouts in buckets
  SimTime now_ = 0;
  bool top_fired_ = false;
};

}  // namespace cpark::sim

// THE OLD KERNEL, FOR THE BENCHMARK ONLY: a verbatim copy of simulator/event_queue.h as of
// commit 36b3636 (the 4-ary heap of 16-byte keys with payloads kept apart), moved into
// namespace cpark::bench::v1 so the hold benchmark can run old and new side by side in
// one session ("nothing else gets slower" is shown, not assumed). Never include it from
// product code; it is not maintained beyond compiling.
// The simulator's event set: a discrete-event kernel tuned for this workload.
//  - Entries are 16 bytes {time, seq << 24 | slot}; payloads live apart in a slab, so
//    the heap moves small keys only and nothing is allocated per event once warmed up.
//  - A 4-ary heap with a deferred pop: pop() leaves the fired entry at the top and the
//    next schedule() overwrites it with one sift-down ("replace top"), the common
//    fire-then-schedule step. No virtual call anywhere.
//  - Zero-delay reactions go to a FIFO instead of the heap (OMNeT++'s trick): events
//    scheduled for `now` are the heap's worst case and this model's most common case.
//  - Cancel is O(1): an 8-byte per-slot record is marked and the entry is skipped when it
//    surfaces. Cancelled heap entries are purged in one linear pass once they exceed a
//    quarter of the live ones, so dead entries neither grow the heap nor get popped often.
//  - Timeouts (schedule_timeout) are events expected to be cancelled before they fire (a
//    retrieval cancels the park's abandon timer, an answer cancels a pickup attempt).
//    They wait unsorted in 64 buckets keyed by the highest bit in which their time
//    differs from a moving base (Seastar's timer_set): arming appends 16 bytes to a
//    vector, cancelling marks a byte, and a bucket is split only when time reaches it.
//    A timeout that comes due enters the heap with its original sequence number.
//  - Ties fire first-in-first-out (by schedule order), so a run replays exactly.
#pragma once
#include <bit>
#include <cassert>
#include <cstdint>
#include <optional>
#include <vector>

namespace cpark::bench::v1 {

using SimTime = std::int64_t;

struct EventId {
  std::uint32_t slot = ~0u;
  std::uint32_t gen = 0;
};

template <class Payload>
class EventQueue {
 public:
  SimTime now() const { return now_; }
  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }

  // Schedules `p` at `at` (an earlier time than now means now).
  EventId schedule(SimTime at, const Payload& p) {
    const std::uint32_t slot = take_slot(p);
    if (at <= now_) {
      fifo_.push_back(slot);
    } else {
      push_heap_entry(Entry{at, (seq_++ << kSlotBits) | slot});
    }
    return {slot, meta_[slot].gen};
  }

  // Schedules an event that will most likely be cancelled before `at`.
  EventId schedule_timeout(SimTime at, const Payload& p) {
    if (at <= base_ || at <= now_) return schedule(at, p);
    const std::uint32_t slot = take_slot(p);
    file(Entry{at, (seq_++ << kSlotBits) | slot});
    return {slot, meta_[slot].gen};
  }

  void cancel(EventId id) {
    if (id.slot >= meta_.size()) return;
    Meta& m = meta_[id.slot];
    if (m.gen != id.gen || m.state == State::Free || m.state == State::Cancelled) return;
    const bool waiting_in_bucket = m.state == State::InBucket;
    m.state = State::Cancelled;
    --live_;
    if (waiting_in_bucket) {  // reclaimed when its bucket is split or compacted
      --waiting_;
      if (++dead_waiting_ > waiting_ / 2 + 64) compact_buckets();
      return;
    }
    ++cancelled_;
    if (cancelled_ > live_ / 4 + 64) purge();
  }

  // The next live event, or nullopt when none is left; advances now() to its time.
  std::optional<Payload> pop() {
    for (;;) {
      settle_top();
      feed_timeouts();
      std::uint32_t slot;
      if (!heap_.empty() && (heap_[0].at <= now_ || fifo_head_ == fifo_.size())) {
        now_ = heap_[0].at;
        slot = std::uint32_t(heap_[0].key & kSlotMask);
        top_fired_ = true;  // removed by the next schedule() or pop()
      } else if (fifo_head_ < fifo_.size()) {
        slot = next_fifo();
      } else {
        return std::nullopt;
      }
      const bool live = meta_[slot].state == State::Pending;
      if (live) --live_; else --cancelled_;
      release(slot);
      if (live) return payload_[slot];
    }
  }

  // Time of the next live event without firing it.
  std::optional<SimTime> next_time() {
    for (;;) {
      settle_top();
      feed_timeouts();
      if (fifo_head_ < fifo_.size()) {
        if (meta_[fifo_[fifo_head_]].state == State::Pending) return now_;
        --cancelled_;
        release(next_fifo());
        continue;
      }
      if (heap_.empty()) return std::nullopt;
      const auto slot = std::uint32_t(heap_[0].key & kSlotMask);
      if (meta_[slot].state == State::Pending) return heap_[0].at;
      --cancelled_;
      release(slot);
      remove_top();
    }
  }

  // Moves the clock to `t` without an event, for a driver whose other clock (the engine's
  // own deadlines) comes first. `t` must not pass next_time().
  void advance_to(SimTime t) {
    if (t > now_) now_ = t;
  }

 private:
  static constexpr int kSlotBits = 24;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  struct Entry {
    SimTime at;
    std::uint64_t key;  // seq << 24 | slot: ties first-in-first-out
    bool operator<(const Entry& o) const { return at != o.at ? at < o.at : key < o.key; }
  };
  enum class State : std::uint8_t { Free, Pending, InBucket, Cancelled };
  struct Meta {
    std::uint32_t gen = 0;
    State state = State::Free;
  };

  std::uint32_t take_slot(const Payload& p) {
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
      payload_[slot] = p;
    } else {
      slot = std::uint32_t(meta_.size());
      assert(slot <= kSlotMask && "more than 16M pending events");
      meta_.emplace_back();
      payload_.push_back(p);
    }
    meta_[slot].state = State::Pending;
    ++live_;
    return slot;
  }
  void release(std::uint32_t slot) {
    meta_[slot].state = State::Free;
    ++meta_[slot].gen;
    free_.push_back(slot);
  }
  std::uint32_t next_fifo() {
    const std::uint32_t slot = fifo_[fifo_head_++];
    if (fifo_head_ == fifo_.size()) fifo_.clear(), fifo_head_ = 0;
    return slot;
  }

  // ---- heap ----
  void push_heap_entry(const Entry& e) {
    if (top_fired_) {  // reuse the fired top: one sift-down instead of a pop and a push
      top_fired_ = false;
      heap_[0] = e;
      sift_down(0);
    } else {
      heap_.push_back(e);
      sift_up(heap_.size() - 1);
    }
  }
  void settle_top() {
    if (top_fired_) {
      top_fired_ = false;
      remove_top();
    }
  }
  void remove_top() {
    heap_[0] = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
  }
  void sift_up(std::size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / 4;
      if (!(e < heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }
  void sift_down(std::size_t i) {
    const std::size_t n = heap_.size();
    const Entry e = heap_[i];
    for (;;) {
      const std::size_t first = 4 * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      const std::size_t last = first + 4 < n ? first + 4 : n;
      for (std::size_t c = first + 1; c < last; ++c)
        if (heap_[c] < heap_[best]) best = c;
      if (!(heap_[best] < e)) break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }
  // Drops cancelled entries in one pass and rebuilds the heap (Floyd's method).
  void purge() {
    settle_top();
    std::size_t w = 0;
    for (std::size_t r = 0; r < heap_.size(); ++r) {
      const auto slot = std::uint32_t(heap_[r].key & kSlotMask);
      if (meta_[slot].state == State::Cancelled) {
        --cancelled_;
        release(slot);
      } else {
        heap_[w++] = heap_[r];
      }
    }
    heap_.resize(w);
    for (std::size_t i = w / 4 + 1; i-- > 0;)
      if (i < w) sift_down(i);
  }

  // ---- timeouts ----
  // The bucket of a time after base_: one more than the highest bit where they differ.
  int bucket_of(SimTime at) const { return int(std::bit_width(std::uint64_t(at ^ base_))); }
  // The earliest time bucket `i` can hold.
  SimTime bucket_floor(int i) const {
    const auto b = std::uint64_t(base_);
    return SimTime(((b >> i) << i) | (std::uint64_t{1} << (i - 1)));
  }
  void file(const Entry& e) {
    const auto slot = std::uint32_t(e.key & kSlotMask);
    if (e.at <= base_) {  // due at the base: it belongs in the heap now
      meta_[slot].state = State::Pending;
      push_heap_entry(e);
      return;
    }
    meta_[slot].state = State::InBucket;
    ++waiting_;
    const int i = bucket_of(e.at);
    buckets_[i].push_back(e);
    nonempty_ |= std::uint64_t{1} << i;
  }
  // Moves every timeout that could fire before the next heap or FIFO event into the heap,
  // splitting the lowest bucket (and re-basing at its floor) until that holds.
  void feed_timeouts() {
    while (nonempty_) {
      const int i = std::countr_zero(nonempty_);
      const SimTime floor = bucket_floor(i);
      if (fifo_head_ < fifo_.size()) {
        if (floor > now_) return;
      } else if (!heap_.empty() && heap_[0].at < floor) {
        return;
      }
      split_.swap(buckets_[i]);
      nonempty_ &= ~(std::uint64_t{1} << i);
      base_ = floor;  // every timeout left in higher buckets keeps its bucket
      for (const Entry& e : split_) {
        const auto slot = std::uint32_t(e.key & kSlotMask);
        if (meta_[slot].state == State::Cancelled) {
          release(slot);
          --dead_waiting_;
        } else {
          --waiting_;
          file(e);  // a lower bucket, or the heap when due at the new base
        }
      }
      split_.clear();
    }
  }

  // Drops cancelled timeouts from every bucket, so that timers cancelled long before they
  // would fire hold no memory (their slots go back to the free list).
  void compact_buckets() {
    for (auto& b : buckets_) {
      std::size_t w = 0;
      for (const Entry& e : b) {
        const auto slot = std::uint32_t(e.key & kSlotMask);
        if (meta_[slot].state == State::Cancelled) release(slot);
        else b[w++] = e;
      }
      b.resize(w);
    }
    nonempty_ = 0;
    for (int i = 0; i < 64; ++i)
      if (!buckets_[i].empty()) nonempty_ |= std::uint64_t{1} << i;
    dead_waiting_ = 0;
  }

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> fifo_;
  std::size_t fifo_head_ = 0;
  std::vector<Meta> meta_;
  std::vector<Payload> payload_;
  std::vector<std::uint32_t> free_;
  std::vector<Entry> buckets_[64];
  std::vector<Entry> split_;
  std::uint64_t nonempty_ = 0;
  SimTime base_ = 0;
  std::uint64_t seq_ = 0;
  std::size_t live_ = 0, cancelled_ = 0;
  std::size_t waiting_ = 0, dead_waiting_ = 0;  // live and cancelled timeouts in buckets
  SimTime now_ = 0;
  bool top_fired_ = false;
};

}  // namespace cpark::bench::v1

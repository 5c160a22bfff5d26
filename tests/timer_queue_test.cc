// The engine's deadline queue: ordering, cancellation by the owner, and (issue: cancel
// had no generation check) a stale timer that cancels nothing and never fires.
#include <gtest/gtest.h>

#include <unordered_map>

#include "engine/detail/timer_queue.h"

namespace cpark::detail {
namespace {

// Owners as the services keep them: each holds the token of its one pending timer.
struct Owners {
  TimerQueue q;
  std::unordered_map<std::uint32_t, TimerToken> held;  // owner number -> token, 0: none
  Owners() {
    q.set_liveness(
        [](const void* self, TimerKind, SlotId id, TimerToken token) {
          const auto& h = static_cast<const Owners*>(self)->held;
          const auto it = h.find(id.index());
          return it != h.end() && it->second == token;
        },
        this);
  }
  static SlotId id(std::uint32_t n) { return SlotId(n, 1); }
  void schedule(std::int64_t at, std::uint32_t n, TimerKind kind = TimerKind::Park) {
    held[n] = q.schedule(Time{at}, kind, id(n));
  }
  void cancel(std::uint32_t n) {
    if (held[n] == 0) return;  // the services cancel only a timer they hold
    held[n] = 0;
    q.cancelled();
  }
  // Pops what is due at `now`; the owner forgets the token, as on_timer does.
  std::optional<TimerQueue::Fired> fire(std::int64_t now) {
    auto f = q.pop_due(Time{now});
    if (f) {
      EXPECT_EQ(held[f->owner.id.index()], f->token) << "a timer fired whose owner no longer held it";
      held[f->owner.id.index()] = 0;
    }
    return f;
  }
};

TEST(P10_TimerQueue, FiresInDeadlineOrderWithFifoTies) {
  Owners o;
  o.schedule(30, 1);
  o.schedule(10, 2);
  o.schedule(10, 3, TimerKind::Ringing);
  o.schedule(20, 4);
  EXPECT_EQ(o.q.next_deadline(), Time{10});
  std::vector<std::uint32_t> order;
  std::vector<TimerKind> kinds;
  while (auto f = o.fire(100)) order.push_back(f->owner.id.index()), kinds.push_back(f->owner.kind);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 3, 4, 1}));
  EXPECT_EQ(kinds[1], TimerKind::Ringing);
  EXPECT_FALSE(o.q.next_deadline());
  EXPECT_TRUE(o.q.empty());
}

TEST(P10_TimerQueue, NothingFiresBeforeItsDeadline) {
  Owners o;
  o.schedule(50, 1);
  EXPECT_FALSE(o.fire(49));
  EXPECT_TRUE(o.fire(50));
}

// A park whose timer fired and which schedules another (ringback) holds only the new
// token: the old one can neither fire again nor stand for the new one.
TEST(P10_TimerQueue, AStaleTokenMatchesNothingAfterTheOwnerMovedOn) {
  Owners o;
  o.schedule(10, 1);
  const TimerToken first = o.held[1];
  ASSERT_TRUE(o.fire(10));
  o.schedule(20, 1);  // the same owner's next timer
  EXPECT_NE(o.held[1], first) << "tokens are never reused";
  EXPECT_EQ(o.q.size(), 1u);
  o.cancel(1);
  EXPECT_TRUE(o.q.empty());
  EXPECT_FALSE(o.fire(1000)) << "a cancelled timer fired";
}

TEST(P10_TimerQueue, CancelFromAnywhereKeepsTheHeapOrdered) {
  Owners o;
  for (std::uint32_t i = 0; i < 200; ++i) o.schedule(std::int64_t((i * 7919) % 1000), i);
  for (std::uint32_t i = 0; i < 200; i += 3) o.cancel(i);
  EXPECT_EQ(o.q.size(), 200u - 67u);
  Time last{-1};
  std::size_t fired = 0;
  while (auto f = o.fire(1000)) {
    EXPECT_LE(last, f->at);
    EXPECT_NE(f->owner.id.index() % 3, 0u) << "a cancelled timer fired";
    last = f->at;
    ++fired;
  }
  EXPECT_EQ(fired, 200u - 67u);
}

TEST(P10_TimerQueue, CancellingTheEarliestMovesTheNextDeadline) {
  Owners o;
  o.schedule(10, 1);
  o.schedule(20, 2);
  o.schedule(30, 3);
  o.cancel(1);
  EXPECT_EQ(o.q.next_deadline(), Time{20});
  o.cancel(2);
  EXPECT_EQ(o.q.next_deadline(), Time{30});
  EXPECT_FALSE(o.fire(29)) << "a cancelled timer's deadline must not wake the driver";
  EXPECT_EQ(o.q.size(), 1u);
}

// Park/retrieve churn cancels nearly every timer it schedules: the tombstones it leaves
// must not grow the heap without bound, and no cancelled timer may fire.
TEST(P10_TimerQueue, ChurnOfCancelledTimersKeepsTheHeapBounded) {
  Owners o;
  std::vector<std::uint32_t> live;
  std::uint64_t x = 12345;
  const auto next = [&x] { return (x = x * 6364136223846793005u + 1442695040888963407u) >> 33; };
  for (std::uint32_t i = 0; i < 200'000; ++i) {
    o.schedule(std::int64_t(1'000'000 + next() % 1000), i);
    live.push_back(i);
    if (live.size() > 5'000) {  // a random one is retrieved
      const std::size_t k = next() % live.size();
      o.cancel(live[k]);
      live[k] = live.back();
      live.pop_back();
    }
    ASSERT_LE(o.q.heap_entries(), 2 * o.q.size() + 1024);
  }
  EXPECT_EQ(o.q.size(), live.size());
  std::size_t fired = 0;
  Time last{-1};
  while (auto f = o.fire(2'000'000)) {
    EXPECT_LE(last, f->at);
    last = f->at;
    ++fired;
  }
  EXPECT_EQ(fired, live.size());
  EXPECT_EQ(o.q.heap_entries(), 0u);
}

}  // namespace
}  // namespace cpark::detail

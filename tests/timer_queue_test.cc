// The engine's deadline queue: ordering, cancellation, and (issue: TimerQueue::cancel
// had no generation check) a stale timer id that cancels nothing.
#include <gtest/gtest.h>

#include "engine/detail/timer_queue.h"

namespace cpark::detail {
namespace {

SlotId owner(std::uint32_t n) { return SlotId(n, 1); }

TEST(P10_TimerQueue, FiresInDeadlineOrderWithFifoTies) {
  TimerQueue q;
  q.schedule(Time{30}, TimerKind::Park, owner(1));
  q.schedule(Time{10}, TimerKind::Park, owner(2));
  q.schedule(Time{10}, TimerKind::Ringing, owner(3));
  q.schedule(Time{20}, TimerKind::Park, owner(4));
  EXPECT_EQ(q.next_deadline(), Time{10});
  std::vector<std::uint32_t> order;
  while (auto f = q.pop_due(Time{100})) order.push_back(f->owner.id.index());
  EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 3, 4, 1}));
  EXPECT_FALSE(q.next_deadline());
}

TEST(P10_TimerQueue, NothingFiresBeforeItsDeadline) {
  TimerQueue q;
  q.schedule(Time{50}, TimerKind::Park, owner(1));
  EXPECT_FALSE(q.pop_due(Time{49}));
  EXPECT_TRUE(q.pop_due(Time{50}));
}

TEST(P10_TimerQueue, AStaleTimerIdCancelsNothingEvenAfterItsSlotIsReused) {
  TimerQueue q;
  const TimerId fired = q.schedule(Time{10}, TimerKind::Park, owner(1));
  ASSERT_TRUE(q.pop_due(Time{10}));                                // it fires...
  const TimerId other = q.schedule(Time{20}, TimerKind::Park, owner(2));  // ...its slot is reused
  ASSERT_EQ(other.index(), fired.index());
  q.cancel(fired);  // a park that kept the id of its fired timer cancels it again
  EXPECT_EQ(q.size(), 1u);
  auto f = q.pop_due(Time{20});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->owner.id, owner(2));
  q.cancel(TimerId{});  // the null id is harmless too
  q.cancel(other);      // and so is cancelling twice
  EXPECT_TRUE(q.empty());
}

TEST(P10_TimerQueue, CancelFromAnywhereKeepsTheHeapOrdered) {
  TimerQueue q;
  std::vector<TimerId> ids;
  for (std::uint32_t i = 0; i < 200; ++i)
    ids.push_back(q.schedule(Time{std::int64_t((i * 7919) % 1000)}, TimerKind::Park, owner(i)));
  for (std::uint32_t i = 0; i < 200; i += 3) q.cancel(ids[i]);
  Time last{-1};
  std::size_t fired = 0;
  while (auto f = q.pop_due(Time{1000})) {
    EXPECT_LE(last, f->at);
    EXPECT_NE(f->owner.id.index() % 3, 0u) << "a cancelled timer fired";
    last = f->at;
    ++fired;
  }
  EXPECT_EQ(fired, 200u - 67u);
}

TEST(P10_TimerQueue, CancellingTheEarliestMovesTheNextDeadline) {
  TimerQueue q;
  const TimerId first = q.schedule(Time{10}, TimerKind::Park, owner(1));
  const TimerId second = q.schedule(Time{20}, TimerKind::Park, owner(2));
  q.schedule(Time{30}, TimerKind::Park, owner(3));
  q.cancel(first);
  EXPECT_EQ(q.next_deadline(), Time{20});
  q.cancel(second);
  EXPECT_EQ(q.next_deadline(), Time{30});
  EXPECT_FALSE(q.pop_due(Time{29})) << "a cancelled timer's deadline must not wake the driver";
  EXPECT_EQ(q.size(), 1u);
}

// Park/retrieve churn cancels nearly every timer it schedules: the tombstones it leaves
// must not grow the heap without bound, and no cancelled timer may fire.
TEST(P10_TimerQueue, ChurnOfCancelledTimersKeepsTheHeapBounded) {
  TimerQueue q;
  std::vector<TimerId> live;
  std::uint64_t x = 12345;
  const auto next = [&x] { return (x = x * 6364136223846793005u + 1442695040888963407u) >> 33; };
  for (std::uint32_t i = 0; i < 200'000; ++i) {
    live.push_back(q.schedule(Time{std::int64_t(1'000'000 + next() % 1000)}, TimerKind::Park, owner(i)));
    if (live.size() > 5'000) {  // a random one is retrieved
      const std::size_t k = next() % live.size();
      q.cancel(live[k]);
      live[k] = live.back();
      live.pop_back();
    }
    ASSERT_LE(q.heap_entries(), 2 * q.size() + 1024);
  }
  EXPECT_EQ(q.size(), live.size());
  std::size_t fired = 0;
  Time last{-1};
  while (auto f = q.pop_due(Time{2'000'000})) {
    EXPECT_LE(last, f->at);
    last = f->at;
    ++fired;
  }
  EXPECT_EQ(fired, live.size());
  EXPECT_EQ(q.heap_entries(), 0u);
}

}  // namespace
}  // namespace cpark::detail

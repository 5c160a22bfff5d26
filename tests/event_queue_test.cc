// D1: the simulator kernel — time order, first-in-first-out ties, zero-delay events,
// cancellation and timeouts, checked against a plain reference model.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <set>

#include "simulator/event_queue.h"

namespace cpark::sim {
namespace {

TEST(D1_EventQueue, FiresInTimeOrderWithFifoTies) {
  EventQueue<int> q;
  q.schedule(30, 1);
  q.schedule(10, 2);
  q.schedule(20, 3);
  q.schedule(10, 4);  // same time as 2, scheduled later: fires after it
  std::vector<int> order;
  while (auto e = q.pop()) order.push_back(*e);
  EXPECT_EQ(order, (std::vector<int>{2, 4, 3, 1}));
  EXPECT_EQ(q.now(), 30);
}

TEST(D1_EventQueue, ZeroDelayEventsFireAfterEarlierEventsAtTheSameTime) {
  EventQueue<int> q;
  q.schedule(5, 1);
  q.schedule(5, 2);
  EXPECT_EQ(*q.pop(), 1);
  q.schedule(5, 3);  // zero delay, scheduled at t=5 after 2 was: fires after 2
  q.schedule(6, 4);
  EXPECT_EQ(*q.pop(), 2);
  EXPECT_EQ(*q.pop(), 3);
  EXPECT_EQ(*q.pop(), 4);
  EXPECT_FALSE(q.pop());
}

TEST(D1_EventQueue, CancelledEventsNeverFire) {
  EventQueue<int> q;
  auto a = q.schedule(10, 1);
  q.schedule(20, 2);
  auto t = q.schedule_timeout(15, 3);
  auto z = q.schedule(0, 4);
  q.cancel(a);
  q.cancel(t);
  q.cancel(z);
  q.cancel(a);  // twice is harmless
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(*q.next_time(), 20);
  EXPECT_EQ(*q.pop(), 2);
  EXPECT_FALSE(q.pop());
  q.cancel(a);  // a stale id of a reused slot cancels nothing
  q.schedule(30, 5);
  q.cancel(a);
  EXPECT_EQ(*q.pop(), 5);
}

// A stale id (its event fired, or was cancelled, and the slot now holds another event)
// is refused by the slot map's generation: cancelling it leaves the new event alone.
TEST(D1_EventQueue, StaleIdOfAReusedSlotCancelsNothing) {
  EventQueue<int> q;
  const EventId fired = q.schedule(10, 1);
  EXPECT_EQ(*q.pop(), 1);
  const EventId reuser = q.schedule(20, 2);
  ASSERT_EQ(reuser.index(), fired.index());  // the slot is reused...
  EXPECT_NE(reuser, fired);              // ...under a new generation
  q.cancel(fired);
  EXPECT_EQ(q.size(), 1u);

  const EventId cancelled = q.schedule_timeout(30, 3);
  q.cancel(cancelled);
  EXPECT_EQ(*q.pop(), 2);  // the cancelled timeout is reclaimed on the way
  const EventId next = q.schedule(40, 4);
  q.cancel(cancelled);
  q.cancel(fired);
  q.cancel(EventId{});  // the null id
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(*q.pop(), 4);
  EXPECT_FALSE(q.pop());
  q.cancel(next);  // fired: harmless on an empty queue too
  EXPECT_TRUE(q.empty());
}

TEST(D1_EventQueue, TimeoutsFireInOrderWithOtherEventsUnlessCancelled) {
  EventQueue<int> q;
  q.schedule_timeout(1'000'000, 1);
  const EventId t = q.schedule_timeout(500, 2);
  q.schedule(500, 3);  // same time as timeout 2, scheduled after it
  q.schedule_timeout(70, 4);
  q.schedule(1'000'000, 5);
  q.cancel(t);
  std::vector<int> order;
  while (auto e = q.pop()) order.push_back(*e);
  EXPECT_EQ(order, (std::vector<int>{4, 3, 1, 5}));
  EXPECT_EQ(q.now(), 1'000'000);
}

TEST(D1_EventQueue, NextTimeSkipsCancelledEventsAndAdvanceToMovesTheClock) {
  EventQueue<int> q;
  EXPECT_FALSE(q.next_time());
  const EventId a = q.schedule(10, 1);
  q.schedule(25, 2);
  q.cancel(a);
  EXPECT_EQ(*q.next_time(), 25);
  q.advance_to(20);
  EXPECT_EQ(q.now(), 20);
  q.schedule(20, 3);  // zero delay at the advanced clock
  EXPECT_EQ(*q.next_time(), 20);
  EXPECT_EQ(*q.pop(), 3);
  EXPECT_EQ(*q.pop(), 2);
  EXPECT_EQ(q.now(), 25);
}

// A payload is released when its event ends: when it fires, when it is cancelled (at
// once, wherever it waits: heap, zero-delay FIFO or timeout buckets), or when the queue
// goes with it still pending.
TEST(D1_EventQueue, PayloadsAreReleasedWhenTheirEventsEnd) {
  auto token = std::make_shared<int>(0);
  for (bool drain : {true, false}) {
    EventQueue<std::shared_ptr<int>> q;
    std::vector<EventId> ids;
    for (int i = 0; i < 3000; ++i)
      ids.push_back(i % 3 == 0 ? q.schedule_timeout(100 + i, token) : q.schedule(1 + i % 50, token));
    for (std::size_t i = 0; i < ids.size(); i += 2) q.cancel(ids[i]);  // purges, compactions
    EXPECT_EQ(token.use_count(), long(1 + q.size()));
    for (int i = 0; i < 700; ++i) ASSERT_TRUE(q.pop());
    EXPECT_EQ(token.use_count(), long(1 + q.size()));
    ids.push_back(q.schedule(q.now(), token));  // zero delay
    q.cancel(ids.back());
    EXPECT_EQ(token.use_count(), long(1 + q.size()));
    if (drain) {
      while (q.pop()) {
      }
      EXPECT_EQ(token.use_count(), 1);
    }
  }
  EXPECT_EQ(token.use_count(), 1);
}

// Zero-delay events cancelled in bulk are purged with the heap's stale keys, and the
// ones left keep their order.
TEST(D1_EventQueue, ZeroDelayEventsCancelledInBulkArePurgedInOrder) {
  EventQueue<int> q;
  q.schedule(10, -1);
  ASSERT_EQ(*q.pop(), -1);  // now() = 10
  std::vector<EventId> ids;
  for (int i = 0; i < 5000; ++i) ids.push_back(q.schedule(10, i));
  for (int i = 0; i < 5000; ++i)
    if (i % 10 != 0) q.cancel(ids[std::size_t(i)]);
  EXPECT_EQ(q.size(), 500u);
  for (int i = 0; i < 5000; i += 10) ASSERT_EQ(*q.pop(), i);
  EXPECT_FALSE(q.pop());
}

// Random schedules, timeouts and cancellations against a std::map keyed by (time, seq).
TEST(D1_EventQueue, MatchesReferenceModelUnderRandomOperations) {
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    EventQueue<std::uint64_t> q;
    std::map<std::pair<SimTime, std::uint64_t>, std::uint64_t> ref;  // (time, seq) -> value
    std::vector<std::pair<EventId, std::pair<SimTime, std::uint64_t>>> handles;
    std::uint64_t seq = 0;
    for (int step = 0; step < 200000; ++step) {
      const auto op = rng() % 10;
      if (op < 4) {
        const SimTime at = q.now() + SimTime(rng() % 3 == 0 ? 0 : rng() % 5000);
        const bool timeout = rng() % 2;
        const EventId id = timeout ? q.schedule_timeout(at, seq) : q.schedule(at, seq);
        ref[{std::max(at, q.now()), seq}] = seq;
        handles.push_back({id, {std::max(at, q.now()), seq}});
        ++seq;
      } else if (op < 6 && !handles.empty()) {
        const auto i = rng() % handles.size();
        q.cancel(handles[i].first);
        ref.erase(handles[i].second);
        handles[i] = handles.back();
        handles.pop_back();
      } else {
        auto e = q.pop();
        if (ref.empty()) {
          ASSERT_FALSE(e);
          continue;
        }
        ASSERT_TRUE(e);
        const auto expected = ref.begin();
        ASSERT_EQ(*e, expected->second) << "step " << step;
        ASSERT_EQ(q.now(), expected->first.first);
        ref.erase(expected);
      }
      ASSERT_EQ(q.size(), ref.size());
    }
  }
}

// The same check with tens of thousands pending, so that purges of cancelled heap
// entries, compactions of cancelled timeouts and deep heaps are all exercised.
TEST(D1_EventQueue, MatchesReferenceModelWithManyPendingEvents) {
  for (std::uint64_t seed : {11u, 12u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    EventQueue<std::uint64_t> q;
    std::map<std::pair<SimTime, std::uint64_t>, std::uint64_t> ref;
    std::vector<std::pair<EventId, std::pair<SimTime, std::uint64_t>>> handles;
    std::uint64_t seq = 0;
    const auto schedule = [&] {
      const SimTime at = q.now() + SimTime(rng() % 8 == 0 ? 0 : rng() % 1'000'000);
      const bool timeout = rng() % 2;
      const EventId id = timeout ? q.schedule_timeout(at, seq) : q.schedule(at, seq);
      ref[{at, seq}] = seq;
      handles.push_back({id, {at, seq}});
      ++seq;
    };
    for (int i = 0; i < 30000; ++i) schedule();
    for (int step = 0; step < 150000; ++step) {
      const auto op = rng() % 8;
      if (op < 3) {
        schedule();
      } else if (op < 5 && !handles.empty()) {
        const auto i = rng() % handles.size();
        q.cancel(handles[i].first);
        ref.erase(handles[i].second);
        handles[i] = handles.back();
        handles.pop_back();
      } else {
        const auto e = q.pop();
        if (ref.empty()) {
          ASSERT_FALSE(e);
          continue;
        }
        ASSERT_TRUE(e);
        ASSERT_EQ(*e, ref.begin()->second) << "step " << step;
        ASSERT_EQ(q.now(), ref.begin()->first.first);
        ref.erase(ref.begin());
      }
      ASSERT_EQ(q.size(), ref.size());
    }
  }
}

}  // namespace
}  // namespace cpark::sim

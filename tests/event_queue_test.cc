// D1: the simulator kernel — time order, first-in-first-out ties, zero-delay events,
// cancellation and timeouts, checked against a plain reference model.
#include <gtest/gtest.h>

#include <map>
#include <random>

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

}  // namespace
}  // namespace cpark::sim

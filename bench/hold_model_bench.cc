// Hold-model throughput of the simulator's EventQueue against a plain
// std::priority_queue of the same 24-byte events. `cancel`: 0 = none; 1 = one
// cancellation per event with N pending (the fired event also cancels a random other
// pending event and schedules its replacement, e.g. a retrieval cancelling a park
// timeout while a new park arms one); 2 = every firing re-arms a 4-mean timeout of its
// slot (N hold events + N timeouts pending, nearly all cancelled). ns-3's DefaultSimulatorImpl is in ns3_hold_bench.cc (built when found).
// Items per second = fired hold events per second. Compare rows of one run only.
#include <benchmark/benchmark.h>

#include <queue>
#include <vector>

#include "simulator/event_queue.h"
#include "bench/hold_model.h"

namespace cpark::bench {
namespace {

struct HoldEvent {
  std::uint32_t slot;
  bool guard;
};

void BM_Hold_EventQueue(benchmark::State& state) {
  const auto n = std::uint32_t(state.range(0));
  const bool guard = state.range(1) == 2, replace = state.range(1) == 1;
  sim::EventQueue<HoldEvent> q;
  Rng rng;
  std::vector<sim::EventId> guards(n), pending(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    pending[i] = q.schedule(rng.exp_ticks(), {i, false});
    if (guard) guards[i] = q.schedule_timeout(kGuardTicks, {i, true});
  }
  std::int64_t fired = 0;
  for (auto _ : state) {
    auto e = *q.pop();
    if (e.guard) continue;  // a timeout that fired (rare by construction)
    const auto now = q.now();
    pending[e.slot] = q.schedule(now + rng.exp_ticks(), {e.slot, false});
    if (replace) {
      const auto victim = std::uint32_t(rng.next() % n);
      q.cancel(pending[victim]);
      pending[victim] = q.schedule(now + rng.exp_ticks(), {victim, false});
    }
    if (guard) {
      q.cancel(guards[e.slot]);
      guards[e.slot] = q.schedule_timeout(now + kGuardTicks, {e.slot, true});
    }
    ++fired;
  }
  state.SetItemsProcessed(fired);
}

struct PlainEvent {
  std::int64_t at;
  std::uint64_t seq;
  std::uint32_t slot;
  bool operator>(const PlainEvent& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

// The plain baseline cancels the only way a std::priority_queue can: a generation per
// slot, checked when the entry surfaces (ns-3 does the same).
void BM_Hold_PriorityQueue(benchmark::State& state) {
  const auto n = std::uint32_t(state.range(0));
  const bool guard = state.range(1) == 2, replace = state.range(1) == 1;
  std::vector<std::uint64_t> live_seq(n);  // the seq of each slot's live hold event
  std::priority_queue<PlainEvent, std::vector<PlainEvent>, std::greater<>> q;
  Rng rng;
  std::uint64_t seq = 0;
  std::vector<std::uint64_t> guard_seq(n, ~0ULL);
  for (std::uint32_t i = 0; i < n; ++i) {
    live_seq[i] = seq;
    q.push({rng.exp_ticks(), seq++, i});
    if (guard) {
      guard_seq[i] = seq;
      q.push({kGuardTicks, seq++, i | 0x80000000u});
    }
  }
  std::int64_t fired = 0;
  for (auto _ : state) {
    const PlainEvent e = q.top();
    q.pop();
    if (e.slot & 0x80000000u) continue;  // a timeout: cancelled (stale) or fired
    if (e.seq != live_seq[e.slot]) continue;  // cancelled: surfaces stale
    live_seq[e.slot] = seq;
    q.push({e.at + rng.exp_ticks(), seq++, e.slot});
    if (replace) {
      const auto victim = std::uint32_t(rng.next() % n);
      live_seq[victim] = seq;  // its pending entry goes stale
      q.push({e.at + rng.exp_ticks(), seq++, victim});
    }
    if (guard) {
      guard_seq[e.slot] = seq;  // cancels the old one: it will surface stale
      q.push({e.at + kGuardTicks, seq++, e.slot | 0x80000000u});
    }
    ++fired;
  }
  state.SetItemsProcessed(fired);
}

void args(benchmark::internal::Benchmark* b) {
  for (long n : {1'000L, 100'000L, 1'000'000L})
    for (long g : {0L, 1L, 2L}) b->Args({n, g});
  b->ArgNames({"N", "cancel"});
}
BENCHMARK(BM_Hold_EventQueue)->Apply(args);
BENCHMARK(BM_Hold_PriorityQueue)->Apply(args);

}  // namespace
}  // namespace cpark::bench

BENCHMARK_MAIN();

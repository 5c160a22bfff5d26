// Hold-model throughput (bench/hold_model.h) of the simulator's EventQueue, of its
// previous version (bench/detail/event_queue_v1.h, for before/after in one session) and
// of a plain std::priority_queue, all carrying the same 24-byte payload and drawing the
// same random numbers. ns-3 runs the same model in ns3_hold_bench.cc.
//
// items_per_second = fired hold events per second. Single runs on a shared machine are
// noisy and the order of runs alone moves ratios by tens of percent: compare
// implementations with bench/run-hold-bench.sh, which runs one benchmark per process,
// alternating implementations and flipping their order every round, and prints medians.
//
// Each process keeps its model alive across Google Benchmark's repeated calls of a
// benchmark function (it calls it with growing iteration counts): the model is built and
// warmed up by N firings once, then every call continues the same run, so the timed run
// measures the steady state and the setup of N = 10^6 is paid once per process.
#include <benchmark/benchmark.h>

#include <memory>
#include <queue>
#include <vector>

#include "bench/detail/event_queue_v1.h"
#include "bench/hold_model.h"
#include "simulator/event_queue.h"

namespace cpark::bench {
namespace {

struct Model {
  virtual ~Model() = default;
};

// The model of the running benchmark (one at a time, whatever its type); a benchmark
// with another model or other arguments replaces it.
struct CurrentModel {
  std::unique_ptr<Model> model;
  const void* kind = nullptr;
  std::uint32_t n = 0;
  int cancel = -1;
};
CurrentModel current;

template <class M>
M& model_for(std::uint32_t n, int cancel) {
  static const char kind = 0;  // one address per model type
  if (current.kind != &kind || current.n != n || current.cancel != cancel) {
    current.model.reset();  // free the old model before building the new one
    current.model = std::make_unique<M>(n, cancel);
    current.kind = &kind;
    current.n = n;
    current.cancel = cancel;
  }
  return static_cast<M&>(*current.model);
}

// The hold model on a cpark kernel (the current one or v1: same API).
template <class Queue, class Id>
struct KernelHold final : Model {
  Queue q;
  Rng rng;
  std::uint32_t n;
  int cancel;
  std::vector<Id> pending, guards;  // only the cancel modes keep ids, as a model would
  std::uint64_t guards_fired = 0;

  KernelHold(std::uint32_t n_, int cancel_) : n(n_), cancel(cancel_) {
    if (cancel != 0) pending.resize(n);
    if (cancel == 2) guards.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      const Id id = q.schedule(rng.exp_ticks(), hold_event(i));
      if (cancel != 0) pending[i] = id;
      if (cancel == 2) guards[i] = q.schedule_timeout(kGuardTicks, guard_event(i));
    }
    for (std::uint32_t i = 0; i < n; ++i) fire();
  }

  // Fires the next hold event (and any timeout that comes due before it).
  void fire() {
    for (;;) {
      const HoldEvent e = *q.pop();
      if (e.kind == kGuard) {
        ++guards_fired;
        continue;
      }
      const auto now = q.now();
      const Id id = q.schedule(now + rng.exp_ticks(), e);
      if (cancel == 0) return;
      pending[e.who] = id;
      if (cancel == 1) {
        const auto victim = std::uint32_t(rng.next() % n);
        q.cancel(pending[victim]);
        pending[victim] = q.schedule(now + rng.exp_ticks(), hold_event(victim));
      } else {
        q.cancel(guards[e.who]);
        guards[e.who] = q.schedule_timeout(now + kGuardTicks, guard_event(e.who));
      }
      return;
    }
  }
};

// The plain baseline: std::priority_queue of {time, seq, payload}. It cancels the only
// way a std::priority_queue can: a generation (the seq) per model slot, checked when the
// entry surfaces, as ns-3 does. Without cancellations it checks nothing.
struct PlainEvent {
  std::int64_t at;
  std::uint64_t seq;
  HoldEvent ev;
  bool operator>(const PlainEvent& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};
static_assert(sizeof(PlainEvent) == 40);

struct PriorityQueueHold final : Model {
  std::priority_queue<PlainEvent, std::vector<PlainEvent>, std::greater<>> q;
  Rng rng;
  std::uint32_t n;
  int cancel;
  std::uint64_t seq = 0;
  std::vector<std::uint64_t> live_seq, guard_seq;  // the seq of each slot's live event
  std::uint64_t guards_fired = 0;

  PriorityQueueHold(std::uint32_t n_, int cancel_) : n(n_), cancel(cancel_) {
    if (cancel != 0) live_seq.resize(n);
    if (cancel == 2) guard_seq.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (cancel != 0) live_seq[i] = seq;
      q.push({rng.exp_ticks(), seq++, hold_event(i)});
      if (cancel == 2) {
        guard_seq[i] = seq;
        q.push({kGuardTicks, seq++, guard_event(i)});
      }
    }
    for (std::uint32_t i = 0; i < n; ++i) fire();
  }

  void fire() {
    for (;;) {
      const PlainEvent e = q.top();
      q.pop();
      if (cancel != 0) {
        if (e.ev.kind == kGuard) {
          guards_fired += e.seq == guard_seq[e.ev.who];  // a live timeout fired; else stale
          continue;
        }
        if (e.seq != live_seq[e.ev.who]) continue;  // cancelled: surfaces stale
        live_seq[e.ev.who] = seq;
      }
      q.push({e.at + rng.exp_ticks(), seq++, e.ev});
      if (cancel == 1) {
        const auto victim = std::uint32_t(rng.next() % n);
        live_seq[victim] = seq;  // its pending entry goes stale
        q.push({e.at + rng.exp_ticks(), seq++, hold_event(victim)});
      } else if (cancel == 2) {
        guard_seq[e.ev.who] = seq;  // the old timeout goes stale
        q.push({e.at + kGuardTicks, seq++, guard_event(e.ev.who)});
      }
      return;
    }
  }
};

template <class M>
void run(benchmark::State& state) {
  M& m = model_for<M>(std::uint32_t(state.range(0)), int(state.range(1)));
  for (auto _ : state) m.fire();
  state.SetItemsProcessed(state.iterations());
}

void BM_Hold_EventQueue(benchmark::State& state) { run<KernelHold<sim::EventQueue<HoldEvent>, sim::EventId>>(state); }
void BM_Hold_EventQueueV1(benchmark::State& state) { run<KernelHold<v1::EventQueue<HoldEvent>, v1::EventId>>(state); }
void BM_Hold_PriorityQueue(benchmark::State& state) { run<PriorityQueueHold>(state); }

void args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"N", "cancel"})->ArgsProduct({{1'000, 100'000, 1'000'000}, {0, 1, 2}});
}
BENCHMARK(BM_Hold_EventQueue)->Apply(args);
BENCHMARK(BM_Hold_EventQueueV1)->Apply(args);
BENCHMARK(BM_Hold_PriorityQueue)->Apply(args);

}  // namespace
}  // namespace cpark::bench

BENCHMARK_MAIN();

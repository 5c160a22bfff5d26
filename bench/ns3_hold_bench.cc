// The hold model of bench/hold_model.h on ns-3's DefaultSimulatorImpl with its default
// scheduler (MapScheduler), through the public API (Simulator::Schedule / Cancel / Stop),
// carrying the same 24-byte payload and drawing the same random numbers as
// cpark_hold_bench. Built when Debian's libns3-dev is installed
// (scripts/install-bench-deps.sh); bench/run-hold-bench.sh interleaves it with the
// other implementations.
//
// As in hold_model_bench.cc, the simulation of one benchmark lives across Google
// Benchmark's repeated calls (built and warmed up by N firings once); each iteration
// runs kBatch firings.
#include <benchmark/benchmark.h>
#include <ns3/core-module.h>

#include <vector>

#include "bench/hold_model.h"

namespace cpark::bench {
namespace {

constexpr std::int64_t kBatch = 1000;

struct HoldState {
  Rng rng;
  std::uint32_t n = 0;
  int cancel = -1;
  std::int64_t fired = 0, stop_at = 0, guards_fired = 0;
  std::vector<ns3::EventId> pending, guards;  // only the cancel modes keep ids
};
HoldState* g = nullptr;

void Guard(HoldEvent) { ++g->guards_fired; }

void Hold(HoldEvent e) {
  HoldState& s = *g;
  ns3::EventId id = ns3::Simulator::Schedule(ns3::NanoSeconds(s.rng.exp_ticks()), &Hold, e);
  if (s.cancel != 0) s.pending[e.who] = id;
  if (s.cancel == 1) {
    const auto victim = std::uint32_t(s.rng.next() % s.n);
    ns3::Simulator::Cancel(s.pending[victim]);
    s.pending[victim] = ns3::Simulator::Schedule(ns3::NanoSeconds(s.rng.exp_ticks()), &Hold, hold_event(victim));
  } else if (s.cancel == 2) {
    ns3::Simulator::Cancel(s.guards[e.who]);
    s.guards[e.who] = ns3::Simulator::Schedule(ns3::NanoSeconds(kGuardTicks), &Guard, guard_event(e.who));
  }
  if (++s.fired == s.stop_at) ns3::Simulator::Stop();
}

// The simulation of the running benchmark; a benchmark with other arguments replaces it.
HoldState& simulation_for(std::uint32_t n, int cancel) {
  static HoldState s;
  if (s.n == n && s.cancel == cancel) return s;
  if (s.cancel >= 0) ns3::Simulator::Destroy();
  s = HoldState{};
  g = &s;
  s.n = n;
  s.cancel = cancel;
  if (cancel != 0) s.pending.resize(n);
  if (cancel == 2) s.guards.resize(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    ns3::EventId id = ns3::Simulator::Schedule(ns3::NanoSeconds(s.rng.exp_ticks()), &Hold, hold_event(i));
    if (cancel != 0) s.pending[i] = id;
    if (cancel == 2) s.guards[i] = ns3::Simulator::Schedule(ns3::NanoSeconds(kGuardTicks), &Guard, guard_event(i));
  }
  s.stop_at = n;  // warm up by N firings
  ns3::Simulator::Run();
  return s;
}

void BM_Hold_Ns3Default(benchmark::State& state) {
  HoldState& s = simulation_for(std::uint32_t(state.range(0)), int(state.range(1)));
  for (auto _ : state) {
    s.stop_at = s.fired + kBatch;
    ns3::Simulator::Run();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_Hold_Ns3Default)
    ->ArgNames({"N", "cancel"})
    ->ArgsProduct({{1'000, 100'000, 1'000'000}, {0, 1, 2}});

}  // namespace
}  // namespace cpark::bench

BENCHMARK_MAIN();

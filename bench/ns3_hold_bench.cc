// The same hold model on ns-3's DefaultSimulatorImpl with its default scheduler
// (MapScheduler), through the public API (Simulator::Schedule / Cancel / Stop). Built
// when Debian's libns3-dev is installed (scripts/install-bench-deps.sh). Compare with
// cpark_hold_bench rows run back to back on the same machine.
#include <benchmark/benchmark.h>
#include <ns3/core-module.h>

#include <vector>

#include "bench/hold_model.h"

namespace cpark::bench {
namespace {

struct HoldState {
  Rng rng;
  std::uint32_t n = 0;
  int cancel = 0;  // 0 none, 1 cancel + replace a random pending event, 2 re-armed timeout
  std::int64_t fired = 0, stop_at = 0;
  std::vector<ns3::EventId> pending, guards;
};
HoldState* g = nullptr;

void Guard(std::uint32_t) {}

void Hold(std::uint32_t slot) {
  HoldState& s = *g;
  s.pending[slot] = ns3::Simulator::Schedule(ns3::NanoSeconds(s.rng.exp_ticks()), &Hold, slot);
  if (s.cancel == 1) {
    const auto victim = std::uint32_t(s.rng.next() % s.n);
    ns3::Simulator::Cancel(s.pending[victim]);
    s.pending[victim] = ns3::Simulator::Schedule(ns3::NanoSeconds(s.rng.exp_ticks()), &Hold, victim);
  } else if (s.cancel == 2) {
    ns3::Simulator::Cancel(s.guards[slot]);
    s.guards[slot] = ns3::Simulator::Schedule(ns3::NanoSeconds(kGuardTicks), &Guard, slot);
  }
  if (++s.fired == s.stop_at) ns3::Simulator::Stop();
}

void BM_Hold_Ns3Default(benchmark::State& state) {
  HoldState s;
  g = &s;
  s.n = std::uint32_t(state.range(0));
  s.cancel = int(state.range(1));
  s.pending.resize(s.n);
  s.guards.resize(s.n);
  for (std::uint32_t i = 0; i < s.n; ++i) {
    s.pending[i] = ns3::Simulator::Schedule(ns3::NanoSeconds(s.rng.exp_ticks()), &Hold, i);
    if (s.cancel == 2) s.guards[i] = ns3::Simulator::Schedule(ns3::NanoSeconds(kGuardTicks), &Guard, i);
  }
  constexpr std::int64_t kBatch = 100'000;
  for (auto _ : state) {
    s.stop_at = s.fired + kBatch;
    ns3::Simulator::Run();
  }
  state.SetItemsProcessed(s.fired);
  ns3::Simulator::Destroy();
  g = nullptr;
}
BENCHMARK(BM_Hold_Ns3Default)
    ->ArgNames({"N", "cancel"})
    ->ArgsProduct({{1'000, 100'000, 1'000'000}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace cpark::bench

BENCHMARK_MAIN();

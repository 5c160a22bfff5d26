// The whole model: simulated parks per wall-second on the shipped Lync 2013 user-model
// scenario (8 parks/min, mean park 60 s, 40,000 users) scaled to 1,000,000 parks, one
// replication on one core. Run: build/bench/cpark_simulation_bench
#include <benchmark/benchmark.h>

#include "simulator/runner.h"
#include "simulator/simulation.h"

namespace cpark::sim {
namespace {

void BM_LyncUserModel_MillionParks(benchmark::State& state) {
  Scenario s = read_scenario(CPARK_SCENARIOS "/lync-2013-user-model.toml");
  const double parks_per_hour = s.traffic.at(0).parks_per_hour;
  s.run.warmup = 0;
  s.run.duration = 1'000'000.0 / parks_per_hour * 3600.0;  // 1,000,000 parks expected
  s.run.replications = 1;
  const auto book = make_phone_book(s, build_deployment(s));
  double parks = 0, events = 0;
  for (auto _ : state) {
    ReplicationResult r = run_replication(s, *book, PointId{}, 0, nullptr);
    parks = r.figures.at("parks");
    events = double(r.events);
  }
  state.counters["parks"] = parks;
  state.counters["parks_per_second"] = benchmark::Counter(parks * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["events_per_second"] = benchmark::Counter(events * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LyncUserModel_MillionParks)->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3);

}  // namespace
}  // namespace cpark::sim

BENCHMARK_MAIN();

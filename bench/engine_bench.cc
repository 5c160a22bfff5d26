// Engine hot paths (Google Benchmark): a park+retrieve pair, group pickup of the
// longest-ringing call among 10,000 ringing calls, and orbit allocation in a pool of
// 50,000 orbits with 99 % busy. Run: build/bench/cpark_engine_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>

#include "common/random.h"
#include "engine/engine.h"

namespace cpark {
namespace {

// The orbit and park id of the OrbitAssigned among the outputs; drains the rest.
std::pair<OrbitNumber, ParkId> assigned(Engine& e) {
  std::pair<OrbitNumber, ParkId> out{};
  e.drain([&](const Output& o) {
    if (auto* a = std::get_if<OrbitAssigned>(&o)) out = {a->orbit, a->park};
  });
  return out;
}
void drain(Engine& e) {
  e.drain([](const Output&) {});
}

OrbitRange range(std::string name, std::string a, std::string b, RangeType t, std::string pool) {
  OrbitRange r;
  r.name = std::move(name); r.start = std::move(a); r.end = std::move(b); r.type = t; r.pool = std::move(pool);
  return r;
}

Deployment bench_deployment(int callpark_ranges, int users) {
  Deployment d;
  d.pools = {{"pool1", "", true, OrbitChoice::Next}, {"pool2", "", true, OrbitChoice::Next}};
  for (int i = 0; i < callpark_ranges; ++i)
    d.ranges.push_back(range("park" + std::to_string(i), std::to_string(100000 + i * 10000),
                             std::to_string(109999 + i * 10000), RangeType::CallPark, "pool1"));
  // Group numbers live on pool2 so pool1 can hold the full 50,000 CallPark orbits (O5).
  d.ranges.push_back(range("groups", "#7100", "#7109", RangeType::GroupPickup, "pool2"));
  d.settings = {CallParkSettings{}};
  d.policies = {{"global", true}};
  for (int i = 0; i < users; ++i) {
    User u;
    u.name = "user" + std::to_string(i);
    u.extension = std::to_string(20000 + i);
    u.pool = "pool1";
    u.pickup_group = "#7100";
    u.ring_timeout_seconds = 600;
    d.users.push_back(u);
  }
  return d;
}

void BM_ParkRetrievePair(benchmark::State& state) {
  Engine e(1);
  if (!e.apply_deployment(Time{0}, bench_deployment(1, 2)).ok()) {
    state.SkipWithError("deployment rejected");
    return;
  }
  const UserId parker = *e.user_id("user0"), retriever = *e.user_id("user1");
  const PoolId pool = *e.pool_id("pool1");
  CallId call = 1;
  Time now{0};
  for (auto _ : state) {
    e.park(now, {call, parker, std::nullopt});
    const auto [orbit, park] = assigned(e);
    e.retrieve(now, {call + 1, Caller{retriever}, pool, orbit, park});
    drain(e);
    call += 2;
    ++now;
  }
  if (e.active_parks() != 0) state.SkipWithError("parks leaked");
}
BENCHMARK(BM_ParkRetrievePair);

// Pickup with 10,000 calls ringing in the group: each iteration picks the longest-ringing
// call and rings a new one, so the group always holds 10,000.
void BM_PickupLongestRinging(benchmark::State& state) {
  const int ringing = int(state.range(0));
  Engine e(1);
  if (!e.apply_deployment(Time{0}, bench_deployment(1, 100)).ok()) {
    state.SkipWithError("deployment rejected");
    return;
  }
  const PoolId pool = *e.pool_id("pool2");
  const UserId picker = *e.user_id("user0");
  const auto group = *parse_orbit_number("#7100");
  CallId call = 1;
  Time now{0};
  for (int i = 0; i < ringing; ++i, ++call) e.handle(now, CallRinging{call, UserId(i % 100), "", ""});
  drain(e);
  for (auto _ : state) {
    e.pickup(now, {1'000'000'000 + call, Caller{picker}, pool, group});
    e.handle(now, CallRinging{call, UserId(call % 100), "", ""});
    drain(e);
    ++call;
  }
  if (e.ringing_calls() != std::size_t(ringing)) state.SkipWithError("ringing count drifted");
}
BENCHMARK(BM_PickupLongestRinging)->Arg(10'000);

// Orbit allocation in a pool of 5 x 10,000 = 50,000 orbits with 99 % busy: each iteration
// parks one call (finding a free orbit) and retrieves a random parked call to keep 99 %.
void BM_OrbitAllocation99PercentBusy(benchmark::State& state) {
  const auto choice = OrbitChoice(state.range(0));
  Deployment d = bench_deployment(5, 2);
  d.pools[0].orbit_choice = choice;
  Engine e(1);
  if (!e.apply_deployment(Time{0}, d).ok()) {
    state.SkipWithError("deployment rejected");
    return;
  }
  const UserId parker = *e.user_id("user0"), retriever = *e.user_id("user1");
  const PoolId pool = *e.pool_id("pool1");
  std::vector<std::pair<OrbitNumber, ParkId>> parked;
  CallId call = 1;
  for (int i = 0; i < 49'500; ++i, ++call) {
    e.park(Time{0}, {call, parker, std::nullopt});
    parked.push_back(assigned(e));
  }
  Random pick(7);
  for (auto _ : state) {
    e.park(Time{0}, {call, parker, std::nullopt});
    const std::uint32_t victim = pick.below(std::uint32_t(parked.size()));
    auto old = parked[victim];
    parked[victim] = assigned(e);
    e.retrieve(Time{0}, {call + 1, Caller{retriever}, pool, old.first, old.second});
    drain(e);
    call += 2;
  }
  state.SetLabel(to_string(choice));
  if (e.busy_orbits(pool) != 49'500) state.SkipWithError("busy count drifted");
}
BENCHMARK(BM_OrbitAllocation99PercentBusy)->Arg(int(OrbitChoice::Next))->Arg(int(OrbitChoice::First))->Arg(int(OrbitChoice::Random));

}  // namespace
}  // namespace cpark

BENCHMARK_MAIN();

// P10 under random input sequences: an orbit holds at most one call; every park ends
// exactly once with one reason; no orbit stays busy after its call ended; no timer fires
// for an ended park. Checked from outside (an observer of the outputs) and from inside
// (Engine::check_invariants) after every step. A failure prints its seed; the seed
// alone replays it: CPARK_SEED=<seed> ctest -R P10.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "tests/engine_fixture.h"

namespace cpark {
namespace {

struct Observer {
  std::map<std::pair<PoolId, std::uint64_t>, ParkId> busy;  // (pool, orbit key) -> park
  std::map<ParkId, std::pair<PoolId, std::uint64_t>> live;  // parked, holding an orbit
  std::set<ParkId> ended, fallback_live;
  std::string error;

  void fail(const std::string& e) { if (error.empty()) error = e; }
  void see(const Output& o) {
    if (auto* a = std::get_if<OrbitAssigned>(&o)) {
      auto key = std::make_pair(a->pool, a->orbit.key());
      if (busy.count(key)) fail("orbit " + a->orbit.to_string() + " given to two calls");
      if (live.count(a->park) || ended.count(a->park)) fail("park id reused");
      busy[key] = a->park;
      live[a->park] = key;
    } else if (auto* e = std::get_if<ParkEnded>(&o)) {
      if (ended.count(e->park)) fail("park " + std::to_string(e->park) + " ended twice");
      auto it = live.find(e->park);
      if (it == live.end()) return fail("unknown park ended");
      busy.erase(it->second);
      live.erase(it);
      ended.insert(e->park);
      if (e->reason == EndReason::Fallback) fallback_live.insert(e->park);
    } else if (auto* r = std::get_if<RingParker>(&o)) {
      if (!live.count(r->park)) fail("ringback for an ended park");
    } else if (auto* s = std::get_if<StopRingback>(&o)) {
      if (!live.count(s->park)) fail("stop ringback for an ended park");
    } else if (auto* f = std::get_if<RingFallback>(&o)) {
      if (!fallback_live.count(f->park)) fail("fallback without a Fallback ending");
    } else if (auto* sf = std::get_if<StopFallback>(&o)) {
      if (!fallback_live.erase(sf->park)) fail("stop fallback of no fallback");
    }
  }
};

struct Fuzzer {
  explicit Fuzzer(std::uint64_t seed) : rng(seed), engine(seed) {
    Deployment d = test::small_deployment();
    d.find_pool("pool2")->orbit_choice = OrbitChoice::Random;
    auto r = engine.apply_deployment(Time{0}, d);
    EXPECT_TRUE(r.ok()) << r.message();
    base = d;
  }

  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); }
  UserId any_user() { return pick(8) == 0 ? kNoUser : UserId(pick(5)); }
  OrbitNumber any_number() {
    static const char* numbers[] = {"*7000", "*7001", "*7002", "*7003", "*8000", "*8005", "*8009", "#7100", "#7101", "#7102", "5555"};
    return *parse_orbit_number(numbers[pick(std::size(numbers))]);
  }
  ParkId any_park() {
    if (parks.empty() || pick(10) == 0) return pick(1000);
    return parks[pick(parks.size())];
  }

  void step() {
    CallId call = 1 + pick(60);
    switch (pick(14)) {
      case 0: case 1:
        engine.park(now, {call, any_user(), pick(4) == 0 ? std::optional(any_number()) : std::nullopt});
        break;
      case 2: case 3:
        engine.retrieve(now, {100 + call, Caller{any_user(), pick(20) == 0}, PoolId(pick(2)), any_number(),
                              pick(3) == 0 ? any_park() : 0});
        break;
      case 4: engine.handle(now, RingbackAnswered{any_park()}); break;
      case 5: engine.handle(now, RingbackUnanswered{any_park()}); break;
      case 6: engine.handle(now, pick(2) ? Input{FallbackAnswered{any_park()}} : Input{FallbackUnanswered{any_park()}}); break;
      case 7: engine.handle(now, PartyHungUp{call}); break;
      case 8:
        engine.handle(now, CallRinging{200 + call, UserId(pick(5)), pick(2) ? "sip:a@b" : "", "", RouteKind(pick(5)), pick(2) == 0});
        break;
      case 9: engine.handle(now, pick(2) ? Input{CallAnswered{200 + call}} : Input{CallEnded{200 + call}}); break;
      case 10: engine.pickup(now, {300 + call, Caller{any_user()}, PoolId(pick(2)), any_number()}); break;
      case 11: {
        if (pick(8) != 0) break;
        Deployment d = base;
        if (pick(2)) d.ranges.erase(d.ranges.begin() + std::ptrdiff_t(pick(2)));  // a CallPark range
        d.settings[0].max_attempts = int(1 + pick(3));
        d.settings[0].fallback_uri = pick(2) ? "sip:op@x.com" : "";
        static_cast<void>(engine.apply_deployment(now, d, pick(2) == 0));  // refusals are part of the test
        break;
      }
      default: {
        auto next = engine.next_deadline();
        now = next && pick(2) ? *next : now + Time(pick(40000));
        engine.handle_timeout(now);
      }
    }
    engine.drain([this](const Output& o) {
      observer.see(o);
      if (auto* a = std::get_if<OrbitAssigned>(&o)) parks.push_back(a->park);
      trace += to_string(o) + "\n";
    });
  }

  void check_step() {
    ASSERT_EQ(observer.error, "");
    ASSERT_EQ(engine.check_invariants(), "");
    std::size_t busy = 0;
    for (PoolId p = 0; p < engine.pool_count(); ++p) busy += engine.busy_orbits(p);
    ASSERT_EQ(busy, observer.busy.size());
    ASSERT_EQ(engine.active_parks(), observer.live.size());
  }

  std::mt19937_64 rng;
  Engine engine;
  Deployment base;
  Observer observer;
  std::vector<ParkId> parks;
  std::string trace;
  Time now{0};
};

std::vector<std::uint64_t> seeds() {
  if (const char* s = std::getenv("CPARK_SEED")) return {std::strtoull(s, nullptr, 10)};
  std::vector<std::uint64_t> v;
  for (std::uint64_t i = 1; i <= 300; ++i) v.push_back(i * 7919);
  return v;
}

TEST(P10_Invariants, HoldUnderRandomInputSequences) {
  Counters total;
  for (auto seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (replay: CPARK_SEED=" + std::to_string(seed) + ")");
    Fuzzer f(seed);
    for (int i = 0; i < 1500; ++i) {
      f.step();
      f.check_step();
      if (::testing::Test::HasFatalFailure()) return;
    }
    // Let every timer run out: every park must end and every orbit come free.
    for (int guard = 0; guard < 10000 && f.engine.next_deadline(); ++guard) {
      f.now = *f.engine.next_deadline();
      f.engine.handle_timeout(f.now);
      f.engine.drain([&](const Output& o) { f.observer.see(o); });
    }
    ASSERT_EQ(f.observer.error, "");
    ASSERT_FALSE(f.engine.next_deadline());
    ASSERT_EQ(f.engine.active_parks(), 0u);
    ASSERT_TRUE(f.observer.live.empty());
    ASSERT_TRUE(f.observer.busy.empty());
    for (PoolId p = 0; p < f.engine.pool_count(); ++p) ASSERT_EQ(f.engine.busy_orbits(p), 0u);
    ASSERT_EQ(f.observer.ended.size(), f.engine.counters().parks);  // each park ended once
    const Counters& c = f.engine.counters();
    total.parks += c.parks; total.retrievals += c.retrievals; total.ringback_answered += c.ringback_answered;
    total.fallbacks += c.fallbacks; total.fallback_answered += c.fallback_answered;
    total.disconnected += c.disconnected; total.abandoned += c.abandoned; total.routed += c.routed;
    total.pickups += c.pickups; total.no_answer += c.no_answer; total.park_rejected += c.park_rejected;
  }
  // The sequences must reach every ending and every branch, or the invariants prove little.
  if (seeds().size() > 1) {
    EXPECT_GT(total.parks, 10000u);
    for (auto n : {total.retrievals, total.ringback_answered, total.fallbacks, total.fallback_answered,
                   total.disconnected, total.abandoned, total.routed, total.pickups, total.no_answer,
                   total.park_rejected})
      EXPECT_GT(n, 100u);
  }
}

TEST(Determinism, SameSeedSameInputsSameOutputs) {
  for (std::uint64_t seed : {1u, 99u, 12345u}) {
    Fuzzer a(seed), b(seed);
    for (int i = 0; i < 3000; ++i) {
      a.step();
      b.step();
    }
    EXPECT_EQ(a.trace, b.trace) << "seed " << seed;
    EXPECT_GT(a.trace.size(), 1000u);
  }
}

}  // namespace
}  // namespace cpark

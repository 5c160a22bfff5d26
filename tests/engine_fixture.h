// A small deployment and helpers for driving the engine in tests: two pools, CallPark
// and GroupPickup ranges, users with call park on and off.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/engine.h"

namespace cpark::test {

inline OrbitNumber num(const char* s) { return *parse_orbit_number(s); }

inline Deployment small_deployment() {
  Deployment d;
  d.pools = {{"pool1", "redmond", true, OrbitChoice::Next}, {"pool2", "dublin", true, OrbitChoice::Next}};
  auto range = [](const char* name, const char* a, const char* b, RangeType t, const char* pool) {
    OrbitRange r;
    r.name = name; r.start = a; r.end = b; r.type = t; r.pool = pool;
    return r;
  };
  d.ranges = {range("park1", "*7000", "*7002", RangeType::CallPark, "pool1"),
              range("park2", "*8000", "*8009", RangeType::CallPark, "pool2"),
              range("groups", "#7100", "#7109", RangeType::GroupPickup, "pool1")};
  CallParkSettings global;
  global.timeout_seconds = 90;
  global.max_attempts = 2;
  global.fallback_uri = "sip:operator@contoso.com";
  d.settings = {global};
  d.policies = {{"global", true}, {"no-park", false}};
  auto user = [](const char* name, const char* ext, const char* pool, const char* group) {
    User u;
    u.name = name; u.extension = ext; u.pool = pool; u.pickup_group = group;
    return u;
  };
  d.users = {user("alice", "1001", "pool1", "#7100"), user("bob", "1002", "pool1", "#7100"),
             user("carol", "1003", "pool1", ""), user("dave", "2001", "pool2", "#7101"),
             user("erin", "1005", "pool1", "#7100")};
  d.users[4].policy = "no-park";
  return d;
}

// An engine serving small_deployment() with short names for its users and pools.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { load(small_deployment()); }
  void load(Deployment d, bool force = false) {
    auto r = engine.apply_deployment(now, std::move(d), force);
    ASSERT_TRUE(r.ok()) << r.message();
    alice = id("alice"); bob = id("bob"); carol = id("carol"); dave = id("dave"); erin = id("erin");
    pool1 = *engine.pool_id("pool1");
    pool2 = *engine.pool_id("pool2");
  }
  UserId id(const char* name) { return engine.user_id(name).value_or(kNoUser); }

  // Every output since the last clear(), oldest first (polled from the engine as needed).
  const std::vector<Output>& outputs() {
    engine.drain([this](const Output& o) { seen.push_back(o); });
    return seen;
  }
  template <class T> std::vector<T> take() {
    std::vector<T> out;
    for (auto& o : outputs()) if (auto* p = std::get_if<T>(&o)) out.push_back(*p);
    return out;
  }
  template <class T> T only() {
    auto v = take<T>();
    EXPECT_EQ(v.size(), 1u) << dump();
    return v.empty() ? T{} : v.front();
  }
  template <class T> std::size_t count() { return take<T>().size(); }
  std::string dump() {
    std::string s;
    for (auto& o : outputs()) s += to_string(o) + "\n";
    return s;
  }
  void clear() {
    outputs();
    seen.clear();
  }
  void advance_to(Time t) { now = t; engine.handle_timeout(now); }
  ParkId park(CallId call, UserId parker) {
    clear();
    engine.park(now, {call, parker, std::nullopt});
    auto v = take<OrbitAssigned>();
    return v.empty() ? 0 : v.front().park;
  }
  OrbitNumber orbit_of(ParkId id) {
    for (auto& o : outputs())
      if (auto* a = std::get_if<OrbitAssigned>(&o); a && a->park == id) return a->orbit;
    return {};
  }
  void retrieve(CallId call, UserId who, OrbitNumber orbit, PoolId at, ParkId park_id = 0) {
    clear();
    engine.retrieve(now, {call, Caller{who}, at, orbit, park_id});
  }
  void check() { ASSERT_EQ(engine.check_invariants(), ""); }

  Engine engine{42};
  std::vector<Output> seen;
  Time now{0};
  UserId alice{}, bob{}, carol{}, dave{}, erin{};
  PoolId pool1{}, pool2{};
};

}  // namespace cpark::test

// O9 orbit choice (next, first, random) and O10 directed park at the allocator level.
#include <gtest/gtest.h>

#include <set>

#include "engine/validated_deployment.h"
#include "engine/detail/orbit_allocator.h"

namespace cpark {
namespace {

using detail::OrbitAllocator;

OrbitAllocator make(const char* a, const char* b) {
  Deployment d;
  d.pools = {{"p", "", true, OrbitChoice::Next}};
  OrbitRange r;
  r.name = "r";
  r.start = a;
  r.end = b;
  r.pool = "p";
  d.ranges = {r};
  auto v = validate_deployment(d);
  EXPECT_TRUE(v.ok());
  return OrbitAllocator(**v, 0);
}

TEST(O9_OrbitChoice, NextIsRoundRobinFromLastHandedOutAndWraps) {
  auto a = make("7000", "7003");
  Random rng(1);
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), 0u);
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), 1u);
  a.release(0);
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), 2u);  // delays reuse of 0
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), 3u);
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), 0u);  // wraps
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), detail::kNoOrbit);  // all busy
}

TEST(O9_OrbitChoice, FirstIsLowestFree) {
  auto a = make("7000", "7003");
  Random rng(1);
  a.allocate(OrbitChoice::First, rng);
  a.allocate(OrbitChoice::First, rng);
  a.release(0);
  EXPECT_EQ(a.allocate(OrbitChoice::First, rng), 0u);
}

TEST(O9_OrbitChoice, RandomCoversEveryFreeOrbitAndOnlyFreeOnes) {
  auto a = make("7000", "7099");
  Random rng(7);
  for (std::uint32_t i = 0; i < 100; i += 2) a.take(i);  // even orbits busy
  std::set<std::uint32_t> seen;
  for (int k = 0; k < 2000; ++k) {
    auto i = a.allocate(OrbitChoice::Random, rng);
    EXPECT_EQ(i % 2, 1u);
    seen.insert(i);
    a.release(i);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(O9_OrbitChoice, LargePoolMostlyBusyStillFindsTheFreeOne) {
  auto a = make("100000", "109999");
  Random rng(3);
  for (std::uint32_t i = 0; i < 10000; ++i) a.take(i);
  a.release(9876);
  EXPECT_EQ(a.allocate(OrbitChoice::Next, rng), 9876u);
  EXPECT_EQ(a.number_at(9876).to_string(), "109876");
}

TEST(O10_DirectedPark, TakeSpecificOrbitOnlyIfFree) {
  auto a = make("*7000", "*7009");
  const std::uint32_t i = a.index_of(*parse_orbit_number("*7005"));
  ASSERT_NE(i, detail::kNoOrbit);
  EXPECT_TRUE(a.take(i));
  EXPECT_FALSE(a.take(i));
  EXPECT_EQ(a.index_of(*parse_orbit_number("#7005")), detail::kNoOrbit);
  EXPECT_EQ(a.index_of(*parse_orbit_number("*7010")), detail::kNoOrbit);
}

}  // namespace
}  // namespace cpark

// `arrival = "deterministic"` (L4): evenly spaced arrivals, the process SIPp's -r plays,
// so a scenario replayed through SIPp and simulated see the same arrivals.
#include <gtest/gtest.h>

#include "config/toml_reader.h"
#include "simulator/runner.h"
#include "simulator/scenario.h"

namespace {

using namespace cpark::sim;

// One orbit, a park every 10 s, each retrieved after exactly 6 s: evenly spaced parks
// never meet a busy orbit; Poisson parks do (Erlang B(0.6, 1) = 0.375).
std::string one_orbit(const std::string& arrival) {
  return R"(
[run]
duration = 36000
warmup = 0
replications = 4
seed = 5
[[pools]]
name = "p1"
[[orbit_ranges]]
name = "one"
start = "7001"
end = "7001"
service = "p1"
[[call_park_settings]]
scope = "global"
timeout = 90
[[voice_policies]]
name = "global"
call_park = true
[[population]]
pool = "p1"
users = 5
extension_start = 2000
[[traffic]]
pool = "p1"
)" + arrival + R"(
parks_per_hour = 360
retrieval_delay = { type = "deterministic", value = 6 }
)";
}

double blocking(const std::string& arrival, double* parks = nullptr) {
  Scenario s = parse_scenario(one_orbit(arrival), "one-orbit.toml");
  Progress progress;
  ScenarioRun run = run_scenario(s, {}, progress);
  if (parks) *parks = run.points.at(0).figure("park_attempts").mean;
  return run.points.at(0).figure("park_blocking").mean;
}

TEST(ArrivalProcess, DeterministicParksNeverBlockWhenTheyFit) {
  double parks = 0;
  EXPECT_EQ(blocking("arrival = \"deterministic\"", &parks), 0);
  EXPECT_NEAR(parks, 3600, 1);  // exactly one every 10 s for 10 hours
}

TEST(ArrivalProcess, PoissonParksBlockAsErlangB) {
  EXPECT_NEAR(blocking(""), 0.375, 0.03);
}

TEST(ArrivalProcess, UnknownArrivalIsNamed) {
  try {
    parse_scenario(one_orbit("arrival = \"bursty\""), "one-orbit.toml");
    FAIL();
  } catch (const cpark::FileError& e) {
    EXPECT_NE(std::string(e.what()).find("traffic[0].arrival"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("poisson or deterministic"), std::string::npos) << e.what();
  }
}

}  // namespace

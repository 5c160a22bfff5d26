// L4: which scenarios can be played as SIP traffic, and the refusal in words naming the
// key when one cannot.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/toml_reader.h"
#include "loadtest/scenario_replay.h"

namespace {

namespace fs = std::filesystem;
using namespace cpark::loadtest;
const fs::path kSource = CPARK_SOURCE_DIR;

std::string refusal(const std::string& scenario, double k = 60) {
  try {
    check_replayable(cpark::sim::read_scenario((kSource / "scenarios" / scenario).string()), k);
  } catch (const cpark::FileError& e) {
    return e.what();
  }
  return "";
}

TEST(ScenarioReplay, ShippedReplayScenariosArePlayable) {
  EXPECT_EQ(refusal("replay-office.toml"), "");
  EXPECT_EQ(refusal("replay-busy.toml"), "");
}

TEST(ScenarioReplay, RingingCallsAreRefusedNamingTheKey) {
  const std::string e = refusal("small-office.toml");
  EXPECT_NE(e.find("small-office.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("calls_per_hour"), std::string::npos) << e;
}

TEST(ScenarioReplay, TimeScaleOutOfRangeIsRefused) {
  EXPECT_NE(refusal("replay-office.toml", 0.5).find("--time-scale"), std::string::npos);
}

}  // namespace

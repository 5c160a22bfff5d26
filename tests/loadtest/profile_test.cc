// The load profile reader: every shipped profile reads, and a wrong profile is refused
// naming file, line and key in the user's words.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/toml_reader.h"
#include "loadtest/profile.h"

namespace {

namespace fs = std::filesystem;
using namespace cpark::loadtest;
const fs::path kSource = CPARK_SOURCE_DIR;

std::string refusal(const std::string& text) {
  try {
    parse_profile(text, (kSource / "sipp/profiles/test.toml").string());
  } catch (const cpark::FileError& e) {
    return e.what();
  }
  return "";
}

TEST(Profile, EveryShippedProfileReads) {
  int n = 0;
  for (auto& e : fs::directory_iterator(kSource / "sipp/profiles")) {
    if (e.path().extension() != ".toml" || e.path().stem() == "load-deployment") continue;
    SCOPED_TRACE(e.path().string());
    const Profile p = read_profile(e.path().string());
    EXPECT_EQ(p.name, e.path().stem().string());
    EXPECT_TRUE(fs::exists(p.deployment.file));
    ++n;
  }
  EXPECT_GE(n, 6);  // smoke, park-1k, park-max, calls-max, pickup-storm, lossy
}

TEST(Profile, SmokeDrivesEveryFlow) {
  const Profile p = read_profile((kSource / "sipp/profiles/smoke.toml").string());
  std::set<Flow> flows;
  for (auto& f : p.flows) flows.insert(f.flow);
  EXPECT_EQ(flows.size(), 5u);
  ASSERT_TRUE(p.max_calls());
  EXPECT_EQ(*p.max_calls(), 35);
}

// The summary's and the chart's target rate: flows one after another never add up.
TEST(Profile, TargetRateIsTheHighestFlowUnlessTheyRunTogether) {
  Profile p;
  p.flows.resize(3);
  p.flows[0].rate = 10;
  p.flows[1].rate = 40;
  p.flows[2].rate = 5;
  EXPECT_EQ(p.call_rate(), 40.0);
  p.parallel = true;
  EXPECT_EQ(p.call_rate(), 55.0);
}

TEST(Profile, UnknownFlowIsNamed) {
  const std::string e = refusal("[deployment]\nfile = \"load-deployment.toml\"\n[[flows]]\nflow = \"teleport\"\ncalls = 1\n");
  EXPECT_NE(e.find("flows[0].flow"), std::string::npos) << e;
  EXPECT_NE(e.find("\"teleport\" is not a flow"), std::string::npos) << e;
}

TEST(Profile, UnknownKeyIsRefused) {
  const std::string e = refusal("[deployment]\nfile = \"load-deployment.toml\"\n[[flows]]\nflow = \"call\"\ncals = 1\n");
  EXPECT_NE(e.find("cals"), std::string::npos) << e;
}

TEST(Profile, FlowMustEnd) {
  const std::string e = refusal("[deployment]\nfile = \"load-deployment.toml\"\n[[flows]]\nflow = \"call\"\n");
  EXPECT_NE(e.find("needs calls or duration"), std::string::npos) << e;
}

TEST(Profile, LossAboveHalfIsRefused) {
  const std::string e = refusal(
      "[deployment]\nfile = \"load-deployment.toml\"\n[[flows]]\nflow = \"call\"\ncalls = 1\n[faults]\ndrop = 0.9\n");
  EXPECT_NE(e.find("drop"), std::string::npos) << e;
}

TEST(Profile, PickupNeedsMembers) {
  const std::string e = refusal("[deployment]\nfile = \"load-deployment.toml\"\n[[flows]]\nflow = \"pickup\"\ncalls = 1\n");
  EXPECT_NE(e.find("members"), std::string::npos) << e;
}

}  // namespace

// M3: normalization rules that would rewrite orbit or group numbers.
#include <gtest/gtest.h>

#include "cli/normalization.h"

namespace cpark {
namespace {

OrbitRange range(const char* name, const char* a, const char* b) {
  OrbitRange r;
  r.name = name;
  r.start = a;
  r.end = b;
  r.pool = "p";
  EXPECT_TRUE(validate_range(r).ok());
  return r;
}

// A validated deployment of pool "p" holding `ranges`.
DeploymentPtr table(std::vector<OrbitRange> ranges) {
  Deployment d;
  d.pools = {{"p", "", true, OrbitChoice::Next}};
  d.ranges = std::move(ranges);
  d.settings = {CallParkSettings{}};
  auto v = validate_deployment(d);
  EXPECT_TRUE(v.ok()) << (v ? "" : v.message());
  return v ? *v : nullptr;
}

TEST(M3_Normalization, RewritingRuleIsReportedWithProtectingRule) {
  std::vector<NormalizationRule> rules = {{"4 digit to E.164", "^(\\d{4})$", "+1425555$1"}};
  auto rep = check_normalization(rules, *table({range("park", "7000", "7999")}));
  ASSERT_EQ(rep.findings.size(), 1u);
  auto& f = rep.findings[0];
  EXPECT_EQ(f.rule, "4 digit to E.164");
  EXPECT_EQ(f.example, "7000");
  EXPECT_EQ(f.rewritten_to, "+14255557000");
  EXPECT_EQ(f.numbers_affected, 1000u);
  EXPECT_EQ(f.protecting_pattern, "^(7\\d{3})$");
  EXPECT_EQ(f.protecting_translation, "$1");
}

TEST(M3_Normalization, ProtectingRuleFirstMeansSafe) {
  std::vector<NormalizationRule> rules = {{"keep orbits", "^(7\\d{3})$", "$1"},
                                          {"4 digit to E.164", "^(\\d{4})$", "+1425555$1"}};
  auto rep = check_normalization(rules, *table({range("park", "7000", "7999")}));
  EXPECT_TRUE(rep.findings.empty());
}

TEST(M3_Normalization, CatchAllRuleLikeDefaultIsFlagged) {
  std::vector<NormalizationRule> rules = {{"default", "^(\\d*)$", "+$1"}};
  auto rep = check_normalization(rules, *table({range("park", "7000", "7009"), range("prefixed", "*7100", "*7109")}));
  ASSERT_EQ(rep.findings.size(), 1u);  // *7100 has a star: ^(\d*)$ does not match it
  EXPECT_EQ(rep.findings[0].range, "park");
  EXPECT_EQ(protecting_pattern(*validate_range(range("x", "*7100", "*7109"))), "^(\\*710\\d)$");
}

TEST(M3_Normalization, BadPatternIsAnError) {
  auto rep = check_normalization({{"broken", "^(7\\d{3}$", "$1"}}, *table({range("park", "7000", "7009")}));
  ASSERT_EQ(rep.errors.size(), 1u);
  EXPECT_NE(rep.errors[0].find("rule \"broken\""), std::string::npos);
}

}  // namespace
}  // namespace cpark

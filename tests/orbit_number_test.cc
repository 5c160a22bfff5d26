// O2 number syntax and O3/O5 range rules, one test per rule.
#include <gtest/gtest.h>

#include "engine/orbit_range.h"

namespace cpark {
namespace {

// What is wrong with a number or a range, or "" when nothing is.
std::string why(const char* text) {
  auto n = parse_orbit_number(text);
  return n ? "" : n.message();
}
std::string problem(const OrbitRange& r) {
  auto b = validate_range(r);
  return b ? "" : b.message();
}

TEST(O2_NumberSyntax, AcceptsPrefixedAndPlainNumbers) {
  for (const char* ok : {"*101", "#6000", "*92000", "*95551212", "915551212", "41212", "300", "1"})
    EXPECT_TRUE(parse_orbit_number(ok)) << ok;
}

TEST(O2_NumberSyntax, RejectsLeadingZeroPlusLettersAndLength) {
  EXPECT_FALSE(parse_orbit_number("0123"));
  EXPECT_NE(why("0123").find("leading 0"), std::string::npos);
  EXPECT_FALSE(parse_orbit_number("*0123"));
  EXPECT_FALSE(parse_orbit_number("+14255550100"));
  EXPECT_NE(why("+14255550100").find("E.164"), std::string::npos);
  EXPECT_FALSE(parse_orbit_number("1234567890"));   // 10 digits
  EXPECT_FALSE(parse_orbit_number("*123456789"));   // prefix + 9 digits
  EXPECT_FALSE(parse_orbit_number("12a4"));
  EXPECT_FALSE(parse_orbit_number("*"));
  EXPECT_FALSE(parse_orbit_number(""));
  EXPECT_FALSE(parse_orbit_number("**123"));
}

TEST(O2_NumberSyntax, RoundTripsAndKeysByPrefixAndLength) {
  auto a = *parse_orbit_number("*7000");
  EXPECT_EQ(a.to_string(), "*7000");
  EXPECT_EQ(a.length(), 5);
  EXPECT_NE(a.key(), parse_orbit_number("#7000")->key());
  EXPECT_NE(a.key(), parse_orbit_number("7000")->key());
}

OrbitRange make(const char* a, const char* b) {
  OrbitRange r;
  r.name = "sales";
  r.start = a;
  r.end = b;
  r.pool = "pool1";
  return r;
}

TEST(O3_RangeRules, StartAndEndSameLength) {
  auto r = make("*100", "*1999");
  EXPECT_EQ(problem(r), "range \"sales\" *100-*1999: start and end must have the same length (O3)");
}

TEST(O3_RangeRules, SamePrefixOnBothEnds) {
  auto r = make("*1000", "#1999");
  EXPECT_NE(problem(r).find("end must begin with the same character (O3)"), std::string::npos);
  auto plain = make("11000", "*1999");
  EXPECT_NE(problem(plain).find("(O3)"), std::string::npos);
}

TEST(O3_RangeRules, PrefixedNumberMustExceed100) {
  auto r = make("*100", "*199");
  EXPECT_NE(problem(r).find("greater than 100 (O3)"), std::string::npos);
  auto ok = make("*101", "*199");
  EXPECT_EQ(problem(ok), "");
}

TEST(O3_RangeRules, StartNotGreaterThanEnd) {
  auto r = make("7999", "7000");
  EXPECT_NE(problem(r).find("start must not be greater than end (O3)"), std::string::npos);
}

TEST(O5_RangeSize, AtMost10000NumbersPerRange) {
  auto ok = make("10000", "19999");
  EXPECT_EQ(problem(ok), "");
  EXPECT_EQ(validate_range(ok)->size(), 10000u);
  auto big = make("10000", "20000");
  EXPECT_NE(problem(big).find("10,000 allowed per range (O5)"), std::string::npos);
}

TEST(O1_RangeIdentity, NeedsNameAndPool) {
  auto r = make("7000", "7099");
  r.name = "";
  EXPECT_NE(problem(r).find("(O1"), std::string::npos);
  auto p = make("7000", "7099");
  p.pool = "";
  EXPECT_NE(problem(p).find("(O1)"), std::string::npos);
  EXPECT_EQ(parse_range_type("GroupPickup"), RangeType::GroupPickup);
  EXPECT_FALSE(parse_range_type("Pickup"));
}

}  // namespace
}  // namespace cpark

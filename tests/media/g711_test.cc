// G.711 µ-law against the standard's own tables: the decision values of Table 2a, the
// decoder outputs, and the one's-complement symmetry of the ITU-T G.191 reference.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "media/g711.h"

namespace cpark::media {
namespace {

// G.711 Table 2a, positive half: the 14-bit decision values, where the code steps down
// by one, and last the overload point 8159 beyond which everything is the top code.
// Segment k's steps are 2^(k+1) wide; the first step of segment 0 is 1 wide.
std::vector<int> positive_decision_values() {
  const int first[8] = {1, 35, 103, 239, 511, 1055, 2143, 4319};
  std::vector<int> values;
  for (int k = 0; k < 8; ++k)
    for (int step = 0; step < 16; ++step)
      values.push_back(k == 0 ? (step == 0 ? 1 : 1 + 2 * step) : first[k] + step * (2 << k));
  return values;  // 128 values: 1, 3, ..., 31, 35, ..., 8159
}

TEST(G711Ulaw, ReferenceCodesForZeroAndFullScale) {
  EXPECT_EQ(linear_to_ulaw(0), 0xFF);
  EXPECT_EQ(linear_to_ulaw(-1), 0x7F);  // G.191: -1 is "negative zero"
  EXPECT_EQ(linear_to_ulaw(32767), 0x80);
  EXPECT_EQ(linear_to_ulaw(-32768), 0x00);
  EXPECT_EQ(kUlawSilence, linear_to_ulaw(0));
}

TEST(G711Ulaw, PositiveCodesStepExactlyAtTable2aDecisionValues) {
  const std::vector<int> decisions = positive_decision_values();
  ASSERT_EQ(decisions.size(), 128u);
  EXPECT_EQ(decisions.back(), 8159);  // the overload point, not a step
  int expected = 0xFF;
  std::size_t next = 0;
  for (int x = 0; x <= 32767; ++x) {
    // The 16-bit input is the 14-bit value shifted left by 2.
    if (next + 1 < decisions.size() && x == decisions[next] * 4) {
      --expected;
      ++next;
    }
    ASSERT_EQ(linear_to_ulaw(std::int16_t(x)), expected) << "x=" << x;
  }
  EXPECT_EQ(expected, 0x80);
}

TEST(G711Ulaw, NegativeCodesMirrorThePositiveOnesInOnesComplement) {
  // G.191 takes the magnitude of a negative sample as its one's complement: -x-1.
  for (int x = -32768; x < 0; ++x)
    ASSERT_EQ(linear_to_ulaw(std::int16_t(x)), linear_to_ulaw(std::int16_t(-x - 1)) & 0x7F) << "x=" << x;
}

TEST(G711Ulaw, DecoderGivesTable2aOutputValues) {
  EXPECT_EQ(ulaw_to_linear(0xFF), 0);
  EXPECT_EQ(ulaw_to_linear(0x7F), 0);
  EXPECT_EQ(ulaw_to_linear(0x80), 8031 * 4);
  EXPECT_EQ(ulaw_to_linear(0x00), -8031 * 4);
  EXPECT_EQ(ulaw_to_linear(0xFE), 2 * 4);     // segment 0, step 1
  EXPECT_EQ(ulaw_to_linear(0xEF), 33 * 4);    // segment 1, step 0: ((0+33) << 1) - 33
  EXPECT_EQ(ulaw_to_linear(0x70), -(((30 + 33) << 0) - 33) * 4);  // segment 0, step 15
}

TEST(G711Ulaw, EveryCodeSurvivesDecodeThenEncode) {
  for (int code = 0; code < 256; ++code) {
    if (code == 0x7F) continue;  // negative zero decodes to 0, which encodes as 0xFF
    EXPECT_EQ(linear_to_ulaw(ulaw_to_linear(std::uint8_t(code))), code) << "code=" << code;
  }
}

TEST(G711Ulaw, FloatEncodingRoundsClipsAndSilencesNonFiniteSamples) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> in = {0.0f, 1.0f, -1.0f, 4.0f, -4.0f, nan, 33.0f / 32767.0f};
  const std::vector<std::uint8_t> out = encode_ulaw(in);
  ASSERT_EQ(out.size(), in.size());
  EXPECT_EQ(out[0], 0xFF);
  EXPECT_EQ(out[1], 0x80);
  EXPECT_EQ(out[2], linear_to_ulaw(-32767));
  EXPECT_EQ(out[3], 0x80);
  EXPECT_EQ(out[4], 0x00);
  EXPECT_EQ(out[5], 0xFF);
  EXPECT_EQ(out[6], linear_to_ulaw(33));
}

}  // namespace
}  // namespace cpark::media

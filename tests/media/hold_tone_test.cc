// The built-in hold tone (C4 default): audible, at the music level, and a seamless loop.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "media/g711.h"
#include "media/hold_tone.h"

namespace cpark::media {
namespace {

TEST(HoldTone, IsAFewSecondsOfSoundNotSilence) {
  const auto tone = make_hold_tone();
  ASSERT_TRUE(tone);
  EXPECT_EQ(tone->loop_duration(), std::chrono::seconds(4));
  double energy = 0;
  int peak = 0;
  for (std::uint8_t c : tone->loop()) {
    const int v = ulaw_to_linear(c);
    energy += double(v) * v;
    peak = std::max(peak, std::abs(v));
  }
  const double rms = std::sqrt(energy / tone->loop_samples());
  EXPECT_GT(rms, 0.02 * 32767);         // clearly audible (above -34 dBFS)
  EXPECT_LE(peak, int(0.9 * 32767) + 1024);  // peaks limited below full scale
  EXPECT_NE(tone->description().find("built-in"), std::string::npos);
}

TEST(HoldTone, LoopEndsWhereItStartsAtSilence) {
  const auto tone = make_hold_tone();
  const auto loop = tone->loop();
  // The last and first samples of the loop sit next to each other when it repeats.
  EXPECT_LT(std::abs(ulaw_to_linear(loop.front())), 64);
  EXPECT_LT(std::abs(ulaw_to_linear(loop.back())), 64);
}

TEST(HoldTone, EveryNoteStartsAndEndsAtSilenceSoThereAreNoClicks) {
  const auto tone = make_hold_tone();
  const auto loop = tone->loop();
  constexpr std::size_t note = 4000;  // eight half-second notes
  ASSERT_EQ(loop.size(), 8 * note);
  for (std::size_t boundary = note; boundary < loop.size(); boundary += note) {
    EXPECT_LT(std::abs(ulaw_to_linear(loop[boundary - 1])), 64) << "end of note at " << boundary;
    EXPECT_LT(std::abs(ulaw_to_linear(loop[boundary])), 64) << "start of note at " << boundary;
  }
}

}  // namespace
}  // namespace cpark::media

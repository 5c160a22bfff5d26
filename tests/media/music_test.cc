// Decoding music files (C4): WAVs of common rates, widths and channel counts become 8 kHz
// µ-law at a listening level; anything unplayable gets an error that names the problem.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <tuple>

#include "media/g711.h"
#include "media/music.h"
#include "tests/media/wav_in_memory.h"

namespace cpark::media {
namespace {

using test::SoundFormat;
using test::sine;
using test::write_sound;

// -20 dBFS RMS, the level decoded music is brought to (media/detail/loudness.h).
constexpr double kTargetAmplitude = 0.1 * std::numbers::sqrt2 * 32767;

std::vector<double> linear(std::span<const std::uint8_t> codes) {
  std::vector<double> out;
  for (std::uint8_t c : codes) out.push_back(ulaw_to_linear(c));
  return out;
}

struct SineFit {
  double amplitude;
  double residual_rms;  // what is left after taking the fitted sine away
};

// Least-squares fit of a sine of `hz` to samples [from, to) at 8000 Hz.
SineFit fit_sine(const std::vector<double>& x, double hz, std::size_t from, std::size_t to) {
  double s = 0, c = 0;
  for (std::size_t i = from; i < to; ++i) {
    const double w = 2 * std::numbers::pi * hz * double(i) / 8000;
    s += x[i] * std::sin(w);
    c += x[i] * std::cos(w);
  }
  const double n = double(to - from);
  const double a = 2 * s / n, b = 2 * c / n;
  double residual = 0;
  for (std::size_t i = from; i < to; ++i) {
    const double w = 2 * std::numbers::pi * hz * double(i) / 8000;
    const double r = x[i] - a * std::sin(w) - b * std::cos(w);
    residual += r * r;
  }
  return {std::hypot(a, b), std::sqrt(residual / n)};
}

using Case = std::tuple<int, int, int>;  // rate, channels, subtype

class DecodeWav : public ::testing::TestWithParam<Case> {};

TEST_P(DecodeWav, OneSecondOfSineBecomesOneSecondOfTheSameSineAt8kHz) {
  const auto [rate, channels, subtype] = GetParam();
  const std::string file = write_sound(sine(1000, 0.5, 1.0, rate, channels), {rate, channels, subtype});
  const auto decoded = decode_music(file);
  ASSERT_TRUE(decoded.ok()) << (decoded ? "" : decoded.message());
  const MusicBuffer& music = **decoded;
  // One second at 8000 Hz, give or take the resampler's rounding of the last sample.
  EXPECT_NEAR(double(music.loop_samples()), 8000.0, 1.0);
  EXPECT_NEAR(double(music.loop_duration().count()), 1000.0, 1.0);
  EXPECT_NE(music.description().find(std::to_string(rate) + " Hz"), std::string::npos)
      << music.description();

  // Away from the 10 ms loop fades and the resampler's edges: a 1 kHz sine at -20 dBFS
  // RMS whose residue is µ-law quantisation noise (G.711 keeps about 38 dB SNR).
  const std::vector<double> x = linear(music.loop());
  const SineFit fit = fit_sine(x, 1000, 400, x.size() - 400);
  EXPECT_NEAR(fit.amplitude, kTargetAmplitude, 0.03 * kTargetAmplitude);
  EXPECT_LT(fit.residual_rms, 0.02 * kTargetAmplitude);
}

std::string case_name(const ::testing::TestParamInfo<Case>& param) {
  const int rate = std::get<0>(param.param), channels = std::get<1>(param.param);
  return std::to_string(rate) + "Hz_" + (channels == 1 ? "mono" : "stereo") + "_" +
         (std::get<2>(param.param) == SF_FORMAT_FLOAT ? "float" : "pcm16");
}

INSTANTIATE_TEST_SUITE_P(
    CommonRatesWidthsAndLayouts, DecodeWav,
    ::testing::Combine(::testing::Values(8000, 16000, 44100, 48000), ::testing::Values(1, 2),
                       ::testing::Values(SF_FORMAT_PCM_16, SF_FORMAT_FLOAT)),
    case_name);

TEST(DecodeMusic, OtherWavEncodingsAlsoPlay) {
  for (int subtype : {SF_FORMAT_PCM_U8, SF_FORMAT_PCM_24, SF_FORMAT_PCM_32, SF_FORMAT_ULAW,
                      SF_FORMAT_ALAW, SF_FORMAT_IMA_ADPCM, SF_FORMAT_MS_ADPCM}) {
    const std::string file = write_sound(sine(440, 0.5, 0.5, 22050, 1), {22050, 1, subtype});
    const auto decoded = decode_music(file);
    ASSERT_TRUE(decoded.ok()) << "subtype " << subtype << ": " << (decoded ? "" : decoded.message());
    EXPECT_NEAR(double((*decoded)->loop_samples()), 4000.0, 64.0) << "subtype " << subtype;
  }
}

TEST(DecodeMusic, KnownSineAt8kHzEncodesSampleBySampleToItsMuLaw) {
  // No resampling at 8000 Hz: each sample must be the µ-law of the normalised sine.
  const std::string file = write_sound(sine(400, 0.8, 0.5, 8000), {8000, 1, SF_FORMAT_PCM_16});
  const auto decoded = decode_music(file);
  ASSERT_TRUE(decoded.ok()) << (decoded ? "" : decoded.message());
  const auto loop = (*decoded)->loop();
  ASSERT_EQ(loop.size(), 4000u);
  for (std::size_t i = 80; i < loop.size() - 80; ++i) {  // outside the 10 ms fades
    const double expected = kTargetAmplitude * std::sin(2 * std::numbers::pi * 400 * double(i) / 8000);
    // Within one µ-law step of the exact value: a step is 1/16 of its segment.
    const double tolerance = 0.035 * std::fabs(expected) + 40;
    ASSERT_NEAR(ulaw_to_linear(loop[i]), expected, tolerance) << "sample " << i;
  }
}

TEST(DecodeMusic, SilenceIsMuLawSilence) {
  const std::string file = write_sound(std::vector<float>(44100 * 2, 0.0f), {44100, 2, SF_FORMAT_PCM_16});
  const auto decoded = decode_music(file);
  ASSERT_TRUE(decoded.ok()) << (decoded ? "" : decoded.message());
  for (std::uint8_t code : (*decoded)->loop()) ASSERT_EQ(code, kUlawSilence);
}

TEST(DecodeMusic, QuietMusicIsRaisedAtMost20dBAndLoudMusicLowered) {
  const double quiet = 0.001, loud = 0.99;  // -63 dBFS and -0.1 dBFS peaks
  for (double amplitude : {quiet, loud}) {
    const std::string file = write_sound(sine(1000, amplitude, 0.5, 8000), {8000, 1, SF_FORMAT_FLOAT});
    const auto decoded = decode_music(file);
    ASSERT_TRUE(decoded.ok()) << (decoded ? "" : decoded.message());
    const std::vector<double> x = linear((*decoded)->loop());
    const double got = fit_sine(x, 1000, 400, x.size() - 400).amplitude;
    const double expected = amplitude == quiet ? quiet * 10 * 32767 : kTargetAmplitude;
    EXPECT_NEAR(got, expected, 0.05 * expected) << "input amplitude " << amplitude;
  }
}

TEST(DecodeMusic, LoopStartsAndEndsAtSilenceSoRepeatingDoesNotClick) {
  const std::string file = write_sound(sine(1000, 0.5, 1.0, 8000), {8000, 1, SF_FORMAT_PCM_16});
  const auto decoded = decode_music(file);
  ASSERT_TRUE(decoded.ok());
  const auto loop = (*decoded)->loop();
  EXPECT_EQ(ulaw_to_linear(loop.front()), 0);
  EXPECT_LT(std::abs(ulaw_to_linear(loop.back())), 200);
}

// --- what cannot be played, and why -------------------------------------------------

bool mentions(const Result<MusicPtr>& d, const std::string& words) {
  return !d && d.message().find(words) != std::string::npos;
}
std::string why(const Result<MusicPtr>& d) { return d ? "(decoded)" : d.message(); }

TEST(DecodeMusicRefuses, AnEmptyFile) {
  const auto d = decode_music("");
  EXPECT_TRUE(mentions(d, "empty")) << why(d);
}

TEST(DecodeMusicRefuses, WmaNamingTheFormatAndWhatToUploadInstead) {
  // An ASF header object: GUID, size, object count, reserved bytes, then junk.
  std::string asf("\x30\x26\xB2\x75\x8E\x66\xCF\x11\xA6\xD9\x00\xAA\x00\x62\xCE\x6C", 16);
  asf.append(200, '\x01');
  const auto d = decode_music(asf);
  EXPECT_TRUE(mentions(d, "WMA")) << why(d);
  EXPECT_TRUE(mentions(d, "cannot be played by cpark serve")) << why(d);
  EXPECT_TRUE(mentions(d, "upload WAV")) << why(d);
}

TEST(DecodeMusicRefuses, BytesThatAreNoSoundFile) {
  const auto d = decode_music("this is a text file, not music\n");
  EXPECT_TRUE(mentions(d, "not a WAV file")) << why(d);
}

TEST(DecodeMusicRefuses, ATruncatedWavHeader) {
  const std::string file = write_sound(sine(1000, 0.5, 0.1, 8000), {});
  const auto d = decode_music(std::string_view(file).substr(0, 30));
  EXPECT_FALSE(d.ok());
  ASSERT_FALSE(d.ok());
  EXPECT_FALSE(d.message().empty());
}

TEST(DecodeMusicRefuses, AWavWhoseHeaderSaysZeroChannels) {
  std::string file = write_sound(sine(1000, 0.5, 0.1, 8000), {});
  ASSERT_EQ(file.substr(12, 4), "fmt ");
  file[22] = 0;  // fmt chunk: channel count at offset 22
  file[23] = 0;
  const auto d = decode_music(file);
  EXPECT_FALSE(d.ok());
  ASSERT_FALSE(d.ok());
  EXPECT_FALSE(d.message().empty());
}

TEST(DecodeMusicRefuses, AnotherFormatLibsndfileCouldReadSayingItIsNotWav) {
  const std::string aiff = write_sound(sine(1000, 0.5, 0.1, 8000), {8000, 1, SF_FORMAT_PCM_16, SF_FORMAT_AIFF});
  const auto d = decode_music(aiff);
  EXPECT_TRUE(mentions(d, "AIFF")) << why(d);
  EXPECT_TRUE(mentions(d, "not WAV")) << why(d);
}

TEST(DecodeMusicRefuses, AWavWithNoAudio) {
  const std::string file = write_sound({}, {});
  const auto d = decode_music(file);
  EXPECT_TRUE(mentions(d, "no audio")) << why(d);
}

TEST(DecodeMusicRefuses, MusicLongerThanTenMinutesByDefault) {
  // 10 min 1 s of 8-bit mono at 8000 Hz: 4.8 MB, refused from its header.
  const std::string file =
      write_sound(std::vector<float>(8000 * 601, 0.25f), {8000, 1, SF_FORMAT_PCM_U8});
  const auto d = decode_music(file);
  EXPECT_TRUE(mentions(d, "10 min 1 s long")) << why(d);
  EXPECT_TRUE(mentions(d, "at most 10 min (")) << why(d);
}

TEST(DecodeMusicRefuses, MusicLongerThanAConfiguredLimitButPlaysWhatFits) {
  const MusicLimits one_second{std::chrono::seconds(1)};
  const std::string two = write_sound(sine(440, 0.5, 2.0, 16000), {16000, 1, SF_FORMAT_PCM_16});
  const std::string one = write_sound(sine(440, 0.5, 1.0, 16000), {16000, 1, SF_FORMAT_PCM_16});
  EXPECT_TRUE(mentions(decode_music(two, one_second), "at most 1.0 s"));
  EXPECT_TRUE(decode_music(one, one_second).ok());
}

TEST(DecodeMusicRefuses, DamagedHeadersWithoutCrashing) {
  // Random corruption of a valid file's first 64 bytes (RIFF and fmt headers): every
  // result is either playable music or an error sentence. Run under ASan, this is the
  // "bad input never crashes or leaks" check. A failure prints the seed that replays it.
  const std::string valid = write_sound(sine(1000, 0.5, 0.2, 44100, 2), {44100, 2, SF_FORMAT_PCM_16});
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    std::mt19937_64 random(seed);
    std::string file = valid;
    for (int flips = 1 + int(random() % 4); flips > 0; --flips)
      file[random() % 64] = char(random() & 0xFF);
    if (random() % 4 == 0) file.resize(random() % file.size());
    const auto d = decode_music(file);
    if (d.ok()) {
      ASSERT_GT((*d)->loop_samples(), 0u) << "seed " << seed;
    } else {
      ASSERT_FALSE(d.message().empty()) << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace cpark::media

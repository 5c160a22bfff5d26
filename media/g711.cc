// G.711 µ-law encoder and decoder, following the ITU-T G.191 reference (g711.c).
#include "media/g711.h"

#include <algorithm>
#include <cmath>

namespace cpark::media {

std::uint8_t linear_to_ulaw(std::int16_t sample) {
  // G.191: take the 14-bit magnitude (one's complement for negatives), add the bias of
  // 33 that makes the segments start at powers of two, clip at the top of segment 7.
  const int x = sample;
  int biased = (x < 0 ? (~x >> 2) : (x >> 2)) + 33;
  if (biased > 0x1FFF) biased = 0x1FFF;
  int segment = 1;
  for (int rest = biased >> 6; rest != 0; rest >>= 1) ++segment;
  const int high = 8 - segment;                       // segment, inverted
  const int low = 0x0F - ((biased >> segment) & 0x0F);  // step in the segment, inverted
  int code = (high << 4) | low;
  if (x >= 0) code |= 0x80;  // sign bit: 1 for positive
  return std::uint8_t(code);
}

std::int16_t ulaw_to_linear(std::uint8_t code) {
  // G.711 Table 2a: the decoder output for segment s, step q is ((2q + 33) << s) - 33
  // in 14-bit units, i.e. the middle of the step's decision interval.
  const int inverted = ~code & 0xFF;
  const int segment = (inverted >> 4) & 0x07;
  const int step = inverted & 0x0F;
  const int magnitude = (((2 * step + 33) << segment) - 33) << 2;
  return std::int16_t((inverted & 0x80) ? -magnitude : magnitude);
}

std::vector<std::uint8_t> encode_ulaw(std::span<const float> samples) {
  std::vector<std::uint8_t> codes(samples.size());
  std::transform(samples.begin(), samples.end(), codes.begin(), [](float s) {
    const float scaled = std::isfinite(s) ? std::clamp(s * 32767.0f, -32768.0f, 32767.0f) : 0.0f;
    return linear_to_ulaw(std::int16_t(std::lrint(scaled)));
  });
  return codes;
}

}  // namespace cpark::media

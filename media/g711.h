// G.711 µ-law (ITU-T G.711 §3, the PCMU payload of RFC 3551 §4.5.14): the codec every
// SIP phone accepts, so music on hold is encoded to it once and sent as is.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace cpark::media {

// µ-law of a 16-bit linear sample, bit for bit as the ITU-T G.191 reference
// (ulaw_compress): the sample's top 14 bits are quantised, codes are sent inverted.
// libsndfile's encoder differs from that reference at 127 negative decision values and
// spandsp's needs libtiff/libjpeg development packages, hence this one function.
std::uint8_t linear_to_ulaw(std::int16_t sample);

// The linear value a µ-law code stands for (G.711 Table 2a, scaled to 16 bits):
// 0xFF and 0x7F are zero, 0x80 is +32124, 0x00 is -32124.
std::int16_t ulaw_to_linear(std::uint8_t code);

// µ-law of samples at full scale ±1 (rounded to 16 bits; beyond full scale clips).
std::vector<std::uint8_t> encode_ulaw(std::span<const float> samples);

// µ-law of digital silence: what a payload of zeros is on the wire.
constexpr std::uint8_t kUlawSilence = 0xFF;

}  // namespace cpark::media

// RTP header serialisation and per-stream sequence/timestamp progression (RFC 3550).
#include "media/rtp.h"

namespace cpark::media {

RtpHeaderBytes serialize(const RtpHeader& header) {
  RtpHeaderBytes b{};
  b[0] = std::uint8_t(kRtpVersion << 6);  // V=2, P=0, X=0, CC=0
  b[1] = std::uint8_t((header.marker ? 0x80 : 0x00) | (header.payload_type & 0x7F));
  b[2] = std::uint8_t(header.sequence >> 8);
  b[3] = std::uint8_t(header.sequence);
  for (int i = 0; i < 4; ++i) {
    b[4 + i] = std::uint8_t(header.timestamp >> (24 - 8 * i));
    b[8 + i] = std::uint8_t(header.ssrc >> (24 - 8 * i));
  }
  return b;
}

std::optional<RtpHeader> parse_rtp_header(std::span<const std::uint8_t> packet) {
  if (packet.size() < kRtpHeaderBytes || (packet[0] >> 6) != kRtpVersion) return std::nullopt;
  auto u32 = [&](std::size_t at) {
    return std::uint32_t(packet[at]) << 24 | std::uint32_t(packet[at + 1]) << 16 |
           std::uint32_t(packet[at + 2]) << 8 | std::uint32_t(packet[at + 3]);
  };
  RtpHeader h;
  h.marker = (packet[1] & 0x80) != 0;
  h.payload_type = std::uint8_t(packet[1] & 0x7F);
  h.sequence = std::uint16_t(packet[2] << 8 | packet[3]);
  h.timestamp = u32(4);
  h.ssrc = u32(8);
  return h;
}

RtpSequence::RtpSequence(std::uint32_t ssrc, std::uint16_t first_sequence,
                         std::uint32_t first_timestamp)
    : ssrc_(ssrc), timestamp_(first_timestamp), sequence_(first_sequence) {}

RtpSequence RtpSequence::random(std::mt19937_64& generator) {
  // Raw engine output, not a distribution: std::mt19937_64's sequence is fixed by the
  // standard, distributions are not, and a replay must give the same numbers everywhere.
  const std::uint64_t a = generator();
  const std::uint64_t b = generator();
  return RtpSequence(std::uint32_t(a), std::uint16_t(a >> 32), std::uint32_t(b));
}

RtpHeader RtpSequence::next_header() {
  RtpHeader h{is_marker_due_, kPayloadTypePcmu, sequence_, timestamp_, ssrc_};
  is_marker_due_ = false;
  ++sequence_;  // wraps modulo 2^16 (RFC 3550 §5.1)
  timestamp_ += kSamplesPerPacket;  // wraps modulo 2^32
  return h;
}

void RtpSequence::skip(std::uint32_t packets) {
  if (packets == 0) return;
  timestamp_ += packets * kSamplesPerPacket;
  is_marker_due_ = true;
}

}  // namespace cpark::media

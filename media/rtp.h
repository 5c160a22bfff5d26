// RTP for music on hold (RFC 3550 §5.1, RFC 3551): the 12-byte header of a PCMU packet
// and the per-stream counters that advance it. No CSRCs, no extensions: a B2BUA's own
// media source needs neither.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <span>

namespace cpark::media {

constexpr std::size_t kRtpHeaderBytes = 12;
constexpr std::uint8_t kRtpVersion = 2;
constexpr std::uint8_t kPayloadTypePcmu = 0;  // RFC 3551 §6, Table 4: PCMU, 8000 Hz
constexpr std::uint32_t kPcmuClockRate = 8000;
// 20 ms packets, the RFC 3551 §4.5 default packetisation for G.711.
constexpr std::uint32_t kSamplesPerPacket = 160;

using RtpHeaderBytes = std::array<std::uint8_t, kRtpHeaderBytes>;

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = kPayloadTypePcmu;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;

  friend bool operator==(const RtpHeader&, const RtpHeader&) = default;
};

// The header in network byte order: V=2, P=0, X=0, CC=0 (RFC 3550 §5.1).
RtpHeaderBytes serialize(const RtpHeader& header);
// The header of a received packet, or nullopt when it is shorter than 12 bytes or its
// version is not 2. CSRCs and extensions are not read.
std::optional<RtpHeader> parse_rtp_header(std::span<const std::uint8_t> packet);

// The header fields of one outgoing stream and how they advance, packet after packet.
// 12 bytes, so a parked call's RTP state stays small.
class RtpSequence {
 public:
  RtpSequence(std::uint32_t ssrc, std::uint16_t first_sequence, std::uint32_t first_timestamp);
  // RFC 3550 §5.1: SSRC, first sequence number and first timestamp are random, to make
  // known-plaintext attacks on encryption harder and streams tell apart; drawn from the
  // caller's seeded generator so a run can be replayed.
  static RtpSequence random(std::mt19937_64& generator);

  // The header of the next packet; advances sequence by 1 and timestamp by one packet's
  // samples. The marker is set on a stream's first packet and the first after a gap.
  RtpHeader next_header();
  // Accounts for `packets` that were due but not sent: RFC 3550 §5.1 lets the timestamp
  // advance with time while the sequence number counts only packets sent (as in silence
  // suppression), and RFC 3551 §4.1 marks the first packet after such a gap so the
  // receiver can resynchronise its playout buffer.
  void skip(std::uint32_t packets);

  std::uint32_t ssrc() const { return ssrc_; }
  std::uint16_t next_sequence() const { return sequence_; }
  std::uint32_t next_timestamp() const { return timestamp_; }

 private:
  std::uint32_t ssrc_;
  std::uint32_t timestamp_;
  std::uint16_t sequence_;
  bool is_marker_due_ = true;
};

}  // namespace cpark::media

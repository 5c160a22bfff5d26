// RTP headers (RFC 3550 §5.1): layout, parsing and how sequence and timestamp advance.
#include <gtest/gtest.h>

#include <random>

#include "media/rtp.h"

namespace cpark::media {
namespace {

TEST(RtpHeader, SerialisesVersion2PcmuInNetworkByteOrder) {
  const RtpHeader h{true, kPayloadTypePcmu, 0x1234, 0x89ABCDEF, 0x01020304};
  const RtpHeaderBytes b = serialize(h);
  const RtpHeaderBytes expected = {0x80, 0x80, 0x12, 0x34, 0x89, 0xAB, 0xCD, 0xEF, 0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(b, expected);
  const RtpHeaderBytes unmarked = serialize(RtpHeader{false, kPayloadTypePcmu, 1, 2, 3});
  EXPECT_EQ(unmarked[0], 0x80);  // V=2, P=0, X=0, CC=0
  EXPECT_EQ(unmarked[1], 0x00);  // M=0, PT=0 (PCMU)
}

TEST(RtpHeader, ParsesWhatItSerialises) {
  const RtpHeader h{true, 8, 65535, 4294967295u, 42};
  EXPECT_EQ(parse_rtp_header(serialize(h)), h);
}

TEST(RtpHeader, ParserRefusesShortPacketsAndOtherVersions) {
  RtpHeaderBytes b = serialize(RtpHeader{});
  EXPECT_FALSE(parse_rtp_header(std::span(b).first(11)));
  b[0] = 0x40;  // version 1
  EXPECT_FALSE(parse_rtp_header(b));
}

TEST(RtpSequence, MarksOnlyTheFirstPacketAndAdvancesBy1And160) {
  RtpSequence rtp(7, 100, 1000);
  const RtpHeader first = rtp.next_header();
  EXPECT_TRUE(first.marker);
  EXPECT_EQ(first.payload_type, kPayloadTypePcmu);
  EXPECT_EQ(first.sequence, 100);
  EXPECT_EQ(first.timestamp, 1000u);
  EXPECT_EQ(first.ssrc, 7u);
  for (int i = 1; i <= 10; ++i) {
    const RtpHeader h = rtp.next_header();
    EXPECT_FALSE(h.marker);
    EXPECT_EQ(h.sequence, 100 + i);
    EXPECT_EQ(h.timestamp, 1000u + 160u * std::uint32_t(i));  // RFC 3550 §5.1: by samples
    EXPECT_EQ(h.ssrc, 7u);
  }
}

TEST(RtpSequence, SequenceAndTimestampWrapAround) {
  RtpSequence rtp(1, 65535, 4294967295u - 100);
  rtp.next_header();
  const RtpHeader h = rtp.next_header();
  EXPECT_EQ(h.sequence, 0);
  EXPECT_EQ(h.timestamp, 59u);  // 2^32 - 101 + 160 wraps to 59
}

TEST(RtpSequence, SkippedPacketsAdvanceTimeNotSequenceAndMarkTheNextPacket) {
  RtpSequence rtp(1, 10, 0);
  rtp.next_header();
  rtp.skip(5);
  const RtpHeader h = rtp.next_header();
  EXPECT_TRUE(h.marker);         // RFC 3551 §4.1: first packet after a gap
  EXPECT_EQ(h.sequence, 11);     // no sequence gap: nothing was lost in the network
  EXPECT_EQ(h.timestamp, 160u * 6u);
  EXPECT_FALSE(rtp.next_header().marker);
  rtp.skip(0);
  EXPECT_FALSE(rtp.next_header().marker);
}

TEST(RtpSequence, RandomStartsComeFromTheSeedAlone) {
  std::mt19937_64 a(42), b(42), c(43);
  const RtpSequence x = RtpSequence::random(a), y = RtpSequence::random(b), z = RtpSequence::random(c);
  EXPECT_EQ(x.ssrc(), y.ssrc());
  EXPECT_EQ(x.next_sequence(), y.next_sequence());
  EXPECT_EQ(x.next_timestamp(), y.next_timestamp());
  EXPECT_NE(x.ssrc(), z.ssrc());
  const RtpSequence x2 = RtpSequence::random(a);
  EXPECT_NE(x.ssrc(), x2.ssrc());
}

}  // namespace
}  // namespace cpark::media

// RtpDestination: SDP addresses in, plain bytes out, printable for logs.
#include <gtest/gtest.h>

#include "media/rtp_destination.h"

namespace cpark::media {
namespace {

TEST(RtpDestination, ParsesIpv4AndIpv6) {
  const auto v4 = RtpDestination::parse("192.0.2.7", 4000);
  ASSERT_TRUE(v4);
  EXPECT_FALSE(v4->is_ipv6());
  EXPECT_EQ(*v4, RtpDestination::ipv4({192, 0, 2, 7}, 4000));
  EXPECT_EQ(v4->to_string(), "192.0.2.7:4000");
  const auto v6 = RtpDestination::parse("2001:db8::7", 5004);
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->is_ipv6());
  EXPECT_EQ(v6->address[0], 0x20);
  EXPECT_EQ(v6->address[15], 0x07);
  EXPECT_EQ(v6->to_string(), "[2001:db8::7]:5004");
}

TEST(RtpDestination, RefusesWhatIsNoAddress) {
  EXPECT_FALSE(RtpDestination::parse("phone.example.com", 4000));
  EXPECT_FALSE(RtpDestination::parse("", 4000));
  EXPECT_FALSE(RtpDestination::parse("256.0.0.1", 4000));
  EXPECT_FALSE(RtpDestination::parse(std::string(100, '1'), 4000));
}

}  // namespace
}  // namespace cpark::media

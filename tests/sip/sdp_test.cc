// SDP (RFC 4566) and offer/answer (RFC 3264) for the B2BUA's calls, holds and park.
#include <gtest/gtest.h>

#include "sip/sdp.h"

namespace cpark::sip {
namespace {

const char* offer_text =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 18 8 0 101\r\n"
    "a=rtpmap:18 G729/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
    "a=ptime:20\r\n"
    "m=video 51372 RTP/AVP 31\r\n"
    "a=rtpmap:31 H261/90000\r\n";

TEST(Sdp, Rfc4566_ParsesAndSerializesRoundTrip) {
  SessionDescription s;
  std::string error;
  ASSERT_TRUE(parse_sdp(offer_text, s, &error)) << error;
  EXPECT_EQ(s.origin_user, "alice");
  EXPECT_EQ(s.session_version, 2890844526u);
  EXPECT_EQ(s.connection_address, "192.0.2.10");
  ASSERT_EQ(s.media.size(), 2u);
  EXPECT_EQ(s.media[0].port, 49170);
  EXPECT_EQ(s.media[0].formats, (std::vector<std::string>{"18", "8", "0", "101"}));
  EXPECT_EQ(s.media[0].rtpmaps.size(), 4u);
  EXPECT_EQ(s.media[0].rtpmaps[1].encoding, "PCMA");
  EXPECT_EQ(s.media_direction(0), MediaDirection::sendrecv);
  std::string out;
  serialize_sdp(s, out);
  SessionDescription again;
  ASSERT_TRUE(parse_sdp(out, again, &error)) << error;
  EXPECT_EQ(again.media[0].formats, s.media[0].formats);
  EXPECT_EQ(again.media[0].attributes, s.media[0].attributes);
  EXPECT_EQ(again.media[1].rtpmaps[0].clock_rate, 90000);
}

TEST(Sdp, RefusesMalformedDescriptions) {
  SessionDescription s;
  std::string error;
  EXPECT_FALSE(parse_sdp("v=1\r\no=- 1 1 IN IP4 a\r\n", s, &error));
  EXPECT_FALSE(parse_sdp("v=0\r\n", s, &error));
  EXPECT_FALSE(parse_sdp("v=0\r\no=- x 1 IN IP4 a\r\n", s, &error));
  EXPECT_FALSE(parse_sdp("v=0\r\no=- 1 1 IN IP4 a\r\nm=audio 99999 RTP/AVP 0\r\n", s, &error));
  EXPECT_FALSE(parse_sdp("garbage", s, &error));
  EXPECT_FALSE(error.empty());
}

TEST(Sdp, Rfc3264_6_AnswerPicksFirstOfferedG711AndRefusesVideo) {
  SessionDescription offer, answer;
  ASSERT_TRUE(parse_sdp(offer_text, offer));
  ASSERT_TRUE(make_answer(offer, MediaEndpoint{"192.0.2.99", 30000}, Origin{"cpark", 7, 1}, answer));
  ASSERT_EQ(answer.media.size(), 2u);  // same number of m-lines, same order
  EXPECT_EQ(answer.media[0].port, 30000);
  EXPECT_EQ(answer.media[0].formats, (std::vector<std::string>{"8", "101"}));  // PCMA first in the offer
  EXPECT_EQ(answer.media[1].port, 0);  // video refused
  EXPECT_EQ(answer.connection_address, "192.0.2.99");
  EXPECT_EQ(answer.media_direction(0), MediaDirection::sendrecv);
}

TEST(Sdp, Rfc3264_6_1_AnswerMirrorsDirection) {
  SessionDescription offer, answer;
  std::string text = offer_text;
  text += "a=sendonly\r\n";  // on the video stream: move it to audio
  text = std::string(offer_text);
  text.insert(text.find("m=video"), "a=sendonly\r\n");
  ASSERT_TRUE(parse_sdp(text, offer));
  ASSERT_TRUE(make_answer(offer, MediaEndpoint{"192.0.2.99", 30000}, Origin{}, answer));
  EXPECT_EQ(answer.media_direction(0), MediaDirection::recvonly);
}

TEST(Sdp, AnswerFailsWithoutG711) {
  SessionDescription offer, answer;
  ASSERT_TRUE(parse_sdp("v=0\r\no=- 1 1 IN IP4 a\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", offer));
  EXPECT_FALSE(make_answer(offer, MediaEndpoint{"192.0.2.99", 30000}, Origin{}, answer));
  EXPECT_EQ(answer.media[0].port, 0);
}

TEST(Sdp, Rfc3264_8_4_HoldOfferIsSendonlyWithBumpedVersion) {
  Origin origin{"cpark", 100, 5};
  const SessionDescription local = make_offer(MediaEndpoint{"192.0.2.99", 30000}, origin);
  const SessionDescription hold = make_hold_offer(local);
  EXPECT_EQ(hold.session_version, 6u);
  EXPECT_EQ(hold.session_id, 100u);
  EXPECT_EQ(hold.media_direction(0), MediaDirection::sendonly);
  SessionDescription recvonly = local;
  recvonly.media[0].direction = MediaDirection::recvonly;
  EXPECT_EQ(make_hold_offer(recvonly).media_direction(0), MediaDirection::inactive);
}

TEST(Sdp, MusicOnHoldOfferSendsFromTheServersOwnAddress) {
  Origin origin{"cpark", 100, 1};
  const SessionDescription moh = make_music_on_hold_offer(MediaEndpoint{"192.0.2.99", 40000}, origin);
  EXPECT_EQ(origin.version, 2u);
  EXPECT_EQ(moh.session_version, 2u);
  EXPECT_EQ(moh.connection_address, "192.0.2.99");
  EXPECT_EQ(moh.media[0].port, 40000);
  EXPECT_EQ(moh.media_direction(0), MediaDirection::sendonly);
  EXPECT_EQ(moh.media[0].formats.front(), "0");
}

TEST(Sdp, ConnectOfferGivesEachLegTheOthersMedia) {
  SessionDescription leg_b;
  ASSERT_TRUE(parse_sdp(offer_text, leg_b));
  Origin towards_a{"cpark", 555, 3};
  const SessionDescription to_a = make_connect_offer(leg_b, towards_a);
  EXPECT_EQ(to_a.connection_address, "192.0.2.10");  // B's media address
  EXPECT_EQ(to_a.media[0].port, 49170);
  EXPECT_EQ(to_a.session_id, 555u);                  // our origin towards A
  EXPECT_EQ(to_a.session_version, 4u);
  EXPECT_EQ(to_a.media_direction(0), MediaDirection::sendrecv);
  std::string body;
  serialize_sdp(to_a, body);
  EXPECT_NE(body.find("o=cpark 555 4 IN IP4"), std::string::npos);
}

}  // namespace
}  // namespace cpark::sip

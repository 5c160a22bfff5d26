// The music-on-hold scheduler: one 20 ms grid for every stream, bounded catch-up, stale
// ids harmless, payloads read in place from the shared music and looped seamlessly.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "media/moh_streams.h"

namespace cpark::media {
namespace {

using std::chrono::milliseconds;

const RtpDestination kPhone = *RtpDestination::parse("192.0.2.10", 40000);

// A loop whose samples count 0, 1, 2, ... (mod 251), `samples` long: every sample says
// where in the loop it came from.
std::shared_ptr<const MusicBuffer> counting_music(std::uint32_t samples) {
  std::vector<std::uint8_t> loop(samples);
  for (std::uint32_t i = 0; i < samples; ++i) loop[i] = std::uint8_t(i % 251);
  return MusicBuffer::from_ulaw_loop(std::move(loop), "counting");
}

RtpHeader header_of(const RtpPacket& p) { return *parse_rtp_header(p.header); }

TEST(MohStreams, NoStreamsNoDeadline) {
  MohStreams streams;
  EXPECT_EQ(streams.next_deadline(), std::nullopt);
  RtpBatch batch;
  EXPECT_EQ(streams.tick(milliseconds(1000), batch), 0u);
}

TEST(MohStreams, NullMusicStartsNothing) {
  MohStreams streams;
  EXPECT_TRUE(streams.start(milliseconds(0), kPhone, nullptr).is_null());
  EXPECT_EQ(streams.size(), 0u);
}

TEST(MohStreams, StreamsStartedAtAnyTimeShareTheNextGridPoint) {
  MohStreams streams;
  const auto music = counting_music(8000);
  for (int t = 1001; t < 1020; ++t) streams.start(milliseconds(t), kPhone, music);
  EXPECT_EQ(streams.next_deadline(), milliseconds(1020));  // one timer for all of them
  RtpBatch batch;
  EXPECT_EQ(streams.tick(milliseconds(1019), batch), 0u);  // early wake-up: nothing due
  EXPECT_EQ(streams.tick(milliseconds(1020), batch), 19u);
  EXPECT_EQ(streams.next_deadline(), milliseconds(1040));
  batch.clear();
  EXPECT_EQ(streams.tick(milliseconds(1040), batch), 19u);
  // A stream started on a grid point is due at once.
  streams.start(milliseconds(1060), kPhone, music);
  batch.clear();
  EXPECT_EQ(streams.tick(milliseconds(1060), batch), 20u);
}

TEST(MohStreams, PacketsCarryPcmuHeadersThatAdvanceEveryTick) {
  MohStreams streams(MohSettings{.seed = 9});
  const SlotId id = streams.start(milliseconds(0), kPhone, counting_music(8000));
  RtpBatch batch;
  std::vector<RtpHeader> headers;
  for (int t = 0; t <= 200; t += 20) {
    batch.clear();
    ASSERT_EQ(streams.tick(milliseconds(t), batch), 1u);
    headers.push_back(header_of(batch.packets()[0]));
    EXPECT_EQ(batch.packets()[0].destination, kPhone);
    EXPECT_EQ(batch.packets()[0].payload.size(), kSamplesPerPacket);
  }
  EXPECT_TRUE(headers[0].marker);
  EXPECT_EQ(headers[0].ssrc, *streams.ssrc(id));
  for (std::size_t i = 1; i < headers.size(); ++i) {
    EXPECT_FALSE(headers[i].marker);
    EXPECT_EQ(headers[i].payload_type, kPayloadTypePcmu);
    EXPECT_EQ(headers[i].ssrc, headers[0].ssrc);
    EXPECT_EQ(std::uint16_t(headers[i].sequence - headers[i - 1].sequence), 1);
    EXPECT_EQ(headers[i].timestamp - headers[i - 1].timestamp, kSamplesPerPacket);
  }
}

TEST(MohStreams, SameSeedSameStreamsOtherSeedOtherStreams) {
  MohStreams a(MohSettings{.seed = 1}), b(MohSettings{.seed = 1}), c(MohSettings{.seed = 2});
  const auto music = counting_music(8000);
  const SlotId ia = a.start(milliseconds(0), kPhone, music);
  const SlotId ib = b.start(milliseconds(0), kPhone, music);
  const SlotId ic = c.start(milliseconds(0), kPhone, music);
  EXPECT_EQ(a.ssrc(ia), b.ssrc(ib));
  EXPECT_NE(a.ssrc(ia), c.ssrc(ic));
  EXPECT_NE(a.ssrc(ia), a.ssrc(a.start(milliseconds(0), kPhone, music)));
}

TEST(MohStreams, OnePeriodLateSendsBothPacketsWithoutSkipping) {
  MohStreams streams;
  streams.start(milliseconds(0), kPhone, counting_music(8000));
  RtpBatch batch;
  streams.tick(milliseconds(0), batch);
  batch.clear();
  ASSERT_EQ(streams.tick(milliseconds(45), batch), 2u);  // 20 and 40 were due
  EXPECT_FALSE(header_of(batch.packets()[0]).marker);
  EXPECT_EQ(streams.counters().packets_skipped, 0u);
  EXPECT_EQ(streams.next_deadline(), milliseconds(60));
}

TEST(MohStreams, LateWakeUpCatchesUpAtMostTheBoundAndSkipsTheRest) {
  MohStreams streams(MohSettings{.seed = 3, .max_packets_per_tick = 3});
  const auto music = counting_music(8000);
  streams.start(milliseconds(0), kPhone, music);
  RtpBatch batch;
  streams.tick(milliseconds(0), batch);
  const RtpHeader before = header_of(batch.packets()[0]);
  batch.clear();
  // Woken 200 ms late: packets for 20, 40, ..., 220 (11) were due.
  ASSERT_EQ(streams.tick(milliseconds(220), batch), 3u);
  EXPECT_EQ(streams.counters().packets_skipped, 8u);
  const RtpHeader first = header_of(batch.packets()[0]);
  EXPECT_TRUE(first.marker);  // the receiver resynchronises after the gap
  EXPECT_EQ(std::uint16_t(first.sequence - before.sequence), 1);  // nothing lost in transit
  // The timestamp and the music moved on with time: this packet is the 10th after the
  // one at 0 ms (8 skipped), and carries the music of that moment.
  EXPECT_EQ(first.timestamp - before.timestamp, 9 * kSamplesPerPacket);
  EXPECT_EQ(batch.packets()[0].payload.data(), music->packet_at(9 * kSamplesPerPacket).data());
  for (std::size_t i = 1; i < 3; ++i) {
    const RtpHeader h = header_of(batch.packets()[i]);
    EXPECT_FALSE(h.marker);
    EXPECT_EQ(h.timestamp - first.timestamp, i * kSamplesPerPacket);
  }
  EXPECT_EQ(streams.next_deadline(), milliseconds(240));  // back on the grid
}

TEST(MohStreams, StopWithAStaleOrNullIdIsHarmless) {
  MohStreams streams;
  const auto music = counting_music(8000);
  const SlotId old = streams.start(milliseconds(0), kPhone, music);
  EXPECT_TRUE(streams.stop(old));
  EXPECT_FALSE(streams.stop(old));
  EXPECT_FALSE(streams.stop(SlotId{}));
  EXPECT_FALSE(streams.set_destination(old, kPhone));
  const SlotId reused = streams.start(milliseconds(0), kPhone, music);
  ASSERT_EQ(reused.index(), old.index());  // same slot, new generation
  EXPECT_FALSE(streams.stop(old));     // the new stream is not touched
  EXPECT_TRUE(streams.is_playing(reused));
  RtpBatch batch;
  EXPECT_EQ(streams.tick(milliseconds(0), batch), 1u);
}

TEST(MohStreams, StoppingTheLastStreamClearsTheDeadline) {
  MohStreams streams;
  const SlotId id = streams.start(milliseconds(0), kPhone, counting_music(8000));
  streams.stop(id);
  EXPECT_EQ(streams.next_deadline(), std::nullopt);
}

TEST(MohStreams, NewDestinationTakesEffectWithTheSameStream) {
  MohStreams streams;
  const SlotId id = streams.start(milliseconds(0), kPhone, counting_music(8000));
  RtpBatch batch;
  streams.tick(milliseconds(0), batch);
  const RtpDestination moved = *RtpDestination::parse("2001:db8::5", 50000);
  ASSERT_TRUE(streams.set_destination(id, moved));
  batch.clear();
  streams.tick(milliseconds(20), batch);
  EXPECT_EQ(batch.packets()[0].destination, moved);
  EXPECT_FALSE(header_of(batch.packets()[0]).marker);  // same stream, same numbering
}

TEST(MohStreams, PayloadIsAViewIntoTheSharedMusicNotACopy) {
  MohStreams streams;
  const auto music = counting_music(8000);
  for (int i = 0; i < 5; ++i) streams.start(milliseconds(0), kPhone, music);
  RtpBatch batch;
  streams.tick(milliseconds(0), batch);
  for (const RtpPacket& p : batch.packets()) EXPECT_EQ(p.payload.data(), music->loop().data());
}

TEST(MohStreams, LoopWrapIsSeamlessForAnyMusicLength) {
  // 1000 samples is 6.25 packets: packets straddle the loop point at different offsets.
  for (std::uint32_t length : {1000u, 160u, 7u, 8001u}) {
    MohStreams streams;
    streams.start(milliseconds(0), kPhone, counting_music(length));
    RtpBatch batch;
    std::vector<std::uint8_t> heard;
    for (int t = 0; t < 20 * 60; t += 20) {
      batch.clear();
      streams.tick(milliseconds(t), batch);
      for (const RtpPacket& p : batch.packets()) heard.insert(heard.end(), p.payload.begin(), p.payload.end());
    }
    ASSERT_EQ(heard.size(), 60 * kSamplesPerPacket);
    for (std::size_t i = 0; i < heard.size(); ++i)
      ASSERT_EQ(heard[i], std::uint8_t((i % length) % 251)) << "length " << length << " sample " << i;
  }
}

TEST(MohStreams, StoppedStreamsMusicOutlivesTheBatchUntilTheNextTick) {
  MohStreams streams;
  std::weak_ptr<const MusicBuffer> watch;
  RtpBatch batch;
  {
    auto music = counting_music(8000);
    watch = music;
    const SlotId id = streams.start(milliseconds(0), kPhone, std::move(music));
    streams.tick(milliseconds(0), batch);
    streams.stop(id);  // the only owner of the music goes away...
  }
  ASSERT_FALSE(watch.expired());  // ...but the batch still points into it
  EXPECT_EQ(batch.packets()[0].payload[1], 1);
  batch.clear();
  streams.tick(milliseconds(20), batch);
  EXPECT_TRUE(watch.expired());
}

TEST(MohStreams, StreamStateIsSmall) {
  // The server's budget is 4 KiB per parked call; the music is shared, not per call.
  EXPECT_LE(sizeof(detail::MohStream), 64u);
}

TEST(MohStreams, BatchesDoNotGrowOnceWarm) {
  MohStreams streams;
  const auto music = counting_music(8000);
  for (int i = 0; i < 1000; ++i) streams.start(milliseconds(0), kPhone, music);
  RtpBatch batch;
  streams.tick(milliseconds(0), batch);
  const std::size_t capacity = batch.capacity();
  const RtpPacket* storage = batch.packets().data();
  for (int t = 20; t < 2000; t += 20) {
    batch.clear();
    ASSERT_EQ(streams.tick(milliseconds(t), batch), 1000u);
  }
  EXPECT_EQ(batch.capacity(), capacity);
  EXPECT_EQ(batch.packets().data(), storage);
}

}  // namespace
}  // namespace cpark::media

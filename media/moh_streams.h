// The music-on-hold scheduler (sans-IO): every parked call's RTP stream on one shared
// 20 ms grid, so a single timer in the server serves them all and one tick yields every
// due packet. It never reads a clock or touches a socket: the driver passes `now` and
// hands the batch to RtpSender (media/rtp_sender.h).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <vector>

#include "common/slot_map.h"
#include "media/detail/moh_stream.h"
#include "media/music.h"
#include "media/rtp_batch.h"
#include "media/rtp_destination.h"

namespace cpark::media {

struct MohSettings {
  // Seeds the generator of every stream's random SSRC, first sequence number and first
  // timestamp (RFC 3550 §5.1): the same seed replays the same streams.
  std::uint64_t seed = 0;
  // Catch-up bound: a stream sends at most this many packets in one tick. When the
  // driver wakes later than that, the older packets are skipped, not burst: their time
  // still passes in the RTP timestamp and the music, and the next packet carries the
  // marker (RFC 3551 §4.1), as after silence suppression. Three packets (60 ms) fit
  // the jitter buffer of a typical phone; a longer burst would arrive too late to play.
  std::uint32_t max_packets_per_tick = 3;
};

struct MohCounters {
  std::uint64_t streams_started = 0;
  std::uint64_t packets = 0;          // appended to batches
  std::uint64_t packets_skipped = 0;  // due but beyond the catch-up bound
  std::uint64_t late_ticks = 0;       // ticks that found a stream more than one packet behind
};

class MohStreams {
 public:
  // RFC 3551 §4.5: G.711's default packet time. Every stream is due on multiples of it.
  static constexpr std::chrono::milliseconds kPacketInterval{20};

  explicit MohStreams(const MohSettings& settings = {});

  // Starts playing `music` from its beginning to `destination` (the parked party's SDP
  // address). Its first packet is due at the first grid point at or after `now`.
  // Returns the null id when `music` is null.
  SlotId start(std::chrono::milliseconds now, const RtpDestination& destination,
               std::shared_ptr<const MusicBuffer> music);
  // Ends a stream (the park ended). False, and nothing changes, for a stale or null id.
  bool stop(SlotId id);
  // The parked party's address changed (re-INVITE): the stream goes on to the new one
  // with the same SSRC and numbering. False for a stale id.
  bool set_destination(SlotId id, const RtpDestination& destination);

  // When tick() next has packets to give, or nullopt when no stream is playing. The
  // same grid point for every stream: arm one timer for it.
  std::optional<std::chrono::milliseconds> next_deadline() const;
  // Appends every due packet to `batch` (it is not cleared here) and returns how many.
  // Payload views stay valid until the next tick(): stop() keeps a stream's music alive
  // until then, so a batch can be sent after the tick that filled it.
  std::size_t tick(std::chrono::milliseconds now, RtpBatch& batch);

  std::size_t size() const { return streams_.size(); }
  bool is_playing(SlotId id) const { return streams_.contains(id); }
  std::optional<std::uint32_t> ssrc(SlotId id) const;
  const MohCounters& counters() const { return counters_; }
  // Grows the tables up front for `streams` parked calls.
  void reserve(std::size_t streams);

 private:
  MohSettings settings_;
  std::mt19937_64 generator_;
  SlotMap<detail::MohStream> streams_;
  std::vector<std::shared_ptr<const MusicBuffer>> retired_music_;
  std::chrono::milliseconds earliest_due_{0};
  MohCounters counters_;
};

}  // namespace cpark::media

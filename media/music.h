// C4 music on hold, decoded: a pool's uploaded music file (WAV from the store) becomes
// one immutable µ-law 8000 Hz mono loop, decoded once and shared by every parked call of
// that pool. A file that cannot be played gets an error in words, so the server can log
// it and play the built-in hold tone (media/hold_tone.h) instead.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace cpark::media {

// A hold-music loop as it goes on the wire: G.711 µ-law, 8000 Hz, mono. Streams read
// their packets straight out of it (no copy per packet), so it never changes once built.
class MusicBuffer {
 public:
  // `loop` must hold at least one sample; it is played over and over.
  static std::shared_ptr<const MusicBuffer> from_ulaw_loop(std::vector<std::uint8_t> loop,
                                                           std::string description);

  std::uint32_t loop_samples() const { return loop_samples_; }
  std::chrono::milliseconds loop_duration() const;
  std::span<const std::uint8_t> loop() const { return {samples_.data(), loop_samples_}; }
  // The 160 samples of one 20 ms packet starting at `position` (< loop_samples()). They
  // are contiguous even where the loop wraps: the buffer repeats its first 159 samples
  // after the end, so a packet across the loop point needs no copy and no second piece.
  std::span<const std::uint8_t> packet_at(std::uint32_t position) const;
  // Where the packet `packets` packets after the one at `position` starts.
  std::uint32_t position_after(std::uint32_t position, std::uint64_t packets) const;
  // What was decoded, for logs: "WAV (Signed 16 bit PCM), 44100 Hz, 2 channels, 3 min 5 s".
  const std::string& description() const { return description_; }

 private:
  MusicBuffer(std::vector<std::uint8_t> samples, std::uint32_t loop_samples, std::string description);

  std::vector<std::uint8_t> samples_;  // the loop, then its first 159 samples again
  std::uint32_t loop_samples_;
  std::string description_;
};

struct MusicLimits {
  // Longer music is refused rather than held in memory (10 min is 4.7 MiB of µ-law).
  std::chrono::seconds max_duration{std::chrono::minutes(10)};
};

using MusicPtr = std::shared_ptr<const MusicBuffer>;

// Decodes a music file's bytes (as Store::music_bytes returns them) from memory with
// libsndfile: any WAV it reads (PCM 8–32 bit, float, µ-law/A-law, ADPCM; any sample rate
// and channel count) is downmixed to mono, resampled to 8000 Hz with libsamplerate,
// brought to a telephone listening level and encoded to µ-law. WMA (ASF), other formats,
// empty, damaged or too long files give an error naming the problem.
Result<MusicPtr> decode_music(std::string_view file_bytes, const MusicLimits& limits = {});

}  // namespace cpark::media

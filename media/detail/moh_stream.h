// One parked call's music-on-hold stream: everything the scheduler keeps per call. The
// music itself is shared, so a stream is 64 bytes (the server's budget is 4 KiB
// per parked call).
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>

#include "media/music.h"
#include "media/rtp.h"
#include "media/rtp_destination.h"

namespace cpark::media::detail {

struct MohStream {
  std::shared_ptr<const MusicBuffer> music;
  RtpDestination destination;
  RtpSequence rtp;
  std::uint32_t position = 0;       // next packet's first sample in the music loop
  std::chrono::milliseconds next_due;  // on the shared 20 ms grid
};

}  // namespace cpark::media::detail

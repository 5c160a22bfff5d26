// The packets one scheduler tick produced, ready for the sender: per packet a 12-byte RTP
// header, a view of its 160-byte payload inside the shared music buffer (never a copy)
// and its destination. Reused tick after tick, so once its capacity has grown to the
// number of parked calls it allocates nothing.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "media/rtp.h"
#include "media/rtp_destination.h"

namespace cpark::media {

struct RtpPacket {
  RtpHeaderBytes header;
  std::span<const std::uint8_t> payload;  // into a MusicBuffer
  RtpDestination destination;
};

class RtpBatch {
 public:
  void clear() { packets_.clear(); }  // keeps the capacity
  void reserve(std::size_t packets) { packets_.reserve(packets); }
  void append(const RtpPacket& packet) { packets_.push_back(packet); }

  std::span<const RtpPacket> packets() const { return packets_; }
  std::size_t size() const { return packets_.size(); }
  bool is_empty() const { return packets_.empty(); }
  std::size_t capacity() const { return packets_.capacity(); }

 private:
  std::vector<RtpPacket> packets_;
};

}  // namespace cpark::media

// Music on hold as real RTP (C4): one thread of its own with one timer that sends every
// parked call's 20 ms packet (media::MohStreams + media::RtpSender, sendmmsg). It is
// apart from the SIP thread so SIP bursts do not delay packets, and it can run at
// real-time priority (--realtime-media), as Asterisk and FreeSWITCH do with -p / -rp.
// The SIP thread tells it what to play with post(); nothing is shared but atomics.
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/result.h"
#include "common/string_hash.h"
#include "media/moh_streams.h"
#include "media/music.h"
#include "media/rtp_batch.h"
#include "media/rtp_sender.h"
#include "server/b2bua.h"

namespace cpark::server {

class MusicPlayer {
 public:
  MusicPlayer(std::uint64_t seed, bool realtime);
  ~MusicPlayer();
  MusicPlayer(const MusicPlayer&) = delete;
  MusicPlayer& operator=(const MusicPlayer&) = delete;

  // Binds the RTP socket at host:port (0 = any free port) and starts the thread.
  Status start(const std::string& host, std::uint16_t port);
  void stop();
  std::uint16_t port() const { return port_; }

  // From other threads: what to play (the core's commands) and each pool's music.
  void post(MediaCommand command);
  void set_music(const std::string& pool, media::MusicPtr music);

  std::uint64_t packets_sent() const { return packets_sent_.load(std::memory_order_relaxed); }
  std::uint64_t streams() const { return streams_.load(std::memory_order_relaxed); }

 private:
  using Clock = std::chrono::steady_clock;
  std::chrono::milliseconds now() const;
  void apply(const MediaCommand& c);
  void arm();
  void drain_incoming();

  boost::asio::io_context io_;
  boost::asio::ip::udp::socket socket_{io_};
  boost::asio::steady_timer timer_{io_};
  std::thread thread_;
  bool realtime_;
  std::uint16_t port_ = 0;
  Clock::time_point origin_ = Clock::now();
  media::MohStreams moh_;
  std::unique_ptr<media::RtpSender> sender_;
  media::RtpBatch batch_;
  media::MusicPtr hold_tone_;
  boost::unordered_flat_map<std::string, media::MusicPtr, StringHash, StringEqual> music_;
  boost::unordered_flat_map<std::uint64_t, SlotId> stream_of_call_;
  std::array<char, 2048> incoming_{};
  std::atomic<std::uint64_t> packets_sent_{0}, streams_{0};
};

}  // namespace cpark::server

#include "server/music_player.h"

#include <pthread.h>
#include <sched.h>

#include <boost/asio/post.hpp>

#include "media/hold_tone.h"

namespace cpark::server {

namespace asio = boost::asio;

MusicPlayer::MusicPlayer(std::uint64_t seed, bool realtime)
    : realtime_(realtime), moh_(media::MohSettings{seed, 3}), hold_tone_(media::make_hold_tone()) {}

MusicPlayer::~MusicPlayer() { stop(); }

std::chrono::milliseconds MusicPlayer::now() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - origin_);
}

Status MusicPlayer::start(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return fail("music on hold: \"" + host + "\" is not an IP address");
  socket_.open(address.is_v6() ? asio::ip::udp::v6() : asio::ip::udp::v4(), ec);
  if (!ec) socket_.bind({address, port}, ec);
  if (ec) return fail("music on hold: cannot bind RTP to " + host + ":" + std::to_string(port) + ": " + ec.message());
  socket_.non_blocking(true, ec);
  port_ = socket_.local_endpoint().port();
  sender_ = std::make_unique<media::RtpSender>(socket_.native_handle());
  drain_incoming();
  thread_ = std::thread([this] {
    if (realtime_) {
      // One packet every 20 ms to every parked call: a late wake-up is heard as a gap.
      sched_param p{};
      p.sched_priority = 10;
      pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);  // needs CAP_SYS_NICE; best effort
    }
    auto guard = asio::make_work_guard(io_);
    io_.run();
  });
  return {};
}

void MusicPlayer::stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    timer_.cancel();
    boost::system::error_code ec;
    socket_.close(ec);
    io_.stop();
  });
  thread_.join();
}

void MusicPlayer::post(MediaCommand command) {
  asio::post(io_, [this, c = std::move(command)] { apply(c); });
}

void MusicPlayer::set_music(const std::string& pool, media::MusicPtr music) {
  asio::post(io_, [this, pool, music = std::move(music)] { music_[pool] = music; });
}

void MusicPlayer::apply(const MediaCommand& c) {
  switch (c.kind) {
    case MediaCommand::Kind::start: {
      auto dest = media::RtpDestination::parse(c.address, c.port);
      if (!dest) return;
      auto m = music_.find(c.pool);
      const media::MusicPtr music = m != music_.end() && m->second ? m->second : hold_tone_;
      if (auto old = stream_of_call_.find(c.stream); old != stream_of_call_.end()) moh_.stop(old->second);
      stream_of_call_[c.stream] = moh_.start(now(), *dest, music);
      break;
    }
    case MediaCommand::Kind::move: {
      auto it = stream_of_call_.find(c.stream);
      auto dest = media::RtpDestination::parse(c.address, c.port);
      if (it != stream_of_call_.end() && dest) moh_.set_destination(it->second, *dest);
      break;
    }
    case MediaCommand::Kind::stop: {
      auto it = stream_of_call_.find(c.stream);
      if (it == stream_of_call_.end()) return;
      moh_.stop(it->second);
      stream_of_call_.erase(it);
      break;
    }
  }
  streams_.store(moh_.size(), std::memory_order_relaxed);
  arm();
}

void MusicPlayer::arm() {
  const auto deadline = moh_.next_deadline();
  if (!deadline) return;
  timer_.expires_at(origin_ + *deadline);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    batch_.clear();
    moh_.tick(now(), batch_);
    if (!batch_.is_empty()) {
      const media::SendReport r = sender_->send(batch_);
      packets_sent_.fetch_add(r.sent, std::memory_order_relaxed);
    }
    arm();
  });
}

// Parked phones may send RTP to us anyway (a hold answered sendrecv): read and drop it,
// so the socket's buffer never fills.
void MusicPlayer::drain_incoming() {
  socket_.async_wait(asio::ip::udp::socket::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    boost::system::error_code read_ec;
    asio::ip::udp::endpoint from;
    for (int i = 0; i < 256; ++i) {
      socket_.receive_from(asio::buffer(incoming_), from, 0, read_ec);
      if (read_ec) break;
    }
    drain_incoming();
  });
}

}  // namespace cpark::server

// RtpSender delivers a batch over real UDP sockets on loopback, byte for byte, and counts
// the datagrams the kernel refuses instead of giving up on the rest.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include "media/moh_streams.h"
#include "media/rtp_sender.h"

namespace cpark::media {
namespace {

using std::chrono::milliseconds;

// A UDP socket bound to a free loopback port, closed when the test ends.
class UdpSocket {
 public:
  explicit UdpSocket(int family) : fd_(socket(family, SOCK_DGRAM, 0)) {}
  ~UdpSocket() {
    if (fd_ >= 0) close(fd_);
  }
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  int fd() const { return fd_; }

  std::uint16_t bind_loopback() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 0;
    socklen_t length = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
    return ntohs(a.sin_port);
  }

  // The next datagram, or empty after 2 s without one.
  std::vector<std::uint8_t> receive() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 2000) != 1) return {};
    std::vector<std::uint8_t> data(2048);
    const ssize_t n = recv(fd_, data.data(), data.size(), 0);
    data.resize(n > 0 ? std::size_t(n) : 0);
    return data;
  }

 private:
  int fd_;
};

std::vector<std::uint8_t> bytes_of(const RtpPacket& p) {
  std::vector<std::uint8_t> b(p.header.begin(), p.header.end());
  b.insert(b.end(), p.payload.begin(), p.payload.end());
  return b;
}

std::shared_ptr<const MusicBuffer> ramp_music() {
  std::vector<std::uint8_t> loop(1000);
  for (std::size_t i = 0; i < loop.size(); ++i) loop[i] = std::uint8_t(i * 7);
  return MusicBuffer::from_ulaw_loop(std::move(loop), "ramp");
}

// Sends `streams` packets per tick for `ticks` ticks to `receivers`, in chunks of
// `chunk` messages per system call, and checks every datagram arrives intact.
void expect_delivered(int sender_family, std::size_t chunk) {
  UdpSocket a(AF_INET), b(AF_INET), out(sender_family);
  if (sender_family == AF_INET6) {
    const int dual_stack = 0;  // also carry IPv4, whatever net.ipv6.bindv6only says
    ASSERT_EQ(setsockopt(out.fd(), IPPROTO_IPV6, IPV6_V6ONLY, &dual_stack, sizeof dual_stack), 0);
  }
  const std::uint16_t port_a = a.bind_loopback(), port_b = b.bind_loopback();
  ASSERT_NE(port_a, 0);
  ASSERT_NE(port_b, 0);
  MohStreams streams(MohSettings{.seed = 5});
  const auto music = ramp_music();
  for (int i = 0; i < 3; ++i) streams.start(milliseconds(0), *RtpDestination::parse("127.0.0.1", port_a), music);
  streams.start(milliseconds(0), *RtpDestination::parse("127.0.0.1", port_b), music);
  RtpSender sender(out.fd(), chunk);
  RtpBatch batch;
  for (int t = 0; t < 60; t += 20) streams.tick(milliseconds(t), batch);  // 12 packets
  ASSERT_EQ(batch.size(), 12u);

  const SendReport report = sender.send(batch);
  EXPECT_EQ(report.sent, 12u);
  EXPECT_EQ(report.failed + report.would_block, 0u);
  for (const RtpPacket& p : batch.packets()) {
    UdpSocket& to = p.destination.port == port_a ? a : b;
    EXPECT_EQ(to.receive(), bytes_of(p));  // one socket delivers in send order
  }
  EXPECT_EQ(sender.counters().sent, 12u);
  EXPECT_EQ(sender.counters().system_calls, (12 + chunk - 1) / chunk);
}

TEST(RtpSender, DeliversABatchByteForByteToLoopbackSockets) { expect_delivered(AF_INET, 256); }

TEST(RtpSender, SplitsALargeBatchIntoChunksOfMessages) { expect_delivered(AF_INET, 5); }

TEST(RtpSender, DualStackSocketReachesIpv4AsMappedAddresses) { expect_delivered(AF_INET6, 64); }

TEST(RtpSender, RefusedDatagramIsCountedAndTheRestStillGo) {
  UdpSocket in(AF_INET), out(AF_INET);
  const std::uint16_t port = in.bind_loopback();
  ASSERT_NE(port, 0);
  const auto music = ramp_music();
  MohStreams streams;
  streams.start(milliseconds(0), *RtpDestination::parse("127.0.0.1", port), music);
  // An IPv6 destination cannot be reached from an IPv4 socket: the kernel refuses it.
  streams.start(milliseconds(0), *RtpDestination::parse("::1", port), music);
  streams.start(milliseconds(0), *RtpDestination::parse("127.0.0.1", port), music);
  RtpBatch batch;
  streams.tick(milliseconds(0), batch);
  RtpSender sender(out.fd());
  const SendReport report = sender.send(batch);
  EXPECT_EQ(report.sent, 2u);
  EXPECT_EQ(report.failed, 1u);
  EXPECT_NE(report.last_error, 0);
  EXPECT_EQ(in.receive(), bytes_of(batch.packets()[0]));
  EXPECT_EQ(in.receive(), bytes_of(batch.packets()[2]));
}

TEST(RtpSender, EmptyBatchMakesNoSystemCall) {
  UdpSocket out(AF_INET);
  RtpSender sender(out.fd());
  const SendReport report = sender.send(RtpBatch{});
  EXPECT_EQ(report.sent, 0u);
  EXPECT_EQ(sender.counters().system_calls, 0u);
}

}  // namespace
}  // namespace cpark::media

// The MoH hot path allocates nothing once warm: tick() into a reused batch, send() with
// the sender's fixed arrays, and parks starting and ending in slots already there. This
// file replaces the global operator new of the media test program to count allocations.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "media/moh_streams.h"
#include "media/rtp_sender.h"

namespace {
std::atomic<std::size_t> allocations{0};
}

void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace cpark::media {
namespace {

using std::chrono::milliseconds;

TEST(MohHotPath, TickSendStartAndStopAllocateNothingOnceWarm) {
  const int receiver = socket(AF_INET, SOCK_DGRAM, 0);
  const int sender_socket = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(receiver, 0);
  ASSERT_GE(sender_socket, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(receiver, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
  socklen_t length = sizeof local;
  getsockname(receiver, reinterpret_cast<sockaddr*>(&local), &length);
  const RtpDestination there = *RtpDestination::parse("127.0.0.1", ntohs(local.sin_port));

  MohStreams streams;
  RtpSender sender(sender_socket);
  RtpBatch batch;
  std::vector<std::uint8_t> samples(8000, 0xFF);
  const auto music = MusicBuffer::from_ulaw_loop(samples, "silence");
  std::vector<SlotId> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(streams.start(milliseconds(0), there, music));
  // Warm-up: one round of everything the loop below does.
  streams.tick(milliseconds(0), batch);
  sender.send(batch);
  streams.stop(ids[0]);
  ids[0] = streams.start(milliseconds(1), there, music);

  const std::size_t before = allocations.load();
  for (int t = 20; t <= 2000; t += 20) {
    batch.clear();
    streams.tick(milliseconds(t), batch);
    sender.send(batch);
    // A park ends and another starts between ticks.
    const auto k = std::size_t(t / 20) % ids.size();
    streams.stop(ids[k]);
    ids[k] = streams.start(milliseconds(t + 1), there, music);
  }
  const std::size_t during = allocations.load() - before;
  EXPECT_EQ(during, 0u);
  EXPECT_EQ(streams.counters().packets, 200u * 101u);
  close(receiver);
  close(sender_socket);
}

}  // namespace
}  // namespace cpark::media

// The fault relay on real loopback sockets: it forwards both ways, each client gets its
// own path (answers find their way back), and its faults follow the seed.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "loadtest/fault_relay.h"

namespace {

using namespace cpark::loadtest;
namespace asio = boost::asio;
using udp = asio::ip::udp;

struct Echo {  // a stand-in server: answers every datagram with "re:" + it
  asio::io_context io;
  udp::socket s{io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread t;
  std::array<char, 2048> buf{};
  udp::endpoint from;
  std::atomic<int> received{0};
  Echo() {
    receive();
    t = std::thread([this] { io.run(); });
  }
  ~Echo() {
    io.stop();
    t.join();
  }
  void receive() {
    s.async_receive_from(asio::buffer(buf), from, [this](auto ec, std::size_t n) {
      if (ec) return;
      ++received;
      s.send_to(asio::buffer("re:" + std::string(buf.data(), n)), from);
      receive();
    });
  }
};

// Sends `n` datagrams "Call-ID: i" through the relay and collects the answers for a while.
// Sent in bursts of 10 with the answers read in between: a burst of 1,000 small datagrams
// overflows a loopback socket's receive buffer (~270 of them fit in the default 208 KiB)
// when a loaded machine is slow to schedule the relay, and the kernel's drops would then
// be counted as the relay's.
std::multiset<std::string> exchange(std::uint16_t relay_port, int n) {
  asio::io_context io;
  udp::socket c(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  c.non_blocking(true);
  const udp::endpoint relay(asio::ip::make_address("127.0.0.1"), relay_port);
  std::multiset<std::string> got;
  std::array<char, 2048> buf{};
  const auto read_for = [&](std::chrono::milliseconds window) {
    const auto until = std::chrono::steady_clock::now() + window;
    while (std::chrono::steady_clock::now() < until) {
      boost::system::error_code ec;
      udp::endpoint from;
      const std::size_t k = c.receive_from(asio::buffer(buf), from, 0, ec);
      if (!ec) got.insert(std::string(buf.data(), k));
      else std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  };
  for (int i = 0; i < n; ++i) {
    c.send_to(asio::buffer("X\r\nCall-ID: " + std::to_string(i) + "\r\n"), relay);
    if (i % 10 == 9) read_for(std::chrono::milliseconds(2));
  }
  read_for(std::chrono::milliseconds(600));
  return got;
}

TEST(FaultRelay, ForwardsBothWaysWithoutFaults) {
  Echo server;
  FaultRelay relay(0, "127.0.0.1", server.s.local_endpoint().port(), {});
  const auto got = exchange(relay.port(), 100);
  EXPECT_EQ(got.size(), 100u);
  EXPECT_EQ(got.count("re:X\r\nCall-ID: 7\r\n"), 1u);
  EXPECT_EQ(relay.counts().dropped, 0u);
}

TEST(FaultRelay, DropsAndDuplicatesAboutTheirShare) {
  Echo server;
  FaultSettings f;
  f.drop = 0.1;
  f.duplicate = 0.1;
  f.seed = 42;
  FaultRelay relay(0, "127.0.0.1", server.s.local_endpoint().port(), f);
  const auto got = exchange(relay.port(), 1000);
  const auto c = relay.counts();
  // Both directions pass the relay (~2,000 datagrams). The shares are judged against what
  // the relay saw, not what was sent, so a datagram the kernel lost on a loaded machine
  // cannot move them; bounds are more than 3.5 standard deviations wide at 500 seen.
  const std::uint64_t seen = c.forwarded - c.duplicated + c.dropped;
  ASSERT_GT(seen, 500u) << "the relay saw too few datagrams to judge shares";
  const double drop_share = double(c.dropped) / double(seen);
  const double dup_share = double(c.duplicated) / double(seen - c.dropped);
  EXPECT_GT(drop_share, 0.05) << c.dropped << " of " << seen;
  EXPECT_LT(drop_share, 0.15) << c.dropped << " of " << seen;
  EXPECT_GT(dup_share, 0.05) << c.duplicated << " of " << seen - c.dropped;
  EXPECT_LT(dup_share, 0.15) << c.duplicated << " of " << seen - c.dropped;
  // Duplicates reach the client: some answer arrives twice, every answer is an echo.
  bool some_twice = false;
  for (const auto& a : got) {
    EXPECT_EQ(a.rfind("re:X\r\nCall-ID: ", 0), 0u) << a;
    some_twice = some_twice || got.count(a) > 1;
  }
  EXPECT_TRUE(some_twice);
}

TEST(FaultRelay, SameSeedSameFaults) {
  FaultSettings f;
  f.drop = 0.2;
  f.seed = 9;
  std::uint64_t dropped[2];
  for (int run = 0; run < 2; ++run) {
    // A server that never answers: only our datagrams meet the faults, in our order.
    asio::io_context sink_io;
    udp::socket sink(sink_io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    FaultRelay relay(0, "127.0.0.1", sink.local_endpoint().port(), f);
    // One datagram at a time, so both runs meet the faults in the same order.
    asio::io_context io;
    udp::socket c(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    for (int i = 0; i < 200; ++i) {
      c.send_to(asio::buffer("Call-ID: " + std::to_string(i) + "\r\n"),
                udp::endpoint(asio::ip::make_address("127.0.0.1"), relay.port()));
      std::this_thread::sleep_for(std::chrono::microseconds(300));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    dropped[run] = relay.counts().dropped;
  }
  EXPECT_EQ(dropped[0], dropped[1]) << "seed 9";
}

TEST(FaultRelay, ReorderingHoldsADatagramBehindAnotherCall) {
  Echo server;
  FaultSettings f;
  f.reorder = 0.3;
  f.seed = 3;
  FaultRelay relay(0, "127.0.0.1", server.s.local_endpoint().port(), f);
  const auto got = exchange(relay.port(), 200);
  EXPECT_EQ(got.size(), 200u);  // nothing lost, only late
  EXPECT_GT(relay.counts().reordered, 20u);
}

TEST(FaultRelay, BusyPortIsNamed) {
  Echo server;
  try {
    FaultRelay relay(server.s.local_endpoint().port(), "127.0.0.1", 9, {});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos) << e.what();
  }
}

}  // namespace

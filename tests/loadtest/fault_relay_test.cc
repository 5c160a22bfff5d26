// The fault relay on real loopback sockets: it forwards both ways, each client gets its
// own path (answers find their way back), and its faults follow the seed.
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <chrono>
#include <set>
#include <string>

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
std::multiset<std::string> exchange(std::uint16_t relay_port, int n) {
  asio::io_context io;
  udp::socket c(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  c.non_blocking(true);
  const udp::endpoint relay(asio::ip::make_address("127.0.0.1"), relay_port);
  for (int i = 0; i < n; ++i) c.send_to(asio::buffer("X\r\nCall-ID: " + std::to_string(i) + "\r\n"), relay);
  std::multiset<std::string> got;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(600);
  std::array<char, 2048> buf{};
  while (std::chrono::steady_clock::now() < until) {
    boost::system::error_code ec;
    udp::endpoint from;
    const std::size_t k = c.receive_from(asio::buffer(buf), from, 0, ec);
    if (!ec) got.insert(std::string(buf.data(), k));
    else std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
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
  // Both directions pass the relay: ~2000 datagrams seen, ~10 % dropped, ~10 % doubled.
  EXPECT_GT(c.dropped, 120u);
  EXPECT_LT(c.dropped, 290u);
  EXPECT_GT(c.duplicated, 100u);
  EXPECT_LT(got.size(), 1200u);
  EXPECT_GT(got.size(), 800u);
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

// Inputs that once broke a parser (found by fuzzing or by hand), kept so they stay
// fixed: each file in tests/sip/regression/ goes through every entry point the fuzzer
// drives (message parser, serializer round trip, TCP framer, SDP parser, the
// transaction layer's receive path, left to its own bounds).
#include <gtest/gtest.h>

#include <filesystem>

#include "sip/sdp.h"
#include "sip/serializer.h"
#include "sip/stream_framer.h"
#include "sip/transaction_layer.h"
#include "test_support.h"

namespace cpark::sip {
namespace {

void exercise(const std::string& bytes) {
  Message m;
  ParseError e;
  if (parse_and_validate(bytes, m, e)) {
    std::string wire;
    serialize(m, wire);
    Message again;
    ParseError e2;
    ASSERT_TRUE(parse_and_validate(wire, again, e2)) << e2.reason;
    EXPECT_EQ(again.call_id(), m.call_id());
    EXPECT_EQ(again.headers().size(), m.headers().size());
  } else {
    EXPECT_NE(e.status, 0);
    EXPECT_FALSE(e.reason.empty());
  }
  StreamFramer framer;
  framer.append(bytes);
  std::string_view msg;
  ParseError fe;
  int guard = 0;
  while (framer.next(msg, fe) == StreamFramer::Status::message && ++guard < 10000) {
  }
  SessionDescription sdp;
  parse_sdp(bytes, sdp);
  // Unanswered, as a silent TU would leave it: the layer's bounds must end everything.
  TransactionLayer layer;
  layer.receive(Milliseconds{0}, Address(Transport::udp, "192.0.2.9", 5060), bytes);
  while (auto d = layer.next_deadline()) {
    ASSERT_LT(*d, Milliseconds{600000});
    layer.handle_timeout(*d);
    while (layer.poll_transmit()) {
    }
  }
  EXPECT_EQ(layer.counters().live_server_transactions, 0u);
}

TEST(Regression, EveryKeptInputIsHandled) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CPARK_SIP_TEST_DATA) + "/regression")) {
    SCOPED_TRACE(entry.path().filename().string());
    exercise(test::read_data_file("regression/" + entry.path().filename().string()));
    ++files;
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace cpark::sip

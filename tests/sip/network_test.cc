// Two transaction layers, a UAC and a UAS, talking through a tiny simulated network that
// loses, duplicates and reorders datagrams (seeded; the seed is printed on failure and
// replays the run). Every transaction must complete and every 2xx must be ACKed.
#include <gtest/gtest.h>

#include <map>
#include <queue>

#include "sip/id_generator.h"
#include "sip/message_builder.h"
#include "sip/serializer.h"
#include "sip/transaction_layer.h"
#include "test_support.h"

namespace cpark::sip {
namespace {

using ms = Milliseconds;

struct Datagram {
  ms at;
  std::uint64_t sequence;
  bool to_uas;
  std::string bytes;
  bool operator>(const Datagram& o) const { return at != o.at ? at > o.at : sequence > o.sequence; }
};

struct Network {
  IdGenerator random;
  double loss, duplication;
  std::priority_queue<Datagram, std::vector<Datagram>, std::greater<>> in_flight;
  std::uint64_t sequence = 0;
  Network(std::uint64_t seed, double loss_rate, double duplication_rate)
      : random(seed), loss(loss_rate), duplication(duplication_rate) {}
  double uniform() { return double(random.next() >> 11) / double(1ULL << 53); }
  void send(ms now, bool to_uas, std::string_view bytes) {
    const int copies = uniform() < duplication ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      if (uniform() < loss) continue;
      // 5-80 ms one-way delay: later datagrams often overtake earlier ones.
      const ms delay{5 + std::int64_t(random.next() % 76)};
      in_flight.push(Datagram{now + delay, sequence++, to_uas, std::string(bytes)});
    }
  }
};

struct CallStats {
  int final_responses = 0;
  int requests_seen_by_uas = 0;
  int acks_at_uas = 0;
  int timeouts = 0;
  int ack_timeouts = 0;
};

CallStats run(std::uint64_t seed, double loss, double duplication, int calls) {
  TransactionConfig uac_config;
  uac_config.via_host = "192.0.2.1";
  uac_config.seed = seed;
  TransactionConfig uas_config;
  uas_config.via_host = "192.0.2.2";
  uas_config.seed = seed + 1;
  TransactionLayer uac(uac_config), uas(uas_config);
  const Address uac_address(Transport::udp, "192.0.2.1", 5060);
  const Address uas_address(Transport::udp, "192.0.2.2", 5060);
  Network net(seed, loss, duplication);
  CallStats stats;
  std::map<std::uint64_t, bool> invite_transactions;  // client id bits -> is INVITE
  IdGenerator tags(seed ^ 0xabcdef);
  Message scratch;
  ms now{0};
  int started = 0;

  auto flush = [&]() {
    while (auto t = uac.poll_transmit()) net.send(now, true, t->bytes);
    while (auto t = uas.poll_transmit()) net.send(now, false, t->bytes);
  };
  auto handle_events = [&]() {
    while (auto e = uas.poll_event()) {
      if (e->kind == EventKind::request_received) {
        ++stats.requests_seen_by_uas;
        const std::string tag = tags.make_tag();
        if (e->message->method() == Method::invite) {
          make_response(*e->message, 180, {}, tag, scratch);
          uas.send_response(now, e->server, scratch);
          make_response(*e->message, 200, {}, tag, scratch);
          scratch.add(HeaderKind::contact, "<sip:bob@192.0.2.2:5060>");
          uas.send_response(now, e->server, scratch);
        } else {
          make_response(*e->message, 200, {}, tag, scratch);
          uas.send_response(now, e->server, scratch);
        }
      } else if (e->kind == EventKind::ack_received && e->server) {
        ++stats.acks_at_uas;
      } else if (e->kind == EventKind::ack_timeout) {
        ++stats.ack_timeouts;
      }
    }
    while (auto e = uac.poll_event()) {
      if (e->kind == EventKind::response_received && e->message->is_final()) {
        ++stats.final_responses;
        if (e->message->is_success() && invite_transactions[e->client.slot.bits()]) {
          // §13.2.2.4: the TU ACKs the 2xx (new branch, same CSeq number).
          const Message& ok = *e->message;
          scratch.clear();
          scratch.set_request_line(Method::ack, "sip:bob@192.0.2.2:5060");
          scratch.add(HeaderKind::via, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK" + tags.make_tag());
          scratch.add(HeaderKind::max_forwards, "70");
          scratch.add(HeaderKind::from, ok.value(HeaderKind::from));
          scratch.add(HeaderKind::to, ok.value(HeaderKind::to));
          scratch.add(HeaderKind::call_id, ok.call_id());
          scratch.add(HeaderKind::cseq, std::to_string(ok.cseq()->number) + " ACK");
          uac.send_ack(now, e->client, scratch, uas_address);
        }
      } else if (e->kind == EventKind::transaction_timeout) {
        ++stats.timeouts;
      }
    }
    flush();
  };

  while (true) {
    // Start a call (INVITE) and a keep-alive OPTIONS every 50 ms of simulated time.
    if (started < calls && now >= ms{started * 50}) {
      for (Method method : {Method::invite, Method::options}) {
        RequestFields f;
        f.method = method;
        f.request_uri = "sip:bob@192.0.2.2:5060";
        const std::string from = "<sip:alice@example.com>;tag=" + tags.make_tag();
        f.from = from;
        f.to = "<sip:bob@example.com>";
        const std::string call_id = "net-" + std::to_string(started) + "-" + std::string(method_name(method));
        f.call_id = call_id;
        f.contact = "<sip:alice@192.0.2.1:5060>";
        make_request(f, scratch);
        const auto id = uac.send_request(now, scratch, uas_address);
        EXPECT_TRUE(id);
        invite_transactions[id.slot.bits()] = method == Method::invite;
      }
      ++started;
      flush();
      continue;
    }
    std::optional<ms> next;
    auto consider = [&](std::optional<ms> t) {
      if (t && (!next || *t < *next)) next = t;
    };
    consider(uac.next_deadline());
    consider(uas.next_deadline());
    if (!net.in_flight.empty()) consider(net.in_flight.top().at);
    if (started < calls) consider(ms{started * 50});
    if (!next) break;
    now = std::max(now, *next);
    while (!net.in_flight.empty() && net.in_flight.top().at <= now) {
      const Datagram d = net.in_flight.top();
      net.in_flight.pop();
      if (d.to_uas) uas.receive(now, uac_address, d.bytes);
      else uac.receive(now, uas_address, d.bytes);
      handle_events();
    }
    uac.handle_timeout(now);
    uas.handle_timeout(now);
    handle_events();
  }
  EXPECT_EQ(uac.counters().live_client_transactions, 0u);
  EXPECT_EQ(uas.counters().live_server_transactions, 0u);
  return stats;
}

TEST(TwoLayerNetwork, EveryTransactionCompletesDespiteLossDuplicationAndReordering) {
  constexpr int calls = 40;
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL, 20240601ULL}) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (rerun with this seed to replay)");
    const CallStats s = run(seed, 0.1, 0.1, calls);
    EXPECT_EQ(s.final_responses, 2 * calls);      // every INVITE and OPTIONS answered, once
    EXPECT_EQ(s.requests_seen_by_uas, 2 * calls); // duplicates absorbed by the UAS layer
    EXPECT_EQ(s.acks_at_uas, calls);              // every 2xx ACKed (re-ACKed if lost)
    EXPECT_EQ(s.timeouts, 0);
    EXPECT_EQ(s.ack_timeouts, 0);
  }
}

TEST(TwoLayerNetwork, PerfectNetworkNeedsNoRetransmission) {
  const CallStats s = run(7, 0.0, 0.0, 10);
  EXPECT_EQ(s.final_responses, 20);
  EXPECT_EQ(s.acks_at_uas, 10);
}

}  // namespace
}  // namespace cpark::sip

// Transactions on simulated time (RFC 3261 §17, §13, §9; RFC 6026; RFC 3581): every
// schedule is checked against the RFC's timer arithmetic with T1 = 500 ms, T2 = 4 s,
// T4 = 5 s.
#include <gtest/gtest.h>

#include <optional>

#include "sip/message_builder.h"
#include "sip/serializer.h"
#include "sip/transaction_layer.h"
#include "test_support.h"

namespace cpark::sip {
namespace {

using test::ParsedMessage;
using ms = Milliseconds;

const Address peer_udp(Transport::udp, "192.0.2.20", 5062);
const Address peer_tcp(Transport::tcp, "192.0.2.20", 5062, 7);

struct Sent {
  ms at;
  Address to;
  std::string bytes;
  Method method() const { return ParsedMessage(bytes).message.method(); }
  int status() const { return ParsedMessage(bytes).message.status(); }
};

class Transactions : public ::testing::Test {
 protected:
  // emplace() replaces the layer in place, so `layer` keeps referring to the live one.
  std::optional<TransactionLayer> layer_storage{std::in_place, make_config()};
  TransactionLayer& layer = *layer_storage;
  void reconfigure(const TransactionConfig& c) { layer_storage.emplace(c); }
  std::vector<Sent> sent;
  std::vector<Event> events;
  std::vector<std::unique_ptr<ParsedMessage>> event_messages;  // copies, owned

  static TransactionConfig make_config() {
    TransactionConfig c;
    c.via_host = "192.0.2.1";
    c.seed = 42;
    return c;
  }
  void drain(ms now) {
    while (auto t = layer.poll_transmit()) sent.push_back(Sent{now, t->destination, std::string(t->bytes)});
    while (auto e = layer.poll_event()) {
      events.push_back(*e);
      if (e->message) {
        std::string wire;
        serialize(*e->message, wire);
        event_messages.push_back(std::make_unique<ParsedMessage>(wire));
      } else {
        event_messages.push_back(nullptr);
      }
    }
  }
  // Runs every timer up to and including `until`, draining after each.
  void run_until(ms until) {
    while (auto d = layer.next_deadline()) {
      if (*d > until) break;
      layer.handle_timeout(*d);
      drain(*d);
    }
  }
  void receive(ms now, const std::string& bytes, const Address& from = peer_udp) {
    layer.receive(now, from, bytes);
    drain(now);
  }
  static void make_invite(Message& m, std::uint32_t cseq = 1, Method method = Method::invite) {
    RequestFields f;
    f.method = method;
    f.request_uri = "sip:bob@192.0.2.20:5062";
    f.from = "<sip:alice@example.com>;tag=alice1";
    f.to = "<sip:bob@example.com>";
    f.call_id = "call-1@192.0.2.1";
    f.cseq = cseq;
    f.contact = "<sip:alice@192.0.2.1:5060>";
    make_request(f, m);
  }
  // A response to the request in `sent[index]`, as the peer would send it.
  static std::string response_to(const std::string& request_bytes, int status, std::string_view tag = "bobtag") {
    ParsedMessage req(request_bytes);
    Message r;
    make_response(req.message, status, {}, tag, r);
    if (status >= 200 && status < 300 && req.message.method() == Method::invite)
      r.add(HeaderKind::contact, "<sip:bob@192.0.2.20:5062>");
    std::string wire;
    serialize(r, wire);
    return wire;
  }
  static std::string incoming_request(std::string_view branch, Method method = Method::invite,
                                      std::string_view via_extra = "", std::uint32_t cseq = 1) {
    std::string s = std::string(method_name(method)) + " sip:bob@192.0.2.1 SIP/2.0\r\n";
    s += "Via: SIP/2.0/UDP 192.0.2.20:5062;branch=" + std::string(branch) + std::string(via_extra) + "\r\n";
    s += "Max-Forwards: 70\r\nFrom: <sip:carol@example.com>;tag=c1\r\nTo: <sip:bob@example.com>\r\n";
    s += "Call-ID: in-1@192.0.2.20\r\nCSeq: " + std::to_string(cseq) + " " + std::string(method_name(method)) + "\r\n";
    s += "Contact: <sip:carol@192.0.2.20:5062>\r\nContent-Length: 0\r\n\r\n";
    return s;
  }
  std::vector<ms> times_of(Method m) const {
    std::vector<ms> out;
    for (const Sent& s : sent)
      if (ParsedMessage(s.bytes).message.is_request() && s.method() == m) out.push_back(s.at);
    return out;
  }
  std::vector<ms> times_of_status(int status) const {
    std::vector<ms> out;
    for (const Sent& s : sent)
      if (ParsedMessage(s.bytes).message.is_response() && s.status() == status) out.push_back(s.at);
    return out;
  }
  std::size_t count_events(EventKind k) const {
    return std::size_t(std::count_if(events.begin(), events.end(), [k](const Event& e) { return e.kind == k; }));
  }
  ServerTransactionId receive_invite(ms now, std::string_view branch = "z9hG4bKin1") {
    receive(now, incoming_request(branch));
    EXPECT_FALSE(events.empty());
    return events.back().server;
  }
  void answer(ms now, ServerTransactionId id, int status, std::string_view tag = "bobtag") {
    Message r;
    make_response(*layer.request(id), status, {}, tag, r);
    ASSERT_TRUE(layer.send_response(now, id, r));
    drain(now);
  }
};

TEST_F(Transactions, Rfc3261_17_1_1_2_TimerADoublesUntilTimerB) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_udp);
  ASSERT_TRUE(id);
  drain(ms{0});
  run_until(ms{40000});
  EXPECT_EQ(times_of(Method::invite),
            (std::vector<ms>{ms{0}, ms{500}, ms{1500}, ms{3500}, ms{7500}, ms{15500}, ms{31500}}));
  ASSERT_EQ(count_events(EventKind::transaction_timeout), 1u);
  EXPECT_EQ(events.back().client, id);
  EXPECT_EQ(layer.counters().timeouts, 1u);
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_FALSE(layer.next_deadline());
}

TEST_F(Transactions, Rfc3261_17_1_2_2_TimerECappedAtT2UntilTimerF) {
  Message options;
  make_invite(options, 1, Method::options);
  layer.send_request(ms{0}, options, peer_udp);
  drain(ms{0});
  run_until(ms{40000});
  EXPECT_EQ(times_of(Method::options),
            (std::vector<ms>{ms{0}, ms{500}, ms{1500}, ms{3500}, ms{7500}, ms{11500}, ms{15500}, ms{19500},
                             ms{23500}, ms{27500}, ms{31500}}));
  EXPECT_EQ(count_events(EventKind::transaction_timeout), 1u);
}

TEST_F(Transactions, Rfc3261_17_1_2_2_ProvisionalMovesTimerEToT2) {
  Message options;
  make_invite(options, 1, Method::options);
  layer.send_request(ms{0}, options, peer_udp);
  drain(ms{0});
  receive(ms{100}, response_to(sent[0].bytes, 100));
  run_until(ms{9000});
  // After the 100, retransmissions continue every T2 from the pending Timer E.
  EXPECT_EQ(times_of(Method::options), (std::vector<ms>{ms{0}, ms{500}, ms{4500}, ms{8500}}));
}

TEST_F(Transactions, Rfc3261_17_1_1_2_NoRetransmissionsOverTcpButTimerBStillFires) {
  Message invite;
  make_invite(invite);
  layer.send_request(ms{0}, invite, peer_tcp);
  drain(ms{0});
  run_until(ms{40000});
  EXPECT_EQ(times_of(Method::invite), (std::vector<ms>{ms{0}}));
  EXPECT_EQ(count_events(EventKind::transaction_timeout), 1u);
  EXPECT_EQ(events.back().peer, peer_tcp);
}

TEST_F(Transactions, Rfc3261_17_1_1_3_AckForFailureIsSentByTheTransactionAndResent) {
  Message invite;
  make_invite(invite);
  layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  const std::string busy = response_to(sent[0].bytes, 486);
  receive(ms{20}, busy);
  ASSERT_EQ(count_events(EventKind::response_received), 1u);
  ASSERT_EQ(sent.size(), 2u);
  ParsedMessage ack(sent[1].bytes);
  ParsedMessage inv(sent[0].bytes);
  EXPECT_EQ(ack.message.method(), Method::ack);
  EXPECT_EQ(ack.message.top_via()->branch, inv.message.top_via()->branch);  // same transaction
  EXPECT_EQ(ack.message.to_tag(), "bobtag");
  EXPECT_EQ(ack.message.cseq()->number, 1u);
  EXPECT_EQ(ack.message.cseq()->method, Method::ack);
  EXPECT_EQ(ack.message.request_uri(), inv.message.request_uri());
  // A retransmitted 486 gets the ACK again and is not reported twice.
  receive(ms{600}, busy);
  EXPECT_EQ(count_events(EventKind::response_received), 1u);
  EXPECT_EQ(times_of(Method::ack), (std::vector<ms>{ms{20}, ms{600}}));
  // Timer D (32 s) ends it, with no retransmission of the INVITE after the response.
  run_until(ms{40000});
  EXPECT_EQ(times_of(Method::invite), (std::vector<ms>{ms{0}}));
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_EQ(count_events(EventKind::transaction_timeout), 0u);
}

TEST_F(Transactions, Rfc3261_13_2_2_4_RetransmittedOkIsReAckedNotReported) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  const std::string ok = response_to(sent[0].bytes, 200);
  receive(ms{30}, ok);
  ASSERT_EQ(count_events(EventKind::response_received), 1u);
  ParsedMessage okp(ok);
  Message ack;
  ack.set_request_line(Method::ack, "sip:bob@192.0.2.20:5062");
  ack.add(HeaderKind::via, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKack1");
  ack.add(HeaderKind::from, okp.message.value(HeaderKind::from));
  ack.add(HeaderKind::to, okp.message.value(HeaderKind::to));
  ack.add(HeaderKind::call_id, okp.message.call_id());
  ack.add(HeaderKind::cseq, "1 ACK");
  layer.send_ack(ms{31}, id, ack, peer_udp);
  drain(ms{31});
  receive(ms{530}, ok);
  receive(ms{1530}, ok);
  EXPECT_EQ(count_events(EventKind::response_received), 1u);
  EXPECT_EQ(times_of(Method::ack), (std::vector<ms>{ms{31}, ms{530}, ms{1530}}));
  // A 2xx from another fork (new To tag) is a new dialog: reported.
  receive(ms{1600}, response_to(sent[0].bytes, 200, "fork2"));
  EXPECT_EQ(count_events(EventKind::response_received), 2u);
  run_until(ms{40000});
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);  // Timer M
}

TEST_F(Transactions, Rfc3261_13_2_2_4_EachForksOkIsReportedOnce) {
  Message invite;
  make_invite(invite);
  layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  for (int round = 0; round < 3; ++round)
    for (int fork = 0; fork < 12; ++fork)
      receive(ms{100 + round * 500 + fork}, response_to(sent[0].bytes, 200, "fork" + std::to_string(fork)));
  EXPECT_EQ(count_events(EventKind::response_received), 12u);
  EXPECT_EQ(layer.counters().retransmissions_in, 24u);
}

TEST_F(Transactions, Rfc3261_17_2_1_TryingAfter200msWhenTheTuIsSilent) {
  receive_invite(ms{0});
  EXPECT_TRUE(sent.empty());
  run_until(ms{199});
  EXPECT_TRUE(sent.empty());
  run_until(ms{200});
  EXPECT_EQ(times_of_status(100), (std::vector<ms>{ms{200}}));
  EXPECT_TRUE(ParsedMessage(sent[0].bytes).message.to_tag().empty());
}

TEST_F(Transactions, Rfc3261_17_2_1_NoTryingWhenTheTuAnswersFirst) {
  const auto id = receive_invite(ms{0});
  answer(ms{50}, id, 180);
  run_until(ms{1000});
  EXPECT_TRUE(times_of_status(100).empty());
  EXPECT_EQ(times_of_status(180), (std::vector<ms>{ms{50}}));
}

TEST_F(Transactions, Rfc3261_17_2_1_TryingAtOnceWhenConfigured) {
  TransactionConfig c = make_config();
  c.trying_delay = ms{0};
  TransactionLayer immediate(c);
  immediate.receive(ms{0}, peer_udp, incoming_request("z9hG4bKimm"));
  const auto t = immediate.poll_transmit();
  ASSERT_TRUE(t);
  EXPECT_EQ(ParsedMessage(t->bytes).message.status(), 100);
}

TEST_F(Transactions, Rfc3261_17_2_1_RetransmittedInviteGetsLastProvisional) {
  const auto id = receive_invite(ms{0});
  answer(ms{10}, id, 180);
  receive(ms{500}, incoming_request("z9hG4bKin1"));
  EXPECT_EQ(times_of_status(180), (std::vector<ms>{ms{10}, ms{500}}));
  EXPECT_EQ(count_events(EventKind::request_received), 1u);
  EXPECT_EQ(layer.counters().retransmissions_in, 1u);
}

TEST_F(Transactions, Rfc3261_17_2_1_TimerGRetransmitsFailureUntilTimerH) {
  const auto id = receive_invite(ms{0});
  answer(ms{0}, id, 486);
  run_until(ms{40000});
  EXPECT_EQ(times_of_status(486), (std::vector<ms>{ms{0}, ms{500}, ms{1500}, ms{3500}, ms{7500}, ms{11500},
                                                   ms{15500}, ms{19500}, ms{23500}, ms{27500}, ms{31500}}));
  ASSERT_EQ(count_events(EventKind::transaction_timeout), 1u);
  EXPECT_EQ(events.back().server, id);
}

TEST_F(Transactions, Rfc3261_17_2_1_AckStopsFailureRetransmissionsAndTimerIEnds) {
  const auto id = receive_invite(ms{0});
  answer(ms{0}, id, 486);
  run_until(ms{600});
  std::string ack = incoming_request("z9hG4bKin1", Method::ack);
  ack.replace(ack.find("To: <sip:bob@example.com>"), 25, "To: <sip:bob@example.com>;tag=bobtag");
  receive(ms{700}, ack);
  receive(ms{800}, ack);  // absorbed in Confirmed
  run_until(ms{40000});
  EXPECT_EQ(times_of_status(486), (std::vector<ms>{ms{0}, ms{500}}));
  EXPECT_EQ(count_events(EventKind::ack_received), 0u);  // non-2xx ACK stays in the layer
  EXPECT_EQ(count_events(EventKind::transaction_timeout), 0u);
  EXPECT_EQ(layer.counters().live_server_transactions, 0u);
}

TEST_F(Transactions, Rfc3261_13_3_1_4_LostAckOkRetransmittedUntilAckThenStops) {
  const auto id = receive_invite(ms{0});
  answer(ms{0}, id, 200);
  run_until(ms{4000});
  // The first ACK was lost; the next one arrives at 4 s.
  std::string ack = incoming_request("z9hG4bKack2xx", Method::ack);
  ack.replace(ack.find("To: <sip:bob@example.com>"), 25, "To: <sip:bob@example.com>;tag=bobtag");
  receive(ms{4000}, ack);
  ASSERT_EQ(count_events(EventKind::ack_received), 1u);
  EXPECT_EQ(events.back().server, id);
  receive(ms{4100}, ack);  // a duplicate ACK is not reported again
  run_until(ms{40000});
  EXPECT_EQ(times_of_status(200), (std::vector<ms>{ms{0}, ms{500}, ms{1500}, ms{3500}}));
  EXPECT_EQ(count_events(EventKind::ack_received), 1u);
  EXPECT_EQ(count_events(EventKind::ack_timeout), 0u);
}

TEST_F(Transactions, Rfc3261_13_3_1_4_NoAckAtAllTellsTheTu) {
  const auto id = receive_invite(ms{0});
  answer(ms{0}, id, 200);
  run_until(ms{40000});
  EXPECT_EQ(times_of_status(200), (std::vector<ms>{ms{0}, ms{500}, ms{1500}, ms{3500}, ms{7500}, ms{11500},
                                                   ms{15500}, ms{19500}, ms{23500}, ms{27500}, ms{31500}}));
  ASSERT_EQ(count_events(EventKind::ack_timeout), 1u);
  EXPECT_EQ(events.back().server, id);
}

TEST_F(Transactions, Rfc6026_RetransmittedInviteAfterOkIsAbsorbed) {
  const auto id = receive_invite(ms{0});
  answer(ms{0}, id, 200);
  receive(ms{100}, incoming_request("z9hG4bKin1"));
  EXPECT_EQ(count_events(EventKind::request_received), 1u);  // not a new request
  EXPECT_EQ(times_of_status(200), (std::vector<ms>{ms{0}, ms{100}}));  // 2xx re-sent until ACK
}

// §8.1.1.7: a branch is unique to its request. SIPp's out-of-call scenarios stamp every
// call's BYE with one branch; matched on the branch alone (§17.2.3), the second call's
// BYE was taken for a retransmission of the first's, answered with the first's 200 and
// never reached the B2BUA, which left the other party's leg up.
TEST_F(Transactions, Rfc3261_8_1_1_7_BranchReusedByAnotherCallIsANewRequest) {
  receive(ms{0}, incoming_request("z9hG4bKsame", Method::bye));
  answer(ms{0}, events.back().server, 200);
  std::string second = incoming_request("z9hG4bKsame", Method::bye);
  second.replace(second.find("in-1@"), 5, "in-2@");
  receive(ms{5000}, second);  // within the first's Timer J (64·T1)
  ASSERT_EQ(count_events(EventKind::request_received), 2u) << "the second call's BYE must reach the TU";
  EXPECT_EQ(event_messages.back()->message.call_id(), "in-2@192.0.2.20");
  answer(ms{5000}, events.back().server, 200);
  EXPECT_EQ(layer.counters().branch_reused, 1u);
  // A true retransmission of the second is still absorbed and answered again.
  receive(ms{5100}, second);
  EXPECT_EQ(count_events(EventKind::request_received), 2u);
  EXPECT_EQ(times_of_status(200).size(), 3u);
}

TEST_F(Transactions, Rfc3261_8_1_1_7_BranchReusedWhileTheFirstIsPendingIsRefusedNamed) {
  receive(ms{0}, incoming_request("z9hG4bKsame", Method::bye));  // the TU has not answered
  std::string second = incoming_request("z9hG4bKsame", Method::bye);
  second.replace(second.find("in-1@"), 5, "in-2@");
  receive(ms{10}, second);
  EXPECT_EQ(count_events(EventKind::request_received), 1u);
  ASSERT_EQ(times_of_status(400).size(), 1u);
  EXPECT_NE(sent.back().bytes.find("branch reused"), std::string::npos) << sent.back().bytes;
  EXPECT_NE(sent.back().bytes.find("in-2@"), std::string::npos) << "the refusal answers the second request";
  answer(ms{20}, events.back().server, 200);  // the first still completes
  EXPECT_EQ(times_of_status(200).size(), 1u);
}

TEST_F(Transactions, Rfc3261_9_1_CancelBeforeAnyProvisionalWaits) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  const auto cancel = layer.cancel(ms{100}, id, "SIP;cause=200;text=\"Call completed elsewhere\"");
  ASSERT_TRUE(cancel);
  drain(ms{100});
  EXPECT_TRUE(times_of(Method::cancel).empty());
  receive(ms{300}, response_to(sent[0].bytes, 180));
  ASSERT_EQ(times_of(Method::cancel), (std::vector<ms>{ms{300}}));
  ParsedMessage c(sent.back().bytes);
  ParsedMessage inv(sent[0].bytes);
  EXPECT_EQ(c.message.top_via()->branch, inv.message.top_via()->branch);
  EXPECT_EQ(c.message.cseq()->number, 1u);
  EXPECT_EQ(c.message.cseq()->method, Method::cancel);
  EXPECT_EQ(c.message.value(HeaderKind::reason), "SIP;cause=200;text=\"Call completed elsewhere\"");
  EXPECT_TRUE(c.message.to_tag().empty());
  // The CANCEL's 200 and the INVITE's 487 finish both.
  receive(ms{320}, response_to(sent.back().bytes, 200));
  receive(ms{330}, response_to(sent[0].bytes, 487));
  EXPECT_EQ(count_events(EventKind::response_received), 3u);
  EXPECT_EQ(times_of(Method::ack).size(), 1u);
}

TEST_F(Transactions, Rfc3261_9_1_CancelAfterFinalResponseIsRefused) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  receive(ms{10}, response_to(sent[0].bytes, 200));
  EXPECT_FALSE(layer.cancel(ms{20}, id));
}

TEST_F(Transactions, Rfc3261_9_1_PendingCancelDroppedWhenOkArrivesFirst) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  layer.cancel(ms{5}, id);
  receive(ms{10}, response_to(sent[0].bytes, 200));
  run_until(ms{1000});
  EXPECT_TRUE(times_of(Method::cancel).empty());
  EXPECT_EQ(layer.counters().live_client_transactions, 1u);  // only the INVITE (Timer M)
}

TEST_F(Transactions, Rfc3261_9_2_CancelOfPendingInviteAnswered200AndTuTold) {
  const auto id = receive_invite(ms{0});
  answer(ms{10}, id, 180, "ringtag");
  receive(ms{50}, incoming_request("z9hG4bKin1", Method::cancel));
  ASSERT_EQ(count_events(EventKind::cancel_received), 1u);
  EXPECT_EQ(events.back().server, id);
  ParsedMessage ok(sent.back().bytes);
  EXPECT_EQ(ok.message.status(), 200);
  EXPECT_EQ(ok.message.cseq()->method, Method::cancel);
  EXPECT_EQ(ok.message.to_tag(), "ringtag");  // §9.2: same tag as the INVITE's responses
  answer(ms{60}, id, 487, "ringtag");
  EXPECT_EQ(times_of_status(487), (std::vector<ms>{ms{60}}));
  // A retransmitted CANCEL gets the same 200 from its own transaction.
  receive(ms{550}, incoming_request("z9hG4bKin1", Method::cancel));
  EXPECT_EQ(count_events(EventKind::cancel_received), 1u);
}

TEST_F(Transactions, Rfc3261_9_2_CancelAfterOkGets200AndTheOkStands) {
  const auto id = receive_invite(ms{0});
  answer(ms{10}, id, 200);
  receive(ms{20}, incoming_request("z9hG4bKin1", Method::cancel));
  EXPECT_EQ(count_events(EventKind::cancel_received), 0u);
  ParsedMessage ok(sent.back().bytes);
  EXPECT_EQ(ok.message.status(), 200);
  EXPECT_EQ(ok.message.cseq()->method, Method::cancel);
  Message late;
  make_response(*layer.request(id), 487, {}, "bobtag", late);
  EXPECT_FALSE(layer.send_response(ms{30}, id, late));  // the 200 already won
}

TEST_F(Transactions, Rfc3261_9_2_CancelMatchingNothingGets481) {
  receive(ms{0}, incoming_request("z9hG4bKnothing", Method::cancel));
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status(), 481);
  EXPECT_TRUE(events.empty());
}

TEST_F(Transactions, Rfc3261_18_1_2_StrayResponsesAreDroppedAndCounted) {
  receive(ms{0}, response_to(incoming_request("z9hG4bKnobody"), 200));
  EXPECT_TRUE(sent.empty());
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(layer.counters().stray_responses, 1u);
}

TEST_F(Transactions, Rfc3581_ResponsesGoToSourcePortAndViaGetsReceivedAndRport) {
  const Address nat(Transport::udp, "203.0.113.5", 40000);
  receive(ms{0}, incoming_request("z9hG4bKnat", Method::options, ";rport"), nat);
  ASSERT_EQ(events.size(), 1u);
  const Via via = *layer.request(events[0].server)->top_via();
  EXPECT_EQ(via.received, "203.0.113.5");
  EXPECT_EQ(via.rport, 40000);
  answer(ms{1}, events[0].server, 200);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].to, nat);
  ParsedMessage r(sent[0].bytes);
  EXPECT_EQ(r.message.top_via()->received, "203.0.113.5");
}

TEST_F(Transactions, Rfc3261_18_2_2_WithoutRportResponsesGoToReceivedAndSentByPort) {
  const Address other(Transport::udp, "198.51.100.7", 40000);
  receive(ms{0}, incoming_request("z9hG4bKrecv", Method::options), other);
  answer(ms{1}, events[0].server, 200);
  EXPECT_EQ(sent[0].to, Address(Transport::udp, "198.51.100.7", 5062));
  EXPECT_EQ(ParsedMessage(sent[0].bytes).message.top_via()->received, "198.51.100.7");
}

TEST_F(Transactions, Rfc3261_18_2_2_TcpResponsesUseTheConnection) {
  receive(ms{0}, incoming_request("z9hG4bKtcp", Method::options), peer_tcp);
  answer(ms{1}, events[0].server, 200);
  EXPECT_EQ(sent[0].to.connection, 7u);
  run_until(ms{1});  // Timer J is 0 on TCP
  EXPECT_EQ(layer.counters().live_server_transactions, 0u);
}

TEST_F(Transactions, Rfc3261_8_2_2_2_MergedRequestIsDetected) {
  receive(ms{0}, incoming_request("z9hG4bKpath1"));
  receive(ms{5}, incoming_request("z9hG4bKpath2"));
  ASSERT_EQ(count_events(EventKind::request_received), 2u);
  EXPECT_FALSE(layer.is_merged_request(events[0].server));
  EXPECT_TRUE(layer.is_merged_request(events[1].server));
  receive(ms{6}, incoming_request("z9hG4bKother", Method::invite, "", 2));
  EXPECT_FALSE(layer.is_merged_request(events.back().server));
}

TEST_F(Transactions, Rfc2543_RequestsWithoutMagicCookieMatchByFallbackKey) {
  std::string old = incoming_request("oldstyle1", Method::options);
  receive(ms{0}, old);
  answer(ms{1}, events[0].server, 200);
  receive(ms{500}, old);
  EXPECT_EQ(count_events(EventKind::request_received), 1u);
  EXPECT_EQ(times_of_status(200).size(), 2u);
}

TEST_F(Transactions, MalformedRequestAnswered400WithReasonMalformedResponseDropped) {
  std::string bad = incoming_request("z9hG4bKbad", Method::options);
  bad.replace(bad.find("CSeq: 1 OPTIONS"), 15, "CSeq: x OPTIONS");
  receive(ms{0}, bad);
  ASSERT_EQ(sent.size(), 1u);
  ParsedMessage answer400(sent[0].bytes);
  EXPECT_EQ(answer400.message.status(), 400);
  EXPECT_NE(answer400.message.value(HeaderKind::warning).find("CSeq"), std::string_view::npos);
  receive(ms{1}, "SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n");
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(layer.counters().parse_errors, 2u);
  EXPECT_EQ(layer.counters().malformed_dropped, 1u);
  receive(ms{2}, std::string(70000, 'x'));
  EXPECT_EQ(layer.counters().malformed_dropped, 2u);
}

TEST_F(Transactions, OversizedRequestAnswered513) {
  std::string big = incoming_request("z9hG4bKbig", Method::message);
  big.insert(big.find("\r\n\r\n") + 2, "X-Pad: " + std::string(70000, 'p') + "\r\n");
  receive(ms{0}, big);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status(), 513);
}

TEST_F(Transactions, Rfc3261_17_1_4_TransportErrorEndsTheTransaction) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_tcp);
  const auto t = layer.poll_transmit();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->client, id);
  layer.report_transport_error(ms{1}, t->client, t->server);
  drain(ms{1});
  ASSERT_EQ(count_events(EventKind::transport_error), 1u);
  EXPECT_EQ(events.back().client, id);
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_FALSE(layer.next_deadline());
}

TEST_F(Transactions, ConfigurableTimersShortenEverySchedule) {
  TransactionConfig c = make_config();
  c.t1 = ms{50};
  c.t2 = ms{400};
  TransactionLayer fast(c);
  Message invite;
  make_invite(invite);
  fast.send_request(ms{0}, invite, peer_udp);
  std::vector<ms> at;
  while (fast.poll_transmit()) at.push_back(ms{0});
  while (auto d = fast.next_deadline()) {
    fast.handle_timeout(*d);
    while (fast.poll_transmit()) at.push_back(*d);
    if (auto e = fast.poll_event()) {
      EXPECT_EQ(e->kind, EventKind::transaction_timeout);
      EXPECT_EQ(*d, ms{3200});  // 64·T1
    }
  }
  EXPECT_EQ(at, (std::vector<ms>{ms{0}, ms{50}, ms{150}, ms{350}, ms{750}, ms{1550}, ms{3150}}));
}

// --- bounds on state remote input creates ---------------------------------------------

TEST_F(Transactions, UnansweredInviteIsAnswered408AfterThreeMinutesAndTheTuTold) {
  const auto id = receive_invite(ms{0});
  run_until(ms{179999});
  EXPECT_EQ(times_of_status(100), (std::vector<ms>{ms{200}}));  // §17.2.1 Trying, then silence
  EXPECT_TRUE(times_of_status(408).empty());
  EXPECT_EQ(layer.counters().live_server_transactions, 1u);
  run_until(ms{180000});
  EXPECT_EQ(times_of_status(408), (std::vector<ms>{ms{180000}}));
  ASSERT_EQ(count_events(EventKind::no_final_response), 1u);
  EXPECT_EQ(events.back().server, id);
  ASSERT_NE(event_messages.back(), nullptr);
  EXPECT_EQ(event_messages.back()->message.method(), Method::invite);
  ParsedMessage timeout(sent.back().bytes);
  EXPECT_FALSE(timeout.message.to_tag().empty());
  // The TU's late answer is refused; the 408 runs Completed: Timer G, then H at 64·T1.
  Message late;
  make_response(*layer.request(id), 486, {}, "bobtag", late);
  EXPECT_FALSE(layer.send_response(ms{180001}, id, late));
  run_until(ms{180000 + 32000});
  std::vector<ms> g;  // Timer G: T1 doubling, capped at T2, until Timer H (64·T1)
  for (int at : {0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500})
    g.push_back(ms{180000 + at});
  EXPECT_EQ(times_of_status(408), g);
  EXPECT_EQ(layer.counters().live_server_transactions, 0u);
  EXPECT_EQ(layer.counters().no_final_response, 1u);
  EXPECT_FALSE(layer.next_deadline());
}

TEST_F(Transactions, RingingInviteIsNotCutBeforeTheLimit) {
  const auto id = receive_invite(ms{0});
  answer(ms{10}, id, 180);
  run_until(ms{170000});
  answer(ms{170000}, id, 200);
  run_until(ms{181000});
  EXPECT_EQ(count_events(EventKind::no_final_response), 0u);
  EXPECT_TRUE(times_of_status(408).empty());
}

TEST_F(Transactions, UnansweredNonInviteIsAnswered500BeforeTheClientsTimerF) {
  receive(ms{0}, incoming_request("z9hG4bKopt", Method::options));
  const auto id = events.back().server;
  run_until(ms{27999});
  EXPECT_TRUE(sent.empty());  // never 408, never early
  run_until(ms{28000});       // 64·T1 − T2: the client's Timer F fires at 32 s
  ASSERT_EQ(times_of_status(500), (std::vector<ms>{ms{28000}}));
  EXPECT_TRUE(times_of_status(408).empty());  // RFC 4320 §4.1
  ASSERT_EQ(count_events(EventKind::no_final_response), 1u);
  EXPECT_EQ(events.back().server, id);
  // A retransmitted OPTIONS gets the 500 again; Timer J (64·T1) then ends the transaction.
  receive(ms{29000}, incoming_request("z9hG4bKopt", Method::options));
  EXPECT_EQ(times_of_status(500).size(), 2u);
  run_until(ms{28000 + 32000});
  EXPECT_EQ(layer.counters().live_server_transactions, 0u);
  EXPECT_FALSE(layer.next_deadline());
}

TEST_F(Transactions, AnswerLimitsAreConfigurable) {
  TransactionConfig c = make_config();
  c.server_non_invite_timeout = ms{2000};
  c.server_invite_timeout = ms{5000};
  reconfigure(c);
  receive(ms{0}, incoming_request("z9hG4bKopt", Method::options));
  receive(ms{0}, incoming_request("z9hG4bKinv"));
  run_until(ms{6000});
  EXPECT_EQ(times_of_status(500), (std::vector<ms>{ms{2000}}));
  EXPECT_EQ(times_of_status(408).front(), ms{5000});
  EXPECT_EQ(count_events(EventKind::no_final_response), 2u);
  // Shorter timers shorten the derived non-INVITE default with them: 64·T1 − T2.
  c = make_config();
  c.t1 = ms{50};
  c.t2 = ms{400};
  reconfigure(c);
  sent.clear();
  events.clear();
  event_messages.clear();
  receive(ms{0}, incoming_request("z9hG4bKopt2", Method::options));
  run_until(ms{5000});
  EXPECT_EQ(times_of_status(500), (std::vector<ms>{ms{2800}}));
}

TEST_F(Transactions, ClientInviteRingingForeverIsCancelledAfterThreeMinutes) {
  Message invite;
  make_invite(invite);
  const auto id = layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  receive(ms{100}, response_to(sent[0].bytes, 180));
  run_until(ms{179999});
  EXPECT_TRUE(times_of(Method::cancel).empty());  // Timer B stopped at the 180
  EXPECT_EQ(layer.counters().live_client_transactions, 1u);
  run_until(ms{180000});
  ASSERT_EQ(times_of(Method::cancel), (std::vector<ms>{ms{180000}}));
  ASSERT_EQ(count_events(EventKind::no_final_response), 1u);
  EXPECT_EQ(events.back().client, id);
  // The peer stays silent: the CANCEL's Timer F and the INVITE's 64·T1 after CANCEL (§9.1)
  // end both, the INVITE with a transaction_timeout for the TU.
  run_until(ms{180000 + 40000});
  EXPECT_EQ(count_events(EventKind::transaction_timeout), 2u);
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_FALSE(layer.next_deadline());
}

TEST_F(Transactions, ClientInviteCancelledAtTheLimitEndsWithThe487) {
  Message invite;
  make_invite(invite);
  layer.send_request(ms{0}, invite, peer_udp);
  drain(ms{0});
  receive(ms{100}, response_to(sent[0].bytes, 183));
  run_until(ms{180000});
  ASSERT_EQ(times_of(Method::cancel).size(), 1u);
  receive(ms{180010}, response_to(sent.back().bytes, 200));  // 200 to the CANCEL
  receive(ms{180020}, response_to(sent[0].bytes, 487));
  EXPECT_EQ(times_of(Method::ack).size(), 1u);
  run_until(ms{180020 + 32000});
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_EQ(count_events(EventKind::transaction_timeout), 0u);
}

TEST_F(Transactions, BeyondMaxServerTransactionsNewRequestsGet503WithRetryAfterStatelessly) {
  TransactionConfig c = make_config();
  c.max_server_transactions = 3;
  reconfigure(c);
  std::vector<ServerTransactionId> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(receive_invite(ms{0}, "z9hG4bKcap" + std::to_string(i)));
  EXPECT_EQ(layer.counters().live_server_transactions, 3u);
  receive(ms{10}, incoming_request("z9hG4bKcap3"));
  receive(ms{10}, incoming_request("z9hG4bKcap4", Method::options));
  EXPECT_EQ(count_events(EventKind::request_received), 3u);
  EXPECT_EQ(layer.counters().live_server_transactions, 3u);
  EXPECT_EQ(layer.counters().overload_rejected, 2u);
  ASSERT_EQ(times_of_status(503).size(), 2u);
  ParsedMessage busy(sent.back().bytes);
  EXPECT_EQ(busy.message.value(HeaderKind::retry_after), "5");
  EXPECT_FALSE(busy.message.to_tag().empty());
  EXPECT_EQ(sent.back().to, peer_udp);
  // Retransmissions of live transactions are still served, not refused.
  answer(ms{20}, ids[0], 180, "ring0");
  receive(ms{30}, incoming_request("z9hG4bKcap0"));
  EXPECT_EQ(times_of_status(180).size(), 2u);
  // A CANCEL of a live INVITE still works (statelessly) and the TU is told.
  receive(ms{40}, incoming_request("z9hG4bKcap0", Method::cancel));
  ASSERT_EQ(count_events(EventKind::cancel_received), 1u);
  EXPECT_EQ(events.back().server, ids[0]);
  ParsedMessage cancel_ok(sent.back().bytes);
  EXPECT_EQ(cancel_ok.message.status(), 200);
  EXPECT_EQ(cancel_ok.message.to_tag(), "ring0");
  EXPECT_EQ(layer.counters().live_server_transactions, 3u);
  // Once one ends, a new request is admitted again.
  answer(ms{50}, ids[1], 486);
  receive(ms{60}, incoming_request("z9hG4bKcap1", Method::ack));  // non-2xx ACK: Timer I
  run_until(ms{60} + ms{5000});
  receive(ms{6000}, incoming_request("z9hG4bKcap5"));
  EXPECT_EQ(count_events(EventKind::request_received), 4u);
}

TEST_F(Transactions, BeyondMaxClientTransactionsSendRequestRefuses) {
  TransactionConfig c = make_config();
  c.max_client_transactions = 2;
  reconfigure(c);
  Message invite;
  make_invite(invite);
  const auto a = layer.send_request(ms{0}, invite, peer_udp);
  make_invite(invite, 2);
  const auto b = layer.send_request(ms{0}, invite, peer_udp);
  make_invite(invite, 3);
  EXPECT_TRUE(a && b);
  EXPECT_FALSE(layer.send_request(ms{0}, invite, peer_udp));
  EXPECT_EQ(layer.counters().client_requests_refused, 1u);
  drain(ms{0});
  // CANCEL is not refused: ending a call must stay possible under load.
  receive(ms{10}, response_to(sent[0].bytes, 180));
  EXPECT_TRUE(layer.cancel(ms{20}, a));
  run_until(ms{40000});
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_TRUE(layer.send_request(ms{40000}, invite, peer_udp));
}

}  // namespace
}  // namespace cpark::sip

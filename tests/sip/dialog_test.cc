// Dialogs (RFC 3261 §12): creation on both sides, route sets, in-dialog requests with
// loose and strict routing, CSeq ordering, target refresh, matching and 481.
#include <gtest/gtest.h>

#include "sip/dialog.h"
#include "sip/message_builder.h"
#include "sip/serializer.h"
#include "sip/transaction_layer.h"
#include "test_support.h"

namespace cpark::sip {
namespace {

using test::crlf;
using test::ParsedMessage;

const std::string invite = crlf(
    "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa\n"
    "Max-Forwards: 70\n"
    "From: Alice <sip:alice@atlanta.example.com>;tag=atag\n"
    "To: Bob <sip:bob@biloxi.example.com>\n"
    "Call-ID: dlg-1@192.0.2.1\n"
    "CSeq: 10 INVITE\n"
    "Contact: <sip:alice@192.0.2.1:5060>\n"
    "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n"
    "Content-Length: 0\n\n");

std::string ok_for(const std::string& request, std::string_view rr = "<sip:p1.example.com;lr>, <sip:p2.example.com;lr>") {
  ParsedMessage req(request);
  Message r;
  make_response(req.message, 200, {}, "btag", r);
  r.remove(HeaderKind::record_route);
  if (!rr.empty()) r.add(HeaderKind::record_route, rr);
  r.add(HeaderKind::contact, "<sip:bob@192.0.2.4:5070>");
  std::string wire;
  serialize(r, wire);
  return wire;
}

TEST(Dialog, Rfc3261_12_1_2_UacRouteSetIsReversedRecordRoute) {
  DialogTable table;
  ParsedMessage req(invite), ok(ok_for(invite));
  const DialogId id = table.create_uac(req.message, ok.message);
  ASSERT_TRUE(id);
  const Dialog& d = *table.find(id);
  EXPECT_TRUE(d.is_uac);
  EXPECT_EQ(d.state, DialogState::confirmed);
  EXPECT_EQ(d.local_tag, "atag");
  EXPECT_EQ(d.remote_tag, "btag");
  EXPECT_EQ(d.remote_target, "sip:bob@192.0.2.4:5070");
  ASSERT_EQ(d.route_set.size(), 2u);
  EXPECT_EQ(d.route_set[0], "<sip:p2.example.com;lr>");
  EXPECT_EQ(d.local_cseq, 10u);
  EXPECT_EQ(table.match_response(ok.message), id);
}

TEST(Dialog, Rfc3261_12_2_1_1_LooseRoutingKeepsRemoteTargetAsRequestUri) {
  DialogTable table;
  ParsedMessage req(invite), ok(ok_for(invite));
  const DialogId id = table.create_uac(req.message, ok.message);
  Message bye;
  table.make_request(id, Method::bye, bye);
  EXPECT_EQ(bye.request_uri(), "sip:bob@192.0.2.4:5070");
  ASSERT_EQ(bye.count(HeaderKind::route), 2u);
  EXPECT_EQ(bye.value(HeaderKind::route), "<sip:p2.example.com;lr>");
  EXPECT_EQ(bye.cseq()->number, 11u);
  EXPECT_EQ(bye.cseq()->method, Method::bye);
  EXPECT_EQ(bye.from_tag(), "atag");
  EXPECT_EQ(bye.to_tag(), "btag");
  Message ack;
  table.make_ack(id, 10, ack);
  EXPECT_EQ(ack.cseq()->number, 10u);  // the INVITE's number; no increment
  Message reinvite;
  table.make_request(id, Method::invite, reinvite);
  EXPECT_EQ(reinvite.cseq()->number, 12u);
  EXPECT_EQ(reinvite.first_contact()->uri.host, "192.0.2.1");
}

TEST(Dialog, Rfc3261_12_2_1_1_StrictRouterBecomesRequestUri) {
  DialogTable table;
  ParsedMessage req(invite), ok(ok_for(invite, "<sip:strict.example.com>, <sip:p1.example.com;lr>"));
  const DialogId id = table.create_uac(req.message, ok.message);
  Message bye;
  table.make_request(id, Method::bye, bye);
  // Reversed route set: p1 (lr) first... so loose; build a strict-first set explicitly.
  Dialog& d = *table.find(id);
  d.route_set = {"<sip:strict.example.com>", "<sip:p1.example.com;lr>"};
  table.make_request(id, Method::bye, bye);
  EXPECT_EQ(bye.request_uri(), "sip:strict.example.com");
  std::vector<std::string> routes;
  bye.for_each_value(HeaderKind::route, [&](std::string_view v) {
    routes.emplace_back(v);
    return true;
  });
  EXPECT_EQ(routes, (std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:bob@192.0.2.4:5070>"}));
}

TEST(Dialog, Rfc3261_12_1_1_UasDialogAndInDialogRequestMatching) {
  DialogTable table;
  ParsedMessage req(invite);
  const DialogId id = table.create_uas(req.message, "btag", "<sip:park@192.0.2.4:5060>");
  ASSERT_TRUE(id);
  const Dialog& d = *table.find(id);
  EXPECT_FALSE(d.is_uac);
  EXPECT_EQ(d.route_set.front(), "<sip:p1.example.com;lr>");  // not reversed
  EXPECT_EQ(d.remote_cseq, 10u);
  EXPECT_EQ(d.remote_target, "sip:alice@192.0.2.1:5060");
  // The peer's BYE: To tag is ours, From tag theirs.
  std::string bye = crlf(
      "BYE sip:park@192.0.2.4:5060 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKb\n"
      "From: Alice <sip:alice@atlanta.example.com>;tag=atag\n"
      "To: Bob <sip:bob@biloxi.example.com>;tag=btag\n"
      "Call-ID: dlg-1@192.0.2.1\nCSeq: 11 BYE\nContent-Length: 0\n\n");
  ParsedMessage b(bye);
  EXPECT_EQ(table.match_request(b.message), id);
  EXPECT_EQ(table.on_request(id, b.message), 0);
  EXPECT_EQ(table.find(id)->remote_cseq, 11u);
}

TEST(Dialog, Rfc3261_12_2_2_LowerCSeqIsOutOfOrder500) {
  DialogTable table;
  ParsedMessage req(invite);
  const DialogId id = table.create_uas(req.message, "btag", "<sip:park@192.0.2.4>");
  std::string old = invite;
  old.replace(old.find("CSeq: 10 INVITE"), 15, "CSeq: 9 INVITE");
  EXPECT_EQ(table.on_request(id, ParsedMessage(old).message), 500);
}

TEST(Dialog, Rfc3261_12_2_2_TargetRefreshByReInvite) {
  DialogTable table;
  ParsedMessage req(invite);
  const DialogId id = table.create_uas(req.message, "btag", "<sip:park@192.0.2.4>");
  std::string reinvite = invite;
  reinvite.replace(reinvite.find("CSeq: 10 INVITE"), 15, "CSeq: 20 INVITE");
  reinvite.replace(reinvite.find("<sip:alice@192.0.2.1:5060>"), 26, "<sip:alice@192.0.2.99:5090>");
  EXPECT_EQ(table.on_request(id, ParsedMessage(reinvite).message), 0);
  EXPECT_EQ(table.find(id)->remote_target, "sip:alice@192.0.2.99:5090");
}

TEST(Dialog, Rfc3261_12_2_2_UnknownDialogGets481) {
  DialogTable table;
  std::string bye = crlf(
      "BYE sip:park@192.0.2.4:5060 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKb\n"
      "From: <sip:alice@atlanta.example.com>;tag=x\nTo: <sip:bob@biloxi.example.com>;tag=y\n"
      "Call-ID: nobody@192.0.2.1\nCSeq: 2 BYE\nContent-Length: 0\n\n");
  ParsedMessage b(bye);
  EXPECT_FALSE(table.match_request(b.message));
  Message r;
  make_481(b.message, "z", r);
  EXPECT_EQ(r.status(), 481);
  EXPECT_EQ(r.to_tag(), "y");  // keeps the request's tag
}

TEST(Dialog, EarlyDialogConfirmedByOkAndForksMakeNewDialogs) {
  DialogTable table;
  ParsedMessage req(invite);
  ParsedMessage ringing([] {
    ParsedMessage r(invite);
    Message m;
    make_response(r.message, 180, {}, "btag", m);
    m.add(HeaderKind::contact, "<sip:bob@192.0.2.4:5070>");
    std::string w;
    serialize(m, w);
    return w;
  }());
  const DialogId early = table.on_uac_response(req.message, ringing.message);
  ASSERT_TRUE(early);
  EXPECT_EQ(table.find(early)->state, DialogState::early);
  ParsedMessage ok(ok_for(invite));
  EXPECT_EQ(table.on_uac_response(req.message, ok.message), early);
  EXPECT_EQ(table.find(early)->state, DialogState::confirmed);
  std::string fork = ok_for(invite);
  fork.replace(fork.find("tag=btag"), 8, "tag=ctag");
  const DialogId other = table.on_uac_response(req.message, ParsedMessage(fork).message);
  EXPECT_TRUE(other);
  EXPECT_NE(other, early);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_TRUE(table.erase(early));
  EXPECT_FALSE(table.find(early));
  EXPECT_EQ(table.size(), 1u);
}

TEST(Dialog, ThousandsOfDialogsIndexedById) {
  DialogTable table;
  std::vector<DialogId> ids;
  for (int i = 0; i < 5000; ++i) {
    std::string req = invite;
    req.replace(req.find("dlg-1@"), 6, "dlg-" + std::to_string(i) + "@");
    ParsedMessage p(req);
    ids.push_back(table.create_uas(p.message, "t" + std::to_string(i), "<sip:park@192.0.2.4>"));
  }
  for (int i = 0; i < 5000; i += 2) table.erase(ids[i]);
  for (int i = 1; i < 5000; i += 2)
    EXPECT_EQ(table.find("dlg-" + std::to_string(i) + "@192.0.2.1", "t" + std::to_string(i), "atag"), ids[i]);
  EXPECT_FALSE(table.find("dlg-0@192.0.2.1", "t0", "atag"));
  EXPECT_EQ(table.size(), 2500u);
}

// --- bounds -----------------------------------------------------------------------------

// A response to `request` with To tag `tag` and a Contact, as a fork would send it.
std::string tagged_response(const Message& request, int status, std::string_view tag) {
  Message r;
  make_response(request, status, {}, tag, r);
  r.add(HeaderKind::contact, "<sip:bob@192.0.2.4:5070>");
  std::string wire;
  serialize(r, wire);
  return wire;
}

TEST(Dialog, ForksOfOneRequestAreCapped) {
  DialogTable table(DialogLimits{.max_dialogs = 1000, .max_forks_per_request = 16});
  ParsedMessage req(invite);
  for (int i = 0; i < 40; ++i) {
    ParsedMessage ringing(tagged_response(req.message, 180, "fork" + std::to_string(i)));
    const DialogId id = table.on_uac_response(req.message, ringing.message);
    EXPECT_EQ(bool(id), i < 16) << i;
  }
  EXPECT_EQ(table.size(), 16u);
  EXPECT_EQ(table.refused(), 24u);
  // Another request of ours has its own budget.
  std::string other = invite;
  other.replace(other.find("dlg-1@"), 6, "dlg-2@");
  ParsedMessage req2(other);
  EXPECT_TRUE(table.on_uac_response(req2.message, ParsedMessage(tagged_response(req2.message, 180, "x")).message));
}

TEST(Dialog, Rfc3261_12_3_NonSuccessFinalEndsTheEarlyDialogs) {
  DialogTable table;
  ParsedMessage req(invite);
  table.on_uac_response(req.message, ParsedMessage(tagged_response(req.message, 180, "a")).message);
  table.on_uac_response(req.message, ParsedMessage(tagged_response(req.message, 183, "b")).message);
  EXPECT_EQ(table.size(), 2u);
  // A 486 makes no dialog either, Contact or not (§12.1.2).
  EXPECT_FALSE(table.on_uac_response(req.message, ParsedMessage(tagged_response(req.message, 486, "a")).message));
  EXPECT_EQ(table.size(), 0u);
}

TEST(Dialog, Rfc3261_13_2_2_4_OkEndsTheOtherForksEarlyDialogs) {
  DialogTable table;
  ParsedMessage req(invite);
  table.on_uac_response(req.message, ParsedMessage(tagged_response(req.message, 180, "a")).message);
  const DialogId b = table.on_uac_response(req.message, ParsedMessage(tagged_response(req.message, 180, "b")).message);
  ParsedMessage ok_b(tagged_response(req.message, 200, "b"));
  EXPECT_EQ(table.on_uac_response(req.message, ok_b.message), b);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find(b)->state, DialogState::confirmed);
  // Fork a answers 200 after all: a confirmed dialog of its own, b untouched.
  const DialogId a = table.on_uac_response(req.message, ParsedMessage(tagged_response(req.message, 200, "a")).message);
  ASSERT_TRUE(a);
  EXPECT_EQ(table.find(a)->state, DialogState::confirmed);
  EXPECT_EQ(table.size(), 2u);
  EXPECT_TRUE(table.find(b));
}

TEST(Dialog, BeyondMaxDialogsCreationIsRefused) {
  DialogTable table(DialogLimits{.max_dialogs = 3, .max_forks_per_request = 16});
  std::vector<DialogId> ids;
  for (int i = 0; i < 5; ++i) {
    std::string req = invite;
    req.replace(req.find("dlg-1@"), 6, "dlg-" + std::to_string(i) + "@");
    ids.push_back(table.create_uas(ParsedMessage(req).message, "t" + std::to_string(i), "<sip:park@192.0.2.4>"));
  }
  EXPECT_TRUE(ids[0] && ids[1] && ids[2]);
  EXPECT_FALSE(ids[3] || ids[4]);
  EXPECT_EQ(table.refused(), 2u);
  table.erase(ids[0]);
  EXPECT_TRUE(table.create_uas(ParsedMessage(invite).message, "again", "<sip:park@192.0.2.4>"));
}

// The server raises the bound to its pool's orbits (each parked call keeps a dialog), and
// room reserved ahead changes nothing a caller sees.
TEST(Dialog, RaisedBoundAndReservedRoomAdmitMoreDialogs) {
  DialogTable table(DialogLimits{.max_dialogs = 2, .max_forks_per_request = 16});
  table.set_max_dialogs(4);
  table.reserve(100);
  std::vector<DialogId> ids;
  for (int i = 0; i < 5; ++i) {
    std::string req = invite;
    req.replace(req.find("dlg-1@"), 6, "dlg-" + std::to_string(i) + "@");
    ids.push_back(table.create_uas(ParsedMessage(req).message, "t" + std::to_string(i), "<sip:park@192.0.2.4>"));
  }
  EXPECT_TRUE(ids[0] && ids[1] && ids[2] && ids[3]);
  EXPECT_FALSE(ids[4]);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(table.find(ids[std::size_t(i)])->local_tag, "t" + std::to_string(i));
}

// On simulated time, as the server drives them: a peer rings from many forks and never
// answers. The layer gives the INVITE up (client_invite_timeout, then 64·T1 after the
// CANCEL) and the TU, told so, clears the early dialogs: nothing stays behind.
TEST(Dialog, EarlyDialogsOfAnInviteThatNeverCompletesAreCleared) {
  TransactionConfig config;
  config.via_host = "192.0.2.1";
  TransactionLayer layer(config);
  DialogTable table;
  const Address peer(Transport::udp, "192.0.2.4", 5070);
  ParsedMessage req(invite);
  Message outgoing;
  outgoing.copy_from(req.message);
  outgoing.remove(HeaderKind::via);
  const ClientTransactionId id = layer.send_request(Milliseconds{0}, outgoing, peer);
  ASSERT_TRUE(id);
  const std::string sent_invite(layer.poll_transmit()->bytes);
  ParsedMessage wire_invite(sent_invite);
  std::vector<std::string> transmitted;
  auto pump = [&](Milliseconds now) {
    while (auto t = layer.poll_transmit()) transmitted.emplace_back(t->bytes);
    while (auto e = layer.poll_event()) {
      // The TU keeps the request it sent: the layer forgets it when the transaction ends.
      if (e->kind == EventKind::response_received) table.on_uac_response(wire_invite.message, *e->message);
      if (e->kind == EventKind::transaction_timeout && e->client == id) table.erase_early(wire_invite.message);
    }
    (void)now;
  };
  for (int i = 0; i < 30; ++i) {
    const std::string ringing = tagged_response(wire_invite.message, 180, "f" + std::to_string(i));
    layer.receive(Milliseconds{100 + i}, peer, ringing);
    pump(Milliseconds{100 + i});
  }
  EXPECT_EQ(table.size(), 16u);  // forks capped
  while (auto d = layer.next_deadline()) {
    layer.handle_timeout(*d);
    pump(*d);
  }
  EXPECT_EQ(layer.counters().no_final_response, 1u);
  EXPECT_EQ(layer.counters().live_client_transactions, 0u);
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace cpark::sip

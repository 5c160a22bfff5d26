// The RFC 3261 §17 transaction layer (with RFC 6026's Accepted state) plus the pieces of
// the UA core every user agent needs around it (§13.3.1.4 2xx retransmission until ACK,
// §13.2.2.4 re-ACKing retransmitted 2xx, §9 CANCEL), sans-IO in quinn-proto's shape:
// datagrams and a `now` go in, datagrams and a deadline come out. It never reads a clock,
// opens a socket, starts a thread or draws unseeded randomness. See sip/README.md for
// the event loop a driver writes around it.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/slot_map.h"
#include "sip/detail/deadline_heap.h"
#include "sip/detail/hash_index.h"
#include "sip/id_generator.h"
#include "sip/message.h"
#include "sip/parser.h"
#include "sip/transport.h"

namespace cpark::sip {

using Milliseconds = std::chrono::milliseconds;

struct ClientTransactionId {
  SlotId slot;
  explicit operator bool() const { return bool(slot); }
  friend bool operator==(ClientTransactionId, ClientTransactionId) = default;
};
struct ServerTransactionId {
  SlotId slot;
  explicit operator bool() const { return bool(slot); }
  friend bool operator==(ServerTransactionId, ServerTransactionId) = default;
};

struct TransactionConfig {
  // RFC 3261 §17.1.1.1 defaults; tests and load runs shorten them.
  Milliseconds t1{500};
  Milliseconds t2{4000};
  Milliseconds t4{5000};
  // §17.2.1: an INVITE server transaction sends 100 Trying itself when the TU has not
  // answered within 200 ms. Answering within that time (the common B2BUA case: it sends
  // 180 or 100 at once) saves a datagram per call; 0 sends 100 on arrival.
  Milliseconds trying_delay{200};
  ParseLimits limits;
  // sent-by of the Via the layer puts on requests that have none.
  std::string via_host = "127.0.0.1";
  std::uint16_t via_port = 5060;
  // The agent named in Warning headers of 400 answers.
  std::string warning_agent = "cpark";
  std::uint64_t seed = 0;  // for branch ids and the layer's own To tags

  // --- bounds on what remote input can make the layer hold ---
  // A server transaction whose TU has sent no final response this long after the request
  // arrived is ended by the layer, which tells the TU (EventKind::no_final_response):
  //  - INVITE: answered 408 Request Timeout (§21.4.9), what a proxy answers when its
  //    Timer C fires (§16.8); 3 minutes is Timer C's floor (§16.6 step 11), room for a
  //    phone to ring. The 408 then runs the usual Completed state (Timer G, H).
  //  - non-INVITE: answered 500 Server Internal Error (§21.5.1), never 408, which
  //    RFC 4320 §4.1 forbids for non-INVITE. 0 means 64·T1 − T2 (28 s with the default
  //    timers): the last moment the answer still reaches a client before its Timer F
  //    (64·T1) gives up; an answer after that would help nobody.
  Milliseconds server_invite_timeout{180000};
  Milliseconds server_non_invite_timeout{0};
  // A client INVITE that has had a provisional but no final response this long after it
  // was sent is CANCELled by the layer (§9.1), as a proxy does when Timer C fires
  // (§16.8), and reported as no_final_response; its 487 (or, 64·T1 later,
  // transaction_timeout) follows as usual. Without it a peer that sends 180 and then
  // nothing would hold the transaction forever (Timer B stops at the provisional).
  Milliseconds client_invite_timeout{180000};
  // New requests beyond this many live server transactions are answered 503 Service
  // Unavailable with Retry-After (§21.5.4, §20.33) statelessly, without allocating; a
  // CANCEL of a live INVITE is still honoured, statelessly. Retransmissions and ACKs
  // are never refused. About 5 KB each (request, response, indexes): the default
  // bounds the table near 50 MB.
  std::size_t max_server_transactions = 10000;
  std::uint32_t overload_retry_after_seconds = 5;
  // send_request (not cancel) returns a null id beyond this many live client
  // transactions.
  std::size_t max_client_transactions = 10000;
};

// Monitoring counters (S9). Monotonic except the two `live_` gauges.
struct TransactionCounters {
  std::uint64_t requests_in = 0;
  std::uint64_t responses_in = 0;
  std::uint64_t requests_out = 0;
  std::uint64_t responses_out = 0;
  std::uint64_t retransmissions_out = 0;   // timer-driven and in answer to retransmissions
  std::uint64_t retransmissions_in = 0;    // absorbed duplicates of requests and responses
  std::uint64_t parse_errors = 0;          // datagrams the parser refused
  std::uint64_t bad_requests_answered = 0; // 400/505/513 sent statelessly
  std::uint64_t malformed_dropped = 0;     // refused and not answerable (or responses)
  std::uint64_t stray_responses = 0;       // matched no client transaction
  std::uint64_t timeouts = 0;              // Timer B/F/H and 2xx never ACKed
  std::uint64_t transport_errors = 0;
  std::uint64_t live_client_transactions = 0;
  std::uint64_t live_server_transactions = 0;
  std::uint64_t no_final_response = 0;         // server: TU never answered; client: INVITE cancelled
  std::uint64_t overload_rejected = 0;         // new requests answered 503 at max_server_transactions
  std::uint64_t client_requests_refused = 0;   // send_request at max_client_transactions
  std::uint64_t branch_reused = 0;  // requests that reused the branch of a different request (§8.1.1.7)
};

enum class EventKind : std::uint8_t {
  request_received,    // server: a new request (not ACK, not CANCEL); answer it
  response_received,   // client: a provisional or final response (each 2xx fork once)
  ack_received,        // server: ACK for a 2xx; `server` is the INVITE's, or null if unknown
  cancel_received,     // server: CANCEL for the pending INVITE `server` (already answered
                       // 200 by the layer); send 487 to the INVITE
  transaction_timeout, // client: Timer B/F (or 64·T1 after CANCEL); server: Timer H
  transport_error,     // the driver reported a send failure (§17.1.4, §17.2.4)
  ack_timeout,         // server: a 2xx was never ACKed within 64·T1 (§13.3.1.4); send BYE
  no_final_response,   // server: the TU sent no final response within server_*_timeout;
                       // the layer answered 408 (INVITE) or 500 and the transaction is
                       // ending: drop what the TU holds for it (CANCEL its other leg).
                       // client: an INVITE had no final response within
                       // client_invite_timeout; the layer sent its CANCEL.
};

// One event. `message` points into the layer's storage and stays valid until the next
// call that feeds the layer (receive, handle_timeout, send_*, cancel, report_*).
struct Event {
  EventKind kind = EventKind::request_received;
  ServerTransactionId server;
  ClientTransactionId client;
  const Message* message = nullptr;
  Address peer;  // source of received messages; destination otherwise
};

// One datagram or stream message to send. `bytes` stays valid until the next
// poll_transmit() or input call. The ids name the transaction it belongs to (null for
// stateless sends), for report_transport_error().
struct Transmit {
  Address destination;
  std::string_view bytes;
  ClientTransactionId client;
  ServerTransactionId server;
};

class TransactionLayer {
 public:
  explicit TransactionLayer(TransactionConfig config = {});
  ~TransactionLayer();
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // --- inputs ---
  // One datagram (or one framed stream message, see StreamFramer) from `source`.
  void receive(Milliseconds now, const Address& source, std::string_view bytes);
  // Starts a client transaction for `request` (not ACK: see send_ack). A top Via with a
  // fresh branch is added when the request has none. Returns a null id when the request
  // cannot be sent (ACK, or missing Call-ID/CSeq/From/To) or max_client_transactions are
  // live (counted in client_requests_refused).
  ClientTransactionId send_request(Milliseconds now, const Message& request,
                                   const Address& destination);
  // Sends a response on a server transaction. Returns false when the transaction is gone
  // or already has a final response. A 2xx to INVITE is retransmitted by the layer until
  // the ACK arrives (unreliable transports) and reported as ack_timeout after 64·T1.
  bool send_response(Milliseconds now, ServerTransactionId transaction, const Message& response);
  // Sends the ACK for a 2xx to the INVITE `invite` (§13.2.2.4; build it with
  // Dialog::make_ack). The layer keeps it and re-sends it for each retransmitted 2xx
  // while the INVITE transaction is in the Accepted state.
  void send_ack(Milliseconds now, ClientTransactionId invite, const Message& ack,
                const Address& destination);
  // Sends a message outside any transaction (a stateless response, an ACK with no INVITE).
  void send_stateless(Milliseconds now, const Message& message, const Address& destination);
  // CANCELs a pending INVITE (§9.1): same Request-URI, Call-ID, From, To, CSeq number,
  // top Via and Route; sent at once if a provisional arrived, otherwise held until one
  // does (dropped silently if a final response comes first). Returns the CANCEL's client
  // transaction, or null when the INVITE already has a final response. `reason` is an
  // optional Reason header value (RFC 3326).
  ClientTransactionId cancel(Milliseconds now, ClientTransactionId invite,
                             std::string_view reason = {});
  // Fires every timer due at or before `now`.
  void handle_timeout(Milliseconds now);
  // The driver could not deliver a transmit (ICMP error, TCP connection failed or closed).
  void report_transport_error(Milliseconds now, ClientTransactionId client, ServerTransactionId server);

  // --- outputs ---
  std::optional<Transmit> poll_transmit();
  std::optional<Event> poll_event();
  // The earliest timer, if any: call handle_timeout then.
  std::optional<Milliseconds> next_deadline() const;

  // --- queries and helpers for the TU ---
  // The request of a live server transaction (Via already has received/rport added).
  const Message* request(ServerTransactionId id) const;
  // The request of a live client transaction, as sent (with the layer's Via).
  const Message* request(ClientTransactionId id) const;
  // §8.2.2.2: a request without To tag whose From tag, Call-ID and CSeq equal those of
  // an earlier live server transaction that it does not match arrived by a second path
  // (a fork merged back): answer it 482 Loop Detected.
  bool is_merged_request(ServerTransactionId id) const;
  const TransactionCounters& counters() const { return counters_; }
  const TransactionConfig& config() const { return config_; }
  IdGenerator& ids() { return ids_; }

 private:
  struct Buffer;
  struct ClientTransaction;
  struct ServerTransaction;

  Buffer* acquire();
  void retire(Buffer* buffer);
  void begin_input();
  void transmit(const Address& to, std::string_view bytes, ClientTransactionId c, ServerTransactionId s);
  void push_event(const Event& e);

  void on_request(Milliseconds now, const Address& source, Buffer* buffer);
  void on_response(Milliseconds now, const Address& source, Buffer* buffer);
  void on_ack(Milliseconds now, const Address& source, Buffer* buffer);
  void on_cancel(Milliseconds now, const Address& source, Buffer* buffer);
  void answer_statelessly(const Address& source, const Message& request, int status,
                          std::string_view to_tag, std::uint32_t retry_after_seconds,
                          std::string_view warning = {});
  ClientTransactionId start_cancel(Milliseconds now, ClientTransactionId invite, std::string_view reason);
  Milliseconds answer_limit(bool invite) const;
  void answer_malformed(Milliseconds now, const Address& source, Buffer* buffer, const ParseError& error);

  ServerTransactionId find_server(const Message& request, Method as_method) const;
  ServerTransactionId create_server(Milliseconds now, const Address& source, Buffer* buffer);
  void respond_on(Milliseconds now, ServerTransactionId id, const Message& response);
  void send_from_layer(Milliseconds now, ServerTransactionId id, int status);
  void start_client(Milliseconds now, ClientTransactionId id);

  void fire_client(Milliseconds now, ClientTransactionId id);
  void fire_server(Milliseconds now, ServerTransactionId id);
  void reschedule_client(ClientTransactionId id);
  void reschedule_server(ServerTransactionId id);
  void terminate_client(ClientTransactionId id);
  void terminate_server(ServerTransactionId id);
  void send_non2xx_ack(ClientTransaction& t, const Message& response);

  TransactionConfig config_;
  IdGenerator ids_;
  TransactionCounters counters_;
  SlotMap<ClientTransaction> clients_;
  SlotMap<ServerTransaction> servers_;
  detail::HashIndex client_index_;    // branch + method
  detail::HashIndex server_index_;    // §17.2.3 key
  detail::HashIndex accepted_index_;  // Call-ID + From tag + CSeq of 2xx-answered INVITEs
  detail::HashIndex merge_index_;     // From tag + Call-ID + CSeq for §8.2.2.2
  detail::DeadlineHeap timers_;       // handle = slot index * 2 + (1 for server)

  std::vector<std::unique_ptr<Buffer>> buffers_;  // every buffer ever made
  std::vector<Buffer*> free_buffers_;
  std::vector<Buffer*> retired_;  // freed at the next input call (events may point in)

  struct OutItem {
    Address destination;
    std::string bytes;
    ClientTransactionId client;
    ServerTransactionId server;
  };
  std::vector<OutItem> out_;  // ring
  std::size_t out_head_ = 0, out_count_ = 0;
  std::vector<Event> events_;  // ring
  std::size_t event_head_ = 0, event_count_ = 0;

  std::uint64_t next_arrival_ = 0;
  Message scratch_;         // responses the layer builds itself
  std::string scratch_wire_;
  mutable std::string scratch_key_;  // lookups build their key here
};

}  // namespace cpark::sip

// Client and server transactions (RFC 3261 §17, RFC 6026), matching, response routing
// (§18.2.2, RFC 3581), CANCEL (§9) and the UA-core 2xx/ACK reliability (§13).
#include "sip/transaction_layer.h"

#include <algorithm>
#include <array>

#include "sip/detail/text.h"
#include "sip/message_builder.h"
#include "sip/serializer.h"

namespace cpark::sip {
namespace {

constexpr Milliseconds never = Milliseconds::max();

enum class ClientState : std::uint8_t { cancel_waiting, calling, proceeding, completed, accepted };
enum class ServerState : std::uint8_t { trying, proceeding, completed, confirmed, accepted };

std::uint16_t default_port(Transport t) { return t == Transport::tls ? 5061 : 5060; }

// §17.2.3 server transaction key. RFC 3261 branches: branch, sent-by and method (ACK and
// CANCEL look up their INVITE by passing "INVITE"). RFC 2543 fallback: Request-URI,
// Call-ID, From tag, CSeq number, top Via and method.
bool make_server_key(const Message& m, std::string_view method, std::string& key) {
  key.clear();
  const auto via = m.top_via();
  if (!via) return false;
  if (via->has_rfc3261_branch()) {
    key += '1';
    key += via->branch;
    key += '\0';
    for (char c : via->host) key += detail::to_lower(c);
    key += ':';
    key += std::to_string(via->port);
  } else {
    key += '2';
    key += m.request_uri();
    key += '\0';
    key += m.call_id();
    key += '\0';
    key += m.from_tag();
    key += '\0';
    const auto cseq = m.cseq();
    key += std::to_string(cseq ? cseq->number : 0);
    key += '\0';
    key += via->host;
    key += ':';
    key += std::to_string(via->port);
    key += via->branch;
  }
  key += '\0';
  key += method;
  return true;
}

// A retransmission repeats its request's Call-ID, From tag and CSeq (§17.2.3 matches on
// the branch alone; these tell a branch reused by a broken client from a retransmission).
bool same_request(const Message& a, const Message& b) {
  const auto ca = a.cseq(), cb = b.cseq();
  return a.call_id() == b.call_id() && a.from_tag() == b.from_tag() && ca && cb && ca->number == cb->number;
}

void make_client_key(std::string_view branch, std::string_view method, std::string& key) {
  key.assign(branch);
  key += '\0';
  key += method;
}

std::uint64_t dialog_request_hash(std::string_view call_id, std::string_view from_tag,
                                  std::uint32_t cseq, std::string_view method) {
  std::uint64_t h = detail::hash_bytes(call_id);
  h = detail::hash_bytes(from_tag, h ^ 0x9e3779b97f4a7c15ULL);
  h ^= std::uint64_t(cseq) * 0xff51afd7ed558ccdULL;
  return detail::hash_bytes(method, h);
}

// RFC 3261 §18.2.1 + RFC 3581 §4: received= when sent-by is not the source address (or
// when rport asks), rport=<source port> when rport came without a value.
void stamp_top_via(Message& m, const Address& source) {
  const auto headers = m.headers();
  std::size_t index = 0;
  while (index < headers.size() && headers[index].kind != HeaderKind::via) ++index;
  if (index == headers.size()) return;
  const std::string_view value = headers[index].value;
  std::string_view first;
  for_each_list_element(value, [&](std::string_view e) {
    first = e;
    return false;
  });
  Via via;
  if (!parse_via(first, via)) return;
  std::string_view host = via.host;
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const bool fill_rport = via.has_rport && via.rport == 0;
  if (host == source.host() && !fill_rport) return;
  std::string v(first.substr(0, std::size_t(via.params.raw().data() - first.data())));
  while (!v.empty() && detail::is_ws(v.back())) v.pop_back();
  via.params.for_each([&](std::string_view name, std::string_view val, bool has_value) {
    if (detail::iequals(name, "received")) return;
    v += ';';
    v += name;
    if (detail::iequals(name, "rport") && fill_rport) {
      v += '=';
      v += std::to_string(source.port);
    } else if (has_value) {
      v += '=';
      v += val;
    }
  });
  v += ";received=";
  v += source.host();
  v += value.substr(std::size_t(first.data() + first.size() - value.data()));
  m.set_value_at(index, v);
}

// §18.2.2: where responses to a request go.
Address reply_address(const Via& via, const Address& source) {
  if (is_reliable(source.transport)) return source;
  if (!via.maddr.empty())
    return Address(Transport::udp, via.maddr, via.port ? via.port : default_port(Transport::udp));
  const std::uint16_t port = via.has_rport ? source.port : via.port ? via.port : default_port(source.transport);
  return Address(source.transport, source.host(), port);
}

}  // namespace

struct TransactionLayer::Buffer {
  std::string bytes;
  Message message;
  std::string key;
  std::string tag;  // server: To tag of the last response sent
};

struct TransactionLayer::ClientTransaction {
  bool is_invite = false;
  ClientState state = ClientState::calling;
  Address destination;
  Buffer* request = nullptr;
  Buffer* ack = nullptr;
  std::uint64_t key_hash = 0;
  Milliseconds retransmit_at = never, timeout_at = never, interval{0};
  ClientTransactionId cancel;  // INVITE: its CANCEL
  ClientTransactionId invite;  // CANCEL: its INVITE
  bool cancel_sent = false;
  // To tags of 2xx seen (forks), as many as DialogLimits lets a request have by default:
  // a retransmitted 2xx of a remembered fork is absorbed instead of reported again.
  std::array<std::uint64_t, 16> tags{};
  std::uint8_t tag_count = 0;
  std::uint64_t ack_tag = 0;
  Milliseconds give_up_at = never;  // INVITE: client_invite_timeout after sending
};

struct TransactionLayer::ServerTransaction {
  bool is_invite = false;
  ServerState state = ServerState::trying;
  Address reply_to;
  Buffer* request = nullptr;
  Buffer* response = nullptr;
  std::uint64_t key_hash = 0;
  std::uint64_t accepted_hash = 0;
  std::uint64_t merge_hash = 0;
  bool in_accepted_index = false;
  bool in_merge_index = false;
  bool acked = false;
  bool final_sent = false;
  std::uint64_t arrival = 0;  // order of arrival, for §8.2.2.2 (the later one is merged)
  Milliseconds retransmit_at = never, timeout_at = never, trying_at = never, interval{0};
  Milliseconds answer_by = never;  // the TU's final response is due (server_*_timeout)
};

TransactionLayer::TransactionLayer(TransactionConfig config)
    : config_(std::move(config)), ids_(config_.seed) {
  out_.resize(16);
  events_.resize(16);
}

TransactionLayer::~TransactionLayer() = default;

// --- buffers, queues --------------------------------------------------------------------

TransactionLayer::Buffer* TransactionLayer::acquire() {
  if (free_buffers_.empty()) {
    buffers_.push_back(std::make_unique<Buffer>());
    return buffers_.back().get();
  }
  Buffer* b = free_buffers_.back();
  free_buffers_.pop_back();
  return b;
}

void TransactionLayer::retire(Buffer* buffer) {
  if (buffer) retired_.push_back(buffer);
}

void TransactionLayer::begin_input() {
  for (Buffer* b : retired_) free_buffers_.push_back(b);
  retired_.clear();
}

void TransactionLayer::transmit(const Address& to, std::string_view bytes, ClientTransactionId c,
                                ServerTransactionId s) {
  if (out_count_ == out_.size()) {
    std::vector<OutItem> bigger(out_.size() * 2);
    for (std::size_t i = 0; i < out_count_; ++i) bigger[i] = std::move(out_[(out_head_ + i) % out_.size()]);
    out_ = std::move(bigger);
    out_head_ = 0;
  }
  OutItem& item = out_[(out_head_ + out_count_) % out_.size()];
  item.destination = to;
  item.bytes.assign(bytes);
  item.client = c;
  item.server = s;
  ++out_count_;
}

std::optional<Transmit> TransactionLayer::poll_transmit() {
  if (out_count_ == 0) return std::nullopt;
  const OutItem& item = out_[out_head_];
  out_head_ = (out_head_ + 1) % out_.size();
  --out_count_;
  return Transmit{item.destination, item.bytes, item.client, item.server};
}

void TransactionLayer::push_event(const Event& e) {
  if (event_count_ == events_.size()) {
    std::vector<Event> bigger(events_.size() * 2);
    for (std::size_t i = 0; i < event_count_; ++i) bigger[i] = events_[(event_head_ + i) % events_.size()];
    events_ = std::move(bigger);
    event_head_ = 0;
  }
  events_[(event_head_ + event_count_) % events_.size()] = e;
  ++event_count_;
}

std::optional<Event> TransactionLayer::poll_event() {
  if (event_count_ == 0) return std::nullopt;
  const Event e = events_[event_head_];
  event_head_ = (event_head_ + 1) % events_.size();
  --event_count_;
  return e;
}

std::optional<Milliseconds> TransactionLayer::next_deadline() const { return timers_.earliest(); }

const Message* TransactionLayer::request(ServerTransactionId id) const {
  const ServerTransaction* t = servers_.find(id.slot);
  return t ? &t->request->message : nullptr;
}

const Message* TransactionLayer::request(ClientTransactionId id) const {
  const ClientTransaction* t = clients_.find(id.slot);
  return t ? &t->request->message : nullptr;
}

// --- scheduling ---------------------------------------------------------------------------

void TransactionLayer::reschedule_client(ClientTransactionId id) {
  const ClientTransaction& t = *clients_.find(id.slot);
  const Milliseconds at = std::min({t.retransmit_at, t.timeout_at, t.give_up_at});
  if (at == never) timers_.remove(id.slot.index() * 2);
  else timers_.set(id.slot.index() * 2, at);
}

void TransactionLayer::reschedule_server(ServerTransactionId id) {
  const ServerTransaction& t = *servers_.find(id.slot);
  const Milliseconds at = std::min({t.retransmit_at, t.timeout_at, t.trying_at, t.answer_by});
  if (at == never) timers_.remove(id.slot.index() * 2 + 1);
  else timers_.set(id.slot.index() * 2 + 1, at);
}

void TransactionLayer::terminate_client(ClientTransactionId id) {
  ClientTransaction* t = clients_.find(id.slot);
  if (!t) return;
  client_index_.erase(t->key_hash, id.slot);
  timers_.remove(id.slot.index() * 2);
  retire(t->request);
  retire(t->ack);
  const ClientTransactionId waiting_cancel = t->is_invite ? t->cancel : ClientTransactionId{};
  clients_.erase(id.slot);
  --counters_.live_client_transactions;
  // A CANCEL still waiting for a provisional has nothing left to cancel.
  if (ClientTransaction* c = clients_.find(waiting_cancel.slot); c && c->state == ClientState::cancel_waiting)
    terminate_client(waiting_cancel);
}

void TransactionLayer::terminate_server(ServerTransactionId id) {
  ServerTransaction* t = servers_.find(id.slot);
  if (!t) return;
  server_index_.erase(t->key_hash, id.slot);
  if (t->in_accepted_index) accepted_index_.erase(t->accepted_hash, id.slot);
  if (t->in_merge_index) merge_index_.erase(t->merge_hash, id.slot);
  timers_.remove(id.slot.index() * 2 + 1);
  retire(t->request);
  retire(t->response);
  servers_.erase(id.slot);
  --counters_.live_server_transactions;
}

// --- receiving ----------------------------------------------------------------------------

void TransactionLayer::receive(Milliseconds now, const Address& source, std::string_view bytes) {
  begin_input();
  Buffer* b = acquire();
  b->bytes.assign(bytes);
  ParseError error;
  if (!parse_and_validate(b->bytes, b->message, error, config_.limits)) {
    answer_malformed(now, source, b, error);
    return;
  }
  if (b->message.is_request()) on_request(now, source, b);
  else on_response(now, source, b);
}

void TransactionLayer::answer_malformed(Milliseconds now, const Address& source, Buffer* b,
                                       const ParseError& error) {
  (void)now;
  ++counters_.parse_errors;
  if (b->message.is_request() && can_answer_bad_request(b->message, error)) {
    make_error_response(b->message, error.status, error.reason, config_.warning_agent,
                        ids_.make_tag(), scratch_);
    serialize(scratch_, scratch_wire_);
    const auto via = b->message.top_via();
    transmit(via ? reply_address(*via, source) : source, scratch_wire_, {}, {});
    ++counters_.bad_requests_answered;
    ++counters_.responses_out;
  } else {
    ++counters_.malformed_dropped;
  }
  retire(b);
}

ServerTransactionId TransactionLayer::find_server(const Message& request, Method as_method) const {
  std::string& key = scratch_key_;
  const std::string_view method = as_method == Method::unknown ? request.method_text() : method_name(as_method);
  if (!make_server_key(request, method, key)) return {};
  const SlotId id = server_index_.find(detail::hash_bytes(key), [&](SlotId s) {
    return servers_.find(s)->request->key == key;
  });
  return ServerTransactionId{id};
}

void TransactionLayer::on_request(Milliseconds now, const Address& source, Buffer* b) {
  ++counters_.requests_in;
  Message& m = b->message;
  stamp_top_via(m, source);
  if (m.method() == Method::ack) {
    on_ack(now, source, b);
    return;
  }
  ServerTransactionId id = find_server(m, Method::unknown);
  if (id && !same_request(servers_.find(id.slot)->request->message, m)) {
    // The branch of an earlier, different request (another Call-ID, From tag or CSeq):
    // §8.1.1.7 makes branches unique, but some clients reuse one (SIPp's out-of-call
    // scenarios stamp every call's BYE with the same branch). It is not a retransmission:
    // a non-INVITE transaction that has answered only absorbs retransmissions, so it ends
    // now and the request gets its own; otherwise the request is refused, named.
    ++counters_.branch_reused;
    ServerTransaction& t = *servers_.find(id.slot);
    if (t.is_invite || t.state != ServerState::completed) {
      answer_statelessly(source, m, 400, ids_.make_tag(), 0, "branch reused from another request in progress");
      retire(b);
      return;
    }
    terminate_server(id);
    id = {};
  }
  if (id) {
    // A retransmission (§17.2.1, §17.2.2): answer with the last response, if any.
    ++counters_.retransmissions_in;
    ServerTransaction& t = *servers_.find(id.slot);
    const bool resend =
        t.is_invite ? (t.state == ServerState::proceeding || t.state == ServerState::completed ||
                       (t.state == ServerState::accepted && !t.acked))
                    : (t.state == ServerState::proceeding || t.state == ServerState::completed);
    if (t.is_invite && t.state == ServerState::proceeding && !t.response) {
      send_from_layer(now, id, 100);
    } else if (resend && t.response) {
      transmit(t.reply_to, t.response->bytes, {}, id);
      ++counters_.retransmissions_out;
    }
    retire(b);
    return;
  }
  if (m.method() == Method::cancel) {
    on_cancel(now, source, b);
    return;
  }
  if (servers_.size() >= config_.max_server_transactions) {
    // Overload: refuse without allocating a transaction (§21.5.4). The client may retry
    // after Retry-After or try another server.
    answer_statelessly(source, m, 503, ids_.make_tag(), config_.overload_retry_after_seconds);
    ++counters_.overload_rejected;
    retire(b);
    return;
  }
  id = create_server(now, source, b);
  Event e;
  e.kind = EventKind::request_received;
  e.server = id;
  e.message = &b->message;
  e.peer = source;
  push_event(e);
}

ServerTransactionId TransactionLayer::create_server(Milliseconds now, const Address& source, Buffer* b) {
  const Message& m = b->message;
  make_server_key(m, m.method_text(), b->key);
  ServerTransaction t;
  t.is_invite = m.method() == Method::invite;
  t.state = t.is_invite ? ServerState::proceeding : ServerState::trying;
  const auto via = m.top_via();
  t.reply_to = via ? reply_address(*via, source) : source;
  t.request = b;
  t.key_hash = detail::hash_bytes(b->key);
  const auto cseq = m.cseq();
  if (m.to_tag().empty() && cseq) {
    t.merge_hash = dialog_request_hash(m.call_id(), m.from_tag(), cseq->number, m.method_text());
    t.in_merge_index = true;
  }
  if (t.is_invite) t.trying_at = now + config_.trying_delay;
  t.answer_by = now + answer_limit(t.is_invite);
  t.arrival = next_arrival_++;
  const ServerTransactionId id{servers_.insert(std::move(t))};
  ServerTransaction& stored = *servers_.find(id.slot);
  server_index_.insert(stored.key_hash, id.slot);
  if (stored.in_merge_index) merge_index_.insert(stored.merge_hash, id.slot);
  ++counters_.live_server_transactions;
  if (stored.is_invite && config_.trying_delay.count() <= 0) {
    stored.trying_at = never;
    send_from_layer(now, id, 100);
  }
  reschedule_server(id);
  return id;
}

void TransactionLayer::on_ack(Milliseconds now, const Address& source, Buffer* b) {
  (void)now;
  const Message& m = b->message;
  Event e;
  e.kind = EventKind::ack_received;
  e.message = &m;
  e.peer = source;
  // ACK for a non-2xx final response: same transaction as the INVITE (§17.2.3).
  if (const ServerTransactionId id = find_server(m, Method::invite)) {
    ServerTransaction& t = *servers_.find(id.slot);
    if (t.state == ServerState::completed) {
      // Timer I: absorb ACK retransmissions for T4 (0 on reliable transports).
      t.state = ServerState::confirmed;
      t.retransmit_at = never;
      t.timeout_at = now + (is_reliable(t.reply_to.transport) ? Milliseconds{0} : config_.t4);
      reschedule_server(id);
      retire(b);
      return;
    }
    if (t.state == ServerState::confirmed || (t.state == ServerState::accepted && t.acked)) {
      ++counters_.retransmissions_in;
      retire(b);
      return;
    }
    if (t.state == ServerState::accepted) {
      t.acked = true;
      t.retransmit_at = never;
      reschedule_server(id);
      e.server = id;
    }
    push_event(e);
    retire(b);
    return;
  }
  // ACK for a 2xx: a new transaction id; match the INVITE by Call-ID, From tag, CSeq.
  const auto cseq = m.cseq();
  if (cseq) {
    const std::uint64_t h = dialog_request_hash(m.call_id(), m.from_tag(), cseq->number, "INVITE");
    const SlotId sid = accepted_index_.find(h, [&](SlotId s) {
      const Message& r = servers_.find(s)->request->message;
      const auto rc = r.cseq();
      return r.call_id() == m.call_id() && r.from_tag() == m.from_tag() && rc && rc->number == cseq->number;
    });
    if (sid) {
      ServerTransaction& t = *servers_.find(sid);
      if (t.acked) {
        ++counters_.retransmissions_in;
        retire(b);
        return;
      }
      t.acked = true;
      t.retransmit_at = never;  // §13.3.1.4: the ACK stops 2xx retransmissions
      reschedule_server(ServerTransactionId{sid});
      e.server = ServerTransactionId{sid};
    }
  }
  push_event(e);
  retire(b);
}

void TransactionLayer::on_cancel(Milliseconds now, const Address& source, Buffer* b) {
  // §9.2: the CANCEL is its own non-INVITE transaction; it matches the INVITE by the same
  // rules with the method taken as INVITE.
  const ServerTransactionId invite = find_server(b->message, Method::invite);
  if (servers_.size() >= config_.max_server_transactions) {
    // Overload: a CANCEL still ends a pending INVITE (it frees more than it costs), but
    // it is answered statelessly; a retransmitted CANCEL simply gets the answer again.
    ++counters_.overload_rejected;
    if (ServerTransaction* pending = servers_.find(invite.slot)) {
      // The 200 carries the To tag the INVITE's responses use (§9.2).
      std::string tag = pending->response ? pending->response->tag : std::string();
      if (tag.empty()) tag = ids_.make_tag();
      answer_statelessly(source, b->message, 200, tag, 0);
      if (pending->state == ServerState::proceeding) {
        Event e;
        e.kind = EventKind::cancel_received;
        e.server = invite;
        e.message = &b->message;
        e.peer = source;
        push_event(e);
      }
    } else {
      answer_statelessly(source, b->message, 481, ids_.make_tag(), 0);
    }
    retire(b);
    return;
  }
  const ServerTransactionId id = create_server(now, source, b);
  ServerTransaction* inv = servers_.find(invite.slot);
  if (!inv) {
    send_from_layer(now, id, 481);
    return;
  }
  // The 200 to CANCEL carries the To tag the INVITE's responses use (§9.2).
  ServerTransaction& cancel = *servers_.find(id.slot);
  cancel.response = acquire();
  cancel.response->tag.assign(inv->response ? std::string_view(inv->response->tag) : std::string_view{});
  const bool pending = inv->state == ServerState::proceeding;
  send_from_layer(now, id, 200);
  if (pending) {
    Event e;
    e.kind = EventKind::cancel_received;
    e.server = invite;
    e.message = &b->message;
    e.peer = source;
    push_event(e);
  }
}

void TransactionLayer::on_response(Milliseconds now, const Address& source, Buffer* b) {
  ++counters_.responses_in;
  const Message& m = b->message;
  const auto via = m.top_via();
  const auto cseq = m.cseq();
  if (!via || !cseq) {
    ++counters_.stray_responses;
    retire(b);
    return;
  }
  make_client_key(via->branch, cseq->method_text, scratch_key_);
  const SlotId sid = client_index_.find(detail::hash_bytes(scratch_key_), [&](SlotId s) {
    return clients_.find(s)->request->key == scratch_key_;
  });
  ClientTransaction* t = clients_.find(sid);
  if (!t) {
    ++counters_.stray_responses;
    retire(b);
    return;
  }
  const ClientTransactionId id{sid};
  Event e;
  e.kind = EventKind::response_received;
  e.client = id;
  e.message = &m;
  e.peer = source;
  const int status = m.status();
  bool report = false;
  if (t->is_invite) {
    switch (t->state) {
      case ClientState::calling:
      case ClientState::proceeding:
        report = true;
        t->retransmit_at = never;
        if (status < 200) {
          if (t->state == ClientState::calling) t->timeout_at = never;  // Timer B only in Calling
          t->state = ClientState::proceeding;
          if (ClientTransaction* c = clients_.find(t->cancel.slot); c && c->state == ClientState::cancel_waiting) {
            t->timeout_at = now + 64 * config_.t1;  // §9.1
            start_client(now, t->cancel);
            t = clients_.find(sid);
          }
        } else if (status < 300) {
          // RFC 6026 Accepted: absorb and re-ACK retransmitted 2xx for Timer M = 64·T1.
          t->state = ClientState::accepted;
          t->timeout_at = now + 64 * config_.t1;
          t->tags[0] = detail::hash_bytes(m.to_tag());
          t->tag_count = 1;
        } else {
          t->state = ClientState::completed;
          send_non2xx_ack(*t, m);
          // Timer D: at least 32 s on unreliable transports, 0 on reliable ones.
          t->timeout_at = now + (is_reliable(t->destination.transport) ? Milliseconds{0}
                                                                        : std::max(Milliseconds{32000}, 64 * config_.t1));
        }
        if (status >= 200) {
          if (ClientTransaction* c = clients_.find(t->cancel.slot); c && c->state == ClientState::cancel_waiting)
            terminate_client(t->cancel);
        }
        break;
      case ClientState::accepted:
        if (status >= 200 && status < 300) {
          const std::uint64_t tag = detail::hash_bytes(m.to_tag());
          const bool seen = std::find(t->tags.begin(), t->tags.begin() + t->tag_count, tag) !=
                            t->tags.begin() + t->tag_count;
          if (seen) {
            ++counters_.retransmissions_in;
            // §13.2.2.4: the ACK is re-sent for each retransmitted 2xx.
            if (t->ack && t->ack_tag == tag) {
              transmit(t->destination, t->ack->bytes, id, {});
              ++counters_.retransmissions_out;
            }
          } else {
            if (t->tag_count < t->tags.size()) t->tags[t->tag_count++] = tag;
            report = true;  // a 2xx from another fork
          }
        } else {
          ++counters_.retransmissions_in;
        }
        break;
      case ClientState::completed:
        ++counters_.retransmissions_in;
        if (status >= 300 && t->ack) {
          transmit(t->destination, t->ack->bytes, id, {});
          ++counters_.retransmissions_out;
        }
        break;
      case ClientState::cancel_waiting:
        break;
    }
    reschedule_client(id);
  } else {
    switch (t->state) {
      case ClientState::calling:
      case ClientState::proceeding:
        report = true;
        if (status < 200) {
          t->state = ClientState::proceeding;
        } else {
          // Timer K: T4 on unreliable transports, 0 on reliable ones.
          t->state = ClientState::completed;
          t->retransmit_at = never;
          t->timeout_at = now + (is_reliable(t->destination.transport) ? Milliseconds{0} : config_.t4);
        }
        break;
      default:
        ++counters_.retransmissions_in;
        break;
    }
    reschedule_client(id);
  }
  if (report) push_event(e);
  retire(b);
}

// --- sending ------------------------------------------------------------------------------

ClientTransactionId TransactionLayer::send_request(Milliseconds now, const Message& request,
                                                   const Address& destination) {
  begin_input();
  if (!request.is_request() || request.method() == Method::ack) return {};
  if (clients_.size() >= config_.max_client_transactions) {
    ++counters_.client_requests_refused;
    return {};
  }
  Buffer* b = acquire();
  serialize(request, scratch_wire_);
  if (!request.has(HeaderKind::via)) {
    // The layer's Via: transport, sent-by, a fresh RFC 3261 branch and rport (RFC 3581).
    const std::size_t eol = scratch_wire_.find("\r\n") + 2;
    b->bytes.assign(scratch_wire_, 0, eol);
    b->bytes += "Via: SIP/2.0/";
    b->bytes += transport_name(destination.transport);
    b->bytes += ' ';
    b->bytes += config_.via_host;
    b->bytes += ':';
    b->bytes += std::to_string(config_.via_port);
    b->bytes += ";branch=";
    b->bytes += magic_cookie;
    ids_.append_hex(b->bytes, 16);
    b->bytes += ";rport\r\n";
    b->bytes.append(scratch_wire_, eol);
  } else {
    b->bytes.swap(scratch_wire_);
  }
  ParseError error;
  const auto via = parse_message(b->bytes, b->message, error, config_.limits) ? b->message.top_via()
                                                                               : std::nullopt;
  if (!via || via->branch.empty()) {
    retire(b);
    return {};
  }
  make_client_key(via->branch, b->message.method_text(), b->key);
  ClientTransaction t;
  t.is_invite = request.method() == Method::invite;
  t.destination = destination;
  t.request = b;
  t.key_hash = detail::hash_bytes(b->key);
  const ClientTransactionId id{clients_.insert(std::move(t))};
  client_index_.insert(clients_.find(id.slot)->key_hash, id.slot);
  ++counters_.live_client_transactions;
  start_client(now, id);
  return id;
}

void TransactionLayer::start_client(Milliseconds now, ClientTransactionId id) {
  ClientTransaction& t = *clients_.find(id.slot);
  t.state = ClientState::calling;  // "Trying" for non-INVITE
  // Timers A/E retransmit over unreliable transports only; B/F bound every transaction.
  if (!is_reliable(t.destination.transport)) {
    t.interval = config_.t1;
    t.retransmit_at = now + config_.t1;
  }
  t.timeout_at = now + 64 * config_.t1;
  if (t.is_invite) t.give_up_at = now + config_.client_invite_timeout;
  if (ClientTransaction* invite = clients_.find(t.invite.slot)) {
    invite->cancel_sent = true;
  }
  transmit(t.destination, t.request->bytes, id, {});
  ++counters_.requests_out;
  reschedule_client(id);
}

void TransactionLayer::send_non2xx_ack(ClientTransaction& t, const Message& response) {
  // §17.1.1.3: Request-URI, Call-ID, From, CSeq number and the top Via of the INVITE,
  // To of the response, Route headers of the INVITE.
  const Message& invite = t.request->message;
  scratch_.clear();
  scratch_.set_request_line(Method::ack, invite.request_uri());
  invite.for_each_value(HeaderKind::via, [&](std::string_view v) {
    scratch_.add(HeaderKind::via, v);
    return false;
  });
  for (const Header& h : invite.headers())
    if (h.kind == HeaderKind::route) scratch_.add(h.kind, h.value);
  scratch_.add(HeaderKind::max_forwards, "70");
  scratch_.add(HeaderKind::from, invite.value(HeaderKind::from));
  scratch_.add(HeaderKind::to, response.value(HeaderKind::to));
  scratch_.add(HeaderKind::call_id, invite.call_id());
  const auto cseq = invite.cseq();
  scratch_.add(HeaderKind::cseq, std::to_string(cseq ? cseq->number : 0) + " ACK");
  if (!t.ack) t.ack = acquire();
  serialize(scratch_, t.ack->bytes);
  transmit(t.destination, t.ack->bytes, {}, {});
  ++counters_.requests_out;
}

bool TransactionLayer::send_response(Milliseconds now, ServerTransactionId id, const Message& response) {
  begin_input();
  ServerTransaction* t = servers_.find(id.slot);
  if (!t || !response.is_response() || t->final_sent) return false;
  respond_on(now, id, response);
  return true;
}

void TransactionLayer::send_from_layer(Milliseconds now, ServerTransactionId id, int status) {
  ServerTransaction& t = *servers_.find(id.slot);
  std::string tag;
  if (status > 100) {
    if (t.response && !t.response->tag.empty()) tag = t.response->tag;
    else tag = ids_.make_tag();
  }
  make_response(t.request->message, status, {}, tag, scratch_);
  respond_on(now, id, scratch_);
}

void TransactionLayer::respond_on(Milliseconds now, ServerTransactionId id, const Message& response) {
  ServerTransaction& t = *servers_.find(id.slot);
  if (!t.response) t.response = acquire();
  serialize(response, t.response->bytes);
  const std::string_view tag = response.to_tag();
  if (!tag.empty()) t.response->tag.assign(tag);
  transmit(t.reply_to, t.response->bytes, {}, id);
  ++counters_.responses_out;
  t.trying_at = never;
  const int status = response.status();
  const bool reliable = is_reliable(t.reply_to.transport);
  if (status < 200) {
    t.state = ServerState::proceeding;
  } else {
    t.final_sent = true;
    t.answer_by = never;
    if (t.is_invite && status < 300) {
      // RFC 6026 Accepted (Timer L = 64·T1) absorbs INVITE retransmissions; §13.3.1.4: the
      // 2xx is re-sent at T1, 2·T1 … capped at T2 until the ACK comes, for 64·T1.
      t.state = ServerState::accepted;
      t.acked = false;
      t.interval = config_.t1;
      t.retransmit_at = reliable ? never : now + config_.t1;
      t.timeout_at = now + 64 * config_.t1;
      const Message& r = t.request->message;
      const auto cseq = r.cseq();
      t.accepted_hash = dialog_request_hash(r.call_id(), r.from_tag(), cseq ? cseq->number : 0, "INVITE");
      if (!t.in_accepted_index) accepted_index_.insert(t.accepted_hash, id.slot);
      t.in_accepted_index = true;
    } else if (t.is_invite) {
      // Completed: Timer G retransmits (unreliable only), Timer H waits 64·T1 for the ACK.
      t.state = ServerState::completed;
      t.interval = config_.t1;
      t.retransmit_at = reliable ? never : now + config_.t1;
      t.timeout_at = now + 64 * config_.t1;
    } else {
      // Timer J: 64·T1 on unreliable transports, 0 on reliable ones.
      t.state = ServerState::completed;
      t.timeout_at = now + (reliable ? Milliseconds{0} : 64 * config_.t1);
    }
  }
  reschedule_server(id);
}

void TransactionLayer::send_ack(Milliseconds now, ClientTransactionId invite, const Message& ack,
                                const Address& destination) {
  begin_input();
  (void)now;
  ClientTransaction* t = clients_.find(invite.slot);
  if (t && t->is_invite && t->state == ClientState::accepted) {
    if (!t->ack) t->ack = acquire();
    serialize(ack, t->ack->bytes);
    t->ack_tag = detail::hash_bytes(ack.to_tag());
    transmit(destination, t->ack->bytes, invite, {});
  } else {
    serialize(ack, scratch_wire_);
    transmit(destination, scratch_wire_, {}, {});
  }
  ++counters_.requests_out;
}

void TransactionLayer::send_stateless(Milliseconds now, const Message& message, const Address& destination) {
  begin_input();
  (void)now;
  serialize(message, scratch_wire_);
  transmit(destination, scratch_wire_, {}, {});
  if (message.is_request()) ++counters_.requests_out;
  else ++counters_.responses_out;
}

ClientTransactionId TransactionLayer::cancel(Milliseconds now, ClientTransactionId invite_id,
                                             std::string_view reason) {
  begin_input();
  return start_cancel(now, invite_id, reason);
}

ClientTransactionId TransactionLayer::start_cancel(Milliseconds now, ClientTransactionId invite_id,
                                                   std::string_view reason) {
  ClientTransaction* t = clients_.find(invite_id.slot);
  if (!t || !t->is_invite || (t->state != ClientState::calling && t->state != ClientState::proceeding))
    return {};
  if (clients_.find(t->cancel.slot)) return t->cancel;
  // §9.1: Request-URI, Call-ID, To, From, CSeq number, the single top Via and Route of
  // the INVITE; method CANCEL.
  const Message& inv = t->request->message;
  scratch_.clear();
  scratch_.set_request_line(Method::cancel, inv.request_uri());
  inv.for_each_value(HeaderKind::via, [&](std::string_view v) {
    scratch_.add(HeaderKind::via, v);
    return false;
  });
  for (const Header& h : inv.headers())
    if (h.kind == HeaderKind::route) scratch_.add(h.kind, h.value);
  scratch_.add(HeaderKind::max_forwards, "70");
  scratch_.add(HeaderKind::from, inv.value(HeaderKind::from));
  scratch_.add(HeaderKind::to, inv.value(HeaderKind::to));
  scratch_.add(HeaderKind::call_id, inv.call_id());
  const auto cseq = inv.cseq();
  scratch_.add(HeaderKind::cseq, std::to_string(cseq ? cseq->number : 0) + " CANCEL");
  if (!reason.empty()) scratch_.add(HeaderKind::reason, reason);
  Buffer* b = acquire();
  serialize(scratch_, b->bytes);
  ParseError error;
  parse_message(b->bytes, b->message, error, config_.limits);
  const auto via = b->message.top_via();
  make_client_key(via ? via->branch : std::string_view{}, "CANCEL", b->key);
  ClientTransaction c;
  c.is_invite = false;
  c.state = ClientState::cancel_waiting;
  c.destination = t->destination;
  c.request = b;
  c.invite = invite_id;
  c.key_hash = detail::hash_bytes(b->key);
  const bool send_now = t->state == ClientState::proceeding;
  const ClientTransactionId id{clients_.insert(std::move(c))};
  client_index_.insert(clients_.find(id.slot)->key_hash, id.slot);
  ++counters_.live_client_transactions;
  t = clients_.find(invite_id.slot);
  t->cancel = id;
  if (send_now) {
    // §9.1: without a final response 64·T1 after the CANCEL, the INVITE is given up.
    t->timeout_at = now + 64 * config_.t1;
    reschedule_client(invite_id);
    start_client(now, id);
  }
  return id;
}

void TransactionLayer::report_transport_error(Milliseconds now, ClientTransactionId client,
                                              ServerTransactionId server) {
  begin_input();
  (void)now;
  Event e;
  e.kind = EventKind::transport_error;
  if (ClientTransaction* t = clients_.find(client.slot)) {
    e.client = client;
    e.peer = t->destination;
    ++counters_.transport_errors;
    push_event(e);
    terminate_client(client);
  } else if (ServerTransaction* s = servers_.find(server.slot)) {
    e.server = server;
    e.peer = s->reply_to;
    ++counters_.transport_errors;
    push_event(e);
    terminate_server(server);
  }
}

// --- timers -------------------------------------------------------------------------------

void TransactionLayer::handle_timeout(Milliseconds now) {
  begin_input();
  while (const auto handle = timers_.due(now)) {
    const std::uint32_t index = *handle / 2;
    if (*handle % 2 == 0) fire_client(now, ClientTransactionId{clients_.id_at(index)});
    else fire_server(now, ServerTransactionId{servers_.id_at(index)});
  }
}

void TransactionLayer::fire_client(Milliseconds now, ClientTransactionId id) {
  if (ClientTransaction& c = *clients_.find(id.slot); c.give_up_at <= now) {
    c.give_up_at = never;
    // client_invite_timeout: a provisional came (in Calling, Timer B has this covered)
    // but no final. CANCEL it like a proxy's Timer C (§16.8) unless the TU already did.
    if (c.state == ClientState::proceeding && !clients_.find(c.cancel.slot)) {
      const Address peer = c.destination;
      start_cancel(now, id, "SIP;cause=408;text=\"no final response\"");
      Event e;
      e.kind = EventKind::no_final_response;
      e.client = id;
      e.peer = peer;
      ++counters_.no_final_response;
      push_event(e);
    }
  }
  ClientTransaction& t = *clients_.find(id.slot);
  if (t.retransmit_at <= now) {
    // Timer A doubles without bound (until B); Timer E doubles up to T2, and is T2 once a
    // provisional has arrived (§17.1.1.2, §17.1.2.2).
    transmit(t.destination, t.request->bytes, id, {});
    ++counters_.retransmissions_out;
    if (t.is_invite) t.interval *= 2;
    else t.interval = t.state == ClientState::proceeding ? config_.t2 : std::min(t.interval * 2, config_.t2);
    t.retransmit_at = now + t.interval;
  }
  if (t.timeout_at <= now) {
    if (t.state == ClientState::calling || t.state == ClientState::proceeding) {
      Event e;
      e.kind = EventKind::transaction_timeout;
      e.client = id;
      e.message = nullptr;
      e.peer = t.destination;
      ++counters_.timeouts;
      push_event(e);
    }
    terminate_client(id);
    return;
  }
  reschedule_client(id);
}

void TransactionLayer::fire_server(Milliseconds now, ServerTransactionId id) {
  ServerTransaction* t = servers_.find(id.slot);
  if (t->answer_by <= now && !t->final_sent) {
    // The TU never answered: answer for it (408 to INVITE, 500 otherwise; see
    // TransactionConfig) and tell it, so it can drop what it holds for the request.
    // The response runs the normal Completed state from here.
    send_from_layer(now, id, t->is_invite ? 408 : 500);
    t = servers_.find(id.slot);
    Event e;
    e.kind = EventKind::no_final_response;
    e.server = id;
    e.message = &t->request->message;
    e.peer = t->reply_to;
    ++counters_.no_final_response;
    push_event(e);
  }
  if (t->trying_at <= now) {
    t->trying_at = never;
    send_from_layer(now, id, 100);
    t = servers_.find(id.slot);
  }
  if (t->retransmit_at <= now) {
    // Timer G and the §13.3.1.4 2xx retransmission: T1 doubling, capped at T2.
    transmit(t->reply_to, t->response->bytes, {}, id);
    ++counters_.retransmissions_out;
    t->interval = std::min(t->interval * 2, config_.t2);
    t->retransmit_at = now + t->interval;
  }
  if (t->timeout_at <= now) {
    Event e;
    e.server = id;
    e.peer = t->reply_to;
    if (t->state == ServerState::completed && t->is_invite) {
      e.kind = EventKind::transaction_timeout;  // Timer H: the ACK never came
      ++counters_.timeouts;
      push_event(e);
    } else if (t->state == ServerState::accepted && !t->acked) {
      e.kind = EventKind::ack_timeout;  // §13.3.1.4: tell the TU, which sends BYE
      ++counters_.timeouts;
      push_event(e);
    }
    terminate_server(id);
    return;
  }
  reschedule_server(id);
}

Milliseconds TransactionLayer::answer_limit(bool invite) const {
  if (invite) return config_.server_invite_timeout;
  if (config_.server_non_invite_timeout.count() > 0) return config_.server_non_invite_timeout;
  return std::max(64 * config_.t1 - config_.t2, config_.t1);
}

void TransactionLayer::answer_statelessly(const Address& source, const Message& request, int status,
                                          std::string_view to_tag, std::uint32_t retry_after_seconds,
                                          std::string_view warning) {
  make_response(request, status, {}, to_tag, scratch_);
  if (retry_after_seconds > 0) scratch_.add(HeaderKind::retry_after, std::to_string(retry_after_seconds));
  if (!warning.empty())
    scratch_.add(HeaderKind::warning, "399 " + config_.warning_agent + " \"" + std::string(warning) + "\"");
  serialize(scratch_, scratch_wire_);
  const auto via = request.top_via();
  transmit(via ? reply_address(*via, source) : source, scratch_wire_, {}, {});
  ++counters_.responses_out;
}

bool TransactionLayer::is_merged_request(ServerTransactionId id) const {
  const ServerTransaction* t = servers_.find(id.slot);
  if (!t || !t->in_merge_index) return false;
  const Message& m = t->request->message;
  const auto cseq = m.cseq();
  const SlotId other = merge_index_.find(t->merge_hash, [&](SlotId s) {
    if (s == id.slot || servers_.find(s)->arrival > t->arrival) return false;
    const Message& o = servers_.find(s)->request->message;
    const auto oc = o.cseq();
    return o.call_id() == m.call_id() && o.from_tag() == m.from_tag() && oc && cseq &&
           oc->number == cseq->number && oc->method_text == cseq->method_text;
  });
  return bool(other);
}

}  // namespace cpark::sip

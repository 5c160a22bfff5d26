// The B2BUA's legs: calling phones (forks, ringback S4, fallback), answering, re-INVITEs
// that hold and connect (S2, S3), hanging up, CANCEL (S6), NOTIFY and MESSAGE (S5), and
// the engine's connects: retrieval, ringback or fallback answered, group pickup, P9
// redirects and no-answer forwarding (G8).
#include <algorithm>
#include <charconv>

#include "engine/identity.h"
#include "server/b2bua.h"
#include "sip/message_builder.h"

namespace cpark::server {

namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c != '\r' && c != '\n') out += c;
  }
  return out + "\"";
}

std::string name_addr(std::string_view display, std::string_view uri) {
  if (display.empty()) return "<" + std::string(uri) + ">";
  return quoted(display) + " <" + std::string(uri) + ">";
}

// "Name: value\r\nName: value" -> headers of `m`.
void add_headers(sip::Message& m, std::string_view lines) {
  while (!lines.empty()) {
    const std::size_t eol = lines.find("\r\n");
    const std::string_view line = lines.substr(0, eol);
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      m.add(line.substr(0, colon), value);
    }
    if (eol == std::string_view::npos) break;
    lines.remove_prefix(eol + 2);
  }
}

void add_diagnostic(sip::Message& m, std::string_view agent, const Diagnostic& d) {
  // The Lync diagnostic in the two places clients look: Warning (RFC 3261 §20.43) and
  // Lync's own ms-diagnostics header.
  m.add(sip::HeaderKind::warning,
        "399 " + std::string(agent) + " \"" + std::to_string(d.code) + " " + std::string(d.text) + "\"");
  m.add("ms-diagnostics", std::to_string(d.code) + ";reason=" + quoted(d.text) + ";source=" + quoted(agent));
}

std::uint16_t audio_port(const sip::SessionDescription& s) {
  const sip::MediaDescription* a = s.first_audio();
  return a ? a->port : 0;
}

std::string audio_address(const sip::SessionDescription& s) {
  for (std::size_t i = 0; i < s.media.size(); ++i)
    if (s.media[i].media == "audio") return std::string(s.media_address(i));
  return s.connection_address;
}

}  // namespace

// §13.2.2.4: the ACK for a 2xx is its own request with a new branch; the layer sends it
// as given, so it gets its Via here.
void B2bua::add_ack_via(sip::Message& ack, const sip::Address& to) {
  std::string via = "SIP/2.0/";
  via += sip::transport_name(to.transport);
  via += " " + config_.advertised_host + ":" + std::to_string(config_.advertised_port) + ";branch=z9hG4bK";
  layer_.ids().append_hex(via, 16);
  via += ";rport";
  ack.add_front(sip::HeaderKind::via, via);
}

// --- bookkeeping -------------------------------------------------------------------------

SlotId B2bua::new_leg(LegKind kind) {
  const SlotId id = legs_.emplace();
  Leg& l = legs_.at_index(id.index());
  l.kind = kind;
  l.origin.user = config_.user_agent;
  l.origin.session_id = layer_.ids().next() >> 1;
  return id;
}

SlotId B2bua::leg_of_dialog(sip::DialogId d) const {
  if (!d) return {};
  auto it = leg_by_dialog_.find(d.slot.bits());
  return it == leg_by_dialog_.end() ? SlotId{} : it->second;
}

SlotId B2bua::legs_of_park(ParkId park, LegKind kind, std::vector<SlotId>& out) const {
  legs_.for_each([&](SlotId id, const Leg& l) {
    if (l.park == park && l.kind == kind) out.push_back(id);
  });
  return out.empty() ? SlotId{} : out.front();
}

std::string B2bua::contact() const {
  return "<sip:" + config_.advertised_host + ":" + std::to_string(config_.advertised_port) + ">";
}

std::string B2bua::contact_for(const sip::Address& a) const {
  if (a.transport == sip::Transport::udp) return contact();
  return "<sip:" + config_.advertised_host + ":" + std::to_string(config_.advertised_port) + ";transport=tcp>";
}

sip::MediaEndpoint B2bua::music_endpoint() const { return {config_.rtp_host, config_.rtp_port, false}; }

sip::SessionDescription B2bua::relayed(const sip::SessionDescription& from_other, sip::Origin& origin) const {
  sip::SessionDescription s = from_other;
  ++origin.version;  // RFC 3264 §8: every description we send on a leg is a new version
  s.origin_user = origin.user;
  s.session_id = origin.session_id;
  s.session_version = origin.version;
  return s;
}

void B2bua::bridge(SlotId a, SlotId b) {
  if (Leg* x = leg(a)) x->other = b;
  if (Leg* y = leg(b)) y->other = a;
}

void B2bua::end_leg(Time, SlotId id) {
  Leg* l = leg(id);
  if (!l) return;
  stop_music(id);
  l = leg(id);
  if (l->dialog) {
    leg_by_dialog_.erase(l->dialog.slot.bits());
    dialogs_.erase(l->dialog);
  }
  if (l->invite_server) leg_by_invite_.erase(l->invite_server.slot.bits());
  if (Leg* caller = leg(l->other); caller && l->kind == LegKind::callee)
    std::erase(caller->forks, id);
  if (Leg* o = leg(l->other); o && o->other == id) o->other = {};
  referrals_.erase(id.bits());
  legs_.erase(id);
}

// --- sending -----------------------------------------------------------------------------

SlotId B2bua::call_out(Time now, LegKind kind, std::string request_uri, sip::Address destination,
                       std::string to_identity, std::string from_identity, std::string from_display,
                       sip::SessionDescription sdp) {
  const SlotId id = new_leg(kind);
  Leg& l = *leg(id);
  l.call_id = layer_.ids().make_call_id(config_.advertised_host);
  l.local_tag = layer_.ids().make_tag();
  l.request_uri = request_uri;
  l.peer = destination;
  l.party = to_identity;
  l.invite_cseq = 1;
  const std::string from = name_addr(from_display, from_identity) + ";tag=" + l.local_tag;
  const std::string to = "<" + to_identity + ">";
  const std::string contact_value = contact_for(destination);
  sip::RequestFields f;
  f.method = sip::Method::invite;
  f.request_uri = l.request_uri;
  f.from = from;
  f.to = to;
  f.call_id = l.call_id;
  f.cseq = 1;
  f.contact = contact_value;
  sip::make_request(f, scratch2_);
  scratch2_.add(sip::HeaderKind::allow, "INVITE, ACK, CANCEL, BYE, REFER, NOTIFY, OPTIONS, MESSAGE, INFO");
  // Offers we build from another party's description ask for two-way audio again (a
  // held party's answer is recvonly; the phone we call must not inherit that).
  sip::SessionDescription offer = sip::make_connect_offer(sdp, l.origin);
  body_.clear();
  sip::serialize_sdp(offer, body_);
  scratch2_.set_body(body_, "application/sdp");
  const sip::ClientTransactionId ct = layer_.send_request(now, scratch2_, destination);
  Leg& again = *leg(id);
  again.invite_client = ct;
  if (ct) pending_[ct.slot.bits()] = Pending{id, Purpose::invite};
  return id;
}

std::vector<SlotId> B2bua::ring_user(Time now, LegKind kind, UserId user, std::string from_identity,
                                     std::string from_display, sip::SessionDescription sdp) {
  std::vector<SlotId> out;
  const std::string name = engine_.user_name(user);
  const std::string aor = sip_uri_of(name, config_.domain);
  const auto live = registrar_.bindings(name, now);
  const std::vector<Binding> phones(live.begin(), live.end());
  for (const Binding& b : phones) {
    const SlotId id = call_out(now, kind, b.contact, b.source, aor, from_identity, from_display, sdp);
    Leg& l = *leg(id);
    l.user = user;
    out.push_back(id);
  }
  return out;
}

std::vector<SlotId> B2bua::ring_uri(Time now, LegKind kind, std::string uri, std::string from_identity,
                                    std::string from_display, sip::SessionDescription sdp) {
  const ValidatedDeployment& d = engine_.deployment();
  if (auto u = resolve_user(d, uri, config_.domain))
    return ring_user(now, kind, *engine_.user_id(d.user(*u).name), from_identity, from_display, sdp);
  // Somewhere else: a URI with an address we can reach directly (the server does no DNS).
  sip::Uri parsed;
  if (!sip::parse_uri(uri, parsed) || !parsed.is_sip() ||
      (parsed.host_kind != sip::HostKind::ipv4 && parsed.host_kind != sip::HostKind::ipv6)) {
    log(LogEvent::Level::warn, "unreachable", {{"uri", uri}, {"why", "not a user and not an IP address"}});
    return {};
  }
  const bool tcp = parsed.param("transport") && *parsed.param("transport") == "tcp";
  const sip::Address dest(tcp ? sip::Transport::tcp : sip::Transport::udp, parsed.host,
                          parsed.has_port() ? parsed.port : 5060);
  return {call_out(now, kind, uri, dest, uri, from_identity, from_display, sdp)};
}

void B2bua::answer(Time now, SlotId id, int status, const sip::SessionDescription* sdp, std::string_view reason,
                   const Diagnostic* diag) {
  Leg* l = leg(id);
  if (!l || !l->invite_server) return;
  const sip::ServerTransactionId st = l->invite_server;
  const sip::Message* request = layer_.request(st);
  if (!request) return;
  sip::make_response(*request, status, status >= 300 ? std::string_view{} : reason, l->local_tag, scratch_);
  if (status >= 300 && !reason.empty())
    scratch_.add(sip::HeaderKind::warning, "399 " + config_.user_agent + " " + quoted(reason));
  if (status > 100 && status < 300) scratch_.add(sip::HeaderKind::contact, contact_for(l->peer));
  if (diag) add_diagnostic(scratch_, config_.user_agent, *diag);
  if (sdp) {
    body_.clear();
    sip::serialize_sdp(*sdp, body_);
    scratch_.set_body(body_, "application/sdp");
  }
  layer_.send_response(now, st, scratch_);
  l = leg(id);
  if (status < 200) {
    if (l->state == LegState::inviting) l->state = LegState::early;
    return;
  }
  leg_by_invite_.erase(st.slot.bits());
  l->invite_server = {};
  if (status < 300) {
    l->state = LegState::confirmed;
  } else {
    end_leg(now, id);
  }
}

void B2bua::answer_with_hold(Time now, SlotId id, const sip::SessionDescription& sdp) {
  Leg* l = leg(id);
  if (!l) return;
  // Our hold description is an answer here: the same m-lines as the phone's offer.
  sip::SessionDescription answer_sdp;
  const sip::MediaEndpoint local = l->music ? music_endpoint() : sip::MediaEndpoint{config_.rtp_host, 0, false};
  if (!sip::make_answer(l->remote_sdp, local, l->origin, answer_sdp)) answer_sdp = sdp;
  for (auto& m : answer_sdp.media)
    if (m.port != 0 || !l->music) m.direction = l->music ? sip::MediaDirection::sendonly : sip::MediaDirection::inactive;
  answer(now, id, 200, &answer_sdp);
}

void B2bua::refuse(Time now, sip::ServerTransactionId st, int status, std::string_view why, const Diagnostic* diag,
                   std::string_view extra_header) {
  const sip::Message* request = layer_.request(st);
  if (!request) return;
  sip::make_response(*request, status, {}, layer_.ids().make_tag(), scratch_);
  if (!why.empty()) scratch_.add(sip::HeaderKind::warning, "399 " + config_.user_agent + " " + quoted(why));
  if (diag) add_diagnostic(scratch_, config_.user_agent, *diag);
  add_headers(scratch_, extra_header);
  layer_.send_response(now, st, scratch_);
  if (status >= 400 && status != 401 && status != 407) ++refused_;
  if (auto it = leg_by_invite_.find(st.slot.bits()); it != leg_by_invite_.end()) {
    const SlotId id = it->second;
    if (Leg* l = leg(id)) l->invite_server = {};
    leg_by_invite_.erase(it);
    end_leg(now, id);
  }
}

void B2bua::reinvite(Time now, SlotId id, Reinvite why, const sip::SessionDescription& sdp, SlotId for_leg) {
  Leg* l = leg(id);
  if (!l || !l->dialog) return;
  dialogs_.make_request(l->dialog, sip::Method::invite, scratch2_);
  scratch2_.set(sip::HeaderKind::contact, contact_for(l->peer));
  body_.clear();
  sip::serialize_sdp(sdp, body_);
  scratch2_.set_body(body_, "application/sdp");
  const auto cseq = scratch2_.cseq();
  const sip::ClientTransactionId ct = layer_.send_request(now, scratch2_, l->peer);
  l = leg(id);
  l->invite_cseq = cseq ? cseq->number : l->invite_cseq;
  l->reinvite = why;
  l->reinvite_client = ct;
  l->reinvite_for = for_leg;
  if (ct) pending_[ct.slot.bits()] = Pending{id, Purpose::reinvite};
}

void B2bua::send_in_dialog(Time now, SlotId id, sip::Method method, Purpose purpose, std::string_view content_type,
                           std::string_view body, std::string_view extra_header) {
  Leg* l = leg(id);
  if (!l || !l->dialog) return;
  dialogs_.make_request(l->dialog, method, scratch2_);
  add_headers(scratch2_, extra_header);
  if (!body.empty()) scratch2_.set_body(body, content_type);
  const sip::ClientTransactionId ct = layer_.send_request(now, scratch2_, l->peer);
  if (ct) pending_[ct.slot.bits()] = Pending{id, purpose};
}

void B2bua::hang_up(Time now, SlotId id, const Diagnostic* diag) {
  Leg* l = leg(id);
  if (!l) return;
  stop_music(id);
  l = leg(id);
  if (l->invite_server) {
    answer(now, id, 480, nullptr, diag ? std::string_view(diag->text) : std::string_view("Call ended"), diag);
    return;
  }
  if (l->invite_client && l->state != LegState::confirmed) return cancel_leg(now, id, "SIP;cause=487");
  if (l->state == LegState::confirmed) {
    std::string reason;
    if (diag) reason = "Reason: SIP;cause=480;text=" + quoted(std::to_string(diag->code) + " " + diag->text);
    send_in_dialog(now, id, sip::Method::bye, Purpose::bye, {}, {}, reason);
  }
  end_leg(now, id);
}

void B2bua::cancel_leg(Time now, SlotId id, std::string_view reason) {
  Leg* l = leg(id);
  if (!l) return;
  if (l->state == LegState::confirmed) return hang_up(now, id);
  if (l->invite_client) {
    l->state = LegState::ending;
    const sip::ClientTransactionId ct = l->invite_client;
    layer_.cancel(now, ct, reason);  // the 487 (or a late 2xx, which we BYE) ends the leg
    return;
  }
  end_leg(now, id);
}

void B2bua::cancel_forks(Time now, SlotId caller, std::string_view reason) {
  Leg* c = leg(caller);
  if (!c) return;
  const std::vector<SlotId> forks = c->forks;
  for (SlotId f : forks) cancel_leg(now, f, reason);
  if (Leg* again = leg(caller)) again->forks.clear();
}

void B2bua::notify_park(Time now, SlotId referrer, std::uint32_t event_id, std::string_view sipfrag) {
  send_in_dialog(now, referrer, sip::Method::notify, Purpose::notify, "message/sipfrag;version=2.0", sipfrag,
                 "Event: refer;id=" + std::to_string(event_id) + "\r\nSubscription-State: terminated;reason=noresource");
}

void B2bua::send_message(Time now, UserId to, const std::string& text, std::string_view notification) {
  const std::string name = engine_.user_name(to);
  const auto live = registrar_.bindings(name, now);
  const std::vector<Binding> phones(live.begin(), live.end());
  for (const Binding& b : phones) {
    sip::RequestFields f;
    f.method = sip::Method::message;
    f.request_uri = b.contact;
    const std::string from = "\"Call Park\" <sip:park@" + config_.domain + ">;tag=" + layer_.ids().make_tag();
    const std::string to_value = "<" + sip_uri_of(name, config_.domain) + ">";
    const std::string call_id = layer_.ids().make_call_id(config_.advertised_host);
    f.from = from;
    f.to = to_value;
    f.call_id = call_id;
    sip::make_request(f, scratch2_);
    // S5: a short text for people and the reason as a header for machines.
    scratch2_.add("X-Cpark-Notification", notification);
    scratch2_.set_body(text, "text/plain;charset=UTF-8");
    const sip::ClientTransactionId ct = layer_.send_request(now, scratch2_, b.source);
    if (ct) pending_[ct.slot.bits()] = Pending{{}, Purpose::message};
  }
}

void B2bua::start_music(SlotId id) {
  Leg* l = leg(id);
  if (!l || !l->music || l->music_playing) return;
  const std::uint16_t port = audio_port(l->remote_sdp);
  if (port == 0) return;
  l->music_playing = true;
  media_.push_back({MediaCommand::Kind::start, id.bits(), engine_.pool_name(served_pool()),
                    audio_address(l->remote_sdp), port});
}

void B2bua::stop_music(SlotId id) {
  Leg* l = leg(id);
  if (!l) return;
  l->music = false;
  if (!l->music_playing) return;
  l->music_playing = false;
  media_.push_back({MediaCommand::Kind::stop, id.bits(), {}, {}, 0});
}

// --- responses ---------------------------------------------------------------------------

void B2bua::on_response(Time now, const sip::Event& e) {
  auto it = pending_.find(e.client.slot.bits());
  if (it == pending_.end()) return;
  const Pending p = it->second;
  if (e.message->is_final()) pending_.erase(it);
  if (!legs_.contains(p.leg)) {
    // The leg ended while the request was out: a late 2xx to our INVITE still opens a
    // dialog at the phone, so it gets an ACK and a BYE (§15).
    if (p.purpose == Purpose::invite && e.message->is_success()) {
      const sip::Message* request = layer_.request(e.client);
      if (request) {
        const sip::DialogId d = dialogs_.create_uac(*request, *e.message);
        if (d) {
          const auto cseq = request->cseq();
          dialogs_.make_ack(d, cseq ? cseq->number : 1, scratch2_);
          add_ack_via(scratch2_, e.peer);
          layer_.send_ack(now, e.client, scratch2_, e.peer);
          dialogs_.make_request(d, sip::Method::bye, scratch2_);
          layer_.send_request(now, scratch2_, e.peer);
          dialogs_.erase(d);
        }
      }
    }
    return;
  }
  switch (p.purpose) {
    case Purpose::invite: return on_invite_response(now, p.leg, *e.message);
    case Purpose::reinvite: return on_reinvite_response(now, p.leg, *e.message);
    case Purpose::bye:
    case Purpose::notify:
    case Purpose::message:
    case Purpose::other: return;
  }
}

void B2bua::on_invite_response(Time now, SlotId id, const sip::Message& m) {
  Leg* l = leg(id);
  const int status = m.status();
  if (status == 100) return;
  const sip::ClientTransactionId ct = l->invite_client;
  const sip::Message* request = layer_.request(ct);
  if (status < 200) {
    if (request && !m.to_tag().empty() && !l->dialog) {
      l->dialog = dialogs_.on_uac_response(*request, m);
      if (l->dialog) leg_by_dialog_[l->dialog.slot.bits()] = id;
    }
    if (l->state == LegState::inviting) l->state = LegState::early;
    if (l->kind == LegKind::callee)
      if (Leg* caller = leg(l->other); caller && caller->invite_server && caller->state == LegState::inviting)
        answer(now, l->other, 180, nullptr);  // the callee's phone rings: so does the caller's
    return;
  }
  if (status < 300) {
    if (request && !l->dialog) {
      l->dialog = dialogs_.on_uac_response(*request, m);
      if (l->dialog) leg_by_dialog_[l->dialog.slot.bits()] = id;
    } else if (request) {
      // A 2xx from another fork than the 180 ends the early dialog (§13.2.2.4): follow it.
      const sip::DialogId d = dialogs_.on_uac_response(*request, m);
      if (d && !(d.slot == l->dialog.slot)) {
        leg_by_dialog_.erase(l->dialog.slot.bits());
        l->dialog = d;
        leg_by_dialog_[d.slot.bits()] = id;
      }
    }
    sip::SessionDescription answer_sdp;
    const bool has_sdp = !m.body().empty() && sip::parse_sdp(m.body(), answer_sdp);
    if (l->dialog) {
      dialogs_.make_ack(l->dialog, l->invite_cseq, scratch2_);
      add_ack_via(scratch2_, l->peer);
      layer_.send_ack(now, ct, scratch2_, l->peer);
    }
    l = leg(id);
    l->invite_client = {};
    if (has_sdp) l->remote_sdp = std::move(answer_sdp), l->has_remote_sdp = true;
    const bool was_cancelled = l->state == LegState::ending;
    l->state = LegState::confirmed;
    if (was_cancelled || !l->dialog) return hang_up(now, id);  // the CANCEL lost the race
    switch (l->kind) {
      case LegKind::callee: {
        const SlotId caller_id = l->other;
        Leg* caller = leg(caller_id);
        if (!caller || !caller->invite_server) return hang_up(now, id);  // another fork won
        std::erase(caller->forks, id);
        cancel_forks(now, caller_id, "SIP;cause=200;text=\"Call completed elsewhere\"");
        bridge(caller_id, id);
        caller = leg(caller_id);
        if (caller->ringing_in_engine) {
          caller->ringing_in_engine = false;
          engine_.handle(engine_now(now), CallAnswered{caller_id.bits()});
        }
        const sip::SessionDescription to_caller = relayed(leg(id)->remote_sdp, caller->origin);
        answer(now, caller_id, 200, &to_caller);
        return;
      }
      case LegKind::ringback:
      case LegKind::fallback: {
        // The first phone to answer takes the call; the others stop ringing.
        std::vector<SlotId> others;
        legs_of_park(l->park, l->kind, others);
        for (SlotId o : others)
          if (o != id) cancel_leg(now, o, "SIP;cause=200;text=\"Call completed elsewhere\"");
        const ParkId park = leg(id)->park;
        if (leg(id)->kind == LegKind::ringback) engine_.handle(engine_now(now), RingbackAnswered{park});
        else engine_.handle(engine_now(now), FallbackAnswered{park});
        return;
      }
      case LegKind::inbound: return;
    }
    return;
  }
  // A final failure: this phone will not answer.
  const LegKind kind = l->kind;
  const ParkId park = l->park;
  const SlotId caller_id = l->other;
  const bool cancelled = l->state == LegState::ending;
  end_leg(now, id);
  if (kind == LegKind::callee) {
    Leg* caller = leg(caller_id);
    if (!caller || !caller->invite_server || cancelled) return;
    caller->best_failure = caller->best_failure == 0 ? status : std::min(caller->best_failure, status);
    if (!caller->forks.empty()) return;
    // Every phone refused (busy, declined, unreachable): so does the call.
    if (caller->ringing_in_engine) {
      caller->ringing_in_engine = false;
      engine_.handle(engine_now(now), CallEnded{caller_id.bits()});
    }
    const int to_caller = caller->best_failure == 487 ? 480 : caller->best_failure;
    answer(now, caller_id, to_caller, nullptr, "every phone of the callee refused the call");
    return;
  }
  if (kind == LegKind::ringback || kind == LegKind::fallback) {
    if (cancelled) return;
    std::vector<SlotId> others;
    legs_of_park(park, kind, others);
    if (!others.empty()) return;
    if (kind == LegKind::ringback) engine_.handle(engine_now(now), RingbackUnanswered{park});
    else engine_.handle(engine_now(now), FallbackUnanswered{park});
  }
}

void B2bua::on_reinvite_response(Time now, SlotId id, const sip::Message& m) {
  Leg* l = leg(id);
  const int status = m.status();
  if (status < 200) return;
  const Reinvite why = l->reinvite;
  const SlotId for_leg = l->reinvite_for;
  const sip::ServerTransactionId relay = l->relay_server;
  const sip::ClientTransactionId ct = l->reinvite_client;
  l->reinvite = Reinvite::none;
  l->reinvite_client = {};
  l->reinvite_for = {};
  l->relay_server = {};
  if (status < 300) {
    dialogs_.on_target_refresh_response(l->dialog, m);
    dialogs_.make_ack(l->dialog, l->invite_cseq, scratch2_);
    add_ack_via(scratch2_, l->peer);
    layer_.send_ack(now, ct, scratch2_, l->peer);
    l = leg(id);
    sip::SessionDescription answer_sdp;
    if (!m.body().empty() && sip::parse_sdp(m.body(), answer_sdp))
      l->remote_sdp = std::move(answer_sdp), l->has_remote_sdp = true;
    switch (why) {
      case Reinvite::hold: start_music(id); return;
      case Reinvite::connect: {
        // The parked party now sends to the retriever (S3). A retriever still waiting
        // on its INVITE gets the parked party's media as its answer.
        Leg* other = leg(for_leg);
        if (!other) return hang_up(now, id);
        bridge(id, for_leg);
        if (other->invite_server) {
          const sip::SessionDescription to_other = relayed(leg(id)->remote_sdp, other->origin);
          answer(now, for_leg, 200, &to_other);
        }
        return;
      }
      case Reinvite::relay: {
        Leg* other = leg(for_leg);
        if (!other || !relay) return;
        const sip::Message* request = layer_.request(relay);
        if (!request) return;
        sip::make_response(*request, 200, {}, {}, scratch_);
        scratch_.add(sip::HeaderKind::contact, contact_for(other->peer));
        const sip::SessionDescription to_other = relayed(leg(id)->remote_sdp, other->origin);
        body_.clear();
        sip::serialize_sdp(to_other, body_);
        scratch_.set_body(body_, "application/sdp");
        layer_.send_response(now, relay, scratch_);
        return;
      }
      case Reinvite::none: return;
    }
    return;
  }
  // §14.1: 491 is glare; the RFC's wait before trying again is 2.1 to 4 s (we hold on).
  if (status == 491 && why == Reinvite::hold) {
    l->hold_wanted = true;
    schedule(now + std::chrono::milliseconds(2100 + std::int64_t(layer_.ids().next() % 1900)),
             TimerKind::retry_reinvite, id);
    return;
  }
  if (why == Reinvite::relay && relay) {
    if (const sip::Message* request = layer_.request(relay)) {
      sip::make_response(*request, status == 491 ? 491 : 488, {}, {}, scratch_);
      layer_.send_response(now, relay, scratch_);
    }
    return;
  }
  if (why == Reinvite::connect) {
    // The parked party could not be connected: the retriever gets an error, both end.
    if (Leg* other = leg(for_leg); other && other->invite_server)
      answer(now, for_leg, 480, nullptr, "the parked party could not be connected");
    else hang_up(now, for_leg);
    return hang_up(now, id);
  }
  if (status == 408 || status == 481) hang_up(now, id);  // the dialog is gone at the phone
}

void B2bua::on_failure(Time now, const sip::Event& e) {
  if (e.client) {
    auto it = pending_.find(e.client.slot.bits());
    if (it == pending_.end()) return;
    const Pending p = it->second;
    pending_.erase(it);
    Leg* l = leg(p.leg);
    if (!l) return;
    if (p.purpose == Purpose::invite) {
      // Timer B or a transport error: as if the phone answered 408.
      sip::Message timeout;
      timeout.set_status_line(408);
      on_invite_response(now, p.leg, timeout);
    } else if (p.purpose == Purpose::reinvite) {
      sip::Message timeout;
      timeout.set_status_line(408);
      on_reinvite_response(now, p.leg, timeout);
    }
    return;
  }
  if (e.server) {
    // Timer H (no ACK for our failure answer) needs nothing; a 2xx never ACKed means the
    // phone is gone (§13.3.1.4): BYE it.
    if (e.kind != sip::EventKind::ack_timeout) return;
    std::vector<SlotId> unacked;
    legs_.for_each([&](SlotId id, const Leg& l) {
      if (l.kind == LegKind::inbound && l.state == LegState::confirmed && e.message &&
          l.call_id == e.message->call_id())
        unacked.push_back(id);
    });
    for (SlotId id : unacked) hang_up(now, id);
  }
}

// --- the engine's connects ---------------------------------------------------------------

void B2bua::connect(Time now, const Connect& c) {
  const SlotId parked = leg_of_call(c.call);
  Leg* a = leg(parked);
  if (!a) return;
  SlotId to;
  if (c.peer_call != 0) {
    to = leg_of_call(c.peer_call);  // the retriever's INVITE (P3)
  } else {
    // The ringback (P5) or fallback (P6) phone that answered.
    std::vector<SlotId> rung;
    legs_of_park(a->park, c.peer_uri.empty() ? LegKind::ringback : LegKind::fallback, rung);
    for (SlotId r : rung)
      if (leg(r)->state == LegState::confirmed) to = r;
  }
  Leg* b = leg(to);
  if (!b) return hang_up(now, parked);
  stop_music(parked);
  a = leg(parked);
  a->parked = false;
  a->hold_wanted = false;
  log(LogEvent::Level::info, "connect", {{"parked", a->party}, {"to", b->party}});
  if (b->kind != LegKind::inbound) bridge(parked, to);
  reinvite(now, parked, Reinvite::connect, sip::make_connect_offer(b->remote_sdp, a->origin), to);
}

void B2bua::route_to_pool(Time now, const RouteToPool& r) {
  const SlotId id = leg_of_call(r.call);
  const std::string pool = engine_.pool_name(r.pool);
  const Pool* p = engine_.deployment().data().find_pool(pool);
  sip::Uri uri;
  const std::string address = p ? p->address : std::string();
  if (address.empty() || !sip::parse_uri(address, uri)) {
    log(LogEvent::Level::warn, "route_refused", {{"number", r.number.to_string()}, {"pool", pool},
                                                 {"why", "the owning pool has no address"}});
    return answer(now, id, 404, nullptr, r.number.to_string() + " belongs to pool " + pool + ", which has no address");
  }
  // P9: the owning pool serves it; 302 there, with the same number and park-id.
  std::string number;
  sip::encode(r.number.to_string(), "*", number);
  std::string target = "<sip:" + number + "@" + std::string(uri.host);
  if (uri.has_port()) target += ":" + std::to_string(uri.port);
  if (!uri.params.empty()) target += ";" + std::string(uri.params.raw());
  if (r.park_id != 0) target += ";park-id=" + std::to_string(r.park_id);
  target += ">";
  log(LogEvent::Level::info, "route", {{"number", r.number.to_string()}, {"pool", pool}, {"to", target}});
  Leg* l = leg(id);
  if (!l || !l->invite_server) return;
  const sip::ServerTransactionId st = l->invite_server;
  const sip::Message* request = layer_.request(st);
  if (!request) return;
  sip::make_response(*request, 302, {}, l->local_tag, scratch_);
  scratch_.add(sip::HeaderKind::contact, target);
  layer_.send_response(now, st, scratch_);
  leg_by_invite_.erase(st.slot.bits());
  l->invite_server = {};
  end_leg(now, id);
}

void B2bua::picked_up(Time now, const CallPickedUp& p) {
  const SlotId caller_id = leg_of_call(p.call), picker_id = leg_of_call(p.picker_call);
  Leg* caller = leg(caller_id);
  Leg* picker = leg(picker_id);
  const std::string picker_name = engine_.user_name(p.picker);
  log(LogEvent::Level::info, "picked_up", {{"caller", caller ? caller->party : ""}, {"callee", engine_.user_name(p.callee)},
                                           {"by", picker_name}});
  if (!caller || !picker) {
    if (picker) answer(now, picker_id, 480, nullptr, "the call was gone");
    return;
  }
  caller->ringing_in_engine = false;
  // S6: the callee's phones stop ringing, told why (RFC 3326).
  cancel_forks(now, caller_id, "SIP;cause=200;text=\"Picked up by " + picker_name + "\"");
  caller = leg(caller_id);
  picker = leg(picker_id);
  // Each side gets an answer to its own offer that points at the other's media.
  sip::SessionDescription to_caller, to_picker;
  ++caller->origin.version;
  ++picker->origin.version;
  const bool ok =
      sip::make_answer(caller->remote_sdp, {audio_address(picker->remote_sdp), audio_port(picker->remote_sdp), false},
                       caller->origin, to_caller) &&
      sip::make_answer(picker->remote_sdp, {audio_address(caller->remote_sdp), audio_port(caller->remote_sdp), false},
                       picker->origin, to_picker);
  if (!ok) {
    answer(now, picker_id, 488, nullptr, "no codec in common with the call");
    answer(now, caller_id, 480, nullptr, "the call could not be picked up");
    return;
  }
  bridge(caller_id, picker_id);
  answer(now, caller_id, 200, &to_caller);
  answer(now, picker_id, 200, &to_picker);
  // G5: the callee learns who took the call.
  const std::string who = caller ? (caller->display.empty() ? caller->party : caller->display) : std::string();
  send_message(now, p.callee, "Your call from " + who + " was picked up by " + picker_name + ".",
               "picked-up;by=" + quoted(picker_name));
}

void B2bua::forward_no_answer(Time now, const ForwardNoAnswer& f) {
  const SlotId id = leg_of_call(f.call);
  Leg* l = leg(id);
  if (!l) return;
  l->ringing_in_engine = false;
  cancel_forks(now, id, "SIP;cause=480;text=\"No answer\"");
  log(LogEvent::Level::info, "no_answer", {{"caller", l->party}, {"callee", engine_.user_name(f.callee)},
                                           {"target", f.target}});
  // G8: the callee's own no-answer target; "voicemail" needs a voicemail server, which
  // is not cpark's to provide: the caller hears the call was not answered.
  if (f.target != "voicemail") {
    auto forks = ring_uri(now, LegKind::callee, f.target, l->party, l->display, l->remote_sdp);
    l = leg(id);  // ring_uri made legs: look ours up again
    l->forks = forks;
    for (SlotId fork : forks) leg(fork)->other = id;
    if (!forks.empty()) return;
  }
  answer(now, id, 480, nullptr, "nobody answered and no voicemail server is configured");
}

// --- SIP statuses for the engine's refusals ----------------------------------------------

int B2bua::park_status(const Diagnostic& d) {
  switch (d.code) {
    case 35002: return 503;  // no more available orbits
    case 35101: return 486;  // the directed orbit is busy
    case 35102: return 404;  // not an orbit of this pool
    default: return 403;     // not enabled, unknown parker, double park, pool without the feature
  }
}

int B2bua::retrieve_status(const Diagnostic& d) {
  switch (d.code) {
    case 35000: return 404;  // orbit not found
    case 35010: return 410;  // the orbit holds another park than the park-id asked for
    default: return 403;     // outside the enterprise, not enabled
  }
}

int B2bua::pickup_status(const Diagnostic& d) {
  switch (d.code) {
    case 35103: return 480;  // nothing to pick up
    case 35105: return 404;  // not a group number
    default: return 403;
  }
}

std::string B2bua::reason_phrase(int status) {
  scratch2_.clear();
  scratch2_.set_status_line(status);
  return std::string(scratch2_.reason_phrase());
}

}  // namespace cpark::server

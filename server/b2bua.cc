#include "server/b2bua.h"

#include <algorithm>

#include "engine/identity.h"

namespace cpark::server {

namespace {

template <class... F> struct overload : F... { using F::operator()...; };
template <class... F> overload(F...) -> overload<F...>;


}  // namespace

B2bua::B2bua(ServerConfig config)
    : config_(std::move(config)),
      layer_([&] {
        sip::TransactionConfig c = config_.sip;
        c.via_host = config_.advertised_host;
        c.via_port = config_.advertised_port;
        c.warning_agent = config_.user_agent;
        c.seed = config_.seed;
        return c;
      }()),
      engine_(config_.seed ^ 0x9e3779b97f4a7c15ULL, config_.domain) {}

B2bua::~B2bua() = default;

// --- the deployment ----------------------------------------------------------------------

Status B2bua::serve(Time now, DeploymentPtr d, bool force, std::int64_t revision) {
  if (started_ == Time{} && !engine_.shared_deployment()) started_ = now;
  if (!config_.pool.empty() && !d->find_pool(config_.pool))
    return fail("pool \"" + config_.pool + "\" is not in the deployment; give an existing one with --pool");
  Status s = engine_.apply_deployment(engine_now(now), std::move(d), force);
  if (!s) {
    ++admin_refused_;
    log(LogEvent::Level::warn, "admin_change_refused",
        {{"revision", std::to_string(revision)}, {"why", s.message()}});
    return s;
  }
  ++admin_applied_;
  revision_ = revision;
  // Room for a call in every orbit of the pool (each parked call keeps a leg and its
  // dialog; its parker's leg comes and goes), sized once: a table that doubled under
  // load would move every leg at once, a stall of milliseconds and, for a moment, twice
  // the memory. Unused room is address space only.
  const std::size_t room = 2 * std::size_t(engine_.orbit_capacity(served_pool())) + 64;
  legs_.reserve(room);
  // The dialog bound (20,000 by default, a guard against floods) grows with the orbits:
  // a pool of 30,000 orbits must be able to hold 30,000 parked calls.
  dialogs_.set_max_dialogs(std::max(sip::DialogLimits{}.max_dialogs, room));
  dialogs_.reserve(room);
  leg_by_dialog_.reserve(room);
  pump(now);  // forced changes end parks: their outputs go out now
  return s;
}

Status B2bua::check(Time now, const DeploymentPtr& d) const {
  if (!config_.pool.empty() && !d->find_pool(config_.pool))
    return fail("the change removes pool \"" + config_.pool + "\", which this server serves");
  return engine_.check_deployment(engine_now(now), d);
}

PoolId B2bua::served_pool() const {
  if (!config_.pool.empty())
    if (auto p = engine_.pool_id(config_.pool)) return *p;
  return 0;
}

std::string B2bua::user_aor(UserId u) const { return sip_uri_of(engine_.user_name(u), config_.domain); }

std::string B2bua::shown_name(const Leg& l) const {
  // A callee's leg has no display name of its own (we called it): its user name is.
  if (!l.display.empty()) return l.display;
  if (l.user != kNoUser) return engine_.user_name(l.user);
  return l.party;
}

// --- the pump ----------------------------------------------------------------------------

void B2bua::receive(Time now, const sip::Address& source, std::string_view bytes) {
  layer_.receive(now, source, bytes);
  pump(now);
}

void B2bua::report_transport_error(Time now, sip::ClientTransactionId c, sip::ServerTransactionId s) {
  layer_.report_transport_error(now, c, s);
  pump(now);
}

void B2bua::handle_timeout(Time now) {
  layer_.handle_timeout(now);
  engine_.handle_timeout(engine_now(now));
  while (!timers_.empty() && timers_.top().at <= now) {
    const Timer t = timers_.top();
    timers_.pop();
    Leg* l = leg(t.leg);
    switch (t.kind) {
      case TimerKind::parker_hangup:
        // A parker whose phone did not end its leg after the park (S2): hang it up.
        if (l && l->hangup_at != Time{} && l->hangup_at <= now) hang_up(now, t.leg);
        break;
      case TimerKind::retry_reinvite:
        if (l && l->hold_wanted) hold_after_outputs_.push_back(t.leg);
        break;
      case TimerKind::housekeeping: registrar_.expire(now); break;
    }
  }
  pump(now);
}

std::optional<Time> B2bua::next_deadline() const {
  std::optional<Time> d = layer_.next_deadline();
  auto earliest = [&](std::optional<Time> t) {
    if (t && (!d || *t < *d)) d = t;
  };
  if (auto e = engine_.next_deadline()) earliest(real_time(*e));
  if (!timers_.empty()) earliest(timers_.top().at);
  return d;
}

void B2bua::schedule(Time at, TimerKind kind, SlotId leg) { timers_.push(Timer{at, kind, leg}); }

// Everything an input set in motion: the layer's events, the engine's outputs, and the
// re-INVITEs that wait until a drain is complete (a park's hold needs both of the
// engine's outputs, OrbitAssigned and StartMusicOnHold, to know which SDP to send).
void B2bua::pump(Time now) {
  for (int round = 0; round < 64; ++round) {
    bool any = false;
    while (auto e = layer_.poll_event()) {
      any = true;
      switch (e->kind) {
        case sip::EventKind::request_received: on_request(now, *e); break;
        case sip::EventKind::response_received: on_response(now, *e); break;
        case sip::EventKind::ack_received: on_ack(now, *e); break;
        case sip::EventKind::cancel_received: on_cancel(now, e->server); break;
        case sip::EventKind::no_final_response:
          // Server side: an INVITE nobody answered for Timer C's three minutes, which the
          // layer has answered 408. Client side: the layer CANCELled a ringing INVITE of
          // ours; its 487 arrives as a response like any other.
          if (e->server) give_up_inbound(now, e->server, "SIP;cause=408;text=\"No final response\"", 0);
          break;
        case sip::EventKind::transaction_timeout:
        case sip::EventKind::transport_error:
        case sip::EventKind::ack_timeout: on_failure(now, *e); break;
      }
    }
    if (engine_.has_output()) {
      any = true;
      engine_.drain([&](const Output& o) { on_output(now, o); });
    }
    if (!hold_after_outputs_.empty()) {
      any = true;
      after_outputs(now);
    }
    if (!any) return;
  }
}

// --- engine outputs ----------------------------------------------------------------------

void B2bua::on_output(Time now, const Output& out) {
  std::visit(
      overload{
          [&](const OrbitAssigned& a) {
            Leg* l = leg(leg_of_call(a.call));
            const std::string orbit = a.orbit.to_string();
            log(LogEvent::Level::info, "park",
                {{"orbit", orbit}, {"pool", pool_name(a.pool)}, {"parker", engine_.user_name(a.parker)},
                 {"parked", l ? l->party : ""}, {"park_id", std::to_string(a.park)}});
            if (!l) return;
            l->parked = true;
            l->park = a.park;
            l->hold_wanted = true;  // music or plain hold, once the drain has said which
            hold_after_outputs_.push_back(leg_of_call(a.call));
            // S2: the NOTIFY carries the orbit and the park's identity (P4 safe retrieve).
            if (auto r = referrals_.find(a.call); r != referrals_.end()) {
              const std::string frag = "SIP/2.0 200 OK\r\nContact: <sip:" + orbit + "@" + config_.domain +
                                       ";park-id=" + std::to_string(a.park) + ">\r\n";
              notify_park(now, r->second.referrer, r->second.event_id, frag);
              if (Leg* parker = leg(r->second.referrer)) {
                // The parker's leg is done with (RFC 5589): it should hang up; if not, we do.
                parker->hangup_at = now + config_.parker_hangup_grace;
                schedule(parker->hangup_at, TimerKind::parker_hangup, r->second.referrer);
                if (parker->other == leg_of_call(a.call)) parker->other = {};
              }
              l->other = {};
              referrals_.erase(r);
            }
          },
          [&](const ParkRejected& r) {
            const SlotId parked = leg_of_call(r.call);
            log(LogEvent::Level::info, "park_refused",
                {{"parker", engine_.user_name(r.parker)}, {"diagnostic", std::to_string(r.diagnostic.code)},
                 {"reason", r.diagnostic.text}});
            ++refused_;
            if (auto ref = referrals_.find(r.call); ref != referrals_.end()) {
              // P2: the call stays with the parker, untouched; the NOTIFY says why.
              const int status = park_status(r.diagnostic);
              const std::string frag = "SIP/2.0 " + std::to_string(status) + " " + reason_phrase(status) +
                                       "\r\nWarning: 399 " + config_.user_agent + " \"" +
                                       std::to_string(r.diagnostic.code) + " " + r.diagnostic.text + "\"\r\n";
              notify_park(now, ref->second.referrer, ref->second.event_id, frag);
              referrals_.erase(ref);
            } else if (Leg* l = leg(parked); l && l->invite_server) {
              answer(now, parked, park_status(r.diagnostic), nullptr, {}, &r.diagnostic);
            }
          },
          [&](const StartMusicOnHold& m) {
            if (Leg* l = leg(leg_of_call(m.call))) l->music = true;  // played once the hold is answered
          },
          [&](const StopMusicOnHold& m) { stop_music(leg_of_call(m.call)); },
          [&](const RingParker& r) {
            Leg* parked = leg(leg_of_call(r.call));
            log(LogEvent::Level::info, "ringback",
                {{"park_id", std::to_string(r.park)}, {"parker", engine_.user_name(r.parker)},
                 {"attempt", std::to_string(r.attempt)}});
            if (!parked) return;
            // S4: the parker's phones ring, showing the parked party as the caller.
            auto rung = ring_user(now, LegKind::ringback, r.parker, parked->party, "Parked: " + shown_name(*parked),
                                  parked->remote_sdp);
            for (SlotId id : rung) leg(id)->park = r.park;
            if (rung.empty()) engine_.handle(engine_now(now), RingbackUnanswered{r.park});  // nowhere to ring
          },
          [&](const StopRingback& s) {
            std::vector<SlotId> rung;
            legs_of_park(s.park, LegKind::ringback, rung);
            for (SlotId id : rung) cancel_leg(now, id, "SIP;cause=487;text=\"Ringback ended\"");
          },
          [&](const RingFallback& f) {
            Leg* parked = leg(leg_of_call(f.call));
            log(LogEvent::Level::info, "fallback", {{"park_id", std::to_string(f.park)}, {"to", f.uri}});
            if (!parked) return;
            auto rung = ring_uri(now, LegKind::fallback, f.uri, parked->party, "Parked: " + shown_name(*parked),
                                 parked->remote_sdp);
            for (SlotId id : rung) leg(id)->park = f.park;
            if (rung.empty()) engine_.handle(engine_now(now), FallbackUnanswered{f.park});
          },
          [&](const StopFallback& s) {
            std::vector<SlotId> rung;
            legs_of_park(s.park, LegKind::fallback, rung);
            for (SlotId id : rung) cancel_leg(now, id, "SIP;cause=487;text=\"Fallback ended\"");
          },
          [&](const Connect& c) { connect(now, c); },
          [&](const Disconnect& d) {
            const SlotId id = leg_of_call(d.call);
            stop_music(id);
            if (Leg* l = leg(id)) {
              l->parked = false;
              hang_up(now, id, &d.diagnostic);
            }
          },
          [&](const ParkEnded& e) {
            Leg* l = leg(leg_of_call(e.call));
            const std::string by = e.by == kNoUser ? std::string() : engine_.user_name(e.by);
            log(LogEvent::Level::info, "park_ended",
                {{"park_id", std::to_string(e.park)}, {"orbit", e.orbit.to_string()}, {"reason", to_string(e.reason)},
                 {"by", by}, {"parker", engine_.user_name(e.parker)}});
            if (l && e.reason != EndReason::Fallback) l->parked = false;
            // S5 / P8: the parker learns how the park ended.
            const std::string who = l ? shown_name(*l) : std::string("your parked call");
            std::string text;
            switch (e.reason) {
              case EndReason::Retrieved: text = "Your parked call with " + who + " on orbit " + e.orbit.to_string() + " was retrieved" + (by.empty() ? "" : " by " + by) + "."; break;
              case EndReason::Ringback: text = "You answered the ringback of your parked call with " + who + "."; break;
              case EndReason::Fallback: text = "Your parked call with " + who + " on orbit " + e.orbit.to_string() + " was not retrieved and went to the fallback destination."; break;
              case EndReason::Abandoned: text = who + " hung up while parked on orbit " + e.orbit.to_string() + "."; break;
              case EndReason::Disconnected: text = "Your parked call with " + who + " on orbit " + e.orbit.to_string() + " was not retrieved and was disconnected."; break;
            }
            send_message(now, e.parker, text, std::string("cpark;reason=") + to_string(e.reason) + ";orbit=\"" +
                                                  e.orbit.to_string() + "\";park-id=" + std::to_string(e.park));
          },
          [&](const RetrieveRejected& r) {
            ++refused_;
            log(LogEvent::Level::info, "retrieve_refused",
                {{"diagnostic", std::to_string(r.diagnostic.code)}, {"reason", r.diagnostic.text}});
            answer(now, leg_of_call(r.call), retrieve_status(r.diagnostic), nullptr, {}, &r.diagnostic);
          },
          [&](const RouteToPool& r) { route_to_pool(now, r); },
          [&](const CallPickedUp& p) { picked_up(now, p); },
          [&](const PickupRejected& r) {
            ++refused_;
            log(LogEvent::Level::info, "pickup_refused",
                {{"diagnostic", std::to_string(r.diagnostic.code)}, {"reason", r.diagnostic.text}});
            answer(now, leg_of_call(r.call), pickup_status(r.diagnostic), nullptr, {}, &r.diagnostic);
          },
          [&](const ForwardNoAnswer& f) { forward_no_answer(now, f); },
      },
      out);
}

// After a drain: parks put their party on hold, with the pool's music (C4) or plainly.
void B2bua::after_outputs(Time now) {
  std::vector<SlotId> todo;
  todo.swap(hold_after_outputs_);
  for (SlotId id : todo) {
    Leg* l = leg(id);
    if (!l || !l->parked || !l->hold_wanted) continue;
    if (l->reinvite != Reinvite::none) {  // another re-INVITE is under way: try again soon
      schedule(now + std::chrono::milliseconds(500), TimerKind::retry_reinvite, id);
      continue;
    }
    l->hold_wanted = false;
    if (l->invite_server) {
      // Parked by INVITE (RFC 5359 §2.15): the answer to its INVITE is the hold.
      sip::SessionDescription sdp;
      if (l->music) sdp = sip::make_music_on_hold_offer(music_endpoint(), l->origin);
      else sdp = sip::make_hold_offer(relayed(l->remote_sdp, l->origin));
      answer_with_hold(now, id, sdp);
      continue;
    }
    sip::SessionDescription sdp = l->music ? sip::make_music_on_hold_offer(music_endpoint(), l->origin)
                                           : sip::make_hold_offer(relayed(l->remote_sdp, l->origin));
    reinvite(now, id, Reinvite::hold, sdp);
  }
}

// --- operators ---------------------------------------------------------------------------

void B2bua::log(LogEvent::Level level, std::string name, std::vector<std::pair<std::string, std::string>> fields) {
  if (!log_) return;
  LogEvent e;
  e.level = level;
  e.name = std::move(name);
  e.fields = std::move(fields);
  log_(e);
}

std::optional<MediaCommand> B2bua::poll_media() {
  if (media_head_ == media_.size()) {
    media_.clear();
    media_head_ = 0;
    return std::nullopt;
  }
  return std::move(media_[media_head_++]);
}

MetricsSnapshot B2bua::metrics(Time now) {
  MetricsSnapshot m;
  m.engine = engine_.counters();
  m.sip = layer_.counters();
  if (engine_.shared_deployment()) {
    const ValidatedDeployment& d = engine_.deployment();
    for (std::uint32_t i = 0; i < d.pool_count(); ++i) {
      auto id = engine_.pool_id(d.pool(i).name);
      if (!id) continue;
      m.pools.push_back({d.pool(i).name, engine_.orbit_capacity(*id), engine_.busy_orbits(*id)});
    }
  }
  registrar_.expire(now);
  m.registrations = registrar_.users();
  m.bindings = registrar_.bindings_count();
  legs_.for_each([&](SlotId, const Leg& l) {
    if (l.state != LegState::ending) ++m.active_calls;
    if (l.state == LegState::inviting || l.state == LegState::early) ++m.ringing_calls;
    if (l.music) ++m.moh_streams;
  });
  m.requests_refused = refused_;
  m.auth_challenges = auth_challenges_;
  m.auth_failures = auth_failures_;
  m.store_revision = revision_;
  m.admin_changes_applied = admin_applied_;
  m.admin_changes_refused = admin_refused_;
  m.uptime_seconds = std::chrono::duration<double>(now - started_).count();
  m.draining = draining_;
  return m;
}

std::vector<ParkedCallRow> B2bua::parked(Time now) const {
  std::vector<ParkedCallRow> rows;
  for (const ParkView& p : engine_.parked_calls()) {
    ParkedCallRow r;
    r.orbit = p.orbit.to_string();
    r.pool = engine_.pool_name(p.pool);
    r.park_id = p.park;
    const Leg* l = legs_.find(leg_of_call(p.call));
    r.parked_party = l ? l->party : std::string();
    r.parker = engine_.user_name(p.parker);
    r.parked_seconds = std::chrono::duration<double>(engine_now(now) - p.parked_at).count();
    r.attempts = p.attempts;
    r.ringing_back = p.ringing_back;
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.park_id < b.park_id; });
  return rows;
}

void B2bua::fill_status(Time now, ServerStatus& s) {
  const MetricsSnapshot m = metrics(now);
  s.domain = config_.domain;
  s.pool = engine_.shared_deployment() ? engine_.pool_name(served_pool()) : config_.pool;
  s.uptime_seconds = m.uptime_seconds;
  s.store_revision = revision_;
  s.draining = draining_;
  s.require_auth = config_.require_auth;
  s.registrations = m.registrations;
  s.bindings = m.bindings;
  s.active_calls = m.active_calls;
  s.parked_calls = engine_.active_parks();
  s.ringing_calls = m.ringing_calls;
}

// --- shutdown ----------------------------------------------------------------------------

void B2bua::begin_drain(Time now) {
  if (draining_) return;
  draining_ = true;
  log(LogEvent::Level::info, "drain", {{"parked", std::to_string(engine_.active_parks())},
                                       {"calls", std::to_string(legs_.size())}});
  engine_.end_all_parks(engine_now(now), diag::kServerShuttingDown);
  pump(now);
}

bool B2bua::drained() const { return engine_.active_parks() == 0 && legs_.empty(); }

void B2bua::end_all(Time now) {
  std::vector<SlotId> all;
  legs_.for_each([&](SlotId id, const Leg&) { all.push_back(id); });
  for (SlotId id : all) {
    Leg* l = leg(id);
    if (!l) continue;
    if (l->state == LegState::confirmed) hang_up(now, id, &diag::kServerShuttingDown);
    else if (l->invite_server) answer(now, id, 503, nullptr, "Server shutting down");
    else if (l->invite_client) cancel_leg(now, id, "SIP;cause=503;text=\"Server shutting down\"");
    else end_leg(now, id);
  }
  pump(now);
}

}  // namespace cpark::server

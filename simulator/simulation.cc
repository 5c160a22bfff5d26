#include "simulator/simulation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "engine/engine.h"
#include "simulator/event_queue.h"

namespace cpark::sim {

std::uint64_t replication_seed(std::uint64_t scenario_seed, std::size_t point, std::size_t rep) {
  std::uint64_t z = scenario_seed * 0x9e3779b97f4a7c15ULL + (std::uint64_t(point) << 32) + rep + 1;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

constexpr SimTime kMs = 1000;
SimTime ms(double seconds) { return SimTime(std::llround(seconds * double(kMs))); }

enum class Kind : std::uint8_t {
  CallArrival, ParkArrival, CalleeAnswers, PickupAttempt, CallerHangsUp, ParkCall, Retrieve,
  RedeliverRetrieve, RedeliverPickup, Abandon, RingbackAnswer, FallbackAnswer, Sample, WarmupEnd, End
};

struct Event {
  Kind kind;
  std::uint32_t who;       // pool, or user for re-delivered requests
  std::uint64_t call;      // a call id, or the park id for answers
  OrbitNumber number{};    // re-delivered requests
};

enum Counter : int {
  k_calls,
  k_calls_to_group_members,
  k_calls_pickable,
  k_calls_answered_by_callee,
  k_calls_picked_up,
  k_calls_to_voicemail,
  k_calls_caller_gave_up,
  k_pickup_attempts,
  k_pickups_nothing_to_pick_up,
  k_pickups_refused,
  k_park_attempts,
  k_parks,
  k_parks_blocked,
  k_parks_refused_other,
  k_ringbacks,
  k_fallback_answered,
  k_fallback_unanswered,
  k_ended_retrieved,
  k_ended_ringback,
  k_ended_fallback,
  k_ended_abandoned,
  k_ended_disconnected,
  k_routed_to_owning_pool,
  k_retrieve_rejected,
  kCounters
};
const char* const kCounterNames[] = {
    "calls",
    "calls_to_group_members",
    "calls_pickable",
    "calls_answered_by_callee",
    "calls_picked_up",
    "calls_to_voicemail",
    "calls_caller_gave_up",
    "pickup_attempts",
    "pickups_nothing_to_pick_up",
    "pickups_refused",
    "park_attempts",
    "parks",
    "parks_blocked",
    "parks_refused_other",
    "ringbacks",
    "fallback_answered",
    "fallback_unanswered",
    "ended_retrieved",
    "ended_ringback",
    "ended_fallback",
    "ended_abandoned",
    "ended_disconnected",
    "routed_to_owning_pool",
    "retrieve_rejected",
};

// A call the phones are handling: ringing, talking before a park, parked, or at fallback.
struct Call {
  std::uint32_t gen = 0;
  bool active = false;
  bool ringing = false;
  PoolId pool = 0;
  UserId callee = kNoUser, answered_by = kNoUser;
  SimTime ring_start = 0, park_start = 0;
  ParkId park = 0;
  OrbitNumber orbit{};
  EventId answer, pickup, hangup, retrieve, abandon;
};

class Simulation {
 public:
  Simulation(const Scenario& s, const Deployment& d, std::uint64_t seed, Progress* progress)
      : s_(s), engine_(seed ^ 0x5eed), rng_(seed), progress_(progress) {
    if (auto r = engine_.apply_deployment(0, d); !r.ok)
      throw std::logic_error("simulation: deployment refused by the engine: " + r.error);  // validated before
    pools_.resize(engine_.pool_count());
    for (auto& p : d.pools) {
      PoolId id = *engine_.pool_id(p.name);
      pools_[id].name = p.name;
      pools_[id].traffic = s.find_traffic(p.name);
      pools_[id].capacity = engine_.orbit_capacity(id);
    }
    for (auto& u : d.users) {
      const UserId id = *engine_.user_id(u.name);
      PoolState& p = pools_[*engine_.pool_id(u.pool)];
      p.users.push_back(id);
      if (d.call_park_enabled_for(u)) p.parkers.push_back(id);
      if (auto g = parse_orbit_number(u.pickup_group)) groups_[g->key()].push_back(id);
      if (user_group_.size() <= id) user_group_.resize(id + 1, 0), user_pool_.resize(id + 1, 0);
      user_group_[id] = u.pickup_group.empty() ? 0 : parse_orbit_number(u.pickup_group)->key();
      user_pool_[id] = *engine_.pool_id(u.pool);
      user_data_.resize(std::max<std::size_t>(user_data_.size(), id + 1));
      user_data_[id] = &u;
    }
    samples_.resize(pools_.size());
  }

  ReplicationResult run() {
    const SimTime warmup = ms(s_.run.warmup), end = warmup + ms(s_.run.duration);
    for (PoolId p = 0; p < pools_.size(); ++p) {
      if (const Traffic* t = pools_[p].traffic) {
        if (t->calls_per_hour > 0) schedule_arrival(Kind::CallArrival, p, t->calls_per_hour);
        if (t->parks_per_hour > 0) schedule_arrival(Kind::ParkArrival, p, t->parks_per_hour);
      }
    }
    q_.schedule(0, {Kind::Sample, 0, 0});
    q_.schedule(warmup, {Kind::WarmupEnd, 0, 0});
    q_.schedule(end, {Kind::End, 0, 0});
    if (warmup == 0) start_measuring(0);
    std::uint64_t events = 0;
    bool finished = false;
    for (;;) {
      const auto tq = q_.next_time();
      const auto te = engine_.next_deadline();
      if (te && (!tq || *te <= *tq)) {
        q_.advance_to(*te);
        engine_.handle_timeout(*te);
      } else if (tq) {
        const Event e = *q_.pop();
        if (e.kind == Kind::End) {
          finished = true;
          break;
        }
        handle(e);
      } else {
        break;
      }
      drain_outputs();
      if ((++events & 4095) == 0 && progress_) {
        progress_->events.fetch_add(4096, std::memory_order_relaxed);
        progress_->sim_ms.fetch_add(q_.now() - reported_ms_, std::memory_order_relaxed);
        reported_ms_ = q_.now();
        if (progress_->stop.load(std::memory_order_relaxed)) break;
      }
    }
    if (progress_) {
      progress_->events.fetch_add(events & 4095, std::memory_order_relaxed);
      progress_->sim_ms.fetch_add(q_.now() - reported_ms_, std::memory_order_relaxed);
    }
    return finish(finished, events);
  }

 private:
  struct PoolState {
    std::string name;
    const Traffic* traffic = nullptr;
    std::vector<UserId> users, parkers;
    std::uint32_t capacity = 0, busy = 0, peak = 0;
    double busy_area = 0;  // orbit-milliseconds while measuring
    SimTime busy_since = 0;
    double attempts = 0, blocked = 0, orbit_time_ms = 0, orbit_time_count = 0;
  };

  // ---- calls ----
  std::uint64_t new_call(PoolId pool) {
    std::uint32_t slot;
    if (!free_calls_.empty()) {
      slot = free_calls_.back();
      free_calls_.pop_back();
    } else {
      slot = std::uint32_t(calls_.size());
      calls_.emplace_back();
    }
    Call& c = calls_[slot];
    const std::uint32_t gen = c.gen + 1;
    c = Call{};
    c.gen = gen;
    c.active = true;
    c.pool = pool;
    return (std::uint64_t(gen) << 32) | slot;
  }
  Call* find(std::uint64_t id) {
    const auto slot = std::uint32_t(id);
    if ((id >> 62) || slot >= calls_.size()) return nullptr;
    Call& c = calls_[slot];
    return c.active && c.gen == std::uint32_t(id >> 32) ? &c : nullptr;
  }
  void end_call(std::uint64_t id) {
    Call* c = find(id);
    if (!c) return;
    for (EventId e : {c->answer, c->pickup, c->hangup, c->retrieve, c->abandon}) q_.cancel(e);
    c->active = false;
    free_calls_.push_back(std::uint32_t(id));
  }
  void stop_ringing(Call& c) {
    c.ringing = false;
    q_.cancel(c.answer);
    q_.cancel(c.pickup);
    q_.cancel(c.hangup);
  }
  std::uint64_t side_call() { return (std::uint64_t{1} << 62) | ++side_calls_; }

  UserId pick(const std::vector<UserId>& v) { return v.empty() ? kNoUser : v[rng_.below(std::uint32_t(v.size()))]; }
  bool chance(double p) { return p > 0 && uniform01(rng_) < p; }

  // Poisson arrivals, thinned by the hourly profile when there is one.
  void schedule_arrival(Kind kind, PoolId pool, double per_hour) {
    const Traffic& t = *pools_[pool].traffic;
    double peak = 1;
    if (!t.hourly_profile.empty()) peak = *std::max_element(t.hourly_profile.begin(), t.hourly_profile.end());
    if (peak <= 0) return;
    const double gap = -std::log(uniform01(rng_)) * 3600.0 / (per_hour * peak);
    q_.schedule(q_.now() + std::max<SimTime>(1, ms(gap)), {kind, pool, 0});
  }
  bool accept_by_profile(const Traffic& t) {
    if (t.hourly_profile.empty()) return true;
    const double peak = *std::max_element(t.hourly_profile.begin(), t.hourly_profile.end());
    const auto hour = std::size_t((q_.now() / (3600 * kMs)) % 24);
    return uniform01(rng_) * peak < t.hourly_profile[hour];
  }

  void count(Counter what) {
    if (measuring_) counters_[what] += 1;
  }
  void request(double n = 1) {  // SIP requests the server sees (D4 request rate)
    if (!measuring_) return;
    requests_ += n;
    const SimTime window = q_.now() / (60 * kMs);
    if (window != window_) {
      peak_window_ = std::max(peak_window_, window_requests_);
      window_ = window;
      window_requests_ = 0;
    }
    window_requests_ += n;
  }
  void busy_change(PoolId p, int delta) {
    PoolState& ps = pools_[p];
    if (measuring_) ps.busy_area += double(ps.busy) * double(q_.now() - ps.busy_since);
    ps.busy_since = q_.now();
    ps.busy = std::uint32_t(int(ps.busy) + delta);
    if (measuring_) ps.peak = std::max(ps.peak, ps.busy);
  }
  void start_measuring(SimTime now) {
    measuring_ = true;
    for (auto& p : pools_) p.busy_since = now, p.peak = p.busy;
    window_ = now / (60 * kMs);
  }

  // ---- inputs from the phones ----
  void handle(const Event& e) {
    switch (e.kind) {
      case Kind::CallArrival: return call_arrives(e.who);
      case Kind::ParkArrival: return park_arrives(e.who);
      case Kind::CalleeAnswers: {
        Call* c = find(e.call);
        if (!c || !c->ringing) return;
        stop_ringing(*c);
        engine_.handle(q_.now(), CallAnswered{e.call});
        request();
        count(k_calls_answered_by_callee);
        c->answered_by = c->callee;
        return maybe_park(e.call, *c);
      }
      case Kind::PickupAttempt: {
        Call* c = find(e.call);
        if (!c || !c->ringing) return;
        c->pickup = {};
        const auto& members = groups_[user_group_[c->callee]];
        UserId picker = kNoUser;
        for (int tries = 0; tries < 4 && (picker == kNoUser || picker == c->callee); ++tries) picker = pick(members);
        if (picker == kNoUser || picker == c->callee) return;
        count(k_pickup_attempts);
        request();
        OrbitNumber group = *parse_orbit_number(user_data_[c->callee]->pickup_group);
        last_requester_ = picker;
        engine_.pickup(q_.now(), {side_call(), Caller{picker}, user_pool_[picker], group});
        return;
      }
      case Kind::CallerHangsUp: {
        Call* c = find(e.call);
        if (!c || !c->ringing) return;
        stop_ringing(*c);
        engine_.handle(q_.now(), CallEnded{e.call});
        request();
        count(k_calls_caller_gave_up);
        return end_call(e.call);
      }
      case Kind::ParkCall: {
        Call* c = find(e.call);
        if (!c) return;
        count(k_park_attempts);
        pools_[user_pool_[c->answered_by]].attempts += measuring_ ? 1 : 0;
        request();
        engine_.park(q_.now(), {e.call, c->answered_by, std::nullopt});
        return;
      }
      case Kind::Retrieve: {
        Call* c = find(e.call);
        if (!c || c->park == 0) return;
        c->retrieve = {};
        const PoolState& ps = pools_[c->pool];
        UserId who = pick(ps.parkers);
        PoolId at = c->pool;
        if (ps.traffic && chance(ps.traffic->retrieve_at_other_pool) && pools_.size() > 1)
          at = PoolId((c->pool + 1 + rng_.below(std::uint32_t(pools_.size() - 1))) % pools_.size());
        request();
        last_requester_ = who;
        engine_.retrieve(q_.now(), {side_call(), Caller{who}, at, c->orbit, 0});
        return;
      }
      case Kind::RedeliverRetrieve:
        request();
        last_requester_ = e.who;
        engine_.retrieve(q_.now(), {side_call(), Caller{e.who}, PoolId(e.call), e.number, 0});
        return;
      case Kind::RedeliverPickup:
        request();
        last_requester_ = e.who;
        engine_.pickup(q_.now(), {side_call(), Caller{e.who}, PoolId(e.call), e.number});
        return;
      case Kind::Abandon: {
        Call* c = find(e.call);
        if (!c || c->park == 0) return;
        c->abandon = {};
        request();
        engine_.handle(q_.now(), PartyHungUp{e.call});
        return;
      }
      case Kind::RingbackAnswer:
        request();
        engine_.handle(q_.now(), RingbackAnswered{e.call});
        return;
      case Kind::FallbackAnswer:
        request();
        engine_.handle(q_.now(), FallbackAnswered{e.call});
        return;
      case Kind::Sample:
        for (PoolId p = 0; p < pools_.size(); ++p) samples_[p].push_back(double(pools_[p].busy));
        q_.schedule(q_.now() + ms(s_.run.sample_interval), {Kind::Sample, 0, 0});
        return;
      case Kind::WarmupEnd: return start_measuring(q_.now());
      case Kind::End: return;
    }
  }

  void call_arrives(PoolId pool) {
    PoolState& ps = pools_[pool];
    const Traffic& t = *ps.traffic;
    schedule_arrival(Kind::CallArrival, pool, t.calls_per_hour);
    if (!accept_by_profile(t) || ps.users.empty()) return;
    const std::uint64_t id = new_call(pool);
    Call& c = *find(id);
    c.callee = pick(ps.users);
    c.ringing = true;
    c.ring_start = q_.now();
    const User& u = *user_data_[c.callee];
    // G6: some calls cannot be picked up, for one of five reasons.
    std::string_view caller = "sip:customer@pstn.invalid", dialed = u.extension;
    RouteKind route = RouteKind::Direct;
    double x = uniform01(rng_);
    const Exclusions& ex = t.excluded;
    bool excluded = true;
    if ((x -= ex.private_line) < 0) dialed = u.private_line;
    else if ((x -= ex.friends_family) < 0) caller = "sip:family@home.invalid";
    else if ((x -= ex.delegate) < 0) route = RouteKind::Delegate;
    else if ((x -= ex.response_group) < 0) route = RouteKind::ResponseGroup;
    else if ((x -= ex.team_call) < 0) route = RouteKind::TeamCall;
    else excluded = false;
    count(k_calls);
    if (user_group_[c.callee]) {
      count(k_calls_to_group_members);
      if (!excluded) count(k_calls_pickable);
    }
    request();
    engine_.handle(q_.now(), CallRinging{id, c.callee, caller, dialed, route, false});
    if (chance(t.callee_answer))
      c.answer = q_.schedule_timeout(q_.now() + ms(t.callee_answer_delay.sample(rng_)), {Kind::CalleeAnswers, 0, id});
    if (user_group_[c.callee] && chance(t.pickup))
      c.pickup = q_.schedule_timeout(q_.now() + ms(t.pickup_delay.sample(rng_)), {Kind::PickupAttempt, 0, id});
    if (t.caller_patience)
      c.hangup = q_.schedule_timeout(q_.now() + ms(t.caller_patience->sample(rng_)), {Kind::CallerHangsUp, 0, id});
  }

  void park_arrives(PoolId pool) {
    PoolState& ps = pools_[pool];
    schedule_arrival(Kind::ParkArrival, pool, ps.traffic->parks_per_hour);
    if (!accept_by_profile(*ps.traffic) || ps.parkers.empty()) return;
    const std::uint64_t id = new_call(pool);
    Call& c = *find(id);
    c.answered_by = pick(ps.parkers);
    handle({Kind::ParkCall, 0, id});
  }

  void maybe_park(std::uint64_t id, Call& c) {
    const Traffic* t = pools_[user_pool_[c.answered_by]].traffic;
    if (t && chance(t->park_share)) {
      q_.schedule(q_.now() + ms(t->talk_before_park.sample(rng_)), {Kind::ParkCall, 0, id});
      return;
    }
    end_call(id);  // talked and hung up: nothing more for the engine
  }

  // ---- outputs of the engine ----
  void drain_outputs() {
    auto& outs = engine_.outputs();
    for (std::size_t i = 0; i < outs.size(); ++i) on_output(outs[i]);
    engine_.clear_outputs();
  }

  void on_output(const Output& out) {
    if (auto* a = std::get_if<OrbitAssigned>(&out)) {
      request();  // NOTIFY with the orbit
      Call* c = find(a->call);
      if (!c) return;
      c->park = a->park;
      c->orbit = a->orbit;
      c->pool = a->pool;
      c->park_start = q_.now();
      busy_change(a->pool, +1);
      count(k_parks);
      const Traffic* t = pools_[a->pool].traffic;
      if (!t) return;
      if (!chance(t->never_retrieved))
        c->retrieve = q_.schedule_timeout(q_.now() + ms(t->retrieval_delay.sample(rng_)), {Kind::Retrieve, 0, a->call});
      if (t->abandon)
        c->abandon = q_.schedule_timeout(q_.now() + ms(t->abandon->sample(rng_)), {Kind::Abandon, 0, a->call});
    } else if (auto* r = std::get_if<ParkRejected>(&out)) {
      if (r->diagnostic.code == diag::kNoMoreOrbits.code) {
        count(k_parks_blocked);
        if (measuring_ && r->parker < user_pool_.size()) pools_[user_pool_[r->parker]].blocked += 1;
      } else {
        count(k_parks_refused_other);
      }
      end_call(r->call);
    } else if (std::get_if<StartMusicOnHold>(&out) || std::get_if<Connect>(&out) || std::get_if<Disconnect>(&out)) {
      request();  // re-INVITE or BYE
      if (auto* d = std::get_if<Disconnect>(&out)) {
        if (d->diagnostic.code == diag::kFallbackUnanswered.code) count(k_fallback_unanswered);
        if (Call* c = find(d->call); c && c->park == 0) end_call(d->call);
      } else if (auto* cn = std::get_if<Connect>(&out); cn && !cn->peer_uri.empty()) {
        count(k_fallback_answered);
        end_call(cn->call);
      }
    } else if (auto* rp = std::get_if<RingParker>(&out)) {
      request();
      count(k_ringbacks);
      const Traffic* t = pools_[user_pool_[rp->parker]].traffic;
      if (t && chance(t->ringback_answer))
        q_.schedule(q_.now() + ms(t->ringback_answer_delay.sample(rng_)), {Kind::RingbackAnswer, 0, rp->park});
    } else if (auto* rf = std::get_if<RingFallback>(&out)) {
      request();
      Call* c = find(rf->call);
      const Traffic* t = c ? pools_[c->pool].traffic : nullptr;
      if (t && chance(t->fallback_answer))
        q_.schedule(q_.now() + ms(t->fallback_answer_delay.sample(rng_)), {Kind::FallbackAnswer, 0, rf->park});
    } else if (auto* e = std::get_if<ParkEnded>(&out)) {
      request();  // MESSAGE to the parker (P8)
      busy_change(e->pool, -1);
      count(Counter(k_ended_retrieved + int(e->reason)));
      Call* c = find(e->call);
      if (!c) return;
      const double held = double(q_.now() - c->park_start);
      if (measuring_) {
        parked_time_.add(held / double(kMs));
        pools_[e->pool].orbit_time_ms += held;
        pools_[e->pool].orbit_time_count += 1;
      }
      q_.cancel(c->retrieve);
      q_.cancel(c->abandon);
      c->park = 0;
      if (e->reason != EndReason::Fallback) end_call(e->call);
    } else if (auto* rt = std::get_if<RouteToPool>(&out)) {
      count(k_routed_to_owning_pool);  // P9: the request goes on to the owning pool
      const OrbitRange* range = engine_.deployment().range_containing(rt->number);
      const Kind again = range && range->type == RangeType::GroupPickup ? Kind::RedeliverPickup : Kind::RedeliverRetrieve;
      q_.schedule(q_.now(), {again, last_requester_, rt->pool, rt->number});
    } else if (auto* pu = std::get_if<CallPickedUp>(&out)) {
      request(2);  // CANCEL of the ringing legs and the MESSAGE to the callee (G5)
      count(k_calls_picked_up);
      Call* c = find(pu->call);
      if (!c) return;
      if (measuring_) time_to_pickup_.add(double(q_.now() - c->ring_start) / double(kMs));
      stop_ringing(*c);
      c->answered_by = pu->picker;
      maybe_park(pu->call, *c);
    } else if (auto* pr = std::get_if<PickupRejected>(&out)) {
      count(pr->diagnostic.code == diag::kNothingToPickUp.code ? k_pickups_nothing_to_pick_up : k_pickups_refused);
    } else if (auto* f = std::get_if<ForwardNoAnswer>(&out)) {
      request();
      count(k_calls_to_voicemail);
      if (Call* c = find(f->call)) stop_ringing(*c);
      end_call(f->call);
    } else if (std::get_if<RetrieveRejected>(&out)) {
      count(k_retrieve_rejected);
    }
  }

  ReplicationResult finish(bool completed, std::uint64_t events) {
    ReplicationResult r;
    r.completed = completed;
    r.events = events;
    for (PoolId p = 0; p < pools_.size(); ++p) busy_change(p, 0);  // close the busy areas
    peak_window_ = std::max(peak_window_, window_requests_);
    const double seconds = s_.run.duration;
    std::map<std::string, double> f;
    for (int i = 0; i < kCounters; ++i) f[kCounterNames[i]] = counters_[i];
    auto share = [&](const char* num, const char* den) { return f[den] > 0 ? f[num] / f[den] : 0.0; };
    const double ended = f["ended_retrieved"] + f["ended_ringback"] + f["ended_fallback"] + f["ended_abandoned"] +
                         f["ended_disconnected"];
    f["parks_ended"] = ended;
    f["park_blocking"] = f["park_attempts"] > 0 ? f["parks_blocked"] / f["park_attempts"] : 0;
    for (const char* reason : {"retrieved", "ringback", "fallback", "abandoned", "disconnected"}) {
      const std::string key = std::string("ended_") + reason;
      f["share_" + std::string(reason)] = ended > 0 ? f[key] / ended : 0;
    }
    f["pickup_answer_share"] = share("calls_picked_up", "calls_to_group_members");
    f["voicemail_share"] = share("calls_to_voicemail", "calls");
    f["request_rate_mean"] = requests_ / seconds;
    f["request_rate_peak"] = peak_window_ / 60.0;
    for (PoolId p = 0; p < pools_.size(); ++p) {
      const PoolState& ps = pools_[p];
      const std::string k = "pool." + ps.name + ".";
      f[k + "orbits"] = ps.capacity;
      f[k + "park_attempts"] = ps.attempts;
      f[k + "parks_blocked"] = ps.blocked;
      f[k + "blocking"] = ps.attempts > 0 ? ps.blocked / ps.attempts : 0;
      f[k + "busy_mean"] = ps.busy_area / (seconds * double(kMs));
      f[k + "busy_peak"] = ps.peak;
      const double mean_hold = ps.orbit_time_count > 0 ? ps.orbit_time_ms / ps.orbit_time_count / double(kMs) : 0;
      f[k + "mean_time_in_orbit"] = mean_hold;
      f[k + "offered_load"] = ps.attempts / seconds * mean_hold;  // Erlang (D5)
    }
    r.figures = std::move(f);
    r.busy_samples = std::move(samples_);
    r.parked_time = parked_time_;
    r.time_to_pickup = time_to_pickup_;
    return r;
  }

  const Scenario& s_;
  Engine engine_;
  Random rng_;
  Progress* progress_;
  EventQueue<Event> q_;
  std::vector<PoolState> pools_;
  std::vector<const User*> user_data_;
  std::vector<std::uint64_t> user_group_;
  std::vector<PoolId> user_pool_;
  std::unordered_map<std::uint64_t, std::vector<UserId>> groups_;
  std::vector<Call> calls_;
  std::vector<std::uint32_t> free_calls_;
  std::uint64_t side_calls_ = 0;
  UserId last_requester_ = kNoUser;  // who sent the request a RouteToPool answers
  double counters_[kCounters] = {};
  std::vector<std::vector<double>> samples_;
  Histogram parked_time_{10, 120}, time_to_pickup_{1, 120};
  bool measuring_ = false;
  double requests_ = 0, window_requests_ = 0, peak_window_ = 0;
  SimTime window_ = 0, reported_ms_ = 0;
};

}  // namespace

ReplicationResult run_replication(const Scenario& s, const Deployment& d, std::uint64_t seed, Progress* progress) {
  Simulation sim(s, d, seed, progress);
  return sim.run();
}

}  // namespace cpark::sim

#include "simulator/simulation.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "common/slot_map.h"
#include "engine/engine.h"
#include "engine/identity.h"
#include "simulator/event_queue.h"

namespace cpark::sim {

namespace {

std::uint64_t mix(std::uint64_t z) {  // splitmix64's finalizer
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t derive_seed(std::uint64_t scenario_seed, SeedPurpose purpose, PointId point, std::uint64_t replication) {
  std::uint64_t h = mix(scenario_seed);
  h = mix(h ^ std::uint64_t(purpose));
  h = mix(h ^ ((std::uint64_t(point.stage) << 32) | point.index));
  return mix(h ^ replication);
}

// Who the synthetic phones call, park for and pick up for. On the first deployment an
// engine serves, a user's id is its index and a pool's id is its index (engine.h), so
// the book can be built once per configuration and used by every replication's engine.
struct PhoneBook {
  DeploymentPtr deployment;
  struct Pool {
    int traffic = -1;                       // index into Scenario::traffic
    std::vector<UserId> users, parkers;
  };
  std::vector<Pool> pools;
  std::vector<std::uint64_t> user_group;    // group key per user, 0 = none
  struct Group {
    OrbitNumber number;
    std::vector<UserId> members;
  };
  std::unordered_map<std::uint64_t, Group> groups;
  std::string domain;                       // the identity domain of the synthetic users
};

std::shared_ptr<const PhoneBook> make_phone_book(const Scenario& s, DeploymentPtr deployment) {
  auto book = std::make_shared<PhoneBook>();
  const ValidatedDeployment& d = *deployment;
  book->pools.resize(d.pool_count());
  for (std::uint32_t p = 0; p < d.pool_count(); ++p)
    for (std::size_t t = 0; t < s.traffic.size(); ++t)
      if (s.traffic[t].pool == d.pool(p).name) book->pools[p].traffic = int(t);
  book->user_group.resize(d.user_count());
  for (UserId u = 0; u < d.user_count(); ++u) {
    const auto& info = d.user_info(u);
    PhoneBook::Pool& pool = book->pools[info.pool];
    pool.users.push_back(u);
    if (info.call_park_enabled) pool.parkers.push_back(u);
    book->user_group[u] = info.group_key;
    if (info.group_key) {
      PhoneBook::Group& g = book->groups[info.group_key];
      if (g.members.empty()) g.number = *parse_orbit_number(d.user(u).pickup_group);
      g.members.push_back(u);
    }
  }
  book->domain = kSimulatedDomain;
  book->deployment = std::move(deployment);
  return book;
}

namespace {

// The simulator's clock counts microseconds, finer than the engine's milliseconds, so
// arrival epochs keep their resolution at high rates (a Poisson stream at 100/s is not
// rounded to whole milliseconds).
using SimTime = std::int64_t;
constexpr SimTime kTicksPerSecond = 1'000'000;
constexpr SimTime kTicksPerMs = kTicksPerSecond / 1000;
SimTime ticks(double seconds) { return SimTime(std::llround(seconds * double(kTicksPerSecond))); }
Time engine_time(SimTime t) { return Time(t / kTicksPerMs); }
SimTime sim_time(Time t) { return t.count() * kTicksPerMs; }

enum class Kind : std::uint8_t {
  CallArrival, ParkArrival, CalleeAnswers, PickupAttempt, CallerHangsUp, ParkCall, Retrieve,
  RedeliverRetrieve, RedeliverPickup, Abandon, RingbackAnswer, FallbackAnswer, Sample, WarmupEnd, End
};

struct Event {
  Kind kind;
  std::uint32_t who;       // pool, or user for re-delivered requests
  std::uint64_t call;      // a call id, the park id for answers, the pool for re-deliveries
  OrbitNumber number{};    // re-delivered requests
};

// The counters a replication reports; the enum and the names come from one list.
#define CPARK_SIM_COUNTERS(X)                                                                     \
  X(calls) X(calls_to_group_members) X(calls_pickable) X(calls_answered_by_callee)                \
  X(calls_picked_up) X(calls_to_voicemail) X(calls_caller_gave_up) X(pickup_attempts)             \
  X(pickups_nothing_to_pick_up) X(pickups_refused) X(park_attempts) X(parks) X(parks_blocked)     \
  X(parks_refused_other) X(ringbacks) X(fallback_answered) X(fallback_unanswered)                 \
  X(ended_retrieved) X(ended_ringback) X(ended_fallback) X(ended_abandoned) X(ended_disconnected) \
  X(routed_to_owning_pool) X(retrieve_rejected)
enum Counter : int {
#define CPARK_ENUM(name) k_##name,
  CPARK_SIM_COUNTERS(CPARK_ENUM)
#undef CPARK_ENUM
  kCounters
};
constexpr const char* kCounterNames[] = {
#define CPARK_NAME(name) #name,
    CPARK_SIM_COUNTERS(CPARK_NAME)
#undef CPARK_NAME
};
static_assert(std::size(kCounterNames) == kCounters);

Counter ended_counter(EndReason r) {
  switch (r) {
    case EndReason::Retrieved: return k_ended_retrieved;
    case EndReason::Ringback: return k_ended_ringback;
    case EndReason::Fallback: return k_ended_fallback;
    case EndReason::Abandoned: return k_ended_abandoned;
    case EndReason::Disconnected: return k_ended_disconnected;
  }
  return k_ended_disconnected;
}

template <class... F> struct overload : F... { using F::operator()...; };
template <class... F> overload(F...) -> overload<F...>;

// A call the phones are handling: ringing, talking before a park, parked, or at fallback.
struct Call {
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
  Simulation(const Scenario& s, const PhoneBook& book, PointId point, std::uint64_t replication, Progress* progress)
      : s_(s),
        book_(book),
        engine_(derive_seed(s.run.seed, SeedPurpose::Engine, point, replication), book.domain),
        rng_(derive_seed(s.run.seed, SeedPurpose::Phones, point, replication)),
        progress_(progress) {
    if (auto r = engine_.apply_deployment(Time{0}, book.deployment); !r)
      throw std::logic_error("simulation: deployment refused by the engine: " + r.message());  // validated before
    pools_.resize(book.pools.size());
    for (PoolId p = 0; p < pools_.size(); ++p) {
      pools_[p].name = book.deployment->pool(p).name;
      if (book.pools[p].traffic >= 0) pools_[p].traffic = &s.traffic[std::size_t(book.pools[p].traffic)];
      pools_[p].capacity = engine_.orbit_capacity(p);
    }
    samples_.resize(pools_.size());
  }

  ReplicationResult run() {
    const SimTime warmup = ticks(s_.run.warmup), end = warmup + ticks(s_.run.duration);
    next_arrival_.assign(pools_.size(), {0.0, 0.0});
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
      if (te && (!tq || sim_time(*te) <= *tq)) {
        q_.advance_to(sim_time(*te));
        engine_.handle_timeout(*te);
      } else if (tq) {
        const Event e = *q_.pop();
        if (e.kind == Kind::End) {
          // The sample due at the very end (scheduled after End, so it would not fire).
          if (q_.now() == next_sample_) take_sample();
          finished = true;
          break;
        }
        handle(e);
      } else {
        break;
      }
      engine_.drain([this](const Output& out) { on_output(out); });
      if ((++events & 4095) == 0 && progress_) {
        report_progress(4096);
        if (progress_->stop.load(std::memory_order_relaxed)) break;
      }
    }
    if (progress_) report_progress(events & 4095);
    return finish(finished, events);
  }

 private:
  struct PoolState {
    std::string name;
    const Traffic* traffic = nullptr;
    std::uint32_t capacity = 0, busy = 0, peak = 0;
    double busy_area = 0;  // orbit-ticks while measuring
    SimTime busy_since = 0;
    double attempts = 0, blocked = 0, orbit_time = 0, orbit_time_count = 0;
  };

  Time now() const { return engine_time(q_.now()); }
  void report_progress(std::uint64_t events) {
    progress_->events.fetch_add(events, std::memory_order_relaxed);
    const SimTime ms = q_.now() / kTicksPerMs;
    progress_->sim_ms.fetch_add(ms - reported_ms_, std::memory_order_relaxed);
    reported_ms_ = ms;
  }

  // ---- calls ----
  CallId new_call(PoolId pool, Call** out) {
    const SlotId id = calls_.emplace();
    *out = calls_.find(id);
    (*out)->pool = pool;
    return id.bits();
  }
  Call* find(CallId id) { return calls_.find(SlotId::from_bits(id)); }
  void end_call(CallId id) {
    Call* c = find(id);
    if (!c) return;
    for (EventId e : {c->answer, c->pickup, c->hangup, c->retrieve, c->abandon}) q_.cancel(e);
    calls_.erase(SlotId::from_bits(id));
  }
  void stop_ringing(Call& c) {
    c.ringing = false;
    q_.cancel(c.answer);
    q_.cancel(c.pickup);
    q_.cancel(c.hangup);
  }
  // The leg of a retriever or picker: the phones do not follow it, so its id names no
  // call (an index no slot has) and find() never matches it.
  CallId side_call() { return SlotId(~std::uint32_t{0}, std::uint32_t(2 * ++side_calls_ + 1)).bits(); }

  UserId pick(const std::vector<UserId>& v) { return v.empty() ? kNoUser : v[rng_.below(std::uint32_t(v.size()))]; }
  bool chance(double p) { return p > 0 && uniform01(rng_) < p; }
  SimTime after(double seconds) { return q_.now() + ticks(seconds); }

  // Poisson (or, with `arrival = "deterministic"`, evenly spaced) arrivals, thinned by the
  // hourly profile when there is one. Epochs are kept in
  // seconds at full resolution; only the event time is rounded to the clock's tick.
  void schedule_arrival(Kind kind, PoolId pool, double per_hour) {
    const Traffic& t = *pools_[pool].traffic;
    double peak = 1;
    if (!t.hourly_profile.empty()) peak = *std::max_element(t.hourly_profile.begin(), t.hourly_profile.end());
    if (peak <= 0) return;
    double& epoch = kind == Kind::CallArrival ? next_arrival_[pool].first : next_arrival_[pool].second;
    const double gap = 3600.0 / (per_hour * peak);
    epoch += t.arrival == Arrival::deterministic ? gap : -std::log(uniform01(rng_)) * gap;
    q_.schedule(ticks(epoch), {kind, pool, 0});
  }
  bool accept_by_profile(const Traffic& t) {
    if (t.hourly_profile.empty()) return true;
    const double peak = *std::max_element(t.hourly_profile.begin(), t.hourly_profile.end());
    const auto hour = std::size_t((q_.now() / (3600 * kTicksPerSecond)) % 24);
    return uniform01(rng_) * peak < t.hourly_profile[hour];
  }

  void count(Counter what) {
    if (measuring_) counters_[what] += 1;
  }
  void request(double n = 1) {  // SIP requests the server sees (D4 request rate)
    if (!measuring_) return;
    requests_ += n;
    const SimTime window = q_.now() / (60 * kTicksPerSecond);
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
  void take_sample() {
    for (PoolId p = 0; p < pools_.size(); ++p) samples_[p].push_back(double(pools_[p].busy));
  }
  void start_measuring(SimTime now) {
    measuring_ = true;
    for (auto& p : pools_) p.busy_since = now, p.peak = p.busy;
    window_ = now / (60 * kTicksPerSecond);
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
        engine_.handle(now(), CallAnswered{e.call});
        request();
        count(k_calls_answered_by_callee);
        c->answered_by = c->callee;
        return maybe_park(e.call, *c);
      }
      case Kind::PickupAttempt: {
        Call* c = find(e.call);
        if (!c || !c->ringing) return;
        c->pickup = {};
        const PhoneBook::Group& group = book_.groups.at(book_.user_group[c->callee]);
        UserId picker = kNoUser;
        for (int tries = 0; tries < 4 && (picker == kNoUser || picker == c->callee); ++tries)
          picker = pick(group.members);
        if (picker == kNoUser || picker == c->callee) return;
        count(k_pickup_attempts);
        request();
        engine_.pickup(now(), {side_call(), Caller{picker}, book_.deployment->user_info(picker).pool, group.number});
        return;
      }
      case Kind::CallerHangsUp: {
        Call* c = find(e.call);
        if (!c || !c->ringing) return;
        stop_ringing(*c);
        engine_.handle(now(), CallEnded{e.call});
        request();
        count(k_calls_caller_gave_up);
        return end_call(e.call);
      }
      case Kind::ParkCall: {
        Call* c = find(e.call);
        if (!c) return;
        count(k_park_attempts);
        pools_[book_.deployment->user_info(c->answered_by).pool].attempts += measuring_ ? 1 : 0;
        request();
        engine_.park(now(), {e.call, c->answered_by, std::nullopt});
        return;
      }
      case Kind::Retrieve: {
        Call* c = find(e.call);
        if (!c || c->park == 0) return;
        c->retrieve = {};
        const PoolState& ps = pools_[c->pool];
        UserId who = pick(book_.pools[c->pool].parkers);
        PoolId at = c->pool;
        if (ps.traffic && chance(ps.traffic->retrieve_at_other_pool) && pools_.size() > 1)
          at = PoolId((c->pool + 1 + rng_.below(std::uint32_t(pools_.size() - 1))) % pools_.size());
        request();
        engine_.retrieve(now(), {side_call(), Caller{who}, at, c->orbit, 0});
        return;
      }
      case Kind::RedeliverRetrieve:
        request();
        engine_.retrieve(now(), {side_call(), Caller{e.who}, PoolId(e.call), e.number, 0});
        return;
      case Kind::RedeliverPickup:
        request();
        engine_.pickup(now(), {side_call(), Caller{e.who}, PoolId(e.call), e.number});
        return;
      case Kind::Abandon: {
        Call* c = find(e.call);
        if (!c || c->park == 0) return;
        c->abandon = {};
        request();
        engine_.handle(now(), PartyHungUp{e.call});
        return;
      }
      case Kind::RingbackAnswer:
        request();
        engine_.handle(now(), RingbackAnswered{e.call});
        return;
      case Kind::FallbackAnswer:
        request();
        engine_.handle(now(), FallbackAnswered{e.call});
        return;
      case Kind::Sample:
        take_sample();
        next_sample_ = after(s_.run.sample_interval);
        q_.schedule(next_sample_, {Kind::Sample, 0, 0});
        return;
      case Kind::WarmupEnd: return start_measuring(q_.now());
      case Kind::End: return;
    }
  }

  void call_arrives(PoolId pool) {
    PoolState& ps = pools_[pool];
    const Traffic& t = *ps.traffic;
    schedule_arrival(Kind::CallArrival, pool, t.calls_per_hour);
    const auto& users = book_.pools[pool].users;
    if (!accept_by_profile(t) || users.empty()) return;
    Call* c = nullptr;
    const CallId id = new_call(pool, &c);
    c->callee = pick(users);
    c->ringing = true;
    c->ring_start = q_.now();
    const User& u = book_.deployment->user(c->callee);
    // G6: some calls cannot be picked up, for one of five reasons.
    CallRinging ring{id, c->callee, external_caller_, u.extension, RouteKind::Direct, false};
    double x = uniform01(rng_);
    const Exclusions& ex = t.excluded;
    bool excluded = true;
    if ((x -= ex.private_line) < 0) ring.dialed = u.private_line;
    else if ((x -= ex.friends_family) < 0) ring.caller = family_caller_;
    else if ((x -= ex.delegate) < 0) ring.route = RouteKind::Delegate;
    else if ((x -= ex.response_group) < 0) ring.route = RouteKind::ResponseGroup;
    else if ((x -= ex.team_call) < 0) ring.route = RouteKind::TeamCall;
    else excluded = false;
    const bool in_group = book_.user_group[c->callee] != 0;
    count(k_calls);
    if (in_group) {
      count(k_calls_to_group_members);
      if (!excluded) count(k_calls_pickable);
    }
    request();
    engine_.handle(now(), ring);
    if (chance(t.callee_answer))
      c->answer = q_.schedule_timeout(after(t.callee_answer_delay.sample(rng_)), {Kind::CalleeAnswers, 0, id});
    if (in_group && chance(t.pickup))
      c->pickup = q_.schedule_timeout(after(t.pickup_delay.sample(rng_)), {Kind::PickupAttempt, 0, id});
    if (t.caller_patience)
      c->hangup = q_.schedule_timeout(after(t.caller_patience->sample(rng_)), {Kind::CallerHangsUp, 0, id});
  }

  void park_arrives(PoolId pool) {
    PoolState& ps = pools_[pool];
    schedule_arrival(Kind::ParkArrival, pool, ps.traffic->parks_per_hour);
    const auto& parkers = book_.pools[pool].parkers;
    if (!accept_by_profile(*ps.traffic) || parkers.empty()) return;
    Call* c = nullptr;
    const CallId id = new_call(pool, &c);
    c->answered_by = pick(parkers);
    handle({Kind::ParkCall, 0, id});
  }

  void maybe_park(CallId id, Call& c) {
    const Traffic* t = pools_[book_.deployment->user_info(c.answered_by).pool].traffic;
    if (t && chance(t->park_share)) {
      q_.schedule(after(t->talk_before_park.sample(rng_)), {Kind::ParkCall, 0, id});
      return;
    }
    end_call(id);  // talked and hung up: nothing more for the engine
  }

  // ---- outputs of the engine ----
  void on_output(const Output& out) {
    std::visit(overload{
                   [&](const OrbitAssigned& a) { orbit_assigned(a); },
                   [&](const ParkRejected& r) { park_rejected(r); },
                   [&](const StartMusicOnHold&) { request(); },  // re-INVITE with music
                   [&](const StopMusicOnHold&) {},
                   [&](const Connect& cn) {
                     request();  // re-INVITE connecting the legs
                     if (!cn.peer_uri.empty()) {
                       count(k_fallback_answered);
                       end_call(cn.call);
                     }
                   },
                   [&](const Disconnect& d) {
                     request();  // BYE
                     if (d.diagnostic == diag::kFallbackUnanswered) count(k_fallback_unanswered);
                     if (Call* c = find(d.call); c && c->park == 0) end_call(d.call);
                   },
                   [&](const RingParker& rp) { ring_parker(rp); },
                   [&](const StopRingback&) {},
                   [&](const RingFallback& rf) { ring_fallback(rf); },
                   [&](const StopFallback&) {},
                   [&](const ParkEnded& e) { park_ended(e); },
                   [&](const RetrieveRejected&) { count(k_retrieve_rejected); },
                   [&](const RouteToPool& rt) {
                     count(k_routed_to_owning_pool);  // P9: the request goes on to the owning pool
                     const Kind again =
                         rt.request == RoutedRequest::Pickup ? Kind::RedeliverPickup : Kind::RedeliverRetrieve;
                     q_.schedule(q_.now(), {again, rt.from.user, rt.pool, rt.number});
                   },
                   [&](const CallPickedUp& pu) { picked_up(pu); },
                   [&](const PickupRejected& pr) {
                     count(pr.diagnostic == diag::kNothingToPickUp ? k_pickups_nothing_to_pick_up : k_pickups_refused);
                   },
                   [&](const ForwardNoAnswer& f) {
                     request();
                     count(k_calls_to_voicemail);
                     if (Call* c = find(f.call)) stop_ringing(*c);
                     end_call(f.call);
                   },
               },
               out);
  }

  void orbit_assigned(const OrbitAssigned& a) {
    request();  // NOTIFY with the orbit
    Call* c = find(a.call);
    if (!c) return;
    c->park = a.park;
    c->orbit = a.orbit;
    c->pool = a.pool;
    c->park_start = q_.now();
    busy_change(a.pool, +1);
    count(k_parks);
    const Traffic* t = pools_[a.pool].traffic;
    if (!t) return;
    if (!chance(t->never_retrieved))
      c->retrieve = q_.schedule_timeout(after(t->retrieval_delay.sample(rng_)), {Kind::Retrieve, 0, a.call});
    if (t->abandon) c->abandon = q_.schedule_timeout(after(t->abandon->sample(rng_)), {Kind::Abandon, 0, a.call});
  }

  void park_rejected(const ParkRejected& r) {
    if (r.diagnostic == diag::kNoMoreOrbits) {
      count(k_parks_blocked);
      if (measuring_ && r.parker < book_.user_group.size())
        pools_[book_.deployment->user_info(r.parker).pool].blocked += 1;
    } else {
      count(k_parks_refused_other);
    }
    end_call(r.call);
  }

  void ring_parker(const RingParker& rp) {
    request();
    count(k_ringbacks);
    const Traffic* t = pools_[book_.deployment->user_info(rp.parker).pool].traffic;
    if (t && chance(t->ringback_answer))
      q_.schedule(after(t->ringback_answer_delay.sample(rng_)), {Kind::RingbackAnswer, 0, rp.park});
  }

  void ring_fallback(const RingFallback& rf) {
    request();
    Call* c = find(rf.call);
    const Traffic* t = c ? pools_[c->pool].traffic : nullptr;
    if (t && chance(t->fallback_answer))
      q_.schedule(after(t->fallback_answer_delay.sample(rng_)), {Kind::FallbackAnswer, 0, rf.park});
  }

  void park_ended(const ParkEnded& e) {
    request();  // MESSAGE to the parker (P8)
    busy_change(e.pool, -1);
    count(ended_counter(e.reason));
    Call* c = find(e.call);
    if (!c) return;
    const double held = double(q_.now() - c->park_start);
    if (measuring_) {
      parked_time_.add(held / double(kTicksPerSecond));
      pools_[e.pool].orbit_time += held;
      pools_[e.pool].orbit_time_count += 1;
    }
    q_.cancel(c->retrieve);
    q_.cancel(c->abandon);
    c->park = 0;
    if (e.reason != EndReason::Fallback) end_call(e.call);
  }

  void picked_up(const CallPickedUp& pu) {
    request(2);  // CANCEL of the ringing legs and the MESSAGE to the callee (G5)
    count(k_calls_picked_up);
    Call* c = find(pu.call);
    if (!c) return;
    if (measuring_) time_to_pickup_.add(double(q_.now() - c->ring_start) / double(kTicksPerSecond));
    stop_ringing(*c);
    c->answered_by = pu.picker;
    maybe_park(pu.call, *c);
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
      f[k + "busy_mean"] = ps.busy_area / (seconds * double(kTicksPerSecond));
      f[k + "busy_peak"] = ps.peak;
      const double mean_hold = ps.orbit_time_count > 0 ? ps.orbit_time / ps.orbit_time_count / double(kTicksPerSecond) : 0;
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
  const PhoneBook& book_;
  Engine engine_;
  Random rng_;
  Progress* progress_;
  EventQueue<Event> q_;
  std::vector<PoolState> pools_;
  std::vector<std::pair<double, double>> next_arrival_;  // per pool: call and park epochs, s
  SlotMap<Call> calls_;
  std::uint32_t side_calls_ = 0;
  // G6: a caller from outside and a caller the callees marked Friends and Family; their
  // identities are written the way the server writes a caller's (engine/identity.h).
  const std::string external_caller_ = sip_uri_of("customer@pstn.invalid", book_.domain);
  const std::string family_caller_ = sip_uri_of(kFamilyContact, book_.domain);
  double counters_[kCounters] = {};
  std::vector<std::vector<double>> samples_;
  Histogram parked_time_{10, 120}, time_to_pickup_{1, 120};
  bool measuring_ = false;
  double requests_ = 0, window_requests_ = 0, peak_window_ = 0;
  SimTime window_ = 0, reported_ms_ = 0;
  SimTime next_sample_ = 0;
};

}  // namespace

ReplicationResult run_replication(const Scenario& s, const PhoneBook& book, PointId point, std::uint64_t replication,
                                  Progress* progress) {
  Simulation sim(s, book, point, replication, progress);
  return sim.run();
}

}  // namespace cpark::sim

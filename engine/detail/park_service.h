// The park lifecycle (P1-P10): park, retrieve, ringback, fallback, abandon, and the
// clean ending of parks whose range the administrator removed (O8). Parks live in a
// SlotMap; a ParkId is the park's slot id, so it is unique, found in O(1), and a stale
// one (a late answer for a park that moved on) finds nothing.
#pragma once
#include <boost/unordered/unordered_flat_map.hpp>
#include <string>
#include <vector>

#include "common/slot_map.h"
#include "engine/detail/engine_state.h"

namespace cpark {
struct ParkView;
}

namespace cpark::detail {

class ParkService {
 public:
  explicit ParkService(EngineState& s) : s_(s) {}

  void park(Time now, const ParkRequest& r);
  void retrieve(Time now, const RetrieveRequest& r);
  void ringback_answered(Time now, ParkId id);
  void ringback_unanswered(Time now, ParkId id);
  void fallback_answered(Time now, ParkId id);
  void fallback_unanswered(Time now, ParkId id);
  // P7. Returns false when `call` is neither parked nor ringing a fallback.
  bool party_hung_up(Time now, CallId call);
  void on_timer(Time at, SlotId park);
  // Whether park `id` still waits for the timer `token` (the timer queue asks).
  bool holds_timer(SlotId id, TimerToken token) const {
    const Park* p = parks_.find(id);
    return p && p->timer == token;
  }

  // O7/O8: parks whose orbit has no CallPark home in `pools` (the next pool table).
  std::vector<SlotId> displaced_by(const std::vector<PoolState>& pools) const;
  // Moves every park onto `pools`; displaced parks lose their orbit index. Call before
  // swapping the pool table in, then end_displaced() after.
  void rebind(std::vector<PoolState>& pools, const std::vector<SlotId>& displaced);
  void end_displaced(Time now, const std::vector<SlotId>& displaced);
  // Every park leaves its orbit (fallback or disconnect with `no_fallback`).
  void end_all(Time now, Diagnostic no_fallback);
  // "orbit *7001 (parked by alice for 42 s)" for each park, to name them in a refusal.
  std::string describe(Time now, const std::vector<SlotId>& parks) const;

  // Room for `n` parks (the orbits there are) without moving the table.
  void reserve(std::size_t n) {
    parks_.reserve(n);
    by_call_.reserve(n);
  }
  std::size_t active_parks() const { return by_call_.size() - fallback_legs_; }
  std::size_t fallback_legs() const { return fallback_legs_; }
  void list(std::vector<ParkView>& out) const;
  // P10 checked from the inside: empty when consistent, else what is wrong.
  std::string check_invariants() const;

 private:
  enum class Phase : std::uint8_t { Parked, RingingBack, RingingFallback };
  // 48 bytes: with its slot's generation a park fits one cache line, which matters when
  // tens of thousands are parked and a retrieval reaches a random one.
  struct Park {
    CallId call = 0;
    UserId parker = kNoUser;
    PoolId pool = 0;
    std::uint32_t orbit_index = kNoIndex;
    OrbitNumber orbit{};
    Phase phase = Phase::Parked;
    std::uint8_t attempts = 0;          // unanswered ringbacks so far (P5, at most 10: C2)
    bool music = false;
    Time parked_at{};
    TimerToken timer = 0;               // its one pending timer (C1, C6), 0: none
  };

  // The park `id` if it is in `phase`; otherwise counts a stale input and returns null.
  Park* find_in(ParkId id, Phase phase);
  void stop_timer(Park& p);
  void reject(const ParkRequest& r, Diagnostic d);
  void end_park(Time now, SlotId id, EndReason reason, UserId by);
  void ringback_failed(Time now, SlotId id);
  void leave_orbit(Time now, SlotId id, Diagnostic no_fallback);
  void finish_fallback(SlotId id, bool answered);
  TimerToken schedule(Time at, SlotId id) { return s_.timers.schedule(at, TimerKind::Park, id); }

  EngineState& s_;
  SlotMap<Park> parks_;
  boost::unordered_flat_map<CallId, SlotId> by_call_;
  // The URI a fallback leg rings (P6), kept apart from the park: few parks get there.
  boost::unordered_flat_map<std::uint64_t, std::string> fallback_uri_;
  std::size_t fallback_legs_ = 0;
};

}  // namespace cpark::detail

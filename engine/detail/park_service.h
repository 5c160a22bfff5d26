// The park lifecycle (P1-P10): park, retrieve, ringback, fallback, abandon, and the
// clean ending of parks whose range the administrator removed (O8).
#pragma once
#include <vector>

#include "engine/detail/engine_state.h"

namespace cpark {

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
  void on_timer(Time at, std::uint32_t slot);

  // O7/O8: parks whose orbit has no CallPark home in `pools` (the next pool table).
  std::vector<std::uint32_t> displaced_by(const std::vector<PoolState>& pools) const;
  // Moves every park onto `pools`; displaced parks lose their orbit index. Call before
  // swapping the pool table in, then end_displaced() after.
  void rebind(std::vector<PoolState>& pools, const std::vector<std::uint32_t>& displaced);
  void end_displaced(Time now, const std::vector<std::uint32_t>& displaced);

  std::size_t active_parks() const { return by_call_.size() - fallback_legs_; }
  std::size_t fallback_legs() const { return fallback_legs_; }
  // P10 checked from the inside: empty when consistent, else what is wrong.
  std::string check_invariants() const;

 private:
  enum class Phase : std::uint8_t { Free, Parked, RingingBack, RingingFallback };
  struct Park {
    ParkId id = 0;
    CallId call = 0;
    UserId parker = kNoUser;
    PoolId pool = 0;
    std::uint32_t orbit_index = kNoSlot;
    OrbitNumber orbit{};
    Phase phase = Phase::Free;
    int attempts = 0;                   // unanswered ringbacks so far (P5)
    bool music = false;
    TimerId timer = kNoTimer;
    std::string fallback_uri;
  };

  Park* find(ParkId id);
  // The park `id` if it is in `phase`; otherwise counts a stale input and returns null.
  Park* find_in(ParkId id, Phase phase);
  void stop_timer(Park& p);
  std::uint32_t new_slot();
  void reject(const ParkRequest& r, Diagnostic d);
  void end_park(Time now, std::uint32_t slot, EndReason reason, UserId by);
  void free_slot(std::uint32_t slot);
  void ringback_failed(Time now, std::uint32_t slot);
  void leave_orbit(Time now, std::uint32_t slot, Diagnostic no_fallback);
  void finish_fallback(std::uint32_t slot, bool answered);

  EngineState& s_;
  std::vector<Park> parks_;
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<CallId, std::uint32_t> by_call_;
  std::size_t fallback_legs_ = 0;
  std::uint64_t serial_ = 0;
};

}  // namespace cpark

// Group call pickup (G3-G9): calls ringing group members wait in their group's queue in
// the order they started ringing, so "the call ringing the longest" (G4) is the queue's
// head and a pickup is O(1) however many calls ring. Every ringing call, pickable or
// not, carries the callee's ring timeout (G8).
#pragma once
#include <boost/unordered/unordered_flat_map.hpp>
#include <string>

#include "common/slot_map.h"
#include "engine/detail/engine_state.h"

namespace cpark::detail {

class PickupService {
 public:
  explicit PickupService(EngineState& s) : s_(s) {}

  void ringing(Time now, const CallRinging& r);
  void answered(CallId call);
  void ended(CallId call);
  void pickup(Time now, const PickupRequest& r);
  void on_timer(Time at, SlotId ringing);
  // Whether ringing call `id` still waits for the timer `token` (the timer queue asks).
  bool holds_timer(SlotId id, TimerToken token) const {
    const Ringing* c = calls_.find(id);
    return c && c->timer == token;
  }
  // After an admin change: re-files every ringing call by its callee's current group.
  void regroup();

  std::size_t ringing_calls() const { return by_call_.size(); }
  std::size_t pickable_in(std::uint64_t group_key) const;
  std::string check_invariants() const;

 private:
  struct Ringing {
    CallId call = 0;
    UserId callee = kNoUser;
    std::uint64_t group = 0;          // 0: not in any queue (not pickable, G6/G7)
    bool pickable = false;            // G6 decided at ring time
    bool video = false;
    std::uint64_t order = 0;          // ring sequence: G4 order survives regroup()
    std::uint32_t prev = kNoIndex, next = kNoIndex;  // slot indices in the group queue
    TimerToken timer = 0;             // the G8 no-answer timer, 0 once fired
  };
  struct Queue { std::uint32_t head = kNoIndex, tail = kNoIndex; std::size_t size = 0; };

  bool is_pickable(UserId callee, const CallRinging& r) const;
  void link(std::uint32_t slot);
  void unlink(std::uint32_t slot);
  void release(SlotId id);  // unlink, cancel the timer, forget the call
  void reject(const PickupRequest& r, Diagnostic d);

  EngineState& s_;
  SlotMap<Ringing> calls_;
  boost::unordered_flat_map<CallId, SlotId> by_call_;
  boost::unordered_flat_map<std::uint64_t, Queue> queues_;
  std::uint64_t next_order_ = 1;
};

}  // namespace cpark::detail

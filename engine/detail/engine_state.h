// State the park and pickup services share inside one Engine: the deployment being
// served, per-pool and per-user views of it, the deadline queue, the output queue and
// the counters (S9). Not part of the public API.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/deployment.h"
#include "engine/events.h"
#include "engine/detail/orbit_allocator.h"
#include "engine/detail/random.h"
#include "engine/detail/timer_queue.h"

namespace cpark {

// Monitoring counters (S9, D4). Monotonic over the engine's life.
struct Counters {
  std::uint64_t parks = 0, park_rejected = 0, retrievals = 0, retrieve_rejected = 0;
  std::uint64_t ringbacks = 0, ringback_answered = 0, fallbacks = 0, fallback_answered = 0;
  std::uint64_t fallback_unanswered = 0, disconnected = 0, abandoned = 0;
  std::uint64_t routed = 0, rings = 0, pickups = 0, pickup_rejected = 0, no_answer = 0;
  std::uint64_t answered_by_callee = 0, caller_gave_up = 0, stale_inputs = 0;
};

inline constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};

struct PoolState {
  std::string name;
  bool present = false;               // false once the pool left the deployment
  bool call_park_enabled = true;      // G7 / P1
  OrbitChoice orbit_choice = OrbitChoice::Next;
  CallParkSettings settings;          // effective settings (C5 resolved)
  bool custom_music = false;          // C4
  OrbitAllocator orbits;
  std::vector<std::uint32_t> park_at; // orbit index -> park slot, kNoSlot when free
};

struct UserState {
  std::string name;
  bool present = false;
  const User* data = nullptr;         // into Context::deployment
  PoolId pool = 0;
  bool call_park_enabled = false;     // V1 resolved
  bool can_use_pickup = false;        // G7 resolved
  std::uint64_t group_key = 0;        // G2: key of the group number, 0 = none
};

// Which kind of owner a timer belongs to, in the top byte of its owner tag.
enum class TimerKind : std::uint8_t { Park = 1, Ringing = 2 };
inline std::uint64_t timer_owner(TimerKind k, std::uint32_t slot) {
  return (std::uint64_t(k) << 56) | slot;
}

struct EngineState {
  Deployment deployment;
  std::vector<PoolState> pools;       // indexed by PoolId
  std::vector<UserState> users;       // indexed by UserId
  std::unordered_map<std::string, PoolId> pool_ids;
  std::unordered_map<std::string, UserId> user_ids;
  TimerQueue timers;
  std::vector<Output> outputs;
  Random rng;
  Counters counters;

  bool valid_user(UserId u) const { return u < users.size() && users[u].present; }
  // The range holding `n` and the pool that owns it (P9), or nullptr.
  const OrbitRange* owner_of(const OrbitNumber& n, PoolId* pool) const {
    const OrbitRange* r = deployment.range_containing(n);
    if (r && pool) *pool = pool_ids.at(r->pool);
    return r;
  }
};

}  // namespace cpark

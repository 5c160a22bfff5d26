// The engine's monitoring counters (S9, D4): what it has done since it started, per kind
// of outcome. Monotonic over the engine's life; the server exports them as Prometheus
// counters and the simulator reads them for its figures.
#pragma once
#include <cstdint>

namespace cpark {

struct Counters {
  std::uint64_t parks = 0, park_rejected = 0, retrievals = 0, retrieve_rejected = 0;
  std::uint64_t ringbacks = 0, ringback_answered = 0, fallbacks = 0, fallback_answered = 0;
  std::uint64_t fallback_unanswered = 0, disconnected = 0, abandoned = 0;
  std::uint64_t routed = 0, rings = 0, pickups = 0, pickup_rejected = 0, no_answer = 0;
  std::uint64_t answered_by_callee = 0, caller_gave_up = 0, stale_inputs = 0;
};

}  // namespace cpark

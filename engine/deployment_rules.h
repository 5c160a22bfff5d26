// The rules that bind a whole deployment together: O4 (no overlap), O5 (per pool), O6
// (orbits are virtual extensions), C1-C6 (settings bounds and scopes), V2, G2 and G7
// (pickup membership). Every change in the store, every import and every scenario passes
// through validate_deployment (validated_deployment.h), which applies these.
#pragma once
#include <cstdint>

#include "common/result.h"
#include "engine/deployment.h"

namespace cpark {

// Bounds of the settings, in seconds (C1, C2, C6).
constexpr std::int64_t kMinTimeoutSeconds = 10, kMaxTimeoutSeconds = 600;
constexpr int kMinAttempts = 1, kMaxAttempts = 10;
constexpr std::int64_t kMinRingSeconds = 5, kMaxRingSeconds = 300;
// G8: a user's ring timeout before the no-answer target.
constexpr std::int64_t kMinUserRingSeconds = 1, kMaxUserRingSeconds = 600;

// One settings object alone (C1-C3, C5 scope syntax, C6).
Status validate_settings(const CallParkSettings& s, const Deployment& d);

}  // namespace cpark

// The rules that bind a whole deployment together: O4 (no overlap), O5 (per pool), O6
// (orbits are virtual extensions), C1-C6 (settings bounds and scopes), V2, G2 and G7
// (pickup membership). Every change in the store and every import passes through here.
#pragma once
#include <string>
#include <vector>

#include "engine/deployment.h"

namespace cpark {

struct Validation {
  std::vector<std::string> errors;    // each one sentence naming the value and the rule
  std::vector<std::string> warnings;  // allowed but against recommended practice
  bool ok() const { return errors.empty(); }
};

// Validates everything and fills each range's parsed bounds. Never throws.
Validation validate_deployment(Deployment& d);

// Bounds of the settings, in seconds (C1, C2, C6).
constexpr std::int64_t kMinTimeoutSeconds = 10, kMaxTimeoutSeconds = 600;
constexpr int kMinAttempts = 1, kMaxAttempts = 10;
constexpr std::int64_t kMinRingSeconds = 5, kMaxRingSeconds = 300;

// One settings object alone (C1-C3, C5 scope syntax, C6); empty when valid.
std::string validate_settings(const CallParkSettings& s, const Deployment& d);

}  // namespace cpark

// The classic hold model shared by every event-set benchmark (the kernel, its previous
// version, std::priority_queue, ns-3), so that all of them run the same model with the
// same payload and the same random draws: N pending events; fire the earliest; schedule
// its successor at now + Exp(mean). Times are integer ticks. The cancel modes:
//   0  none;
//   1  one cancellation per event with N pending: the fired event also cancels a random
//      other pending event and schedules its replacement (a retrieval cancelling a park
//      timeout while a new park arms one);
//   2  every firing re-arms a timeout of its slot, 4 means long: it cancels the one it
//      armed last time (nearly always still pending) and arms a new one (the SIP timer an
//      answer cancels). N hold events and N timeouts are pending.
// Random draws, in this order per fired hold event: exp_ticks() for its successor; with
// cancel 1, next() for the victim and exp_ticks() for the victim's replacement.
#pragma once
#include <cmath>
#include <cstdint>

namespace cpark::bench {

constexpr std::int64_t kMeanTicks = 1'000'000;
constexpr std::int64_t kGuardTicks = 4 * kMeanTicks;

// The payload every implementation carries: the simulator's own Event (kind, who, call,
// orbit number), 24 bytes, so no implementation gets away with a smaller entry.
struct HoldEvent {
  std::uint8_t kind;    // kHold or kGuard
  std::uint32_t who;    // the model's slot, 0..N-1
  std::uint64_t call;   // carried, never read: stands in for the call id
  std::uint64_t number; // carried, never read: stands in for the orbit number
};
static_assert(sizeof(HoldEvent) == 24);
constexpr std::uint8_t kHold = 0, kGuard = 1;

inline HoldEvent hold_event(std::uint32_t who) { return {kHold, who, who * 7ULL, who * 13ULL}; }
inline HoldEvent guard_event(std::uint32_t who) { return {kGuard, who, who * 7ULL, who * 13ULL}; }

// xoshiro256++ and an exponential draw in integer ticks (same for every implementation).
struct Rng {
  std::uint64_t s[4] = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL, 0x2545F4914F6CDD1DULL};
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t r = rotl(s[0] + s[3], 23) + s[0], t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return r;
  }
  std::int64_t exp_ticks() {
    const double u = double((next() >> 11) + 1) * 0x1.0p-53;
    return 1 + std::int64_t(-std::log(u) * double(kMeanTicks));
  }
};

}  // namespace cpark::bench

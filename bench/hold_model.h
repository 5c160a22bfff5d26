// The classic hold model shared by every event-set benchmark: N pending events; fire the
// earliest; schedule its successor at now + Exp(mean). With `guard`, every firing also
// re-arms a timeout for its slot: it cancels the timeout it armed last time (still
// pending: timeouts are 4 means long) and arms a new one — the park timeout that a
// retrieval cancels, the SIP timer an answer cancels. Times are integer ticks.
#pragma once
#include <cmath>
#include <cstdint>

namespace cpark::bench {

constexpr std::int64_t kMeanTicks = 1'000'000;
constexpr std::int64_t kGuardTicks = 4 * kMeanTicks;

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

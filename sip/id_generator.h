// Branch ids, tags and Call-IDs from a seeded generator (xoshiro256** via splitmix64): the
// layer draws no randomness it was not given, so the same seed replays the same run.
// RFC 3261 §8.1.1.7 and §19.3 ask for ids unique in space and time; a server seeds this
// from a real entropy source at start-up, tests from a constant.
#pragma once
#include <cstdint>
#include <string>

namespace cpark::sip {

class IdGenerator {
 public:
  explicit IdGenerator(std::uint64_t seed = 0) { reseed(seed); }
  void reseed(std::uint64_t seed) {
    for (auto& w : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      w = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Appends `digits` lower-case hex digits (at most 16) of a fresh draw.
  void append_hex(std::string& out, int digits = 16) {
    static constexpr char hex[] = "0123456789abcdef";
    std::uint64_t v = next();
    for (int i = 0; i < digits; ++i, v >>= 4) out += hex[v & 15];
  }
  // "z9hG4bK" + 16 hex digits: an RFC 3261 branch (§8.1.1.7).
  std::string make_branch() {
    std::string b = "z9hG4bK";
    append_hex(b, 16);
    return b;
  }
  std::string make_tag() {
    std::string t;
    append_hex(t, 12);
    return t;
  }
  std::string make_call_id(std::string_view host = {}) {
    std::string c;
    append_hex(c, 16);
    append_hex(c, 8);
    if (!host.empty()) {
      c += '@';
      c += host;
    }
    return c;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

}  // namespace cpark::sip

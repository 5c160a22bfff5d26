// Branch ids, tags and Call-IDs from the project's seeded generator (common/random.h): the
// layer draws no randomness it was not given, so the same seed replays the same run.
// RFC 3261 §8.1.1.7 and §19.3 ask for ids unique in space and time; a server seeds this
// from a real entropy source at start-up, tests from a constant.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"

namespace cpark::sip {

class IdGenerator {
 public:
  explicit IdGenerator(std::uint64_t seed = 0) : rng_(seed) {}
  void reseed(std::uint64_t seed) { rng_ = Random(seed); }
  std::uint64_t next() { return rng_.next(); }
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
  Random rng_;
};

}  // namespace cpark::sip

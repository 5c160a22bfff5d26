// An orbit or group-pickup number as the Lync orbit table defines it (rule O2):
// an optional '*' or '#' prefix, then digits with no leading 0, at most 9 characters.
// Kept as (prefix, digit count, value) so range membership is integer arithmetic.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cpark {

struct OrbitNumber {
  char prefix = 0;            // 0, '*' or '#'
  std::uint8_t digits = 0;    // count of digits after the prefix
  std::uint32_t value = 0;    // numeric value of the digits

  // Total length as written, prefix included (O3 compares this).
  int length() const { return digits + (prefix ? 1 : 0); }
  std::string to_string() const;
  // A dense key for hash maps and ordering: numbers with a different prefix or length
  // never compare equal, as O3/O4 require.
  std::uint64_t key() const {
    return (std::uint64_t(std::uint8_t(prefix)) << 40) | (std::uint64_t(digits) << 32) | value;
  }
  friend bool operator==(const OrbitNumber&, const OrbitNumber&) = default;
};

// Parses `text` by rule O2. A failure says which part of O2 the text breaks, as the end of
// a sentence about the text ("has a leading 0 (O2: …)").
Result<OrbitNumber> parse_orbit_number(std::string_view text);

}  // namespace cpark

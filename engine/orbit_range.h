// A named range of the orbit table (O1): CallPark orbits or GroupPickup group numbers,
// owned by one Application service (pool). Validation of one range alone (O2, O3, O5);
// rules that need the whole table (O4, O6) live in deployment_rules.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "engine/orbit_number.h"

namespace cpark {

enum class RangeType { CallPark, GroupPickup };
const char* to_string(RangeType t);
std::optional<RangeType> parse_range_type(std::string_view s);

constexpr std::uint32_t kMaxNumbersPerRange = 10000;   // O5
constexpr std::uint32_t kMaxNumbersPerPool = 50000;    // O5
constexpr std::uint32_t kRecommendedRangeSize = 100;   // O5 warning threshold

struct OrbitRange {
  std::string name;
  std::string start;   // as the administrator wrote it
  std::string end;
  RangeType type = RangeType::CallPark;
  std::string pool;    // the Application service (pool) that owns it

  // Parsed bounds; valid only after validate_range() succeeded.
  OrbitNumber first{}, last{};
  std::uint32_t size() const { return last.value - first.value + 1; }
  bool contains(const OrbitNumber& n) const {
    return n.prefix == first.prefix && n.digits == first.digits && n.value >= first.value &&
           n.value <= last.value;
  }
  bool overlaps(const OrbitRange& o) const {
    return first.prefix == o.first.prefix && first.digits == o.first.digits &&
           first.value <= o.last.value && o.first.value <= last.value;
  }
  std::string describe() const;  // `range "sales" *100-*199`
};

// Checks O2, O3 and the per-range half of O5 and fills first/last. Returns an empty
// string when the range is valid, otherwise one sentence naming the value and the rule.
std::string validate_range(OrbitRange& r);

}  // namespace cpark

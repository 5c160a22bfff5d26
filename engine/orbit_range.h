// A named range of the orbit table (O1): CallPark orbits or GroupPickup group numbers,
// owned by one Application service (pool). Validation of one range alone (O2, O3, O5)
// gives its parsed bounds; rules that need the whole table (O4, O6) live in
// deployment_rules and their result in ValidatedDeployment.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "engine/orbit_number.h"

namespace cpark {

enum class RangeType { CallPark, GroupPickup };
const char* to_string(RangeType t);
std::optional<RangeType> parse_range_type(std::string_view s);

constexpr std::uint32_t kMaxNumbersPerRange = 10000;   // O5
constexpr std::uint32_t kMaxNumbersPerPool = 50000;    // O5
constexpr std::uint32_t kRecommendedRangeSize = 100;   // O5 warning threshold

// A range as the administrator wrote it (the store and the text files hold this).
struct OrbitRange {
  std::string name;
  std::string start;
  std::string end;
  RangeType type = RangeType::CallPark;
  std::string pool;    // the Application service (pool) that owns it

  std::string describe() const;  // `range "sales" *100-*199`
};

// The numbers a valid range covers. Numbers with another prefix or length are never in
// it, whatever their value (O3, O4).
struct RangeBounds {
  OrbitNumber first{}, last{};

  std::uint32_t size() const { return last.value - first.value + 1; }
  bool contains(const OrbitNumber& n) const {
    return n.prefix == first.prefix && n.digits == first.digits && n.value >= first.value &&
           n.value <= last.value;
  }
  bool overlaps(const RangeBounds& o) const {
    return first.prefix == o.first.prefix && first.digits == o.first.digits &&
           first.value <= o.last.value && o.first.value <= last.value;
  }
};

// Checks O1 (name, pool), O2, O3 and the per-range half of O5; the error is one sentence
// naming the range, the value and the rule.
Result<RangeBounds> validate_range(const OrbitRange& r);

}  // namespace cpark

#include "engine/orbit_range.h"

namespace cpark {

const char* to_string(RangeType t) { return t == RangeType::CallPark ? "CallPark" : "GroupPickup"; }

std::optional<RangeType> parse_range_type(std::string_view s) {
  if (s == "CallPark" || s == "callpark") return RangeType::CallPark;
  if (s == "GroupPickup" || s == "grouppickup") return RangeType::GroupPickup;
  return std::nullopt;
}

std::string OrbitRange::describe() const { return "range \"" + name + "\" " + start + "-" + end; }

std::string validate_range(OrbitRange& r) {
  if (r.name.empty()) return "range name must not be empty (O1: the name is the range's identity)";
  if (r.pool.empty()) return r.describe() + ": needs the Application service (pool) that owns it (O1)";
  std::string why;
  auto first = parse_orbit_number(r.start, &why);
  if (!first) return r.describe() + ": start \"" + r.start + "\" " + why;
  auto last = parse_orbit_number(r.end, &why);
  if (!last) return r.describe() + ": end \"" + r.end + "\" " + why;
  if (first->length() != last->length())
    return r.describe() + ": start and end must have the same length (O3)";
  if (first->prefix != last->prefix) {
    if (first->prefix)
      return r.describe() + ": start begins with '" + std::string(1, first->prefix) +
             "' so end must begin with the same character (O3)";
    return r.describe() + ": end has a prefix the start does not have (O3)";
  }
  if (first->prefix && first->value <= 100)
    return r.describe() + ": with a '" + std::string(1, first->prefix) +
           "' prefix the number after it must be greater than 100 (O3)";
  if (first->value > last->value) return r.describe() + ": start must not be greater than end (O3)";
  r.first = *first;
  r.last = *last;
  if (r.size() > kMaxNumbersPerRange)
    return r.describe() + ": holds " + std::to_string(r.size()) +
           " numbers, more than the 10,000 allowed per range (O5)";
  return {};
}

}  // namespace cpark

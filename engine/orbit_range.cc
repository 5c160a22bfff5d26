#include "engine/orbit_range.h"

namespace cpark {

const char* to_string(RangeType t) { return t == RangeType::CallPark ? "CallPark" : "GroupPickup"; }

std::optional<RangeType> parse_range_type(std::string_view s) {
  if (s == "CallPark" || s == "callpark") return RangeType::CallPark;
  if (s == "GroupPickup" || s == "grouppickup") return RangeType::GroupPickup;
  return std::nullopt;
}

std::string OrbitRange::describe() const { return "range \"" + name + "\" " + start + "-" + end; }

Result<RangeBounds> validate_range(const OrbitRange& r) {
  if (r.name.empty()) return fail("range name must not be empty (O1: the name is the range's identity)");
  if (r.pool.empty()) return fail(r.describe() + ": needs the Application service (pool) that owns it (O1)");
  auto first = parse_orbit_number(r.start);
  if (!first) return fail(r.describe() + ": start \"" + r.start + "\" " + first.message());
  auto last = parse_orbit_number(r.end);
  if (!last) return fail(r.describe() + ": end \"" + r.end + "\" " + last.message());
  if (first->length() != last->length())
    return fail(r.describe() + ": start and end must have the same length (O3)");
  if (first->prefix != last->prefix) {
    if (first->prefix)
      return fail(r.describe() + ": start begins with '" + std::string(1, first->prefix) +
                  "' so end must begin with the same character (O3)");
    return fail(r.describe() + ": end has a prefix the start does not have (O3)");
  }
  if (first->prefix && first->value <= 100)
    return fail(r.describe() + ": with a '" + std::string(1, first->prefix) +
                "' prefix the number after it must be greater than 100 (O3)");
  if (first->value > last->value) return fail(r.describe() + ": start must not be greater than end (O3)");
  const RangeBounds b{*first, *last};
  if (b.size() > kMaxNumbersPerRange)
    return fail(r.describe() + ": holds " + std::to_string(b.size()) +
                " numbers, more than the 10,000 allowed per range (O5)");
  return b;
}

}  // namespace cpark

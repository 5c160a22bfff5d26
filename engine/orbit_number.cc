// Rule O2: ([*#]?[1-9][0-9]{0,7})|([1-9][0-9]{0,8}).
#include "engine/orbit_number.h"

namespace cpark {

std::string OrbitNumber::to_string() const {
  std::string s;
  if (prefix) s.push_back(prefix);
  s += std::to_string(value);
  return s;
}

Result<OrbitNumber> parse_orbit_number(std::string_view text) {
  if (text.empty()) return fail("is empty (O2: a number needs at least one digit)");
  OrbitNumber n;
  std::string_view digits = text;
  if (text.front() == '*' || text.front() == '#') {
    n.prefix = text.front();
    digits.remove_prefix(1);
  } else if (text.front() == '+') {
    return fail("starts with '+' (O2: E.164 numbers cannot be orbits)");
  }
  if (digits.empty()) return fail("has no digits after its prefix (O2)");
  const std::size_t max_digits = n.prefix ? 8 : 9;
  if (digits.size() > max_digits)
    return fail(n.prefix ? "is longer than 9 characters (O2: a prefix and at most 8 digits)"
                         : "is longer than 9 digits (O2)");
  for (char c : digits)
    if (c < '0' || c > '9')
      return fail("contains a character other than digits after an optional leading * or # (O2)");
  if (digits.front() == '0') return fail("has a leading 0 (O2: the first digit must be 1-9)");
  std::uint32_t v = 0;
  for (char c : digits) v = v * 10 + std::uint32_t(c - '0');
  n.digits = std::uint8_t(digits.size());
  n.value = v;
  return n;
}

}  // namespace cpark

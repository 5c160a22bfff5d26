// M3: which dial-plan normalization rules would rewrite an orbit or group number.
// Lync applies a dial plan's rules in order and the first rule whose pattern matches
// wins, so a number is safe when the first matching rule leaves it as it is (or none
// matches). For every range with an unsafe number we name the rule and propose the
// protecting rule to put before it (like `^(7\d{3})$` -> `$1`).
#pragma once
#include <string>
#include <vector>

#include "engine/orbit_range.h"
#include "engine/validated_deployment.h"

namespace cpark {

struct NormalizationRule {
  std::string name;
  std::string pattern;       // ECMAScript regex, as the dial plan writes it
  std::string translation;   // with $1 … group references
};

struct NormalizationFinding {
  std::string range;          // range name
  std::string rule;           // the rule that rewrites
  std::string example;        // one orbit number it rewrites
  std::string rewritten_to;   // what that number becomes
  std::size_t numbers_affected = 0;
  std::string protecting_pattern;      // proposed rule to add before `rule`
  std::string protecting_translation;  // always "$1"
};

struct NormalizationReport {
  std::vector<NormalizationFinding> findings;
  std::vector<std::string> errors;  // rules whose pattern does not compile
};

// Checks every orbit and group number of `d`'s ranges.
NormalizationReport check_normalization(const std::vector<NormalizationRule>& rules, const ValidatedDeployment& d);

// A pattern matching every number of `r` (and possibly neighbours of the same length),
// e.g. 7000-7999 -> ^(7\d{3})$ and *100-*199 -> ^(\*1\d{2})$.
std::string protecting_pattern(const RangeBounds& r);

}  // namespace cpark

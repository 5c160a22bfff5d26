#include "cli/normalization.h"

#include <regex>

namespace cpark {

std::string protecting_pattern(const RangeBounds& r) {
  const std::string a = r.first.to_string(), b = r.last.to_string();
  std::size_t common = 0;
  while (common < a.size() && a[common] == b[common]) ++common;
  std::string p = "^(";
  for (std::size_t i = 0; i < common; ++i) {
    if (a[i] == '*' || a[i] == '#') p += '\\';
    p += a[i];
  }
  const std::size_t rest = a.size() - common;
  if (rest == 1) p += "\\d";
  else if (rest > 1) p += "\\d{" + std::to_string(rest) + "}";
  return p + ")$";
}

NormalizationReport check_normalization(const std::vector<NormalizationRule>& rules, const ValidatedDeployment& d) {
  NormalizationReport report;
  std::vector<std::regex> compiled;
  compiled.reserve(rules.size());
  for (auto& rule : rules) {
    try {
      compiled.emplace_back(rule.pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      report.errors.push_back("rule \"" + rule.name + "\" pattern \"" + rule.pattern +
                              "\" is not a valid regular expression (M3): " + e.what());
      compiled.emplace_back("$^");  // matches nothing, keeps indices aligned
    }
  }
  for (std::uint32_t r = 0; r < d.data().ranges.size(); ++r) {
    const RangeBounds& range = d.bounds(r);
    const std::string& name = d.range(r).name;
    // first offending rule -> finding, in rule order
    std::vector<std::size_t> finding_of(rules.size(), SIZE_MAX);
    for (std::uint32_t v = range.first.value; v <= range.last.value; ++v) {
      OrbitNumber n = range.first;
      n.value = v;
      const std::string number = n.to_string();
      for (std::size_t i = 0; i < rules.size(); ++i) {
        std::smatch m;
        if (!std::regex_match(number, m, compiled[i])) continue;
        const std::string out = m.format(rules[i].translation);
        if (out != number) {
          if (finding_of[i] == SIZE_MAX) {
            finding_of[i] = report.findings.size();
            report.findings.push_back({name, rules[i].name, number, out, 0,
                                       protecting_pattern(range), "$1"});
          }
          ++report.findings[finding_of[i]].numbers_affected;
        }
        break;  // the first matching rule decides
      }
    }
  }
  return report;
}

}  // namespace cpark

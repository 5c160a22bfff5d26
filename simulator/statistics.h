// Confidence intervals across independent replications (D4, D5): Student's t with n-1
// degrees of freedom on the replication means. Blocking events within a run are
// correlated, so a binomial interval on pooled counts would be far too narrow; the
// replication is the unit of independence.
#pragma once
#include <optional>
#include <vector>

namespace cpark::sim {

struct Estimate {
  double mean = 0;
  std::optional<double> half_width;  // 95 %; none with fewer than 2 replications
  int n = 0;
  double low() const { return mean - half_width.value_or(0); }
  double high() const { return mean + half_width.value_or(0); }
};

Estimate estimate(const std::vector<double>& per_replication);
double t_quantile_975(int degrees_of_freedom);

}  // namespace cpark::sim

#include "simulator/statistics.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace cpark::sim {

double t_quantile_975(int df) {
  if (df < 1) return NAN;
  // The exact quantile (a table with steps at 30, 40, 60 and 120 degrees of freedom made
  // intervals for 31-39 replications slightly too narrow).
  return boost::math::quantile(boost::math::students_t_distribution<double>(double(df)), 0.975);
}

Estimate estimate(const std::vector<double>& v) {
  Estimate e;
  e.n = int(v.size());
  if (v.empty()) return e;
  double sum = 0;
  for (double x : v) sum += x;
  e.mean = sum / double(v.size());
  if (v.size() < 2) return e;
  double ss = 0;
  for (double x : v) ss += (x - e.mean) * (x - e.mean);
  const double sd = std::sqrt(ss / double(v.size() - 1));
  e.half_width = t_quantile_975(int(v.size()) - 1) * sd / std::sqrt(double(v.size()));
  return e;
}

}  // namespace cpark::sim

// Delay distributions of the traffic model (D2): exponential, deterministic, uniform,
// lognormal and empirical (inverse CDF of observed delays from a CSV). Values are seconds.
#pragma once
#include <string>
#include <vector>

#include "common/random.h"

namespace cpark::sim {

struct Distribution {
  enum class Kind { Exponential, Deterministic, Uniform, Lognormal, Empirical };
  Kind kind = Kind::Exponential;
  double mean = 60;             // exponential, lognormal (and the deterministic value)
  double sigma = 1;             // lognormal shape (sd of the underlying normal)
  double min = 0, max = 0;      // uniform
  std::vector<double> sorted;   // empirical observations, ascending
  std::string source;           // empirical: the CSV file

  static Distribution exponential(double mean_seconds) {
    Distribution d;
    d.mean = mean_seconds;
    return d;
  }
  double sample(Random& rng) const;
  double expected() const;      // the mean, used for reports and sweeps
  void scale_mean_to(double m); // sweeps of "<delay>.mean": keeps the shape
  std::string describe() const;
};

double uniform01(Random& rng);  // in (0, 1)

// Reads observed delays in seconds, one per line (first column of a CSV; a header line
// and blank lines are skipped). Throws std::runtime_error naming file and line.
std::vector<double> read_empirical_csv(const std::string& path);

}  // namespace cpark::sim

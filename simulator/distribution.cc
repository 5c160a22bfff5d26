#include "simulator/distribution.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace cpark::sim {

double uniform01(Random& rng) { return (double((rng.next() >> 11)) + 0.5) * 0x1.0p-53; }

namespace {
double normal(Random& rng) {  // Box-Muller, one value per call (deterministic)
  const double u1 = uniform01(rng), u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}
}  // namespace

double Distribution::sample(Random& rng) const {
  switch (kind) {
    case Kind::Exponential: return -std::log(uniform01(rng)) * mean;
    case Kind::Deterministic: return mean;
    case Kind::Uniform: return min + (max - min) * uniform01(rng);
    case Kind::Lognormal: {
      const double mu = std::log(mean) - sigma * sigma / 2;  // so that E[X] = mean
      return std::exp(mu + sigma * normal(rng));
    }
    case Kind::Empirical: {
      if (sorted.size() == 1) return sorted[0];
      const double x = uniform01(rng) * double(sorted.size() - 1);
      const auto i = std::size_t(x);
      return sorted[i] + (x - double(i)) * (sorted[i + 1] - sorted[i]);
    }
  }
  return mean;
}

double Distribution::expected() const {
  switch (kind) {
    case Kind::Uniform: return (min + max) / 2;
    case Kind::Empirical: {
      // the mean of the piecewise-linear inverse CDF
      double s = 0;
      for (std::size_t i = 0; i + 1 < sorted.size(); ++i) s += (sorted[i] + sorted[i + 1]) / 2;
      return sorted.size() < 2 ? (sorted.empty() ? 0 : sorted[0]) : s / double(sorted.size() - 1);
    }
    default: return mean;
  }
}

void Distribution::scale_mean_to(double m) {
  const double old = expected();
  switch (kind) {
    case Kind::Uniform: {
      const double half = (max - min) / 2;
      min = m - half, max = m + half;
      if (min < 0) min = 0, max = 2 * m;
      break;
    }
    case Kind::Empirical:
      if (old > 0) for (auto& v : sorted) v *= m / old;
      break;
    default: mean = m;
  }
}

std::string Distribution::describe() const {
  std::ostringstream s;
  switch (kind) {
    case Kind::Exponential: s << "exponential(mean " << mean << " s)"; break;
    case Kind::Deterministic: s << "deterministic(" << mean << " s)"; break;
    case Kind::Uniform: s << "uniform(" << min << "-" << max << " s)"; break;
    case Kind::Lognormal: s << "lognormal(mean " << mean << " s, sigma " << sigma << ")"; break;
    case Kind::Empirical: s << "empirical(" << sorted.size() << " observations from " << source << ")"; break;
  }
  return s.str();
}

std::vector<double> read_empirical_csv(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot be read (empirical delays)");
  std::vector<double> v;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    const std::string field = line.substr(0, line.find(','));
    if (field.find_first_not_of(" \t\r") == std::string::npos) continue;
    char* end = nullptr;
    const double x = std::strtod(field.c_str(), &end);
    if (end == field.c_str()) {
      if (v.empty() && n == 1) continue;  // a header line
      throw std::runtime_error(path + ":" + std::to_string(n) + ": \"" + field + "\" is not a number of seconds");
    }
    if (!(x >= 0) || !std::isfinite(x))
      throw std::runtime_error(path + ":" + std::to_string(n) + ": delay " + field + " must be >= 0 seconds");
    v.push_back(x);
  }
  if (v.empty()) throw std::runtime_error(path + ": holds no delays");
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace cpark::sim

// Level normalisation (RMS target, peak limit, gain cap) and loop-point fades.
#include "media/detail/loudness.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cpark::media::detail {

float normalising_gain(std::span<const float> samples, const LoudnessTarget& target) {
  double energy = 0;
  float peak = 0;
  for (float s : samples) {
    energy += double(s) * double(s);
    peak = std::max(peak, std::fabs(s));
  }
  if (samples.empty() || peak == 0) return 1.0f;
  const double rms = std::sqrt(energy / double(samples.size()));
  const double gain = std::min({double(target.rms) / rms, double(target.peak) / double(peak),
                                double(target.max_gain)});
  return float(gain);
}

void apply_gain(std::span<float> samples, float gain) {
  for (float& s : samples) s *= gain;
}

void fade_loop_ends(std::span<float> samples, std::size_t length) {
  length = std::min(length, samples.size() / 2);
  for (std::size_t i = 0; i < length; ++i) {
    const double w = 0.5 - 0.5 * std::cos(std::numbers::pi * double(i) / double(length));
    samples[i] *= float(w);
    samples[samples.size() - 1 - i] *= float(w);
  }
}

}  // namespace cpark::media::detail

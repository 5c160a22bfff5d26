// Sample-rate conversion to 8000 Hz with libsamplerate (band-limited sinc interpolation):
// naive decimation would fold everything above 4 kHz back into the hold music as noise.
#pragma once
#include <samplerate.h>

#include <span>
#include <string>
#include <vector>

namespace cpark::media::detail {

class Resampler {
 public:
  // Converts mono audio from `input_rate` Hz to `output_rate` Hz. is_ready() is false,
  // with error() saying why, when libsamplerate refuses the ratio.
  Resampler(int input_rate, int output_rate);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  bool is_ready() const { return state_ != nullptr; }
  const std::string& error() const { return error_; }

  // Appends the output for the next piece of input to `output`. The converter keeps a
  // filter's worth of history between calls; finish() flushes it at the end.
  bool process(std::span<const float> input, std::vector<float>& output);
  bool finish(std::vector<float>& output);

 private:
  bool run(std::span<const float> input, bool is_last, std::vector<float>& output);

  SRC_STATE* state_ = nullptr;
  double ratio_;
  std::string error_;
};

}  // namespace cpark::media::detail

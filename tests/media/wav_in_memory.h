// Test helper: sound files written to memory with libsndfile (virtual I/O), so decoder
// tests build real WAV/AIFF files of any rate, width and channel count and leave no file
// behind.
#pragma once
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace cpark::media::test {

struct SoundFormat {
  int rate = 8000;
  int channels = 1;
  int subtype = SF_FORMAT_PCM_16;
  int major = SF_FORMAT_WAV;
};

class MemoryFile {
 public:
  std::string bytes;
  sf_count_t position = 0;

  static SF_VIRTUAL_IO io() {
    return SF_VIRTUAL_IO{
        [](void* u) -> sf_count_t { return sf_count_t(self(u).bytes.size()); },
        [](sf_count_t offset, int whence, void* u) -> sf_count_t {
          MemoryFile& f = self(u);
          const sf_count_t base = whence == SEEK_CUR ? f.position
                                  : whence == SEEK_END ? sf_count_t(f.bytes.size())
                                                       : 0;
          f.position = std::max<sf_count_t>(0, base + offset);
          return f.position;
        },
        [](void* out, sf_count_t count, void* u) -> sf_count_t {
          MemoryFile& f = self(u);
          const sf_count_t n = std::clamp<sf_count_t>(sf_count_t(f.bytes.size()) - f.position, 0, count);
          std::memcpy(out, f.bytes.data() + f.position, std::size_t(n));
          f.position += n;
          return n;
        },
        [](const void* in, sf_count_t count, void* u) -> sf_count_t {
          MemoryFile& f = self(u);
          const auto end = std::size_t(f.position + count);
          if (f.bytes.size() < end) f.bytes.resize(end);
          std::memcpy(f.bytes.data() + f.position, in, std::size_t(count));
          f.position += count;
          return count;
        },
        [](void* u) -> sf_count_t { return self(u).position; }};
  }

 private:
  static MemoryFile& self(void* u) { return *static_cast<MemoryFile*>(u); }
};

// A sound file holding `interleaved` samples (full scale ±1) in `format`.
inline std::string write_sound(const std::vector<float>& interleaved, const SoundFormat& format) {
  MemoryFile file;
  SF_VIRTUAL_IO io = MemoryFile::io();
  SF_INFO info{};
  info.samplerate = format.rate;
  info.channels = format.channels;
  info.format = format.major | format.subtype;
  SNDFILE* f = sf_open_virtual(&io, SFM_WRITE, &info, &file);
  if (!f) throw std::runtime_error(std::string("test cannot write sound file: ") + sf_strerror(nullptr));
  sf_writef_float(f, interleaved.data(), sf_count_t(interleaved.size() / std::size_t(format.channels)));
  sf_close(f);
  return file.bytes;
}

// `seconds` of a sine of `hz` at `amplitude`, the same in every channel.
inline std::vector<float> sine(double hz, double amplitude, double seconds, int rate, int channels = 1) {
  const auto frames = std::size_t(std::lround(seconds * rate));
  std::vector<float> samples(frames * std::size_t(channels));
  for (std::size_t i = 0; i < frames; ++i)
    for (int c = 0; c < channels; ++c)
      samples[i * std::size_t(channels) + std::size_t(c)] =
          float(amplitude * std::sin(2 * std::numbers::pi * hz * double(i) / rate));
  return samples;
}

}  // namespace cpark::media::test

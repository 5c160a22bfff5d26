// Decoding a pool's music file once: libsndfile (from memory) -> mono -> libsamplerate
// to 8000 Hz -> listening level -> G.711 µ-law, in one streaming pass plus one pass over
// the 8 kHz result (at most 10 min: 19 MB of floats while decoding, 4.7 MiB kept).
#include "media/music.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "media/detail/loudness.h"
#include "media/detail/memory_sound_file.h"
#include "media/detail/resampler.h"
#include "media/g711.h"
#include "media/rtp.h"

namespace cpark::media {

MusicBuffer::MusicBuffer(std::vector<std::uint8_t> samples, std::uint32_t loop_samples,
                         std::string description)
    : samples_(std::move(samples)), loop_samples_(loop_samples), description_(std::move(description)) {}

std::shared_ptr<const MusicBuffer> MusicBuffer::from_ulaw_loop(std::vector<std::uint8_t> loop,
                                                               std::string description) {
  if (loop.empty()) return nullptr;
  const auto loop_samples = std::uint32_t(loop.size());
  // Repeat the start after the end so every packet is one contiguous span (a loop
  // shorter than a packet repeats as often as needed).
  loop.reserve(loop.size() + kSamplesPerPacket - 1);
  for (std::uint32_t i = 0; i + 1 < kSamplesPerPacket; ++i) loop.push_back(loop[i % loop_samples]);
  return std::shared_ptr<const MusicBuffer>(
      new MusicBuffer(std::move(loop), loop_samples, std::move(description)));
}

std::chrono::milliseconds MusicBuffer::loop_duration() const {
  return std::chrono::milliseconds(std::uint64_t(loop_samples_) * 1000 / kPcmuClockRate);
}

std::span<const std::uint8_t> MusicBuffer::packet_at(std::uint32_t position) const {
  return {samples_.data() + position, kSamplesPerPacket};
}

std::uint32_t MusicBuffer::position_after(std::uint32_t position, std::uint64_t packets) const {
  return std::uint32_t((position + (packets % loop_samples_) * kSamplesPerPacket) % loop_samples_);
}

namespace {

constexpr int kOutputRate = int(kPcmuClockRate);
// libsndfile reads in pieces of this many samples (all channels), so a long file never
// sits in memory at its original rate.
constexpr std::size_t kReadSamples = 1 << 16;

Error refuse(std::string why) { return Error{std::move(why)}; }

bool is_asf(std::string_view bytes) {
  // ASF Header Object GUID 75B22630-668E-11CF-A6D9-00AA0062CE6C, as stored on disk.
  static constexpr unsigned char guid[16] = {0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11,
                                             0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C};
  return bytes.size() >= sizeof guid &&
         std::equal(std::begin(guid), std::end(guid), bytes.begin(),
                    [](unsigned char g, char b) { return g == static_cast<unsigned char>(b); });
}

bool is_wav_family(int format) {
  const int major = format & SF_FORMAT_TYPEMASK;
  return major == SF_FORMAT_WAV || major == SF_FORMAT_WAVEX || major == SF_FORMAT_RF64;
}

std::string format_name(int format) {
  SF_FORMAT_INFO info{};
  info.format = format;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &info, sizeof info) == 0 && info.name)
    return info.name;
  return "an unknown format";
}

std::string duration_text(double seconds) {
  const auto total = std::int64_t(std::floor(seconds));
  char text[48];
  if (total >= 60 && total % 60 == 0)
    std::snprintf(text, sizeof text, "%lld min", static_cast<long long>(total / 60));
  else if (total >= 60)
    std::snprintf(text, sizeof text, "%lld min %lld s", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  else
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

std::string too_long(double seconds, const MusicLimits& limits) {
  return "the music is " + duration_text(seconds) + " long; cpark plays at most " +
         duration_text(double(limits.max_duration.count())) + " (trim the file and upload it again)";
}

}  // namespace

Result<MusicPtr> decode_music(std::string_view file_bytes, const MusicLimits& limits) {
  if (file_bytes.empty()) return refuse("the music file is empty");
  if (is_asf(file_bytes))
    return refuse(
        "WMA (ASF) files cannot be played by cpark serve; upload WAV (RIFF/WAVE) music "
        "instead");

  detail::MemorySoundFile file(file_bytes);
  if (!file.handle())
    return refuse("the music file is not a WAV file cpark can read (libsndfile: " +
                  file.open_error() + ")");
  const SF_INFO& info = file.info();
  if (!is_wav_family(info.format))
    return refuse("the music file is " + format_name(info.format & SF_FORMAT_TYPEMASK) +
                  ", not WAV; upload WAV (RIFF/WAVE) music instead");
  if (info.channels < 1 || info.samplerate < 1)
    return refuse("the WAV file declares " + std::to_string(info.channels) + " channels at " +
                  std::to_string(info.samplerate) + " Hz, which is not audio");

  const double rate = info.samplerate;
  const auto max_frames = sf_count_t(double(limits.max_duration.count()) * rate);
  if (info.frames > max_frames) return refuse(too_long(double(info.frames) / rate, limits));

  std::optional<detail::Resampler> resampler;
  if (info.samplerate != kOutputRate) {
    resampler.emplace(info.samplerate, kOutputRate);
    if (!resampler->is_ready())
      return refuse("the WAV file's sample rate of " + std::to_string(info.samplerate) +
                    " Hz cannot be converted (" + resampler->error() + ")");
  }

  const auto channels = std::size_t(info.channels);
  const std::size_t frames_per_read = std::max<std::size_t>(1, kReadSamples / channels);
  std::vector<float> interleaved(frames_per_read * channels);
  std::vector<float> mono(frames_per_read);
  std::vector<float> audio;  // 8000 Hz mono
  audio.reserve(std::size_t(double(std::max<sf_count_t>(info.frames, 0)) * kOutputRate / rate) + 64);

  sf_count_t frames_read = 0;
  for (;;) {
    const sf_count_t n = sf_readf_float(file.handle(), interleaved.data(), sf_count_t(frames_per_read));
    if (n <= 0) break;
    frames_read += n;
    // A header may understate the length (streamed WAVs write 0 or -1): check as we go.
    if (frames_read > max_frames) return refuse(too_long(double(frames_read) / rate, limits));
    for (std::size_t f = 0; f < std::size_t(n); ++f) {
      // Downmix by averaging the channels; a float file's NaN or infinity is damage, and
      // becomes silence rather than poisoning the level measurement.
      float sum = 0;
      for (std::size_t c = 0; c < channels; ++c) sum += interleaved[f * channels + c];
      mono[f] = std::isfinite(sum) ? sum / float(channels) : 0.0f;
    }
    const std::span<const float> piece(mono.data(), std::size_t(n));
    if (!resampler) {
      audio.insert(audio.end(), piece.begin(), piece.end());
    } else if (!resampler->process(piece, audio)) {
      return refuse("the music could not be resampled to 8000 Hz (" + resampler->error() + ")");
    }
  }
  if (sf_error(file.handle()) != SF_ERR_NO_ERROR)
    return refuse(std::string("the WAV file is damaged (libsndfile: ") + sf_strerror(file.handle()) + ")");
  if (resampler && !resampler->finish(audio))
    return refuse("the music could not be resampled to 8000 Hz (" + resampler->error() + ")");
  if (frames_read == 0 || audio.empty()) return refuse("the WAV file holds no audio");

  detail::apply_gain(audio, detail::normalising_gain(audio));
  detail::fade_loop_ends(audio, kOutputRate / 100);  // 10 ms

  std::string description = "WAV (" + format_name(info.format & SF_FORMAT_SUBMASK) + "), " +
                            std::to_string(info.samplerate) + " Hz, " + std::to_string(info.channels) +
                            (info.channels == 1 ? " channel, " : " channels, ") +
                            duration_text(double(frames_read) / rate);
  return MusicBuffer::from_ulaw_loop(encode_ulaw(audio), std::move(description));
}

}  // namespace cpark::media

// The built-in hold tone: a pentatonic chime melody synthesised at 8000 Hz.
#include "media/hold_tone.h"

#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "media/detail/loudness.h"
#include "media/g711.h"
#include "media/rtp.h"

namespace cpark::media {

std::shared_ptr<const MusicBuffer> make_hold_tone() {
  // E5 G5 A5 G5 E5 D5 C5 D5: a C major pentatonic phrase with no leading tone, which is
  // why it can repeat for minutes without sounding unresolved. Octave 5 keeps the notes
  // and their overtones inside the 300–3400 Hz a telephone passes.
  constexpr std::array<double, 8> notes_hz = {659.26, 783.99, 880.00, 783.99,
                                              659.26, 587.33, 523.25, 587.33};
  constexpr double rate = kPcmuClockRate;
  constexpr std::size_t note_samples = kPcmuClockRate / 2;  // half a second each
  constexpr std::size_t attack = 40;                        // 5 ms: no click at onset
  constexpr std::size_t release = 400;                      // 50 ms down to true zero
  constexpr double decay_seconds = 0.18;                    // a struck bell's fade

  std::vector<float> audio(notes_hz.size() * note_samples);
  for (std::size_t n = 0; n < notes_hz.size(); ++n) {
    for (std::size_t i = 0; i < note_samples; ++i) {
      const double t = double(i) / rate;
      double envelope = std::exp(-t / decay_seconds);
      if (i < attack) envelope *= double(i) / attack;
      if (i >= note_samples - release)
        envelope *= 0.5 + 0.5 * std::cos(std::numbers::pi * double(i - (note_samples - release)) / release);
      const double phase = 2 * std::numbers::pi * notes_hz[n] * t;
      // Fundamental with a soft octave and twelfth: a chime rather than a test tone.
      const double voice = std::sin(phase) + 0.35 * std::sin(2 * phase) + 0.1 * std::sin(3 * phase);
      audio[n * note_samples + i] = float(envelope * voice);
    }
  }
  // Same listening level as uploaded music, so switching pools sounds alike. Each note
  // starts and ends at zero, so the loop is seamless without a fade.
  detail::apply_gain(audio, detail::normalising_gain(audio));
  return MusicBuffer::from_ulaw_loop(encode_ulaw(audio), "built-in hold tone (chime melody, 4 s)");
}

}  // namespace cpark::media

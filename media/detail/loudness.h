// Bringing decoded music to a telephone listening level and shaping its loop point.
// Uploaded files range from near-silent to brick-wall mastered; callers on hold should
// hear them all at about the level of a person talking, never clipped, never a click.
#pragma once
#include <span>

namespace cpark::media::detail {

struct LoudnessTarget {
  // -20 dBFS RMS: about a talker's level on a telephone line, so hold music is not
  // louder than the conversation it interrupts.
  float rms = 0.1f;
  // Peaks stay 1 dB below full scale, where µ-law would clip.
  float peak = 0.891f;
  // At most +20 dB: a nearly silent file stays quiet instead of turning hiss into music.
  float max_gain = 10.0f;
};

// The gain that brings `samples` (full scale ±1) to the target RMS, limited so that no
// peak passes the target peak and the gain never exceeds max_gain. 1 for silence.
float normalising_gain(std::span<const float> samples, const LoudnessTarget& target = {});

// Multiplies every sample by `gain`.
void apply_gain(std::span<float> samples, float gain);

// Raised-cosine fade-in over the first `length` samples and fade-out over the last ones:
// the loop's end meets its start at silence, so repeating it does not click.
void fade_loop_ends(std::span<float> samples, std::size_t length);

}  // namespace cpark::media::detail

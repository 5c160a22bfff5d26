// C4: reading a custom music-on-hold file before the store keeps its copy. Lync took
// only WMA; cpark plays WAV (RIFF/WAVE) and also accepts WMA (ASF) so files uploaded to
// a Lync deployment can be carried over. Anything else, empty or over 32 MiB is refused.
#pragma once
#include <string>

#include "common/result.h"

namespace cpark {

constexpr std::size_t kMaxMusicBytes = 32u << 20;

// The bytes of the file at `path`, or the sentence naming the file and the rule.
Result<std::string> read_music_file(const std::string& path);

}  // namespace cpark

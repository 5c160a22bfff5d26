// The built-in hold music (C4 default): played for a pool without a music file, or whose
// file cannot be played. Generated, so the product ships no audio asset.
#pragma once
#include <memory>

#include "media/music.h"

namespace cpark::media {

// A soft four-second chime melody (eight bell-like notes of a pentatonic tune) at the
// same listening level as decoded music. Every note dies away to silence within its own
// half second, so the loop repeats without a click. Build it once and share it.
std::shared_ptr<const MusicBuffer> make_hold_tone();

}  // namespace cpark::media

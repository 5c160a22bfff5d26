#include "store/music_file.h"

#include <filesystem>
#include <fstream>
#include <iterator>

namespace cpark {

Result<std::string> read_music_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail("music file \"" + path + "\" is a directory (C4)");
  std::ifstream f(path, std::ios::binary);
  if (!f) return fail("music file \"" + path + "\" cannot be read (C4)");
  // Refuse an oversized file before reading it all.
  if (const auto size = std::filesystem::file_size(path, ec); !ec && size > kMaxMusicBytes)
    return fail("music file \"" + path + "\" is " + std::to_string(size) + " bytes, over the 32 MiB limit (C4)");
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return fail("music file \"" + path + "\" is empty (C4)");
  if (bytes.size() > kMaxMusicBytes)
    return fail("music file \"" + path + "\" is " + std::to_string(bytes.size()) + " bytes, over the 32 MiB limit (C4)");
  const bool wav = bytes.size() >= 12 && bytes.compare(0, 4, "RIFF") == 0 && bytes.compare(8, 4, "WAVE") == 0;
  static const unsigned char kAsf[] = {0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11};
  const bool wma = bytes.size() >= 16 && bytes.compare(0, 8, std::string(reinterpret_cast<const char*>(kAsf), 8)) == 0;
  if (!wav && !wma) return fail("music file \"" + path + "\" is neither WAV (RIFF/WAVE) nor WMA (ASF) audio (C4)");
  return bytes;
}

}  // namespace cpark

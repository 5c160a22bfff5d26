// libsndfile virtual I/O over a read-only span of bytes.
#include "media/detail/memory_sound_file.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace cpark::media::detail {
namespace {

MemoryCursor& cursor_of(void* user) { return *static_cast<MemoryCursor*>(user); }

sf_count_t length_of(void* user) { return cursor_of(user).size; }

sf_count_t seek(sf_count_t offset, int whence, void* user) {
  MemoryCursor& c = cursor_of(user);
  sf_count_t base = whence == SEEK_CUR ? c.position : whence == SEEK_END ? c.size : 0;
  // Out-of-range seeks land on the nearest end; a read there returns nothing, which
  // libsndfile reports as a truncated or damaged file.
  c.position = std::clamp<sf_count_t>(base + offset, 0, c.size);
  return c.position;
}

sf_count_t read(void* destination, sf_count_t count, void* user) {
  MemoryCursor& c = cursor_of(user);
  const sf_count_t n = std::clamp<sf_count_t>(c.size - c.position, 0, std::max<sf_count_t>(count, 0));
  std::memcpy(destination, c.data + c.position, std::size_t(n));
  c.position += n;
  return n;
}

sf_count_t write(const void*, sf_count_t, void*) { return 0; }  // read-only

sf_count_t tell(void* user) { return cursor_of(user).position; }

SF_VIRTUAL_IO memory_io{length_of, seek, read, write, tell};

}  // namespace

MemorySoundFile::MemorySoundFile(std::string_view bytes)
    : cursor_{bytes.data(), sf_count_t(bytes.size()), 0} {
  file_ = sf_open_virtual(&memory_io, SFM_READ, &info_, &cursor_);
  if (!file_) open_error_ = sf_strerror(nullptr);
}

MemorySoundFile::~MemorySoundFile() {
  if (file_) sf_close(file_);
}

}  // namespace cpark::media::detail

// A libsndfile handle reading a file's bytes from memory (libsndfile virtual I/O): the
// store hands the music over as bytes, and decoding them must not touch the file system.
#pragma once
#include <sndfile.h>

#include <string>
#include <string_view>

namespace cpark::media::detail {

// Where libsndfile's reads are in the bytes.
struct MemoryCursor {
  const char* data;
  sf_count_t size;
  sf_count_t position;
};

class MemorySoundFile {
 public:
  // Opens `bytes` for reading; they must outlive this object. On failure handle() is
  // null and open_error() holds libsndfile's reason.
  explicit MemorySoundFile(std::string_view bytes);
  ~MemorySoundFile();
  MemorySoundFile(const MemorySoundFile&) = delete;
  MemorySoundFile& operator=(const MemorySoundFile&) = delete;

  SNDFILE* handle() const { return file_; }
  const SF_INFO& info() const { return info_; }
  const std::string& open_error() const { return open_error_; }

 private:
  MemoryCursor cursor_;  // libsndfile keeps its address: the object never moves
  SF_INFO info_{};
  SNDFILE* file_ = nullptr;
  std::string open_error_;
};

}  // namespace cpark::media::detail

// The central store (M1): one SQLite database in WAL mode holding a deployment and the
// bytes of its music files. Every change runs in one IMMEDIATE transaction: load, change
// in memory, validate the whole deployment (deployment_rules), write, commit. A change
// that breaks a rule is rolled back and leaves the database file untouched.
#pragma once
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/deployment.h"
#include "engine/deployment_rules.h"

struct sqlite3;

namespace cpark {

struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr int kStoreSchemaVersion = 1;

class Store {
 public:
  // Opens or creates the store at `path`. Throws StoreError naming the path and cause.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Deployment load() const;

  // A change returns an empty string to commit, or the sentence that rejects it.
  using Change = std::function<std::string(Deployment&)>;
  struct Result {
    bool ok = false;
    std::string error;
    std::vector<std::string> warnings;
  };
  Result update(const Change& change);

  // C4: stores a copy of a music file for `pool` (validated like any change).
  Result set_music(const std::string& pool, const std::string& file_name, const std::string& bytes);
  std::optional<std::string> music_bytes(const std::string& pool) const;

  // M4 import: replaces the whole deployment and its music in one transaction.
  Result replace(Deployment d, const std::vector<MusicBytes>& music);

 private:
  void exec(const char* sql) const;
  void create_schema();
  void save(const Deployment& d);

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace cpark

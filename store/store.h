// The central store (M1): one SQLite database in WAL mode holding a deployment and the
// bytes of its music files. Every change runs in one IMMEDIATE transaction: load, change
// in memory, validate the whole deployment (validate_deployment), write, bump the
// store's revision, commit. A change that breaks a rule is rolled back and leaves the
// database file untouched. A running server polls revision() to see admin changes; a
// guard lets the caller ask that server about the validated change before it commits
// (O7/O8 for live parks, S11), with the write lock held so nothing slips in between.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/deployment.h"
#include "engine/validated_deployment.h"

struct sqlite3;

namespace cpark {

// The store cannot be opened, read or written (not: a change broke a rule).
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Version 2 added the revision row; version 3 pool addresses (P9), users' digest
// credentials (S10) and trusted peers (S8). Older stores are upgraded in place.
constexpr int kStoreSchemaVersion = 3;

// Rules a committed change did not break but recommended practice advises against.
using Warnings = std::vector<std::string>;

class Store {
 public:
  // Opens or creates the store at `path` (and upgrades an older schema). Throws
  // StoreError naming the path and cause.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Deployment load() const;
  // The deployment and its validation in one read (what a server serves).
  Result<DeploymentPtr> load_validated() const;
  // Bumped by every committed change, by any process: cheap to poll (one indexed read).
  std::int64_t revision() const;

  // A change edits the deployment or refuses with the sentence that says why.
  using Change = std::function<Status(Deployment&)>;
  // Called with the changed deployment once it passed every rule, before it is written;
  // refusing rolls the change back.
  using Guard = std::function<Status(const Deployment& proposed)>;
  Result<Warnings> update(const Change& change, const Guard& before_commit = {});

  // C4: stores a copy of a music file for `pool` (validated like any change).
  Result<Warnings> set_music(const std::string& pool, const std::string& file_name, const std::string& bytes);
  std::optional<std::string> music_bytes(const std::string& pool) const;

  // M4 import: replaces the whole deployment and its music in one transaction.
  Result<Warnings> replace(Deployment d, const std::vector<MusicBytes>& music, const Guard& before_commit = {});

 private:
  class Transaction;
  void exec(const char* sql) const;
  void create_schema();
  void upgrade(std::int64_t from_version);
  void save(const Deployment& d);
  void bump_revision();

  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace cpark

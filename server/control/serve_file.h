// The discovery file of a running `cpark serve` (S11): `<store path>.serve.json`, written
// at startup and removed at exit, so `cpark parked`, `cpark status` and admin changes find
// the control endpoint of the server that serves a store without being told its address.
//   {"pid": 4242, "control": "127.0.0.1:5099", "domain": "contoso.com",
//    "version": "0.1.0", "started": "2026-11-23T21:14:03.512Z"}
#pragma once
#include <cstdint>
#include <string>

#include "common/result.h"

namespace cpark::server {

struct ServeFile {
  std::int64_t pid = 0;
  std::string control;  // HOST:PORT of the control endpoint
  std::string domain;
  std::string version;
  std::string started;  // ISO 8601 UTC (utc_time.h)
};

// `<store_path>.serve.json`.
std::string serve_file_path(const std::string& store_path);

// Writes the file atomically (a temporary name, then rename), so a reader never sees half
// of it.
Status write_serve_file(const std::string& store_path, const ServeFile& f);

// Removes the file if it is still the one process `pid` wrote: a server that exits never
// removes the file of another server started on the same store after it.
void remove_serve_file(const std::string& store_path, std::int64_t pid);

// The running server of `store_path`. Fails with one sentence when there is none:
// "no server running for store X" (no file), "... (stale file from pid N)" (its process
// is gone), or that the file cannot be read.
Result<ServeFile> read_serve_file(const std::string& store_path);

}  // namespace cpark::server

// M4: a deployment as a TOML text file — the format `cpark import/export` reads and
// writes and the simulator's scenario files embed (same top-level tables). Reading is
// strict: an unknown key, a wrong type or a missing value is an error that names the
// file, the line and the key, so a typo never silently becomes a default.
#pragma once
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/deployment.h"

namespace toml { inline namespace v3 { class table; class node; } }

namespace cpark {

struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DeploymentFile {
  Deployment deployment;
  struct Music { std::string pool; std::string path; };  // path resolved against the file
  std::vector<Music> music;
};

// Parses the TOML file at `path`. Throws FileError("file:line: key: problem").
DeploymentFile read_deployment_file(const std::string& path);
// Reads the deployment tables of an already parsed document; keys listed in
// `other_keys` belong to the caller (a scenario's traffic model) and are skipped.
DeploymentFile read_deployment(const toml::table& root, const std::string& path,
                               const std::set<std::string>& other_keys = {});

// Writes `d` as TOML. Music bytes go to files beside it, named in the [[music]] entries.
void write_deployment_file(const std::string& path, const Deployment& d,
                           const std::vector<MusicBytes>& music);
std::string deployment_to_toml(const Deployment& d, const std::vector<std::string>& music_paths = {});

// Helpers shared with the scenario reader: "file:line: key: problem".
[[noreturn]] void fail_at(const std::string& path, const toml::node& where, const std::string& key,
                          const std::string& problem);
void only_keys(const std::string& path, const toml::table& t, const std::set<std::string>& allowed,
               const std::string& context);

}  // namespace cpark

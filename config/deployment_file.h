// M4: a deployment as a TOML text file — the format `cpark import/export` reads and
// writes and the simulator's scenario files embed (same top-level tables). Reading is
// strict (config/toml_reader.h): an unknown key, a wrong type or a missing value is an
// error that names the file, the line and the key.
#pragma once
#include <set>
#include <string>
#include <vector>

#include "config/toml_reader.h"
#include "engine/deployment.h"

namespace cpark {

struct DeploymentFile {
  Deployment deployment;
  struct Music { std::string pool; std::string path; };  // path resolved against the file
  std::vector<Music> music;
};

// The top-level tables of a deployment.
extern const std::set<std::string> kDeploymentTables;

// Parses the TOML file at `path`. Throws FileError("file:line: key: problem").
DeploymentFile read_deployment_file(const std::string& path);
// Reads the deployment tables of an already parsed document; keys listed in
// `other_keys` belong to the caller (a scenario's traffic model) and are skipped.
DeploymentFile read_deployment(const toml::table& root, const TomlReader& reader,
                               const std::set<std::string>& other_keys = {});

// Writes `d` as TOML. Music bytes go to files beside it, named in the [[music]] entries.
// Throws FileError when a file cannot be written completely.
void write_deployment_file(const std::string& path, const Deployment& d, const std::vector<MusicBytes>& music);
std::string deployment_to_toml(const Deployment& d, const std::vector<std::string>& music_paths = {});

}  // namespace cpark

// What every `cpark` subcommand shares: the global options, the store (opened on first
// use), output in human or JSON form, and how a command fails (one line, exit code).
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "engine/deployment.h"
#include "store/store.h"

namespace cpark::cli {

// What `cpark` exits with (docs/cli.md):
//   0 done; 1 refused: a rule is broken or a file the user wrote is wrong (the message
//   names the value, or the file, line and key); 2 usage; 3 the store or an output file
//   cannot be read or written; 4 internal failure (out of memory, a bug); 130 Ctrl-C.
enum ExitCode { kOk = 0, kRejected = 1, kUsage = 2, kIoFailure = 3, kInternal = 4, kInterrupted = 130 };

// A command that cannot go ahead: printed as one line `cpark: error: …`.
struct CommandError : std::runtime_error {
  CommandError(ExitCode c, const std::string& what) : std::runtime_error(what), code(c) {}
  ExitCode code;
};

// How a change meets a running server (S11). Every committed change is announced to it
// (POST /admin/reload) so it applies at once; a change of the orbit table or the pools is
// shown to it first (POST /admin/check), and refused if it would strand live parks
// (O7/O8) unless forced.
struct ChangeOptions {
  bool check_live_parks = false;
  bool force = false;         // --force was given: go ahead; the server ends stranded parks
  bool offers_force = false;  // the command has --force (its refusal says to use it)
};

struct Context {
  std::string store_path = "./cpark.db";
  bool json = false;

  Store& store() {
    if (!store_) store_ = std::make_unique<Store>(store_path);
    return *store_;
  }
  // Runs a change; a broken rule, or a running server's refusal, becomes
  // CommandError(kRejected) and nothing is written.
  void change(const Store::Change& c, const std::string& done_message, ChangeOptions options = {});
  // Prints `j` as JSON with --json, otherwise `human`.
  void print(const nlohmann::ordered_json& j, const std::string& human) const;

 private:
  std::unique_ptr<Store> store_;
};

// JSON shapes of the model, used by --json and by the human listing.
nlohmann::ordered_json to_json(const Pool& p);
nlohmann::ordered_json to_json(const OrbitRange& r);
nlohmann::ordered_json to_json(const CallParkSettings& s);
nlohmann::ordered_json to_json(const VoicePolicy& p);
nlohmann::ordered_json to_json(const User& u);
nlohmann::ordered_json to_json(const MusicFile& m);
nlohmann::ordered_json to_json(const TrustedPeer& p);
// Lync's Format-List look: "Key : value" lines, one blank line between objects.
std::string format_list(const nlohmann::ordered_json& objects);

// The `get` commands: prints the items whose key is `only` (all of them when `only` is
// empty); naming one that does not exist is refused with `missing`.
template <class T, class KeyOf>
void print_listing(const Context& ctx, const std::vector<T>& items, KeyOf key_of, const std::string& only,
                   const std::string& missing) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (auto& x : items)
    if (only.empty() || key_of(x) == only) list.push_back(to_json(x));
  if (!only.empty() && list.empty()) throw CommandError(kRejected, missing);
  ctx.print(list, format_list(list));
}

bool parse_on_off(const std::string& value, const char* option);
std::vector<std::string> split_list(const std::string& comma_separated);

}  // namespace cpark::cli

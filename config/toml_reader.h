// Strict, typed reading of the TOML files people write (deployments, scenarios,
// normalization rules): an unknown key, a wrong type, a value out of range or a missing
// one is a FileError "file:line: key: problem", so a typo never silently becomes a
// default. Every TOML file cpark reads goes through this one reader.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace toml { inline namespace v3 { class table; class node; } }

namespace cpark {

// A file a person wrote is wrong or unreadable; the message names the file, the line
// and the key when there is one.
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses TOML text or a file. A syntax error names the file and line; a path that does
// not exist, is a directory or cannot be read says so.
toml::table parse_toml(std::string_view text, const std::string& path);
toml::table parse_toml_file(const std::string& path);
// The whole content of a text file, or FileError.
std::string read_text_file(const std::string& path);

class TomlReader {
 public:
  explicit TomlReader(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  [[noreturn]] void fail(const toml::node& where, const std::string& key, const std::string& problem) const;
  // Refuses any key of `t` not in `allowed`, listing the allowed ones.
  void only_keys(const toml::table& t, const std::set<std::string>& allowed, const std::string& context) const;

  const toml::node* get(const toml::table& t, const char* key, bool required, const std::string& context) const;
  std::string str(const toml::table& t, const char* key, const std::string& context, bool required = false,
                  std::string fallback = {}) const;
  bool boolean(const toml::table& t, const char* key, const std::string& context, bool fallback) const;
  // A whole number (an integer, or a float with no fraction) in [lo, hi].
  std::int64_t whole(const toml::table& t, const char* key, std::int64_t fallback, std::int64_t lo,
                     std::int64_t hi) const;
  // Any number in [lo, hi].
  double number(const toml::table& t, const char* key, double fallback, double lo, double hi) const;
  std::vector<std::string> strings(const toml::table& t, const char* key, const std::string& context) const;
  const toml::table& table(const toml::node& n, const std::string& key) const;

  // Calls f(table, "key[i]") for every table of the array of tables `key` of `root`.
  template <class F>
  void each(const toml::table& root, const char* key, F&& f) const;

 private:
  const toml::node* array_of_tables(const toml::table& root, const char* key) const;
  std::size_t size_of(const toml::node& array) const;
  const toml::table& table_at(const toml::node& array, std::size_t i) const;

  std::string path_;
};

template <class F>
void TomlReader::each(const toml::table& root, const char* key, F&& f) const {
  const toml::node* a = array_of_tables(root, key);
  if (!a) return;
  for (std::size_t i = 0, n = size_of(*a); i < n; ++i)
    f(table_at(*a, i), std::string(key) + "[" + std::to_string(i) + "]");
}

}  // namespace cpark

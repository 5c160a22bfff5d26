#include "config/toml_reader.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace cpark {

namespace fs = std::filesystem;

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw FileError(path + ": is a directory, not a file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw FileError(path + ": cannot be read (" + (fs::exists(path, ec) ? "permission denied?" : "no such file") + ")");
  std::stringstream ss;
  ss << f.rdbuf();
  if (f.bad()) throw FileError(path + ": read error");
  return ss.str();
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw FileError(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
}

toml::table parse_toml_file(const std::string& path) { return parse_toml(read_text_file(path), path); }

void TomlReader::fail(const toml::node& where, const std::string& key, const std::string& problem) const {
  throw FileError(path_ + ":" + std::to_string(where.source().begin.line) + ": " + key + ": " + problem);
}

void TomlReader::only_keys(const toml::table& t, const std::set<std::string>& allowed,
                           const std::string& context) const {
  for (auto& [k, v] : t)
    if (!allowed.count(std::string(k.str()))) {
      std::string list;
      for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail(v, std::string(k.str()), "unknown key in " + context + " (expected one of: " + list + ")");
    }
}

const toml::node* TomlReader::get(const toml::table& t, const char* key, bool required,
                                  const std::string& context) const {
  const toml::node* n = t.get(key);
  if (!n && required) fail(t, key, "missing in " + context);
  return n;
}

std::string TomlReader::str(const toml::table& t, const char* key, const std::string& context, bool required,
                            std::string fallback) const {
  const toml::node* n = get(t, key, required, context);
  if (!n) return fallback;
  if (!n->is_string()) fail(*n, key, "must be a string");
  return *n->value<std::string>();
}

bool TomlReader::boolean(const toml::table& t, const char* key, const std::string& context, bool fallback) const {
  const toml::node* n = get(t, key, false, context);
  if (!n) return fallback;
  if (!n->is_boolean()) fail(*n, key, "must be true or false");
  return *n->value<bool>();
}

namespace {
std::string show(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}
}  // namespace

std::int64_t TomlReader::whole(const toml::table& t, const char* key, std::int64_t fallback, std::int64_t lo,
                               std::int64_t hi) const {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  std::int64_t v = 0;
  if (n->is_integer()) {
    v = *n->value<std::int64_t>();
  } else if (n->is_floating_point()) {
    const double d = *n->value<double>();
    if (!std::isfinite(d) || d != std::floor(d) || std::abs(d) > 9e18)
      fail(*n, key, show(d) + " must be a whole number");
    v = std::int64_t(d);
  } else {
    fail(*n, key, "must be a whole number");
  }
  if (v < lo || v > hi) fail(*n, key, std::to_string(v) + " is outside " + std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

double TomlReader::number(const toml::table& t, const char* key, double fallback, double lo, double hi) const {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (!n->is_number()) fail(*n, key, "must be a number");
  const double v = n->is_integer() ? double(*n->value<std::int64_t>()) : *n->value<double>();
  if (!(v >= lo && v <= hi)) fail(*n, key, show(v) + " is outside " + show(lo) + " to " + show(hi));
  return v;
}

std::vector<std::string> TomlReader::strings(const toml::table& t, const char* key, const std::string& context) const {
  const toml::node* n = get(t, key, false, context);
  if (!n) return {};
  std::vector<std::string> out;
  auto* a = n->as_array();
  if (!a) fail(*n, key, "must be a list of strings");
  for (auto& e : *a) {
    if (!e.is_string()) fail(e, key, "must be a list of strings");
    out.push_back(*e.value<std::string>());
  }
  return out;
}

const toml::table& TomlReader::table(const toml::node& n, const std::string& key) const {
  if (!n.is_table()) fail(n, key, "must be a table");
  return *n.as_table();
}

const toml::node* TomlReader::array_of_tables(const toml::table& root, const char* key) const {
  const toml::node* n = root.get(key);
  if (!n) return nullptr;
  auto* a = n->as_array();
  if (!a || !a->is_array_of_tables()) fail(*n, key, "must be an array of tables ([[" + std::string(key) + "]])");
  return n;
}

std::size_t TomlReader::size_of(const toml::node& array) const { return array.as_array()->size(); }

const toml::table& TomlReader::table_at(const toml::node& array, std::size_t i) const {
  return *(*array.as_array())[i].as_table();
}

}  // namespace cpark

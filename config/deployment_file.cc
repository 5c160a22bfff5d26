#include "config/deployment_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace cpark {

namespace fs = std::filesystem;

void fail_at(const std::string& path, const toml::node& where, const std::string& key,
             const std::string& problem) {
  throw FileError(path + ":" + std::to_string(where.source().begin.line) + ": " + key + ": " + problem);
}

void only_keys(const std::string& path, const toml::table& t, const std::set<std::string>& allowed,
               const std::string& context) {
  for (auto& [k, v] : t)
    if (!allowed.count(std::string(k.str()))) {
      std::string list;
      for (auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      fail_at(path, v, std::string(k.str()), "unknown key in " + context + " (expected one of: " + list + ")");
    }
}

namespace {

struct Reader {
  const std::string& path;

  const toml::node* get(const toml::table& t, const char* key, bool required, const std::string& ctx) const {
    const toml::node* n = t.get(key);
    if (!n && required) fail_at(path, t, key, "missing in " + ctx);
    return n;
  }
  std::string str(const toml::table& t, const char* key, const std::string& ctx, bool required = false,
                  std::string def = {}) const {
    const toml::node* n = get(t, key, required, ctx);
    if (!n) return def;
    if (auto v = n->value<std::string>(); v && n->is_string()) return *v;
    fail_at(path, *n, key, "must be a string");
  }
  std::int64_t integer(const toml::table& t, const char* key, const std::string& ctx, std::int64_t def) const {
    const toml::node* n = get(t, key, false, ctx);
    if (!n) return def;
    if (n->is_integer()) return *n->value<std::int64_t>();
    fail_at(path, *n, key, "must be a whole number");
  }
  bool boolean(const toml::table& t, const char* key, const std::string& ctx, bool def) const {
    const toml::node* n = get(t, key, false, ctx);
    if (!n) return def;
    if (n->is_boolean()) return *n->value<bool>();
    fail_at(path, *n, key, "must be true or false");
  }
  std::vector<std::string> strings(const toml::table& t, const char* key, const std::string& ctx) const {
    const toml::node* n = get(t, key, false, ctx);
    if (!n) return {};
    std::vector<std::string> out;
    if (auto* a = n->as_array()) {
      for (auto& e : *a) {
        if (!e.is_string()) fail_at(path, e, key, "must be a list of strings");
        out.push_back(*e.value<std::string>());
      }
      return out;
    }
    fail_at(path, *n, key, "must be a list of strings");
  }
  // Calls f(table, context) for every table of the array `key`.
  template <class F>
  void each(const toml::table& root, const char* key, F&& f) const {
    const toml::node* n = root.get(key);
    if (!n) return;
    auto* a = n->as_array();
    if (!a || !a->is_array_of_tables()) fail_at(path, *n, key, "must be an array of tables ([[" + std::string(key) + "]])");
    int i = 0;
    for (auto& e : *a) f(*e.as_table(), std::string(key) + "[" + std::to_string(i++) + "]");
  }
};

}  // namespace

DeploymentFile read_deployment(const toml::table& root, const std::string& path,
                               const std::set<std::string>& other_keys) {
  std::set<std::string> top = {"pools", "orbit_ranges", "call_park_settings", "voice_policies", "users", "music"};
  top.insert(other_keys.begin(), other_keys.end());
  only_keys(path, root, top, "the deployment");
  Reader r{path};
  DeploymentFile out;
  Deployment& d = out.deployment;
  r.each(root, "pools", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"name", "site", "call_park", "orbit_choice"}, ctx);
    Pool p;
    p.name = r.str(t, "name", ctx, true);
    p.site = r.str(t, "site", ctx);
    p.call_park_enabled = r.boolean(t, "call_park", ctx, true);
    const std::string choice = r.str(t, "orbit_choice", ctx, false, "next");
    auto c = parse_orbit_choice(choice);
    if (!c) fail_at(path, *t.get("orbit_choice"), "orbit_choice", "\"" + choice + "\" must be next, first or random (O9)");
    p.orbit_choice = *c;
    d.pools.push_back(std::move(p));
  });
  r.each(root, "orbit_ranges", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"name", "start", "end", "service", "type"}, ctx);
    OrbitRange o;
    o.name = r.str(t, "name", ctx, true);
    o.start = r.str(t, "start", ctx, true);
    o.end = r.str(t, "end", ctx, true);
    o.pool = r.str(t, "service", ctx, true);
    const std::string type = r.str(t, "type", ctx, false, "CallPark");
    auto ty = parse_range_type(type);
    if (!ty) fail_at(path, *t.get("type"), "type", "\"" + type + "\" must be CallPark or GroupPickup (O1)");
    o.type = *ty;
    if (auto e = validate_range(o); !e.empty()) fail_at(path, t, ctx, e);
    if (!d.find_pool(o.pool)) d.ensure_pool(o.pool);
    d.ranges.push_back(std::move(o));
  });
  r.each(root, "call_park_settings", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"scope", "timeout", "max_attempts", "fallback", "music", "ring_time"}, ctx);
    CallParkSettings s;
    s.scope = r.str(t, "scope", ctx, false, "global");
    s.timeout_seconds = r.integer(t, "timeout", ctx, s.timeout_seconds);
    s.max_attempts = int(r.integer(t, "max_attempts", ctx, s.max_attempts));
    s.fallback_uri = r.str(t, "fallback", ctx);
    s.music_on_hold = r.boolean(t, "music", ctx, true);
    s.ring_seconds = r.integer(t, "ring_time", ctx, s.ring_seconds);
    d.settings.push_back(std::move(s));
  });
  r.each(root, "voice_policies", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"name", "call_park"}, ctx);
    d.policies.push_back({r.str(t, "name", ctx, true), r.boolean(t, "call_park", ctx, false)});
  });
  r.each(root, "users", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"name", "extension", "line", "policy", "pool", "pickup_group", "private_line",
                        "friends_family", "delegates", "team_members", "simultaneous_ring",
                        "ring_timeout", "no_answer_target", "homed_online"}, ctx);
    User u;
    u.name = r.str(t, "name", ctx, true);
    u.extension = r.str(t, "extension", ctx, true);
    u.line = r.str(t, "line", ctx);
    u.policy = r.str(t, "policy", ctx);
    u.pool = r.str(t, "pool", ctx, true);
    u.pickup_group = r.str(t, "pickup_group", ctx);
    u.private_line = r.str(t, "private_line", ctx);
    u.friends_family = r.strings(t, "friends_family", ctx);
    u.delegates = r.strings(t, "delegates", ctx);
    u.team_members = r.strings(t, "team_members", ctx);
    u.simultaneous_ring = r.strings(t, "simultaneous_ring", ctx);
    u.ring_timeout_seconds = r.integer(t, "ring_timeout", ctx, u.ring_timeout_seconds);
    u.no_answer_target = r.str(t, "no_answer_target", ctx);
    u.homed_online = r.boolean(t, "homed_online", ctx, false);
    d.users.push_back(std::move(u));
  });
  r.each(root, "music", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"service", "file"}, ctx);
    const std::string file = r.str(t, "file", ctx, true);
    fs::path p = fs::path(path).parent_path() / file;
    out.music.push_back({r.str(t, "service", ctx, true), p.string()});
  });
  if (!d.find_settings("global")) d.settings.insert(d.settings.begin(), CallParkSettings{});
  return out;
}

DeploymentFile read_deployment_file(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw FileError(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  return read_deployment(root, path);
}

std::string deployment_to_toml(const Deployment& d, const std::vector<std::string>& music_paths) {
  toml::table root;
  auto list = [](const std::vector<std::string>& v) { toml::array a; for (auto& s : v) a.push_back(s); return a; };
  toml::array pools, ranges, settings, policies, users, music;
  for (auto& p : d.pools)
    pools.push_back(toml::table{{"name", p.name}, {"site", p.site}, {"call_park", p.call_park_enabled},
                                {"orbit_choice", to_string(p.orbit_choice)}});
  for (auto& r : d.ranges)
    ranges.push_back(toml::table{{"name", r.name}, {"start", r.start}, {"end", r.end},
                                 {"service", r.pool}, {"type", to_string(r.type)}});
  for (auto& s : d.settings)
    settings.push_back(toml::table{{"scope", s.scope}, {"timeout", s.timeout_seconds},
                                   {"max_attempts", s.max_attempts}, {"fallback", s.fallback_uri},
                                   {"music", s.music_on_hold}, {"ring_time", s.ring_seconds}});
  for (auto& p : d.policies) policies.push_back(toml::table{{"name", p.name}, {"call_park", p.enable_call_park}});
  for (auto& u : d.users) {
    toml::table t{{"name", u.name}, {"extension", u.extension}, {"pool", u.pool},
                  {"ring_timeout", u.ring_timeout_seconds}, {"homed_online", u.homed_online}};
    auto put = [&](const char* k, const std::string& v) { if (!v.empty()) t.insert(k, v); };
    auto put_list = [&](const char* k, const std::vector<std::string>& v) { if (!v.empty()) t.insert(k, list(v)); };
    put("line", u.line);
    put("policy", u.policy);
    put("pickup_group", u.pickup_group);
    put("private_line", u.private_line);
    put("no_answer_target", u.no_answer_target);
    put_list("friends_family", u.friends_family);
    put_list("delegates", u.delegates);
    put_list("team_members", u.team_members);
    put_list("simultaneous_ring", u.simultaneous_ring);
    users.push_back(std::move(t));
  }
  for (std::size_t i = 0; i < d.music.size() && i < music_paths.size(); ++i)
    music.push_back(toml::table{{"service", d.music[i].pool}, {"file", music_paths[i]}});
  if (!pools.empty()) root.insert("pools", std::move(pools));
  if (!ranges.empty()) root.insert("orbit_ranges", std::move(ranges));
  if (!settings.empty()) root.insert("call_park_settings", std::move(settings));
  if (!policies.empty()) root.insert("voice_policies", std::move(policies));
  if (!users.empty()) root.insert("users", std::move(users));
  if (!music.empty()) root.insert("music", std::move(music));
  std::ostringstream out;
  out << "# cpark deployment (M4): import with `cpark import FILE`\n\n" << root << "\n";
  return out.str();
}

void write_deployment_file(const std::string& path, const Deployment& d, const std::vector<MusicBytes>& music) {
  std::vector<std::string> music_paths;
  const fs::path dir = fs::path(path).parent_path();
  for (auto& m : d.music) {
    std::string rel = fs::path(path).stem().string() + "-music/" + m.pool + "-" + fs::path(m.file_name).filename().string();
    for (auto& b : music)
      if (b.pool == m.pool) {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream f(dir / rel, std::ios::binary);
        f.write(b.bytes.data(), std::streamsize(b.bytes.size()));
        if (!f) throw FileError(path + ": cannot write music file " + (dir / rel).string());
      }
    music_paths.push_back(rel);
  }
  std::ofstream f(path);
  f << deployment_to_toml(d, music_paths);
  if (!f) throw FileError(path + ": cannot write");
}

}  // namespace cpark

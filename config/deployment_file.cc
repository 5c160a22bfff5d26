#include "config/deployment_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <type_traits>

#include "engine/user_fields.h"

namespace cpark {

namespace fs = std::filesystem;

const std::set<std::string> kDeploymentTables = {"pools", "orbit_ranges", "call_park_settings",
                                                 "voice_policies", "users", "music", "trusted_peers"};

namespace {

User read_user(const TomlReader& r, const toml::table& t, const std::string& ctx) {
  std::set<std::string> keys;
  for_each_user_field([&](const UserField& f, auto) { keys.insert(f.key); });
  r.only_keys(t, keys, ctx);
  User u;
  for_each_user_field([&](const UserField& f, auto member) {
    auto& field = u.*member;
    using M = std::remove_cvref_t<decltype(field)>;
    if constexpr (std::is_same_v<M, std::string>) field = r.str(t, f.key, ctx, f.required);
    else if constexpr (std::is_same_v<M, std::vector<std::string>>) field = r.strings(t, f.key, ctx);
    else if constexpr (std::is_same_v<M, bool>) field = r.boolean(t, f.key, ctx, field);
    else field = r.whole(t, f.key, field, INT64_MIN, INT64_MAX);
  });
  return u;
}

}  // namespace

DeploymentFile read_deployment(const toml::table& root, const TomlReader& r, const std::set<std::string>& other_keys) {
  std::set<std::string> top = kDeploymentTables;
  top.insert(other_keys.begin(), other_keys.end());
  r.only_keys(root, top, "the deployment");
  DeploymentFile out;
  Deployment& d = out.deployment;
  r.each(root, "pools", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"name", "site", "call_park", "orbit_choice", "address"}, ctx);
    Pool p;
    p.name = r.str(t, "name", ctx, true);
    p.site = r.str(t, "site", ctx);
    p.address = r.str(t, "address", ctx);
    if (!p.address.empty() && !is_pool_address(p.address))
      r.fail(*t.get("address"), "address",
             "\"" + p.address + "\" must be a sip: URI with a host, like sip:pool2.contoso.com:5060 (P9)");
    p.call_park_enabled = r.boolean(t, "call_park", ctx, true);
    const std::string choice = r.str(t, "orbit_choice", ctx, false, "next");
    auto c = parse_orbit_choice(choice);
    if (!c) r.fail(*t.get("orbit_choice"), "orbit_choice", "\"" + choice + "\" must be next, first or random (O9)");
    p.orbit_choice = *c;
    d.pools.push_back(std::move(p));
  });
  r.each(root, "orbit_ranges", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"name", "start", "end", "service", "type"}, ctx);
    OrbitRange o;
    o.name = r.str(t, "name", ctx, true);
    o.start = r.str(t, "start", ctx, true);
    o.end = r.str(t, "end", ctx, true);
    o.pool = r.str(t, "service", ctx, true);
    const std::string type = r.str(t, "type", ctx, false, "CallPark");
    auto ty = parse_range_type(type);
    if (!ty) r.fail(*t.get("type"), "type", "\"" + type + "\" must be CallPark or GroupPickup (O1)");
    o.type = *ty;
    if (auto b = validate_range(o); !b) r.fail(t, ctx, b.message());
    d.ensure_pool(o.pool);
    d.ranges.push_back(std::move(o));
  });
  r.each(root, "call_park_settings", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"scope", "timeout", "max_attempts", "fallback", "music", "ring_time"}, ctx);
    CallParkSettings s;
    s.scope = r.str(t, "scope", ctx, false, "global");
    s.timeout_seconds = r.whole(t, "timeout", s.timeout_seconds, INT64_MIN, INT64_MAX);
    s.max_attempts = int(r.whole(t, "max_attempts", s.max_attempts, INT32_MIN, INT32_MAX));
    s.fallback_uri = r.str(t, "fallback", ctx);
    s.music_on_hold = r.boolean(t, "music", ctx, true);
    s.ring_seconds = r.whole(t, "ring_time", s.ring_seconds, INT64_MIN, INT64_MAX);
    d.settings.push_back(std::move(s));
  });
  r.each(root, "voice_policies", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"name", "call_park"}, ctx);
    d.policies.push_back({r.str(t, "name", ctx, true), r.boolean(t, "call_park", ctx, false)});
  });
  r.each(root, "users", [&](const toml::table& t, const std::string& ctx) { d.users.push_back(read_user(r, t, ctx)); });
  r.each(root, "trusted_peers", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"name", "address"}, ctx);
    TrustedPeer p{r.str(t, "name", ctx, true), r.str(t, "address", ctx, true)};
    if (!parse_peer_address(p.address))
      r.fail(*t.get("address"), "address",
             "\"" + p.address + "\" must be an IPv4 or IPv6 address, optionally with a port: 10.0.0.5, "
             "10.0.0.5:5060 or [2001:db8::5]:5060 (S8)");
    d.trusted_peers.push_back(std::move(p));
  });
  r.each(root, "music", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"service", "file"}, ctx);
    const std::string file = r.str(t, "file", ctx, true);
    fs::path p = fs::path(r.path()).parent_path() / file;
    out.music.push_back({r.str(t, "service", ctx, true), p.string()});
  });
  if (!d.find_settings("global")) d.settings.insert(d.settings.begin(), CallParkSettings{});
  return out;
}

DeploymentFile read_deployment_file(const std::string& path) {
  return read_deployment(parse_toml_file(path), TomlReader(path));
}

std::string deployment_to_toml(const Deployment& d, const std::vector<std::string>& music_paths) {
  toml::table root;
  auto list = [](const std::vector<std::string>& v) { toml::array a; for (auto& s : v) a.push_back(s); return a; };
  toml::array pools, ranges, settings, policies, users, music, peers;
  for (auto& p : d.pools) {
    toml::table t{{"name", p.name}, {"site", p.site}, {"call_park", p.call_park_enabled},
                  {"orbit_choice", to_string(p.orbit_choice)}};
    if (!p.address.empty()) t.insert("address", p.address);  // P9, when known
    pools.push_back(std::move(t));
  }
  for (auto& r : d.ranges)
    ranges.push_back(toml::table{{"name", r.name}, {"start", r.start}, {"end", r.end},
                                 {"service", r.pool}, {"type", to_string(r.type)}});
  for (auto& s : d.settings)
    settings.push_back(toml::table{{"scope", s.scope}, {"timeout", s.timeout_seconds},
                                   {"max_attempts", s.max_attempts}, {"fallback", s.fallback_uri},
                                   {"music", s.music_on_hold}, {"ring_time", s.ring_seconds}});
  for (auto& p : d.policies) policies.push_back(toml::table{{"name", p.name}, {"call_park", p.enable_call_park}});
  for (auto& u : d.users) {
    toml::table t;
    for_each_user_field([&](const UserField& f, auto member) {
      const auto& field = u.*member;
      using M = std::remove_cvref_t<decltype(field)>;
      // Numbers and switches always; text and lists only when set (empty is the default).
      if constexpr (std::is_same_v<M, std::vector<std::string>>) {
        if (!field.empty()) t.insert(f.key, list(field));
      } else if constexpr (std::is_same_v<M, std::string>) {
        if (!field.empty() || f.required) t.insert(f.key, field);
      } else {
        t.insert(f.key, field);
      }
    });
    users.push_back(std::move(t));
  }
  for (auto& p : d.trusted_peers) peers.push_back(toml::table{{"name", p.name}, {"address", p.address}});
  for (std::size_t i = 0; i < d.music.size() && i < music_paths.size(); ++i)
    music.push_back(toml::table{{"service", d.music[i].pool}, {"file", music_paths[i]}});
  if (!pools.empty()) root.insert("pools", std::move(pools));
  if (!ranges.empty()) root.insert("orbit_ranges", std::move(ranges));
  if (!settings.empty()) root.insert("call_park_settings", std::move(settings));
  if (!policies.empty()) root.insert("voice_policies", std::move(policies));
  if (!users.empty()) root.insert("users", std::move(users));
  if (!peers.empty()) root.insert("trusted_peers", std::move(peers));
  if (!music.empty()) root.insert("music", std::move(music));
  std::ostringstream out;
  out << "# cpark deployment (M4): import with `cpark import FILE`\n\n" << root << "\n";
  return out.str();
}

namespace {
// Writes `bytes` to `path` through a temporary name, so a failed write never leaves a
// truncated file where a complete one was expected.
void write_whole_file(const fs::path& path, const std::string& bytes, const std::string& what) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), std::streamsize(bytes.size()));
    f.flush();
    if (!f) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw FileError(path.string() + ": cannot write " + what);
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw FileError(path.string() + ": cannot write " + what + " (" + ec.message() + ")");
  }
}
}  // namespace

void write_deployment_file(const std::string& path, const Deployment& d, const std::vector<MusicBytes>& music) {
  std::vector<std::string> music_paths;
  const fs::path dir = fs::path(path).parent_path();
  for (auto& m : d.music) {
    std::string rel = fs::path(path).stem().string() + "-music/" + m.pool + "-" + fs::path(m.file_name).filename().string();
    for (auto& b : music)
      if (b.pool == m.pool) {
        std::error_code ec;
        fs::create_directories((dir / rel).parent_path(), ec);
        write_whole_file(dir / rel, b.bytes, "the music file");
      }
    music_paths.push_back(rel);
  }
  write_whole_file(path, deployment_to_toml(d, music_paths), "the deployment file");
}

}  // namespace cpark

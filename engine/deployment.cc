#include "engine/deployment.h"

#include <algorithm>

namespace cpark {

const char* to_string(OrbitChoice c) {
  switch (c) {
    case OrbitChoice::Next: return "next";
    case OrbitChoice::First: return "first";
    case OrbitChoice::Random: return "random";
  }
  return "next";
}

std::optional<OrbitChoice> parse_orbit_choice(std::string_view s) {
  if (s == "next") return OrbitChoice::Next;
  if (s == "first") return OrbitChoice::First;
  if (s == "random") return OrbitChoice::Random;
  return std::nullopt;
}

namespace {
template <class V, class F>
auto find_by(V& v, F&& pred) -> decltype(&*v.begin()) {
  auto it = std::find_if(v.begin(), v.end(), pred);
  return it == v.end() ? nullptr : &*it;
}
}  // namespace

const Pool* Deployment::find_pool(std::string_view n) const {
  return find_by(pools, [&](auto& p) { return p.name == n; });
}
Pool* Deployment::find_pool(std::string_view n) {
  return find_by(pools, [&](auto& p) { return p.name == n; });
}
const OrbitRange* Deployment::find_range(std::string_view n) const {
  return find_by(ranges, [&](auto& r) { return r.name == n; });
}
OrbitRange* Deployment::find_range(std::string_view n) {
  return find_by(ranges, [&](auto& r) { return r.name == n; });
}
const CallParkSettings* Deployment::find_settings(std::string_view s) const {
  return find_by(settings, [&](auto& c) { return c.scope == s; });
}
const VoicePolicy* Deployment::find_policy(std::string_view n) const {
  return find_by(policies, [&](auto& p) { return p.name == n; });
}
const User* Deployment::find_user(std::string_view n) const {
  return find_by(users, [&](auto& u) { return u.name == n; });
}
User* Deployment::find_user(std::string_view n) {
  return find_by(users, [&](auto& u) { return u.name == n; });
}
const MusicFile* Deployment::find_music(std::string_view p) const {
  return find_by(music, [&](auto& m) { return m.pool == p; });
}

Pool& Deployment::ensure_pool(std::string_view name) {
  if (auto* p = find_pool(name)) return *p;
  Pool p;
  p.name = std::string(name);
  pools.push_back(std::move(p));
  return pools.back();
}

CallParkSettings Deployment::effective_settings(std::string_view pool) const {
  if (auto* s = find_settings("service:" + std::string(pool))) return *s;
  if (auto* p = find_pool(pool); p && !p->site.empty())
    if (auto* s = find_settings("site:" + p->site)) return *s;
  if (auto* s = find_settings("global")) return *s;
  return CallParkSettings{};
}

bool Deployment::call_park_enabled_for(const User& u) const {
  if (!u.policy.empty())
    if (auto* p = find_policy(u.policy)) return p->enable_call_park;
  if (auto* pool = find_pool(u.pool); pool && !pool->site.empty())
    if (auto* p = find_policy("site:" + pool->site)) return p->enable_call_park;
  if (auto* p = find_policy("global")) return p->enable_call_park;
  return false;
}

}  // namespace cpark

#include "engine/deployment_rules.h"

#include <algorithm>
#include <map>
#include <boost/unordered/unordered_flat_set.hpp>

#include "engine/validated_deployment.h"

namespace cpark {

namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Collects every broken rule; the first one is what a person is told.
struct Findings {
  std::vector<std::string> errors, warnings;
};

// The range of `ranges` (with `bounds`) that holds `n`, or null.
const OrbitRange* containing(const std::vector<OrbitRange>& ranges, const std::vector<RangeBounds>& bounds,
                             const std::vector<bool>& parsed, const OrbitNumber& n) {
  for (std::size_t i = 0; i < ranges.size(); ++i)
    if (parsed[i] && bounds[i].contains(n)) return &ranges[i];
  return nullptr;
}

void check_ranges(const Deployment& d, std::vector<RangeBounds>& bounds, std::vector<bool>& parsed, Findings& v) {
  boost::unordered_flat_set<std::string_view> names;
  bounds.assign(d.ranges.size(), RangeBounds{});
  parsed.assign(d.ranges.size(), false);
  for (std::size_t i = 0; i < d.ranges.size(); ++i) {
    const OrbitRange& r = d.ranges[i];
    if (!names.insert(r.name).second) {
      v.errors.push_back("range name \"" + r.name + "\" is used twice (O1: names are unique)");
      continue;
    }
    auto b = validate_range(r);
    if (!b) {
      v.errors.push_back(b.message());
      continue;
    }
    bounds[i] = *b;
    parsed[i] = true;
    if (!d.find_pool(r.pool))
      v.errors.push_back(r.describe() + ": service \"" + r.pool + "\" is not a known pool (O1)");
    if (b->size() > kRecommendedRangeSize)
      v.warnings.push_back(r.describe() + " holds " + std::to_string(b->size()) +
                           " numbers; ranges of 100 or fewer are recommended (O5)");
  }
  // O4: CallPark and GroupPickup ranges share one number space. Sorted by first number,
  // a range can only overlap ranges that start before its end.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < d.ranges.size(); ++i)
    if (parsed[i]) order.push_back(i);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) {
    return bounds[a].first.key() != bounds[b].first.key() ? bounds[a].first.key() < bounds[b].first.key() : a < b;
  });
  std::vector<std::pair<std::size_t, std::size_t>> overlapping;
  for (std::size_t k = 0; k < order.size(); ++k)
    for (std::size_t m = k + 1; m < order.size() && bounds[order[m]].first.key() <= bounds[order[k]].last.key(); ++m)
      if (bounds[order[k]].overlaps(bounds[order[m]]))
        overlapping.emplace_back(std::min(order[k], order[m]), std::max(order[k], order[m]));
  std::sort(overlapping.begin(), overlapping.end());  // report in the order the ranges were written
  for (auto [a, b] : overlapping)
    v.errors.push_back(d.ranges[b].describe() + " overlaps " + d.ranges[a].describe() +
                       " (O4: ranges never overlap, whatever their type)");
  std::map<std::string, std::uint64_t> per_pool;
  for (std::size_t i = 0; i < d.ranges.size(); ++i)
    if (parsed[i]) per_pool[d.ranges[i].pool] += bounds[i].size();
  for (auto& [pool, n] : per_pool)
    if (n > kMaxNumbersPerPool)
      v.errors.push_back("pool \"" + pool + "\" would own " + std::to_string(n) +
                         " numbers, more than the 50,000 allowed per pool (O5)");
}

void check_number_outside_ranges(const Deployment& d, const std::vector<RangeBounds>& bounds,
                                 const std::vector<bool>& parsed, const User& u, const std::string& number,
                                 const char* what, Findings& v) {
  if (number.empty()) return;
  auto n = parse_orbit_number(number);
  if (!n) return;  // not orbit-shaped (E.164 etc.), cannot collide
  if (auto* r = containing(d.ranges, bounds, parsed, *n))
    v.errors.push_back("user \"" + u.name + "\" " + what + " " + number + " falls inside " + r->describe() +
                       " (O6: orbit numbers are virtual extensions)");
}

bool is_lower_hex(std::string_view s, std::size_t digits) {
  if (s.size() != digits) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// S10: the store keeps HA1s, never a password; a realm and both HA1s come together.
void check_credentials(const User& u, Findings& v) {
  const std::string who = "user \"" + u.name + "\"";
  if (u.digest_realm.empty() && u.ha1_md5.empty() && u.ha1_sha256.empty()) return;
  if (u.digest_realm.empty() || u.ha1_md5.empty() || u.ha1_sha256.empty()) {
    v.errors.push_back(who + " has only part of its digest credentials (digest_realm, ha1_md5 and ha1_sha256 "
                       "are set together; set them with `cpark user set " + u.name + " --password`) (S10)");
    return;
  }
  if (!is_lower_hex(u.ha1_md5, 32))
    v.errors.push_back(who + " ha1_md5 \"" + u.ha1_md5 +
                       "\" must be 32 lower-case hex digits, the MD5 HA1 of the password (S10)");
  if (!is_lower_hex(u.ha1_sha256, 64))
    v.errors.push_back(who + " ha1_sha256 \"" + u.ha1_sha256 +
                       "\" must be 64 lower-case hex digits, the SHA-256 HA1 of the password (S10)");
  for (char c : u.digest_realm)
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\' || c == 0x7f) {
      v.errors.push_back(who + " digest realm \"" + u.digest_realm +
                         "\" may not hold quotes, backslashes or control characters (S10)");
      break;
    }
}

// S8: trusted peers have unique names and addresses a server can compare.
void check_trusted_peers(const Deployment& d, Findings& v) {
  boost::unordered_flat_set<std::string_view> names;
  std::vector<std::pair<PeerAddress, const TrustedPeer*>> seen;
  for (auto& p : d.trusted_peers) {
    if (p.name.empty()) v.errors.push_back("a trusted peer has an empty name (S8)");
    else if (!names.insert(p.name).second)
      v.errors.push_back("trusted peer \"" + p.name + "\" is defined twice (S8: names are unique)");
    auto a = parse_peer_address(p.address);
    if (!a) {
      v.errors.push_back("trusted peer \"" + p.name + "\" address \"" + p.address +
                         "\" must be an IPv4 or IPv6 address, optionally with a port: 10.0.0.5, "
                         "10.0.0.5:5060 or [2001:db8::5]:5060 (S8)");
      continue;
    }
    for (auto& [other, peer] : seen)
      if (other.ip == a->ip && other.port == a->port)
        v.errors.push_back("trusted peer \"" + p.name + "\" address \"" + p.address +
                           "\" is already trusted peer \"" + peer->name + "\" (S8)");
    seen.emplace_back(*a, &p);
  }
}

void check_users(const Deployment& d, const std::vector<RangeBounds>& bounds, const std::vector<bool>& parsed,
                 Findings& v) {
  boost::unordered_flat_set<std::string_view> names, extensions;
  names.reserve(d.users.size());
  extensions.reserve(d.users.size());
  for (auto& u : d.users) {
    if (u.name.empty()) {
      v.errors.push_back("a user has an empty name (M1: the name is the user's identity)");
      continue;
    }
    if (!names.insert(u.name).second) v.errors.push_back("user \"" + u.name + "\" is defined twice (M1)");
    if (u.extension.empty())
      v.errors.push_back("user \"" + u.name + "\" needs an extension (M1)");
    else if (!extensions.insert(u.extension).second)
      v.errors.push_back("user \"" + u.name + "\" extension " + u.extension +
                         " is already another user's (M1: extensions are unique)");
    check_number_outside_ranges(d, bounds, parsed, u, u.extension, "extension", v);
    check_number_outside_ranges(d, bounds, parsed, u, u.line, "line", v);
    if (u.pool.empty())
      v.errors.push_back("user \"" + u.name + "\" needs a home pool (M1)");
    else if (!d.find_pool(u.pool))
      v.errors.push_back("user \"" + u.name + "\" pool \"" + u.pool + "\" is not a known pool (M1)");
    if (!u.policy.empty() && !d.find_policy(u.policy))
      v.errors.push_back("user \"" + u.name + "\" voice policy \"" + u.policy +
                         "\" does not exist (V2: create it with `cpark policy set`)");
    check_credentials(u, v);
    if (u.ring_timeout_seconds < kMinUserRingSeconds || u.ring_timeout_seconds > kMaxUserRingSeconds)
      v.errors.push_back("user \"" + u.name + "\" ring timeout " + std::to_string(u.ring_timeout_seconds) +
                         " s is outside 1-600 s (G8)");
    if (u.pickup_group.empty()) continue;
    auto g = parse_orbit_number(u.pickup_group);
    const OrbitRange* r = g ? containing(d.ranges, bounds, parsed, *g) : nullptr;
    if (!r || r->type != RangeType::GroupPickup) {
      v.errors.push_back("user \"" + u.name + "\" group number " + u.pickup_group +
                         " is not inside a GroupPickup range (G2)");
      continue;
    }
    if (u.homed_online)
      v.errors.push_back("user \"" + u.name + "\" is homed online and cannot be a pickup group member (G7)");
    if (auto* p = d.find_pool(u.pool); p && !p->call_park_enabled)
      v.errors.push_back("user \"" + u.name + "\" is homed on pool \"" + u.pool +
                         "\" without the Call Park / Group Pickup feature (G7)");
  }
}

}  // namespace

Status validate_settings(const CallParkSettings& s, const Deployment& d) {
  const std::string where = "call park settings \"" + s.scope + "\"";
  if (s.scope != "global") {
    if (starts_with(s.scope, "site:") && s.scope.size() > 5) {
    } else if (starts_with(s.scope, "service:") && s.scope.size() > 8) {
      if (!d.find_pool(s.scope.substr(8)))
        return fail(where + ": pool \"" + s.scope.substr(8) + "\" is not a known pool (C5)");
    } else {
      return fail("scope \"" + s.scope + "\" must be global, site:NAME or service:POOL (C5)");
    }
  }
  if (s.timeout_seconds < kMinTimeoutSeconds || s.timeout_seconds > kMaxTimeoutSeconds)
    return fail(where + ": timeout " + std::to_string(s.timeout_seconds) +
                " s is outside 10 s to 10 min (C1 CallPickupTimeoutThreshold)");
  if (s.max_attempts < kMinAttempts || s.max_attempts > kMaxAttempts)
    return fail(where + ": max attempts " + std::to_string(s.max_attempts) +
                " is outside 1 to 10 (C2 MaxCallPickupAttempts)");
  if (!s.fallback_uri.empty() && (!starts_with(s.fallback_uri, "sip:") || s.fallback_uri.size() < 5))
    return fail(where + ": fallback \"" + s.fallback_uri +
                "\" must be a sip: URI, or empty to disconnect (C3 OnTimeoutURI)");
  if (s.ring_seconds < kMinRingSeconds || s.ring_seconds > kMaxRingSeconds)
    return fail(where + ": ring time " + std::to_string(s.ring_seconds) + " s is outside 5 s to 5 min (C6)");
  return {};
}

Result<DeploymentPtr> validate_deployment(Deployment d) {
  Findings v;
  boost::unordered_flat_set<std::string_view> pools;
  for (auto& p : d.pools) {
    if (p.name.empty()) v.errors.push_back("a pool has an empty name (O1)");
    if (!pools.insert(p.name).second) v.errors.push_back("pool \"" + p.name + "\" is defined twice (O1)");
    if (!p.address.empty() && !is_pool_address(p.address))
      v.errors.push_back("pool \"" + p.name + "\" address \"" + p.address +
                         "\" must be a sip: URI with a host, like sip:pool2.contoso.com:5060, or empty (P9)");
  }
  std::vector<RangeBounds> bounds;
  std::vector<bool> parsed;
  check_ranges(d, bounds, parsed, v);
  boost::unordered_flat_set<std::string_view> scopes;
  for (auto& s : d.settings) {
    if (!scopes.insert(s.scope).second)
      v.errors.push_back("call park settings scope \"" + s.scope + "\" is defined twice (C5)");
    if (auto e = validate_settings(s, d); !e) v.errors.push_back(e.message());
  }
  boost::unordered_flat_set<std::string_view> policies;
  for (auto& p : d.policies) {
    if (p.name.empty()) v.errors.push_back("a voice policy has an empty name (V2)");
    if (!policies.insert(p.name).second) v.errors.push_back("voice policy \"" + p.name + "\" is defined twice (V2)");
  }
  check_users(d, bounds, parsed, v);
  check_trusted_peers(d, v);
  for (auto& m : d.music)
    if (!d.find_pool(m.pool))
      v.errors.push_back("music file \"" + m.file_name + "\" is for unknown pool \"" + m.pool + "\" (C4)");
  if (!v.errors.empty()) return fail(std::move(v.errors.front()));
  auto out = std::make_shared<ValidatedDeployment>(ValidatedDeployment::Key{}, std::move(d));
  out->derive(std::move(bounds), std::move(v.warnings));
  return DeploymentPtr(std::move(out));
}

}  // namespace cpark

#include "engine/validated_deployment.h"

#include <algorithm>

namespace cpark {

void ValidatedDeployment::derive(std::vector<RangeBounds> bounds, std::vector<std::string> warnings) {
  bounds_ = std::move(bounds);
  warnings_ = std::move(warnings);
  pool_index_.reserve(d_.pools.size());
  for (std::uint32_t i = 0; i < d_.pools.size(); ++i) pool_index_.emplace(d_.pools[i].name, i);

  range_pool_.resize(d_.ranges.size());
  for (std::uint32_t i = 0; i < d_.ranges.size(); ++i) {
    range_pool_[i] = pool_index_.at(d_.ranges[i].pool);
    ranges_by_key_.push_back({bounds_[i].first.key(), bounds_[i].last.key(), i});
  }
  std::sort(ranges_by_key_.begin(), ranges_by_key_.end(), [](auto& a, auto& b) { return a.first < b.first; });

  peer_addresses_.reserve(d_.trusted_peers.size());
  for (auto& p : d_.trusted_peers) peer_addresses_.push_back(parse_peer_address(p.address).value_or(PeerAddress{}));

  pool_info_.resize(d_.pools.size());
  for (std::uint32_t i = 0; i < d_.pools.size(); ++i) {
    PoolInfo& p = pool_info_[i];
    p.settings = d_.effective_settings(d_.pools[i].name);  // C5
    p.custom_music = d_.find_music(d_.pools[i].name) != nullptr;
  }
  for (auto& r : ranges_by_key_)
    if (d_.ranges[r.index].type == RangeType::CallPark) pool_info_[range_pool_[r.index]].call_park_ranges.push_back(r.index);

  // V1 resolves per policy tag, per site or globally: resolve each distinct case once.
  const VoicePolicy* global = d_.find_policy("global");
  std::vector<int> site_policy(d_.pools.size(), -1);  // -1 unknown, else 0/1
  user_info_.resize(d_.users.size());
  user_index_.reserve(d_.users.size());
  number_index_.reserve(d_.users.size());
  for (std::uint32_t i = 0; i < d_.users.size(); ++i) {
    const User& u = d_.users[i];
    UserInfo& info = user_info_[i];
    info.pool = pool_index_.at(u.pool);
    if (!u.policy.empty()) {
      info.call_park_enabled = d_.find_policy(u.policy)->enable_call_park;
    } else {
      int& site = site_policy[info.pool];
      if (site < 0) {
        const std::string& name = d_.pools[info.pool].site;
        const VoicePolicy* p = name.empty() ? nullptr : d_.find_policy("site:" + name);
        site = (p ? p->enable_call_park : global && global->enable_call_park) ? 1 : 0;
      }
      info.call_park_enabled = site == 1;
    }
    info.can_use_pickup = !u.homed_online && d_.pools[info.pool].call_park_enabled;  // G7
    if (auto g = parse_orbit_number(u.pickup_group)) info.group_key = g->key();
    user_index_.emplace(u.name, i);
    number_index_.emplace(u.extension, i);
    if (!u.line.empty()) number_index_.emplace(u.line, i);
  }
}

std::optional<std::uint32_t> ValidatedDeployment::find_pool(std::string_view name) const {
  auto it = pool_index_.find(name);
  if (it == pool_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> ValidatedDeployment::find_user(std::string_view name) const {
  auto it = user_index_.find(name);
  if (it == user_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::uint32_t> ValidatedDeployment::find_user_by_number(std::string_view number) const {
  auto it = number_index_.find(number);
  if (it == number_index_.end()) return std::nullopt;
  return it->second;
}

const TrustedPeer* ValidatedDeployment::find_trusted_peer(std::string_view ip, std::uint16_t port) const {
  if (peer_addresses_.empty()) return nullptr;
  auto a = parse_ip_address(ip);
  return a ? find_trusted_peer(*a, port) : nullptr;
}

const TrustedPeer* ValidatedDeployment::find_trusted_peer(const IpAddress& ip, std::uint16_t port) const {
  const TrustedPeer* any_port = nullptr;
  for (std::size_t i = 0; i < peer_addresses_.size(); ++i) {
    if (peer_addresses_[i].ip != ip) continue;
    if (peer_addresses_[i].port == port) return &d_.trusted_peers[i];
    if (peer_addresses_[i].port == 0 && !any_port) any_port = &d_.trusted_peers[i];
  }
  return any_port;
}

std::optional<std::uint32_t> ValidatedDeployment::range_containing(const OrbitNumber& n) const {
  const std::uint32_t r = range_index(n);
  if (r == kNoRange) return std::nullopt;
  return r;
}

std::uint32_t ValidatedDeployment::range_index(const OrbitNumber& n) const {
  // Keys of numbers with another prefix or length never fall between a range's keys
  // (OrbitNumber::key), so comparing keys is comparing numbers within one length.
  const std::uint64_t key = n.key();
  if (ranges_by_key_.size() <= 16) {
    for (auto& r : ranges_by_key_)
      if (key >= r.first && key <= r.last) return r.index;
    return kNoRange;
  }
  auto it = std::upper_bound(ranges_by_key_.begin(), ranges_by_key_.end(), key,
                             [](std::uint64_t k, const KeyedRange& r) { return k < r.first; });
  if (it == ranges_by_key_.begin() || key > (it - 1)->last) return kNoRange;
  return (it - 1)->index;
}

}  // namespace cpark

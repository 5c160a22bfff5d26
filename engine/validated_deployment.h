// A deployment that passed every rule (deployment_rules), with what the engine and the
// drivers derive from it computed once: parsed range bounds, each pool's effective
// settings (C5), each user's resolved voice policy (V1), pickup eligibility (G7) and
// group (G2), and lookups by name and by number. It is immutable and shared
// (std::shared_ptr<const>), so one validation serves every replication of a simulation
// and every engine it is applied to, and no engine re-validates what it is given.
#pragma once
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/deployment.h"

namespace cpark {

class ValidatedDeployment;
using DeploymentPtr = std::shared_ptr<const ValidatedDeployment>;

// Checks every O, C, V and G rule of `d`. The error is the first broken rule, one
// sentence naming the value and the rule; warnings (allowed, against recommended
// practice) come with the result.
Result<DeploymentPtr> validate_deployment(Deployment d);

class ValidatedDeployment {
 public:
  struct PoolInfo {
    CallParkSettings settings;          // effective (C5 resolved)
    bool custom_music = false;          // C4
    std::vector<std::uint32_t> call_park_ranges;  // indices into ranges(), by number
  };
  struct UserInfo {
    std::uint32_t pool = 0;             // index of the home pool
    bool call_park_enabled = false;     // V1 resolved
    bool can_use_pickup = false;        // G7 resolved
    std::uint64_t group_key = 0;        // G2: OrbitNumber::key() of the group, 0 = none
  };

  ValidatedDeployment(const ValidatedDeployment&) = delete;
  ValidatedDeployment& operator=(const ValidatedDeployment&) = delete;

  const Deployment& data() const { return d_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

  std::size_t pool_count() const { return d_.pools.size(); }
  const Pool& pool(std::uint32_t i) const { return d_.pools[i]; }
  const PoolInfo& pool_info(std::uint32_t i) const { return pool_info_[i]; }
  std::optional<std::uint32_t> find_pool(std::string_view name) const;

  std::size_t user_count() const { return d_.users.size(); }
  const User& user(std::uint32_t i) const { return d_.users[i]; }
  const UserInfo& user_info(std::uint32_t i) const { return user_info_[i]; }
  std::optional<std::uint32_t> find_user(std::string_view name) const;
  // The user whose extension or line number is `number` (extensions resolve to users).
  std::optional<std::uint32_t> find_user_by_number(std::string_view number) const;

  const OrbitRange& range(std::uint32_t i) const { return d_.ranges[i]; }
  const RangeBounds& bounds(std::uint32_t i) const { return bounds_[i]; }
  std::uint32_t range_pool(std::uint32_t i) const { return range_pool_[i]; }
  // The range holding `n` (O4 makes it unique), in O(log ranges).
  std::optional<std::uint32_t> range_containing(const OrbitNumber& n) const;
  // The same as a plain index, kNoRange for none (the engine's hot path: an optional
  // return costs GCC 12 a store-forwarding stall).
  static constexpr std::uint32_t kNoRange = ~std::uint32_t{0};
  std::uint32_t range_index(const OrbitNumber& n) const;

  // S8: the trusted peer a request from `ip` ("10.0.0.5", "2001:db8::5", "[2001:db8::5]",
  // "::ffff:10.0.0.5") and `port` comes from, or null. A peer with that exact port wins
  // over one without a port, which matches any port.
  const TrustedPeer* find_trusted_peer(std::string_view ip, std::uint16_t port) const;
  const TrustedPeer* find_trusted_peer(const IpAddress& ip, std::uint16_t port) const;

 private:
  friend Result<DeploymentPtr> validate_deployment(Deployment d);
  struct Key {};  // only validate_deployment builds one
 public:
  ValidatedDeployment(Key, Deployment d) : d_(std::move(d)) {}

 private:
  // Fills the derived tables; the rules have passed.
  void derive(std::vector<RangeBounds> bounds, std::vector<std::string> warnings);

  Deployment d_;
  std::vector<std::string> warnings_;
  std::vector<PoolInfo> pool_info_;
  std::vector<UserInfo> user_info_;
  std::vector<RangeBounds> bounds_;
  std::vector<std::uint32_t> range_pool_;
  std::vector<PeerAddress> peer_addresses_;  // parallel to d_.trusted_peers
  // Ranges sorted by their first number's key, with both keys inline: a lookup reads one
  // small array (linear for a handful of ranges, binary search beyond).
  struct KeyedRange {
    std::uint64_t first, last;
    std::uint32_t index;
  };
  std::vector<KeyedRange> ranges_by_key_;
  // Keys are views into d_, which never changes or moves (the object is not movable).
  boost::unordered_flat_map<std::string_view, std::uint32_t> pool_index_, user_index_, number_index_;
};

}  // namespace cpark

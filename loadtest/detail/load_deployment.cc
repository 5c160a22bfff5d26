#include "loadtest/detail/load_deployment.h"

#include <algorithm>

#include "config/deployment_file.h"
#include "engine/orbit_number.h"

namespace cpark::loadtest::detail {

namespace {

std::string user_name(long extension) { return "u" + std::to_string(extension); }
std::string member_name(const Profile& p, int i) {
  return "m" + std::to_string(p.deployment.extension_start + p.deployment.users + i);
}

}  // namespace

Deployment make_load_deployment(const Profile& p, const PhoneAddresses& phones) {
  Deployment d = read_deployment_file(p.deployment.file).deployment;
  if (d.pools.empty()) throw FileError(p.deployment.file + ": the load test's deployment needs a pool ([[pools]])");
  const std::string pool = d.pools.front().name;
  for (int i = 0; i < p.deployment.users; ++i) {
    User u;
    const long ext = p.deployment.extension_start + i;
    u.name = user_name(ext);
    u.extension = std::to_string(ext);
    u.pool = pool;
    u.simultaneous_ring = {"sip:" + u.name + "@127.0.0.1:" + std::to_string(phones.phones_port)};
    d.users.push_back(std::move(u));
  }
  for (int i = 0; i < p.deployment.members; ++i) {
    User u;
    const long ext = p.deployment.extension_start + p.deployment.users + i;
    u.name = member_name(p, i);
    u.extension = std::to_string(ext);
    u.pool = pool;
    u.pickup_group = p.deployment.pickup_groups[std::size_t(i) % p.deployment.pickup_groups.size()];
    u.ring_timeout_seconds = 600;  // a pickup has time to come (G8 never ends these calls)
    u.simultaneous_ring = {"sip:" + u.name + "@127.0.0.1:" + std::to_string(phones.members_port)};
    d.users.push_back(std::move(u));
  }
  return d;
}

std::string injection_file(const Profile& p, const Deployment& d, Flow flow, std::int64_t lines) {
  const int users = p.deployment.users;
  std::vector<std::string> directed;  // O10: orbits of the last CallPark range, in turn
  if (flow == Flow::directed_park) {
    for (auto it = d.ranges.rbegin(); it != d.ranges.rend(); ++it) {
      if (it->type != RangeType::CallPark) continue;
      auto a = parse_orbit_number(it->start), b = parse_orbit_number(it->end);
      if (!a || !b) continue;
      for (auto n = a->value; n <= b->value && directed.size() < 10000; ++n)
        directed.push_back(OrbitNumber{a->prefix, a->digits, n}.to_string());
      break;
    }
  }
  std::string out = "SEQUENTIAL\n";
  lines = std::max<std::int64_t>(1, std::min<std::int64_t>(lines, 20000));
  for (std::int64_t i = 0; i < lines; ++i) {
    const long a = p.deployment.extension_start + long(i % users);
    const long b = p.deployment.extension_start + long((i + 1) % users);
    switch (flow) {
      case Flow::register_: out += user_name(a) + "\n"; break;
      case Flow::call: out += user_name(a) + ";" + user_name(b) + "\n"; break;
      case Flow::park: out += user_name(a) + ";" + user_name(b) + ";park\n"; break;
      case Flow::directed_park:
        out += user_name(a) + ";" + user_name(b) + ";" +
               (directed.empty() ? std::string("park") : directed[std::size_t(i) % directed.size()]) + "\n";
        break;
      case Flow::pickup: {
        const int m = int(i % p.deployment.members);
        const std::string group = p.deployment.pickup_groups[std::size_t(m) % p.deployment.pickup_groups.size()];
        out += user_name(a) + ";" + member_name(p, m) + ";" + user_name(b) + ";" + group + "\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace cpark::loadtest::detail

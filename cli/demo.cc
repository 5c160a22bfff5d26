#include "cli/demo.h"

#include <iostream>
#include <toml++/toml.h>

#include "config/deployment_file.h"
#include "engine/engine.h"

namespace cpark::cli {

const char* const kDemoDeploymentToml = R"TOML(
# A small office on one pool: a CallPark range, a GroupPickup range, call park on for all.
[[pools]]
name = "pool1.contoso.com"
site = "Redmond"

[[orbit_ranges]]
name = "Redmond park"
start = "*7000"
end = "*7099"
service = "pool1.contoso.com"

[[orbit_ranges]]
name = "Redmond pickup"
start = "#7100"
end = "#7109"
service = "pool1.contoso.com"
type = "GroupPickup"

[[call_park_settings]]
scope = "global"
timeout = 90
max_attempts = 2
fallback = "sip:operator@contoso.com"

[[voice_policies]]
name = "global"
call_park = true

[[users]]
name = "alice@contoso.com"
extension = "1001"
pool = "pool1.contoso.com"
pickup_group = "#7100"

[[users]]
name = "bob@contoso.com"
extension = "1002"
pool = "pool1.contoso.com"
pickup_group = "#7100"

[[users]]
name = "carol@contoso.com"
extension = "1003"
pool = "pool1.contoso.com"
)TOML";

namespace {

void show(Engine& e, Time now, const char* what) {
  std::cout << "  t=" << std::chrono::duration_cast<std::chrono::seconds>(now).count() << "s  " << what << "\n";
  e.drain([](const Output& o) { std::cout << "           -> " << to_string(o) << "\n"; });
}

}  // namespace

int run_demo(Context& ctx) {
  DeploymentFile file = read_deployment(parse_toml(kDemoDeploymentToml, "<demo>"), TomlReader("<demo>"));
  auto r = ctx.store().replace(file.deployment, {});
  if (!r) throw CommandError(kRejected, r.message());
  Deployment d = ctx.store().load();
  std::cout << "Demo deployment written to " << ctx.store_path << "\n\n";
  nlohmann::ordered_json ranges = nlohmann::ordered_json::array(), users = nlohmann::ordered_json::array();
  for (auto& x : d.ranges) ranges.push_back(to_json(x));
  for (auto& x : d.users) users.push_back(to_json(x));
  std::cout << "Orbit table (cpark orbit get):\n" << format_list(ranges) << "\n";
  std::cout << "Call park settings (cpark cps get):\n" << format_list(nlohmann::ordered_json::array({to_json(d.effective_settings("pool1.contoso.com"))})) << "\n";

  Engine e(1);
  auto applied = e.apply_deployment(Time{0}, d);
  if (!applied) throw CommandError(kRejected, applied.message());
  const UserId alice = *e.user_id("alice@contoso.com"), bob = *e.user_id("bob@contoso.com"),
               carol = *e.user_id("carol@contoso.com");
  const PoolId pool = *e.pool_id("pool1.contoso.com");
  std::cout << "Engine walkthrough (same engine the simulator and server drive):\n";
  e.park(seconds(0), {101, alice, std::nullopt});
  show(e, seconds(0), "alice parks call 101");
  e.retrieve(seconds(20), {201, Caller{carol}, pool, *parse_orbit_number("*7000"), 0});
  show(e, seconds(20), "carol dials *7000");
  e.park(seconds(30), {102, alice, std::nullopt});
  show(e, seconds(30), "alice parks call 102");
  e.handle_timeout(seconds(120));
  show(e, seconds(120), "90 s pass: ringback to alice");
  e.handle_timeout(seconds(150));
  show(e, seconds(150), "alice does not answer within 30 s");
  e.handle(seconds(160), CallRinging{103, bob, "sip:customer@fabrikam.com", "1002"});
  show(e, seconds(160), "a call rings bob");
  e.pickup(seconds(165), {202, Caller{carol}, pool, *parse_orbit_number("#7100")});
  show(e, seconds(165), "carol dials #7100");
  const auto& c = e.counters();
  std::cout << "\nCounters: parks=" << c.parks << " retrievals=" << c.retrievals << " ringbacks=" << c.ringbacks
            << " pickups=" << c.pickups << "\n";
  return 0;
}

}  // namespace cpark::cli

// `cpark peer add|get|remove`: trusted peers (S8) — sources such as a PBX gateway that may
// retrieve parked calls without being users of the deployment.
#include "cli/commands.h"

namespace cpark::cli {

void add_peer_commands(CLI::App& app, Context& ctx) {
  auto* peer = app.add_subcommand("peer", "Trusted peers: gateways that may retrieve parked calls (S8)");
  peer->require_subcommand(1);
  {
    auto* cmd = peer->add_subcommand("add", "Trust a peer by its IP address (and port)");
    auto p = std::make_shared<TrustedPeer>();
    cmd->add_option("name", p->name, "Unique name of the peer, e.g. pbx-gateway")->required();
    cmd->add_option("--address", p->address, "10.0.0.5, 10.0.0.5:5060 or [2001:db8::5]:5060; without a port, "
                                             "any port of that address")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        if (d.find_trusted_peer(p->name))
          return fail("trusted peer \"" + p->name + "\" already exists (S8: names are unique)");
        d.trusted_peers.push_back(*p);
        return {};
      }, "trusted peer \"" + p->name + "\" at " + p->address + " added");
    });
  }
  {
    auto* cmd = peer->add_subcommand("get", "List trusted peers");
    auto name = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Only this peer");
    cmd->callback([=, &ctx] {
      print_listing(ctx, ctx.store().load().trusted_peers, [](auto& p) { return p.name; }, *name,
                    "no trusted peer named \"" + *name + "\" (S8)");
    });
  }
  {
    auto* cmd = peer->add_subcommand("remove", "Stop trusting a peer");
    auto name = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Peer to remove")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        auto it = std::find_if(d.trusted_peers.begin(), d.trusted_peers.end(), [&](auto& p) { return p.name == *name; });
        if (it == d.trusted_peers.end()) return fail("no trusted peer named \"" + *name + "\" (S8)");
        d.trusted_peers.erase(it);
        return {};
      }, "trusted peer \"" + *name + "\" removed");
    });
  }
}

}  // namespace cpark::cli

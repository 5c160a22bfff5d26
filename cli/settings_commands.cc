// `cpark cps set|get|reset` (the *-CsCpsConfiguration cmdlets, C1-C6 per scope C5) and
// `cpark policy set|get|remove` (voice policies, V1-V2).
#include <iostream>

#include "cli/commands.h"
#include "engine/deployment_rules.h"

namespace cpark::cli {

void add_settings_commands(CLI::App& app, Context& ctx) {
  auto* cps = app.add_subcommand("cps", "Call park settings per scope (CsCpsConfiguration, C1-C6)");
  cps->require_subcommand(1);
  {
    auto* cmd = cps->add_subcommand("set", "Create or change the settings of a scope");
    struct Args { std::string scope = "global", fallback, music; std::int64_t timeout = 0, ring = 0; int attempts = 0; };
    auto a = std::make_shared<Args>();
    cmd->add_option("--scope", a->scope, "global, site:NAME or service:POOL (default global)");
    auto* o_timeout = cmd->add_option("--timeout", a->timeout, "CallPickupTimeoutThreshold in seconds, 10-600 (C1)");
    auto* o_attempts = cmd->add_option("--max-attempts", a->attempts, "MaxCallPickupAttempts, 1-10 (C2)");
    auto* o_fallback = cmd->add_option("--fallback", a->fallback, "OnTimeoutURI, a sip: URI; \"\" to disconnect (C3)");
    auto* o_music = cmd->add_option("--music", a->music, "EnableMusicOnHold on|off (C4)");
    auto* o_ring = cmd->add_option("--ring-time", a->ring, "Ringback and fallback ring time in seconds, 5-300 (C6)");
    cmd->callback([=, &ctx] {
      bool music = o_music->count() ? parse_on_off(a->music, "--music") : true;
      ctx.change([&](Deployment& d) -> Status {
        auto it = std::find_if(d.settings.begin(), d.settings.end(), [&](auto& s) { return s.scope == a->scope; });
        if (it == d.settings.end()) {  // a new scope starts from the defaults, like New-CsCpsConfiguration
          CallParkSettings s;
          s.scope = a->scope;
          d.settings.push_back(s);
          it = d.settings.end() - 1;
        }
        if (o_timeout->count()) it->timeout_seconds = a->timeout;
        if (o_attempts->count()) it->max_attempts = a->attempts;
        if (o_fallback->count()) it->fallback_uri = a->fallback;
        if (o_music->count()) it->music_on_hold = music;
        if (o_ring->count()) it->ring_seconds = a->ring;
        return validate_settings(*it, d);
      }, "call park settings \"" + a->scope + "\" saved");
    });
  }
  {
    auto* cmd = cps->add_subcommand("get", "Show settings: one scope, or all");
    auto scope = std::make_shared<std::string>();
    cmd->add_option("--scope", *scope, "global, site:NAME or service:POOL");
    cmd->callback([=, &ctx] {
      print_listing(ctx, ctx.store().load().settings, [](auto& s) { return s.scope; }, *scope,
                    "no call park settings at scope \"" + *scope + "\" (C5)");
    });
  }
  {
    auto* cmd = cps->add_subcommand("reset", "Remove a scope's settings; global goes back to its defaults (C5)");
    auto scope = std::make_shared<std::string>();
    cmd->add_option("--scope", *scope, "global, site:NAME or service:POOL")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        auto it = std::find_if(d.settings.begin(), d.settings.end(), [&](auto& s) { return s.scope == *scope; });
        if (*scope == "global") {
          if (it != d.settings.end()) *it = CallParkSettings{};
          else d.settings.push_back(CallParkSettings{});
          return {};
        }
        if (it == d.settings.end()) return fail("no call park settings at scope \"" + *scope + "\" (C5)");
        d.settings.erase(it);
        return {};
      }, "call park settings \"" + *scope + "\" reset");
    });
  }

  auto* policy = app.add_subcommand("policy", "Voice policies: EnableCallPark (V1-V2)");
  policy->require_subcommand(1);
  {
    auto* cmd = policy->add_subcommand("set", "Create or change a voice policy");
    auto name = std::make_shared<std::string>(), value = std::make_shared<std::string>();
    cmd->add_option("name", *name, "global, site:NAME, or a per-user policy tag")->required();
    cmd->add_option("--call-park", *value, "EnableCallPark on|off (V1)")->required();
    cmd->callback([=, &ctx] {
      const bool on = parse_on_off(*value, "--call-park");
      ctx.change([&](Deployment& d) -> Status {
        auto it = std::find_if(d.policies.begin(), d.policies.end(), [&](auto& p) { return p.name == *name; });
        if (it == d.policies.end()) d.policies.push_back({*name, on});
        else it->enable_call_park = on;
        return {};
      }, "voice policy \"" + *name + "\" call park " + (on ? "on" : "off"));
    });
  }
  {
    auto* cmd = policy->add_subcommand("get", "List voice policies");
    auto name = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Only this policy");
    cmd->callback([=, &ctx] {
      print_listing(ctx, ctx.store().load().policies, [](auto& p) { return p.name; }, *name,
                    "no voice policy named \"" + *name + "\" (V2)");
    });
  }
  {
    auto* cmd = policy->add_subcommand("remove", "Remove a voice policy (global resets to call park off)");
    auto name = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Policy to remove")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        auto it = std::find_if(d.policies.begin(), d.policies.end(), [&](auto& p) { return p.name == *name; });
        if (it == d.policies.end()) return fail("no voice policy named \"" + *name + "\" (V2)");
        if (*name == "global") { it->enable_call_park = false; return {}; }
        for (auto& u : d.users)
          if (u.policy == *name)
            return fail("voice policy \"" + *name + "\" is assigned to user \"" + u.name + "\" (V2: assign another first)");
        d.policies.erase(it);
        return {};
      }, "voice policy \"" + *name + "\" removed");
    });
  }
}

}  // namespace cpark::cli

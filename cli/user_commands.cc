// `cpark user …` (users, what G6/G8 need of them and their SIP digest password, S10),
// `cpark pickup …` (SEFAUtil's /enablegrouppickup and /disablegrouppickup, G2) and
// `cpark pool …` (sites, the feature switch of G7, the orbit choice policy of O9 and the
// address other pools redirect to, P9).
#include <iostream>

#include "cli/commands.h"
#include "sip/digest.h"

namespace cpark::cli {

namespace {

// The per-user options shared by `user add` and `user set`; only those given apply.
struct UserOptions {
  std::string extension, line, policy, pool, private_line, friends_family, delegates, team_members,
      simultaneous_ring, no_answer_target, homed_online;
  std::int64_t ring_timeout = 0;
  std::vector<std::pair<CLI::Option*, std::function<void(User&)>>> setters;

  void add_to(CLI::App* cmd, bool extension_required) {
    auto opt = [&](const char* name, std::string& field, const char* help, std::function<void(User&)> f) {
      setters.emplace_back(cmd->add_option(name, field, help), std::move(f));
    };
    opt("--extension", extension, "Extension (O6: outside every orbit range)", [this](User& u) { u.extension = extension; });
    if (extension_required) setters.back().first->required();
    opt("--line", line, "Line number (O6)", [this](User& u) { u.line = line; });
    opt("--policy", policy, "Per-user voice policy tag (V1)", [this](User& u) { u.policy = policy; });
    opt("--pool", pool, "Home pool", [this](User& u) { u.pool = pool; });
    opt("--private-line", private_line, "Private line number: its calls are not pickable (G6)", [this](User& u) { u.private_line = private_line; });
    opt("--friends-family", friends_family, "Comma-separated Friends and Family callers (G6)", [this](User& u) { u.friends_family = split_list(friends_family); });
    opt("--delegates", delegates, "Comma-separated delegates (G6)", [this](User& u) { u.delegates = split_list(delegates); });
    opt("--team-members", team_members, "Comma-separated team-call members (G6)", [this](User& u) { u.team_members = split_list(team_members); });
    opt("--simultaneous-ring", simultaneous_ring, "Comma-separated simultaneous-ring targets (G3)", [this](User& u) { u.simultaneous_ring = split_list(simultaneous_ring); });
    opt("--no-answer-target", no_answer_target, "Where unanswered calls go; empty = voicemail (G8)", [this](User& u) { u.no_answer_target = no_answer_target; });
    opt("--homed-online", homed_online, "on|off: homed online (hybrid) users cannot use group pickup (G7)", [this](User& u) { u.homed_online = parse_on_off(homed_online, "--homed-online"); });
    setters.emplace_back(cmd->add_option("--ring-timeout", ring_timeout, "Seconds before the no-answer target, 1-600 (G8)"),
                         [this](User& u) { u.ring_timeout_seconds = ring_timeout; });
  }
  bool any() const {
    for (auto& [o, f] : setters) if (o->count()) return true;
    return false;
  }
  void apply(User& u, Deployment& d) const {
    for (auto& [o, f] : setters) if (o->count()) f(u);
    if (!u.pool.empty()) d.ensure_pool(u.pool);
  }
};

// S10: --password / --password-stdin / --realm. The store keeps only the HA1s (MD5 and
// SHA-256) of digest_username(user):realm:password; an empty password removes them.
struct PasswordOptions {
  std::string password, realm;
  bool from_stdin = false;
  CLI::Option* o_password = nullptr;
  CLI::Option* o_stdin = nullptr;
  CLI::Option* o_realm = nullptr;

  void add_to(CLI::App* cmd) {
    o_password = cmd->add_option("--password", password,
                                 "SIP digest password; the store keeps only its HA1s; '' removes it (S10)");
    o_stdin = cmd->add_flag("--password-stdin", from_stdin,
                            "Read the password from the first line of standard input (keeps it out of the "
                            "process list) (S10)");
    o_realm = cmd->add_option("--realm", realm,
                              "Digest realm; default: the domain of the user's name (alice@contoso.com -> "
                              "contoso.com) (S10)");
    o_password->excludes(o_stdin);
  }
  bool any() const { return o_password->count() || o_stdin->count(); }
  // Reads the password (from stdin if asked) before any store work; usage errors first.
  void read() {
    if (o_realm->count() && !any())
      throw CommandError(kUsage, "--realm needs --password or --password-stdin: the realm is part of the stored HA1 (S10)");
    if (o_realm->count() && realm.empty()) throw CommandError(kUsage, "--realm must not be empty (S10)");
    if (!o_stdin->count()) return;
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();  // a line typed on Windows
    // An empty line is refused rather than read as "remove": an empty pipe must not
    // silently take a user's password away.
    if (password.empty())
      throw CommandError(kUsage, "--password-stdin read no password from standard input; to remove a password "
                                 "give --password '' (S10)");
  }
  // The change to `u`, or a usage error when no realm can be found.
  void apply(User& u) const {
    if (!any()) return;
    if (password.empty()) {  // S10: removes the credentials
      u.digest_realm.clear();
      u.ha1_md5.clear();
      u.ha1_sha256.clear();
      return;
    }
    std::string r = o_realm->count() ? realm : default_digest_realm(u.name);
    if (r.empty())
      throw CommandError(kUsage, "user \"" + u.name + "\" has no domain in its name to use as the digest realm; give "
                                 "--realm REALM, normally the domain `cpark serve --domain` serves (S10)");
    const std::string user = digest_username(u.name);
    u.digest_realm = r;
    u.ha1_md5 = sip::compute_ha1(sip::DigestAlgorithm::md5, user, r, password);
    u.ha1_sha256 = sip::compute_ha1(sip::DigestAlgorithm::sha256, user, r, password);
  }
  // What the done message adds.
  std::string outcome(const std::string& name) const {
    if (!any()) return "";
    if (password.empty()) return " (password removed)";
    return " (password set for realm " + (o_realm->count() ? realm : default_digest_realm(name)) + ")";
  }
};

// A user as `user get` shows it to a person: whether it has a password, never the HA1s
// (--json and export carry them: they are what the store holds, S10).
nlohmann::ordered_json for_people(const User& u) {
  nlohmann::ordered_json j = to_json(u);
  j.erase("digest_realm");
  j.erase("ha1_md5");
  j.erase("ha1_sha256");
  j["password"] = u.has_password() ? "set (realm " + u.digest_realm + ")" : "not set";
  return j;
}

// With one pool in the deployment, a user without --pool is homed there.
void default_pool(User& u, const Deployment& d) {
  if (u.pool.empty() && d.pools.size() == 1) u.pool = d.pools.front().name;
}

}  // namespace

void add_user_commands(CLI::App& app, Context& ctx) {
  auto* user = app.add_subcommand("user", "Users: extension, policy, pool and call-handling settings (M1)");
  user->require_subcommand(1);
  {
    auto* cmd = user->add_subcommand("add", "Add a user");
    auto name = std::make_shared<std::string>();
    auto opts = std::make_shared<UserOptions>();
    auto pw = std::make_shared<PasswordOptions>();
    cmd->add_option("user", *name, "User name or SIP address")->required();
    opts->add_to(cmd, true);
    pw->add_to(cmd);
    cmd->callback([=, &ctx] {
      pw->read();
      ctx.change([&](Deployment& d) -> Status {
        if (d.find_user(*name)) return fail("user \"" + *name + "\" already exists (M1)");
        User u;
        u.name = *name;
        opts->apply(u, d);
        pw->apply(u);
        default_pool(u, d);
        d.users.push_back(std::move(u));
        return {};
      }, "added user \"" + *name + "\"" + pw->outcome(*name));
    });
  }
  {
    auto* cmd = user->add_subcommand("set", "Change a user");
    auto name = std::make_shared<std::string>();
    auto opts = std::make_shared<UserOptions>();
    auto pw = std::make_shared<PasswordOptions>();
    cmd->add_option("user", *name, "User to change")->required();
    opts->add_to(cmd, false);
    pw->add_to(cmd);
    cmd->callback([=, &ctx] {
      if (!opts->any() && !pw->any() && !pw->o_realm->count())
        throw CommandError(kUsage, "user set: give at least one option to change");
      pw->read();
      ctx.change([&](Deployment& d) -> Status {
        User* u = d.find_user(*name);
        if (!u) return fail("no user named \"" + *name + "\" (M1)");
        opts->apply(*u, d);
        pw->apply(*u);
        return {};
      }, "changed user \"" + *name + "\"" + pw->outcome(*name));
    });
  }
  {
    auto* cmd = user->add_subcommand("get", "List users");
    auto name = std::make_shared<std::string>();
    cmd->add_option("user", *name, "Only this user");
    cmd->callback([=, &ctx] {
      nlohmann::ordered_json list = nlohmann::ordered_json::array(), people = nlohmann::ordered_json::array();
      for (auto& u : ctx.store().load().users)
        if (name->empty() || u.name == *name) {
          list.push_back(to_json(u));
          people.push_back(for_people(u));
        }
      if (!name->empty() && list.empty()) throw CommandError(kRejected, "no user named \"" + *name + "\" (M1)");
      ctx.print(list, format_list(people));
    });
  }
  {
    auto* cmd = user->add_subcommand("remove", "Remove a user");
    auto name = std::make_shared<std::string>();
    cmd->add_option("user", *name, "User to remove")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        auto it = std::find_if(d.users.begin(), d.users.end(), [&](auto& u) { return u.name == *name; });
        if (it == d.users.end()) return fail("no user named \"" + *name + "\" (M1)");
        d.users.erase(it);
        return {};
      }, "removed user \"" + *name + "\"");
    });
  }

  auto* pickup = app.add_subcommand("pickup", "Group call pickup membership, like SEFAUtil (G2)");
  pickup->require_subcommand(1);
  {
    auto* cmd = pickup->add_subcommand("enable", "Put a user in a pickup group (/enablegrouppickup)");
    auto name = std::make_shared<std::string>(), group = std::make_shared<std::string>();
    cmd->add_option("user", *name, "User")->required();
    cmd->add_option("group", *group, "Group number, inside a GroupPickup range")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        User* u = d.find_user(*name);
        if (!u) return fail("no user named \"" + *name + "\" (M1)");
        u->pickup_group = *group;  // G2: one group per user; a new number replaces the old
        return {};
      }, "user \"" + *name + "\" is in pickup group " + *group);
    });
  }
  {
    auto* cmd = pickup->add_subcommand("disable", "Take a user out of group pickup (/disablegrouppickup)");
    auto name = std::make_shared<std::string>();
    cmd->add_option("user", *name, "User")->required();
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        User* u = d.find_user(*name);
        if (!u) return fail("no user named \"" + *name + "\" (M1)");
        u->pickup_group.clear();  // G2: the number is forgotten
        return {};
      }, "user \"" + *name + "\" group pickup disabled");
    });
  }
  {
    auto* cmd = pickup->add_subcommand("get", "Show a user's pickup group");
    auto name = std::make_shared<std::string>();
    cmd->add_option("user", *name, "User")->required();
    cmd->callback([=, &ctx] {
      Deployment d = ctx.store().load();
      const User* u = d.find_user(*name);
      if (!u) throw CommandError(kRejected, "no user named \"" + *name + "\" (M1)");
      nlohmann::ordered_json j{{"user", u->name}, {"pickup_group", u->pickup_group}, {"enabled", !u->pickup_group.empty()}};
      ctx.print(j, "User Aor           : " + u->name + "\nGroup Pickup Orbit : " +
                       (u->pickup_group.empty() ? "(none)" : u->pickup_group) + "\n");
    });
  }

  auto* pool = app.add_subcommand("pool", "Pools: site, feature switch (G7) and orbit choice (O9)");
  pool->require_subcommand(1);
  {
    auto* cmd = pool->add_subcommand("set", "Create or change a pool");
    auto name = std::make_shared<std::string>(), site = std::make_shared<std::string>();
    auto feature = std::make_shared<std::string>(), choice = std::make_shared<std::string>();
    auto address = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    cmd->add_option("pool", *name, "Pool (Application service) name")->required();
    auto* o_site = cmd->add_option("--site", *site, "Site the pool belongs to (C5, V1 site scope)");
    auto* o_feature = cmd->add_option("--call-park", *feature, "on|off: Call Park and Group Pickup deployed (G7)");
    auto* o_choice = cmd->add_option("--orbit-choice", *choice, "next (default), first or random (O9)");
    auto* o_address = cmd->add_option("--address", *address,
                                      "Where the pool's server is reached, e.g. sip:pool2.contoso.com:5060; other "
                                      "pools redirect its orbits there; '' = unknown (P9)");
    cmd->add_flag("--force", *force, "Apply even if a running server has parked calls the change strands; it ends "
                                     "them by fallback or disconnect (O8)");
    cmd->callback([=, &ctx] {
      std::optional<OrbitChoice> c;
      if (o_choice->count() && !(c = parse_orbit_choice(*choice)))
        throw CommandError(kUsage, "--orbit-choice \"" + *choice + "\" must be next, first or random (O9)");
      const bool on = o_feature->count() ? parse_on_off(*feature, "--call-park") : true;
      ctx.change([&](Deployment& d) -> Status {
        Pool& p = d.ensure_pool(*name);
        if (o_site->count()) p.site = *site;
        if (o_feature->count()) p.call_park_enabled = on;
        if (c) p.orbit_choice = *c;
        if (o_address->count()) p.address = *address;
        return {};
      }, "pool \"" + *name + "\" saved", {.check_live_parks = true, .force = *force, .offers_force = true});
    });
  }
  {
    auto* cmd = pool->add_subcommand("get", "List pools");
    auto name = std::make_shared<std::string>();
    cmd->add_option("pool", *name, "Only this pool");
    cmd->callback([=, &ctx] {
      print_listing(ctx, ctx.store().load().pools, [](auto& p) { return p.name; }, *name,
                    "no pool named \"" + *name + "\"");
    });
  }
}

}  // namespace cpark::cli

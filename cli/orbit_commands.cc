// `cpark orbit new|set|get|remove`: the orbit table (O1-O8), like the *-CsCallParkOrbit
// cmdlets, for CallPark and GroupPickup ranges alike (Lync hid the latter; we do not).
// With a server running for the store, changes are shown to it first: live parks are
// protected (O7/O8) unless --force.
#include <iostream>

#include "cli/commands.h"

namespace cpark::cli {

namespace {

RangeType parse_type(const std::string& s) {
  auto t = parse_range_type(s);
  if (!t) throw CommandError(kUsage, "--type \"" + s + "\" must be CallPark or GroupPickup (O1)");
  return *t;
}

// Pickup members whose group number lies in `r` (a GroupPickup range "in use", O7/O8).
std::vector<User*> members_in(Deployment& d, const OrbitRange& r) {
  std::vector<User*> out;
  auto bounds = validate_range(r);
  if (!bounds) return out;
  for (auto& u : d.users)
    if (auto g = parse_orbit_number(u.pickup_group); g && bounds->contains(*g)) out.push_back(&u);
  return out;
}

Status validated(const OrbitRange& r) {
  if (auto b = validate_range(r); !b) return b.error();
  return {};
}

}  // namespace

void add_orbit_commands(CLI::App& app, Context& ctx) {
  auto* orbit = app.add_subcommand("orbit", "Orbit table: CallPark and GroupPickup ranges (O1-O11)");
  orbit->require_subcommand(1);

  {
    auto* cmd = orbit->add_subcommand("new", "Create a range (New-CsCallParkOrbit)");
    auto r = std::make_shared<OrbitRange>();
    auto type = std::make_shared<std::string>("CallPark");
    cmd->add_option("name", r->name, "Unique name (identity) of the range")->required();
    cmd->add_option("--start", r->start, "First number, e.g. *100 or 7000")->required();
    cmd->add_option("--end", r->end, "Last number, same length as --start")->required();
    cmd->add_option("--service", r->pool, "Application service (pool) that owns the range")->required();
    cmd->add_option("--type", *type, "CallPark (default) or GroupPickup");
    cmd->callback([&ctx, r, type] {
      r->type = parse_type(*type);
      ctx.change([&](Deployment& d) -> Status {
        if (d.find_range(r->name)) return fail("range \"" + r->name + "\" already exists (O1: names are unique)");
        if (auto e = validated(*r); !e) return e;
        d.ensure_pool(r->pool);
        d.ranges.push_back(*r);
        return {};
      }, "created " + std::string(to_string(r->type)) + " range \"" + r->name + "\" " + r->start + "-" + r->end,
         {.check_live_parks = true});
    });
  }
  {
    auto* cmd = orbit->add_subcommand("set", "Change a range (Set-CsCallParkOrbit)");
    auto name = std::make_shared<std::string>();
    auto start = std::make_shared<std::string>(), end = std::make_shared<std::string>();
    auto pool = std::make_shared<std::string>(), type = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Range to change")->required();
    auto* o_start = cmd->add_option("--start", *start, "New first number");
    auto* o_end = cmd->add_option("--end", *end, "New last number");
    auto* o_pool = cmd->add_option("--service", *pool, "New owning pool");
    auto* o_type = cmd->add_option("--type", *type, "New type (only while no number is in use, O7)");
    auto force = std::make_shared<bool>(false);
    cmd->add_flag("--force", *force, "Apply even if a running server has parked calls the change strands; it "
                                     "ends them by fallback or disconnect (O7/O8)");
    cmd->callback([=, &ctx] {
      if (!o_start->count() && !o_end->count() && !o_pool->count() && !o_type->count())
        throw CommandError(kUsage, "orbit set: give at least one of --start, --end, --service, --type");
      ctx.change([&](Deployment& d) -> Status {
        OrbitRange* r = d.find_range(*name);
        if (!r) return fail("no range named \"" + *name + "\" (O1)");
        if (o_type->count()) {
          RangeType t = parse_type(*type);
          if (t != r->type && !members_in(d, *r).empty())
            return fail(r->describe() + " is in use by pickup group members; its type can change only "
                        "while none of its numbers is in use (O7)");
          r->type = t;
        }
        if (o_start->count()) r->start = *start;
        if (o_end->count()) r->end = *end;
        if (o_pool->count()) {
          r->pool = *pool;
          d.ensure_pool(*pool);
        }
        return validated(*r);
      }, "changed range \"" + *name + "\"", {.check_live_parks = true, .force = *force, .offers_force = true});
    });
  }
  {
    auto* cmd = orbit->add_subcommand("get", "List ranges (Get-CsCallParkOrbit)");
    auto name = std::make_shared<std::string>(), type = std::make_shared<std::string>();
    cmd->add_option("name", *name, "Only this range");
    cmd->add_option("--type", *type, "Only CallPark or GroupPickup ranges");
    cmd->callback([=, &ctx] {
      Deployment d = ctx.store().load();
      std::optional<RangeType> only;
      if (!type->empty()) only = parse_type(*type);
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (auto& r : d.ranges)
        if ((name->empty() || r.name == *name) && (!only || r.type == *only)) list.push_back(to_json(r));
      if (!name->empty() && list.empty()) throw CommandError(kRejected, "no range named \"" + *name + "\" (O1)");
      ctx.print(list, format_list(list));
    });
  }
  {
    auto* cmd = orbit->add_subcommand(
        "remove", "Remove a range and free its numbers (Remove-CsCallParkOrbit). Live parks are "
                  "protected by the running server, which ends them cleanly only when forced (O8)");
    auto name = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    cmd->add_option("name", *name, "Range to remove")->required();
    cmd->add_flag("--force", *force, "Remove even if in use: clears pickup membership of its group numbers, and a "
                                     "running server ends the range's parked calls by fallback or disconnect (O8)");
    cmd->callback([=, &ctx] {
      ctx.change([&](Deployment& d) -> Status {
        OrbitRange* r = d.find_range(*name);
        if (!r) return fail("no range named \"" + *name + "\" (O1)");
        auto members = members_in(d, *r);
        if (!members.empty() && !*force)
          return fail(r->describe() + " is in use by " + std::to_string(members.size()) +
                      " pickup group member(s); remove it with --force to clear their membership (O8)");
        for (User* u : members) u->pickup_group.clear();  // G2: disabling forgets the number
        d.ranges.erase(d.ranges.begin() + (r - d.ranges.data()));
        return {};
      }, "removed range \"" + *name + "\"", {.check_live_parks = true, .force = *force, .offers_force = true});
    });
  }
}

}  // namespace cpark::cli

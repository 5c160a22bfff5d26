#include "loadtest/profile.h"

#include <algorithm>
#include <filesystem>
#include <toml++/toml.h>

#include "config/toml_reader.h"

namespace cpark::loadtest {

namespace fs = std::filesystem;

namespace {

struct FlowInfo {
  Flow flow;
  std::string_view name, scenario;
};
constexpr FlowInfo kFlows[] = {
    {Flow::register_, "register", "register_uac.xml"},
    {Flow::call, "call", "call_uac.xml"},
    {Flow::park, "park", "park_uac.xml"},
    {Flow::directed_park, "directed-park", "park_uac.xml"},
    {Flow::pickup, "pickup", "pickup_uac.xml"},
};

Flow read_flow(const TomlReader& r, const toml::table& t, const std::string& ctx) {
  const std::string name = r.str(t, "flow", ctx, true);
  if (auto f = flow_from_name(name)) return *f;
  r.fail(*t.get("flow"), ctx + ".flow",
         "\"" + name + "\" is not a flow: use register, call, park, directed-park or pickup");
}

}  // namespace

std::string_view flow_name(Flow f) {
  for (auto& i : kFlows)
    if (i.flow == f) return i.name;
  return "?";
}

std::optional<Flow> flow_from_name(std::string_view name) {
  for (auto& i : kFlows)
    if (i.name == name) return i.flow;
  return std::nullopt;
}

std::string_view flow_scenario(Flow f) {
  for (auto& i : kFlows)
    if (i.flow == f) return i.scenario;
  return {};
}

double Profile::call_rate() const {
  if (search) return search->start;
  double sum = 0, highest = 0;
  for (auto& f : flows) sum += f.rate, highest = std::max(highest, f.rate);
  return parallel ? sum : highest;
}

std::optional<std::int64_t> Profile::max_calls() const {
  std::int64_t n = 0;
  for (auto& f : flows) {
    if (f.calls == 0) return std::nullopt;
    n += f.calls;
  }
  if (search || n == 0) return std::nullopt;
  return n;
}

std::optional<double> Profile::duration() const {
  if (search) return (std::floor((search->max - search->start) / search->step) + 1) * search->step_seconds;
  double d = 0;
  for (auto& f : flows) {
    if (f.duration == 0) return std::nullopt;
    d = parallel ? std::max(d, f.duration) : d + f.duration;
  }
  return d;
}

Profile read_profile(const std::string& path) { return parse_profile(read_text_file(path), path); }

Profile parse_profile(const std::string& text, const std::string& path) {
  const TomlReader r(path);
  const toml::table root = parse_toml(text, path);
  r.only_keys(root, {"name", "description", "transport", "timeout", "parallel", "t1", "deployment", "flows", "search",
                     "faults", "restart", "max_transactions"},
              "the profile");
  Profile p;
  p.file = path;
  p.text = text;
  p.name = r.str(root, "name", "the profile", false, fs::path(path).stem().string());
  for (char c : p.name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      r.fail(*root.get("name"), "name", "\"" + p.name + "\" names the results folder: use letters, digits, - _ .");
  p.description = r.str(root, "description", "the profile");
  p.transport = r.str(root, "transport", "the profile", false, "udp");
  if (p.transport != "udp")
    r.fail(*root.get("transport"), "transport", "\"" + p.transport + "\": the load tests run over udp only");
  p.timeout = r.number(root, "timeout", p.timeout, 1, 86400);
  p.parallel = r.boolean(root, "parallel", "the profile", false);
  p.t1_ms = int(r.whole(root, "t1", 500, 10, 10000));
  p.max_transactions = r.whole(root, "max_transactions", 0, 0, 10'000'000);

  const toml::node* dn = r.get(root, "deployment", true, "the profile");
  const toml::table& d = r.table(*dn, "deployment");
  r.only_keys(d, {"file", "users", "extension_start", "members", "pickup_groups"}, "[deployment]");
  p.deployment.file = (fs::path(path).parent_path() / r.str(d, "file", "[deployment]", true)).string();
  p.deployment.users = int(r.whole(d, "users", 20, 1, 100000));
  p.deployment.extension_start = long(r.whole(d, "extension_start", 1000, 1, 900'000'000));
  p.deployment.members = int(r.whole(d, "members", 0, 0, 100000));
  p.deployment.pickup_groups = r.strings(d, "pickup_groups", "[deployment]");
  if (p.deployment.members > 0 && p.deployment.pickup_groups.empty())
    r.fail(d, "deployment.pickup_groups", "members need at least one pickup group to be spread over");

  r.each(root, "flows", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"flow", "rate", "calls", "duration", "hold", "max_concurrent"}, ctx);
    FlowLoad f;
    f.flow = read_flow(r, t, ctx);
    f.rate = r.number(t, "rate", 10, 0.001, 100000);
    f.calls = r.whole(t, "calls", 0, 0, 100'000'000);
    f.duration = r.number(t, "duration", 0, 0, 86400);
    f.hold_ms = r.whole(t, "hold", 0, 0, 3'600'000);
    f.max_concurrent = r.whole(t, "max_concurrent", 0, 0, 10'000'000);
    if (f.calls == 0 && f.duration == 0) r.fail(t, ctx, "needs calls or duration (or both) so the flow ends");
    if ((f.flow == Flow::pickup) && p.deployment.members == 0)
      r.fail(t, ctx + ".flow", "pickup needs group members: set [deployment] members and pickup_groups");
    p.flows.push_back(f);
  });
  if (auto* sn = root.get("search")) {
    const toml::table& t = r.table(*sn, "search");
    r.only_keys(t, {"flow", "start", "step", "max", "step_duration", "p99_invite_limit", "hold"}, "[search]");
    RateSearch s;
    s.flow = read_flow(r, t, "search");
    s.start = r.number(t, "start", s.start, 1, 100000);
    s.step = r.number(t, "step", s.step, 1, 100000);
    s.max = r.number(t, "max", s.max, 1, 100000);
    if (s.max < s.start) r.fail(t, "search.max", "must not be below start");
    s.step_seconds = r.number(t, "step_duration", s.step_seconds, 1, 3600);
    s.p99_invite_limit_ms = r.number(t, "p99_invite_limit", s.p99_invite_limit_ms, 1, 100000);
    s.hold_ms = r.whole(t, "hold", 0, 0, 3'600'000);
    p.search = s;
  }
  if (p.flows.empty() && !p.search) r.fail(root, "flows", "the profile drives nothing: add [[flows]] or [search]");
  if (auto* fn = root.get("faults")) {
    const toml::table& t = r.table(*fn, "faults");
    r.only_keys(t, {"sipp_lost", "drop", "duplicate", "reorder", "delay", "jitter", "seed"}, "[faults]");
    Faults f;
    f.sipp_lost = r.number(t, "sipp_lost", 0, 0, 0.5);
    f.drop = r.number(t, "drop", 0, 0, 0.5);
    f.duplicate = r.number(t, "duplicate", 0, 0, 0.5);
    f.reorder = r.number(t, "reorder", 0, 0, 0.5);
    f.delay_ms = r.number(t, "delay", 0, 0, 10000);
    f.jitter_ms = r.number(t, "jitter", 0, 0, 10000);
    f.seed = std::uint64_t(r.whole(t, "seed", 1, 0, INT64_MAX));
    p.faults = f;
  }
  if (auto* rn = root.get("restart")) {
    const toml::table& t = r.table(*rn, "restart");
    r.only_keys(t, {"after"}, "[restart]");
    p.restart_at = r.number(t, "after", 1, 0.1, 86400);
  }
  return p;
}

}  // namespace cpark::loadtest

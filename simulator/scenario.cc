#include "simulator/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <toml++/toml.h>
#include <utility>

#include "config/deployment_file.h"
#include "config/toml_reader.h"
#include "engine/deployment_rules.h"

namespace cpark::sim {

namespace fs = std::filesystem;

const Traffic* Scenario::find_traffic(std::string_view pool) const {
  for (auto& t : traffic)
    if (t.pool == pool) return &t;
  return nullptr;
}

Traffic* Scenario::find_traffic(std::string_view pool) {
  return const_cast<Traffic*>(std::as_const(*this).find_traffic(pool));
}

namespace {

// The scenario's own value types on top of the shared TOML reader.
struct ScenarioReader {
  const TomlReader& r;

  double share(const toml::table& t, const char* key, double def) const { return r.number(t, key, def, 0, 1); }

  Distribution distribution(const toml::table& parent, const char* key, Distribution def) const {
    const toml::node* n = parent.get(key);
    if (!n) return def;
    const toml::table& t = r.table(*n, key);
    const std::string ctx = std::string(key);
    const std::string type = r.str(t, "type", ctx, true);
    Distribution d;
    auto positive = [&](const char* k) { return r.number(t, k, -1, 1e-9, 1e9); };
    if (type == "exponential") {
      r.only_keys(t, {"type", "mean"}, ctx);
      d.kind = Distribution::Kind::Exponential;
      d.mean = positive("mean");
    } else if (type == "deterministic") {
      r.only_keys(t, {"type", "value"}, ctx);
      d.kind = Distribution::Kind::Deterministic;
      d.mean = r.number(t, "value", -1, 0, 1e9);
    } else if (type == "uniform") {
      r.only_keys(t, {"type", "min", "max"}, ctx);
      d.kind = Distribution::Kind::Uniform;
      d.min = r.number(t, "min", -1, 0, 1e9);
      d.max = r.number(t, "max", -1, 0, 1e9);
      if (d.max < d.min) r.fail(t, ctx, "uniform max must not be below min");
    } else if (type == "lognormal") {
      r.only_keys(t, {"type", "mean", "sigma"}, ctx);
      d.kind = Distribution::Kind::Lognormal;
      d.mean = positive("mean");
      d.sigma = r.number(t, "sigma", 1, 0, 10);
    } else if (type == "empirical") {
      r.only_keys(t, {"type", "file"}, ctx);
      d.kind = Distribution::Kind::Empirical;
      d.source = (fs::path(r.path()).parent_path() / r.str(t, "file", ctx, true)).string();
      try {
        d.sorted = read_empirical_csv(d.source);
      } catch (const std::exception& e) {
        r.fail(t, std::string(key) + ".file", e.what());
      }
    } else {
      r.fail(*t.get("type"), ctx + ".type",
             "\"" + type + "\" must be exponential, deterministic, uniform, lognormal or empirical");
    }
    if (t.get("mean") == nullptr && t.get("value") == nullptr && d.kind != Distribution::Kind::Uniform &&
        d.kind != Distribution::Kind::Empirical)
      r.fail(t, ctx, "needs a mean");
    return d;
  }

  std::vector<double> numbers(const toml::node& n, const char* key) const {
    auto* a = n.as_array();
    if (!a || a->empty()) r.fail(n, key, "must be a non-empty list of numbers");
    if (a->size() > kMaxSweepPoints)
      r.fail(n, key, "lists " + std::to_string(a->size()) + " values; a sweep parameter may have at most " +
                         std::to_string(kMaxSweepPoints));
    std::vector<double> out;
    for (auto& e : *a) {
      if (!e.is_number()) r.fail(e, key, "must hold numbers");
      out.push_back(e.is_integer() ? double(*e.value<std::int64_t>()) : *e.value<double>());
    }
    return out;
  }
};

void read_run(const TomlReader& r, const toml::table& root, Scenario& s) {
  const toml::node* n = root.get("run");
  if (!n) return;
  const auto& t = r.table(*n, "run");
  r.only_keys(t, {"duration", "warmup", "replications", "seed", "sample_interval", "target_blocking"}, "[run]");
  s.run.duration = r.number(t, "duration", s.run.duration, 1, 1e9);
  s.run.warmup = r.number(t, "warmup", s.run.warmup, 0, 1e9);
  s.run.replications = int(r.whole(t, "replications", s.run.replications, 1, kMaxReplications));
  s.run.seed = std::uint64_t(r.whole(t, "seed", std::int64_t(s.run.seed), 0, INT64_MAX));
  s.run.sample_interval = r.number(t, "sample_interval", s.run.sample_interval, 0.001, 1e9);
  if (t.get("target_blocking")) s.run.target_blocking = r.number(t, "target_blocking", 0, 1e-9, 0.5);
}

void read_population(const TomlReader& r, const toml::table& root, Scenario& s) {
  r.each(root, "population", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"pool", "users", "extension_start", "pickup_groups", "policy", "ring_timeout"}, ctx);
    Population p;
    p.pool = r.str(t, "pool", ctx, true);
    p.users = int(r.whole(t, "users", 0, 1, 1'000'000));
    p.extension_start = long(r.whole(t, "extension_start", 10000, 1, 900'000'000));
    p.policy = r.str(t, "policy", ctx);
    p.ring_timeout = r.whole(t, "ring_timeout", 20, 1, 600);
    p.pickup_groups = r.strings(t, "pickup_groups", ctx);
    if (!s.deployment.find_pool(p.pool)) r.fail(t, ctx + ".pool", "\"" + p.pool + "\" is not a pool of the deployment");
    s.populations.push_back(std::move(p));
  });
}

void read_traffic(const TomlReader& r, const toml::table& root, Scenario& s) {
  const ScenarioReader sr{r};
  r.each(root, "traffic", [&](const toml::table& t, const std::string& ctx) {
    r.only_keys(t, {"pool", "arrival", "calls_per_hour", "hourly_profile", "parks_per_hour", "park_share", "talk_before_park",
                    "retrieval_delay", "never_retrieved", "retrieve_at_other_pool", "ringback_answer",
                    "ringback_answer_delay", "fallback_answer", "fallback_answer_delay", "abandon", "callee_answer",
                    "callee_answer_delay", "pickup", "pickup_delay", "caller_patience", "excluded"}, ctx);
    Traffic tr;
    tr.pool = r.str(t, "pool", ctx, true);
    if (!s.deployment.find_pool(tr.pool)) r.fail(t, ctx + ".pool", "\"" + tr.pool + "\" is not a pool of the deployment");
    if (t.get("arrival")) {
      const std::string a = r.str(t, "arrival", ctx);
      if (a == "deterministic") tr.arrival = Arrival::deterministic;
      else if (a != "poisson")
        r.fail(*t.get("arrival"), ctx + ".arrival", "\"" + a + "\" must be poisson or deterministic (fixed gaps, as SIPp's -r)");
    }
    tr.calls_per_hour = r.number(t, "calls_per_hour", 0, 0, 1e9);
    tr.parks_per_hour = r.number(t, "parks_per_hour", 0, 0, 1e9);
    tr.park_share = sr.share(t, "park_share", 0);
    tr.talk_before_park = sr.distribution(t, "talk_before_park", tr.talk_before_park);
    tr.retrieval_delay = sr.distribution(t, "retrieval_delay", tr.retrieval_delay);
    tr.never_retrieved = sr.share(t, "never_retrieved", 0);
    tr.retrieve_at_other_pool = sr.share(t, "retrieve_at_other_pool", 0);
    tr.ringback_answer = sr.share(t, "ringback_answer", tr.ringback_answer);
    tr.ringback_answer_delay = sr.distribution(t, "ringback_answer_delay", tr.ringback_answer_delay);
    tr.fallback_answer = sr.share(t, "fallback_answer", tr.fallback_answer);
    tr.fallback_answer_delay = sr.distribution(t, "fallback_answer_delay", tr.fallback_answer_delay);
    if (t.get("abandon")) tr.abandon = sr.distribution(t, "abandon", {});
    tr.callee_answer = sr.share(t, "callee_answer", tr.callee_answer);
    tr.callee_answer_delay = sr.distribution(t, "callee_answer_delay", tr.callee_answer_delay);
    tr.pickup = sr.share(t, "pickup", tr.pickup);
    tr.pickup_delay = sr.distribution(t, "pickup_delay", tr.pickup_delay);
    if (t.get("caller_patience")) tr.caller_patience = sr.distribution(t, "caller_patience", {});
    if (auto* h = t.get("hourly_profile")) {
      auto* a = h->as_array();
      if (!a || a->size() != 24) r.fail(*h, "hourly_profile", "must list 24 multipliers, one per hour");
      for (auto& e : *a) {
        if (!e.is_number()) r.fail(e, "hourly_profile", "must hold numbers");
        const double v = e.is_integer() ? double(*e.value<std::int64_t>()) : *e.value<double>();
        if (!(v >= 0 && v <= 1e6)) r.fail(e, "hourly_profile", "multipliers must be between 0 and 1e6");
        tr.hourly_profile.push_back(v);
      }
    }
    if (auto* x = t.get("excluded")) {
      const auto& e = r.table(*x, "excluded");
      r.only_keys(e, {"private_line", "friends_family", "delegate", "response_group", "team_call"}, ctx + ".excluded");
      tr.excluded = {sr.share(e, "private_line", 0), sr.share(e, "friends_family", 0), sr.share(e, "delegate", 0),
                     sr.share(e, "response_group", 0), sr.share(e, "team_call", 0)};
      if (tr.excluded.total() > 1) r.fail(e, ctx + ".excluded", "shares add up to more than 1");
    }
    if (s.find_traffic(tr.pool)) r.fail(t, ctx + ".pool", "pool \"" + tr.pool + "\" already has a [[traffic]] table");
    s.traffic.push_back(std::move(tr));
  });
}

void read_sweep(const TomlReader& r, const toml::table& root, Scenario& s) {
  const toml::node* n = root.get("sweep");
  if (!n) return;
  const ScenarioReader sr{r};
  const auto& t = r.table(*n, "sweep");
  r.only_keys(t, {"parameters"}, "[sweep]");
  std::size_t points = 1;
  r.each(t, "parameters", [&](const toml::table& p, const std::string& ctx) {
    r.only_keys(p, {"name", "values", "from", "to", "step"}, "sweep." + ctx);
    SweepParameter sp;
    sp.name = r.str(p, "name", "sweep." + ctx, true);
    if (auto* v = p.get("values")) {
      sp.values = sr.numbers(*v, "values");
    } else {
      if (!p.get("from") || !p.get("to") || !p.get("step"))
        r.fail(p, "sweep." + ctx, "needs values = [...] or from, to and step");
      const double from = r.number(p, "from", 0, -1e12, 1e12), to = r.number(p, "to", 0, -1e12, 1e12);
      const double step = r.number(p, "step", 0, 1e-12, 1e12);
      // Count first: a tiny step must be refused, not generated until memory runs out.
      const double count = std::floor((to - from) / step + 1e-9) + 1;
      if (!(count >= 1 && count <= double(kMaxSweepPoints)))
        r.fail(p, "sweep." + ctx, "from " + std::to_string(from) + " to " + std::to_string(to) + " by " +
                                      std::to_string(step) + " gives " +
                                      (count >= 1 ? std::to_string(std::llround(count)) : std::string("no")) +
                                      " points; a range must give 1 to " + std::to_string(kMaxSweepPoints));
      for (std::size_t i = 0; i < std::size_t(count); ++i) sp.values.push_back(from + double(i) * step);
    }
    points *= sp.values.size();
    if (points > kMaxSweepPoints)
      r.fail(p, "sweep." + ctx, "the sweep grid would have more than " + std::to_string(kMaxSweepPoints) +
                                    " points (the product of every parameter's values)");
    Scenario probe;
    probe.deployment = s.deployment;
    probe.traffic = s.traffic;
    if (auto e = apply_parameter(probe, sp.name, sp.values.front()); !e) r.fail(*p.get("name"), "name", e.message());
    s.sweep.push_back(std::move(sp));
  });
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& path) {
  const TomlReader r(path);
  const toml::table root = parse_toml(text, path);
  Scenario s;
  s.file = path;
  s.text = text;
  s.name = fs::path(path).stem().string();
  DeploymentFile df = read_deployment(root, r, {"scenario", "run", "population", "traffic", "sweep"});
  s.deployment = std::move(df.deployment);
  for (auto& m : df.music) s.deployment.music.push_back({m.pool, m.path, "", 0});

  if (auto* n = root.get("scenario")) {
    const auto& t = r.table(*n, "scenario");
    r.only_keys(t, {"name", "description"}, "[scenario]");
    s.name = r.str(t, "name", "[scenario]", false, s.name);
    s.description = r.str(t, "description", "[scenario]");
  }
  read_run(r, root, s);
  read_population(r, root, s);
  read_traffic(r, root, s);
  read_sweep(r, root, s);
  bool any_traffic = false;
  for (auto& t : s.traffic) any_traffic = any_traffic || t.calls_per_hour > 0 || t.parks_per_hour > 0;
  if (!any_traffic)
    throw FileError(path + ": the scenario has no traffic: add a [[traffic]] table with calls_per_hour or "
                    "parks_per_hour above 0 for one of its pools");
  if (auto size = check_size(s); !size) throw FileError(path + ": " + size.message());
  s.built = build_deployment(s);
  return s;
}

Status check_size(const Scenario& s) {
  // Every replication keeps one busy-orbit sample per pool per interval until the report
  // is written: bound that before simulating anything.
  const double samples = std::floor((s.run.warmup + s.run.duration) / s.run.sample_interval) + 1;
  const double pools = double(std::max<std::size_t>(1, s.deployment.pools.size()));
  const double bytes = samples * pools * 8 * double(s.run.replications) * double(sweep_point_count(s));
  if (bytes > kMaxSampleBytes) {
    std::ostringstream why;
    why << "the run would keep " << std::llround(samples) << " busy-orbit samples per pool per replication ("
        << s.run.replications << " replications, " << sweep_point_count(s) << " sweep points, about "
        << std::llround(bytes / 1e9) << " GB); at most " << kMaxSampleBytes / 1e9
        << " GB: raise [run] sample_interval, shorten duration or run fewer replications";
    return fail(why.str());
  }
  return {};
}

Scenario read_scenario(const std::string& path) { return parse_scenario(read_text_file(path), path); }

DeploymentPtr build_deployment(const Scenario& s) {
  if (s.built) return s.built;
  Deployment d = s.deployment;
  std::size_t total = d.users.size();
  for (auto& p : s.populations) total += std::size_t(p.users);
  d.users.reserve(total);
  for (std::size_t k = 0; k < s.populations.size(); ++k) {
    const Population& p = s.populations[k];
    // Only what the traffic model uses is materialised: a private line and a Friends and
    // Family contact exist when the pool's traffic excludes calls for those reasons (G6).
    const Traffic* t = s.find_traffic(p.pool);
    const bool private_lines = t && t->excluded.private_line > 0;
    const bool family = t && t->excluded.friends_family > 0;
    const std::string prefix = "sim" + std::to_string(k) + "-";
    for (int i = 0; i < p.users; ++i) {
      User u;
      u.name = prefix + std::to_string(i);  // sip:sim0-17@sim.invalid (engine/identity.h)
      u.extension = std::to_string(p.extension_start + i);
      u.pool = p.pool;
      u.policy = p.policy;
      u.ring_timeout_seconds = p.ring_timeout;
      if (!p.pickup_groups.empty()) u.pickup_group = p.pickup_groups[std::size_t(i) % p.pickup_groups.size()];
      if (private_lines) u.private_line = "+1555" + u.extension;  // G6: calls dialled here are private
      if (family) u.friends_family = {kFamilyContact};               // G6: this caller is Friends and Family
      d.users.push_back(std::move(u));
    }
  }
  auto v = validate_deployment(std::move(d));
  if (!v) throw FileError(s.file + ": the deployment breaks a rule: " + v.message());
  return std::move(*v);
}

Status resize_orbits(Deployment& d, const std::string& pool, long orbits) {
  if (orbits < 1) return fail("orbits." + pool + " must be at least 1");
  const OrbitRange* first = nullptr;
  for (auto& r : d.ranges)
    if (r.pool == pool && r.type == RangeType::CallPark && !first) first = &r;
  if (!first) return fail("pool \"" + pool + "\" has no CallPark range to resize");
  const OrbitRange model = *first;
  auto bounds = validate_range(model);
  if (!bounds) return bounds.error();
  const OrbitNumber start = bounds->first;
  std::uint64_t top = 1;
  for (int i = 0; i < start.digits; ++i) top *= 10;
  if (start.value + std::uint64_t(orbits) > top)
    return fail("pool \"" + pool + "\": " + std::to_string(orbits) + " orbits do not fit after " + model.start +
                " with the same number length (O3)");
  std::vector<OrbitRange> keep;
  for (auto& r : d.ranges)
    if (!(r.pool == pool && r.type == RangeType::CallPark)) keep.push_back(r);
  long left = orbits;
  std::uint32_t next = start.value;
  for (int part = 0; left > 0; ++part) {
    const long n = std::min<long>(left, kMaxNumbersPerRange);
    OrbitRange r = model;
    if (part) r.name.append("-").append(std::to_string(part + 1));
    OrbitNumber a = start, b = start;
    a.value = next;
    b.value = next + std::uint32_t(n - 1);
    r.start = a.to_string();
    r.end = b.to_string();
    keep.push_back(r);
    next += std::uint32_t(n);
    left -= n;
  }
  d.ranges = std::move(keep);
  auto v = validate_deployment(d);
  if (!v) return v.error();
  return {};
}

Status apply_parameter(Scenario& s, const std::string& name, double value) {
  auto dot = name.find('.');
  const std::string head = name.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (head == "orbits") {
    if (!s.deployment.find_pool(rest)) return fail("sweep \"" + name + "\": \"" + rest + "\" is not a pool");
    s.built = nullptr;
    return resize_orbits(s.deployment, rest, long(std::llround(value)));
  }
  if (head == "settings") {
    auto it = std::find_if(s.deployment.settings.begin(), s.deployment.settings.end(),
                           [](auto& c) { return c.scope == "global"; });
    if (it == s.deployment.settings.end()) s.deployment.settings.push_back({}), it = s.deployment.settings.end() - 1;
    s.built = nullptr;
    if (rest == "timeout") it->timeout_seconds = std::llround(value);
    else if (rest == "max_attempts") it->max_attempts = int(std::lround(value));
    else if (rest == "ring_time") it->ring_seconds = std::llround(value);
    else return fail("sweep \"" + name + "\": settings.<timeout|max_attempts|ring_time> expected");
    return validate_settings(*it, s.deployment);
  }
  if (head == "traffic") {
    // pool names contain dots: the field is what follows the longest matching pool name
    Traffic* t = nullptr;
    std::string field;
    for (auto& tr : s.traffic)
      if (rest.rfind(tr.pool + ".", 0) == 0 && (!t || tr.pool.size() > t->pool.size())) {
        t = &tr;
        field = rest.substr(tr.pool.size() + 1);
      }
    if (!t) return fail("sweep \"" + name + "\": traffic.<pool>.<field> names no pool with a [[traffic]] table");
    auto share = [&](double& f) -> Status {
      if (value < 0 || value > 1) return fail("sweep \"" + name + "\": " + std::to_string(value) + " is not a share in 0-1");
      f = value;
      return {};
    };
    auto rate = [&](double& f) -> Status {
      if (value < 0) return fail("sweep \"" + name + "\": " + std::to_string(value) + " is a negative rate");
      f = value;
      return {};
    };
    if (field == "calls_per_hour") return rate(t->calls_per_hour);
    if (field == "parks_per_hour") return rate(t->parks_per_hour);
    if (field == "park_share") return share(t->park_share);
    if (field == "never_retrieved") return share(t->never_retrieved);
    if (field == "ringback_answer") return share(t->ringback_answer);
    if (field == "fallback_answer") return share(t->fallback_answer);
    if (field == "callee_answer") return share(t->callee_answer);
    if (field == "pickup") return share(t->pickup);
    if (field == "retrieval_delay.mean") {
      if (value <= 0) return fail("sweep \"" + name + "\": the mean must be above 0");
      t->retrieval_delay.scale_mean_to(value);
      return {};
    }
    return fail("sweep \"" + name + "\": unknown traffic field \"" + field + "\"");
  }
  return fail("sweep parameter \"" + name + "\" must start with orbits., settings. or traffic.");
}

std::size_t sweep_point_count(const Scenario& s) {
  std::size_t n = 1;
  for (auto& p : s.sweep) n *= p.values.size();
  return n;
}

std::vector<std::vector<std::pair<std::string, double>>> sweep_points(const Scenario& s) {
  std::vector<std::vector<std::pair<std::string, double>>> points(1);
  for (auto& p : s.sweep) {
    std::vector<std::vector<std::pair<std::string, double>>> next;
    next.reserve(points.size() * p.values.size());
    for (auto& prefix : points)
      for (double v : p.values) {
        auto row = prefix;
        row.emplace_back(p.name, v);
        next.push_back(std::move(row));
      }
    points = std::move(next);
  }
  return points;
}

}  // namespace cpark::sim

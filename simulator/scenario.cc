#include "simulator/scenario.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <toml++/toml.h>

#include "config/deployment_file.h"
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

// Typed access to a TOML table that reports file:line: key on any mistake.
struct Reader {
  const std::string& path;

  double number(const toml::table& t, const char* key, double def, double lo, double hi) const {
    const toml::node* n = t.get(key);
    if (!n) return def;
    if (!n->is_number()) fail_at(path, *n, key, "must be a number");
    const double v = n->is_integer() ? double(*n->value<std::int64_t>()) : *n->value<double>();
    if (!(v >= lo && v <= hi)) {
      std::ostringstream s;
      s << v << " is outside " << lo << " to " << hi;
      fail_at(path, *n, key, s.str());
    }
    return v;
  }
  double share(const toml::table& t, const char* key, double def) const { return number(t, key, def, 0, 1); }
  std::string str(const toml::table& t, const char* key, const std::string& def, bool required = false) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (required) fail_at(path, t, key, "missing");
      return def;
    }
    if (!n->is_string()) fail_at(path, *n, key, "must be a string");
    return *n->value<std::string>();
  }
  const toml::table& table(const toml::node& n, const char* key) const {
    if (!n.is_table()) fail_at(path, n, key, "must be a table");
    return *n.as_table();
  }

  Distribution distribution(const toml::table& parent, const char* key, Distribution def) const {
    const toml::node* n = parent.get(key);
    if (!n) return def;
    const toml::table& t = table(*n, key);
    const std::string type = str(t, "type", "", true);
    const std::string ctx = std::string(key);
    Distribution d;
    auto positive = [&](const char* k) { return number(t, k, -1, 1e-9, 1e9); };
    if (type == "exponential") {
      only_keys(path, t, {"type", "mean"}, ctx);
      d.kind = Distribution::Kind::Exponential;
      d.mean = positive("mean");
    } else if (type == "deterministic") {
      only_keys(path, t, {"type", "value"}, ctx);
      d.kind = Distribution::Kind::Deterministic;
      d.mean = number(t, "value", -1, 0, 1e9);
    } else if (type == "uniform") {
      only_keys(path, t, {"type", "min", "max"}, ctx);
      d.kind = Distribution::Kind::Uniform;
      d.min = number(t, "min", -1, 0, 1e9);
      d.max = number(t, "max", -1, 0, 1e9);
      if (d.max < d.min) fail_at(path, t, ctx, "uniform max must not be below min");
    } else if (type == "lognormal") {
      only_keys(path, t, {"type", "mean", "sigma"}, ctx);
      d.kind = Distribution::Kind::Lognormal;
      d.mean = positive("mean");
      d.sigma = number(t, "sigma", 1, 0, 10);
    } else if (type == "empirical") {
      only_keys(path, t, {"type", "file"}, ctx);
      d.kind = Distribution::Kind::Empirical;
      d.source = (fs::path(path).parent_path() / str(t, "file", "", true)).string();
      try {
        d.sorted = read_empirical_csv(d.source);
      } catch (const std::exception& e) {
        fail_at(path, t, std::string(key) + ".file", e.what());
      }
    } else {
      fail_at(path, *t.get("type"), ctx + ".type",
              "\"" + type + "\" must be exponential, deterministic, uniform, lognormal or empirical");
    }
    if (t.get("mean") == nullptr && t.get("value") == nullptr && d.kind != Distribution::Kind::Uniform &&
        d.kind != Distribution::Kind::Empirical)
      fail_at(path, t, ctx, "needs a mean");
    return d;
  }
};

template <class F>
void each_table(const std::string& path, const toml::table& root, const char* key, F&& f) {
  const toml::node* n = root.get(key);
  if (!n) return;
  auto* a = n->as_array();
  if (!a || !a->is_array_of_tables())
    fail_at(path, *n, key, "must be an array of tables ([[" + std::string(key) + "]])");
  int i = 0;
  for (auto& e : *a) f(*e.as_table(), std::string(key) + "[" + std::to_string(i++) + "]");
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw FileError(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  Scenario s;
  s.file = path;
  s.text = text;
  s.name = fs::path(path).stem().string();
  Reader r{path};
  DeploymentFile df = read_deployment(root, path, {"scenario", "run", "population", "traffic", "sweep"});
  s.deployment = std::move(df.deployment);
  for (auto& m : df.music) s.deployment.music.push_back({m.pool, m.path, "", 0});

  if (auto* n = root.get("scenario")) {
    const auto& t = r.table(*n, "scenario");
    only_keys(path, t, {"name", "description"}, "[scenario]");
    s.name = r.str(t, "name", s.name);
    s.description = r.str(t, "description", "");
  }
  if (auto* n = root.get("run")) {
    const auto& t = r.table(*n, "run");
    only_keys(path, t, {"duration", "warmup", "replications", "seed", "sample_interval", "target_blocking"}, "[run]");
    s.run.duration = r.number(t, "duration", s.run.duration, 1, 1e9);
    s.run.warmup = r.number(t, "warmup", s.run.warmup, 0, 1e9);
    s.run.replications = int(r.number(t, "replications", s.run.replications, 1, 10000));
    s.run.seed = std::uint64_t(r.number(t, "seed", double(s.run.seed), 0, 9e15));
    s.run.sample_interval = r.number(t, "sample_interval", s.run.sample_interval, 1, 1e9);
    if (t.get("target_blocking")) s.run.target_blocking = r.number(t, "target_blocking", 0, 1e-9, 0.5);
  }
  each_table(path, root, "population", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"pool", "users", "extension_start", "pickup_groups", "policy", "ring_timeout"}, ctx);
    Population p;
    p.pool = r.str(t, "pool", "", true);
    p.users = int(r.number(t, "users", 0, 1, 1e6));
    p.extension_start = long(r.number(t, "extension_start", 10000, 1, 9e8));
    p.policy = r.str(t, "policy", "");
    p.ring_timeout = std::int64_t(r.number(t, "ring_timeout", 20, 1, 600));
    if (auto* g = t.get("pickup_groups")) {
      auto* a = g->as_array();
      if (!a) fail_at(path, *g, "pickup_groups", "must be a list of group numbers");
      for (auto& e : *a) {
        if (!e.is_string()) fail_at(path, e, "pickup_groups", "must be a list of strings like \"#7100\"");
        p.pickup_groups.push_back(*e.value<std::string>());
      }
    }
    if (!s.deployment.find_pool(p.pool)) fail_at(path, t, ctx + ".pool", "\"" + p.pool + "\" is not a pool of the deployment");
    s.populations.push_back(std::move(p));
  });
  each_table(path, root, "traffic", [&](const toml::table& t, const std::string& ctx) {
    only_keys(path, t, {"pool", "calls_per_hour", "hourly_profile", "parks_per_hour", "park_share", "talk_before_park",
                        "retrieval_delay", "never_retrieved", "retrieve_at_other_pool", "ringback_answer",
                        "ringback_answer_delay", "fallback_answer", "fallback_answer_delay", "abandon",
                        "callee_answer", "callee_answer_delay", "pickup", "pickup_delay", "caller_patience",
                        "excluded"}, ctx);
    Traffic tr;
    tr.pool = r.str(t, "pool", "", true);
    if (!s.deployment.find_pool(tr.pool)) fail_at(path, t, ctx + ".pool", "\"" + tr.pool + "\" is not a pool of the deployment");
    tr.calls_per_hour = r.number(t, "calls_per_hour", 0, 0, 1e9);
    tr.parks_per_hour = r.number(t, "parks_per_hour", 0, 0, 1e9);
    tr.park_share = r.share(t, "park_share", 0);
    tr.talk_before_park = r.distribution(t, "talk_before_park", tr.talk_before_park);
    tr.retrieval_delay = r.distribution(t, "retrieval_delay", tr.retrieval_delay);
    tr.never_retrieved = r.share(t, "never_retrieved", 0);
    tr.retrieve_at_other_pool = r.share(t, "retrieve_at_other_pool", 0);
    tr.ringback_answer = r.share(t, "ringback_answer", tr.ringback_answer);
    tr.ringback_answer_delay = r.distribution(t, "ringback_answer_delay", tr.ringback_answer_delay);
    tr.fallback_answer = r.share(t, "fallback_answer", tr.fallback_answer);
    tr.fallback_answer_delay = r.distribution(t, "fallback_answer_delay", tr.fallback_answer_delay);
    if (t.get("abandon")) tr.abandon = r.distribution(t, "abandon", {});
    tr.callee_answer = r.share(t, "callee_answer", tr.callee_answer);
    tr.callee_answer_delay = r.distribution(t, "callee_answer_delay", tr.callee_answer_delay);
    tr.pickup = r.share(t, "pickup", tr.pickup);
    tr.pickup_delay = r.distribution(t, "pickup_delay", tr.pickup_delay);
    if (t.get("caller_patience")) tr.caller_patience = r.distribution(t, "caller_patience", {});
    if (auto* h = t.get("hourly_profile")) {
      auto* a = h->as_array();
      if (!a || a->size() != 24) fail_at(path, *h, "hourly_profile", "must list 24 multipliers, one per hour");
      for (auto& e : *a) {
        if (!e.is_number()) fail_at(path, e, "hourly_profile", "must hold numbers");
        const double v = e.is_integer() ? double(*e.value<std::int64_t>()) : *e.value<double>();
        if (v < 0) fail_at(path, e, "hourly_profile", "multipliers must be >= 0");
        tr.hourly_profile.push_back(v);
      }
    }
    if (auto* x = t.get("excluded")) {
      const auto& e = r.table(*x, "excluded");
      only_keys(path, e, {"private_line", "friends_family", "delegate", "response_group", "team_call"}, ctx + ".excluded");
      tr.excluded = {r.share(e, "private_line", 0), r.share(e, "friends_family", 0), r.share(e, "delegate", 0),
                     r.share(e, "response_group", 0), r.share(e, "team_call", 0)};
      if (tr.excluded.total() > 1) fail_at(path, e, ctx + ".excluded", "shares add up to more than 1");
    }
    if (s.find_traffic(tr.pool)) fail_at(path, t, ctx + ".pool", "pool \"" + tr.pool + "\" already has a [[traffic]] table");
    s.traffic.push_back(std::move(tr));
  });
  if (auto* n = root.get("sweep")) {
    const auto& t = r.table(*n, "sweep");
    only_keys(path, t, {"parameters"}, "[sweep]");
    each_table(path, t, "parameters", [&](const toml::table& p, const std::string& ctx) {
      only_keys(path, p, {"name", "values", "from", "to", "step"}, "sweep." + ctx);
      SweepParameter sp;
      sp.name = r.str(p, "name", "", true);
      if (auto* v = p.get("values")) {
        auto* a = v->as_array();
        if (!a || a->empty()) fail_at(path, *v, "values", "must be a non-empty list of numbers");
        for (auto& e : *a) {
          if (!e.is_number()) fail_at(path, e, "values", "must hold numbers");
          sp.values.push_back(e.is_integer() ? double(*e.value<std::int64_t>()) : *e.value<double>());
        }
      } else {
        const double from = r.number(p, "from", NAN, -1e12, 1e12), to = r.number(p, "to", NAN, -1e12, 1e12);
        const double step = r.number(p, "step", NAN, 1e-12, 1e12);
        if (!p.get("from") || !p.get("to") || !p.get("step"))
          fail_at(path, p, "sweep." + ctx, "needs values = [...] or from, to and step");
        for (double x = from; x <= to + step * 1e-9; x += step) sp.values.push_back(x);
        if (sp.values.empty() || sp.values.size() > 10000) fail_at(path, p, "sweep." + ctx, "range must give 1 to 10000 points");
      }
      Scenario probe = s;
      if (auto e = apply_parameter(probe, sp.name, sp.values.front()); !e.empty())
        fail_at(path, *p.get("name"), "name", e);
      s.sweep.push_back(std::move(sp));
    });
  }
  try {
    build_deployment(s);
  } catch (const FileError&) {
    throw;
  }
  return s;
}

Scenario read_scenario(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw FileError(path + ": cannot be read");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_scenario(ss.str(), path);
}

Deployment build_deployment(const Scenario& s) {
  Deployment d = s.deployment;
  for (std::size_t k = 0; k < s.populations.size(); ++k) {
    const Population& p = s.populations[k];
    for (int i = 0; i < p.users; ++i) {
      User u;
      u.name = "sim" + std::to_string(k) + "-" + std::to_string(i) + "@" + p.pool;
      u.extension = std::to_string(p.extension_start + i);
      u.pool = p.pool;
      u.policy = p.policy;
      u.ring_timeout_seconds = p.ring_timeout;
      if (!p.pickup_groups.empty()) u.pickup_group = p.pickup_groups[std::size_t(i) % p.pickup_groups.size()];
      u.private_line = "+1555" + u.extension;        // G6: calls dialled here are private
      u.friends_family = {"sip:family@home.invalid"};  // G6: this caller is Friends and Family
      d.users.push_back(std::move(u));
    }
  }
  Validation v = validate_deployment(d);
  if (!v.ok()) throw FileError(s.file + ": the deployment breaks a rule: " + v.errors.front());
  return d;
}

std::string resize_orbits(Deployment& d, const std::string& pool, long orbits) {
  if (orbits < 1) return "orbits." + pool + " must be at least 1";
  std::vector<OrbitRange> keep;
  const OrbitRange* first = nullptr;
  for (auto& r : d.ranges)
    if (r.pool == pool && r.type == RangeType::CallPark && !first) first = &r;
  if (!first) return "pool \"" + pool + "\" has no CallPark range to resize";
  const OrbitRange model = *first;
  for (auto& r : d.ranges)
    if (!(r.pool == pool && r.type == RangeType::CallPark)) keep.push_back(r);
  std::uint64_t top = 1;
  for (int i = 0; i < model.first.digits; ++i) top *= 10;
  if (model.first.value + std::uint64_t(orbits) > top)
    return "pool \"" + pool + "\": " + std::to_string(orbits) + " orbits do not fit after " + model.start +
           " with the same number length (O3)";
  long left = orbits;
  std::uint32_t next = model.first.value;
  for (int part = 0; left > 0; ++part) {
    const long n = std::min<long>(left, kMaxNumbersPerRange);
    OrbitRange r = model;
    r.name = model.name;
    if (part) r.name.append("-").append(std::to_string(part + 1));
    OrbitNumber a = model.first, b = model.first;
    a.value = next;
    b.value = next + std::uint32_t(n - 1);
    r.start = a.to_string();
    r.end = b.to_string();
    keep.push_back(r);
    next += std::uint32_t(n);
    left -= n;
  }
  d.ranges = std::move(keep);
  Validation v = validate_deployment(d);
  return v.ok() ? "" : v.errors.front();
}

std::string apply_parameter(Scenario& s, const std::string& name, double value) {
  auto dot = name.find('.');
  const std::string head = name.substr(0, dot);
  const std::string rest = dot == std::string::npos ? "" : name.substr(dot + 1);
  if (head == "orbits") {
    if (!s.deployment.find_pool(rest)) return "sweep \"" + name + "\": \"" + rest + "\" is not a pool";
    return resize_orbits(s.deployment, rest, long(std::llround(value)));
  }
  if (head == "settings") {
    auto it = std::find_if(s.deployment.settings.begin(), s.deployment.settings.end(), [](auto& c) { return c.scope == "global"; });
    if (it == s.deployment.settings.end()) s.deployment.settings.push_back({}), it = s.deployment.settings.end() - 1;
    if (rest == "timeout") it->timeout_seconds = std::llround(value);
    else if (rest == "max_attempts") it->max_attempts = int(std::lround(value));
    else if (rest == "ring_time") it->ring_seconds = std::llround(value);
    else return "sweep \"" + name + "\": settings.<timeout|max_attempts|ring_time> expected";
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
    if (!t) return "sweep \"" + name + "\": traffic.<pool>.<field> names no pool with a [[traffic]] table";
    auto share = [&](double& f) -> std::string {
      if (value < 0 || value > 1) return "sweep \"" + name + "\": " + std::to_string(value) + " is not a share in 0-1";
      f = value;
      return {};
    };
    if (field == "calls_per_hour") { t->calls_per_hour = value; return value < 0 ? "negative rate" : ""; }
    if (field == "parks_per_hour") { t->parks_per_hour = value; return value < 0 ? "negative rate" : ""; }
    if (field == "park_share") return share(t->park_share);
    if (field == "never_retrieved") return share(t->never_retrieved);
    if (field == "ringback_answer") return share(t->ringback_answer);
    if (field == "fallback_answer") return share(t->fallback_answer);
    if (field == "callee_answer") return share(t->callee_answer);
    if (field == "pickup") return share(t->pickup);
    if (field == "retrieval_delay.mean") { t->retrieval_delay.scale_mean_to(value); return value <= 0 ? "mean must be > 0" : ""; }
    return "sweep \"" + name + "\": unknown traffic field \"" + field + "\"";
  }
  return "sweep parameter \"" + name + "\" must start with orbits., settings. or traffic.";
}

}  // namespace cpark::sim

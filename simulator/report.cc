#include "simulator/report.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "simulator/erlang_b.h"

namespace cpark::sim {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

json to_json(const Estimate& e) {
  json j{{"mean", e.mean}};
  j["ci95_half_width"] = e.half_width ? json(*e.half_width) : json(nullptr);
  j["replications"] = e.n;
  return j;
}

std::string pct(double x, int digits = 2) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << 100 * x << " %";
  return s.str();
}
std::string num(double x, int digits = 2) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << x;
  return s.str();
}
std::string pm(const Estimate& e, bool percent, int digits = 2) {
  std::string s = percent ? pct(e.mean, digits) : num(e.mean, digits);
  if (e.half_width) s += " ± " + (percent ? pct(*e.half_width, digits) : num(*e.half_width, digits));
  return s;
}

bool poisson_parks(const Scenario& s, const std::string& pool) {
  for (auto& t : s.traffic)
    if (t.pool == pool && !t.hourly_profile.empty()) return false;
  return true;
}

}  // namespace

Fidelity check_fidelity(const Scenario& s, const PointResult& p, const std::string& pool) {
  Fidelity f;
  const std::string k = "pool." + pool + ".";
  f.offered_load = p.figure(k + "offered_load").mean;
  const long orbits = std::lround(p.figure(k + "orbits").mean);
  f.erlang_b = erlang_b(f.offered_load, orbits);
  f.simulated = p.figure(k + "blocking");
  if (p.figure(k + "park_attempts").mean <= 0) f.verdict = "not checked (no parks)";
  else if (!poisson_parks(s, pool)) f.verdict = "not checked (hourly profile: arrivals are not stationary Poisson)";
  else if (!f.simulated.half_width) f.verdict = "not checked (needs 2 or more replications)";
  else {
    // The 95 % interval, widened by the estimate's resolution (one park out of all the
    // attempts): with no blocked park seen, the interval is [0, 0] yet cannot rule out
    // an Erlang B of 1e-9.
    double attempts = 0;
    for (auto& r : p.replications) attempts += r.figures.at(k + "park_attempts");
    const double tolerance = *f.simulated.half_width + 1.0 / attempts;
    f.verdict = std::abs(f.simulated.mean - f.erlang_b) <= tolerance ? "agrees" : "disagrees";
  }
  return f;
}

json summary_json(const Scenario& s, const ScenarioRun& run, const ReportInfo& info) {
  json j;
  j["software"] = {{"name", "cpark"}, {"version", info.software_version}};
  j["scenario"] = {{"name", s.name}, {"file", s.file}, {"description", s.description}, {"text", s.text}};
  j["seed"] = info.seed;
  j["replications_requested"] = s.run.replications;
  j["duration_seconds"] = s.run.duration;
  j["warmup_seconds"] = s.run.warmup;
  j["interrupted"] = run.interrupted;
  j["confidence_intervals"] = "95 % Student t across independent replications";
  json points = json::array();
  for (auto& p : run.points) {
    json pj;
    json params = json::object();
    for (auto& [k, v] : p.parameters) params[k] = v;
    pj["parameters"] = params;
    pj["replications_completed"] = p.replications.size();
    json figures = json::object();
    if (!p.replications.empty())
      for (auto& [name, value] : p.replications.front().figures)
        if (name.rfind("pool.", 0) != 0) figures[name] = to_json(p.figure(name));
    pj["figures"] = figures;
    json pools = json::object();
    for (auto& pool : p.pools()) {
      json pl = json::object();
      const std::string k = "pool." + pool + ".";
      for (const char* f : {"orbits", "park_attempts", "parks_blocked", "blocking", "busy_mean", "busy_peak",
                            "mean_time_in_orbit", "offered_load"})
        pl[f] = to_json(p.figure(k + f));
      const Fidelity fid = check_fidelity(s, p, pool);
      pl["erlang_b"] = {{"offered_load", fid.offered_load}, {"blocking", fid.erlang_b}, {"verdict", fid.verdict}};
      pools[pool] = pl;
    }
    pj["pools"] = pools;
    points.push_back(pj);
  }
  j["points"] = points;
  if (run.target_blocking) {
    json plan = json::array();
    for (auto& p : run.plan)
      plan.push_back({{"pool", p.pool}, {"offered_load", p.offered_load}, {"orbits", p.orbits_simulated},
                      {"blocking_at_orbits", to_json(p.blocking)}, {"orbits_erlang_b", p.orbits_erlang_b},
                      {"note", p.note}});
    j["planning"] = {{"target_blocking", *run.target_blocking}, {"pools", plan}};
  }
  return j;
}

void write_results(const std::string& dir, const Scenario& s, const ScenarioRun& run, const ReportInfo& info) {
  fs::create_directories(dir);
  std::ofstream(fs::path(dir) / "summary.json") << summary_json(s, run, info).dump(2) << "\n";

  std::ofstream ts(fs::path(dir) / "timeseries.csv");
  ts << "point,time_s,pool,busy_mean,busy_min,busy_max\n";
  for (std::size_t pi = 0; pi < run.points.size(); ++pi) {
    const PointResult& p = run.points[pi];
    if (p.replications.empty()) continue;
    const auto pools = p.pools();
    for (std::size_t pool = 0; pool < pools.size(); ++pool) {
      std::size_t samples = SIZE_MAX;
      for (auto& r : p.replications) samples = std::min(samples, r.busy_samples[pool].size());
      for (std::size_t k = 0; k < samples; ++k) {
        double sum = 0, lo = 1e300, hi = -1e300;
        for (auto& r : p.replications) {
          const double v = r.busy_samples[pool][k];
          sum += v, lo = std::min(lo, v), hi = std::max(hi, v);
        }
        ts << pi << "," << double(k) * s.run.sample_interval << "," << pools[pool] << ","
           << sum / double(p.replications.size()) << "," << lo << "," << hi << "\n";
      }
    }
  }

  std::ofstream dist(fs::path(dir) / "distributions.csv");
  dist << "point,metric,bin_start_s,bin_end_s,count,share\n";
  for (std::size_t pi = 0; pi < run.points.size(); ++pi) {
    const PointResult& p = run.points[pi];
    if (p.replications.empty()) continue;
    Histogram parked = p.replications.front().parked_time, pickup = p.replications.front().time_to_pickup;
    for (std::size_t r = 1; r < p.replications.size(); ++r) {
      parked.merge(p.replications[r].parked_time);
      pickup.merge(p.replications[r].time_to_pickup);
    }
    for (auto [name, h] : {std::pair{"parked_time", &parked}, std::pair{"time_to_pickup", &pickup}}) {
      double total = 0;
      for (double c : h->counts) total += c;
      for (std::size_t b = 0; b < h->counts.size(); ++b) {
        const bool last = b + 1 == h->counts.size();
        dist << pi << "," << name << "," << double(b) * h->bin_seconds << ","
             << (last ? std::string("inf") : num(double(b + 1) * h->bin_seconds, 0)) << "," << h->counts[b] << ","
             << (total > 0 ? h->counts[b] / total : 0) << "\n";
      }
    }
  }

  if (!s.sweep.empty()) {
    std::ofstream sw(fs::path(dir) / "sweep.csv");
    const auto pools = run.points.empty() ? std::vector<std::string>{} : run.points.front().pools();
    for (auto& p : s.sweep) sw << p.name << ",";
    sw << "replications,park_blocking,park_blocking_ci95";
    for (auto& pool : pools) sw << "," << pool << ".blocking," << pool << ".blocking_ci95," << pool << ".erlang_b," << pool << ".busy_mean";
    sw << ",share_retrieved,share_ringback,share_fallback,share_disconnected,share_abandoned,pickup_answer_share,voicemail_share,request_rate_peak\n";
    for (auto& p : run.points) {
      for (auto& [k, v] : p.parameters) sw << v << ",";
      auto e = p.figure("park_blocking");
      sw << p.replications.size() << "," << e.mean << "," << e.half_width.value_or(NAN);
      for (auto& pool : pools) {
        auto b = p.figure("pool." + pool + ".blocking");
        sw << "," << b.mean << "," << b.half_width.value_or(NAN) << "," << check_fidelity(s, p, pool).erlang_b << ","
           << p.figure("pool." + pool + ".busy_mean").mean;
      }
      for (const char* f : {"share_retrieved", "share_ringback", "share_fallback", "share_disconnected", "share_abandoned",
                            "pickup_answer_share", "voicemail_share", "request_rate_peak"})
        sw << "," << p.figure(f).mean;
      sw << "\n";
    }
  }
}

void print_summary(std::ostream& out, const Scenario& s, const ScenarioRun& run) {
  out << "Scenario " << s.name << (run.interrupted ? " (interrupted: partial results)" : "") << "\n";
  for (std::size_t i = 0; i < run.points.size(); ++i) {
    const PointResult& p = run.points[i];
    if (!p.parameters.empty()) {
      out << "\nPoint " << i << ":";
      for (auto& [k, v] : p.parameters) out << " " << k << "=" << v;
      out << "\n";
    }
    if (p.replications.empty()) {
      out << "  no replication completed\n";
      continue;
    }
    out << "  replications " << p.replications.size() << ", " << num(s.run.duration / 3600, 2)
        << " h measured each after " << num(s.run.warmup / 60, 0) << " min warm-up (95 % intervals)\n";
    out << "  parks " << pm(p.figure("parks"), false, 0) << ", blocked (P2) " << pm(p.figure("park_blocking"), true) << "\n";
    out << "  parks ended: retrieved " << pm(p.figure("share_retrieved"), true, 1) << ", rung back "
        << pm(p.figure("share_ringback"), true, 1) << ", fell back " << pm(p.figure("share_fallback"), true, 1)
        << ", disconnected " << pm(p.figure("share_disconnected"), true, 1) << ", abandoned "
        << pm(p.figure("share_abandoned"), true, 1) << "\n";
    if (p.figure("calls").mean > 0)
      out << "  calls " << pm(p.figure("calls"), false, 0) << ": picked up by colleagues "
          << pm(p.figure("pickup_answer_share"), true, 1) << " of calls to group members, voicemail "
          << pm(p.figure("voicemail_share"), true, 1) << "\n";
    out << "  server requests: mean " << pm(p.figure("request_rate_mean"), false, 2) << "/s, busiest minute "
        << pm(p.figure("request_rate_peak"), false, 2) << "/s\n";
    for (auto& pool : p.pools()) {
      const std::string k = "pool." + pool + ".";
      if (p.figure(k + "park_attempts").mean <= 0) continue;
      const Fidelity f = check_fidelity(s, p, pool);
      out << "  pool " << pool << ": " << num(p.figure(k + "orbits").mean, 0) << " orbits, busy mean "
          << pm(p.figure(k + "busy_mean"), false, 2) << ", peak " << num(p.figure(k + "busy_peak").mean, 1)
          << ", blocking " << pm(f.simulated, true, 3) << "; Erlang B for " << num(f.offered_load, 2)
          << " Erl: " << pct(f.erlang_b, 3) << " -> " << f.verdict << "\n";
    }
  }
  if (run.target_blocking) {
    out << "\nPlanning: smallest orbit count per pool for blocking <= " << pct(*run.target_blocking, 3) << "\n";
    for (auto& p : run.plan) {
      out << "  pool " << p.pool << ": ";
      if (!p.note.empty()) out << p.note;
      else out << p.orbits_simulated << " orbits (simulated blocking " << pm(p.blocking, true, 3)
               << "); Erlang B for " << num(p.offered_load, 2) << " Erl says " << p.orbits_erlang_b;
      out << "\n";
    }
  }
}

}  // namespace cpark::sim

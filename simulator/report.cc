// The results writer (D4) and the human summary. The file format is documented in
// docs/results.md and pinned by docs/results.schema.json; keep the three in step.
#include "simulator/report.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iomanip>
#include <sstream>

#include "simulator/erlang_b.h"

namespace cpark::sim {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::string csv_number(double x) {
  if (!std::isfinite(x)) return {};
  char buf[32];
  // Shortest round-trip form: 1301030 stays 1301030, 0.1 stays 0.1, nothing is cut to
  // the stream's default six digits.
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

json json_number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

std::string csv_text(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void write_file_atomically(const fs::path& path, std::string_view contents) {
  // POSIX calls rather than ofstream so every failure carries errno, including the one
  // close() reports for a write the kernel could not place (full disk, quota, NFS).
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  auto fail = [&](const char* step, int err) {
    ::unlink(tmp.c_str());
    throw ResultsWriteError("cannot write " + path.string() + ": " + step + ": " + std::strerror(err));
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("open", errno);
  for (std::size_t done = 0; done < contents.size();) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      fail("write", err);
    }
    done += std::size_t(n);
  }
  if (::close(fd) != 0) fail("close", errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename", errno);
}

std::string_view figure_unit(std::string_view name) {
  // Per-pool figures are "pool.<pool name>.<figure>" and pool names hold dots, but figure
  // names never do: the unit follows from the last component.
  const auto dot = name.rfind('.');
  const std::string_view f = dot == std::string_view::npos ? name : name.substr(dot + 1);
  auto starts = [&](std::string_view p) { return f.substr(0, p.size()) == p; };
  auto ends = [&](std::string_view p) { return f.size() >= p.size() && f.substr(f.size() - p.size()) == p; };
  if (f == "orbits" || starts("busy_")) return "orbits";
  if (f == "offered_load") return "erlang";
  if (starts("share_") || ends("_share") || ends("blocking")) return "share";
  if (starts("request_rate")) return "1/s";
  if (starts("mean_time") || ends("_time")) return "s";
  return "count";
}

namespace {

json to_json(const Estimate& e, std::string_view unit) {
  json j;
  j["mean"] = json_number(e.mean);
  j["ci95_half_width"] = e.half_width ? json_number(*e.half_width) : json(nullptr);
  j["replications"] = e.n;
  j["unit"] = unit;
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

bool deterministic_arrivals(const Scenario& s, const std::string& pool) {
  for (auto& t : s.traffic)
    if (t.pool == pool && t.arrival == Arrival::deterministic) return true;
  return false;
}

// The per-pool figures, in the order summary.json, figures.csv and the viewer show them.
constexpr const char* kPoolFigures[] = {"orbits",    "park_attempts",      "parks_blocked", "blocking",
                                        "busy_mean", "busy_peak", "mean_time_in_orbit", "offered_load"};
// The headline figures of sweep.csv (D4).
constexpr const char* kSweepFigures[] = {"share_retrieved",     "share_ringback",   "share_fallback",
                                         "share_disconnected",  "share_abandoned",  "pickup_answer_share",
                                         "voicemail_share",     "request_rate_peak"};

std::vector<std::string> deployment_figures(const PointResult& p) {
  std::vector<std::string> out;
  if (!p.replications.empty())
    for (auto& [name, value] : p.replications.front().figures)
      if (name.rfind("pool.", 0) != 0) out.push_back(name);
  return out;
}

std::string timeseries_csv(const Scenario& s, const ScenarioRun& run) {
  std::string out = "point,time_s,pool,busy_mean,busy_min,busy_max\n";
  for (std::size_t pi = 0; pi < run.points.size(); ++pi) {
    const PointResult& p = run.points[pi];
    if (p.replications.empty()) continue;
    const auto pools = p.pools();
    for (std::size_t pool = 0; pool < pools.size(); ++pool) {
      std::size_t samples = SIZE_MAX;
      for (auto& r : p.replications) samples = std::min(samples, pool < r.busy_samples.size() ? r.busy_samples[pool].size() : 0);
      for (std::size_t k = 0; k < samples; ++k) {
        double sum = 0, lo = 1e300, hi = -1e300;
        for (auto& r : p.replications) {
          const double v = r.busy_samples[pool][k];
          sum += v, lo = std::min(lo, v), hi = std::max(hi, v);
        }
        out += std::to_string(pi) + "," + csv_number(double(k) * s.run.sample_interval) + "," + csv_text(pools[pool]) +
               "," + csv_number(sum / double(p.replications.size())) + "," + csv_number(lo) + "," + csv_number(hi) + "\n";
      }
    }
  }
  return out;
}

std::string distributions_csv(const ScenarioRun& run) {
  std::string out = "point,metric,bin_start_s,bin_end_s,count,share\n";
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
        // The last bin holds everything beyond its start: its end is left empty (open).
        const bool last = b + 1 == h->counts.size();
        out += std::to_string(pi) + "," + name + "," + csv_number(double(b) * h->bin_seconds) + "," +
               (last ? std::string() : csv_number(double(b + 1) * h->bin_seconds)) + "," + csv_number(h->counts[b]) +
               "," + csv_number(total > 0 ? h->counts[b] / total : 0) + "\n";
      }
    }
  }
  return out;
}

// Long format, one row per figure: the file to load into a data frame or the viewer.
std::string figures_csv(const Scenario& s, const ScenarioRun& run) {
  std::string out = "point,pool,metric,unit,mean,ci95_half_width,replications\n";
  auto row = [&](std::size_t pi, const std::string& pool, const std::string& metric, std::string_view unit,
                 const Estimate& e) {
    out += std::to_string(pi) + "," + csv_text(pool) + "," + csv_text(metric) + "," + std::string(unit) + "," +
           csv_number(e.mean) + "," + (e.half_width ? csv_number(*e.half_width) : std::string()) + "," +
           std::to_string(e.n) + "\n";
  };
  for (std::size_t pi = 0; pi < run.points.size(); ++pi) {
    const PointResult& p = run.points[pi];
    if (p.replications.empty()) continue;
    for (auto& name : deployment_figures(p)) row(pi, "", name, figure_unit(name), p.figure(name));
    for (auto& pool : p.pools()) {
      for (const char* f : kPoolFigures) row(pi, pool, f, figure_unit(f), p.figure("pool." + pool + "." + f));
      Estimate b;
      b.mean = check_fidelity(s, p, pool).erlang_b;
      b.n = int(p.replications.size());
      row(pi, pool, "erlang_b", "share", b);
    }
  }
  return out;
}

// Wide format for spreadsheets: one row per sweep point. Per-pool columns are named
// `figure[pool]`: pool names hold dots, never brackets.
std::string sweep_csv(const Scenario& s, const ScenarioRun& run) {
  const auto pools = run.points.empty() ? std::vector<std::string>{} : run.points.front().pools();
  std::string out = "point";
  for (auto& p : s.sweep) out += "," + csv_text(p.name);
  out += ",replications,park_blocking,park_blocking_ci95";
  for (auto& pool : pools)
    out += "," + csv_text("blocking[" + pool + "]") + "," + csv_text("blocking_ci95[" + pool + "]") + "," +
           csv_text("erlang_b[" + pool + "]") + "," + csv_text("busy_mean[" + pool + "]");
  for (const char* f : kSweepFigures) out += std::string(",") + f;
  out += "\n";
  for (std::size_t pi = 0; pi < run.points.size(); ++pi) {
    const PointResult& p = run.points[pi];
    out += std::to_string(pi);
    for (auto& [k, v] : p.parameters) out += "," + csv_number(v);
    const Estimate e = p.figure("park_blocking");
    out += "," + std::to_string(p.replications.size()) + "," + csv_number(e.mean) + "," +
           (e.half_width ? csv_number(*e.half_width) : std::string());
    for (auto& pool : pools) {
      const Estimate b = p.figure("pool." + pool + ".blocking");
      out += "," + csv_number(b.mean) + "," + (b.half_width ? csv_number(*b.half_width) : std::string()) + "," +
             csv_number(p.replications.empty() ? NAN : check_fidelity(s, p, pool).erlang_b) + "," +
             csv_number(p.figure("pool." + pool + ".busy_mean").mean);
    }
    for (const char* f : kSweepFigures) out += "," + csv_number(p.replications.empty() ? NAN : p.figure(f).mean);
    out += "\n";
  }
  return out;
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
  else if (deterministic_arrivals(s, pool)) f.verdict = "not checked (deterministic arrivals: Erlang B needs Poisson)";
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
  j["format"] = kResultsFormat;
  j["kind"] = "simulation";
  j["software"] = {{"name", "cpark"}, {"version", info.software_version}};
  j["scenario"] = {{"name", s.name}, {"file", s.file}, {"description", s.description}, {"text", s.text}};
  j["seed"] = info.seed;
  j["replications_requested"] = s.run.replications;
  j["duration_seconds"] = json_number(s.run.duration);
  j["warmup_seconds"] = json_number(s.run.warmup);
  j["sample_interval_seconds"] = json_number(s.run.sample_interval);
  j["interrupted"] = run.interrupted;
  j["confidence_intervals"] = "95 % Student t across independent replications";
  json sweep = json::array();
  for (auto& p : s.sweep) {
    json values = json::array();
    for (double v : p.values) values.push_back(json_number(v));
    sweep.push_back({{"name", p.name}, {"values", values}});
  }
  j["sweep"] = sweep;
  json points = json::array();
  for (std::size_t pi = 0; pi < run.points.size(); ++pi) {
    const PointResult& p = run.points[pi];
    json pj;
    pj["point"] = pi;
    json params = json::object();
    for (auto& [k, v] : p.parameters) params[k] = json_number(v);
    pj["parameters"] = params;
    pj["replications_completed"] = p.replications.size();
    json figures = json::object();
    for (auto& name : deployment_figures(p)) figures[name] = to_json(p.figure(name), figure_unit(name));
    pj["figures"] = figures;
    json pools = json::object();
    if (!p.replications.empty())
      for (auto& pool : p.pools()) {
        json pl = json::object();
        const std::string k = "pool." + pool + ".";
        for (const char* f : kPoolFigures) pl[f] = to_json(p.figure(k + f), figure_unit(f));
        const Fidelity fid = check_fidelity(s, p, pool);
        pl["erlang_b"] = {{"offered_load_erlang", json_number(fid.offered_load)},
                          {"blocking_share", json_number(fid.erlang_b)},
                          {"verdict", fid.verdict}};
        pools[pool] = pl;
      }
    pj["pools"] = pools;
    points.push_back(pj);
  }
  j["points"] = points;
  if (run.target_blocking) {
    json plan = json::array();
    for (auto& p : run.plan)
      plan.push_back({{"pool", p.pool},
                      {"offered_load_erlang", json_number(p.offered_load)},
                      {"orbits", p.orbits_simulated > 0 ? json(p.orbits_simulated) : json(nullptr)},
                      {"blocking_at_orbits", p.orbits_simulated > 0 ? to_json(p.blocking, "share") : json(nullptr)},
                      {"orbits_erlang_b", p.orbits_erlang_b},
                      {"note", p.note}});
    j["planning"] = {{"target_blocking_share", json_number(*run.target_blocking)}, {"pools", plan}};
  } else {
    j["planning"] = nullptr;
  }
  return j;
}

void write_results(const std::string& dir, const Scenario& s, const ScenarioRun& run, const ReportInfo& info) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw ResultsWriteError("cannot create results folder " + dir + ": " + ec.message());
  const fs::path d(dir);
  // summary.json goes last: a folder whose summary.json is new is complete, and a viewer
  // watching the folder reloads once everything is in place.
  write_file_atomically(d / "figures.csv", figures_csv(s, run));
  write_file_atomically(d / "timeseries.csv", timeseries_csv(s, run));
  write_file_atomically(d / "distributions.csv", distributions_csv(run));
  if (!s.sweep.empty()) write_file_atomically(d / "sweep.csv", sweep_csv(s, run));
  else fs::remove(d / "sweep.csv", ec);  // a stale one from an earlier sweep would mislead
  write_file_atomically(d / "summary.json", summary_json(s, run, info).dump(2) + "\n");
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

// Loading results folders; see results_folder.h. Every access to summary.json goes
// through Node, which knows its JSON path, so a wrong type reads as
// "summary.json: points[0].figures.parks.mean: expected a number, found string".
#include "gui/results_folder.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gui/detail/csv_table.h"

namespace cpark::gui {

namespace fs = std::filesystem;
using nlohmann::json;
using detail::CsvTable;

namespace {

constexpr std::string_view kFormatPrefix = "cpark-results/";
constexpr int kFormatMajor = 1;

// A JSON value and where it is, for messages.
class Node {
 public:
  Node(const json& j, std::string file, std::string where) : j_(&j), file_(std::move(file)), where_(std::move(where)) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw FolderError(file_ + ": " + (where_.empty() ? "" : where_ + ": ") + problem);
  }
  bool has(const char* key) const { return j_->is_object() && j_->contains(key) && !(*j_)[key].is_null(); }
  Node operator[](const char* key) const {
    if (!j_->is_object()) fail("expected an object, found " + std::string(j_->type_name()));
    if (!j_->contains(key)) fail(std::string("no \"") + key + "\" (see docs/results.md)");
    return Node((*j_)[key], file_, where_.empty() ? key : where_ + "." + key);
  }
  Node at(std::size_t i) const { return Node((*j_)[i], file_, where_ + "[" + std::to_string(i) + "]"); }
  const json& raw() const { return *j_; }

  std::string str() const {
    if (!j_->is_string()) fail("expected text, found " + std::string(j_->type_name()));
    return j_->get<std::string>();
  }
  // A number; null reads as NaN (docs/results.md: not finite is null).
  double num() const {
    if (j_->is_null()) return NAN;
    if (!j_->is_number()) fail("expected a number, found " + std::string(j_->type_name()));
    return j_->get<double>();
  }
  long integer() const {
    const double v = num();
    if (!std::isfinite(v)) fail("expected a whole number, found null");
    return long(v);
  }
  bool boolean() const {
    if (!j_->is_boolean()) fail("expected true or false, found " + std::string(j_->type_name()));
    return j_->get<bool>();
  }
  std::size_t size() const {
    if (!j_->is_array()) fail("expected a list, found " + std::string(j_->type_name()));
    return j_->size();
  }
  template <class F>
  void each_member(F&& f) const {
    if (!j_->is_object()) fail("expected an object, found " + std::string(j_->type_name()));
    for (auto it = j_->begin(); it != j_->end(); ++it) f(it.key(), Node(*it, file_, where_ + "." + it.key()));
  }

 private:
  const json* j_;
  std::string file_, where_;
};

Figure read_figure(const Node& n) {
  Figure f;
  f.mean = n["mean"].num();
  const double hw = n["ci95_half_width"].num();
  if (std::isfinite(hw)) f.half_width = hw;
  f.replications = int(n["replications"].integer());
  f.unit = n["unit"].str();
  return f;
}

std::string shown(const fs::path& dir, const char* file) {
  return (dir.filename().empty() ? dir.parent_path().filename() : dir.filename()).string() + "/" + file;
}

void read_simulation(const Node& root, const fs::path& dir, ResultsFolder& out) {
  Simulation s;
  s.scenario_name = root["scenario"]["name"].str();
  s.scenario_description = root["scenario"]["description"].str();
  s.scenario_file = root["scenario"]["file"].str();
  s.seed = std::uint64_t(root["seed"].integer());
  s.duration_s = root["duration_seconds"].num();
  s.warmup_s = root["warmup_seconds"].num();
  s.sample_interval_s = root["sample_interval_seconds"].num();
  s.interrupted = root["interrupted"].boolean();
  const Node sweep = root["sweep"];
  for (std::size_t i = 0; i < sweep.size(); ++i) s.swept.push_back(sweep.at(i)["name"].str());
  const Node points = root["points"];
  for (std::size_t i = 0; i < points.size(); ++i) {
    const Node p = points.at(i);
    SimulationPoint sp;
    sp.index = int(p["point"].integer());
    p["parameters"].each_member([&](const std::string& k, const Node& v) { sp.parameters.emplace_back(k, v.num()); });
    sp.replications = int(p["replications_completed"].integer());
    p["figures"].each_member([&](const std::string& k, const Node& v) { sp.figures[k] = read_figure(v); });
    p["pools"].each_member([&](const std::string& pool, const Node& v) {
      PoolFigures pf;
      v.each_member([&](const std::string& k, const Node& f) {
        if (k != "erlang_b") pf.figures[k] = read_figure(f);
      });
      const Node eb = v["erlang_b"];
      pf.erlang_b_offered_load = eb["offered_load_erlang"].num();
      pf.erlang_b_blocking = eb["blocking_share"].num();
      pf.erlang_b_verdict = eb["verdict"].str();
      sp.pools[pool] = std::move(pf);
    });
    s.points.push_back(std::move(sp));
  }
  if (root.has("planning")) {
    const Node plan = root["planning"];
    s.target_blocking = plan["target_blocking_share"].num();
    const Node pools = plan["pools"];
    for (std::size_t i = 0; i < pools.size(); ++i) {
      const Node p = pools.at(i);
      PoolPlanAnswer a;
      a.pool = p["pool"].str();
      a.offered_load = p["offered_load_erlang"].num();
      if (p.has("orbits")) a.orbits = p["orbits"].integer();
      if (p.has("blocking_at_orbits")) a.blocking = read_figure(p["blocking_at_orbits"]);
      a.orbits_erlang_b = p["orbits_erlang_b"].integer();
      a.note = p["note"].str();
      s.plan.push_back(std::move(a));
    }
  }
  // The CSVs: a bad one costs its charts, not the folder.
  try {
    const auto t = CsvTable::read(dir / "timeseries.csv", {"point", "time_s", "pool", "busy_mean", "busy_min", "busy_max"});
    std::vector<BusySample> busy;  // all rows or none: a chart never shows half a file
    for (std::size_t r = 0; r < t.rows(); ++r)
      busy.push_back({int(t.number(r, "point")), t.number(r, "time_s"), t.text(r, "pool"), t.number(r, "busy_mean"),
                      t.number(r, "busy_min"), t.number(r, "busy_max")});
    s.busy = std::move(busy);
  } catch (const FolderError& e) {
    out.problems.push_back(std::string(e.what()) + " — busy-orbit charts left out");
  }
  try {
    const auto t = CsvTable::read(dir / "distributions.csv", {"point", "metric", "bin_start_s", "bin_end_s", "count", "share"});
    decltype(s.distributions) distributions;
    for (std::size_t r = 0; r < t.rows(); ++r)
      distributions[int(t.number(r, "point"))][t.text(r, "metric")].push_back(
          {t.number(r, "bin_start_s"), t.number(r, "bin_end_s"), t.number(r, "count"), t.number(r, "share")});
    s.distributions = std::move(distributions);
  } catch (const FolderError& e) {
    out.problems.push_back(std::string(e.what()) + " — distribution charts left out");
  }
  out.simulation = std::move(s);
}

void read_loadtest(const Node& root, const fs::path& dir, ResultsFolder& out) {
  LoadTest l;
  const Node profile = root["profile"];
  l.profile_name = profile["name"].str();
  if (profile.has("scenario")) l.profile_scenario = profile["scenario"].str();
  l.transport = profile["transport"].str();
  l.time_compression = profile["time_compression"].num();
  l.started_at = root["started_at"].str();
  l.wall_seconds = root["wall_seconds"].num();
  l.interrupted = root["interrupted"].boolean();
  l.attempted = root["calls"]["attempted"].integer();
  l.succeeded = root["calls"]["succeeded"].integer();
  l.failed = root["calls"]["failed"].integer();
  l.target_rate = root["call_rate"]["target_per_second"].num();
  l.achieved_rate = root["call_rate"]["achieved_per_second"].num();
  l.retransmissions = root["retransmissions"].integer();
  const Node rt = root["response_times"];
  for (std::size_t i = 0; i < rt.size(); ++i) {
    const Node t = rt.at(i);
    l.response_times.push_back({t["transaction"].str(), t["count"].integer(), t["p50"].num(), t["p90"].num(),
                                t["p99"].num(), t["max"].num()});
  }
  const Node server = root["server"];
  l.cpu_seconds = server["cpu_seconds"].num();
  l.peak_rss_bytes = server["peak_rss_bytes"].num();
  l.server_exit = server["exit"].str();
  server["counters_before"].each_member([&](const std::string& k, const Node& v) { l.counters_before[k] = v.num(); });
  server["counters_after"].each_member([&](const std::string& k, const Node& v) { l.counters_after[k] = v.num(); });
  root["busy_orbits_after"].each_member([&](const std::string& k, const Node& v) { l.busy_orbits_after[k] = v.num(); });
  root["checks"].each_member([&](const std::string& k, const Node& v) { l.checks[k] = v.boolean(); });
  try {
    const auto t = CsvTable::read(dir / "timeseries.csv", {"time_s", "call_rate_per_s", "calls_succeeded", "calls_failed",
                                                           "retransmissions", "response_time_p50_ms", "response_time_p90_ms",
                                                           "response_time_p99_ms", "busy_orbits", "server_cpu_percent",
                                                           "server_rss_bytes"});
    std::vector<LoadSecond> seconds;
    for (std::size_t r = 0; r < t.rows(); ++r)
      seconds.push_back({t.number(r, "time_s"), t.number(r, "call_rate_per_s"), t.number(r, "calls_succeeded"),
                           t.number(r, "calls_failed"), t.number(r, "retransmissions"), t.number(r, "response_time_p50_ms"),
                           t.number(r, "response_time_p90_ms"), t.number(r, "response_time_p99_ms"),
                         t.number(r, "busy_orbits"), t.number(r, "server_cpu_percent"), t.number(r, "server_rss_bytes")});
    l.seconds = std::move(seconds);
  } catch (const FolderError& e) {
    out.problems.push_back(std::string(e.what()) + " — load-test charts over time left out");
  }
  out.loadtest = std::move(l);
}

void read_comparison(const Node& root, const fs::path& dir, ResultsFolder& out) {
  Comparison c;
  c.scenario_name = root["scenario"]["name"].str();
  c.profile = root["loadtest"]["profile"].str();
  c.time_compression = root["time_compression"].num();
  c.replications = int(root["simulation"]["replications"].integer());
  c.agrees = root["agrees"].boolean();
  const Node figures = root["figures"];
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const Node f = figures.at(i);
    ComparedFigure cf;
    cf.name = f["name"].str();
    if (f.has("pool")) cf.pool = f["pool"].str();
    cf.unit = f["unit"].str();
    cf.simulated = read_figure(f["simulated"]);
    cf.served = f["served"].num();
    if (f.has("agrees")) cf.agrees = f["agrees"].boolean();
    c.figures.push_back(std::move(cf));
  }
  try {
    const auto t = CsvTable::read(dir / "timeseries.csv", {"source", "time_s", "pool", "busy_mean", "busy_min", "busy_max"});
    std::vector<ComparisonSample> busy;
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const std::string& source = t.text(r, "source");
      if (source != "simulated" && source != "served")
        throw FolderError(shown(dir, "timeseries.csv") + ": row " + std::to_string(r + 1) + ": source \"" + source +
                          "\" is neither simulated nor served");
      busy.push_back({source == "served", t.number(r, "time_s"), t.text(r, "pool"), t.number(r, "busy_mean"),
                      t.number(r, "busy_min"), t.number(r, "busy_max")});
    }
    c.busy = std::move(busy);
  } catch (const FolderError& e) {
    out.problems.push_back(std::string(e.what()) + " — the busy-orbit comparison chart left out");
  }
  out.comparison = std::move(c);
}

}  // namespace

const char* kind_name(ResultsKind kind) {
  switch (kind) {
    case ResultsKind::simulation: return "simulation";
    case ResultsKind::loadtest: return "load test";
    case ResultsKind::comparison: return "simulator-vs-server comparison";
  }
  return "?";
}

const Figure* PoolFigures::find(const std::string& name) const {
  auto it = figures.find(name);
  return it == figures.end() ? nullptr : &it->second;
}

const Figure* SimulationPoint::find(const std::string& name) const {
  auto it = figures.find(name);
  return it == figures.end() ? nullptr : &it->second;
}

std::string SimulationPoint::label() const {
  std::string out;
  for (auto& [k, v] : parameters) {
    std::ostringstream s;
    s << v;
    out += (out.empty() ? "" : ", ") + k + " = " + s.str();
  }
  return out;
}

ResultsFolder load_results_folder(const fs::path& dir) {
  ResultsFolder out;
  out.path = dir;
  out.label = dir.filename().string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw FolderError(dir.string() + ": no such folder");
  const fs::path summary_path = dir / "summary.json";
  const std::string file = shown(dir, "summary.json");
  if (!fs::exists(summary_path, ec))
    throw FolderError(dir.string() + ": not a cpark results folder (no summary.json; see docs/results.md)");
  std::ifstream in(summary_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw FolderError(file + ": cannot be read");
  json j;
  try {
    j = json::parse(text.str());
  } catch (const json::parse_error& e) {
    throw FolderError(file + ": not valid JSON, the file may be truncated (" + std::string(e.what()) + ")");
  }
  const Node root(j, file, "");
  if (!j.is_object()) root.fail("expected a JSON object");
  if (!j.contains("format"))
    root.fail("no \"format\": written before the results format was versioned; run it again with this cpark "
              "(cpark-results/1)");
  const std::string format = root["format"].str();
  if (format.rfind(kFormatPrefix, 0) != 0) root["format"].fail("\"" + format + "\" is not a cpark results format");
  int major = 0;
  try {
    major = std::stoi(format.substr(kFormatPrefix.size()));
  } catch (const std::exception&) {
    root["format"].fail("\"" + format + "\" has no version number");
  }
  if (major > kFormatMajor)
    root["format"].fail("\"" + format + "\" is newer than this viewer reads (cpark-results/" +
                        std::to_string(kFormatMajor) + "); update cpark-view");
  if (major < kFormatMajor) root["format"].fail("\"" + format + "\" is older than this viewer reads");
  out.software_version = root.has("software") ? root["software"]["version"].str() : "";
  const std::string kind = root["kind"].str();
  if (kind == "simulation") {
    out.kind = ResultsKind::simulation;
    read_simulation(root, dir, out);
  } else if (kind == "loadtest") {
    out.kind = ResultsKind::loadtest;
    read_loadtest(root, dir, out);
  } else if (kind == "comparison") {
    out.kind = ResultsKind::comparison;
    read_comparison(root, dir, out);
  } else {
    root["kind"].fail("\"" + kind + "\" is not a kind this viewer knows (simulation, loadtest, comparison)");
  }
  return out;
}

LoadOutcome load_results(const std::vector<fs::path>& dirs) {
  LoadOutcome out;
  std::set<fs::path> seen;
  auto add = [&](const fs::path& dir) {
    std::error_code ec;
    const fs::path key = fs::weakly_canonical(dir, ec);
    if (!seen.insert(ec ? dir : key).second) return;
    try {
      out.folders.push_back(load_results_folder(dir));
    } catch (const FolderError& e) {
      out.errors.push_back(e.what());
    } catch (const std::exception& e) {  // nothing in a folder may crash the viewer
      out.errors.push_back(dir.string() + ": " + e.what());
    }
  };
  for (auto& d : dirs) {
    const fs::path dir = d.filename().empty() ? d.parent_path() : d;
    add(dir);
    // A load test that replayed a scenario holds its comparison (docs/results.md).
    std::error_code ec;
    if (!out.folders.empty() && out.folders.back().path == dir && out.folders.back().kind == ResultsKind::loadtest &&
        fs::exists(dir / "comparison" / "summary.json", ec))
      add(dir / "comparison");
  }
  assign_labels(out.folders);
  return out;
}

void assign_labels(std::vector<ResultsFolder>& folders) {
  // Start with the last path component; widen the ones that clash until they differ.
  std::vector<int> depth(folders.size(), 1);
  auto label_of = [&](std::size_t i) {
    std::vector<std::string> parts;
    for (auto& p : folders[i].path)
      if (!p.empty() && p != "/" && p != ".") parts.push_back(p.string());
    std::string out;
    const int n = std::min<int>(depth[i], int(parts.size()));
    for (int k = int(parts.size()) - n; k < int(parts.size()); ++k) out += (out.empty() ? "" : "/") + parts[std::size_t(k)];
    return out.empty() ? folders[i].path.string() : out;
  };
  for (int round = 0; round < 8; ++round) {
    bool clash = false;
    for (std::size_t i = 0; i < folders.size(); ++i) folders[i].label = label_of(i);
    for (std::size_t i = 0; i < folders.size(); ++i)
      for (std::size_t k = i + 1; k < folders.size(); ++k)
        if (folders[i].label == folders[k].label) ++depth[i], ++depth[k], clash = true;
    if (!clash) break;
  }
}

}  // namespace cpark::gui

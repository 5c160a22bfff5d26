// A results folder as the viewer sees it (docs/results.md, format cpark-results/1):
// loading, recognising its kind (simulation, load test, comparison) and reporting every
// problem with the file's name instead of crashing. Plain C++, no Qt: the charts and
// the tests build on the same data.
#pragma once
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cpark::gui {

// A folder (or one of its files) that cannot be read; the message names the file.
struct FolderError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class ResultsKind { simulation, loadtest, comparison };
const char* kind_name(ResultsKind kind);

// A figure across replications; mean is NaN when the file has null.
struct Figure {
  double mean = NAN;
  std::optional<double> half_width;
  int replications = 0;
  std::string unit;
};

struct PoolFigures {
  std::map<std::string, Figure> figures;  // orbits, blocking, busy_mean, …
  double erlang_b_offered_load = NAN, erlang_b_blocking = NAN;
  std::string erlang_b_verdict;
  const Figure* find(const std::string& name) const;
};

struct SimulationPoint {
  int index = 0;
  std::vector<std::pair<std::string, double>> parameters;  // empty without a sweep
  int replications = 0;
  std::map<std::string, Figure> figures;
  std::map<std::string, PoolFigures> pools;  // by pool name
  const Figure* find(const std::string& name) const;
  std::string label() const;  // "orbits.pool1 = 11", or "" without a sweep
};

struct BusySample {
  int point = 0;
  double time_s = 0;
  std::string pool;
  double mean = NAN, min = NAN, max = NAN;
};

struct HistogramBin {
  double start_s = 0, end_s = NAN;  // end NaN: the open last bin
  double count = 0, share = 0;
};

struct PoolPlanAnswer {
  std::string pool;
  double offered_load = NAN;
  std::optional<long> orbits;
  std::optional<Figure> blocking;
  long orbits_erlang_b = 0;
  std::string note;
};

struct Simulation {
  std::string scenario_name, scenario_description, scenario_file;
  std::uint64_t seed = 0;
  double duration_s = 0, warmup_s = 0, sample_interval_s = 0;
  bool interrupted = false;
  std::vector<std::string> swept;  // parameter names
  std::vector<SimulationPoint> points;
  std::vector<BusySample> busy;                                     // timeseries.csv
  std::map<int, std::map<std::string, std::vector<HistogramBin>>> distributions;  // point → metric → bins
  std::optional<double> target_blocking;
  std::vector<PoolPlanAnswer> plan;
  bool is_sweep() const { return points.size() > 1; }
};

struct TransactionTimes {
  std::string transaction;
  long count = 0;
  double p50 = NAN, p90 = NAN, p99 = NAN, max = NAN;  // ms
};

struct LoadSecond {
  double time_s = 0, call_rate = NAN, succeeded = NAN, failed = NAN, retransmissions = NAN;
  double p50_ms = NAN, p90_ms = NAN, p99_ms = NAN, busy_orbits = NAN, cpu_percent = NAN, rss_bytes = NAN;
};

struct LoadTest {
  std::string profile_name, profile_scenario, transport, started_at;
  double target_rate = NAN, achieved_rate = NAN, wall_seconds = NAN, time_compression = 1;
  bool interrupted = false;
  long attempted = 0, succeeded = 0, failed = 0, retransmissions = 0;
  std::vector<TransactionTimes> response_times;
  double cpu_seconds = NAN, peak_rss_bytes = NAN;
  std::string server_exit;
  std::map<std::string, double> counters_before, counters_after, busy_orbits_after;
  std::map<std::string, bool> checks;
  std::vector<LoadSecond> seconds;  // timeseries.csv
};

struct ComparedFigure {
  std::string name, pool, unit;  // pool empty: deployment-wide
  Figure simulated;
  double served = NAN;
  std::optional<bool> agrees;
};

struct ComparisonSample {
  bool served = false;
  double time_s = 0;
  std::string pool;
  double mean = NAN, min = NAN, max = NAN;
};

struct Comparison {
  std::string scenario_name, profile;
  double time_compression = 1;
  int replications = 0;
  std::vector<ComparedFigure> figures;
  bool agrees = true;
  std::vector<ComparisonSample> busy;  // timeseries.csv
};

struct ResultsFolder {
  std::filesystem::path path;
  std::string label;  // the name shown in legends and table headers
  ResultsKind kind = ResultsKind::simulation;
  std::string software_version;
  std::optional<Simulation> simulation;
  std::optional<LoadTest> loadtest;
  std::optional<Comparison> comparison;
  // Problems that leave the rest usable (a malformed CSV): each names the file.
  std::vector<std::string> problems;
};

// Reads one folder. Throws FolderError for a folder that cannot be shown at all (missing,
// no or unreadable summary.json, a future format); records lesser problems in `problems`.
ResultsFolder load_results_folder(const std::filesystem::path& dir);

// What opening some folders gave: the folders (a load test's comparison/ subfolder
// follows its load test) and a message for every folder that could not be read.
struct LoadOutcome {
  std::vector<ResultsFolder> folders;
  std::vector<std::string> errors;
};
LoadOutcome load_results(const std::vector<std::filesystem::path>& dirs);

// Gives each folder a distinct, short label: the folder name, or as many trailing path
// components as it takes to tell folders apart.
void assign_labels(std::vector<ResultsFolder>& folders);

}  // namespace cpark::gui

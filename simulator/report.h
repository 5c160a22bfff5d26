// Writes a scenario run to a results folder (D4) in the documented format
// "cpark-results/1" (docs/results.md, docs/results.schema.json): summary.json,
// figures.csv, timeseries.csv, distributions.csv and, for sweeps, sweep.csv; and a short
// human summary. The format helpers are public so the load-test writer follows the same
// conventions (shortest round-trip numbers, empty CSV cells and JSON null for values
// that are not finite, files replaced atomically, failures reported).
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "simulator/runner.h"

namespace cpark::sim {

// The format identifier every results summary.json carries; a reader refuses a folder
// whose major version it does not know.
inline constexpr std::string_view kResultsFormat = "cpark-results/1";

struct ReportInfo {
  std::string software_version;
  std::uint64_t seed = 0;
  int jobs = 1;
};

nlohmann::ordered_json summary_json(const Scenario& s, const ScenarioRun& run, const ReportInfo& info);
// Throws ResultsWriteError naming the file when any file cannot be written completely.
void write_results(const std::string& dir, const Scenario& s, const ScenarioRun& run, const ReportInfo& info);
void print_summary(std::ostream& out, const Scenario& s, const ScenarioRun& run);

// D5 for one pool of one point: Erlang B for the measured offered load and orbit count,
// and whether the simulated blocking's 95 % interval contains it.
struct Fidelity {
  double offered_load = 0, erlang_b = 0;
  Estimate simulated;
  std::string verdict;  // "agrees", "disagrees", "not checked (…)"
};
Fidelity check_fidelity(const Scenario& s, const PointResult& p, const std::string& pool);

// --- Results-format conventions, shared with the load-test writer -----------------------

// A results file could not be written completely (full disk, no permission, …). The
// message names the file and the system's reason.
struct ResultsWriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The shortest text that reads back as exactly `x` (std::to_chars); empty when `x` is
// infinite or NaN, so CSV readers see a missing value instead of a bare `inf`.
std::string csv_number(double x);
// `x` as JSON, or null when it is infinite or NaN.
nlohmann::ordered_json json_number(double x);
// A CSV field, quoted (RFC 4180) only when it holds a comma, a quote or a line break.
std::string csv_text(std::string_view text);
// Writes `contents` to a temporary file beside `path`, checks every write and the close,
// then renames it over `path`: a reader never sees a truncated file, and a failure
// throws ResultsWriteError instead of passing silently.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// The unit of a simulator figure ("count", "share", "s", "orbits", "erlang", "1/s"),
// from its name (docs/results.md lists every figure).
std::string_view figure_unit(std::string_view figure_name);

}  // namespace cpark::sim

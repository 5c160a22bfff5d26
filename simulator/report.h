// Writes a scenario run to a results folder (D4): summary.json, timeseries.csv,
// distributions.csv and, for sweeps, sweep.csv; and a short human summary.
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "simulator/runner.h"

namespace cpark::sim {

struct ReportInfo {
  std::string software_version;
  std::uint64_t seed = 0;
  int jobs = 1;
};

nlohmann::ordered_json summary_json(const Scenario& s, const ScenarioRun& run, const ReportInfo& info);
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

}  // namespace cpark::sim

// Writes a load test to its results folder in the format `cpark-results/1`
// (docs/results.md, "Load-test folder"): summary.json and timeseries.csv, with the
// simulator's conventions (simulator/report.h: shortest round-trip numbers, null / empty
// cells for values that are not finite, files replaced atomically, summary.json last).
#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "loadtest/load_test.h"
#include "loadtest/profile.h"

namespace cpark::loadtest {

struct RunInfo {
  std::string software_version;
  std::string scenario;          // the replayed scenario file (L4), or ""
  double time_compression = 1;   // scenario seconds per wall second
};

nlohmann::ordered_json summary_json(const Profile& p, const LoadTestRun& r, const RunInfo& info);
std::string timeseries_csv(const LoadTestRun& r);
// Throws sim::ResultsWriteError naming the file when a file cannot be written.
void write_results(const std::string& dir, const Profile& p, const LoadTestRun& r, const RunInfo& info);
// The human summary printed at the end.
void print_summary(std::ostream& out, const Profile& p, const LoadTestRun& r);

}  // namespace cpark::loadtest

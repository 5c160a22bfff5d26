// Load-test charts (Q1, L2): achieved call rate against the target, failures and
// retransmissions, response-time percentiles over time and per transaction, and the
// server's CPU and memory. Several load tests (two software versions) share the axes,
// each named by its folder.
#pragma once
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

// Each returns nullptr when no folder has the data.
std::unique_ptr<QChart> build_call_rate_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);
std::unique_ptr<QChart> build_failures_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);
std::unique_ptr<QChart> build_response_time_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);
std::unique_ptr<QChart> build_percentiles_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);
std::unique_ptr<QChart> build_server_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);

}  // namespace cpark::gui

// Busy orbits over time (Q1): per pool and run for simulations (mean across replications,
// with the min-max band when one run is shown, and the pool's orbit count as a dashed
// line), for load tests (the server's count each second), and for a comparison (the
// simulated and the served series on the same axes, in scenario time).
#pragma once
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

// Each returns nullptr when none of the folders has the data.
std::unique_ptr<QChart> build_busy_orbits_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);
std::unique_ptr<QChart> build_loadtest_busy_orbits_chart(const std::vector<const ResultsFolder*>& folders,
                                                         const ChartOptions& options);
std::unique_ptr<QChart> build_comparison_busy_orbits_chart(const std::vector<const ResultsFolder*>& folders,
                                                           const ChartOptions& options);

}  // namespace cpark::gui

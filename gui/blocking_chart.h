// Park blocking against orbit count (Q1, D5, D6): the simulated points of a sweep (or of
// one run) with their 95 % intervals, the Erlang B curve for the same offered load, and
// the planning target when the run had one. Several folders share the axes (50 vs 100
// orbits), each named in the legend.
#pragma once
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

// nullptr when no folder has a pool with park attempts.
std::unique_ptr<QChart> build_blocking_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);

}  // namespace cpark::gui

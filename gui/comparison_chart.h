// Simulator against server (L4): every compared share on one axis, the simulated mean
// with its 95 % interval beside the served value, so a figure outside the interval shows
// at a glance. Times and orbit counts are in the key-figures table (other units).
#pragma once
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

std::unique_ptr<QChart> build_comparison_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);

}  // namespace cpark::gui

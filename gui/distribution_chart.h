// Distributions (Q1): the share of parks by time parked, and of pickups by time to
// pickup, as step lines so several runs overlay on one chart. The open last bin
// ("everything beyond") is not drawn; its share is named in the legend.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

// `metric` is "parked_time" or "time_to_pickup" (distributions.csv). nullptr when no
// folder has any count of it.
std::unique_ptr<QChart> build_distribution_chart(const std::vector<const ResultsFolder*>& folders, const std::string& metric,
                                                 const ChartOptions& options);

}  // namespace cpark::gui

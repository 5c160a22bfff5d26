// Outcome shares (Q1, D4): how parks ended (retrieved, rung back, fallback, disconnected,
// abandoned) and what happened to calls (picked up by colleagues, voicemail), as grouped
// bars with one set per run; tooltips carry the 95 % intervals.
#pragma once
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

std::unique_ptr<QChart> build_park_outcomes_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);
std::unique_ptr<QChart> build_call_outcomes_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options);

}  // namespace cpark::gui

// Every chart the open folders support, in the order the window and --export show them,
// each with a stable id that names its exported file (busy-orbits.png, blocking.png, …).
#pragma once
#include <QtCharts/QChart>
#include <memory>
#include <string>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

struct ChartEntry {
  std::string id;  // file name stem of the export
  std::unique_ptr<QChart> chart;
};

std::vector<ChartEntry> build_charts(const std::vector<ResultsFolder>& folders, const ChartOptions& options);

}  // namespace cpark::gui

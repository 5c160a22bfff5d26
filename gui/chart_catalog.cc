// The list of charts; see chart_catalog.h.
#include "gui/chart_catalog.h"

#include "gui/blocking_chart.h"
#include "gui/busy_orbits_chart.h"
#include "gui/comparison_chart.h"
#include "gui/distribution_chart.h"
#include "gui/loadtest_charts.h"
#include "gui/outcome_chart.h"

namespace cpark::gui {

std::vector<ChartEntry> build_charts(const std::vector<ResultsFolder>& folders, const ChartOptions& options) {
  std::vector<const ResultsFolder*> all;
  for (auto& f : folders) all.push_back(&f);
  std::vector<ChartEntry> out;
  auto add = [&](const char* id, std::unique_ptr<QChart> chart) {
    if (!chart) return;
    tidy_legend(*chart);
    out.push_back({id, std::move(chart)});
  };
  add("busy-orbits", build_busy_orbits_chart(all, options));
  add("blocking", build_blocking_chart(all, options));
  add("parked-time", build_distribution_chart(all, "parked_time", options));
  add("time-to-pickup", build_distribution_chart(all, "time_to_pickup", options));
  add("park-outcomes", build_park_outcomes_chart(all, options));
  add("call-outcomes", build_call_outcomes_chart(all, options));
  add("loadtest-call-rate", build_call_rate_chart(all, options));
  add("loadtest-failures", build_failures_chart(all, options));
  add("loadtest-response-time", build_response_time_chart(all, options));
  add("loadtest-percentiles", build_percentiles_chart(all, options));
  add("loadtest-server", build_server_chart(all, options));
  add("loadtest-busy-orbits", build_loadtest_busy_orbits_chart(all, options));
  add("comparison-busy-orbits", build_comparison_busy_orbits_chart(all, options));
  add("comparison-figures", build_comparison_chart(all, options));
  return out;
}

}  // namespace cpark::gui

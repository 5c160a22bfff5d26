// Distributions of time parked and time to pickup; see distribution_chart.h.
#include "gui/distribution_chart.h"

#include <QtCharts/QLineSeries>

#include "gui/detail/runs.h"

namespace cpark::gui {

std::unique_ptr<QChart> build_distribution_chart(const std::vector<const ResultsFolder*>& folders, const std::string& metric,
                                                 const ChartOptions& options) {
  struct Line {
    QString name;
    const std::vector<HistogramBin>* bins;
    double beyond_share = 0, beyond_start = 0;
  };
  std::vector<Line> lines;
  double x_max = 0, y_max = 0;
  for (auto& run : detail::simulation_runs(folders)) {
    auto p = run.simulation->distributions.find(run.point->index);
    if (p == run.simulation->distributions.end()) continue;
    auto m = p->second.find(metric);
    if (m == p->second.end()) continue;
    double total = 0;
    for (auto& b : m->second) total += b.count;
    if (!(total > 0)) continue;
    Line line{run.label.isEmpty() ? "all parks" : run.label, &m->second};
    if (metric == "time_to_pickup" && run.label.isEmpty()) line.name = "all pickups";
    for (auto& b : m->second) {
      if (!std::isfinite(b.end_s)) {
        line.beyond_share = b.share, line.beyond_start = b.start_s;
        continue;
      }
      if (b.count > 0) x_max = std::max(x_max, b.end_s);
      y_max = std::max(y_max, 100 * b.share);
    }
    if (line.beyond_share > 0)
      line.name += " (" + QString::number(100 * line.beyond_share, 'g', 3) + " % beyond " +
                   QString::number(line.beyond_start) + " s)";
    lines.push_back(line);
  }
  if (lines.empty()) return nullptr;
  const bool parked = metric == "parked_time";
  auto chart = new_chart(parked ? "Time parked" : "Time to pickup", options);
  auto* x = add_value_axis(*chart, Qt::AlignBottom,
                           parked ? "Time in the orbit until the park ended (s)" : "Time from ringing to pickup (s)", 0,
                           x_max);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, parked ? "Share of parks per bin (%)" : "Share of pickups per bin (%)", 0,
                           nice_upper(y_max * 1.05));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto* s = new QLineSeries;
    QStringList tips;
    for (auto& b : *lines[i].bins) {
      if (!std::isfinite(b.end_s) || b.start_s >= x_max) continue;
      // A step: flat across the bin, so the area reads as the share.
      const QString tip = QString::number(b.start_s) + "–" + QString::number(b.end_s) + " s: " +
                          QString::number(100 * b.share, 'g', 4) + " % (" + QString::number(b.count, 'f', 0) + ")";
      s->append(b.start_s, 100 * b.share);
      s->append(b.end_s, 100 * b.share);
      tips << tip << tip;
    }
    s->setName(lines[i].name);
    QPen pen(series_color(int(i)));
    pen.setWidthF(2);
    s->setPen(pen);
    s->setProperty(kTooltips, tips);
    add_series(*chart, s, "data", x, y);
  }
  return chart;
}

}  // namespace cpark::gui

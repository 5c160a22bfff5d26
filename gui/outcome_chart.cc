// Outcome shares as grouped bars; see outcome_chart.h.
#include "gui/outcome_chart.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>

#include "gui/detail/runs.h"

namespace cpark::gui {

namespace {

struct Category {
  const char* figure;
  const char* label;
};

std::unique_ptr<QChart> build_shares_chart(const std::vector<const ResultsFolder*>& folders, const QString& title,
                                           const std::vector<Category>& categories, const char* denominator,
                                           const ChartOptions& options) {
  std::vector<detail::SimulationRun> runs;
  for (auto& run : detail::simulation_runs(folders)) {
    const Figure* d = run.point->find(denominator);
    if (d && d->mean > 0) runs.push_back(run);
  }
  if (runs.empty()) return nullptr;
  auto chart = new_chart(title, options);
  auto* bars = new QBarSeries;
  double y_max = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto* set = new QBarSet(runs[i].label.isEmpty() ? QString::fromStdString(runs[i].folder->label) : runs[i].label);
    QStringList tips;
    for (auto& c : categories) {
      const Figure* f = runs[i].point->find(c.figure);
      const double v = f && std::isfinite(f->mean) ? 100 * f->mean : 0;
      *set << v;
      y_max = std::max(y_max, v + (f && f->half_width ? 100 * *f->half_width : 0));
      tips << QString(c.label).replace('\n', ' ') + ": " +
                  (f ? format_with_interval(f->mean, f->half_width, "share") + " (95 %)" : QString("not in this run"));
    }
    set->setColor(series_color(int(i)));
    set->setProperty(kTooltips, tips);
    bars->append(set);
  }
  bars->setName(title);
  // The value on each bar, so a printed chart needs no tooltip; with many runs the bars
  // get too narrow for their labels, and the tooltips and the table carry the values.
  bars->setLabelsVisible(runs.size() <= 2);
  bars->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
  bars->setLabelsFormat("@value %");
  bars->setLabelsPrecision(3);
  bars->setProperty(kRole, "data");
  chart->addSeries(bars);
  auto* x = new QBarCategoryAxis;
  for (auto& c : categories) x->append(c.label);
  QFont f = x->labelsFont();
  f.setPointSizeF(9.5);
  x->setLabelsFont(f);
  chart->addAxis(x, Qt::AlignBottom);
  bars->attachAxis(x);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, "Share (%)", 0, std::min(110.0, nice_upper(y_max * 1.12)));
  bars->attachAxis(y);
  if (runs.size() == 1) chart->legend()->hide();  // one set: the title says it all
  return chart;
}

}  // namespace

std::unique_ptr<QChart> build_park_outcomes_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  return build_shares_chart(folders, "How parks ended (share of parks ended)",
                            {{"share_retrieved", "retrieved"},
                             {"share_ringback", "rung back,\nanswered"},
                             {"share_fallback", "fallback"},
                             {"share_disconnected", "disconnected"},
                             {"share_abandoned", "abandoned"}},
                            "parks_ended", options);
}

std::unique_ptr<QChart> build_call_outcomes_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  return build_shares_chart(folders, "Calls: picked up or to voicemail",
                            {{"pickup_answer_share", "picked up by a colleague\n(of calls to group members)"},
                             {"voicemail_share", "to voicemail\n(of all calls)"}},
                            "calls", options);
}

}  // namespace cpark::gui

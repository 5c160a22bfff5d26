// Simulated against served shares; see comparison_chart.h.
#include "gui/comparison_chart.h"

#include <QtCharts/QCategoryAxis>
#include <QtCharts/QScatterSeries>

namespace cpark::gui {

namespace {

QString figure_label(const std::string& name) {
  static const std::map<std::string, QString> kLabels = {
      {"park_blocking", "park blocking"},   {"share_retrieved", "retrieved"},     {"share_ringback", "rung back"},
      {"share_fallback", "fallback"},       {"share_disconnected", "disconnected"}, {"share_abandoned", "abandoned"},
      {"pickup_answer_share", "picked up"}, {"voicemail_share", "voicemail"}};
  auto it = kLabels.find(name);
  return it != kLabels.end() ? it->second : QString::fromStdString(name);
}

}  // namespace

std::unique_ptr<QChart> build_comparison_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  std::vector<const ResultsFolder*> with;
  std::vector<std::string> names;  // the shares compared, in file order
  for (auto* f : folders)
    if (f->comparison) {
      bool any = false;
      for (auto& c : f->comparison->figures)
        if (c.unit == "share") {
          any = true;
          if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
        }
      if (any) with.push_back(f);
    }
  if (with.empty()) return nullptr;
  auto chart = new_chart("Simulated (95 % interval) and served", options);
  auto* x = new QCategoryAxis;
  x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
  for (std::size_t i = 0; i < names.size(); ++i) x->append(figure_label(names[i]), double(i));
  x->setRange(-0.6, double(names.size()) - 0.4);
  x->setTitleText("Figure (deployment-wide)");
  chart->addAxis(x, Qt::AlignBottom);
  double y_max = 0;
  for (auto* f : with)
    for (auto& c : f->comparison->figures)
      if (c.unit == "share") {
        y_max = std::max({y_max, 100 * (c.simulated.mean + c.simulated.half_width.value_or(0)),
                          std::isfinite(c.served) ? 100 * c.served : 0.0});
      }
  auto* y = add_value_axis(*chart, Qt::AlignLeft, "Share (%)", 0, std::min(100.0, nice_upper(y_max * 1.05)));
  const double width = 0.5 / double(with.size());
  for (std::size_t k = 0; k < with.size(); ++k) {
    const QString who = with.size() > 1 ? QString::fromStdString(with[k]->label) + ": " : "";
    auto* simulated = new QScatterSeries;
    auto* served = new QScatterSeries;
    QStringList sim_tips, served_tips;
    const QColor sim_color = series_color(int(2 * k)), served_color = series_color(int(2 * k + 1));
    for (auto& c : with[k]->comparison->figures) {
      if (c.unit != "share") continue;
      const double pos = double(std::find(names.begin(), names.end(), c.name) - names.begin()) - 0.25 +
                         width * (double(k) + 0.25);
      const QString verdict = !c.agrees ? "not checked" : *c.agrees ? "agrees" : "DISAGREES";
      const QString text = figure_label(c.name) + "\nsimulated " +
                           format_with_interval(c.simulated.mean, c.simulated.half_width, "share") + " (95 %, " +
                           QString::number(c.simulated.replications) + " replications)\nserved " +
                           format_value(c.served, "share", 4) + " — " + verdict;
      simulated->append(pos, 100 * c.simulated.mean);
      sim_tips << text;
      if (c.simulated.half_width)
        add_error_bar(*chart, pos, std::max(0.0, 100 * (c.simulated.mean - *c.simulated.half_width)),
                      100 * (c.simulated.mean + *c.simulated.half_width), 0.06, sim_color, x, y);
      if (std::isfinite(c.served)) {
        served->append(pos + width * 0.5, 100 * c.served);
        served_tips << text;
      }
    }
    simulated->setName(who + "simulated (95 % interval)");
    simulated->setColor(sim_color);
    simulated->setMarkerSize(10);
    simulated->setProperty(kTooltips, sim_tips);
    served->setName(who + "served (SIP server)");
    served->setColor(served_color);
    served->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    served->setMarkerSize(10);
    served->setProperty(kTooltips, served_tips);
    add_series(*chart, simulated, "data", x, y);
    add_series(*chart, served, "data", x, y);
  }
  return chart;
}

}  // namespace cpark::gui

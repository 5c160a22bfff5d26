// Blocking against orbit count; see blocking_chart.h.
#include "gui/blocking_chart.h"

#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <algorithm>
#include <cmath>

#include "gui/detail/runs.h"
#include "simulator/erlang_b.h"

namespace cpark::gui {

namespace {

struct SimulatedPoint {
  double orbits = 0, blocking = 0;
  std::optional<double> half_width;
  QString tooltip;
};

struct PoolSeries {
  QString name;
  std::vector<SimulatedPoint> points;
  std::vector<double> loads;  // measured offered load per point, Erlang
};

QString pct(double share) { return QString::number(100 * share, 'g', 4) + " %"; }

}  // namespace

std::unique_ptr<QChart> build_blocking_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  std::vector<const ResultsFolder*> sims;
  for (auto* f : folders)
    if (f->simulation) sims.push_back(f);
  std::vector<PoolSeries> series;
  struct Target {
    double share;
    QString name;
  };
  std::vector<Target> targets;
  struct Answer {
    double orbits, blocking;
    QString name, tooltip;
  };
  std::vector<Answer> answers;
  for (auto* f : sims) {
    const Simulation& sim = *f->simulation;
    std::map<std::string, PoolSeries> by_pool;
    for (auto& p : sim.points)
      for (auto& [pool, pf] : p.pools) {
        const Figure* attempts = pf.find("park_attempts");
        const Figure* orbits = pf.find("orbits");
        const Figure* blocking = pf.find("blocking");
        if (!attempts || !orbits || !blocking || !(attempts->mean > 0) || !std::isfinite(blocking->mean)) continue;
        PoolSeries& s = by_pool[pool];
        QString tip = "orbits " + QString::number(orbits->mean);
        if (!p.parameters.empty()) tip += " (" + QString::fromStdString(p.label()) + ")";
        tip += "\nsimulated blocking " + format_with_interval(blocking->mean, blocking->half_width, "share") +
               " (95 %, " + QString::number(blocking->replications) + " replications)";
        tip += "\nErlang B " + pct(pf.erlang_b_blocking) + " for " + QString::number(pf.erlang_b_offered_load, 'g', 4) +
               " Erl: " + QString::fromStdString(pf.erlang_b_verdict);
        s.points.push_back({orbits->mean, blocking->mean, blocking->half_width, tip});
        if (std::isfinite(pf.erlang_b_offered_load)) s.loads.push_back(pf.erlang_b_offered_load);
      }
    for (auto& [pool, s] : by_pool) {
      s.name = sims.size() > 1 ? QString::fromStdString(f->label) : QString();
      if (by_pool.size() > 1 || s.name.isEmpty()) s.name = detail::join_label(s.name, QString::fromStdString(pool));
      series.push_back(std::move(s));
    }
    if (sim.target_blocking) {
      targets.push_back({*sim.target_blocking, "target " + pct(*sim.target_blocking) +
                                                   (sims.size() > 1 ? " (" + QString::fromStdString(f->label) + ")" : "")});
      for (auto& a : sim.plan)
        if (a.orbits && a.blocking)
          answers.push_back({double(*a.orbits), a.blocking->mean,
                             "planning answer: " + QString::number(*a.orbits) + " orbits" +
                                 (sims.size() > 1 || sim.plan.size() > 1 ? " (" + QString::fromStdString(a.pool) + ")" : ""),
                             "smallest orbit count with blocking ≤ " + pct(*sim.target_blocking) + ": " +
                                 QString::number(*a.orbits) + "\nsimulated blocking " +
                                 format_with_interval(a.blocking->mean, a.blocking->half_width, "share") +
                                 "\nErlang B says " + QString::number(a.orbits_erlang_b) + " for " +
                                 QString::number(a.offered_load, 'g', 4) + " Erl"});
    }
  }
  if (series.empty()) return nullptr;

  // One Erlang B curve per offered load: loads within 5 % of each other are the same
  // traffic measured with noise (50 vs 100 orbits, or the points of a sweep) and share one
  // curve, at their mean.
  struct Curve {
    double load;
    int color;
  };
  std::vector<std::pair<double, int>> loads;  // (load, series index)
  double c_min = 1e18, c_max = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    for (auto& p : series[i].points) c_min = std::min(c_min, p.orbits), c_max = std::max(c_max, p.orbits);
    for (double load : series[i].loads) loads.emplace_back(load, int(i));
  }
  std::sort(loads.begin(), loads.end());
  std::vector<Curve> curves;
  for (std::size_t i = 0; i < loads.size() && curves.size() < 4;) {
    std::size_t k = i;
    double sum = 0;
    while (k < loads.size() && loads[k].first <= loads[i].first * 1.05 + 1e-12) sum += loads[k++].first;
    curves.push_back({sum / double(k - i), loads[i].second});
    i = k;
  }
  for (auto& a : answers) c_min = std::min(c_min, a.orbits), c_max = std::max(c_max, a.orbits);
  const double margin = std::max(2.0, std::round((c_max - c_min) / 4));
  const long lo_c = std::max(1L, long(std::floor(c_min - margin))), hi_c = long(std::ceil(c_max + margin));

  // Y range, in percent, over the points, their intervals and the curves in view.
  double y_min_pos = 1e18, y_max = 0;
  for (auto& s : series)
    for (auto& p : s.points) {
      y_max = std::max(y_max, 100 * (p.blocking + p.half_width.value_or(0)));
      if (p.blocking > 0) y_min_pos = std::min(y_min_pos, 100 * p.blocking);
    }
  for (auto& c : curves)
    for (long k = lo_c; k <= hi_c; ++k) y_max = std::max(y_max, 100 * sim::erlang_b(c.load, k));
  for (auto& t : targets) y_max = std::max(y_max, 100 * t.share), y_min_pos = std::min(y_min_pos, 100 * t.share);
  bool all_positive = true;
  for (auto& s : series)
    for (auto& p : s.points) all_positive = all_positive && p.blocking > 0;
  // Blocking spanning decades reads best on a log axis, as Erlang B tables are drawn.
  const bool log_y = all_positive && y_min_pos < 1e17 && y_max / y_min_pos >= 20;

  auto chart = new_chart("Park blocking against orbit count", options);
  auto* x = add_value_axis(*chart, Qt::AlignBottom, "Orbits in the pool", double(lo_c), double(hi_c));
  x->setLabelFormat("%.0f");
  QAbstractAxis* y = nullptr;
  double y_floor = 0;
  if (log_y) {
    auto* axis = new QLogValueAxis;
    // Down to the lowest point or curve value in view, so the curve runs across the chart.
    double lowest = y_min_pos / 2;
    for (auto& c : curves) lowest = std::min(lowest, 100 * sim::erlang_b(c.load, hi_c));
    y_floor = std::pow(10.0, std::floor(std::log10(std::max(lowest, 1e-6))));
    axis->setRange(y_floor, std::pow(10.0, std::ceil(std::log10(y_max))));
    axis->setBase(10);
    axis->setLabelFormat("%g");
    axis->setMinorTickCount(8);
    axis->setTitleText("Park blocking (%, log scale)");
    QFont f = axis->labelsFont();
    f.setPointSizeF(9.5);
    axis->setLabelsFont(f);
    QFont t = axis->titleFont();  // as the linear axes: regular weight
    t.setPointSizeF(10);
    t.setBold(false);
    axis->setTitleFont(t);
    chart->addAxis(axis, Qt::AlignLeft);
    y = axis;
  } else {
    // At least 0 … 1 %: with no blocking at all the axis still reads as percent.
    y = add_value_axis(*chart, Qt::AlignLeft, "Park blocking (%)", 0, std::max(1.0, nice_upper(y_max * 1.05)));
  }
  auto clamp = [&](double v) { return log_y ? std::max(v, y_floor) : std::max(v, 0.0); };

  for (auto& c : curves) {
    auto* line = new QLineSeries;
    QStringList tips;
    for (long k = lo_c; k <= hi_c; ++k) {
      const double b = sim::erlang_b(c.load, k);
      if (log_y && 100 * b < y_floor) continue;  // below the axis: a log axis cannot draw it
      line->append(double(k), 100 * b);
      tips << "Erlang B(" + QString::number(c.load, 'g', 4) + " Erl, " + QString::number(k) + " orbits) = " + pct(b);
    }
    line->setName("Erlang B, " + QString::number(c.load, 'g', 3) + " Erl");
    QPen pen(curves.size() == 1 ? foreground(options) : series_color(c.color));
    pen.setWidthF(1.8);
    if (curves.size() > 1) pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    line->setProperty(kTooltips, tips);
    add_series(*chart, line, "erlang_b", x, y);
  }
  for (auto& t : targets) {
    auto* line = new QLineSeries;
    line->append(double(lo_c), 100 * t.share);
    line->append(double(hi_c), 100 * t.share);
    line->setName(t.name);
    QPen pen(QColor("#d62728"));
    pen.setStyle(Qt::DotLine);
    pen.setWidthF(1.5);
    line->setPen(pen);
    line->setProperty(kTooltips, QStringList{t.name, t.name});
    add_series(*chart, line, "target", x, y);
  }
  const double cap = std::max(0.08, (double(hi_c - lo_c)) / 120);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const QColor color = series_color(int(i));
    auto* dots = new QScatterSeries;
    QStringList tips;
    for (auto& p : series[i].points) {
      dots->append(p.orbits, clamp(100 * p.blocking));
      tips << p.tooltip;
    }
    dots->setName(series[i].name + ", simulated ± 95 %");
    dots->setColor(color);
    dots->setBorderColor(color.darker(130));
    dots->setMarkerSize(10);
    dots->setProperty(kTooltips, tips);
    for (auto& p : series[i].points)
      if (p.half_width)
        add_error_bar(*chart, p.orbits, clamp(100 * (p.blocking - *p.half_width)), clamp(100 * (p.blocking + *p.half_width)),
                      cap, color, x, y);
    add_series(*chart, dots, "data", x, y);
  }
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto* star = new QScatterSeries;
    star->append(answers[i].orbits, clamp(100 * answers[i].blocking));
    star->setName(answers[i].name);
    star->setMarkerShape(QScatterSeries::MarkerShapeStar);
    star->setMarkerSize(18);
    star->setColor(QColor("#d62728"));
    star->setProperty(kTooltips, QStringList{answers[i].tooltip});
    add_series(*chart, star, "planning", x, y);
  }
  return chart;
}

}  // namespace cpark::gui

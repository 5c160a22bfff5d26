// Busy orbits over time; see busy_orbits_chart.h.
#include "gui/busy_orbits_chart.h"

#include <QtCharts/QAreaSeries>
#include <QtCharts/QLineSeries>
#include <set>
#include <tuple>

#include "gui/detail/runs.h"

namespace cpark::gui {

namespace {

QString time_text(double seconds) {
  if (seconds >= 3600) return QString::number(seconds, 'f', 0) + " s (" + QString::number(seconds / 3600, 'f', 2) + " h)";
  if (seconds >= 60) return QString::number(seconds, 'f', 0) + " s (" + QString::number(seconds / 60, 'f', 1) + " min)";
  return QString::number(seconds, 'g', 6) + " s";
}

QString busy_text(double mean, double lo, double hi) {
  QString s = "busy orbits " + QString::number(mean, 'g', 4);
  if (std::isfinite(lo) && std::isfinite(hi))
    s += " (min " + QString::number(lo, 'g', 4) + ", max " + QString::number(hi, 'g', 4) + " across replications)";
  return s;
}

QPen line_pen(const QColor& c, double width, Qt::PenStyle style = Qt::SolidLine) {
  QPen pen(c);
  pen.setWidthF(width);
  pen.setStyle(style);
  return pen;
}

}  // namespace

std::unique_ptr<QChart> build_busy_orbits_chart(const std::vector<const ResultsFolder*>& folders,
                                                const ChartOptions& options) {
  const auto runs = detail::simulation_runs(folders);
  struct Line {
    QString name;
    std::vector<const BusySample*> samples;
    double capacity = NAN;
  };
  std::vector<Line> lines;
  double t_max = 0, y_max = 0;
  for (auto& run : runs) {
    std::map<std::string, Line> by_pool;
    for (auto& s : run.simulation->busy)
      if (s.point == run.point->index) by_pool[s.pool].samples.push_back(&s);
    const bool many_pools = by_pool.size() > 1;
    for (auto& [pool, line] : by_pool) {
      line.name = detail::join_label(run.label, many_pools || run.label.isEmpty() ? QString::fromStdString(pool) : "");
      auto it = run.point->pools.find(pool);
      if (it != run.point->pools.end())
        if (const Figure* orbits = it->second.find("orbits")) line.capacity = orbits->mean;
      for (auto* s : line.samples) {
        t_max = std::max(t_max, s->time_s);
        y_max = std::max({y_max, s->mean, std::isfinite(s->max) ? s->max : 0.0});
      }
      if (std::isfinite(line.capacity)) y_max = std::max(y_max, line.capacity);
      lines.push_back(std::move(line));
    }
  }
  if (lines.empty()) return nullptr;
  auto chart = new_chart("Busy orbits over time", options);
  const TimeScale ts = time_scale(t_max);
  auto* x = add_value_axis(*chart, Qt::AlignBottom, ts.title, 0, t_max / ts.divisor);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, "Busy orbits", 0, nice_upper(y_max * 1.05));
  // The band is only readable with one line: with several it hides the others.
  const bool band = lines.size() == 1;
  std::set<std::tuple<double, QString, int>> capacities;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const QColor color = series_color(int(i));
    auto* mean = new QLineSeries;
    QStringList tips;
    for (auto* s : lines[i].samples) {
      mean->append(s->time_s / ts.divisor, s->mean);
      tips << time_text(s->time_s) + "\n" + busy_text(s->mean, s->min, s->max);
    }
    mean->setName(lines[i].name.isEmpty() ? "busy orbits" : lines[i].name);
    mean->setPen(line_pen(color, 2));
    mean->setPointsVisible(lines[i].samples.size() <= 60);
    mean->setProperty(kTooltips, tips);
    if (band) {
      auto* lo = new QLineSeries(chart.get());
      auto* hi = new QLineSeries(chart.get());
      for (auto* s : lines[i].samples) {
        lo->append(s->time_s / ts.divisor, std::isfinite(s->min) ? s->min : s->mean);
        hi->append(s->time_s / ts.divisor, std::isfinite(s->max) ? s->max : s->mean);
      }
      auto* area = new QAreaSeries(hi, lo);
      area->setName("min–max");
      QColor fill = color;
      fill.setAlpha(50);
      area->setBrush(fill);
      area->setPen(Qt::NoPen);
      add_series(*chart, area, "band", x, y);
    }
    add_series(*chart, mean, "data", x, y);
    if (std::isfinite(lines[i].capacity) && capacities.size() < 6)
      capacities.insert({lines[i].capacity, lines[i].name, int(i)});
  }
  // The orbit count: busy orbits can never go above it, and blocking starts there (P2).
  int k = 0;
  for (auto& [capacity, name, line] : capacities) {
    auto* cap = new QLineSeries;
    cap->append(0, capacity);
    cap->append(t_max / ts.divisor, capacity);
    cap->setName(detail::join_label(lines.size() > 1 ? name : "", QString::number(capacity) + " orbits"));
    cap->setPen(line_pen(capacities.size() == 1 ? foreground(options) : series_color(line), 1.5, Qt::DashLine));
    const QString tip = detail::join_label(name, "orbit count " + QString::number(capacity));
    cap->setProperty(kTooltips, QStringList{tip, tip});
    add_series(*chart, cap, "capacity", x, y);
    if (capacities.size() > 1) hide_from_legend(*chart, cap);  // colour-matched to its run; the tooltip names it
    ++k;
  }
  return chart;
}

std::unique_ptr<QChart> build_loadtest_busy_orbits_chart(const std::vector<const ResultsFolder*>& folders,
                                                         const ChartOptions& options) {
  std::vector<const ResultsFolder*> with;
  double t_max = 0, y_max = 0;
  for (auto* f : folders)
    if (f->loadtest) {
      bool any = false;
      for (auto& s : f->loadtest->seconds)
        if (std::isfinite(s.busy_orbits)) any = true, t_max = std::max(t_max, s.time_s), y_max = std::max(y_max, s.busy_orbits);
      if (any) with.push_back(f);
    }
  if (with.empty()) return nullptr;
  auto chart = new_chart("Busy orbits during the load test", options);
  auto* x = add_value_axis(*chart, Qt::AlignBottom, "Time since the load started (s)", 0, t_max);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, "Busy orbits (all pools)", 0, nice_upper(y_max * 1.05));
  for (std::size_t i = 0; i < with.size(); ++i) {
    auto* s = new QLineSeries;
    QStringList tips;
    for (auto& sec : with[i]->loadtest->seconds)
      if (std::isfinite(sec.busy_orbits)) {
        s->append(sec.time_s, sec.busy_orbits);
        tips << QString::number(sec.time_s) + " s\nbusy orbits " + QString::number(sec.busy_orbits);
      }
    s->setName(QString::fromStdString(with[i]->label));
    s->setPen(line_pen(series_color(int(i)), 2));
    s->setProperty(kTooltips, tips);
    add_series(*chart, s, "data", x, y);
  }
  return chart;
}

std::unique_ptr<QChart> build_comparison_busy_orbits_chart(const std::vector<const ResultsFolder*>& folders,
                                                           const ChartOptions& options) {
  std::vector<const ResultsFolder*> with;
  double t_max = 0, y_max = 0;
  for (auto* f : folders)
    if (f->comparison && !f->comparison->busy.empty()) {
      with.push_back(f);
      for (auto& s : f->comparison->busy)
        t_max = std::max(t_max, s.time_s), y_max = std::max({y_max, s.mean, std::isfinite(s.max) ? s.max : 0.0});
    }
  if (with.empty()) return nullptr;
  auto chart = new_chart("Busy orbits: simulated and served", options);
  const TimeScale ts = time_scale(t_max);
  auto* x = add_value_axis(*chart, Qt::AlignBottom, "Scenario " + ts.title.toLower(), 0, t_max / ts.divisor);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, "Busy orbits", 0, nice_upper(y_max * 1.05));
  int color = 0;
  for (auto* f : with) {
    std::set<std::string> pools;
    for (auto& s : f->comparison->busy) pools.insert(s.pool);
    for (auto& pool : pools)
      for (bool served : {false, true}) {
        auto* s = new QLineSeries;
        QStringList tips;
        for (auto& b : f->comparison->busy)
          if (b.pool == pool && b.served == served) {
            s->append(b.time_s / ts.divisor, b.mean);
            tips << "scenario time " + time_text(b.time_s) + "\n" + (served ? "served: " : "simulated: ") +
                        busy_text(b.mean, b.min, b.max);
          }
        if (s->count() == 0) {
          delete s;
          continue;
        }
        QString name = served ? "served (SIP server)" : "simulated (mean of replications)";
        if (pools.size() > 1) name = QString::fromStdString(pool) + ": " + name;
        if (with.size() > 1) name = QString::fromStdString(f->label) + ": " + name;
        s->setName(name);
        const QColor c = series_color(color++);
        s->setPen(line_pen(c, served ? 1.5 : 2.5));
        s->setProperty(kTooltips, tips);
        if (!served && with.size() == 1 && pools.size() == 1) {
          // The replications' spread: a served run inside it is as good as another replication.
          auto* lo = new QLineSeries(chart.get());
          auto* hi = new QLineSeries(chart.get());
          for (auto& b : f->comparison->busy)
            if (b.pool == pool && !b.served) {
              lo->append(b.time_s / ts.divisor, std::isfinite(b.min) ? b.min : b.mean);
              hi->append(b.time_s / ts.divisor, std::isfinite(b.max) ? b.max : b.mean);
            }
          auto* area = new QAreaSeries(hi, lo);
          area->setName("simulated min–max");
          QColor fill = c;
          fill.setAlpha(45);
          area->setBrush(fill);
          area->setPen(Qt::NoPen);
          add_series(*chart, area, "band", x, y);
        }
        add_series(*chart, s, "data", x, y);
      }
  }
  return chart;
}

}  // namespace cpark::gui

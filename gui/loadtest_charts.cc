// Load-test charts; see loadtest_charts.h.
#include "gui/loadtest_charts.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QLineSeries>

namespace cpark::gui {

namespace {

std::vector<const ResultsFolder*> loadtests(const std::vector<const ResultsFolder*>& folders) {
  std::vector<const ResultsFolder*> out;
  for (auto* f : folders)
    if (f->loadtest && !f->loadtest->seconds.empty()) out.push_back(f);
  return out;
}

// A per-second column of every load test as lines; `name` is what the column is.
struct Column {
  double LoadSecond::*field;
  QString name;
  Qt::PenStyle style;
};

QString prefixed(const ResultsFolder* f, std::size_t folders, const QString& what) {
  return folders > 1 ? QString::fromStdString(f->label) + ": " + what : what;
}

std::unique_ptr<QChart> lines_over_time(const std::vector<const ResultsFolder*>& tests, const QString& title,
                                        const QString& y_title, const std::vector<Column>& columns,
                                        const ChartOptions& options, const QString& unit) {
  double t_max = 0, y_max = 0;
  bool any = false;
  for (auto* f : tests)
    for (auto& s : f->loadtest->seconds) {
      t_max = std::max(t_max, s.time_s);
      for (auto& c : columns)
        if (std::isfinite(s.*c.field)) y_max = std::max(y_max, s.*c.field), any = true;
    }
  if (!any) return nullptr;
  auto chart = new_chart(title, options);
  auto* x = add_value_axis(*chart, Qt::AlignBottom, "Time since the load started (s)", 0, t_max);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, y_title, 0, nice_upper(y_max * 1.05));
  for (std::size_t i = 0; i < tests.size(); ++i)
    for (std::size_t k = 0; k < columns.size(); ++k) {
      auto* s = new QLineSeries;
      QStringList tips;
      for (auto& sec : tests[i]->loadtest->seconds) {
        const double v = sec.*columns[k].field;
        if (!std::isfinite(v)) continue;  // no data that second: leave it out, do not draw a zero
        s->append(sec.time_s, v);
        tips << QString::number(sec.time_s) + " s\n" + columns[k].name + ": " + QString::number(v, 'g', 6) + unit;
      }
      s->setName(prefixed(tests[i], tests.size(), columns[k].name));
      // Colour tells the folders apart when comparing; the dash tells the columns apart.
      QPen pen(series_color(int(tests.size() > 1 ? i : k)));
      pen.setWidthF(2);
      pen.setStyle(tests.size() > 1 ? columns[k].style : Qt::SolidLine);
      s->setPen(pen);
      s->setProperty(kTooltips, tips);
      add_series(*chart, s, "data", x, y);
    }
  return chart;
}

}  // namespace

std::unique_ptr<QChart> build_call_rate_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  const auto tests = loadtests(folders);
  if (tests.empty()) return nullptr;
  auto chart = lines_over_time(tests, "Call rate achieved", "New calls per second",
                               {{&LoadSecond::call_rate, "calls/s achieved", Qt::SolidLine}}, options, " calls/s");
  if (!chart) return nullptr;
  auto* x = chart->axes(Qt::Horizontal).front();
  auto* y = static_cast<QValueAxis*>(chart->axes(Qt::Vertical).front());
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const auto& lt = *tests[i]->loadtest;
    if (!std::isfinite(lt.target_rate)) continue;
    auto* target = new QLineSeries;
    target->append(0, lt.target_rate);
    target->append(lt.seconds.back().time_s, lt.target_rate);
    target->setName(prefixed(tests[i], tests.size(), "target " + QString::number(lt.target_rate) + " calls/s"));
    QPen pen(tests.size() > 1 ? series_color(int(i)) : foreground(options));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.5);
    target->setPen(pen);
    target->setProperty(kTooltips, QStringList{"target rate " + QString::number(lt.target_rate) + " calls/s",
                                               "target rate " + QString::number(lt.target_rate) + " calls/s"});
    add_series(*chart, target, "target", x, y);
    y->setMax(std::max(y->max(), nice_upper(lt.target_rate * 1.1)));
  }
  return chart;
}

std::unique_ptr<QChart> build_failures_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  const auto tests = loadtests(folders);
  if (tests.empty()) return nullptr;
  return lines_over_time(tests, "Failed calls and retransmissions", "Per second",
                         {{&LoadSecond::failed, "failed calls", Qt::SolidLine},
                          {&LoadSecond::retransmissions, "retransmissions", Qt::DashLine}},
                         options, "");
}

std::unique_ptr<QChart> build_response_time_chart(const std::vector<const ResultsFolder*>& folders,
                                                  const ChartOptions& options) {
  const auto tests = loadtests(folders);
  if (tests.empty()) return nullptr;
  return lines_over_time(tests, "Response time over time (all transactions)", "Response time (ms)",
                         {{&LoadSecond::p50_ms, "p50", Qt::DotLine},
                          {&LoadSecond::p90_ms, "p90", Qt::DashLine},
                          {&LoadSecond::p99_ms, "p99", Qt::SolidLine}},
                         options, " ms");
}

std::unique_ptr<QChart> build_percentiles_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  std::vector<const ResultsFolder*> tests;
  std::vector<std::string> transactions;
  for (auto* f : folders)
    if (f->loadtest && !f->loadtest->response_times.empty()) {
      tests.push_back(f);
      for (auto& t : f->loadtest->response_times)
        if (t.count > 0 && std::find(transactions.begin(), transactions.end(), t.transaction) == transactions.end())
          transactions.push_back(t.transaction);
    }
  if (tests.empty() || transactions.empty()) return nullptr;
  auto chart = new_chart("Response-time percentiles by transaction", options);
  auto* bars = new QBarSeries;
  double y_max = 0;
  int color = 0;
  for (auto* f : tests)
    for (auto [field, name] : {std::pair{&TransactionTimes::p50, "p50"}, std::pair{&TransactionTimes::p90, "p90"},
                               std::pair{&TransactionTimes::p99, "p99"}}) {
      auto* set = new QBarSet(prefixed(f, tests.size(), name));
      QStringList tips;
      for (auto& tx : transactions) {
        const TransactionTimes* t = nullptr;
        for (auto& r : f->loadtest->response_times)
          if (r.transaction == tx) t = &r;
        const double v = t && std::isfinite(t->*field) ? t->*field : 0;
        *set << v;
        y_max = std::max(y_max, v);
        tips << (t ? QString::fromStdString(tx) + " " + name + ": " + QString::number(v, 'g', 6) + " ms (max " +
                         QString::number(t->max, 'g', 6) + " ms, " + QString::number(t->count) + " responses)"
                   : QString::fromStdString(tx) + ": not measured in " + QString::fromStdString(f->label));
      }
      set->setColor(series_color(color++));
      set->setProperty(kTooltips, tips);
      bars->append(set);
    }
  bars->setProperty(kRole, "data");
  chart->addSeries(bars);
  auto* x = new QBarCategoryAxis;
  for (auto& t : transactions) x->append(QString::fromStdString(t));
  chart->addAxis(x, Qt::AlignBottom);
  bars->attachAxis(x);
  auto* y = add_value_axis(*chart, Qt::AlignLeft, "Request to final response (ms)", 0, nice_upper(y_max * 1.05));
  bars->attachAxis(y);
  return chart;
}

std::unique_ptr<QChart> build_server_chart(const std::vector<const ResultsFolder*>& folders, const ChartOptions& options) {
  const auto tests = loadtests(folders);
  double t_max = 0, cpu_max = 0, rss_max = 0;
  bool any = false;
  for (auto* f : tests)
    for (auto& s : f->loadtest->seconds) {
      t_max = std::max(t_max, s.time_s);
      if (std::isfinite(s.cpu_percent)) cpu_max = std::max(cpu_max, s.cpu_percent), any = true;
      if (std::isfinite(s.rss_bytes)) rss_max = std::max(rss_max, s.rss_bytes / (1024.0 * 1024.0)), any = true;
    }
  if (!any) return nullptr;
  auto chart = new_chart("Server CPU and memory", options);
  auto* x = add_value_axis(*chart, Qt::AlignBottom, "Time since the load started (s)", 0, t_max);
  auto* cpu_axis = add_value_axis(*chart, Qt::AlignLeft, "CPU (%, 100 = one core)", 0, nice_upper(cpu_max * 1.05));
  auto* rss_axis = add_value_axis(*chart, Qt::AlignRight, "Resident memory (MiB)", 0, nice_upper(rss_max * 1.05));
  for (std::size_t i = 0; i < tests.size(); ++i) {
    auto* cpu = new QLineSeries;
    auto* rss = new QLineSeries;
    QStringList cpu_tips, rss_tips;
    for (auto& s : tests[i]->loadtest->seconds) {
      if (std::isfinite(s.cpu_percent)) {
        cpu->append(s.time_s, s.cpu_percent);
        cpu_tips << QString::number(s.time_s) + " s\nserver CPU " + QString::number(s.cpu_percent, 'g', 4) + " %";
      }
      if (std::isfinite(s.rss_bytes)) {
        rss->append(s.time_s, s.rss_bytes / (1024.0 * 1024.0));
        rss_tips << QString::number(s.time_s) + " s\nserver memory " + QString::number(s.rss_bytes, 'f', 0) + " bytes (" +
                        QString::number(s.rss_bytes / (1024.0 * 1024.0), 'f', 2) + " MiB)";
      }
    }
    cpu->setName(prefixed(tests[i], tests.size(), "CPU"));
    rss->setName(prefixed(tests[i], tests.size(), "memory (RSS)"));
    QPen cpu_pen(series_color(int(2 * i)));
    cpu_pen.setWidthF(2);
    QPen rss_pen(series_color(int(2 * i + 1)));
    rss_pen.setWidthF(2);
    rss_pen.setStyle(Qt::DashLine);
    cpu->setPen(cpu_pen);
    rss->setPen(rss_pen);
    cpu->setProperty(kTooltips, cpu_tips);
    rss->setProperty(kTooltips, rss_tips);
    add_series(*chart, cpu, "data", x, cpu_axis);
    add_series(*chart, rss, "data", x, rss_axis);
  }
  return chart;
}

}  // namespace cpark::gui

// The shared chart look; see chart_style.h.
#include "gui/chart_style.h"

#include <QtCharts/QLegendMarker>
#include <cmath>

namespace cpark::gui {

std::unique_ptr<QChart> new_chart(const QString& title, const ChartOptions& options) {
  auto chart = std::make_unique<QChart>();
  chart->setTheme(options.dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  chart->setAnimationOptions(QChart::NoAnimation);  // exports and reloads must not catch a half-drawn frame
  chart->setTitle(title);
  QFont title_font = chart->titleFont();
  title_font.setPointSizeF(13);
  title_font.setBold(true);
  chart->setTitleFont(title_font);
  QFont legend_font = chart->legend()->font();
  legend_font.setPointSizeF(10);
  chart->legend()->setFont(legend_font);
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->legend()->setShowToolTips(true);
  chart->setMargins(QMargins(6, 6, 6, 6));
  chart->setBackgroundRoundness(0);  // square corners: exports tile cleanly into reports
  return chart;
}

QColor background(const ChartOptions& options) { return options.dark ? QColor("#2e303a") : QColor("#ffffff"); }

void tidy_legend(QChart& chart) {
  // Qt's legend never wraps: a long row at the bottom gets cut to "orbits.pool1…".
  // Many entries read better as a column on the right.
  int visible = 0;
  for (QLegendMarker* m : chart.legend()->markers()) visible += m->series()->property("cpark_hidden_in_legend").toBool() ? 0 : 1;
  if (visible > 4) chart.legend()->setAlignment(Qt::AlignRight);
}

QColor series_color(int index) {
  // Matplotlib's tab10: distinct, colour-blind tolerable, readable on light and dark.
  static const char* const kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                        "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return QColor(kColors[std::size_t(index) % std::size(kColors)]);
}

QColor foreground(const ChartOptions& options) { return options.dark ? QColor("#e8e8e8") : QColor("#202020"); }

QPalette application_palette(const ChartOptions& options) {
  if (!options.dark) return QPalette(QColor("#efefef"), QColor("#ffffff"));
  QPalette p;
  const QColor window("#2b2b2b"), base("#1e1e1e"), text("#e8e8e8");
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, window);
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, window);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::ToolTipBase, base);
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::Highlight, QColor("#3d7bd9"));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::PlaceholderText, QColor("#9a9a9a"));
  p.setColor(QPalette::Disabled, QPalette::Text, QColor("#7a7a7a"));
  p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor("#7a7a7a"));
  return p;
}

double nice_upper(double max) {
  if (!(max > 0) || !std::isfinite(max)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(max)));
  for (double step : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (step * magnitude >= max * 1.0000001) return step * magnitude;
  return 10 * magnitude;
}

QValueAxis* add_value_axis(QChart& chart, Qt::Alignment side, const QString& title, double min, double max) {
  auto* axis = new QValueAxis;
  axis->setTitleText(title);
  if (!(max > min) || !std::isfinite(max - min)) max = min + 1;
  axis->setRange(min, max);
  QFont f = axis->labelsFont();
  f.setPointSizeF(9.5);
  axis->setLabelsFont(f);
  QFont t = axis->titleFont();
  t.setPointSizeF(10);
  t.setBold(false);
  axis->setTitleFont(t);
  axis->setLabelFormat("%.4g");
  axis->setTickType(QValueAxis::TicksDynamic);
  const double span = max - min;
  const double raw = span / 6;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  axis->setTickAnchor(0);
  axis->setTickInterval(step);
  chart.addAxis(axis, side);
  return axis;
}

void hide_from_legend(QChart& chart, QAbstractSeries* series) {
  series->setProperty("cpark_hidden_in_legend", true);  // marker visibility reads false until drawn
  for (QLegendMarker* m : chart.legend()->markers(series)) m->setVisible(false);
}

void add_error_bar(QChart& chart, double x, double lo, double hi, double cap, const QColor& color, QAbstractAxis* x_axis,
                   QAbstractAxis* y_axis) {
  auto* bar = new QLineSeries;
  // One polyline: bottom cap, back to the middle, up, top cap.
  bar->append(x - cap, lo);
  bar->append(x + cap, lo);
  bar->append(x, lo);
  bar->append(x, hi);
  bar->append(x - cap, hi);
  bar->append(x + cap, hi);
  QPen pen(color);
  pen.setWidthF(1.5);
  bar->setPen(pen);
  bar->setName("95 % interval");
  add_series(chart, bar, "error_bar", x_axis, y_axis);
  hide_from_legend(chart, bar);
}

TimeScale time_scale(double max_seconds) {
  if (max_seconds >= 3 * 3600) return {3600, "Time (h)"};
  if (max_seconds >= 20 * 60) return {60, "Time (min)"};
  return {1, "Time (s)"};
}

namespace {

// The number in the unit people read (shares as percent, bytes as MiB) and its suffix.
double scaled(double value, const std::string& unit) {
  if (unit == "share") return 100 * value;
  if (unit == "bytes") return value / (1024.0 * 1024.0);
  return value;
}
QString suffix(const std::string& unit) {
  if (unit == "share" || unit == "percent") return " %";
  if (unit == "bytes") return " MiB";
  if (unit == "erlang") return " Erl";
  if (unit == "1/s") return " /s";
  if (unit == "count" || unit.empty()) return "";
  return " " + QString::fromStdString(unit);
}
QString number_text(double v, int digits) {
  // Whole numbers stay whole (422 calls, not 4.22e+02); others keep `digits` significant.
  if (std::abs(v) >= 1e-9 && std::abs(v) < 1e15 && v == std::round(v)) return QString::number(v, 'f', 0);
  if (std::abs(v) >= std::pow(10.0, digits)) return QString::number(v, 'f', 0);
  return QString::number(v, 'g', digits);
}

}  // namespace

QString format_value(double value, const std::string& unit, int digits) {
  if (!std::isfinite(value)) return "—";
  // Erlang B far below anything measurable reads as a bound, not as 1.2e-36 %.
  if (unit == "share" && value > 0 && value < 1e-6) return "< 0.0001 %";
  return number_text(scaled(value, unit), digits) + suffix(unit);
}

QString format_with_interval(double mean, const std::optional<double>& half_width, const std::string& unit) {
  if (!std::isfinite(mean)) return "—";
  QString s = number_text(scaled(mean, unit), 4);
  if (half_width && *half_width > 0) s += " ± " + number_text(scaled(*half_width, unit), 3);
  return s + suffix(unit);
}

}  // namespace cpark::gui

// The look shared by every chart: light or dark theme, fonts that stay readable when
// exported or scaled, one colour cycle, axes with units, 95 % error bars and the
// per-point tooltip texts the interactive view shows. Chart builders call these so all
// charts read alike.
#pragma once
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <QtGui/QColor>
#include <QtGui/QPalette>
#include <memory>
#include <optional>
#include <string>

namespace cpark::gui {

struct ChartOptions {
  bool dark = false;
};

// Properties set on series, read by the view and the tests.
inline constexpr const char* kRole = "cpark_role";          // "data", "error_bar", "band", "capacity", "erlang_b", "target"
inline constexpr const char* kTooltips = "cpark_tooltips";  // QStringList, one exact text per point or bar

std::unique_ptr<QChart> new_chart(const QString& title, const ChartOptions& options);
QColor series_color(int index);
// The chart's background colour, for filling exported images.
QColor background(const ChartOptions& options);
// Moves a legend with many entries to the right, where Qt does not cut their names.
void tidy_legend(QChart& chart);
// The colour for text and grid lines that is readable on the theme's background.
QColor foreground(const ChartOptions& options);
QPalette application_palette(const ChartOptions& options);

// A value axis with a title (which names the unit), attached to the chart.
QValueAxis* add_value_axis(QChart& chart, Qt::Alignment side, const QString& title, double min, double max);
// 0 … a round number above `max` (never an empty range).
double nice_upper(double max);

// Adds `series` with a role, attaches it to the given axes and returns it.
template <class Series>
Series* add_series(QChart& chart, Series* series, const char* role, QAbstractAxis* x, QAbstractAxis* y) {
  series->setProperty(kRole, role);
  chart.addSeries(series);
  series->attachAxis(x);
  series->attachAxis(y);
  return series;
}

// A vertical 95 % interval with caps at x, from lo to hi, in `color`; hidden from the legend.
void add_error_bar(QChart& chart, double x, double lo, double hi, double cap, const QColor& color, QAbstractAxis* x_axis,
                   QAbstractAxis* y_axis);
void hide_from_legend(QChart& chart, QAbstractSeries* series);

// Time axes: seconds become minutes or hours when the span is long enough to read better.
struct TimeScale {
  double divisor = 1;
  QString title;
};
TimeScale time_scale(double max_seconds);

// Number formatting for tooltips and the key-figures table.
QString format_value(double value, const std::string& unit, int digits = 3);
QString format_with_interval(double mean, const std::optional<double>& half_width, const std::string& unit);

}  // namespace cpark::gui

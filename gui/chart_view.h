// An interactive chart, as people expect from Grafana or MATLAB figures: hover for the
// exact value (with its 95 % interval where there is one), drag a rectangle to zoom,
// wheel or +/- to zoom, right- or middle-drag and arrow keys to pan, double-click or
// Home to reset; right-click offers export to PNG or SVG.
#pragma once
#include <QtCharts/QChartView>
#include <functional>

namespace cpark::gui {

class ChartView : public QChartView {
 public:
  // Takes ownership of `chart`.
  explicit ChartView(QChart* chart, QWidget* parent = nullptr);
  // Called with "png" or "svg" when the user asks to export this chart.
  std::function<void(const QString& format)> on_export;
  // The text the tooltip shows for a point of a series (public for the tests).
  static QString tooltip_for(QAbstractSeries* series, int index, const QPointF& value);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;

 private:
  void connect_tooltips();
  void show_menu(const QPoint& global);
  QPoint pan_from_;
  QPoint press_at_;
  bool panning_ = false;
};

}  // namespace cpark::gui

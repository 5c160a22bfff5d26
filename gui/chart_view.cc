// The interactive chart view; see chart_view.h.
#include "gui/chart_view.h"

#include <QtCharts/QAbstractAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QXYSeries>
#include <QtGui/QClipboard>
#include <QtGui/QCursor>
#include <QtGui/QGuiApplication>
#include <QtGui/QKeyEvent>
#include <QtGui/QMouseEvent>
#include <QtWidgets/QMenu>
#include <QtWidgets/QToolTip>

#include "gui/chart_style.h"

namespace cpark::gui {

ChartView::ChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {
  setRenderHint(QPainter::Antialiasing);
  setRubberBand(QChartView::RectangleRubberBand);
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setToolTip("Drag to zoom, wheel to zoom, right-drag to pan, double-click to reset; right-click to export");
  connect_tooltips();
}

QString ChartView::tooltip_for(QAbstractSeries* series, int index, const QPointF& value) {
  const QStringList tips = series->property(kTooltips).toStringList();
  const QString head = series->name();
  if (index >= 0 && index < tips.size()) return head.isEmpty() ? tips[index] : head + "\n" + tips[index];
  // Without a prepared text: the exact coordinates, named by the axes.
  QString x_name = "x", y_name = "y";
  for (auto* axis : series->attachedAxes())
    (axis->orientation() == Qt::Horizontal ? x_name : y_name) = axis->titleText().isEmpty() ? x_name : axis->titleText();
  return head + "\n" + x_name + ": " + QString::number(value.x(), 'g', 8) + "\n" + y_name + ": " +
         QString::number(value.y(), 'g', 8);
}

void ChartView::connect_tooltips() {
  for (QAbstractSeries* s : chart()->series()) {
    if (auto* xy = qobject_cast<QXYSeries*>(s)) {
      if (xy->property(kRole).toString() == "error_bar") continue;
      connect(xy, &QXYSeries::hovered, this, [this, xy](const QPointF& point, bool state) {
        if (!state) {
          QToolTip::hideText();
          return;
        }
        // The nearest data point on screen, so the tooltip gives a real value, not the
        // spot on the line between two points.
        const QPointF at = chart()->mapToPosition(point, xy);
        int best = -1;
        double best_d = 1e300;
        const auto points = xy->points();
        for (int i = 0; i < points.size(); ++i) {
          const QPointF p = chart()->mapToPosition(points[i], xy);
          const double d = (p.x() - at.x()) * (p.x() - at.x()) + (p.y() - at.y()) * (p.y() - at.y());
          if (d < best_d) best_d = d, best = i;
        }
        if (best >= 0) QToolTip::showText(QCursor::pos(), tooltip_for(xy, best, points[best]), this);
      });
    } else if (auto* bars = qobject_cast<QBarSeries*>(s)) {
      connect(bars, &QBarSeries::hovered, this, [this](bool state, int index, QBarSet* set) {
        if (!state) {
          QToolTip::hideText();
          return;
        }
        const QStringList tips = set->property(kTooltips).toStringList();
        const QString text = index < tips.size() ? tips[index] : QString::number(set->at(index), 'g', 8);
        QToolTip::showText(QCursor::pos(), set->label() + "\n" + text, this);
      });
    }
  }
}

void ChartView::wheelEvent(QWheelEvent* event) {
  chart()->zoom(event->angleDelta().y() > 0 ? 1.25 : 0.8);
  event->accept();
}

void ChartView::mousePressEvent(QMouseEvent* event) {
  press_at_ = event->position().toPoint();
  if (event->button() == Qt::RightButton || event->button() == Qt::MiddleButton) {
    panning_ = true;
    pan_from_ = press_at_;
    setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QChartView::mousePressEvent(event);
}

void ChartView::mouseMoveEvent(QMouseEvent* event) {
  if (panning_) {
    const QPoint now = event->position().toPoint();
    const QPoint d = now - pan_from_;
    chart()->scroll(-d.x(), d.y());
    pan_from_ = now;
    event->accept();
    return;
  }
  QChartView::mouseMoveEvent(event);
}

void ChartView::mouseReleaseEvent(QMouseEvent* event) {
  if (panning_) {
    panning_ = false;
    unsetCursor();
    // A right click that did not move is a click: the menu.
    if (event->button() == Qt::RightButton && (event->position().toPoint() - press_at_).manhattanLength() < 4)
      show_menu(event->globalPosition().toPoint());
    event->accept();
    return;
  }
  QChartView::mouseReleaseEvent(event);
}

void ChartView::mouseDoubleClickEvent(QMouseEvent* event) {
  chart()->zoomReset();
  event->accept();
}

void ChartView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: chart()->zoomIn(); break;
    case Qt::Key_Minus: chart()->zoomOut(); break;
    case Qt::Key_Left: chart()->scroll(-30, 0); break;
    case Qt::Key_Right: chart()->scroll(30, 0); break;
    case Qt::Key_Up: chart()->scroll(0, 30); break;
    case Qt::Key_Down: chart()->scroll(0, -30); break;
    case Qt::Key_Home:
    case Qt::Key_Escape: chart()->zoomReset(); break;
    default: QChartView::keyPressEvent(event); return;
  }
  event->accept();
}

void ChartView::show_menu(const QPoint& global) {
  QMenu menu(this);
  menu.addAction("Reset zoom", [this] { chart()->zoomReset(); });
  menu.addSeparator();
  menu.addAction("Export as PNG…", [this] {
    if (on_export) on_export("png");
  });
  menu.addAction("Export as SVG…", [this] {
    if (on_export) on_export("svg");
  });
  menu.addAction("Copy image", [this] { QGuiApplication::clipboard()->setPixmap(grab()); });
  menu.exec(global);
}

}  // namespace cpark::gui

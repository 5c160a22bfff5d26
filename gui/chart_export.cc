// Chart files; see chart_export.h.
#include "gui/chart_export.h"

#include <QtCharts/QChartView>
#include <QtCore/QDir>
#include <QtCore/QSaveFile>
#include <QtGui/QImage>
#include <QtGui/QPainter>
#include <QtSvg/QSvgGenerator>

#include "gui/chart_catalog.h"
#include "gui/key_figures_table.h"

namespace cpark::gui {

namespace {

// A view that owns the chart, laid out at `size` without being shown.
std::unique_ptr<QChartView> offscreen_view(std::unique_ptr<QChart> chart, QSize size) {
  auto view = std::make_unique<QChartView>(chart.release());
  view->setFrameStyle(QFrame::NoFrame);
  view->setRenderHint(QPainter::Antialiasing);
  view->setAttribute(Qt::WA_DontShowOnScreen);
  view->resize(size);
  view->show();  // runs the resize and layout; WA_DontShowOnScreen keeps it off any screen
  view->chart()->resize(QSizeF(size));
  return view;
}

}  // namespace

QString export_png(std::unique_ptr<QChart> chart, const QString& path, QSize size, double scale) {
  auto view = offscreen_view(std::move(chart), size);
  QImage image(QSize(int(std::lround(size.width() * scale)), int(std::lround(size.height() * scale))),
               QImage::Format_ARGB32_Premultiplied);
  image.setDevicePixelRatio(scale);
  image.fill(view->chart()->theme() == QChart::ChartThemeDark ? background({true}) : background({false}));
  {
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    view->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), QRect(QPoint(0, 0), size));
  }
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return path + ": cannot write (" + file.errorString() + ")";
  if (!image.save(&file, "PNG")) {
    file.cancelWriting();
    return path + ": cannot write the PNG (" + file.errorString() + ")";
  }
  if (!file.commit()) return path + ": cannot write (" + file.errorString() + ")";
  return {};
}

QString export_svg(std::unique_ptr<QChart> chart, const QString& path, QSize size) {
  const QString title = chart->title();
  auto view = offscreen_view(std::move(chart), size);
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return path + ": cannot write (" + file.errorString() + ")";
  {
    QSvgGenerator svg;
    svg.setOutputDevice(&file);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(title);
    svg.setDescription("cpark-view chart");
    QPainter painter(&svg);
    view->render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), QRect(QPoint(0, 0), size));
  }
  if (!file.commit()) return path + ": cannot write (" + file.errorString() + ")";
  return {};
}

ExportReport export_all(const std::vector<ResultsFolder>& folders, const QString& out_dir, const ExportOptions& options) {
  ExportReport report;
  if (!QDir().mkpath(out_dir)) {
    report.errors << out_dir + ": cannot create the folder";
    return report;
  }
  const QDir dir(out_dir);
  // Built twice when SVG is asked for: each export consumes its chart.
  auto charts = build_charts(folders, options.chart);
  std::vector<ChartEntry> again;
  if (options.svg) again = build_charts(folders, options.chart);
  for (std::size_t i = 0; i < charts.size(); ++i) {
    const QString png = dir.filePath(QString::fromStdString(charts[i].id) + ".png");
    if (QString e = export_png(std::move(charts[i].chart), png, options.size, options.scale); e.isEmpty()) report.written << png;
    else report.errors << e;
    if (options.svg) {
      const QString svg = dir.filePath(QString::fromStdString(again[i].id) + ".svg");
      if (QString e = export_svg(std::move(again[i].chart), svg, options.size); e.isEmpty()) report.written << svg;
      else report.errors << e;
    }
  }
  if (!folders.empty()) {
    const QString csv = dir.filePath("key-figures.csv");
    QSaveFile file(csv);
    const QByteArray text = key_figures(folders).csv().toUtf8();
    if (file.open(QIODevice::WriteOnly) && file.write(text) == text.size() && file.commit()) report.written << csv;
    else report.errors << csv + ": cannot write (" + file.errorString() + ")";
  }
  return report;
}

}  // namespace cpark::gui

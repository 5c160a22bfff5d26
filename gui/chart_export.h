// Writing charts to files (Q2): PNG of an exact pixel size (times a scale for 200 %
// output) and SVG, each written to a temporary file and renamed, so a report or CI job
// never picks up half an image. Works without a display (QT_QPA_PLATFORM=offscreen).
#pragma once
#include <QtCharts/QChart>
#include <QtCore/QSize>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <memory>
#include <vector>

#include "gui/chart_style.h"
#include "gui/results_folder.h"

namespace cpark::gui {

struct ExportOptions {
  QSize size{1200, 750};  // logical size; the PNG has size × scale pixels
  double scale = 1;
  bool svg = false;  // also write an SVG beside each PNG
  ChartOptions chart;
};

// Each returns an error sentence naming the file, or an empty string.
QString export_png(std::unique_ptr<QChart> chart, const QString& path, QSize size, double scale);
QString export_svg(std::unique_ptr<QChart> chart, const QString& path, QSize size);

struct ExportReport {
  QStringList written;  // file paths
  QStringList errors;
};
// Writes every chart of `folders` to `out_dir` (created if missing) as <id>.png (and
// <id>.svg), plus key-figures.csv.
ExportReport export_all(const std::vector<ResultsFolder>& folders, const QString& out_dir, const ExportOptions& options);

}  // namespace cpark::gui

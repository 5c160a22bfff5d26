// Export (Q2): every chart as a non-empty PNG of the requested size (and SVG), from the
// library and from `cpark-view --export` without a display; bad input is named.
#include <gtest/gtest.h>

#include <QtCore/QDir>
#include <QtCore/QProcess>
#include <QtGui/QImage>

#include "gui/chart_catalog.h"
#include "gui/chart_export.h"
#include "tests/gui/fixtures.h"

namespace cpark::gui {
namespace {

using test::fixture;

std::vector<ResultsFolder> open(const std::vector<std::string>& names) {
  std::vector<std::filesystem::path> paths;
  for (auto& n : names) paths.push_back(fixture(n));
  return load_results(paths).folders;
}

// A chart that is not blank: more than a handful of distinct colours.
int distinct_colours(const QImage& image) {
  std::set<QRgb> seen;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3) seen.insert(image.pixel(x, y));
  return int(seen.size());
}

TEST(Export, EveryChartIsANonEmptyPngOfTheRequestedSize) {
  QTemporaryDir out;
  ExportOptions options;
  options.size = QSize(640, 400);
  const auto folders = open({"sweep-orbits"});
  const ExportReport report = export_all(folders, out.path(), options);
  EXPECT_TRUE(report.errors.isEmpty()) << report.errors.join("\n").toStdString();
  const auto charts = build_charts(folders, options.chart);
  ASSERT_EQ(report.written.size(), qsizetype(charts.size() + 1));  // + key-figures.csv
  for (auto& c : charts) {
    const QImage image(out.path() + "/" + QString::fromStdString(c.id) + ".png");
    ASSERT_FALSE(image.isNull()) << c.id;
    EXPECT_EQ(image.size(), QSize(640, 400)) << c.id;
    EXPECT_GT(distinct_colours(image), 20) << c.id << " looks blank";
  }
  EXPECT_TRUE(QFile::exists(out.path() + "/key-figures.csv"));
  EXPECT_TRUE(QDir(out.path()).entryList(QStringList{".*.tmp", "*.tmp"}, QDir::Files | QDir::Hidden).isEmpty());
}

TEST(Export, ScaleMultipliesPixelsAndSvgIsWrittenBeside) {
  QTemporaryDir out;
  ExportOptions options;
  options.size = QSize(500, 300);
  options.scale = 2;
  options.svg = true;
  const ExportReport report = export_all(open({"office-20-orbits"}), out.path(), options);
  EXPECT_TRUE(report.errors.isEmpty());
  EXPECT_EQ(QImage(out.path() + "/blocking.png").size(), QSize(1000, 600));
  QFile svg(out.path() + "/blocking.svg");
  ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
  const QByteArray text = svg.readAll();
  EXPECT_TRUE(text.contains("<svg"));
  EXPECT_TRUE(text.contains("Park blocking against orbit count"));
}

TEST(Export, UnwritableTargetIsNamed) {
  QTemporaryDir out;
  QFile blocker(out.path() + "/file");
  ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
  blocker.close();
  const ExportReport report = export_all(open({"office-20-orbits"}), out.path() + "/file/charts", {});
  ASSERT_FALSE(report.errors.isEmpty());
  EXPECT_TRUE(report.errors[0].contains(out.path() + "/file/charts")) << report.errors[0].toStdString();
}

struct ViewRun {
  int code;
  QString out, err;
};
ViewRun cpark_view(const QStringList& args) {
  QProcess p;
  QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
  env.remove("DISPLAY");
  env.remove("QT_QPA_PLATFORM");  // --export must need neither
  p.setProcessEnvironment(env);
  p.start(CPARK_VIEW_BIN, args);
  p.waitForFinished(120000);
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

TEST(ExportCommand, WritesEveryChartWithoutADisplay) {
  QTemporaryDir out;
  const ViewRun r = cpark_view({"--export", out.path(), "--size", "800x500", "--svg", QString::fromStdString(fixture("loadtest-short").string()),
                            QString::fromStdString(fixture("loadtest-short-0.1").string())});
  EXPECT_EQ(r.code, 0) << r.err.toStdString();
  EXPECT_EQ(QImage(out.path() + "/loadtest-response-time.png").size(), QSize(800, 500));
  EXPECT_TRUE(QFile::exists(out.path() + "/comparison-figures.svg"));
  EXPECT_TRUE(r.out.contains("loadtest-call-rate.png"));
}

TEST(ExportCommand, BrokenFolderIsNamedAndTheRestStillExported) {
  QTemporaryDir out;
  test::ScratchCopy broken("office-10-orbits");
  broken.replace("summary.json", "\"cpark-results/1\"", "\"cpark-results/9\"");
  const ViewRun r = cpark_view({"--export", out.path(), QString::fromStdString(broken.path.string()),
                            QString::fromStdString(fixture("office-20-orbits").string())});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.err.contains("office-10-orbits/summary.json: format: \"cpark-results/9\" is newer")) << r.err.toStdString();
  EXPECT_TRUE(QFile::exists(out.path() + "/blocking.png"));
}

TEST(ExportCommand, BadSizeIsAUsageError) {
  QTemporaryDir out;
  const ViewRun r = cpark_view({"--export", out.path(), "--size", "big", QString::fromStdString(fixture("office-20-orbits").string())});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(r.err.contains("--size \"big\" must be WIDTHxHEIGHT")) << r.err.toStdString();
}

}  // namespace
}  // namespace cpark::gui

// The window: it shows charts and key figures for what it opened, a message naming the
// file for what it could not open, remembers recent folders, switches theme, and
// reloads when a folder changes on disk.
#include <gtest/gtest.h>

#include <QtCharts/QChart>
#include <QtCore/QElapsedTimer>
#include <QtCore/QSettings>
#include <QtWidgets/QApplication>

#include "gui/chart_view.h"
#include "gui/main_window.h"
#include "tests/gui/fixtures.h"

namespace cpark::gui {
namespace {

using test::fixture;

QString path_of(const std::string& name) { return QString::fromStdString(fixture(name).string()); }

// A window with its settings in a scratch file, removed with the object.
struct Window {
  QTemporaryDir dir;
  QSettings settings{dir.path() + "/cpark-view.ini", QSettings::IniFormat};
  MainWindow window{settings};
};

TEST(MainWindow, OpensFoldersIntoChartsAndKeyFigures) {
  Window w;
  w.window.open_folders({path_of("office-10-orbits"), path_of("office-20-orbits")});
  EXPECT_EQ(w.window.folders().size(), 2u);
  EXPECT_EQ(w.window.chart_views().size(), 6u);
  EXPECT_EQ(w.window.key_figures_table().columnCount(), 3);  // figure names + one per folder
  EXPECT_TRUE(w.window.messages().isEmpty());
  EXPECT_TRUE(w.window.windowTitle().startsWith("office-10-orbits vs office-20-orbits"));
}

TEST(MainWindow, ShowsAMessageNamingTheFileInsteadOfCrashing) {
  Window w;
  test::ScratchCopy broken("sweep-orbits");
  broken.replace("summary.json", "\"points\": [", "\"points\": 7, \"x\": [");
  test::ScratchCopy partial("office-10-orbits");
  std::filesystem::remove(partial.path / "timeseries.csv");
  w.window.show();
  w.window.open_folders({QString::fromStdString(broken.path.string()), QString::fromStdString(partial.path.string())});
  const QString m = w.window.messages();
  EXPECT_TRUE(m.contains("sweep-orbits/summary.json: points: expected a list, found number")) << m.toStdString();
  EXPECT_TRUE(m.contains("office-10-orbits/timeseries.csv: missing")) << m.toStdString();
  EXPECT_EQ(w.window.folders().size(), 1u);
  EXPECT_FALSE(w.window.chart_views().empty());  // the partial folder's other charts
}

TEST(MainWindow, RemembersRecentFoldersNewestFirst) {
  Window w;
  w.window.open_folders({path_of("office-10-orbits")});
  w.window.open_folders({path_of("sweep-orbits")});
  const QStringList recent = w.window.recent_folders();
  ASSERT_EQ(recent.size(), 2);
  EXPECT_TRUE(recent[0].endsWith("sweep-orbits"));
  w.window.close_all();
  EXPECT_TRUE(w.window.chart_views().empty());
  EXPECT_EQ(w.window.recent_folders().size(), 2);
}

TEST(MainWindow, DarkThemeRebuildsTheChartsDark) {
  Window w;
  w.window.open_folders({path_of("office-20-orbits")});
  w.window.set_dark(true);
  ASSERT_FALSE(w.window.chart_views().empty());
  EXPECT_EQ(w.window.chart_views()[0]->chart()->theme(), QChart::ChartThemeDark);
  EXPECT_TRUE(w.settings.value("dark_theme").toBool());
  w.window.set_dark(false);
  EXPECT_EQ(w.window.chart_views()[0]->chart()->theme(), QChart::ChartThemeLight);
}

TEST(MainWindow, ReloadsWhenTheFolderChangesOnDisk) {
  Window w;
  test::ScratchCopy copy("office-20-orbits");
  w.window.open_folders({QString::fromStdString(copy.path.string())});
  ASSERT_EQ(w.window.folders().at(0).simulation->scenario_name, "office-20-orbits");
  // As the simulator does: a new file renamed over summary.json.
  std::string text = test::slurp(copy.path / "summary.json");
  text.replace(text.find("\"name\": \"office-20-orbits\""), 26, "\"name\": \"office-rerun\"");
  test::spit(copy.path / ".summary.json.tmp", text);
  std::filesystem::rename(copy.path / ".summary.json.tmp", copy.path / "summary.json");
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < 10000 && w.window.folders().at(0).simulation->scenario_name != "office-rerun")
    QApplication::processEvents(QEventLoop::AllEvents, 50);
  EXPECT_EQ(w.window.folders().at(0).simulation->scenario_name, "office-rerun");
}

}  // namespace
}  // namespace cpark::gui

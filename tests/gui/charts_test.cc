// Every chart built from the small fixture folders has the expected series, point
// counts and axis ranges (Q1), and comparing folders names each in the legend.
#include <gtest/gtest.h>

#include <QtCharts/QAreaSeries>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <QtCharts/QXYSeries>

#include "gui/blocking_chart.h"
#include "gui/busy_orbits_chart.h"
#include "gui/chart_catalog.h"
#include "gui/chart_view.h"
#include "gui/comparison_chart.h"
#include "gui/distribution_chart.h"
#include "gui/key_figures_table.h"
#include "gui/loadtest_charts.h"
#include "gui/outcome_chart.h"
#include "simulator/erlang_b.h"
#include "tests/gui/fixtures.h"

namespace cpark::gui {
namespace {

using test::fixture;

// The fixtures, loaded once.
const std::vector<ResultsFolder>& folders(const std::vector<std::string>& names) {
  static std::map<std::vector<std::string>, std::vector<ResultsFolder>> cache;
  auto it = cache.find(names);
  if (it != cache.end()) return it->second;
  std::vector<std::filesystem::path> paths;
  for (auto& n : names) paths.push_back(fixture(n));
  auto outcome = load_results(paths);
  EXPECT_TRUE(outcome.errors.empty());
  return cache[names] = std::move(outcome.folders);
}
std::vector<const ResultsFolder*> pointers(const std::vector<ResultsFolder>& f) {
  std::vector<const ResultsFolder*> out;
  for (auto& x : f) out.push_back(&x);
  return out;
}
std::vector<const ResultsFolder*> open(const std::vector<std::string>& names) { return pointers(folders(names)); }

std::vector<QXYSeries*> with_role(const QChart& chart, const char* role) {
  std::vector<QXYSeries*> out;
  for (auto* s : chart.series())
    if (s->property(kRole).toString() == role)
      if (auto* xy = qobject_cast<QXYSeries*>(s)) out.push_back(xy);
  return out;
}
QValueAxis* axis(const QChart& chart, Qt::Orientation o, int index = 0) {
  auto axes = chart.axes(o);
  return axes.size() > index ? qobject_cast<QValueAxis*>(axes[index]) : nullptr;
}
QStringList names(const QChart& chart) {
  QStringList out;
  for (auto* s : chart.series()) out << s->name();
  return out;
}
bool any_name_contains(const QChart& chart, const QString& text) {
  for (auto& n : names(chart))
    if (n.contains(text)) return true;
  return false;
}

const ChartOptions kLight;

TEST(BusyOrbitsChart, OneRunShowsTheMeanItsBandAndTheOrbitCount) {
  auto chart = build_busy_orbits_chart(open({"office-20-orbits"}), kLight);
  ASSERT_TRUE(chart);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0]->count(), 7);
  EXPECT_EQ(data[0]->property(kTooltips).toStringList().size(), 7);
  const auto capacity = with_role(*chart, "capacity");
  ASSERT_EQ(capacity.size(), 1u);
  EXPECT_EQ(capacity[0]->at(0).y(), 20);
  int bands = 0;
  for (auto* s : chart->series()) bands += qobject_cast<QAreaSeries*>(s) ? 1 : 0;
  EXPECT_EQ(bands, 1);
  // 3600 s reads as 60 minutes; the orbit count (20) fits under the top.
  EXPECT_EQ(axis(*chart, Qt::Horizontal)->titleText(), "Time (min)");
  EXPECT_DOUBLE_EQ(axis(*chart, Qt::Horizontal)->max(), 60);
  EXPECT_EQ(axis(*chart, Qt::Vertical)->min(), 0);
  EXPECT_GE(axis(*chart, Qt::Vertical)->max(), 20);
  EXPECT_LE(axis(*chart, Qt::Vertical)->max(), 40);
}

TEST(BusyOrbitsChart, ASweepDrawsOneLinePerPointWithoutBands) {
  auto chart = build_busy_orbits_chart(open({"sweep-orbits"}), kLight);
  ASSERT_TRUE(chart);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[0]->name(), "orbits.pool1.example = 8");
  for (auto* s : data) EXPECT_EQ(s->count(), 5);  // 0 … 7200 s every 1800 s
  EXPECT_EQ(with_role(*chart, "capacity").size(), 3u);  // 8, 10 and 12 orbits
  EXPECT_TRUE(with_role(*chart, "band").empty());
}

TEST(BlockingChart, SweepHasItsPointsWithIntervalsAndTheErlangBCurve) {
  auto chart = build_blocking_chart(open({"sweep-orbits"}), kLight);
  ASSERT_TRUE(chart);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 1u);
  ASSERT_EQ(data[0]->count(), 3);
  EXPECT_EQ(data[0]->at(0).x(), 8);
  EXPECT_NEAR(data[0]->at(0).y(), 22.983, 0.001);  // percent
  EXPECT_EQ(with_role(*chart, "error_bar").size(), 3u);
  const auto curve = with_role(*chart, "erlang_b");
  ASSERT_EQ(curve.size(), 1u);
  // 8 … 12 orbits with two more either side, one point per whole orbit count.
  ASSERT_EQ(curve[0]->count(), 9);
  EXPECT_EQ(curve[0]->at(0).x(), 6);
  EXPECT_EQ(curve[0]->at(8).x(), 14);
  double load = 0;  // the curve is drawn for the mean measured load of the sweep's points
  for (auto& p : folders({"sweep-orbits"})[0].simulation->points) load += p.pools.at("pool1.example").erlang_b_offered_load / 3;
  EXPECT_NEAR(curve[0]->at(2).y(), 100 * sim::erlang_b(load, 8), 1e-9);
  EXPECT_TRUE(curve[0]->name().startsWith("Erlang B, 8.0"));
  auto* x = axis(*chart, Qt::Horizontal);
  EXPECT_EQ(x->min(), 6);
  EXPECT_EQ(x->max(), 14);
  auto* y = axis(*chart, Qt::Vertical);  // within a decade: linear
  ASSERT_TRUE(y);
  EXPECT_EQ(y->min(), 0);
  EXPECT_GE(y->max(), curve[0]->at(0).y());
  // Hovering a point gives the exact blocking with its interval and the Erlang B verdict.
  const QString tip = ChartView::tooltip_for(data[0], 0, data[0]->at(0));
  EXPECT_TRUE(tip.contains("simulated blocking 22.98 ± 1.72 % (95 %, 4 replications)")) << tip.toStdString();
  EXPECT_TRUE(tip.contains("agrees")) << tip.toStdString();
}

TEST(BlockingChart, BlockingOverDecadesUsesALogAxis) {
  test::ScratchCopy copy("sweep-orbits");
  // Point 2 at 0.05 % blocking: 460 times less than point 0.
  copy.replace("summary.json", "\"mean\": 0.05230207749532531", "\"mean\": 0.0005");
  auto outcome = load_results({copy.path});
  ASSERT_EQ(outcome.folders.size(), 1u);
  auto chart = build_blocking_chart(pointers(outcome.folders), kLight);
  ASSERT_TRUE(chart);
  auto* log = qobject_cast<QLogValueAxis*>(chart->axes(Qt::Vertical).front());
  ASSERT_TRUE(log);
  EXPECT_LE(log->min(), 0.05);
  EXPECT_GE(log->max(), 22.98);
}

TEST(BlockingChart, PlanningTargetAndAnswerAreMarked) {
  test::ScratchCopy copy("sweep-orbits");
  copy.replace("summary.json", "\"planning\": null",
               R"("planning": {"target_blocking_share": 0.05, "pools": [{"pool": "pool1.example",
                  "offered_load_erlang": 8.0, "orbits": 13, "blocking_at_orbits": {"mean": 0.031,
                  "ci95_half_width": 0.008, "replications": 4, "unit": "share"}, "orbits_erlang_b": 12, "note": ""}]})");
  auto outcome = load_results({copy.path});
  ASSERT_EQ(outcome.folders.size(), 1u) << (outcome.errors.empty() ? "" : outcome.errors[0]);
  auto chart = build_blocking_chart(pointers(outcome.folders), kLight);
  ASSERT_TRUE(chart);
  const auto target = with_role(*chart, "target");
  ASSERT_EQ(target.size(), 1u);
  EXPECT_DOUBLE_EQ(target[0]->at(0).y(), 5);  // percent
  EXPECT_EQ(target[0]->name(), "target 5 %");
  const auto answer = with_role(*chart, "planning");
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0]->at(0), QPointF(13, 3.1));
  EXPECT_EQ(answer[0]->name(), "planning answer: 13 orbits");
  EXPECT_GE(axis(*chart, Qt::Horizontal)->max(), 13);
  // The key figures say it in words too.
  bool said = false;
  for (auto& r : key_figures(outcome.folders).rows)
    said = said || (r.section.startsWith("Planning") && r.cells[0].startsWith("13 orbits"));
  EXPECT_TRUE(said);
}

TEST(BlockingChart, ComparingRunsNamesEachFolderInTheLegend) {
  auto chart = build_blocking_chart(open({"office-10-orbits", "office-20-orbits"}), kLight);
  ASSERT_TRUE(chart);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_TRUE(data[0]->name().startsWith("office-10-orbits"));
  EXPECT_TRUE(data[1]->name().startsWith("office-20-orbits"));
  EXPECT_EQ(data[0]->at(0).x(), 10);
  EXPECT_EQ(data[1]->at(0).x(), 20);
  // The same traffic (measured loads within 5 %): one curve for both.
  EXPECT_EQ(with_role(*chart, "erlang_b").size(), 1u);
  EXPECT_LE(axis(*chart, Qt::Horizontal)->min(), 8);
  EXPECT_GE(axis(*chart, Qt::Horizontal)->max(), 22);
}

TEST(BlockingChart, NothingToDrawWithoutParks) {
  EXPECT_EQ(build_blocking_chart(open({"loadtest-short"}), kLight), nullptr);
}

TEST(DistributionChart, StepsCoverTheBinsWithDataAndNameTheOpenBin) {
  auto parked = build_distribution_chart(open({"office-20-orbits"}), "parked_time", kLight);
  ASSERT_TRUE(parked);
  const auto data = with_role(*parked, "data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0]->count(), 2 * 25);  // 25 bins of 10 s up to the last with a count, two points each
  EXPECT_EQ(axis(*parked, Qt::Horizontal)->max(), 250);
  EXPECT_EQ(axis(*parked, Qt::Vertical)->min(), 0);
  double top = 0;
  for (auto& p : data[0]->points()) top = std::max(top, p.y());
  EXPECT_GE(axis(*parked, Qt::Vertical)->max(), top);
  auto pickup = build_distribution_chart(open({"office-20-orbits"}), "time_to_pickup", kLight);
  ASSERT_TRUE(pickup);
  EXPECT_EQ(axis(*pickup, Qt::Horizontal)->max(), 20);
  EXPECT_EQ(pickup->title(), "Time to pickup");
}

TEST(OutcomeChart, OneBarSetPerRunOverTheFiveEndings) {
  auto chart = build_park_outcomes_chart(open({"office-10-orbits", "office-20-orbits"}), kLight);
  ASSERT_TRUE(chart);
  auto* bars = qobject_cast<QBarSeries*>(chart->series().front());
  ASSERT_TRUE(bars);
  ASSERT_EQ(bars->count(), 2);
  EXPECT_EQ(bars->barSets()[0]->label(), "office-10-orbits");
  EXPECT_EQ(bars->barSets()[0]->count(), 5);
  auto* x = qobject_cast<QBarCategoryAxis*>(chart->axes(Qt::Horizontal).front());
  ASSERT_TRUE(x);
  EXPECT_EQ(x->categories().front(), "retrieved");
  const double retrieved = folders({"office-10-orbits", "office-20-orbits"})[0].simulation->points[0].find("share_retrieved")->mean;
  EXPECT_NEAR(bars->barSets()[0]->at(0), 100 * retrieved, 1e-9);
  EXPECT_TRUE(bars->barSets()[0]->property(kTooltips).toStringList()[0].contains("±"));
  auto calls = build_call_outcomes_chart(open({"office-20-orbits"}), kLight);
  ASSERT_TRUE(calls);
  EXPECT_EQ(qobject_cast<QBarSeries*>(calls->series().front())->barSets()[0]->count(), 2);
}

TEST(LoadTestCharts, CallRateHasEverySecondAndTheTarget) {
  auto chart = build_call_rate_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(chart);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0]->count(), 60);
  const auto target = with_role(*chart, "target");
  ASSERT_EQ(target.size(), 1u);
  EXPECT_EQ(target[0]->at(0).y(), 20);
  EXPECT_EQ(axis(*chart, Qt::Horizontal)->max(), 60);
  EXPECT_GE(axis(*chart, Qt::Vertical)->max(), 22);
}

TEST(LoadTestCharts, EmptyResponseTimeCellsAreLeftOutNotDrawnAsZero) {
  auto chart = build_response_time_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(chart);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 3u);  // p50, p90, p99
  for (auto* s : data) EXPECT_EQ(s->count(), 59);
  for (auto* s : data)
    for (auto& p : s->points()) EXPECT_GT(p.y(), 0);
}

TEST(LoadTestCharts, PercentilesPerTransactionSkipTheUnmeasured) {
  auto chart = build_percentiles_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(chart);
  auto* bars = qobject_cast<QBarSeries*>(chart->series().front());
  ASSERT_EQ(bars->count(), 3);  // p50, p90, p99
  auto* x = qobject_cast<QBarCategoryAxis*>(chart->axes(Qt::Horizontal).front());
  EXPECT_EQ(x->categories(), (QStringList{"register", "invite", "refer", "retrieve", "pickup", "bye"}));
  EXPECT_EQ(bars->barSets()[2]->at(1), 10);  // invite p99
}

TEST(LoadTestCharts, ServerCpuAndMemoryHaveAnAxisEach) {
  auto chart = build_server_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(chart);
  EXPECT_EQ(chart->axes(Qt::Vertical).size(), 2);
  const auto data = with_role(*chart, "data");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[1]->attachedAxes().back()->titleText(), "Resident memory (MiB)");
  EXPECT_NEAR(data[1]->at(0).y(), 14240236 / (1024.0 * 1024.0), 1e-9);
  auto failures = build_failures_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(failures);
  EXPECT_EQ(with_role(*failures, "data").size(), 2u);
  auto busy = build_loadtest_busy_orbits_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(busy);
  EXPECT_EQ(with_role(*busy, "data")[0]->count(), 60);
}

TEST(LoadTestCharts, TwoSoftwareVersionsShareTheAxesNamedByFolder) {
  auto chart = build_response_time_chart(open({"loadtest-short", "loadtest-short-0.1"}), kLight);
  ASSERT_TRUE(chart);
  EXPECT_EQ(with_role(*chart, "data").size(), 6u);
  EXPECT_TRUE(any_name_contains(*chart, "loadtest-short: p99"));
  EXPECT_TRUE(any_name_contains(*chart, "loadtest-short-0.1: p99"));
}

TEST(ComparisonCharts, SimulatedAndServedOnTheSameAxes) {
  auto busy = build_comparison_busy_orbits_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(busy);
  const auto data = with_role(*busy, "data");
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0]->count(), 7);   // simulated samples
  EXPECT_EQ(data[1]->count(), 60);  // served seconds, in scenario time
  EXPECT_TRUE(data[0]->name().startsWith("simulated"));
  EXPECT_TRUE(data[1]->name().startsWith("served"));
  EXPECT_EQ(axis(*busy, Qt::Horizontal)->max(), 60);  // 3600 scenario seconds, in minutes
  auto figures = build_comparison_chart(open({"loadtest-short"}), kLight);
  ASSERT_TRUE(figures);
  const auto points = with_role(*figures, "data");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0]->count(), 7);  // the seven shares
  EXPECT_EQ(points[1]->count(), 7);
  EXPECT_EQ(with_role(*figures, "error_bar").size(), 7u);
}

TEST(ChartCatalog, EachKindGetsItsCharts) {
  auto ids = [](const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (auto& c : build_charts(folders(names), kLight)) out.push_back(c.id);
    return out;
  };
  EXPECT_EQ(ids({"office-20-orbits"}), (std::vector<std::string>{"busy-orbits", "blocking", "parked-time",
                                                                  "time-to-pickup", "park-outcomes", "call-outcomes"}));
  EXPECT_EQ(ids({"loadtest-short"}),
            (std::vector<std::string>{"loadtest-call-rate", "loadtest-failures", "loadtest-response-time",
                                      "loadtest-percentiles", "loadtest-server", "loadtest-busy-orbits",
                                      "comparison-busy-orbits", "comparison-figures"}));
}

TEST(ChartCatalog, DarkThemeIsAppliedToEveryChart) {
  for (auto& c : build_charts(folders({"office-20-orbits"}), ChartOptions{true}))
    EXPECT_EQ(c.chart->theme(), QChart::ChartThemeDark) << c.id;
}

TEST(KeyFigures, OneColumnPerRunWithIntervals) {
  const KeyFigures k = key_figures(folders({"office-10-orbits", "office-20-orbits"}));
  ASSERT_EQ(k.columns, (QStringList{"office-10-orbits", "office-20-orbits"}));
  const KeyFigures::Row* blocking = nullptr;
  for (auto& r : k.rows)
    if (r.name == "park blocking (P2)") blocking = &r;
  ASSERT_TRUE(blocking);
  EXPECT_TRUE(blocking->cells[0].contains("±")) << blocking->cells[0].toStdString();
  EXPECT_TRUE(blocking->cells[0].endsWith("%"));
  EXPECT_TRUE(k.csv().startsWith("section,figure,office-10-orbits,office-20-orbits\n"));
}

TEST(KeyFigures, LoadTestAndComparisonRowsSayWhatPassed) {
  const KeyFigures k = key_figures(folders({"loadtest-short"}));
  ASSERT_EQ(k.columns.size(), 2);
  bool failed_check = false, comparison_row = false;
  for (auto& r : k.rows) {
    if (r.name == "no_failed_calls") failed_check = r.cells[0] == "NO";
    if (r.name.startsWith("busy_mean")) comparison_row = r.cells[1].contains("|");
  }
  EXPECT_TRUE(failed_check);
  EXPECT_TRUE(comparison_row);
}

}  // namespace
}  // namespace cpark::gui

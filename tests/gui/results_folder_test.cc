// Loading results folders: each kind is recognised by its files, and a malformed,
// partial or future-format folder gives a message naming the file and the problem.
#include <gtest/gtest.h>

#include "gui/results_folder.h"
#include "tests/gui/fixtures.h"

namespace cpark::gui {
namespace {

using test::fixture;
using test::load_fixture;
using test::ScratchCopy;

// The message opening `dir` gives; fails the test if it opened.
std::string error_of(const std::filesystem::path& dir) {
  auto outcome = load_results({dir});
  EXPECT_TRUE(outcome.folders.empty()) << "opened although broken: " << dir;
  return outcome.errors.empty() ? "" : outcome.errors.front();
}

TEST(ResultsFolder, RecognisesASimulationWithItsFiguresSeriesAndDistributions) {
  const ResultsFolder f = load_fixture("office-20-orbits");
  EXPECT_EQ(f.kind, ResultsKind::simulation);
  ASSERT_TRUE(f.simulation);
  EXPECT_FALSE(f.simulation->is_sweep());
  ASSERT_EQ(f.simulation->points.size(), 1u);
  const auto& pool = f.simulation->points[0].pools.at("se1.office.example");
  EXPECT_EQ(pool.find("orbits")->mean, 20);
  EXPECT_EQ(pool.find("orbits")->unit, "orbits");
  EXPECT_TRUE(f.simulation->points[0].find("park_blocking")->half_width);
  EXPECT_EQ(f.simulation->busy.size(), 7u);  // every 600 s of the 4200 s simulated
  EXPECT_EQ(f.simulation->distributions.at(0).at("parked_time").size(), 120u);
  EXPECT_TRUE(std::isnan(f.simulation->distributions.at(0).at("parked_time").back().end_s));  // the open last bin
  EXPECT_TRUE(f.problems.empty());
}

TEST(ResultsFolder, RecognisesASweepByItsPoints) {
  const ResultsFolder f = load_fixture("sweep-orbits");
  ASSERT_TRUE(f.simulation);
  EXPECT_TRUE(f.simulation->is_sweep());
  ASSERT_EQ(f.simulation->points.size(), 3u);
  EXPECT_EQ(f.simulation->points[2].label(), "orbits.pool1.example = 12");
  EXPECT_EQ(f.simulation->swept, std::vector<std::string>{"orbits.pool1.example"});
}

TEST(ResultsFolder, RecognisesALoadTestAndTheComparisonItHolds) {
  auto outcome = load_results({fixture("loadtest-short")});
  ASSERT_TRUE(outcome.errors.empty()) << outcome.errors.front();
  ASSERT_EQ(outcome.folders.size(), 2u);
  const ResultsFolder& lt = outcome.folders[0];
  EXPECT_EQ(lt.kind, ResultsKind::loadtest);
  ASSERT_TRUE(lt.loadtest);
  EXPECT_EQ(lt.loadtest->seconds.size(), 60u);
  EXPECT_EQ(lt.loadtest->response_times.size(), 7u);
  EXPECT_TRUE(std::isnan(lt.loadtest->response_times.back().p50));  // null: nothing measured
  EXPECT_TRUE(std::isnan(lt.loadtest->seconds.back().p99_ms));        // empty cell
  EXPECT_EQ(lt.loadtest->busy_orbits_after.at("se1.office.example"), 0);
  const ResultsFolder& cmp = outcome.folders[1];
  EXPECT_EQ(cmp.kind, ResultsKind::comparison);
  ASSERT_TRUE(cmp.comparison);
  EXPECT_EQ(cmp.comparison->figures.size(), 10u);
  EXPECT_EQ(cmp.comparison->busy.size(), 67u);  // 7 simulated samples and 60 served seconds
}

TEST(ResultsFolder, FutureFormatIsRefusedNamingTheFileAndTheVersion) {
  ScratchCopy copy("office-20-orbits");
  copy.replace("summary.json", "\"cpark-results/1\"", "\"cpark-results/2\"");
  const std::string e = error_of(copy.path);
  EXPECT_NE(e.find("office-20-orbits/summary.json"), std::string::npos) << e;
  EXPECT_NE(e.find("cpark-results/2"), std::string::npos) << e;
  EXPECT_NE(e.find("newer than this viewer"), std::string::npos) << e;
}

TEST(ResultsFolder, UnversionedSummaryAsksForARun) {
  ScratchCopy copy("office-20-orbits");
  copy.replace("summary.json", "\"format\": \"cpark-results/1\",", "");
  const std::string e = error_of(copy.path);
  EXPECT_NE(e.find("summary.json: no \"format\""), std::string::npos) << e;
}

TEST(ResultsFolder, TruncatedSummaryIsReportedAsSuch) {
  ScratchCopy copy("office-20-orbits");
  test::spit(copy.path / "summary.json", test::slurp(copy.path / "summary.json").substr(0, 300));
  const std::string e = error_of(copy.path);
  EXPECT_NE(e.find("summary.json: not valid JSON, the file may be truncated"), std::string::npos) << e;
}

TEST(ResultsFolder, WrongTypeNamesTheKeyPath) {
  ScratchCopy copy("office-20-orbits");
  copy.replace("summary.json", "\"replications_completed\": 3", "\"replications_completed\": \"three\"");
  const std::string e = error_of(copy.path);
  EXPECT_NE(e.find("summary.json: points[0].replications_completed: expected a number, found string"), std::string::npos)
      << e;
}

TEST(ResultsFolder, UnknownKindIsNamed) {
  ScratchCopy copy("office-20-orbits");
  copy.replace("summary.json", "\"kind\": \"simulation\"", "\"kind\": \"benchmark\"");
  const std::string e = error_of(copy.path);
  EXPECT_NE(e.find("kind: \"benchmark\" is not a kind this viewer knows"), std::string::npos) << e;
}

TEST(ResultsFolder, FolderWithoutSummaryIsNotAResultsFolder) {
  QTemporaryDir empty;
  const std::string e = error_of(empty.path().toStdString());
  EXPECT_NE(e.find("not a cpark results folder (no summary.json"), std::string::npos) << e;
  EXPECT_NE(error_of("/nonexistent/cpark/results").find("no such folder"), std::string::npos);
}

TEST(ResultsFolder, MalformedCsvCostsItsChartsNotTheFolder) {
  ScratchCopy copy("office-20-orbits");
  copy.replace("timeseries.csv", "0,600,se1.office.example,", "0,600,se1.office.example,abc");
  auto outcome = load_results({copy.path});
  ASSERT_EQ(outcome.folders.size(), 1u);
  ASSERT_EQ(outcome.folders[0].problems.size(), 1u);
  const std::string& p = outcome.folders[0].problems[0];
  EXPECT_NE(p.find("office-20-orbits/timeseries.csv:3: busy_mean: \"abc"), std::string::npos) << p;
  EXPECT_TRUE(outcome.folders[0].simulation->busy.empty());
  EXPECT_FALSE(outcome.folders[0].simulation->points.empty());
}

TEST(ResultsFolder, PartialFolderNamesTheMissingFile) {
  ScratchCopy copy("office-20-orbits");
  std::filesystem::remove(copy.path / "distributions.csv");
  auto outcome = load_results({copy.path});
  ASSERT_EQ(outcome.folders.size(), 1u);
  ASSERT_EQ(outcome.folders[0].problems.size(), 1u);
  EXPECT_NE(outcome.folders[0].problems[0].find("office-20-orbits/distributions.csv: missing"), std::string::npos)
      << outcome.folders[0].problems[0];
}

TEST(ResultsFolder, RowWithMissingFieldsIsNamedWithItsLine) {
  ScratchCopy copy("loadtest-short");
  std::string text = test::slurp(copy.path / "timeseries.csv");
  text = text.substr(0, text.size() - 20);  // the last row cut short, as on a full disk
  test::spit(copy.path / "timeseries.csv", text);
  auto outcome = load_results({copy.path});
  ASSERT_FALSE(outcome.folders.empty());
  ASSERT_FALSE(outcome.folders[0].problems.empty());
  EXPECT_NE(outcome.folders[0].problems[0].find("timeseries.csv:61:"), std::string::npos) << outcome.folders[0].problems[0];
}

TEST(ResultsFolder, InfinityInACsvIsAProblemNotANumber) {
  ScratchCopy copy("loadtest-short");
  copy.replace("timeseries.csv", "\n1,", "\ninf,");
  auto outcome = load_results({copy.path});
  ASSERT_FALSE(outcome.folders[0].problems.empty());
  EXPECT_NE(outcome.folders[0].problems[0].find("time_s: \"inf\" is not a number"), std::string::npos);
}

TEST(ResultsFolder, GoodFoldersOpenBesideBrokenOnes) {
  ScratchCopy broken("office-10-orbits");
  test::spit(broken.path / "summary.json", "");
  auto outcome = load_results({broken.path, fixture("office-20-orbits")});
  EXPECT_EQ(outcome.folders.size(), 1u);
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_NE(outcome.errors[0].find("office-10-orbits/summary.json"), std::string::npos);
}

TEST(ResultsFolder, LabelsTellFoldersWithTheSameNameApart) {
  std::vector<ResultsFolder> folders(3);
  folders[0].path = "/r/v1/short";
  folders[1].path = "/r/v2/short";
  folders[2].path = "/r/office";
  assign_labels(folders);
  EXPECT_EQ(folders[0].label, "v1/short");
  EXPECT_EQ(folders[1].label, "v2/short");
  EXPECT_EQ(folders[2].label, "office");
}

}  // namespace
}  // namespace cpark::gui

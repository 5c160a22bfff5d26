// The results format (docs/results.md): every shipped scenario writes folders that match
// docs/results.schema.json, numbers are shortest round-trip and never inf/nan, files are
// replaced atomically and a failed write is loud. The load-test fixtures, which the
// load-test writer must reproduce, match the same schema.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "simulator/report.h"
#include "simulator/runner.h"

namespace {

namespace fs = std::filesystem;
using namespace cpark::sim;
const fs::path kSource = CPARK_SOURCE_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A folder under the system temp dir, removed with everything in it when the test ends.
struct ScratchDir {
  fs::path path;
  explicit ScratchDir(const std::string& tag)
      : path(fs::temp_directory_path() / ("cpark-results-" + tag + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() { fs::remove_all(path); }
};

// Validates documents against docs/results.schema.json; returns every violation, one a line.
class SchemaChecker {
 public:
  SchemaChecker() : doc_(nlohmann::json::parse(slurp(kSource / "docs/results.schema.json"))) {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(doc_);
    parser.populateSchema(adapter, schema_);
  }
  std::string violations(const nlohmann::json& doc) const {
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    if (validator.validate(schema_, target, &results)) return {};
    std::string out;
    valijson::ValidationResults::Error e;
    while (results.popError(e)) {
      std::string where;
      for (auto& c : e.context) where += c;
      out += where + ": " + e.description + "\n";
    }
    return out.empty() ? "invalid" : out;
  }

 private:
  nlohmann::json doc_;
  valijson::Schema schema_;
};

const SchemaChecker& schema() {
  static const SchemaChecker checker;
  return checker;
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream f(p);
  for (std::string line; std::getline(f, line);) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') quoted = !quoted;
      else if (c == ',' && !quoted) cells.push_back(std::exchange(cell, {}));
      else cell += c;
    }
    cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// Every cell of a numeric column is empty or a whole number text that reads back fully.
void expect_numeric_columns(const fs::path& file, const std::vector<std::string>& text_columns) {
  const auto rows = read_csv(file);
  ASSERT_FALSE(rows.empty()) << file;
  const auto& header = rows.front();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), header.size()) << file << ":" << r + 1;
    for (std::size_t c = 0; c < header.size(); ++c) {
      if (std::find(text_columns.begin(), text_columns.end(), header[c]) != text_columns.end()) continue;
      const std::string& cell = rows[r][c];
      if (cell.empty()) continue;
      EXPECT_EQ(cell.find_first_of("in"), std::string::npos) << file << ":" << r + 1 << " " << header[c] << " = " << cell;
      std::size_t used = 0;
      std::stod(cell, &used);
      EXPECT_EQ(used, cell.size()) << file << ":" << r + 1 << " " << header[c] << " = " << cell;
    }
  }
}

// Runs a shipped scenario, shortened so the whole set stays quick, into `dir`.
void run_shortened(const fs::path& scenario, const fs::path& dir, std::optional<double> target = std::nullopt) {
  Scenario s = read_scenario(scenario.string());
  s.run.duration = std::min(s.run.duration, 1800.0);
  s.run.warmup = std::min(s.run.warmup, 300.0);
  s.run.replications = 2;
  if (target) s.run.target_blocking = target;
  Progress progress;
  const ScenarioRun run = run_scenario(s, {2, {}}, progress);
  write_results(dir.string(), s, run, {"test", s.run.seed, 2});
}

TEST(ResultsFormat, EveryShippedScenarioWritesFoldersThatMatchTheSchema) {
  ScratchDir scratch("shipped");
  int scenarios = 0;
  for (auto& entry : fs::directory_iterator(kSource / "scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    ++scenarios;
    const fs::path out = scratch.path / entry.path().stem();
    // The Lync user model is the shipped planning example (D6): exercise the planning part.
    const bool plan = entry.path().stem() == "lync-2013-user-model";
    run_shortened(entry.path(), out, plan ? std::optional(0.01) : std::nullopt);
    SCOPED_TRACE(entry.path().filename().string());
    const auto summary = nlohmann::json::parse(slurp(out / "summary.json"));
    EXPECT_EQ(schema().violations(summary), "");
    EXPECT_EQ(summary["format"], "cpark-results/1");
    EXPECT_EQ(summary["planning"].is_null(), !plan);
    expect_numeric_columns(out / "timeseries.csv", {"pool"});
    expect_numeric_columns(out / "distributions.csv", {"metric"});
    expect_numeric_columns(out / "figures.csv", {"pool", "metric", "unit"});
    if (fs::exists(out / "sweep.csv")) expect_numeric_columns(out / "sweep.csv", {});
    for (auto& f : fs::directory_iterator(out))
      EXPECT_NE(f.path().filename().string().front(), '.') << "temporary file left behind: " << f.path();
  }
  EXPECT_GE(scenarios, 5);
}

TEST(ResultsFormat, SweepFilesKeyOnPointAndNameEveryPoolUnambiguously) {
  ScratchDir scratch("sweep");
  run_shortened(kSource / "scenarios/erlang-b-check.toml", scratch.path);
  const auto wide = read_csv(scratch.path / "sweep.csv");
  ASSERT_EQ(wide.size(), 6u);  // header + 5 points (11, 13, …, 19 orbits)
  EXPECT_EQ(wide[0][0], "point");
  EXPECT_EQ(wide[0][1], "orbits.pool1");
  EXPECT_NE(std::find(wide[0].begin(), wide[0].end(), "blocking[pool1]"), wide[0].end());
  EXPECT_EQ(wide[5][0], "4");
  const auto longf = read_csv(scratch.path / "figures.csv");
  ASSERT_GT(longf.size(), 1u);
  EXPECT_EQ(longf[0], (std::vector<std::string>{"point", "pool", "metric", "unit", "mean", "ci95_half_width",
                                                "replications"}));
  int blocking_rows = 0;
  for (auto& r : longf)
    if (r[1] == "pool1" && r[2] == "blocking") {
      ++blocking_rows;
      EXPECT_EQ(r[3], "share");
    }
  EXPECT_EQ(blocking_rows, 5);
}

TEST(ResultsFormat, NumbersAreShortestRoundTripAndNotFiniteIsEmptyOrNull) {
  EXPECT_EQ(csv_number(1301030), "1301030");  // was 1.30103e+06
  EXPECT_EQ(csv_number(0.1), "0.1");
  EXPECT_EQ(csv_number(0.036496945472), "0.036496945472");
  EXPECT_EQ(csv_number(-2.5), "-2.5");
  EXPECT_EQ(csv_number(INFINITY), "");
  EXPECT_EQ(csv_number(-INFINITY), "");
  EXPECT_EQ(csv_number(NAN), "");
  EXPECT_TRUE(json_number(NAN).is_null());
  EXPECT_TRUE(json_number(INFINITY).is_null());
  EXPECT_EQ(json_number(2.5), 2.5);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30, 30);
  for (int i = 0; i < 10000; ++i) {
    const double x = std::pow(10.0, exponent(rng)) * double(rng() % 1000 + 1) / 7.0;
    EXPECT_EQ(std::stod(csv_number(x)), x) << "seed 7, draw " << i;
  }
  EXPECT_EQ(csv_text("plain"), "plain");
  EXPECT_EQ(csv_text("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_text("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(ResultsFormat, EveryFigureHasTheDocumentedUnit) {
  EXPECT_EQ(figure_unit("park_blocking"), "share");
  EXPECT_EQ(figure_unit("share_retrieved"), "share");
  EXPECT_EQ(figure_unit("pickup_answer_share"), "share");
  EXPECT_EQ(figure_unit("request_rate_peak"), "1/s");
  EXPECT_EQ(figure_unit("parks"), "count");
  EXPECT_EQ(figure_unit("pool.se1.office.example.orbits"), "orbits");
  EXPECT_EQ(figure_unit("pool.se1.office.example.busy_peak"), "orbits");
  EXPECT_EQ(figure_unit("pool.se1.office.example.blocking"), "share");
  EXPECT_EQ(figure_unit("pool.se1.office.example.mean_time_in_orbit"), "s");
  EXPECT_EQ(figure_unit("pool.se1.office.example.offered_load"), "erlang");
}

// A full disk, simulated with a file-size limit: the write fails with the file's name,
// and neither a truncated file nor a temporary one is left where a reader would look.
TEST(ResultsFormat, FailedWriteThrowsNamingTheFileAndLeavesNoTruncatedFile) {
  ScratchDir scratch("full");
  const fs::path file = scratch.path / "timeseries.csv";
  write_file_atomically(file, "old complete contents\n");
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto* previous = std::signal(SIGXFSZ, SIG_IGN);  // EFBIG instead of the signal
  rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string message;
  try {
    write_file_atomically(file, std::string(100000, 'x'));
  } catch (const ResultsWriteError& e) {
    message = e.what();
  }
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, previous);
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
  EXPECT_NE(message.find("write"), std::string::npos) << message;
  EXPECT_EQ(slurp(file), "old complete contents\n");
  EXPECT_FALSE(fs::exists(scratch.path / ".timeseries.csv.tmp"));
}

TEST(ResultsFormat, UnwritableFolderIsReportedWithItsName) {
  ScratchDir scratch("blocked");
  std::ofstream(scratch.path / "file") << "a file where a folder should be";
  Scenario s = read_scenario((kSource / "scenarios/small-office.toml").string());
  s.run.duration = 600, s.run.warmup = 0, s.run.replications = 1;
  Progress progress;
  const ScenarioRun run = run_scenario(s, {1, {}}, progress);
  const fs::path out = scratch.path / "file" / "results";
  try {
    write_results(out.string(), s, run, {"test", 1, 1});
    ADD_FAILURE() << "no error";
  } catch (const ResultsWriteError& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos) << e.what();
  }
}

TEST(ResultsFormat, LoadTestAndComparisonFixturesMatchTheSchema) {
  int checked = 0;
  for (auto& entry : fs::recursive_directory_iterator(kSource / "tests/fixtures")) {
    if (entry.path().filename() != "summary.json") continue;
    const auto doc = nlohmann::json::parse(slurp(entry.path()));
    if (doc.value("kind", "") == "simulation") continue;  // covered by the shipped scenarios
    SCOPED_TRACE(entry.path().string());
    EXPECT_EQ(schema().violations(doc), "");
    ++checked;
  }
  EXPECT_GE(checked, 2);  // a load test and its comparison
}

TEST(ResultsFormat, SchemaRefusesFutureFormatsAndMissingUnits) {
  ScratchDir scratch("refuse");
  run_shortened(kSource / "scenarios/small-office.toml", scratch.path);
  auto summary = nlohmann::json::parse(slurp(scratch.path / "summary.json"));
  ASSERT_EQ(schema().violations(summary), "");
  auto future = summary;
  future["format"] = "cpark-results/2";
  EXPECT_NE(schema().violations(future), "");
  auto unitless = summary;
  unitless["points"][0]["figures"]["park_blocking"].erase("unit");
  EXPECT_NE(schema().violations(unitless), "");
  auto infinite = summary;
  infinite["duration_seconds"] = "inf";
  EXPECT_NE(schema().violations(infinite), "");
  auto verdict = summary;  // the kind-specific part is checked too, down to each pool
  verdict["points"][0]["pools"]["se1.office.example"]["erlang_b"]["verdict"] = "maybe";
  EXPECT_NE(schema().violations(verdict), "");
  auto loadtest = nlohmann::json::parse(slurp(kSource / "tests/fixtures/loadtest-short/summary.json"));
  ASSERT_EQ(schema().violations(loadtest), "");
  loadtest.erase("busy_orbits_after");
  EXPECT_NE(schema().violations(loadtest), "");
}

}  // namespace

// After the smoke profile ran (ctest loadtest_smoke): its folder is a load-test folder
// of docs/results.md, valid against docs/results.schema.json, with every flow's
// transactions measured and the checks passed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace {

namespace fs = std::filesystem;
const fs::path kSource = CPARK_SOURCE_DIR;
const fs::path kResults = CPARK_SMOKE_RESULTS;

nlohmann::json read_json(const fs::path& p) {
  std::ifstream f(p);
  return nlohmann::json::parse(f);
}

TEST(SmokeResults, SummaryMatchesTheSchema) {
  const nlohmann::json schema_doc = read_json(kSource / "docs/results.schema.json");
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);
  const nlohmann::json summary = read_json(kResults / "summary.json");
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(summary);
  std::string why;
  if (!validator.validate(schema, target, &results)) {
    valijson::ValidationResults::Error e;
    while (results.popError(e)) why += e.description + "\n";
  }
  EXPECT_TRUE(why.empty()) << why;
}

TEST(SmokeResults, EveryFlowMeasuredAndChecksPassed) {
  const nlohmann::json s = read_json(kResults / "summary.json");
  EXPECT_EQ(s["kind"], "loadtest");
  EXPECT_EQ(s["calls"]["failed"], 0);
  EXPECT_EQ(s["calls"]["attempted"], 35);
  EXPECT_EQ(s["calls"]["succeeded"], 35);
  std::set<std::string> timers;
  for (auto& t : s["response_times"]) timers.insert(t["transaction"].get<std::string>());
  for (const char* need : {"register", "invite", "refer", "park", "retrieve", "pickup", "bye"})
    EXPECT_TRUE(timers.count(need)) << need;
  EXPECT_GE(s["server"]["counters_after"]["parks"].get<int>() - s["server"]["counters_before"]["parks"].get<int>(), 15);
  EXPECT_GE(s["server"]["counters_after"]["pickups"].get<int>(), 5);
  for (auto& [pool, busy] : s["busy_orbits_after"].items()) EXPECT_EQ(busy, 0) << pool;
  EXPECT_TRUE(s["checks"]["passed"].get<bool>());
  EXPECT_TRUE(fs::exists(kResults / "timeseries.csv"));
  for (auto& i : s["sipp"]) EXPECT_TRUE(fs::exists(kResults / i["trace_stat"].get<std::string>())) << i["role"];
}

}  // namespace

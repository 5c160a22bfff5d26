// The server's event log: one line per outcome, text or JSON lines, every byte escaped so
// that no field value — a hostile From display name included — can break a line or the
// JSON, and nothing formatted for a disabled level.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <limits>
#include <random>
#include <sstream>

#include "server/control/event_log.h"

namespace cpark::server {
namespace {

using namespace std::chrono;

// 2026-11-23T21:14:03.512Z
system_clock::time_point fixed_time() {
  return system_clock::time_point(milliseconds(1795468443512));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(EventLog, TextLineNamesTheEventAndItsFields) {
  std::ostringstream out;
  EventLog log(LogFormat::text, out);
  log.set_clock(fixed_time);
  log.event(LogLevel::info, "park", {{"orbit", "*7001"}, {"parker", "alice@contoso.com"},
                                     {"parked", "sip:bob@contoso.com"}, {"park_id", std::uint64_t{17}},
                                     {"attempts", 0}, {"ringing", false}, {"waited", 1.5}});
  EXPECT_EQ(out.str(),
            "2026-11-23T21:14:03.512Z info park orbit=*7001 parker=alice@contoso.com parked=sip:bob@contoso.com "
            "park_id=17 attempts=0 ringing=false waited=1.5\n");
}

TEST(EventLog, JsonLinesParseBackWithTheirTypes) {
  std::ostringstream out;
  EventLog log(LogFormat::json, out);
  log.set_clock(fixed_time);
  log.event(LogLevel::info, "retrieve", {{"orbit", "*7001"}, {"park_id", std::uint64_t{18446744073709551615u}},
                                         {"attempts", -2}, {"ringing", true}, {"parked_seconds", 42.25}});
  log.warn("store revision 7 refused", {{"reason", "1 parked call(s) would lose their orbit"}});
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 2u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["time"], "2026-11-23T21:14:03.512Z");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["event"], "retrieve");
  EXPECT_EQ(j["orbit"], "*7001");
  EXPECT_EQ(j["park_id"].get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(j["attempts"], -2);
  EXPECT_EQ(j["ringing"], true);
  EXPECT_EQ(j["parked_seconds"], 42.25);
  EXPECT_EQ(lines[0].rfind("{\"time\":\"2026-11-23T21:14:03.512Z\",\"level\":\"info\",\"event\":\"retrieve\",", 0), 0u)
      << "time, level and event come first, in that order";
  auto w = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(w["level"], "warn");
  EXPECT_EQ(w["message"], "store revision 7 refused");
  EXPECT_EQ(w["reason"], "1 parked call(s) would lose their orbit");
}

// A From display name is anyone's to choose: quotes, line feeds, a fake JSON object,
// control characters and bytes that are not UTF-8.
const std::string kHostile = std::string("Eve \"the caller\"\n{\"event\":\"fake\"}\r\t\x01\x7f \\ ") +
                             "\xff\xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e";

TEST(EventLog, HostileValuesCannotBreakAJsonLine) {
  std::ostringstream out;
  EventLog log(LogFormat::json, out);
  log.event(LogLevel::info, "park", {{"parked", kHostile}, {kHostile, "key too"}});
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 1u) << out.str();
  auto j = nlohmann::json::parse(lines[0]);  // throws on invalid JSON or invalid UTF-8
  EXPECT_EQ(j["event"], "park") << "the fake event did not replace the real one";
  const std::string parked = j["parked"];
  EXPECT_EQ(parked.find("Eve \"the caller\"\n{\"event\":\"fake\"}\r\t\x01\x7f \\ "), 0u) << "text kept, escaped";
  EXPECT_NE(parked.find("\xef\xbf\xbd\xef\xbf\xbd("), std::string::npos) << "0xff and a bad 2-byte lead become U+FFFD";
  EXPECT_NE(parked.find("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e"), std::string::npos) << "valid UTF-8 kept as is";
  EXPECT_EQ(parked.find("\xed\xa0\x80"), std::string::npos) << "a UTF-16 surrogate is not UTF-8";
  EXPECT_EQ(parked.find("\xf4\x90\x80\x80"), std::string::npos) << "above U+10FFFF is not UTF-8";
  EXPECT_EQ(j.size(), 5u);  // time, level, event, parked and the hostile key
}

TEST(EventLog, HostileValuesCannotBreakATextLine) {
  std::ostringstream out;
  EventLog log(LogFormat::text, out);
  log.event(LogLevel::info, "park", {{"parked", kHostile}, {"orbit", "*7001"}});
  log.info("message with a\nline feed", {{"empty", ""}, {"spaced", "a b"}, {"eq", "a=b"}});
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  EXPECT_NE(lines[0].find(" parked=\"Eve \\\"the caller\\\"\\n{\\\"event\\\":\\\"fake\\\"}\\r\\t\\x01\\x7f \\\\ \\xff\\xc3( "),
            std::string::npos) << lines[0];
  EXPECT_TRUE(lines[0].ends_with(" orbit=*7001")) << "the fields after the hostile one are still fields";
  EXPECT_NE(lines[1].find(" info message with a\\nline feed empty=\"\" spaced=\"a b\" eq=\"a=b\""), std::string::npos)
      << lines[1];
}

TEST(EventLog, AnyBytesMakeOneValidJsonLine) {
  std::mt19937 rng(20261123);  // the seed replays a failure
  std::uniform_int_distribution<int> len(0, 40), byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string value;
    for (int i = len(rng); i > 0; --i) value += static_cast<char>(byte(rng));
    const std::string json = EventLog::format_line(LogFormat::json, fixed_time(), LogLevel::info, "event", "x",
                                                   {{"v", value}});
    const std::string text = EventLog::format_line(LogFormat::text, fixed_time(), LogLevel::info, "event", "x",
                                                   {{"v", value}});
    ASSERT_EQ(json.find_first_of("\n\r"), std::string::npos) << "seed 20261123, round " << round;
    ASSERT_EQ(text.find_first_of("\n\r"), std::string::npos) << "seed 20261123, round " << round;
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(json)) << "seed 20261123, round " << round << ": " << json;
    ASSERT_TRUE(j["v"].is_string());
  }
}

TEST(EventLog, NumbersJsonCannotHoldAreNull) {
  const std::string line = EventLog::format_line(LogFormat::json, fixed_time(), LogLevel::error, "event", "x",
                                                 {{"nan", std::nan("")}, {"inf", std::numeric_limits<double>::infinity()}});
  auto j = nlohmann::json::parse(line);
  EXPECT_TRUE(j["nan"].is_null());
  EXPECT_TRUE(j["inf"].is_null());
  EXPECT_EQ(j["level"], "error");
}

TEST(EventLog, DisabledLevelsWriteNothing) {
  std::ostringstream out;
  EventLog log(LogFormat::json, out, LogLevel::warn);
  EXPECT_FALSE(log.enabled(LogLevel::info));
  log.event(LogLevel::info, "park", {{"orbit", "*7001"}});
  log.info("hello");
  log.debug("details");
  EXPECT_EQ(out.str(), "");
  log.error("broken");
  EXPECT_EQ(lines_of(out.str()).size(), 1u);
  log.set_level(LogLevel::debug);
  log.debug("details");
  EXPECT_EQ(lines_of(out.str()).size(), 2u);
}

TEST(EventLog, FormatAndLevelNamesParse) {
  EXPECT_EQ(parse_log_format("text"), LogFormat::text);
  EXPECT_EQ(parse_log_format("json"), LogFormat::json);
  EXPECT_FALSE(parse_log_format("xml"));
  EXPECT_EQ(parse_log_level("warn"), LogLevel::warn);
  EXPECT_FALSE(parse_log_level("warning"));
}

}  // namespace
}  // namespace cpark::server

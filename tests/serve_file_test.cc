// S11: the discovery file a running server leaves beside its store, and the JSON the
// control endpoint and the CLI share for /parked and /status.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "server/control/serve_file.h"
#include "server/control/status_json.h"
#include "server/control/utc_time.h"
#include "tests/temp_dir.h"

namespace cpark::server {
namespace {

TEST(S11_ServeFile, WrittenBesideTheStoreAndReadBack) {
  test::TempDir dir;
  const std::string store = dir / "cpark.db";
  ServeFile f{::getpid(), "127.0.0.1:5099", "contoso.com", "0.1.0", "2026-11-23T21:14:03.512Z"};
  ASSERT_TRUE(write_serve_file(store, f).ok());
  EXPECT_EQ(serve_file_path(store), store + ".serve.json");
  EXPECT_TRUE(std::filesystem::exists(store + ".serve.json"));
  EXPECT_FALSE(std::filesystem::exists(store + ".serve.json.tmp"));
  auto back = read_serve_file(store);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->pid, ::getpid());
  EXPECT_EQ(back->control, "127.0.0.1:5099");
  EXPECT_EQ(back->domain, "contoso.com");
  EXPECT_EQ(back->started, "2026-11-23T21:14:03.512Z");
  remove_serve_file(store, ::getpid() + 1);  // not ours: stays
  EXPECT_TRUE(read_serve_file(store).ok());
  remove_serve_file(store, ::getpid());
  EXPECT_FALSE(std::filesystem::exists(store + ".serve.json"));
}

TEST(S11_ServeFile, NoFileMeansNoServer) {
  test::TempDir dir;
  auto r = read_serve_file(dir / "cpark.db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "no server running for store " + (dir / "cpark.db"));
}

TEST(S11_ServeFile, AFileWhoseProcessIsGoneIsStale) {
  test::TempDir dir;
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);  // the pid now names no process
  ASSERT_TRUE(write_serve_file(dir / "cpark.db", {child, "127.0.0.1:5099", "", "", ""}).ok());
  auto r = read_serve_file(dir / "cpark.db");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "no server running for store " + (dir / "cpark.db") + " (stale file from pid " +
                             std::to_string(child) + ")");
}

TEST(S11_ServeFile, AFileThatIsNotOursSaysSo) {
  test::TempDir dir;
  dir.write("cpark.db.serve.json", "{\"pid\": \"many\"}");
  auto r = read_serve_file(dir / "cpark.db");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("is not valid (it needs pid and control)"), std::string::npos) << r.message();
}

TEST(S11_UtcTime, Iso8601WithMilliseconds) {
  using namespace std::chrono;
  EXPECT_EQ(format_utc_iso8601(system_clock::time_point(milliseconds(1795468443512))), "2026-11-23T21:14:03.512Z");
  EXPECT_EQ(format_utc_iso8601(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
}

TEST(S11_StatusJson, ParkedCallsAndStatusRoundTrip) {
  ParkedCallRow row{"*7001", "pool1", 17, "\"Bob\" <sip:bob@contoso.com>", "alice@contoso.com", 42.5, 1, true};
  nlohmann::json j = std::vector<ParkedCallRow>{row};
  auto back = j.get<std::vector<ParkedCallRow>>();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].orbit, "*7001");
  EXPECT_EQ(back[0].park_id, 17u);
  EXPECT_EQ(back[0].parked_party, row.parked_party);
  EXPECT_EQ(back[0].parked_seconds, 42.5);
  EXPECT_EQ(back[0].attempts, 1);
  EXPECT_TRUE(back[0].ringing_back);

  ServerStatus s;
  s.version = "0.1.0";
  s.domain = "contoso.com";
  s.listening = {{"udp", "127.0.0.1:5060"}, {"tcp", "127.0.0.1:5060"}};
  s.pid = 4242;
  s.parked_calls = 3;
  s.require_auth = true;
  nlohmann::json sj = s;
  EXPECT_EQ(sj["listening"][1]["transport"], "tcp");
  auto s2 = sj.get<ServerStatus>();
  EXPECT_EQ(s2.domain, "contoso.com");
  EXPECT_EQ(s2.listening.size(), 2u);
  EXPECT_EQ(s2.pid, 4242);
  EXPECT_EQ(s2.parked_calls, 3u);
  EXPECT_TRUE(s2.require_auth);
}

TEST(S11_StatusJson, MissingKeysAreToleratedWrongTypesAreNot) {
  auto row = nlohmann::json::parse(R"({"orbit":"*7001"})").get<ParkedCallRow>();
  EXPECT_EQ(row.orbit, "*7001");
  EXPECT_EQ(row.attempts, 0);
  EXPECT_THROW(nlohmann::json::parse(R"({"orbit":7001})").get<ParkedCallRow>(), nlohmann::json::type_error);
  EXPECT_THROW(nlohmann::json::parse(R"([1,2])").get<ServerStatus>(), nlohmann::json::type_error);
}

}  // namespace
}  // namespace cpark::server

// M1: the central store — persistence, validation, atomicity, schema version, music.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "config/deployment_file.h"
#include "tests/engine_fixture.h"
#include "store/store.h"

namespace cpark {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("cpark-store-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    path = (dir / "cpark.db").string();
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
  std::string path;
};

TEST_F(StoreTest, M1_NewStoreHasGlobalDefaults) {
  Store s(path);
  Deployment d = s.load();
  ASSERT_EQ(d.settings.size(), 1u);
  EXPECT_EQ(d.settings[0], CallParkSettings{});
  ASSERT_EQ(d.policies.size(), 1u);
  EXPECT_FALSE(d.policies[0].enable_call_park);  // V1 default
}

TEST_F(StoreTest, M1_DeploymentSurvivesReopen) {
  {
    Store s(path);
    auto r = s.replace(test::small_deployment(), {});
    ASSERT_TRUE(r.ok()) << r.message();
  }
  Store s(path);
  Deployment d = s.load();
  EXPECT_EQ(d.ranges.size(), 3u);
  EXPECT_EQ(d.users.size(), 5u);
  ASSERT_NE(d.find_range("park1"), nullptr);
  EXPECT_EQ(d.find_range("park1")->start, "*7000");
  EXPECT_EQ(d.find_user("alice")->pickup_group, "#7100");
}

TEST_F(StoreTest, M1_InvalidChangeIsRolledBackWhole) {
  Store s(path);
  ASSERT_TRUE(s.replace(test::small_deployment(), {}).ok());
  auto r = s.update([](Deployment& d) {
    d.users[0].extension = "9999";        // fine on its own
    d.users[1].extension = "*7001";       // O6
    return Status();
  });
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("(O6"), std::string::npos);
  EXPECT_EQ(s.load().find_user("alice")->extension, "1001");  // first edit not kept either
}

TEST_F(StoreTest, M1_ChangeRejectedByItsOwnCheckWritesNothing) {
  Store s(path);
  auto r = s.update([](Deployment&) -> Status { return fail("no"); });
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "no");
}

TEST_F(StoreTest, M1_StoreIsInWalModeWithVersionedSchema) {
  { Store s(path); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    sqlite3_step(st);
    std::string v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar("PRAGMA user_version"), std::to_string(kStoreSchemaVersion));
  sqlite3_exec(db, "PRAGMA user_version=99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THROW({ Store s(path); }, StoreError);
}

TEST_F(StoreTest, M1_ForeignDatabaseIsRefused) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    Store s(path);
    FAIL() << "opened a foreign database";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("not a cpark store"), std::string::npos);
  }
}

TEST_F(StoreTest, C4_MusicBytesKeptInTheStore) {
  Store s(path);
  ASSERT_TRUE(s.replace(test::small_deployment(), {}).ok());
  std::string bytes = "RIFF\x10\0\0\0WAVEfmt ";
  bytes += std::string(100, '\x7f');
  ASSERT_TRUE(s.set_music("pool1", "hold.wav", bytes).ok());
  EXPECT_FALSE(s.set_music("nowhere", "hold.wav", bytes).ok());
  EXPECT_EQ(s.music_bytes("pool1"), bytes);
  Deployment d = s.load();
  ASSERT_EQ(d.music.size(), 1u);
  EXPECT_EQ(d.music[0].size_bytes, std::int64_t(bytes.size()));
  EXPECT_EQ(d.music[0].checksum.size(), 16u);
}

TEST_F(StoreTest, M4_ExportImportRoundTrip) {
  Store s(path);
  Deployment d = test::small_deployment();
  d.users[0].friends_family = {"sip:mom@family.com"};
  d.users[0].no_answer_target = "sip:cell@contoso.com";
  d.users[2].homed_online = true;
  ASSERT_TRUE(s.replace(d, {{"pool1", "hold.wav", "RIFF0000WAVEdata"}}).ok());
  const std::string file = (dir / "export.toml").string();
  Deployment loaded = s.load();
  write_deployment_file(file, loaded, {{"pool1", "hold.wav", *s.music_bytes("pool1")}});
  DeploymentFile back = read_deployment_file(file);
  ASSERT_EQ(back.music.size(), 1u);
  EXPECT_TRUE(fs::exists(back.music[0].path));
  Store s2((dir / "second.db").string());
  ASSERT_TRUE(s2.replace(back.deployment, {{"pool1", "hold.wav", "RIFF0000WAVEdata"}}).ok());
  Deployment again = s2.load();
  EXPECT_EQ(deployment_to_toml(again), deployment_to_toml(loaded));
  EXPECT_EQ(again.find_user("alice")->friends_family, std::vector<std::string>{"sip:mom@family.com"});
}

// S11: a running server sees admin changes by polling the revision.
TEST_F(StoreTest, S11_EveryCommittedChangeBumpsTheRevisionAndRefusedOnesDoNot) {
  Store s(path);
  const std::int64_t fresh = s.revision();
  ASSERT_TRUE(s.replace(test::small_deployment(), {}).ok());
  const std::int64_t after_import = s.revision();
  EXPECT_GT(after_import, fresh);
  ASSERT_TRUE(s.update([](Deployment& d) { d.users[0].line = "4711"; return Status(); }).ok());
  EXPECT_EQ(s.revision(), after_import + 1);
  EXPECT_FALSE(s.update([](Deployment& d) { d.users[0].extension = "*7001"; return Status(); }).ok());  // O6
  EXPECT_FALSE(s.update([](Deployment&) -> Status { return fail("no"); }).ok());
  EXPECT_EQ(s.revision(), after_import + 1);
  ASSERT_TRUE(s.set_music("pool1", "hold.wav", "RIFF0000WAVEdata").ok());
  EXPECT_EQ(s.revision(), after_import + 2);
  Store other(path);  // another process's connection sees the same revision
  EXPECT_EQ(other.revision(), after_import + 2);
  ASSERT_TRUE(other.update([](Deployment& d) { d.users[1].line = "4712"; return Status(); }).ok());
  EXPECT_EQ(s.revision(), after_import + 3);
}

TEST_F(StoreTest, M1_SchemaOneStoreIsUpgradedInPlace) {
  {
    Store s(path);
    ASSERT_TRUE(s.replace(test::small_deployment(), {}).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE revision; PRAGMA user_version=1", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  Store s(path);
  EXPECT_EQ(s.load().users.size(), 5u);  // nothing lost
  const std::int64_t r = s.revision();
  EXPECT_GE(r, 1);
  ASSERT_TRUE(s.update([](Deployment& d) { d.users[0].line = "4711"; return Status(); }).ok());
  EXPECT_EQ(s.revision(), r + 1);
}

}  // namespace
}  // namespace cpark

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
  d.users[1].digest_realm = "contoso.com";  // S10
  d.users[1].ha1_md5 = std::string(32, 'c');
  d.users[1].ha1_sha256 = std::string(64, 'd');
  d.pools[1].address = "sip:127.0.0.1:5070;transport=tcp";  // P9
  d.trusted_peers = {{"pbx", "10.0.0.5:5060"}, {"gw6", "[2001:db8::5]"}};  // S8
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
  EXPECT_EQ(again.find_user("bob")->ha1_sha256, std::string(64, 'd'));
  EXPECT_EQ(again.find_pool("pool2")->address, "sip:127.0.0.1:5070;transport=tcp");
  ASSERT_EQ(again.trusted_peers.size(), 2u);
  EXPECT_EQ(again.find_trusted_peer("gw6")->address, "[2001:db8::5]");
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

// The schema of versions 1 and 2 as they were shipped, to upgrade from (version 2 only
// added the revision row).
const char* kSchemaVersion1 = R"SQL(
CREATE TABLE pools (name TEXT PRIMARY KEY, site TEXT NOT NULL, call_park_enabled INTEGER NOT NULL,
                    orbit_choice TEXT NOT NULL);
CREATE TABLE orbit_ranges (name TEXT PRIMARY KEY, start TEXT NOT NULL, end TEXT NOT NULL,
                           type TEXT NOT NULL, pool TEXT NOT NULL);
CREATE TABLE call_park_settings (scope TEXT PRIMARY KEY, timeout_seconds INTEGER NOT NULL,
                                 max_attempts INTEGER NOT NULL, fallback_uri TEXT NOT NULL,
                                 music_on_hold INTEGER NOT NULL, ring_seconds INTEGER NOT NULL);
CREATE TABLE voice_policies (name TEXT PRIMARY KEY, enable_call_park INTEGER NOT NULL);
CREATE TABLE music (pool TEXT PRIMARY KEY, file_name TEXT NOT NULL, checksum TEXT NOT NULL,
                    size_bytes INTEGER NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE users (name TEXT PRIMARY KEY, extension TEXT NOT NULL, line TEXT NOT NULL, policy TEXT NOT NULL,
                    pool TEXT NOT NULL, pickup_group TEXT NOT NULL, private_line TEXT NOT NULL,
                    friends_family TEXT NOT NULL, delegates TEXT NOT NULL, team_members TEXT NOT NULL,
                    simultaneous_ring TEXT NOT NULL, ring_timeout_seconds INTEGER NOT NULL,
                    no_answer_target TEXT NOT NULL, homed_online INTEGER NOT NULL);
INSERT INTO call_park_settings VALUES ('global', 90, 1, '', 1, 30);
INSERT INTO voice_policies VALUES ('global', 1);
INSERT INTO pools VALUES ('pool1', 'redmond', 1, 'first');
INSERT INTO orbit_ranges VALUES ('park1', '*7000', '*7009', 'CallPark', 'pool1');
INSERT INTO users VALUES ('alice@contoso.com', '1001', '', '', 'pool1', '', '', '["sip:mom@x.com"]', '', '', '',
                          25, '', 0);
)SQL";

class StoreUpgradeTest : public StoreTest, public ::testing::WithParamInterface<int> {};

TEST_P(StoreUpgradeTest, M1_OlderSchemaIsUpgradedInPlaceToVersion3) {
  const int from = GetParam();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, kSchemaVersion1, nullptr, nullptr, nullptr), SQLITE_OK);
  if (from == 2) {
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);"
                               "INSERT INTO revision VALUES (1, 7);", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ASSERT_EQ(sqlite3_exec(db, ("PRAGMA user_version=" + std::to_string(from)).c_str(), nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  Store s(path);
  Deployment d = s.load();  // everything the old store held is still there
  ASSERT_EQ(d.pools.size(), 1u);
  EXPECT_EQ(d.pools[0].orbit_choice, OrbitChoice::First);
  EXPECT_EQ(d.pools[0].address, "");
  ASSERT_EQ(d.users.size(), 1u);
  EXPECT_EQ(d.users[0].ring_timeout_seconds, 25);
  EXPECT_EQ(d.users[0].friends_family, std::vector<std::string>{"sip:mom@x.com"});
  EXPECT_FALSE(d.users[0].has_password());
  EXPECT_TRUE(d.trusted_peers.empty());
  if (from == 2) {
    EXPECT_EQ(s.revision(), 7);
  }
  // The new columns and table take writes.
  const std::int64_t r = s.revision();
  auto w = s.update([](Deployment& x) {
    x.pools[0].address = "sip:pool1.contoso.com:5060";
    x.users[0].digest_realm = "contoso.com";
    x.users[0].ha1_md5 = std::string(32, 'a');
    x.users[0].ha1_sha256 = std::string(64, 'b');
    x.trusted_peers.push_back({"pbx", "10.0.0.5:5060"});
    return Status();
  });
  ASSERT_TRUE(w.ok()) << w.message();
  EXPECT_EQ(s.revision(), r + 1);
  Store again(path);  // reopened: already at version 3, nothing to upgrade
  Deployment e = again.load();
  EXPECT_EQ(e.pools[0].address, "sip:pool1.contoso.com:5060");
  EXPECT_EQ(e.users[0].ha1_sha256, std::string(64, 'b'));
  ASSERT_EQ(e.trusted_peers.size(), 1u);
  EXPECT_EQ(e.trusted_peers[0].address, "10.0.0.5:5060");
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr);
  sqlite3_step(st);
  EXPECT_EQ(sqlite3_column_int(st, 0), 3);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

INSTANTIATE_TEST_SUITE_P(FromVersion, StoreUpgradeTest, ::testing::Values(1, 2),
                         [](const auto& param) { return "v" + std::to_string(param.param); });

// S11: the guard sees the validated change inside the write transaction and can refuse it.
TEST_F(StoreTest, S11_GuardSeesTheProposedDeploymentAndItsRefusalWritesNothing) {
  Store s(path);
  ASSERT_TRUE(s.replace(test::small_deployment(), {}).ok());
  const std::int64_t r = s.revision();
  std::size_t ranges_seen = 0;
  auto refused = s.update([](Deployment& d) { d.ranges.erase(d.ranges.begin() + (d.find_range("park1") - d.ranges.data())); return Status(); },
                          [&](const Deployment& proposed) -> Status {
                            ranges_seen = proposed.ranges.size();
                            return fail("1 parked call(s) would lose their orbit");
                          });
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.message(), "1 parked call(s) would lose their orbit");
  EXPECT_EQ(ranges_seen, 2u);
  EXPECT_EQ(s.load().ranges.size(), 3u);
  EXPECT_EQ(s.revision(), r);
  // An invalid change never reaches the guard.
  bool asked = false;
  auto invalid = s.update([](Deployment& d) { d.users[0].extension = "*7001"; return Status(); },
                          [&](const Deployment&) -> Status { asked = true; return {}; });
  EXPECT_FALSE(invalid.ok());
  EXPECT_FALSE(asked);
  auto import = s.replace(test::small_deployment(), {}, [](const Deployment&) -> Status { return fail("no"); });
  EXPECT_FALSE(import.ok());
  EXPECT_EQ(s.revision(), r);
  ASSERT_TRUE(s.replace(test::small_deployment(), {}, [](const Deployment&) { return Status(); }).ok());
  EXPECT_EQ(s.revision(), r + 1);
}

}  // namespace
}  // namespace cpark

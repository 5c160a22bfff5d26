// The `cpark` binary against a temporary store: each command family, every rejection
// path (exit code, one line naming the value and the rule), and a store that stays
// byte-for-byte unchanged after a rejected command. Commands that meet a running server
// (S11) run against a control endpoint with fake handlers inside this test process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <atomic>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/orbit_range.h"
#include "server/control/control_endpoint.h"
#include "server/control/serve_file.h"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int code;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A minimal RIFF/WAVE header and a few bytes (C4 accepts WAV and WMA).
void write_wav(const fs::path& p) {
  std::string bytes("RIFF\x24\0\0\0WAVEfmt data", 20);
  std::ofstream(p, std::ios::binary) << bytes;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("cpark-cli-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    store = (dir / "cpark.db").string();
    must("pool set pool1 --site redmond");
    must("orbit new park1 --start '*7000' --end '*7099' --service pool1");
    must("orbit new groups --start '#7100' --end '#7109' --service pool1 --type GroupPickup");
    must("policy set global --call-park on");
    must("user add alice --extension 1001 --pool pool1");
    must("user add bob --extension 1002 --pool pool1");
    must("pickup enable bob '#7100'");
  }
  void TearDown() override { fs::remove_all(dir); }

  Outcome run(const std::string& args) {
    const std::string cmd = std::string(CPARK_BIN) + " --store " + quote(store) + " " + args + " >" +
                            quote((dir / "out").string()) + " 2>" + quote((dir / "err").string());
    int status = std::system(cmd.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out"), slurp(dir / "err")};
  }
  Outcome must(const std::string& args) {
    Outcome r = run(args);
    EXPECT_EQ(r.code, 0) << args << "\n" << r.err;
    return r;
  }
  // A command that must be refused with `code`, print one line containing `expect`, and
  // leave the store file exactly as it was.
  void refused(const std::string& args, const std::string& expect, int code = 1) {
    const std::string before = slurp(store);
    Outcome r = run(args);
    EXPECT_EQ(r.code, code) << args;
    EXPECT_NE(r.err.find(expect), std::string::npos) << args << "\nstderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\nstderr: " << r.err;
    EXPECT_EQ(r.err.rfind("cpark: error: ", 0), 0u) << r.err;
    EXPECT_TRUE(slurp(store) == before) << "store changed by refused command: " << args;
  }
  nlohmann::json json(const std::string& args) { return nlohmann::json::parse(must("--json " + args).out); }

  fs::path dir;
  std::string store;
};

TEST_F(CliTest, M2_OrbitLifecycle) {
  auto list = json("orbit get");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["name"], "park1");
  EXPECT_EQ(list[1]["size"], 100);
  must("orbit set park1 --end '*7049'");
  EXPECT_EQ(json("orbit get park1")[0]["end"], "*7049");
  EXPECT_EQ(json("orbit get --type GroupPickup").size(), 1u);
  must("orbit remove park1");
  EXPECT_EQ(json("orbit get").size(), 1u);
  must("orbit new again --start '*7000' --end '*7009' --service pool1");  // O8: numbers reusable
  auto human = must("orbit get again").out;
  EXPECT_NE(human.find("start   : *7000"), std::string::npos) << human;
}

TEST_F(CliTest, M2_SettingsPoliciesUsersPickup) {
  must("cps set --timeout 120 --max-attempts 3 --fallback sip:op@contoso.com --music off --ring-time 20");
  auto g = json("cps get --scope global")[0];
  EXPECT_EQ(g["timeout"], 120);
  EXPECT_EQ(g["max_attempts"], 3);
  EXPECT_EQ(g["music"], false);
  must("cps set --scope site:redmond --timeout 60");
  EXPECT_EQ(json("cps get --scope site:redmond")[0]["max_attempts"], 1);  // new scope: defaults
  must("cps reset --scope site:redmond");
  refused("cps get --scope site:redmond", "no call park settings at scope");
  must("cps reset --scope global");
  EXPECT_EQ(json("cps get --scope global")[0]["timeout"], 90);
  must("policy set no-park --call-park off");
  must("user set alice --policy no-park --friends-family sip:mom@x.com,sip:dad@x.com --ring-timeout 25");
  auto alice = json("user get alice")[0];
  EXPECT_EQ(alice["policy"], "no-park");
  EXPECT_EQ(alice["friends_family"].size(), 2u);
  EXPECT_EQ(json("pickup get bob")["pickup_group"], "#7100");
  must("pickup disable bob");
  EXPECT_EQ(json("pickup get bob")["pickup_group"], "");
  EXPECT_NE(must("pickup get bob").out.find("(none)"), std::string::npos);
}

TEST_F(CliTest, RejectionsNameValueAndRuleAndChangeNothing) {
  refused("orbit new bad --start 0123 --end 0199 --service pool1", "\"0123\" has a leading 0 (O2");
  refused("orbit new bad --start '*100' --end '*1999' --service pool1", "start and end must have the same length (O3)");
  refused("orbit new bad --start '*100' --end '*199' --service pool1", "greater than 100 (O3)");
  refused("orbit new bad --start '*7050' --end '*7150' --service pool1", "(O4");
  refused("orbit new bad --start 100000 --end 110000 --service pool1", "(O5)");
  refused("orbit new bad --start 1000 --end 1099 --service pool1", "extension 1001 falls inside");
  refused("orbit new park1 --start 5000 --end 5009 --service pool1", "already exists (O1");
  refused("orbit new bad --start 5000 --end 5009 --service pool1 --type Queue", "must be CallPark or GroupPickup", 2);
  refused("orbit set nothere --end 1", "no range named \"nothere\" (O1)");
  refused("orbit set groups --type CallPark", "(O7)");
  refused("orbit set park1", "give at least one of", 2);
  refused("orbit remove groups", "remove it with --force");
  refused("orbit remove nothere", "no range named");
  refused("orbit get nothere", "no range named");
  refused("cps set --timeout 5", "timeout 5 s is outside 10 s to 10 min (C1");
  refused("cps set --max-attempts 11", "max attempts 11 is outside 1 to 10 (C2");
  refused("cps set --fallback tel:+1425", "fallback \"tel:+1425\" must be a sip: URI");
  refused("cps set --ring-time 1", "(C6)");
  refused("cps set --scope region:x --timeout 60", "scope \"region:x\" must be global, site:NAME or service:POOL (C5)");
  refused("cps set --scope service:nowhere --timeout 60", "not a known pool (C5)");
  refused("cps set --music maybe", "--music \"maybe\" must be on or off", 2);
  refused("cps reset --scope site:nowhere", "no call park settings");
  refused("policy set x --call-park perhaps", "must be on or off", 2);
  refused("policy remove nothere", "(V2)");
  refused("user add carol --extension '*7005' --pool pool1", "extension *7005 falls inside range \"park1\"");
  refused("user add alice --extension 1009", "already exists");
  refused("user add carol --extension 1003 --pool pool1 --policy ghost", "voice policy \"ghost\" does not exist (V2");
  refused("user add carol --extension 1002 --pool pool1", "extension 1002 is already another user's");
  refused("user set ghost --line 5", "no user named");
  refused("user set alice --ring-timeout 0", "(G8)");
  refused("pickup enable alice '*7001'", "group number *7001 is not inside a GroupPickup range (G2)");
  refused("pickup enable ghost '#7100'", "no user named");
  refused("user set bob --homed-online on", "homed online and cannot be a pickup group member (G7)");
  refused("pool set pool1 --call-park off", "(G7)");
  refused("pool set pool1 --orbit-choice sometimes", "(O9)", 2);
  refused("music set --service pool1 /nonexistent.wav", "cannot be read (C4)");
  std::ofstream(dir / "noise.mp3") << "ID3 not audio we play";
  refused("music set --service pool1 " + (dir / "noise.mp3").string(), "neither WAV");
  write_wav(dir / "hold.wav");
  refused("music set --service nowhere " + (dir / "hold.wav").string(), "not a known pool");
  std::ofstream(dir / "broken.toml") << "[[pools]]\nname = \"p\"\nsitee = \"x\"\n";
  refused("import " + (dir / "broken.toml").string(), "broken.toml:3: sitee: unknown key");
  std::ofstream(dir / "invalid.toml") << "[[users]]\nname = \"u\"\nextension = \"1\"\npool = \"ghost\"\n";
  refused("import " + (dir / "invalid.toml").string(), "not a known pool");
  refused("orbit frobnicate", "frobnicate", 2);
  refused("--nosuchflag orbit get", "nosuchflag", 2);
}

TEST_F(CliTest, C4_MusicUploadKeepsCopy) {
  write_wav(dir / "hold.wav");
  must("music set --service pool1 " + (dir / "hold.wav").string());
  fs::remove(dir / "hold.wav");  // the serving node's copy is gone; ours is not
  auto list = json("music get");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["file"], "hold.wav");
  must("export " + (dir / "out.toml").string());
  EXPECT_TRUE(fs::exists(dir / "out-music" / "pool1-hold.wav"));
}

TEST_F(CliTest, M4_ExportThenImportIntoFreshStore) {
  must("user set alice --private-line 4255550100 --delegates sip:assistant@x.com");
  must("user set bob --password s3cret --realm contoso.com");
  must("pool set pool1 --address 'sip:127.0.0.1:5070;transport=tcp'");
  must("peer add pbx --address '[2001:db8::5]:5060'");
  must("export " + (dir / "d.toml").string());
  const std::string first = slurp(dir / "d.toml");
  store = (dir / "fresh.db").string();
  auto r = must("import " + (dir / "d.toml").string());
  EXPECT_NE(r.out.find("imported 1 pool(s), 2 range(s), 2 user(s)"), std::string::npos) << r.out;
  must("export " + (dir / "d2.toml").string());
  EXPECT_EQ(slurp(dir / "d2.toml"), first);
  EXPECT_EQ(json("user get bob")[0]["digest_realm"], "contoso.com");
  EXPECT_EQ(json("pool get pool1")[0]["address"], "sip:127.0.0.1:5070;transport=tcp");
  EXPECT_EQ(json("peer get pbx")[0]["address"], "[2001:db8::5]:5060");
}

// S10: the password is stored only as HA1 (MD5 and SHA-256 of user:realm:password).
TEST_F(CliTest, S10_PasswordIsStoredOnlyAsHa1) {
  must("user add alice@contoso.com --extension 1003 --pool pool1 --password 'pa55-w0rd'");
  auto u = json("user get alice@contoso.com")[0];
  EXPECT_EQ(u["digest_realm"], "contoso.com");  // the domain of the user's name
  EXPECT_EQ(u["ha1_md5"], "116599427d634ab026198c117bcaa177");  // MD5("alice:contoso.com:pa55-w0rd")
  EXPECT_EQ(u["ha1_sha256"].get<std::string>().size(), 64u);
  const std::string human = must("user get alice@contoso.com").out;
  EXPECT_NE(human.find("password          : set (realm contoso.com)"), std::string::npos) << human;
  EXPECT_EQ(human.find("116599427d"), std::string::npos) << "hashes are not shown to people";
  EXPECT_NE(must("user get bob").out.find("password          : not set"), std::string::npos);
  std::string stored = slurp(store) + slurp(store + "-wal");
  EXPECT_EQ(stored.find("pa55-w0rd"), std::string::npos) << "the password itself is never stored";
  // --password-stdin: one line, so the password stays out of the process list.
  std::ofstream(dir / "pw") << "other-pw\r\n";
  must("user set bob --password-stdin --realm contoso.com < " + quote((dir / "pw").string()));
  EXPECT_EQ(json("user get bob")[0]["ha1_md5"], "677cffea0c74294fef27205d22ef2dfa");  // MD5("bob:contoso.com:other-pw")
  must("user set bob --password ''");
  EXPECT_EQ(json("user get bob")[0]["digest_realm"], "");
  EXPECT_EQ(json("user get bob")[0]["ha1_md5"], "");
  refused("user set bob --password x", "user \"bob\" has no domain in its name to use as the digest realm; give --realm", 2);
  refused("user set bob --realm contoso.com", "--realm needs --password", 2);
  std::ofstream(dir / "empty") << "";
  refused("user set bob --password-stdin --realm contoso.com < " + quote((dir / "empty").string()),
          "read no password", 2);
  refused("user set bob --password x --password-stdin", "excludes", 2);
  refused("user set bob --password x --realm 'a\"b'", "may not hold quotes", 1);
}

TEST_F(CliTest, S8_TrustedPeers) {
  must("peer add pbx --address 10.0.0.5:5060");
  must("peer add gw6 --address 2001:db8::5");
  auto list = json("peer get");
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["name"], "gw6");
  EXPECT_NE(must("peer get pbx").out.find("address : 10.0.0.5:5060"), std::string::npos);
  refused("peer add pbx --address 10.0.0.6", "trusted peer \"pbx\" already exists (S8");
  refused("peer add other --address 10.0.0.5:5060", "is already trusted peer \"pbx\" (S8)");
  refused("peer add gw --address gateway.contoso.com", "address \"gateway.contoso.com\" must be an IPv4 or IPv6 address");
  refused("peer add gw", "--address is required", 2);
  refused("peer remove nothere", "no trusted peer named \"nothere\" (S8)");
  refused("peer get nothere", "no trusted peer named");
  must("peer remove pbx");
  EXPECT_EQ(json("peer get").size(), 1u);
}

TEST_F(CliTest, P9_PoolAddress) {
  must("pool set pool2 --address sip:pool2.contoso.com:5060");
  EXPECT_EQ(json("pool get pool2")[0]["address"], "sip:pool2.contoso.com:5060");
  EXPECT_EQ(json("pool get pool1")[0]["address"], "");
  refused("pool set pool2 --address pool2.contoso.com",
          "pool \"pool2\" address \"pool2.contoso.com\" must be a sip: URI with a host, like sip:pool2.contoso.com:5060, or empty (P9)");
  must("pool set pool2 --address ''");
  EXPECT_EQ(json("pool get pool2")[0]["address"], "");
}

TEST_F(CliTest, M3_NormalizationCheck) {
  std::ofstream(dir / "rules.toml") << "[[rules]]\nname = \"to E.164\"\npattern = '^\\*(\\d{4})$'\ntranslation = '+1425555$1'\n";
  Outcome r = run("normalization check " + (dir / "rules.toml").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("rule \"to E.164\" rewrites 100 number(s), e.g. *7000 -> +14255557000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pattern ^(\\*70\\d{2})$"), std::string::npos) << r.out;
  std::ofstream(dir / "rules.csv") << "Identity,Priority,Pattern,Translation,Name\n"
                                      "\"Global/keep\",0,^(\\*70\\d{2})$,$1,keep orbits\n"
                                      "\"Global/e164\",1,^\\*(\\d{4})$,+1425555$1,to E.164\n";
  Outcome ok = run("normalization check " + (dir / "rules.csv").string());
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("no rule rewrites"), std::string::npos);
}

TEST_F(CliTest, DemoRunsTheEngine) {
  Outcome r = must("demo");
  EXPECT_NE(r.out.find("OrbitAssigned"), std::string::npos);
  EXPECT_NE(r.out.find("CallPickedUp"), std::string::npos);
  EXPECT_NE(r.out.find("parks=2 retrievals=1 ringbacks=1 pickups=1"), std::string::npos) << r.out;
}

const char* kSimScenario = R"(
[scenario]
name = "cli-sim"
[run]
duration = 3600
warmup = 60
replications = 3
seed = 4
[[pools]]
name = "p"
[[orbit_ranges]]
name = "park"
start = "7000"
end = "7004"
service = "p"
[[call_park_settings]]
scope = "global"
timeout = 60
[[voice_policies]]
name = "global"
call_park = true
[[population]]
pool = "p"
users = 20
extension_start = 2000
[[traffic]]
pool = "p"
parks_per_hour = 300
retrieval_delay = { type = "exponential", mean = 40 }
)";

TEST_F(CliTest, D4_SimWritesResultsIndependentOfJobs) {
  std::ofstream(dir / "s.toml") << kSimScenario;
  Outcome one = must("sim " + (dir / "s.toml").string() + " --jobs 1 --out " + (dir / "r1").string());
  EXPECT_NE(one.out.find("Scenario cli-sim"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("Erlang B"), std::string::npos);
  EXPECT_TRUE(one.err.empty()) << "no progress output when stderr is not a terminal: " << one.err;
  must("sim " + (dir / "s.toml").string() + " --jobs 3 --out " + (dir / "r3").string());
  for (const char* f : {"summary.json", "timeseries.csv", "distributions.csv"})
    EXPECT_EQ(slurp(dir / "r1" / f), slurp(dir / "r3" / f)) << f;
  auto summary = nlohmann::json::parse(slurp(dir / "r1" / "summary.json"));
  EXPECT_EQ(summary["seed"], 4);
  EXPECT_EQ(summary["points"][0]["replications_completed"], 3);
  EXPECT_EQ(summary["scenario"]["text"], kSimScenario);
  EXPECT_TRUE(summary["points"][0]["figures"]["park_blocking"].contains("ci95_half_width"));
  must("sim " + (dir / "s.toml").string() + " --seed 5 --replications 2 --out " + (dir / "r5").string());
  auto other = nlohmann::json::parse(slurp(dir / "r5" / "summary.json"));
  EXPECT_EQ(other["seed"], 5);
  EXPECT_EQ(other["points"][0]["replications_completed"], 2);
}

TEST_F(CliTest, D2_SimRejectsBrokenScenarioWithFileAndLine) {
  std::string text = kSimScenario;
  text.replace(text.find("parks_per_hour"), 14, "parks_per_hr");
  std::ofstream(dir / "bad.toml") << text;
  Outcome r = run("sim " + (dir / "bad.toml").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("bad.toml:28: parks_per_hr: unknown key"), std::string::npos) << r.err;
  refused("sim " + (dir / "s-missing.toml").string(), "cannot be read");
  refused("sim " + (dir / "bad.toml").string() + " --target-blocking lots", "--target-blocking \"lots\"", 2);
}

// Issue: bad input to `cpark sim` ends with a non-zero exit and one line naming the file
// and key or the option, before anything is simulated and without partial results.
TEST_F(CliTest, D2_SimRefusesBadInputUpFrontWithTheRightExitCode) {
  std::ofstream(dir / "s.toml") << kSimScenario;
  const std::string s = (dir / "s.toml").string(), out = " --out " + (dir / "r").string();
  std::ofstream(dir / "empty.toml") << "";
  std::ofstream(dir / "comment.toml") << "# nothing here\n";
  refused("sim " + (dir / "empty.toml").string() + out, "the scenario has no traffic");
  refused("sim " + (dir / "comment.toml").string() + out, "the scenario has no traffic");
  fs::create_directories(dir / "a-folder.toml");
  refused("sim " + (dir / "a-folder.toml").string() + out, "is a directory");
  // Options: refused as usage errors (2), never silently converted.
  refused("sim " + s + " --seed -1" + out, "--seed \"-1\" must be a whole number", 2);
  refused("sim " + s + " --replications 0" + out, "--replications \"0\"", 2);
  refused("sim " + s + " --replications 20000" + out, "--replications \"20000\"", 2);
  refused("sim " + s + " --jobs -3" + out, "--jobs \"-3\"", 2);
  refused("sim " + s + " --jobs 2.5" + out, "--jobs \"2.5\"", 2);
  EXPECT_FALSE(fs::exists(dir / "r")) << "nothing is written for a refused run";
  // An output folder that cannot take the results is found before simulating (3).
  refused("sim " + s + " --out /dev/null", "is not a folder", 3);
  fs::create_directories(dir / "r2" / "summary.json");
  refused("sim " + s + " --out " + (dir / "r2").string(), "summary.json is a folder", 3);
  // A rule or a file the user wrote is exit 1, not a store failure (3).
  std::ofstream(dir / "typo.toml") << "[run]\nduraton = 5\n";
  refused("sim " + (dir / "typo.toml").string() + out, "typo.toml:2: duraton: unknown key", 1);
}

TEST_F(CliTest, D7_CtrlCKeepsFinishedReplications) {
  std::string text = kSimScenario;
  text.replace(text.find("replications = 3"), 16, "replications = 400");
  text.replace(text.find("duration = 3600"), 15, "duration = 360000");
  std::ofstream(dir / "long.toml") << text;
  const std::string out = (dir / "long").string();
  const pid_t pid = fork();
  if (pid == 0) {
    freopen("/dev/null", "w", stdout);
    execl(CPARK_BIN, CPARK_BIN, "sim", (dir / "long.toml").c_str(), "--jobs", "1", "--out", out.c_str(), nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "killed instead of stopping cleanly";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  auto summary = nlohmann::json::parse(slurp(fs::path(out) / "summary.json"));
  EXPECT_EQ(summary["interrupted"], true);
  EXPECT_LT(summary["points"][0]["replications_completed"].get<int>(), 400);
}

// A stand-in for `cpark serve` on the test's store: its control endpoint answers with one
// parked call on orbit *7001, refuses deployments that leave *7001 outside every CallPark
// range (O8), and counts checks and reloads.
class FakeServer {
 public:
  explicit FakeServer(const std::string& store) : store_(store) {
    using namespace cpark;
    server::ControlHandlers h;
    h.parked = [] {
      return std::vector<server::ParkedCallRow>{
          {"*7001", "pool1", 17, "sip:bob@contoso.com", "alice", 42.7, 1, true}};
    };
    h.status = [] {
      server::ServerStatus s;
      s.version = "0.1.0";
      s.domain = "contoso.com";
      s.pool = "pool1";
      s.listening = {{"udp", "127.0.0.1:5060"}, {"tcp", "127.0.0.1:5060"}};
      s.pid = 4242;
      s.uptime_seconds = 3723;
      s.parked_calls = 1;
      return s;
    };
    h.check_deployment = [this](const Deployment& d) -> Status {
      ++checks;
      const auto orbit = parse_orbit_number("*7001");
      for (auto& r : d.ranges)
        if (auto b = validate_range(r); b && r.type == RangeType::CallPark && b->contains(*orbit)) return {};
      return fail("1 parked call(s) would lose their orbit: orbit *7001 (parked by alice for 42 s)");
    };
    h.reload = [this](bool force) -> Status {
      ++reloads;
      last_force = force;
      return {};
    };
    endpoint_ = std::make_unique<server::ControlEndpoint>(
        io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0), std::move(h));
    address = "127.0.0.1:" + std::to_string(endpoint_->local_endpoint().port());
    EXPECT_TRUE(server::write_serve_file(store_, {::getpid(), address, "contoso.com", "0.1.0", ""}).ok());
    thread_ = std::thread([this] { io_.run(); });
  }
  ~FakeServer() {
    boost::asio::post(io_, [this] { endpoint_->stop(); });
    thread_.join();
    cpark::server::remove_serve_file(store_, ::getpid());
  }

  std::string address;
  std::atomic<int> checks{0}, reloads{0};
  std::atomic<bool> last_force{false};

 private:
  std::string store_;
  boost::asio::io_context io_;
  std::unique_ptr<cpark::server::ControlEndpoint> endpoint_;
  std::thread thread_;
};

TEST_F(CliTest, S11_ParkedListsCallsLikeParkedcallsShow) {
  FakeServer server(store);
  const std::string out = must("parked").out;
  EXPECT_EQ(out,
            "Orbit  Pool   Parked party         Parker  Parked  Ringbacks\n"
            "*7001  pool1  sip:bob@contoso.com  alice     0:42  1 (ringing back)\n"
            "1 parked call(s) in total.\n");
  auto j = json("parked");
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["orbit"], "*7001");
  EXPECT_EQ(j[0]["park_id"], 17);
  // --server reaches a server whatever the store.
  const std::string other = store;
  store = (dir / "elsewhere.db").string();
  EXPECT_EQ(must("parked --server " + server.address).out, out);
  EXPECT_FALSE(fs::exists(store)) << "reading a server's state does not create a store";
  store = other;
}

TEST_F(CliTest, S11_StatusIsAFormatList) {
  FakeServer server(store);
  const std::string out = must("status").out;
  EXPECT_NE(out.find("domain         : contoso.com\n"), std::string::npos) << out;
  EXPECT_NE(out.find("listening      : udp 127.0.0.1:5060, tcp 127.0.0.1:5060\n"), std::string::npos) << out;
  EXPECT_NE(out.find("uptime         : 1:02:03\n"), std::string::npos) << out;
  EXPECT_NE(out.find("parked_calls   : 1\n"), std::string::npos) << out;
  EXPECT_EQ(json("status")["pid"], 4242);
}

TEST_F(CliTest, S11_WithoutARunningServerParkedAndStatusSaySoAndExit3) {
  refused("parked", "no server running for store " + store + "; start one with `cpark serve --store " + store + "`", 3);
  refused("status", "no server running for store", 3);
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);  // a pid that names no process now
  ASSERT_TRUE(cpark::server::write_serve_file(store, {child, "127.0.0.1:9", "", "", ""}).ok());
  refused("parked", "(stale file from pid " + std::to_string(child) + "); start one with", 3);
  refused("status --server 127.0.0.1:9", "cannot connect to the server at 127.0.0.1:9", 3);
  refused("parked --server nowhere", "server address \"nowhere\" must be HOST:PORT", 3);
  must("orbit set park1 --end '*7049'");  // a stale file does not get in the way of changes
}

TEST_F(CliTest, O8_RunningServerProtectsLiveParksUnlessForced) {
  FakeServer server(store);
  refused("orbit remove park1",
          "the running server refuses the change: 1 parked call(s) would lose their orbit: orbit *7001 (parked by "
          "alice for 42 s); add --force to end those parked calls (fallback or disconnect) and apply it (O8)");
  refused("orbit set park1 --start '*7050' --end '*7099'", "1 parked call(s) would lose their orbit");
  std::ofstream(dir / "no-park1.toml") << "[[pools]]\nname = \"pool1\"\n[[orbit_ranges]]\nname = \"other\"\n"
                                          "start = \"*8000\"\nend = \"*8009\"\nservice = \"pool1\"\n";
  refused("import " + (dir / "no-park1.toml").string(), "1 parked call(s) would lose their orbit");
  EXPECT_EQ(server.checks, 3);
  EXPECT_EQ(server.reloads, 0) << "nothing was committed, nothing to reload";

  must("orbit set park1 --end '*7049'");  // *7001 stays inside: fine
  EXPECT_EQ(server.reloads, 1);
  EXPECT_FALSE(server.last_force);
  Outcome forced = must("orbit remove park1 --force");
  EXPECT_NE(forced.err.find("cpark: warning: forced: 1 parked call(s) would lose their orbit"), std::string::npos)
      << forced.err;
  EXPECT_EQ(server.reloads, 2);
  EXPECT_TRUE(server.last_force) << "the server learns the change was forced";
  EXPECT_EQ(json("orbit get").size(), 1u);

  must("user set alice --line 4711");  // not the orbit table: no check, but applied at once
  EXPECT_EQ(server.checks, 5);
  EXPECT_EQ(server.reloads, 3);
  EXPECT_FALSE(server.last_force);
}

TEST_F(CliTest, S11_AServerThatCannotBeReachedDoesNotStopChanges) {
  // A discovery file naming this (live) process and a port where nothing listens.
  ASSERT_TRUE(cpark::server::write_serve_file(store, {::getpid(), "127.0.0.1:9", "", "", ""}).ok());
  Outcome r = must("orbit set park1 --end '*7049'");
  EXPECT_NE(r.err.find("could not check the change"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("picks the change up within a second by polling the store"), std::string::npos) << r.err;
  EXPECT_EQ(json("orbit get park1")[0]["end"], "*7049");
  cpark::server::remove_serve_file(store, ::getpid());
}

}  // namespace

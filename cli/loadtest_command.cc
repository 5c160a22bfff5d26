// `cpark loadtest PROFILE` (L2, L3): the server and SIPp under a load profile, results in
// results/loadtest/<profile>/ (docs/results.md). Exit 0 when every check passed, 1 when a
// call failed, an orbit leaked or the server died (like `normalization check`, 1 means
// "found something"), 3 when the results cannot be written, 130 on Ctrl-C.
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "config/toml_reader.h"
#include "loadtest/load_test.h"
#include "loadtest/profile.h"
#include "loadtest/results_writer.h"
#include "loadtest/scenario_replay.h"
#include "simulator/report.h"

namespace cpark::cli {

namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};

extern "C" void on_loadtest_interrupt(int) {
  g_stop.store(true);  // the run stops SIPp and the server by PID and keeps what ran
  std::signal(SIGINT, SIG_DFL);
}

// A profile given by name is looked up in sipp/profiles/ of the working folder.
std::string resolve_profile(const std::string& given) {
  std::error_code ec;
  if (fs::is_regular_file(given, ec)) return given;
  const fs::path named = fs::path("sipp/profiles") / (given + ".toml");
  if (given.find('/') == std::string::npos && fs::is_regular_file(named, ec)) return named.string();
  throw CommandError(kRejected, "load profile \"" + given + "\" is neither a file nor a profile in sipp/profiles/ "
                                "(e.g. smoke, park-1k, park-max, calls-max, pickup-storm, lossy)");
}

std::string self_binary() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("cpark") : p.string();
}

}  // namespace

namespace {

struct Args {
  std::string profile, out, metrics, sipp = "sipp", scenarios, scenario;
  double time_scale = 60, duration = 0;
};

void print_progress_line(const std::string& line) {
  if (::isatty(STDERR_FILENO)) std::cerr << "\r" << line << "    " << std::flush;
  else std::cerr << line << "\n";
}

// L4: `cpark loadtest --scenario X.toml --time-scale K`.
void run_scenario_replay(const Args& a) {
  if (!(a.time_scale >= 1 && a.time_scale <= 10000))
    throw CommandError(kUsage, "--time-scale " + std::to_string(a.time_scale) + " must be 1 to 10000 (scenario seconds per wall second)");
  if (a.duration < 0) throw CommandError(kUsage, "--duration must be positive");
  loadtest::ReplaySettings rs;
  rs.scenario_file = a.scenario;
  rs.time_scale = a.time_scale;
  if (a.duration > 0) rs.duration = a.duration;
  rs.software_version = CPARK_VERSION_STRING;
  rs.run.cpark_binary = self_binary();
  rs.run.sipp_binary = a.sipp;
  rs.run.metrics = a.metrics;
  rs.run.scenarios_dir = a.scenarios.empty() ? std::string("sipp/load") : a.scenarios;
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(rs.run.scenarios_dir) / "replay_park_uac.xml", ec))
    throw CommandError(kRejected, "--scenarios \"" + rs.run.scenarios_dir + "\" holds no SIPp load scenarios (replay_park_uac.xml)");
  const std::string stem = fs::path(a.scenario).stem().string();
  rs.run.out_dir = a.out.empty() ? "results/loadtest/replay-" + stem : a.out;
  rs.run.on_progress = print_progress_line;
  g_stop.store(false);
  rs.run.stop = &g_stop;
  std::signal(SIGINT, on_loadtest_interrupt);
  loadtest::ReplayResult r;
  try {
    r = loadtest::run_replay(rs);
  } catch (const FileError& e) {
    std::signal(SIGINT, SIG_DFL);
    throw CommandError(kRejected, e.what());
  } catch (const std::runtime_error& e) {
    std::signal(SIGINT, SIG_DFL);
    throw CommandError(kInternal, "replay of " + a.scenario + ": " + e.what());
  }
  std::signal(SIGINT, SIG_DFL);
  if (::isatty(STDERR_FILENO)) std::cerr << "\n";
  try {
    loadtest::write_replay_results(rs, r);
  } catch (const sim::ResultsWriteError& e) {
    throw CommandError(kIoFailure, e.what());
  }
  loadtest::print_summary(std::cout, r.profile, r.run);
  std::cout << "\nSimulated (" << r.simulation.points.at(0).replications.size()
            << " replications, deterministic arrivals) vs served, " << a.time_scale << "x faster:\n";
  for (auto& f : r.comparison["figures"]) {
    const auto& sim_fig = f["simulated"];
    char line[256];
    std::snprintf(line, sizeof line, "  %-20s %-10s simulated %-10s +- %-10s served %-10s %s\n",
                  f["name"].get<std::string>().c_str(), f["pool"].is_null() ? "" : f["pool"].get<std::string>().c_str(),
                  sim_fig["mean"].dump().c_str(), sim_fig["ci95_half_width"].dump().c_str(), f["served"].dump().c_str(),
                  f["agrees"].is_null() ? "(not compared)" : (f["agrees"].get<bool>() ? "agrees" : "DISAGREES"));
    std::cout << line;
  }
  std::cout << "\nResults: " << rs.run.out_dir << "/summary.json, simulation/, comparison/\n";
  if (r.run.interrupted) throw CommandError(kInterrupted, "interrupted: partial results written to " + rs.run.out_dir);
  // The replay's verdict: every park the plan played completed, every phone's call
  // ended as a phone expects (a parked party the server never hung up counts), no orbit
  // leaked, the server lived, and the figures agree.
  const auto& run = r.run;
  if (run.phone_failures > 0)
    throw CommandError(kRejected, "the phones saw " + std::to_string(run.phone_failures) +
                                      " call(s) the server did not end as SIP requires (see " + rs.run.out_dir +
                                      "/sipp/phones.errors.log)");
  if (run.failed > 0 || run.attempted != run.succeeded || !run.no_leaked_orbits() || !run.server_survived() ||
      !run.failure.empty())
    throw CommandError(kRejected, "the replay's load test failed its checks (see " + rs.run.out_dir + "/summary.json)");
  if (!r.agrees) throw CommandError(kRejected, "served and simulated figures disagree (see " + rs.run.out_dir + "/comparison/summary.json)");
}

}  // namespace

void add_loadtest_command(CLI::App& app, Context&) {
  auto* cmd = app.add_subcommand("loadtest", "Run a SIPp load profile against cpark serve (L2, L3), or replay a scenario (L4)");
  auto a = std::make_shared<Args>();
  cmd->add_option("profile", a->profile, "Profile file or name in sipp/profiles/ (smoke, park-1k, park-max, ...)");
  cmd->add_option("--scenario", a->scenario, "Instead of a profile: play this scenario's parks as SIP traffic and "
                                             "compare with the simulator (L4)");
  cmd->add_option("--time-scale", a->time_scale, "With --scenario: scenario seconds per wall second (default 60)");
  cmd->add_option("--duration", a->duration, "With --scenario: scenario seconds to play (default: its run.duration)");
  cmd->add_option("--out", a->out, "Results folder (default results/loadtest/<profile>)");
  cmd->add_option("--metrics", a->metrics, "ADDRESS:PORT for the server's control endpoint, scraped every second "
                                           "(default: any free loopback port, read from <store>.serve.json)");
  cmd->add_option("--sipp", a->sipp, "The SIPp program (default: sipp on the PATH)");
  cmd->add_option("--scenarios", a->scenarios, "Folder of the SIPp load scenarios (default: sipp/load beside the profile's folder)");
  cmd->callback([a] {
    if (!a->scenario.empty()) return run_scenario_replay(*a);
    if (a->profile.empty()) throw CommandError(kUsage, "cpark loadtest needs a PROFILE or --scenario FILE");
    loadtest::Profile profile;
    const std::string path = resolve_profile(a->profile);
    try {
      profile = loadtest::read_profile(path);
    } catch (const FileError& e) {
      throw CommandError(kRejected, e.what());
    }
    loadtest::RunOptions options;
    options.cpark_binary = self_binary();
    options.sipp_binary = a->sipp;
    options.metrics = a->metrics;
    options.scenarios_dir = a->scenarios.empty() ? (fs::path(path).parent_path() / ".." / "load").lexically_normal().string()
                                                 : a->scenarios;
    std::error_code ec;
    if (!fs::is_regular_file(fs::path(options.scenarios_dir) / "call_uac.xml", ec))
      throw CommandError(kRejected, "--scenarios \"" + options.scenarios_dir +
                                        "\" holds no SIPp load scenarios (call_uac.xml, park_uac.xml, ...)");
    options.out_dir = a->out.empty() ? "results/loadtest/" + profile.name : a->out;
    fs::create_directories(options.out_dir, ec);
    if (ec) throw CommandError(kIoFailure, "--out \"" + options.out_dir + "\": cannot create the results folder (" + ec.message() + ")");
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    options.on_progress = [tty](const std::string& line) {
      if (tty) std::cerr << "\r" << line << "    " << std::flush;
      else std::cerr << line << "\n";
    };
    g_stop.store(false);
    options.stop = &g_stop;
    std::signal(SIGINT, on_loadtest_interrupt);
    loadtest::LoadTestRun run;
    try {
      run = loadtest::run_load_test(profile, options);
    } catch (const FileError& e) {
      std::signal(SIGINT, SIG_DFL);
      throw CommandError(kRejected, e.what());
    } catch (const std::runtime_error& e) {
      std::signal(SIGINT, SIG_DFL);
      throw CommandError(kInternal, std::string("load test \"") + profile.name + "\": " + e.what());
    }
    std::signal(SIGINT, SIG_DFL);
    if (tty) std::cerr << "\n";
    try {
      loadtest::write_results(options.out_dir, profile, run, {CPARK_VERSION_STRING, "", 1});
    } catch (const sim::ResultsWriteError& e) {
      throw CommandError(kIoFailure, e.what());
    }
    loadtest::print_summary(std::cout, profile, run);
    std::cout << "\nResults: " << options.out_dir << "/summary.json, timeseries.csv, sipp/\n";
    if (run.interrupted) throw CommandError(kInterrupted, "interrupted: partial results written to " + options.out_dir);
    if (!run.passed())
      throw CommandError(kRejected, "load test \"" + profile.name + "\" failed its checks (see " + options.out_dir +
                                        "/summary.json)");
  });
}

}  // namespace cpark::cli

// `cpark sim SCENARIO`: runs a capacity-planning scenario (§8) and writes its results.
#include <unistd.h>

#include <charconv>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "config/deployment_file.h"
#include "simulator/report.h"
#include "simulator/runner.h"

namespace cpark::cli {

namespace {

sim::Progress* g_progress = nullptr;

extern "C" void on_interrupt(int) {
  // D7: the first Ctrl-C stops cleanly and keeps finished replications; a second one
  // kills the process the usual way.
  if (g_progress) g_progress->stop.store(true);
  std::signal(SIGINT, SIG_DFL);
}

double parse_share(const std::string& text) {
  std::string t = text;
  const bool percent = !t.empty() && t.back() == '%';
  if (percent) t.pop_back();
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0')
    throw CommandError(kUsage, "--target-blocking \"" + text + "\" must be a share like 0.001 or 0.1% (D6)");
  if (percent) v /= 100;
  if (!(v > 0 && v < 0.5)) throw CommandError(kUsage, "--target-blocking \"" + text + "\" must lie between 0 and 50% (D6)");
  return v;
}

// A whole number in [lo, hi] given to `option`; anything else (a sign, a fraction, a
// number that wraps) is refused rather than silently converted.
std::uint64_t parse_count(const std::string& text, const char* option, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || v < lo || v > hi)
    throw CommandError(kUsage, std::string(option) + " \"" + text + "\" must be a whole number from " +
                                   std::to_string(lo) + " to " + std::to_string(hi));
  return v;
}

// The results folder must be writable before hours of simulation go into it.
void check_output_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw CommandError(kIoFailure, "--out \"" + dir + "\" exists and is not a folder: results cannot be written there");
  fs::create_directories(dir, ec);
  if (ec) throw CommandError(kIoFailure, "--out \"" + dir + "\": cannot create the results folder (" + ec.message() + ")");
  for (const char* name : {"summary.json", "timeseries.csv", "distributions.csv", "sweep.csv"})
    if (fs::is_directory(fs::path(dir) / name, ec))
      throw CommandError(kIoFailure, "--out \"" + dir + "\": " + name + " is a folder, so the results cannot be written");
  const fs::path probe = fs::path(dir) / ".cpark-write-probe";
  {
    std::ofstream f(probe);
    f << "probe";
    f.flush();
    if (!f) {
      fs::remove(probe, ec);
      throw CommandError(kIoFailure, "--out \"" + dir + "\": the results folder is not writable");
    }
  }
  fs::remove(probe, ec);
}

}  // namespace

void add_sim_command(CLI::App& app, Context&) {
  auto* cmd = app.add_subcommand("sim", "Run a capacity-planning scenario (simulator, §8)");
  struct Args {
    std::string scenario, out, target, seed, replications, jobs;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML), e.g. scenarios/small-office.toml")->required();
  cmd->add_option("--out", a->out, "Results folder (default results/<scenario name>)");
  auto* o_seed = cmd->add_option("--seed", a->seed, "Seed (default: the scenario's)");
  auto* o_reps = cmd->add_option("--replications", a->replications, "Independent replications (default: the scenario's)");
  auto* o_jobs = cmd->add_option("--jobs", a->jobs, "Replications run in parallel (default: all cores; results do not depend on it)");
  auto* o_target = cmd->add_option("--target-blocking", a->target, "Find the smallest orbit count per pool with blocking below this, e.g. 0.1% (D6)");
  cmd->callback([=] {
    // Options first: a usage error is reported before the scenario is read.
    const std::optional<double> target = o_target->count() ? std::optional(parse_share(a->target)) : std::nullopt;
    const bool has_seed = o_seed->count() > 0, has_reps = o_reps->count() > 0;
    const std::uint64_t seed = has_seed ? parse_count(a->seed, "--seed", 0, INT64_MAX) : 0;
    const int reps = has_reps ? int(parse_count(a->replications, "--replications", 1, sim::kMaxReplications)) : 0;
    const int jobs = o_jobs->count() ? int(parse_count(a->jobs, "--jobs", 1, 1024))
                                     : int(std::max(1u, std::thread::hardware_concurrency()));
    sim::Scenario s;
    try {
      s = sim::read_scenario(a->scenario);
    } catch (const FileError& e) {
      throw CommandError(kRejected, e.what());
    }
    if (has_seed) s.run.seed = seed;
    if (has_reps) s.run.replications = reps;
    if (target) s.run.target_blocking = target;
    if (auto size = sim::check_size(s); !size) throw CommandError(kRejected, a->scenario + ": " + size.message());
    const std::string out = a->out.empty() ? "results/" + s.name : a->out;
    check_output_folder(out);

    sim::Progress progress;
    g_progress = &progress;
    std::signal(SIGINT, on_interrupt);
    sim::RunOptions options;
    options.jobs = jobs;
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    if (tty)
      options.on_progress = [](double fraction, double sim_seconds, double events_per_second) {
        std::fprintf(stderr, "\r[%5.1f%%] simulated %.0f s, %.2f M events/s   ", 100 * fraction, sim_seconds,
                     events_per_second / 1e6);
        std::fflush(stderr);
      };
    sim::ScenarioRun run;
    try {
      run = sim::run_scenario(s, options, progress);
    } catch (const FileError& e) {
      throw CommandError(kRejected, e.what());
    }
    std::signal(SIGINT, SIG_DFL);
    g_progress = nullptr;
    if (tty) std::fprintf(stderr, "\r%60s\r", "");
    try {
      sim::write_results(out, s, run, {CPARK_VERSION_STRING, s.run.seed, jobs});
    } catch (const sim::ResultsWriteError& e) {
      throw CommandError(kIoFailure, e.what());
    }
    sim::print_summary(std::cout, s, run);
    std::cout << "\nResults: " << out << "/summary.json, figures.csv, timeseries.csv, distributions.csv"
              << (s.sweep.empty() ? "" : ", sweep.csv") << "\n";
    if (run.interrupted) throw CommandError(kInterrupted, "interrupted: partial results written to " + out);
  });
}

}  // namespace cpark::cli

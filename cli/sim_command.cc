// `cpark sim SCENARIO`: runs a capacity-planning scenario (§8) and writes its results.
#include <unistd.h>

#include <csignal>
#include <cstdio>
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

}  // namespace

void add_sim_command(CLI::App& app, Context&) {
  auto* cmd = app.add_subcommand("sim", "Run a capacity-planning scenario (simulator, §8)");
  struct Args {
    std::string scenario, out, target;
    std::uint64_t seed = 0;
    int replications = 0, jobs = 0;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("scenario", a->scenario, "Scenario file (TOML), e.g. scenarios/small-office.toml")->required();
  cmd->add_option("--out", a->out, "Results folder (default results/<scenario name>)");
  auto* o_seed = cmd->add_option("--seed", a->seed, "Seed (default: the scenario's)");
  auto* o_reps = cmd->add_option("--replications", a->replications, "Independent replications (default: the scenario's)");
  cmd->add_option("--jobs", a->jobs, "Replications run in parallel (default: all cores; results do not depend on it)");
  auto* o_target = cmd->add_option("--target-blocking", a->target, "Find the smallest orbit count per pool with blocking below this, e.g. 0.1% (D6)");
  cmd->callback([=] {
    // Options first: a usage error is reported before the scenario is read.
    const std::optional<double> target = o_target->count() ? std::optional(parse_share(a->target)) : std::nullopt;
    if (o_reps->count() && a->replications < 1) throw CommandError(kUsage, "--replications must be at least 1");
    sim::Scenario s;
    try {
      s = sim::read_scenario(a->scenario);
    } catch (const FileError& e) {
      throw CommandError(kRejected, e.what());
    }
    if (o_seed->count()) s.run.seed = a->seed;
    if (o_reps->count()) s.run.replications = a->replications;
    if (target) s.run.target_blocking = target;
    const int jobs = a->jobs > 0 ? a->jobs : int(std::max(1u, std::thread::hardware_concurrency()));
    const std::string out = a->out.empty() ? "results/" + s.name : a->out;

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
    sim::write_results(out, s, run, {CPARK_VERSION_STRING, s.run.seed, jobs});
    sim::print_summary(std::cout, s, run);
    std::cout << "\nResults: " << out << "/summary.json, timeseries.csv, distributions.csv"
              << (s.sweep.empty() ? "" : ", sweep.csv") << "\n";
    if (run.interrupted) throw CommandError(kInterrupted, "interrupted: partial results written to " + out);
  });
}

}  // namespace cpark::cli

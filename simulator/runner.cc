#include "simulator/runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include "config/deployment_file.h"
#include "simulator/erlang_b.h"
#include "simulator/parallel.h"

namespace cpark::sim {

Estimate PointResult::figure(const std::string& name) const {
  std::vector<double> v;
  for (auto& r : replications) {
    auto it = r.figures.find(name);
    v.push_back(it == r.figures.end() ? 0.0 : it->second);
  }
  return estimate(v);
}


namespace {

std::string describe(PointId p) {
  return p.stage == PointId::Stage::Planning ? " planning round " + std::to_string(p.index)
                                             : " sweep point " + std::to_string(p.index);
}

}  // namespace

PointResult run_point(const Scenario& s, PointId point, const RunOptions& options, Progress& progress) {
  PointResult out;
  const DeploymentPtr deployment = build_deployment(s);
  for (std::uint32_t p = 0; p < deployment->pool_count(); ++p) out.pool_names.push_back(deployment->pool(p).name);
  const auto book = make_phone_book(s, deployment);
  const auto reps = std::size_t(s.run.replications);
  std::vector<ReplicationResult> results(reps);
  const double total_sim_seconds = double(reps) * (s.run.warmup + s.run.duration);
  ParallelProgress watch;
  watch.stop = &progress.stop;
  const auto start = std::chrono::steady_clock::now();
  if (options.on_progress)
    watch.report = [&] {
      const double sim_s = double(progress.sim_ms.load()) / 1000.0;
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      options.on_progress(std::min(1.0, sim_s / total_sim_seconds), sim_s, double(progress.events.load()) / wall);
    };
  try {
    run_parallel(reps, options.jobs,
                 [&](std::size_t r) { results[r] = run_replication(s, *book, point, r, &progress); }, watch);
  } catch (const std::bad_alloc&) {
    throw SimulationError(s.file + ": out of memory while simulating" + describe(point) +
                          " (fewer replications, a longer sample_interval or a shorter run need less)");
  } catch (const std::exception& e) {
    throw SimulationError(s.file + ": simulating" + describe(point) + " failed: " + e.what());
  }
  for (auto& r : results)
    if (r.completed) out.replications.push_back(std::move(r));
  return out;
}

namespace {

// D6: per pool, bisect between the largest orbit count known to miss the target and the
// smallest known to meet it, starting from the Erlang B answer for the measured load.
// Pools do not share orbits, so every pool moves in the same simulation round.
std::vector<PoolPlan> plan_orbits(const Scenario& base, const PointResult& measured, double target,
                                  const RunOptions& options, Progress& progress) {
  struct Search { long missed = 0, met = 0, next = 1; };  // met == 0: none met yet
  std::vector<PoolPlan> plans;
  std::vector<Search> search;
  for (auto& pool : measured.pools()) {
    if (measured.figure("pool." + pool + ".park_attempts").mean <= 0) continue;
    PoolPlan p;
    p.pool = pool;
    p.offered_load = measured.figure("pool." + pool + ".offered_load").mean;
    p.orbits_erlang_b = erlang_b_servers(p.offered_load, target);
    plans.push_back(p);
    search.push_back({0, 0, std::max(1L, p.orbits_erlang_b)});
  }
  auto settled = [](const Search& x) { return x.met != 0 && x.missed + 1 == x.met; };
  for (int round = 0; round < 24 && !progress.stop.load(); ++round) {
    bool done = true;
    for (auto& x : search) done = done && settled(x);
    if (done) break;
    Scenario s = base;
    s.built = nullptr;  // the orbit counts change
    for (std::size_t i = 0; i < plans.size(); ++i)
      if (auto e = resize_orbits(s.deployment, plans[i].pool, search[i].next); !e) {
        plans[i].note = "cannot try " + std::to_string(search[i].next) + " orbits: " + e.message();
        search[i] = {0, 1, 1};  // give up on this pool
      }
    PointResult r = run_point(s, {PointId::Stage::Planning, std::uint32_t(round)}, options, progress);
    for (std::size_t i = 0; i < plans.size(); ++i) {
      Search& x = search[i];
      if (settled(x)) continue;
      const long c = x.next;
      const Estimate b = r.figure("pool." + plans[i].pool + ".blocking");
      if (b.mean <= target) {
        x.met = c;
        plans[i].orbits_simulated = c;
        plans[i].blocking = b;
      } else {
        x.missed = std::max(x.missed, c);
      }
      if (settled(x)) continue;
      x.next = x.met == 0 ? c + std::max(1L, c / 5) : (x.missed + x.met) / 2;
    }
  }
  for (auto& p : plans)
    if (p.note.empty() && p.orbits_simulated == 0) p.note = "no orbit count tried met the target";
  return plans;
}

}  // namespace

ScenarioRun run_scenario(const Scenario& s, const RunOptions& options, Progress& progress) {
  if (auto size = check_size(s); !size) throw FileError(s.file + ": " + size.message());
  ScenarioRun run;
  run.target_blocking = s.run.target_blocking;
  auto points = sweep_points(s);
  for (std::size_t i = 0; i < points.size() && !progress.stop.load(); ++i) {
    Scenario point = s;
    for (auto& [name, value] : points[i])
      if (auto e = apply_parameter(point, name, value); !e) throw FileError(s.file + ": " + e.message());
    PointResult r = run_point(point, {PointId::Stage::Sweep, std::uint32_t(i)}, options, progress);
    r.parameters = points[i];
    run.points.push_back(std::move(r));
  }
  run.interrupted = progress.stop.load();
  if (s.run.target_blocking && !run.interrupted && !run.points.empty())
    run.plan = plan_orbits(s, run.points.front(), *s.run.target_blocking, options, progress);
  run.interrupted = progress.stop.load();
  return run;
}

}  // namespace cpark::sim

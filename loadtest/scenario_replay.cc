#include "loadtest/scenario_replay.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/random.h"
#include "config/toml_reader.h"
#include "loadtest/results_writer.h"
#include "simulator/distribution.h"
#include "simulator/report.h"

namespace cpark::loadtest {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

// "2026-11-23T21:14:03.512Z" -> seconds since the epoch.
double parse_utc(const std::string& t) {
  std::tm tm{};
  double frac = 0;
  if (t.size() < 19) return 0;
  tm.tm_year = std::stoi(t.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(t.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(t.substr(8, 2));
  tm.tm_hour = std::stoi(t.substr(11, 2));
  tm.tm_min = std::stoi(t.substr(14, 2));
  tm.tm_sec = std::stoi(t.substr(17, 2));
  if (t.size() > 20 && t[19] == '.') frac = std::strtod(("0" + t.substr(19, t.find('Z') - 19)).c_str(), nullptr);
  return double(::timegm(&tm)) + frac;
}

std::string field(const ordered_json& j, const char* key) {
  if (!j.contains(key)) return {};
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

// Figures of the served run from its JSON event log, in scenario seconds: the parks that
// began within [0, horizon) of the load, like the simulator's measured time.
ServedFigures served_figures(const std::string& log_path, double load_start, double time_scale, double horizon,
                             double sample_interval) {
  ServedFigures f;
  std::ifstream in(log_path);
  std::string line;
  std::map<std::string, double> started;  // park id -> scenario time
  std::vector<std::pair<double, int>> steps;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() != '{') continue;
    ordered_json j = ordered_json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("event")) continue;
    const std::string ev = j["event"].get<std::string>();
    const double t = (parse_utc(field(j, "time")) - load_start) * time_scale;
    if (t > horizon) continue;
    if (ev == "park") {
      f.park_attempts += 1;
      started[field(j, "park_id")] = t;
      steps.push_back({t, +1});
    } else if (ev == "park_refused") {
      f.park_attempts += 1;
      if (field(j, "diagnostic") == "35002") f.parks_blocked += 1;
    } else if (ev == "park_ended") {
      auto it = started.find(field(j, "park_id"));
      if (it == started.end()) continue;  // parked before the load (none) or twice (never)
      steps.push_back({t, -1});
      f.parks_ended += 1;
      f.time_in_orbit_sum += t - it->second;
      const std::string reason = field(j, "reason");
      if (reason == "Retrieved") f.ended_retrieved += 1;
      else if (reason == "Ringback") f.ended_ringback += 1;
      else if (reason == "Fallback") f.ended_fallback += 1;
      else if (reason == "Abandoned") f.ended_abandoned += 1;
      else f.ended_disconnected += 1;
      started.erase(it);
    }
  }
  std::sort(steps.begin(), steps.end());
  double busy = 0, last = 0, area = 0, next_sample = 0;
  for (auto& [t, d] : steps) {
    while (next_sample <= t && next_sample <= horizon) f.busy_samples.push_back({next_sample, busy}), next_sample += sample_interval;
    area += busy * (t - last);
    last = std::max(0.0, t);
    busy += d;
    f.busy_peak = std::max(f.busy_peak, busy);
  }
  area += busy * (horizon - last);
  while (next_sample <= horizon) f.busy_samples.push_back({next_sample, busy}), next_sample += sample_interval;
  f.busy_mean = horizon > 0 ? area / horizon : 0;
  return f;
}

}  // namespace

void check_replayable(const sim::Scenario& s, double time_scale) {
  auto refuse = [&](const std::string& why) {
    throw FileError(s.file + ": cannot be played as SIP traffic: " + why);
  };
  if (!(time_scale >= 1 && time_scale <= 10000)) refuse("--time-scale must be 1 to 10000");
  if (s.traffic.size() != 1) refuse("replay plays one pool's traffic; the scenario has " + std::to_string(s.traffic.size()) + " [[traffic]] tables");
  const sim::Traffic& t = s.traffic.front();
  if (t.calls_per_hour > 0)
    refuse("traffic.calls_per_hour is " + sim::csv_number(t.calls_per_hour) +
           ": ringing calls and group pickup are not replayed yet (set it to 0 for a replay scenario)");
  if (t.parks_per_hour <= 0) refuse("traffic.parks_per_hour is 0: replay plays parks of established calls");
  if (!t.hourly_profile.empty()) refuse("traffic.hourly_profile: replay plays a constant rate");
  if (t.abandon) refuse("traffic.abandon: the parked party's patience is not replayed yet");
  if (t.retrieve_at_other_pool > 0) refuse("traffic.retrieve_at_other_pool: replay serves one pool");
  if (t.ringback_answer > 0 && t.ringback_answer_delay.kind != sim::Distribution::Kind::Deterministic)
    refuse("traffic.ringback_answer_delay must be deterministic (SIPp answers after a fixed time)");
  if (t.fallback_answer > 0 && t.fallback_answer_delay.kind != sim::Distribution::Kind::Deterministic)
    refuse("traffic.fallback_answer_delay must be deterministic (SIPp answers after a fixed time)");
  if (s.populations.empty() || s.populations.front().users < 2) refuse("replay needs 2 or more users ([[population]])");
}

ReplayResult run_replay(const ReplaySettings& settings) {
  ReplayResult out;
  sim::Scenario s = sim::read_scenario(settings.scenario_file);
  const double k = settings.time_scale;
  check_replayable(s, k);
  s.run.warmup = 0;  // both runs start empty and are measured from their first park
  if (settings.duration) s.run.duration = *settings.duration;
  for (auto& t : s.traffic) t.arrival = sim::Arrival::deterministic;
  const sim::Traffic& tr = s.traffic.front();
  const double park_rate = tr.parks_per_hour / 3600;  // scenario parks per second
  const auto parks = std::int64_t(std::floor(park_rate * s.run.duration));
  if (parks < 1) throw FileError(s.file + ": no park in " + sim::csv_number(s.run.duration) + " s at " + sim::csv_number(tr.parks_per_hour) + " parks per hour");

  // The deployment, made reachable: half the users park (registered at the parks' SIPp,
  // which answers their ringbacks), the others are the parked parties (answering phones,
  // their simultaneous-ring target); the fallback destination is a SIPp phone.
  RunOptions run = settings.run;
  run.phones_port = free_udp_port();
  const std::uint16_t fallback_port = free_udp_port();
  Deployment d = s.built->data();
  std::vector<std::string> parkers, parked;
  {
    std::size_t i = 0;
    for (auto& u : d.users) {
      if (u.pool != tr.pool) continue;
      if (i++ % 2 == 0) parkers.push_back(u.name);
      else {
        u.simultaneous_ring = {"sip:" + u.name + "@127.0.0.1:" + std::to_string(run.phones_port)};
        parked.push_back(u.name);
      }
    }
  }
 for (auto& c : d.settings)
    if (!c.fallback_uri.empty()) c.fallback_uri = "sip:fallback@127.0.0.1:" + std::to_string(fallback_port);
  run.deployment = d;
  run.engine_time_scale = k;
  run.json_log = true;

  // The plan: one line per park, the retrieval delay drawn from the scenario's
  // distribution (seeded by the scenario), divided by K.
  const fs::path sipp_dir = fs::path(run.out_dir) / "sipp";
  fs::create_directories(sipp_dir);
  Random rng(s.run.seed ^ 0x5eedULL);
  std::string plan = "SEQUENTIAL\n";
  for (std::int64_t i = 0; i < parks; ++i) {
    const bool never = tr.never_retrieved > 0 && sim::uniform01(rng) < tr.never_retrieved;
    const double delay_ms = never ? -1 : std::max(0.0, std::round(tr.retrieval_delay.sample(rng) * 1000 / k));
    plan += parkers[std::size_t(i) % parkers.size()] + ";" + parked[std::size_t(i) % parked.size()] + ";park;" +
            sim::csv_number(delay_ms) + "\n";
  }
  std::ofstream(sipp_dir / "parks.plan.csv") << plan;
  // The answering phones' templates, filled from the scenario.
  const std::string tmpl = read_all(fs::path(run.scenarios_dir) / "replay_answerer.xml");
  auto fill = [&](const std::string& name, double chance, const sim::Distribution& delay) {
    std::string x = tmpl;
    replace_all(x, "@NAME@", name);
    replace_all(x, "@ANSWER_CHANCE@", sim::csv_number(chance));
    replace_all(x, "@ANSWER_DELAY_MS@", std::to_string(std::max<std::int64_t>(1, std::llround(delay.mean * 1000 / k))));
    const fs::path p = sipp_dir / (name + ".xml");
    std::ofstream(p) << x;
    return fs::absolute(p).string();
  };
  const std::string ringback_xml = fill("ringback", tr.ringback_answer, tr.ringback_answer_delay);
  const std::string fallback_xml = fill("fallback", tr.fallback_answer, tr.fallback_answer_delay);
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.3f", park_rate * k * 1000);
  RunOptions::ExtraClient parks_client;
  parks_client.role = "parks";
  parks_client.scenario = fs::absolute(fs::path(run.scenarios_dir) / "replay_park_uac.xml").string();
  parks_client.args = {"-r", rate, "-rp", "1000000", "-m", std::to_string(parks), "-inf", "parks.plan.csv",
                       "-oocsf", ringback_xml};
  parks_client.rate = park_rate * k;
  run.extra_clients.push_back(parks_client);
  run.extra_phones.push_back({"fallback", fallback_xml, fallback_port, {}});

  Profile& p = out.profile;
  p.name = s.name;
  p.file = s.file;
  p.text = s.text;
  p.description = "scenario " + s.name + " played as SIP traffic, " + sim::csv_number(k) + " times faster";
  p.deployment.users = 0;
  // Long enough for the last park's longest path (timeouts, ringbacks, fallback), in wall time.
  p.timeout = s.run.duration / k + 180;

  out.run = run_load_test(p, run);

  // The served figures, from the server's event log, over the played time.
  const double load_start = parse_utc(out.run.started_at);
  out.served = served_figures((fs::path(run.out_dir) / "server.log").string(), load_start, k, s.run.duration,
                              s.run.sample_interval);

  // The same scenario simulated: deterministic arrivals, no warm-up, same duration.
  sim::Progress progress;
  sim::RunOptions sim_options;
  sim_options.jobs = 2;
  out.simulation = sim::run_scenario(s, sim_options, progress);
  out.scenario = s;

  // Side by side. A served run is ONE run: it is compared with the simulator's 95 %
  // prediction interval for one replication (half width x sqrt(n + 1)), widened by the
  // served figure's resolution (one park in its denominator).
  const sim::PointResult& pt = out.simulation.points.at(0);
  const ServedFigures& f = out.served;
  ordered_json figures = ordered_json::array();
  bool all = true;
  auto add = [&](const std::string& name, const std::string& pool, const std::string& unit, const sim::Estimate& e,
                 std::optional<double> served, double resolution) {
    ordered_json sim_fig = {{"mean", sim::json_number(e.mean)},
                            {"ci95_half_width", e.half_width ? sim::json_number(*e.half_width) : ordered_json(nullptr)},
                            {"replications", e.n},
                            {"unit", unit}};
    ordered_json agrees = nullptr;
    if (served && e.half_width) {
      const double width = *e.half_width * std::sqrt(double(e.n) + 1) + resolution;
      const bool ok = std::fabs(*served - e.mean) <= width + 1e-12;
      agrees = ok;
      all = all && ok;
    }
    figures.push_back({{"name", name},
                       {"pool", pool.empty() ? ordered_json(nullptr) : ordered_json(pool)},
                       {"unit", unit},
                       {"simulated", sim_fig},
                       {"served", served ? sim::json_number(*served) : ordered_json(nullptr)},
                       {"agrees", agrees}});
  };
  auto share = [](double a, double b) -> std::optional<double> { return b > 0 ? std::optional(a / b) : std::nullopt; };
  const double per_end = f.parks_ended > 0 ? 1 / f.parks_ended : 0;
  add("park_blocking", "", "share", pt.figure("park_blocking"), share(f.parks_blocked, f.park_attempts),
      f.park_attempts > 0 ? 1 / f.park_attempts : 0);
  add("share_retrieved", "", "share", pt.figure("share_retrieved"), share(f.ended_retrieved, f.parks_ended), per_end);
  add("share_ringback", "", "share", pt.figure("share_ringback"), share(f.ended_ringback, f.parks_ended), per_end);
  add("share_fallback", "", "share", pt.figure("share_fallback"), share(f.ended_fallback, f.parks_ended), per_end);
  add("share_disconnected", "", "share", pt.figure("share_disconnected"), share(f.ended_disconnected, f.parks_ended), per_end);
  add("share_abandoned", "", "share", pt.figure("share_abandoned"), share(f.ended_abandoned, f.parks_ended), per_end);
  add("pickup_answer_share", "", "share", pt.figure("pickup_answer_share"), std::nullopt, 0);
  const std::string k_pool = "pool." + tr.pool + ".";
  add("mean_time_in_orbit", tr.pool, "s", pt.figure(k_pool + "mean_time_in_orbit"),
      share(f.time_in_orbit_sum, f.parks_ended), 0);
  add("busy_mean", tr.pool, "orbits", pt.figure(k_pool + "busy_mean"), f.busy_mean, 0);
  add("busy_peak", tr.pool, "orbits", pt.figure(k_pool + "busy_peak"), f.busy_peak, 1);
  out.agrees = all;
  out.comparison = {{"format", sim::kResultsFormat},
                    {"kind", "comparison"},
                    {"software", {{"name", "cpark"}, {"version", settings.software_version}}},
                    {"scenario", {{"name", s.name}, {"file", s.file}}},
                    {"time_compression", sim::json_number(k)},
                    {"simulation", {{"folder", "../simulation"}, {"replications", int(pt.replications.size())}}},
                    {"loadtest", {{"folder", ".."}, {"profile", p.name}}},
                    {"interval", "served vs the simulator's 95 % prediction interval for one run: "
                                 "ci95_half_width x sqrt(replications + 1), widened by one event's resolution"},
                    {"figures", figures},
                    {"agrees", all}};
  return out;
}

void write_replay_results(const ReplaySettings& settings, const ReplayResult& r) {
  const fs::path out(settings.run.out_dir);
  write_results(out.string(), r.profile, r.run, {settings.software_version, settings.scenario_file, settings.time_scale});
  sim::write_results((out / "simulation").string(), r.scenario, r.simulation,
                     {settings.software_version, r.scenario.run.seed, 2});
  // comparison/timeseries.csv: busy orbits over scenario time from both runs.
  std::string ts = "source,time_s,pool,busy_mean,busy_min,busy_max\n";
  {
    std::ifstream sim_ts(out / "simulation" / "timeseries.csv");
    std::string line;
    std::getline(sim_ts, line);  // point,time_s,pool,busy_mean,busy_min,busy_max
    while (std::getline(sim_ts, line)) {
      const auto comma = line.find(',');
      if (comma != std::string::npos && line.compare(0, comma, "0") == 0) ts += "simulated," + line.substr(comma + 1) + "\n";
    }
  }
  const std::string pool = r.scenario.traffic.front().pool;
  for (auto& [t, busy] : r.served.busy_samples)
    ts += "served," + sim::csv_number(t) + "," + sim::csv_text(pool) + "," + sim::csv_number(busy) + ",,\n";
  fs::create_directories(out / "comparison");
  sim::write_file_atomically(out / "comparison" / "timeseries.csv", ts);
  sim::write_file_atomically(out / "comparison" / "summary.json", r.comparison.dump(2) + "\n");
}

}  // namespace cpark::loadtest

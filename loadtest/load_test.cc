#include "loadtest/load_test.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

#include "loadtest/detail/child_process.h"
#include "loadtest/detail/load_deployment.h"
#include "loadtest/detail/sipp_instance.h"
#include "loadtest/server_metrics.h"
#include "server/control/serve_file.h"
#include "server/control/utc_time.h"
#include "store/store.h"

namespace cpark::loadtest {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using detail::ChildProcess;
using detail::SippInstance;
using detail::SippLaunch;

constexpr const char* kDomain = "load.example";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool LoadTestRun::no_leaked_orbits() const {
  if (!busy_orbits_read) return false;
  for (auto& [pool, busy] : busy_orbits_after)
    if (busy != 0) return false;
  return true;
}

bool LoadTestRun::passed() const {
  bool ok = no_failed_calls() && no_leaked_orbits() && server_survived() && failure.empty() && !interrupted;
  if (restart) ok = ok && restart->store_intact && restart->served_after_restart;
  return ok;
}

namespace {

double epoch_now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

}  // namespace

std::uint16_t free_udp_port() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error("cannot open a UDP socket to find a free port");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  if (port == 0) throw std::runtime_error("no free UDP port on 127.0.0.1");
  return port;
}

namespace {

// True once something holds the UDP port (the SIPp or server we started bound it).
bool udp_port_taken(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool taken = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0;
  ::close(fd);
  return taken;
}

// A folder for the throw-away store, removed with everything in it.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "cpark-loadtest-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch folder in " + fs::temp_directory_path().string());
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

class Runner {
 public:
  Runner(const Profile& p, const RunOptions& o) : p_(p), o_(o) {}
  LoadTestRun run();

 private:
  // --- the server ---
  void start_server();
  void stop_server();
  // --- SIPp ---
  SippInstance& start_phone(const std::string& role, const std::string& scenario, std::uint16_t port);
  SippInstance& start_client(const std::string& role, Flow flow, double rate, std::int64_t calls, std::int64_t hold_ms,
                             std::int64_t max_concurrent, const std::vector<std::string>& more = {});
  std::vector<std::string> common_args(bool client, bool lossy_sipp = false) const;
  // --- running ---
  void sample_second();
  bool should_stop() const { return o_.stop && o_.stop->load(); }
  // Waits for `clients` to end, sampling every second; false when stopped or out of time.
  bool wait_for(const std::vector<SippInstance*>& clients, Clock::time_point deadline);
  void run_flows();
  void run_search();
  void run_with_restart();
  void finish();
  void summarize();
  double since_start() const { return std::chrono::duration<double>(Clock::now() - load_started_).count(); }

  const Profile& p_;
  const RunOptions& o_;
  LoadTestRun r_;
  ScratchDir scratch_;
  std::string store_path_, sipp_dir_;
  std::uint16_t server_port_ = 0, target_port_ = 0;
  detail::PhoneAddresses phones_;
  Deployment deployment_;
  ChildProcess server_;
  std::string control_;
  double server_cpu_before_restart_ = 0;
  std::int64_t server_peak_before_restart_ = 0;
  std::vector<std::unique_ptr<SippInstance>> sipp_;
  std::unique_ptr<FaultRelay> relay_;
  Clock::time_point load_started_, deadline_;
  double load_started_epoch_ = 0;
  double last_cpu_ = 0;
  Clock::time_point last_cpu_at_;
  struct Second {
    double cpu_percent = kNaN;
    std::optional<std::int64_t> busy, rss;
  };
  std::map<int, Second> seconds_;
  std::set<std::string> excluded_roles_;  // instances cut by a deliberate server kill
};

// -aa: a NOTIFY or INFO that comes again after SIPp moved on (its 200 was lost) is
// answered 200, as a phone would, instead of failing the call.
std::vector<std::string> Runner::common_args(bool client, bool lossy_sipp) const {
  std::vector<std::string> a = {"-key", "domain", kDomain, "-recv_timeout", "32000", "-max_recv_loops", "10000"};
  if (client) a.push_back("-aa");
  // Debugging a flow: every SIPp writes each message it sends and receives to
  // <scenario>_<pid>_messages.log in the output's sipp/ folder (sipp/README.md).
  if (std::getenv("CPARK_LOADTEST_TRACE_SIPP")) a.push_back("-trace_msg");
  // SIPp's own loss (-lost) applies to clients that send only requests (call, register):
  // SIPp retransmits those. A response SIPp "loses" is never sent again and leaves the
  // SIPp call stuck at that step (seen: a late 202 then fails the call), so the flows
  // that answer NOTIFYs lose packets in the relay only, where the server retransmits.
  if (client && lossy_sipp && p_.faults && p_.faults->sipp_lost > 0) {
    a.push_back("-lost");
    a.push_back(std::to_string(p_.faults->sipp_lost * 100));
  }
  return a;
}

void Runner::start_server() {
  const std::string log = (fs::path(o_.out_dir) / "server.log").string();
  std::vector<std::string> argv = {o_.cpark_binary, "--store", store_path_, "serve", "--listen",
                                   "udp:127.0.0.1:" + std::to_string(server_port_), "--domain", kDomain, "--metrics",
                                   o_.metrics.empty() ? "127.0.0.1:0" : o_.metrics, "--drain-seconds", "1", "--t1",
                                   std::to_string(p_.t1_ms)};
  if (p_.max_transactions > 0) {
    argv.push_back("--max-transactions");
    argv.push_back(std::to_string(p_.max_transactions));
  }
  if (o_.json_log) {
    argv.push_back("--log-format");
    argv.push_back("json");
  }
  if (o_.engine_time_scale != 1) {
    argv.push_back("--engine-time-scale");
    argv.push_back(std::to_string(o_.engine_time_scale));
  }
  server_ = ChildProcess::start(argv, log, log);
  // Its discovery file names the control endpoint; it is written once the sockets are up.
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < deadline) {
    if (!server_.running())
      throw std::runtime_error("cpark serve exited at start (code " + std::to_string(server_.exit()->code) +
                               "); see " + log);
    if (auto f = server::read_serve_file(store_path_); f && f->pid == server_.pid()) {
      control_ = f->control;
      if (udp_port_taken(server_port_)) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("cpark serve did not come up within 20 s; see " + log);
}

void Runner::stop_server() {
  if (!server_.running()) {
    if (server_.exit()) {
      r_.server_exit = "crashed";
      r_.server_exit_code = server_.exit()->signalled ? std::nullopt : std::optional<int>(server_.exit()->code);
    }
  } else {
    server_.signal(SIGTERM);  // drains: parks end, calls get --drain-seconds
    auto e = server_.wait_until(Clock::now() + std::chrono::seconds(15));
    if (!e) {
      server_.stop(SIGKILL, std::chrono::milliseconds(0));
      r_.server_exit = "killed";
    } else {
      r_.server_exit = e->signalled || e->code != 0 ? "crashed" : "clean";
      if (!e->signalled) r_.server_exit_code = e->code;
    }
  }
  if (server_.exit()) {
    r_.server_cpu_seconds = server_cpu_before_restart_ + server_.exit()->cpu_seconds;
    r_.server_peak_rss = std::max(server_peak_before_restart_, server_.exit()->peak_rss_bytes);
  }
}

SippInstance& Runner::start_phone(const std::string& role, const std::string& scenario, std::uint16_t port) {
  SippLaunch l;
  l.role = role;
  l.scenario = fs::absolute(fs::path(o_.scenarios_dir) / scenario).string();
  l.local_port = port;
  l.extra = common_args(false);
  l.extra.insert(l.extra.end(), o_.phone_args.begin(), o_.phone_args.end());
  sipp_.push_back(std::make_unique<SippInstance>(SippInstance::start(o_.sipp_binary, l, sipp_dir_)));
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!udp_port_taken(port)) {
    if (!sipp_.back()->process().running() || Clock::now() > deadline)
      throw std::runtime_error("SIPp (" + role + ") did not start; see " + sipp_dir_ + "/" + role + ".stderr.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return *sipp_.back();
}

SippInstance& Runner::start_client(const std::string& role, Flow flow, double rate, std::int64_t calls,
                                   std::int64_t hold_ms, std::int64_t max_concurrent,
                                   const std::vector<std::string>& more) {
  const std::string users = (fs::path(sipp_dir_) / (role + ".users.csv")).string();
  std::ofstream(users) << detail::injection_file(p_, deployment_, flow, calls);
  SippLaunch l;
  l.role = role;
  l.scenario = fs::absolute(fs::path(o_.scenarios_dir) / std::string(flow_scenario(flow))).string();
  l.remote = "127.0.0.1:" + std::to_string(target_port_);
  l.local_port = free_udp_port();
  l.expected_calls = calls;
  l.extra = common_args(true, flow == Flow::call || flow == Flow::register_);
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%.3f", rate * 1000);  // calls per 1000 s: fractional rates
  l.extra.insert(l.extra.end(), {"-r", rate_text, "-rp", "1000000", "-m", std::to_string(calls), "-d",
                                 std::to_string(hold_ms), "-inf", role + ".users.csv"});
  if (max_concurrent > 0) l.extra.insert(l.extra.end(), {"-l", std::to_string(max_concurrent)});
  l.extra.insert(l.extra.end(), more.begin(), more.end());
  sipp_.push_back(std::make_unique<SippInstance>(SippInstance::start(o_.sipp_binary, l, sipp_dir_)));
  return *sipp_.back();
}

void Runner::sample_second() {
  const int second = int(std::ceil(since_start() - 1e-9));
  Second& s = seconds_[second];
  const auto now = Clock::now();
  const double cpu = server_.cpu_seconds_now();
  if (last_cpu_at_ != Clock::time_point{} && cpu >= last_cpu_) {
    const double dt = std::chrono::duration<double>(now - last_cpu_at_).count();
    if (dt > 0) s.cpu_percent = 100 * (cpu - last_cpu_) / dt;
  }
  last_cpu_ = cpu;
  last_cpu_at_ = now;
  if (auto rss = server_.rss_bytes_now(); rss > 0) s.rss = rss;
  if (auto m = scrape_metrics(control_)) s.busy = m->busy_orbits_total();
  if (o_.on_progress) {
    std::int64_t done = 0, failed = 0;
    for (auto& i : sipp_) {
      if (!i->is_client()) continue;
      try {
        auto rows = read_sipp_stat((fs::path(sipp_dir_) / (i->role() + ".stat.csv")).string());
        if (!rows.empty()) done += rows.back().succeeded_total, failed += rows.back().failed_total;
      } catch (const std::exception&) {
      }
    }
    char line[200];
    std::snprintf(line, sizeof line, "[%4d s] calls done %lld, failed %lld, busy orbits %s, server CPU %s", second,
                  static_cast<long long>(done), static_cast<long long>(failed),
                  s.busy ? std::to_string(*s.busy).c_str() : "?",
                  std::isnan(s.cpu_percent) ? "?" : (std::to_string(int(s.cpu_percent)) + "%").c_str());
    o_.on_progress(line);
  }
}

bool Runner::wait_for(const std::vector<SippInstance*>& clients, Clock::time_point deadline) {
  auto next = Clock::now() + std::chrono::seconds(1);
  for (;;) {
    bool any = false;
    for (auto* c : clients) any = any || c->process().running();
    if (!any) return true;
    if (should_stop()) {
      r_.interrupted = true;
      return false;
    }
    if (Clock::now() > deadline || Clock::now() > deadline_) {
      r_.failure = "the load did not finish within its time limit";
      return false;
    }
    if (!server_.running()) {
      r_.failure = "the server died during the load";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (Clock::now() >= next) {
      sample_second();
      next += std::chrono::seconds(1);
    }
  }
}

void Runner::run_flows() {
  std::vector<SippInstance*> group;
  auto launch = [&](std::size_t i, const FlowLoad& f) {
    const std::int64_t calls = f.calls > 0 ? f.calls : std::int64_t(std::ceil(f.rate * f.duration));
    const std::string role = std::string(flow_name(f.flow)) + (p_.flows.size() > 1 ? "-" + std::to_string(i + 1) : "");
    return &start_client(role, f.flow, f.rate, calls, f.hold_ms, f.max_concurrent);
  };
  auto limit = [&](const FlowLoad& f) {
    const std::int64_t calls = f.calls > 0 ? f.calls : std::int64_t(std::ceil(f.rate * f.duration));
    return Clock::now() + std::chrono::seconds(std::int64_t(double(calls) / f.rate + double(f.hold_ms) / 1000 + 90));
  };
  if (p_.parallel) {
    auto until = Clock::now();
    for (std::size_t i = 0; i < p_.flows.size(); ++i) group.push_back(launch(i, p_.flows[i])), until = std::max(until, limit(p_.flows[i]));
    wait_for(group, until);
    return;
  }
  for (std::size_t i = 0; i < p_.flows.size(); ++i) {
    auto* c = launch(i, p_.flows[i]);
    if (!wait_for({c}, limit(p_.flows[i]))) return;
  }
}

void Runner::run_search() {
  const RateSearch& s = *p_.search;
  for (double rate = s.start; rate <= s.max + 1e-9; rate += s.step) {
    const std::string role = std::string(flow_name(s.flow)) + "-" + std::to_string(std::llround(rate));
    const std::int64_t calls = std::int64_t(std::ceil(rate * s.step_seconds));
    const double cpu0 = server_.cpu_seconds_now();
    const auto t0 = Clock::now();
    auto& c = start_client(role, s.flow, rate, calls, s.hold_ms, 0);
    const bool done = wait_for({&c}, Clock::now() + std::chrono::seconds(std::int64_t(s.step_seconds) + 60));
    if (!done) c.stop(std::chrono::seconds(5));
    c.collect();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    SearchStep step;
    step.rate = rate;
    if (!c.stats().empty()) {
      step.attempted = c.stats().back().created_total;
      step.succeeded = c.stats().back().succeeded_total;
      step.failed = c.stats().back().failed_total + (step.attempted - step.succeeded - c.stats().back().failed_total);
    }
    // Calls/s achieved: what SIPp created over the time it took to create them.
    step.achieved_rate = wall > 0 ? double(step.attempted) / std::max(s.step_seconds, wall - double(s.hold_ms) / 1000) : 0;
    step.server_cpu_percent = wall > 0 ? 100 * (server_.cpu_seconds_now() - cpu0) / wall : 0;
    std::vector<double> invite;
    for (auto& x : c.responses())
      if (x.timer == "invite") invite.push_back(x.milliseconds);
    step.p99_invite_ms = percentile(invite, 99);
    step.passed = done && step.attempted > 0 && step.failed == 0 && step.p99_invite_ms < s.p99_invite_limit_ms;
    r_.search.push_back(step);
    if (o_.on_progress) {
      char line[200];
      std::snprintf(line, sizeof line, "rate %.0f/s: %lld calls, %lld failed, p99 INVITE %.0f ms, server CPU %.0f%% -> %s",
                    rate, static_cast<long long>(step.attempted), static_cast<long long>(step.failed), step.p99_invite_ms,
                    step.server_cpu_percent, step.passed ? "ok" : "over the limit");
      o_.on_progress(line);
    }
    if (step.passed && r_.max_rate.value_or(0) == rate - s.step) r_.max_rate = rate;
    if (step.passed && !r_.max_rate && rate == s.start) r_.max_rate = rate;
    const bool clean = done && step.attempted > 0 && step.failed == 0;
    if (clean) r_.max_rate_no_failures = rate;
    // Let the server settle before the next step: the previous one's calls end first.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    // Go on while no call fails: the p99 answer is the highest passing step below the
    // first over the limit, the zero-failure answer the highest clean step.
    if (!clean) break;
  }
}

void Runner::run_with_restart() {
  // Round 1: the flows run until the kill; the calls in progress then are cut (they are
  // not failures of the server: it was killed on purpose).
  std::vector<SippInstance*> round1;
  for (std::size_t i = 0; i < p_.flows.size(); ++i) {
    const FlowLoad& f = p_.flows[i];
    const std::int64_t calls = f.calls > 0 ? f.calls : std::int64_t(std::ceil(f.rate * f.duration));
    round1.push_back(&start_client(std::string(flow_name(f.flow)) + "-before-kill", f.flow, f.rate, calls, f.hold_ms,
                                   f.max_concurrent));
  }
  const auto kill_at = Clock::now() + std::chrono::milliseconds(std::int64_t(*p_.restart_at * 1000));
  auto next = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < kill_at && !should_stop()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (Clock::now() >= next) sample_second(), next += std::chrono::seconds(1);
  }
  if (should_stop()) {
    r_.interrupted = true;
    return;
  }
  RestartReport rep;
  rep.killed_after_seconds = since_start();
  const std::int64_t revision = Store(store_path_).revision();
  server_.signal(SIGKILL);
  server_.wait_until(Clock::now() + std::chrono::seconds(5));
  if (server_.exit()) {
    server_cpu_before_restart_ += server_.exit()->cpu_seconds;
    server_peak_before_restart_ = std::max(server_peak_before_restart_, server_.exit()->peak_rss_bytes);
  }
  for (auto* c : round1) {
    c->process().stop(SIGKILL, std::chrono::milliseconds(0));
    c->collect();
    excluded_roles_.insert(c->role());
    if (!c->stats().empty()) rep.calls_cut += c->stats().back().created_total - c->stats().back().succeeded_total;
  }
  // The phones held legs of the cut calls: they start afresh too.
  for (auto& s : sipp_)
    if (!s->is_client() && s->process().running()) {
      s->process().stop(SIGKILL, std::chrono::milliseconds(0));
      s->collect();
      excluded_roles_.insert(s->role());
    }
  // The store is intact: it opens, validates, and has the revision it had.
  try {
    Store st(store_path_);
    rep.store_intact = st.load_validated().ok() && st.revision() == revision;
  } catch (const std::exception&) {
    rep.store_intact = false;
  }
  start_server();
  start_phone("phones-after-restart", "phone_uas.xml", phones_.phones_port);
  if (p_.deployment.members > 0) start_phone("members-after-restart", "member_uas.xml", phones_.members_port);
  std::vector<SippInstance*> round2;
  auto until = Clock::now();
  for (std::size_t i = 0; i < p_.flows.size(); ++i) {
    const FlowLoad& f = p_.flows[i];
    const std::int64_t calls = f.calls > 0 ? f.calls : std::int64_t(std::ceil(f.rate * f.duration));
    round2.push_back(&start_client(std::string(flow_name(f.flow)) + "-after-restart", f.flow, f.rate, calls, f.hold_ms,
                                   f.max_concurrent));
    until = std::max(until, Clock::now() + std::chrono::seconds(std::int64_t(double(calls) / f.rate + 90)));
  }
  const bool done = wait_for(round2, until);
  bool ok = done;
  for (auto* c : round2) {
    c->collect();
    ok = ok && !c->stats().empty() && c->stats().back().failed_total == 0 &&
         c->stats().back().succeeded_total == c->stats().back().created_total && c->stats().back().created_total > 0;
  }
  rep.served_after_restart = ok;
  r_.restart = rep;
}

void Runner::finish() {
  // Stop the clients still running (Ctrl-C, time limit), then let parks end: a park cycle
  // frees its orbit at the retrieval, so busy orbits settle within moments.
  for (auto& s : sipp_)
    if (s->is_client() && s->process().running()) s->stop(std::chrono::seconds(5));
  if (server_.running()) {
    const auto settle = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < settle) {
      auto m = scrape_metrics(control_);
      if (m && m->busy_orbits_total() == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (auto m = scrape_metrics(control_)) {
      r_.counters_after = m->counters();
      r_.busy_orbits_after = m->busy_orbits();
      r_.busy_orbits_read = true;
    }
  }
  for (auto& s : sipp_)
    if (s->process().running()) s->stop(std::chrono::seconds(6));
  r_.wall_seconds = since_start();
  stop_server();
  if (relay_) r_.faults = relay_->counts();
  relay_.reset();
}

void Runner::summarize() {
  std::map<std::string, std::vector<double>> by_timer;
  std::map<int, std::vector<double>> by_second;
  std::map<int, TimeseriesRow> rows;
  auto second_of = [&](double epoch) { return std::max(1, int(std::ceil(epoch - load_started_epoch_ - 1e-9))); };
  for (auto& s : sipp_) {
    s->collect();
    SippReport rep;
    rep.role = s->role();
    rep.scenario = s->launch().scenario;
    rep.trace_stat = s->stat_path();
    rep.exit_code = s->exit_code();
    rep.client = s->is_client();
    if (!s->stats().empty()) {
      const SippStatRow& last = s->stats().back();
      rep.attempted = last.created_total;
      rep.succeeded = last.succeeded_total;
      rep.failed = last.failed_total;
      rep.retransmissions = last.retransmissions_total;
    }
    r_.sipp.push_back(rep);
    if (excluded_roles_.count(rep.role)) continue;
    if (rep.client && (s->stats().empty() || (rep.exit_code != 0 && rep.exit_code != 1)) && r_.failure.empty() &&
        !r_.interrupted)
      r_.failure = "SIPp (" + rep.role + ") did not run its calls (exit " + std::to_string(rep.exit_code) + "); see " +
                   sipp_dir_ + "/" + rep.role + ".errors.log and .stderr.log";
    if (rep.client) {
      r_.attempted += rep.attempted;
      r_.succeeded += rep.succeeded;
      r_.failed += rep.failed;
    } else {
      r_.phone_failures += rep.failed;
    }
    r_.retransmissions += rep.retransmissions;
    for (const SippStatRow& row : s->stats()) {
      TimeseriesRow& t = rows[second_of(row.time)];
      if (rep.client) {
        t.call_rate += double(row.created);
        t.succeeded += row.succeeded;
        t.failed += row.failed;
      } else {
        t.failed += row.failed;
      }
      t.retransmissions += row.retransmissions;
    }
    for (const SippResponse& x : s->responses()) {
      by_timer[x.timer].push_back(x.milliseconds);
      by_second[second_of(s->started_at() + x.time)].push_back(x.milliseconds);
    }
  }
  // Transactions in the order a call meets them, then any others by name.
  const std::vector<std::string> order = {"register", "invite", "refer", "park", "retrieve", "pickup", "bye"};
  std::vector<std::string> names;
  for (auto& n : order)
    if (by_timer.count(n)) names.push_back(n);
  for (auto& [n, v] : by_timer)
    if (std::find(order.begin(), order.end(), n) == order.end()) names.push_back(n);
  for (auto& n : names) {
    auto& v = by_timer[n];
    TransactionTimes t;
    t.transaction = n;
    t.count = std::int64_t(v.size());
    t.p50 = percentile(v, 50);
    t.p90 = percentile(v, 90);
    t.p99 = percentile(v, 99);
    t.max = v.empty() ? kNaN : *std::max_element(v.begin(), v.end());
    r_.response_times.push_back(t);
  }
  const int last_second = std::max(1, int(std::ceil(r_.wall_seconds)));
  for (int sec = 1; sec <= last_second; ++sec) {
    TimeseriesRow t = rows.count(sec) ? rows[sec] : TimeseriesRow{};
    t.time_s = sec;
    auto& v = by_second[sec];
    t.p50 = percentile(v, 50);
    t.p90 = percentile(v, 90);
    t.p99 = percentile(v, 99);
    if (auto it = seconds_.find(sec); it != seconds_.end()) {
      t.busy_orbits = it->second.busy;
      t.cpu_percent = it->second.cpu_percent;
      t.rss_bytes = it->second.rss;
    } else {
      t.cpu_percent = kNaN;
    }
    r_.timeseries.push_back(t);
  }
  r_.achieved_rate = r_.wall_seconds > 0 ? double(r_.attempted) / r_.wall_seconds : 0;
}

LoadTestRun Runner::run() {
  fs::create_directories(fs::path(o_.out_dir) / "sipp");
  sipp_dir_ = (fs::path(o_.out_dir) / "sipp").string();
  for (auto& e : fs::directory_iterator(sipp_dir_))  // a previous run's files (not this run's plan)
    if (e.path().filename() != "parks.plan.csv" && e.path().extension() != ".xml") fs::remove_all(e.path());
  std::error_code ec;
  fs::remove(fs::path(o_.out_dir) / "server.log", ec);
  store_path_ = (scratch_.path / "load.db").string();
  server_port_ = free_udp_port();
  phones_.phones_port = o_.phones_port ? o_.phones_port : free_udp_port();
  phones_.members_port = free_udp_port();
  deployment_ = o_.deployment ? *o_.deployment : detail::make_load_deployment(p_, phones_);
  {
    Store st(store_path_);
    auto w = st.replace(deployment_, {});
    if (!w) throw std::runtime_error(p_.deployment.file + ": " + w.message());
  }
  deadline_ = Clock::now() + std::chrono::milliseconds(std::int64_t(p_.timeout * 1000));
  start_server();
  try {
    target_port_ = server_port_;
    if (p_.faults && (p_.faults->drop > 0 || p_.faults->duplicate > 0 || p_.faults->reorder > 0 ||
                      p_.faults->delay_ms > 0 || p_.faults->jitter_ms > 0)) {
      FaultSettings fs{p_.faults->drop, p_.faults->duplicate, p_.faults->reorder, p_.faults->delay_ms,
                       p_.faults->jitter_ms, p_.faults->seed};
      relay_ = std::make_unique<FaultRelay>(0, "127.0.0.1", server_port_, fs);
      target_port_ = relay_->port();
    }
    start_phone("phones", "phone_uas.xml", phones_.phones_port);
    if (p_.deployment.members > 0) start_phone("members", "member_uas.xml", phones_.members_port);
    for (auto& x : o_.extra_phones) {
      SippLaunch l;
      l.role = x.role;
      l.scenario = x.scenario;
      l.local_port = x.port;
      l.extra = common_args(false);
      l.extra.insert(l.extra.end(), x.args.begin(), x.args.end());
      sipp_.push_back(std::make_unique<SippInstance>(SippInstance::start(o_.sipp_binary, l, sipp_dir_)));
    }
    if (auto m = scrape_metrics(control_)) r_.counters_before = m->counters();
    r_.started_at = server::format_utc_iso8601(std::chrono::system_clock::now());
    load_started_ = Clock::now();
    load_started_epoch_ = epoch_now();
    r_.target_rate = p_.call_rate();
    for (auto& x : o_.extra_clients) {
      SippLaunch l;
      l.role = x.role;
      l.scenario = x.scenario;
      l.remote = "127.0.0.1:" + std::to_string(target_port_);
      l.local_port = free_udp_port();
      l.extra = common_args(true);
      l.extra.insert(l.extra.end(), x.args.begin(), x.args.end());
      sipp_.push_back(std::make_unique<SippInstance>(SippInstance::start(o_.sipp_binary, l, sipp_dir_)));
      r_.target_rate += x.rate;
    }
    if (p_.search) run_search();
    else if (p_.restart_at) run_with_restart();
    else if (!p_.flows.empty()) run_flows();
    if (!o_.extra_clients.empty() && !r_.interrupted && r_.failure.empty()) {
      std::vector<SippInstance*> extra;
      for (auto& s : sipp_)
        if (s->is_client() && s->process().running()) extra.push_back(s.get());
      wait_for(extra, deadline_);
    }
  } catch (...) {
    for (auto& s : sipp_) s->process().stop(SIGKILL, std::chrono::milliseconds(0));
    server_.stop(SIGKILL, std::chrono::milliseconds(0));
    throw;
  }
  finish();
  summarize();
  return std::move(r_);
}

}  // namespace

LoadTestRun run_load_test(const Profile& profile, const RunOptions& options) {
  Runner runner(profile, options);
  LoadTestRun r = runner.run();
  return r;
}

}  // namespace cpark::loadtest

#include "loadtest/detail/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cpark::loadtest::detail {

ChildProcess ChildProcess::start(const std::vector<std::string>& argv, const std::string& stdout_file,
                                 const std::string& stderr_file, const std::string& workdir) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const int flags = O_WRONLY | O_CREAT | O_APPEND;  // no O_CLOEXEC: these ARE the child's fds
  posix_spawn_file_actions_addopen(&actions, 1, stdout_file.empty() ? "/dev/null" : stdout_file.c_str(), flags, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_file.empty() ? "/dev/null" : stderr_file.c_str(), flags, 0644);
  if (!workdir.empty()) posix_spawn_file_actions_addchdir_np(&actions, workdir.c_str());
  // Its own process group, so a Ctrl-C at the terminal reaches only us: we stop it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  ChildProcess c;
  c.pid_ = pid;
  return c;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_) stop(SIGKILL, std::chrono::milliseconds(0));
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), exit_(o.exit_) { o.pid_ = -1; }

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0 && !exit_) stop(SIGKILL, std::chrono::milliseconds(0));
    pid_ = o.pid_;
    exit_ = o.exit_;
    o.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::reap(bool block) {
  if (pid_ <= 0 || exit_) return true;
  int status = 0;
  rusage ru{};
  pid_t r;
  do r = ::wait4(pid_, &status, block ? 0 : WNOHANG, &ru);
  while (r < 0 && errno == EINTR);
  if (r == 0) return false;
  ChildExit e;
  if (r == pid_) {
    e.signalled = WIFSIGNALED(status);
    e.code = e.signalled ? WTERMSIG(status) : WEXITSTATUS(status);
    e.cpu_seconds = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    e.peak_rss_bytes = std::int64_t(ru.ru_maxrss) * 1024;
  }
  exit_ = e;
  return true;
}

bool ChildProcess::running() { return pid_ > 0 && !reap(false); }

void ChildProcess::signal(int sig) const {
  if (pid_ > 0 && !exit_) ::kill(pid_, sig);
}

std::optional<ChildExit> ChildProcess::wait_until(std::chrono::steady_clock::time_point deadline) {
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_;
}

ChildExit ChildProcess::stop(int first, std::chrono::milliseconds grace) {
  if (pid_ <= 0) return {};
  if (!exit_) {
    signal(first);
    if (first != SIGKILL && !wait_until(std::chrono::steady_clock::now() + grace)) signal(SIGKILL);
    reap(true);
  }
  return *exit_;
}

double ChildProcess::cpu_seconds_now() const {
  if (pid_ <= 0 || exit_) return 0;
  std::ifstream f("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return 0;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15: utime, stime in clock ticks
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return double(utime + stime) / double(::sysconf(_SC_CLK_TCK));
}

std::int64_t ChildProcess::rss_bytes_now() const {
  if (pid_ <= 0 || exit_) return 0;
  std::ifstream f("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  return 0;
}

}  // namespace cpark::loadtest::detail

// A program the load test started (the server, SIPp): spawned with its output in files,
// stopped by its PID only (never by name), reaped with its CPU time and peak memory. The
// destructor kills and reaps a child still running, so a load test that fails or is
// interrupted leaves nothing behind.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace cpark::loadtest::detail {

struct ChildExit {
  bool signalled = false;
  int code = 0;                  // exit status, or the signal number when signalled
  double cpu_seconds = 0;        // user + system, from wait4
  std::int64_t peak_rss_bytes = 0;
};

class ChildProcess {
 public:
  ChildProcess() = default;
  // Starts `argv` (argv[0] looked up in PATH) with stdin from /dev/null and stdout /
  // stderr appended to the given files ("" = /dev/null), in `workdir` when not empty.
  // Throws std::runtime_error naming the program when it cannot be started.
  static ChildProcess start(const std::vector<std::string>& argv, const std::string& stdout_file,
                            const std::string& stderr_file, const std::string& workdir = {});
  ~ChildProcess();
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();                       // reaps it if it has ended
  void signal(int sig) const;           // to this PID only
  // Waits until it ends or the deadline passes; nullopt if still running.
  std::optional<ChildExit> wait_until(std::chrono::steady_clock::time_point deadline);
  // SIGTERM (or `first`), then SIGKILL after `grace`; always reaps.
  ChildExit stop(int first, std::chrono::milliseconds grace);
  const std::optional<ChildExit>& exit() const { return exit_; }

  // From /proc while it runs: CPU seconds so far and resident memory now (0 when gone).
  double cpu_seconds_now() const;
  std::int64_t rss_bytes_now() const;

 private:
  bool reap(bool block);
  pid_t pid_ = -1;
  std::optional<ChildExit> exit_;
};

}  // namespace cpark::loadtest::detail

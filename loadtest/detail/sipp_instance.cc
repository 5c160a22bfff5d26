#include "loadtest/detail/sipp_instance.h"

#include <signal.h>

#include <chrono>
#include <filesystem>

namespace cpark::loadtest::detail {

namespace fs = std::filesystem;

SippInstance SippInstance::start(const std::string& sipp_binary, const SippLaunch& launch, const std::string& folder) {
  SippInstance s;
  s.launch_ = launch;
  s.folder_ = folder;
  std::vector<std::string> argv = {sipp_binary};
  if (!launch.remote.empty()) argv.push_back(launch.remote);
  for (std::string a : {"-sf", launch.scenario.c_str(), "-i", "127.0.0.1", "-p"}) argv.push_back(a);
  argv.push_back(std::to_string(launch.local_port));
  for (std::string a : {"-nostdin", "-buff_size", "4194304", "-trace_stat", "-fd", "1", "-trace_rtt", "-trace_err"})
    argv.push_back(a);
  // SIPp writes response times in blocks of -rtt_freq rows and drops the last partial
  // block at exit: a small run writes every row, a big one loses at most 199 of many.
  argv.insert(argv.end(), {"-rtt_freq", launch.expected_calls < 5000 ? "1" : "200"});
  argv.insert(argv.end(), {"-stf", launch.role + ".stat.csv", "-error_file", launch.role + ".errors.log"});
  argv.insert(argv.end(), launch.extra.begin(), launch.extra.end());
  std::error_code ec;
  fs::remove(fs::path(folder) / (launch.role + ".stat.csv"), ec);
  s.started_at_ = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  s.process_ = ChildProcess::start(argv, "", (fs::path(folder) / (launch.role + ".stderr.log")).string(), folder);
  return s;
}

ChildExit SippInstance::stop(std::chrono::milliseconds grace) {
  ChildExit e = process_.stop(SIGUSR1, grace);
  collect();
  return e;
}

int SippInstance::exit_code() const {
  const auto& e = process_.exit();
  if (!e) return -1;
  return e->signalled ? 128 + e->code : e->code;
}

void SippInstance::collect() {
  if (collected_) return;
  collected_ = true;
  const fs::path dir(folder_);
  const std::string stem = fs::path(launch_.scenario).stem().string();
  const fs::path rtt = dir / (stem + "_" + std::to_string(process_.pid()) + "_rtt.csv");
  const fs::path target = dir / (launch_.role + ".rtt.csv");
  std::error_code ec;
  if (fs::exists(rtt, ec)) fs::rename(rtt, target, ec);
  responses_ = read_sipp_rtt(target.string());
  try {
    stats_ = read_sipp_stat((dir / (launch_.role + ".stat.csv")).string());
  } catch (const std::exception&) {
    stats_.clear();  // SIPp never got going (the stderr log says why)
  }
  // An empty stderr log is noise in the results folder.
  const fs::path err = dir / (launch_.role + ".stderr.log");
  if (fs::exists(err, ec) && fs::file_size(err, ec) == 0) fs::remove(err, ec);
  const fs::path errors = dir / (launch_.role + ".errors.log");
  if (fs::exists(errors, ec) && fs::file_size(errors, ec) == 0) fs::remove(errors, ec);
}

}  // namespace cpark::loadtest::detail

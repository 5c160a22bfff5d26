// Runs tasks 0..n-1 on a few threads, the way the simulator runs replications: results
// go by index (so they do not depend on the thread count), the calling thread reports
// progress, and the first exception a task throws stops the other workers and is
// rethrown to the caller (a failing replication never aborts the process).
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>

namespace cpark::sim {

struct ParallelProgress {
  std::function<void()> report;         // called about four times a second, may be empty
  const std::atomic<bool>* stop = nullptr;  // stops handing out tasks when set
};

void run_parallel(std::size_t tasks, int threads, const std::function<void(std::size_t)>& task,
                  const ParallelProgress& progress = {});

}  // namespace cpark::sim

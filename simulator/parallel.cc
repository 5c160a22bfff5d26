#include "simulator/parallel.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cpark::sim {

void run_parallel(std::size_t n, int jobs, const std::function<void(std::size_t)>& task,
                  const ParallelProgress& progress) {
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto stopped = [&] { return progress.stop && progress.stop->load(); };
  auto worker = [&] {
    for (std::size_t i; !failed.load() && (i = next.fetch_add(1)) < n;) {
      if (stopped()) break;
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
        break;
      }
      done.fetch_add(1);
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, int(std::max<std::size_t>(n, 1))));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  if (!progress.report) {
    worker();
  } else {
    std::thread last(worker);
    while (done.load() < n && !failed.load() && !(stopped() && next.load() >= n)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
      progress.report();
      if (stopped()) break;
    }
    last.join();
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace cpark::sim

// What one replication measured (after its warm-up): named figures, the busy-orbit time
// series and two histograms. Replications are combined in statistics.h.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace cpark::sim {

struct Histogram {
  double bin_seconds = 1;
  std::vector<double> counts;  // the last bin holds everything beyond
  Histogram() = default;
  Histogram(double width, int bins) : bin_seconds(width), counts(std::size_t(bins), 0.0) {}
  void add(double seconds) {
    auto i = std::size_t(seconds / bin_seconds);
    counts[std::min(i, counts.size() - 1)] += 1;
  }
  void merge(const Histogram& o) {
    for (std::size_t i = 0; i < counts.size() && i < o.counts.size(); ++i) counts[i] += o.counts[i];
  }
};

struct ReplicationResult {
  bool completed = false;
  std::map<std::string, double> figures;          // "parks", "pool.<name>.blocking", …
  std::vector<std::vector<double>> busy_samples;  // [pool][sample] busy orbits
  Histogram parked_time{10, 120};                 // 10 s bins up to 20 min
  Histogram time_to_pickup{1, 120};               // 1 s bins up to 2 min
  std::uint64_t events = 0;
};

}  // namespace cpark::sim

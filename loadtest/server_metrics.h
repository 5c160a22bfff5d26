// The server's S9 counters as the load test reads them: one scrape of the control
// endpoint's /metrics (Prometheus text format 0.0.4), kept as samples by name and
// labels, with the figures summary.json reports (counters before and after, orbits busy
// per pool).
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cpark::loadtest {

struct ServerMetrics {
  std::map<std::string, double> samples;  // "cpark_parks_total", "cpark_orbits_busy{pool=\"p1\"}"

  double value(const std::string& key) const;  // 0 when absent
  // orbits busy now, per pool (cpark_orbits_busy{pool=...})
  std::map<std::string, std::int64_t> busy_orbits() const;
  std::int64_t busy_orbits_total() const;
  // The counters summary.json lists (docs/results.md): parks, parks_blocked, retrievals,
  // ringbacks, fallbacks, pickups, errors, sip_transactions, then every other label-free
  // counter under its name without "cpark_" and "_total".
  std::map<std::string, std::int64_t> counters() const;
};

// Parses Prometheus text; lines that are not samples are skipped.
ServerMetrics parse_metrics(std::string_view text);
// GET /metrics from `address` ("127.0.0.1:5099"), with short timeouts.
Result<ServerMetrics> scrape_metrics(const std::string& address);

}  // namespace cpark::loadtest

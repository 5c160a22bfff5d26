#include "loadtest/server_metrics.h"

#include <cstdlib>

#include "server/control/http_client.h"

namespace cpark::loadtest {

double ServerMetrics::value(const std::string& key) const {
  auto it = samples.find(key);
  return it == samples.end() ? 0 : it->second;
}

std::map<std::string, std::int64_t> ServerMetrics::busy_orbits() const {
  std::map<std::string, std::int64_t> out;
  const std::string prefix = "cpark_orbits_busy{pool=\"";
  for (auto& [k, v] : samples) {
    if (k.rfind(prefix, 0) != 0) continue;
    const auto end = k.find("\"}", prefix.size());
    out[k.substr(prefix.size(), end - prefix.size())] = std::int64_t(v);
  }
  return out;
}

std::int64_t ServerMetrics::busy_orbits_total() const {
  std::int64_t n = 0;
  for (auto& [pool, busy] : busy_orbits()) n += busy;
  return n;
}

std::map<std::string, std::int64_t> ServerMetrics::counters() const {
  auto v = [&](const char* k) { return std::int64_t(value(k)); };
  std::map<std::string, std::int64_t> out;
  out["parks"] = v("cpark_parks_total");
  out["parks_blocked"] = v("cpark_park_rejected_total");
  out["retrievals"] = v("cpark_retrievals_total");
  out["ringbacks"] = v("cpark_ringbacks_total");
  out["fallbacks"] = v("cpark_fallbacks_total");
  out["pickups"] = v("cpark_pickups_total");
  out["errors"] = v("cpark_requests_refused_total") + v("cpark_sip_timeouts_total") + v("cpark_sip_transport_errors_total");
  out["sip_transactions"] = v("cpark_sip_requests_in_total") + v("cpark_sip_requests_out_total");
  out["sip_retransmissions_out"] = v("cpark_sip_retransmissions_total{direction=\"out\"}");
  out["sip_retransmissions_in"] = v("cpark_sip_retransmissions_total{direction=\"in\"}");
  for (auto& [k, x] : samples) {
    if (k.find('{') != std::string::npos || k.rfind("cpark_", 0) != 0) continue;
    if (k.size() < 12 || k.compare(k.size() - 6, 6, "_total") != 0) continue;
    const std::string name = k.substr(6, k.size() - 12);
    if (!out.count(name) && x >= 0) out[name] = std::int64_t(x);
  }
  return out;
}

ServerMetrics parse_metrics(std::string_view text) {
  ServerMetrics m;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    const std::string value(line.substr(space + 1));
    char* stop = nullptr;
    const double v = std::strtod(value.c_str(), &stop);
    if (stop == value.c_str()) continue;
    m.samples[std::string(line.substr(0, space))] = v;
  }
  return m;
}

Result<ServerMetrics> scrape_metrics(const std::string& address) {
  auto r = server::http_request("GET", address, "/metrics", {}, {}, {std::chrono::milliseconds(1000),
                                                                     std::chrono::milliseconds(3000)});
  if (!r) return fail(r.message());
  if (r->status != 200) return fail(address + "/metrics answered HTTP " + std::to_string(r->status));
  return parse_metrics(r->body);
}

}  // namespace cpark::loadtest

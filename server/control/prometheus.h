// S9: a server's counters and gauges in the Prometheus text exposition format 0.0.4
// (served as `text/plain; version=0.0.4` on GET /metrics). A pure function of the
// snapshot, so the format rules are tested without a socket.
// Names start with `cpark_`; counters end in `_total`; every family has one `# HELP` and
// one `# TYPE` line before its samples; per-pool gauges carry a `pool` label.
#pragma once
#include <string>
#include <string_view>

#include "server/status.h"

namespace cpark::server {

inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string render_prometheus(const MetricsSnapshot& m);

// A label value as the format wants it inside double quotes: backslash, double quote and
// line feed escaped (`\\`, `\"`, `\n`); every other byte as it is.
std::string escape_label_value(std::string_view value);

}  // namespace cpark::server

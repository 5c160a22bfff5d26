// The load test reads the server's counters from Prometheus text (docs/cli.md).
#include <gtest/gtest.h>

#include "loadtest/server_metrics.h"

namespace {

using namespace cpark::loadtest;

TEST(ServerMetrics, CountersAndBusyOrbitsPerPool) {
  const auto m = parse_metrics(
      "# HELP cpark_parks_total Calls parked (P1)\n# TYPE cpark_parks_total counter\ncpark_parks_total 12\n"
      "cpark_park_rejected_total 2\ncpark_retrievals_total 10\ncpark_orbits_busy{pool=\"p1\"} 2\n"
      "cpark_orbits_busy{pool=\"p.2\"} 1\ncpark_sip_requests_in_total 40\ncpark_sip_requests_out_total 30\n"
      "cpark_sip_retransmissions_total{direction=\"out\"} 3\ncpark_uptime_seconds 1.5\n");
  const auto c = m.counters();
  EXPECT_EQ(c.at("parks"), 12);
  EXPECT_EQ(c.at("parks_blocked"), 2);
  EXPECT_EQ(c.at("retrievals"), 10);
  EXPECT_EQ(c.at("sip_transactions"), 70);
  EXPECT_EQ(c.at("sip_retransmissions_out"), 3);
  EXPECT_EQ(c.at("pickups"), 0);
  EXPECT_EQ(m.busy_orbits().at("p.2"), 1);
  EXPECT_EQ(m.busy_orbits_total(), 3);
}

TEST(ServerMetrics, NothingListensIsAnError) {
  auto r = scrape_metrics("127.0.0.1:1");
  EXPECT_FALSE(r.ok());
}

}  // namespace

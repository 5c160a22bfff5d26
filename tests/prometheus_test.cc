// S9: /metrics speaks the Prometheus text exposition format 0.0.4 — HELP and TYPE once per
// family and before its samples, cpark_ names, counters ending _total, escaped label
// values — and exports every field of the server's MetricsSnapshot.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "server/control/prometheus.h"

namespace cpark::server {
namespace {

// Every field a distinct value, so each line can be traced to its field.
MetricsSnapshot distinct_snapshot() {
  MetricsSnapshot m;
  Counters& e = m.engine;
  std::uint64_t v = 100;
  for (std::uint64_t* f : {&e.parks, &e.park_rejected, &e.retrievals, &e.retrieve_rejected, &e.ringbacks,
                           &e.ringback_answered, &e.fallbacks, &e.fallback_answered, &e.fallback_unanswered,
                           &e.disconnected, &e.abandoned, &e.routed, &e.rings, &e.pickups, &e.pickup_rejected,
                           &e.no_answer, &e.answered_by_callee, &e.caller_gave_up, &e.stale_inputs})
    *f = v++;
  sip::TransactionCounters& s = m.sip;
  v = 200;
  for (std::uint64_t* f : {&s.requests_in, &s.responses_in, &s.requests_out, &s.responses_out, &s.retransmissions_out,
                           &s.retransmissions_in, &s.parse_errors, &s.bad_requests_answered, &s.malformed_dropped,
                           &s.stray_responses, &s.timeouts, &s.transport_errors, &s.live_client_transactions,
                           &s.live_server_transactions})
    *f = v++;
  m.pools = {{"pool1", 100, 7}, {"pool \"2\"\\east\nwing", 10, 3}};
  m.registrations = 301;
  m.bindings = 302;
  m.active_calls = 303;
  m.ringing_calls = 304;
  m.moh_streams = 305;
  m.rtp_packets_sent = 306;
  m.requests_refused = 307;
  m.auth_challenges = 308;
  m.auth_failures = 309;
  m.store_revision = 310;
  m.admin_changes_applied = 311;
  m.admin_changes_refused = 312;
  m.uptime_seconds = 12.5;
  m.draining = true;
  return m;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(S9_Prometheus, FollowsTheTextFormatRules) {
  const std::string text = render_prometheus(distinct_snapshot());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "the last line ends with a line feed";
  const std::regex help(R"(# HELP (cpark_[a-zA-Z0-9_]+) [^\n]+)");
  const std::regex type(R"(# TYPE (cpark_[a-zA-Z0-9_]+) (counter|gauge))");
  const std::regex sample(R"((cpark_[a-zA-Z0-9_]+)(\{([a-z_]+="([^"\\]|\\[\\"n])*")(,[a-z_]+="([^"\\]|\\[\\"n])*")*\})? (-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?|NaN|[+-]Inf))");
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::string current;  // the family whose samples may follow
  std::size_t samples = 0;
  for (auto& line : lines_of(text)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "HELP twice: " << line;
      current = m[1];
    } else if (std::regex_match(line, m, type)) {
      EXPECT_EQ(m[1], current) << "TYPE right after its HELP: " << line;
      EXPECT_TRUE(types.emplace(m[1], m[2]).second) << "TYPE twice: " << line;
      EXPECT_EQ(std::string(m[1]).ends_with("_total"), m[2] == "counter") << "counters, and only they, end in _total: " << line;
    } else if (std::regex_match(line, m, sample)) {
      EXPECT_EQ(m[1], current) << "a sample belongs to the family declared just before it: " << line;
      EXPECT_TRUE(types.count(m[1])) << line;
      ++samples;
    } else {
      ADD_FAILURE() << "not a line of the format: \"" << line << "\"";
    }
  }
  EXPECT_GE(types.size(), 45u);
  EXPECT_GE(samples, types.size());
}

TEST(S9_Prometheus, ExportsEveryFieldOfTheSnapshot) {
  const std::string text = render_prometheus(distinct_snapshot());
  const std::vector<std::string> expected = {
      "cpark_up 1", "cpark_uptime_seconds 12.5", "cpark_draining 1",
      "cpark_parks_total 100", "cpark_park_rejected_total 101", "cpark_retrievals_total 102",
      "cpark_retrieve_rejected_total 103", "cpark_ringbacks_total 104", "cpark_ringbacks_answered_total 105",
      "cpark_fallbacks_total 106", "cpark_fallbacks_answered_total 107", "cpark_fallbacks_unanswered_total 108",
      "cpark_parks_disconnected_total 109", "cpark_parks_abandoned_total 110", "cpark_routed_total 111",
      "cpark_rings_total 112", "cpark_pickups_total 113", "cpark_pickup_rejected_total 114",
      "cpark_no_answer_total 115", "cpark_answered_by_callee_total 116", "cpark_caller_gave_up_total 117",
      "cpark_stale_inputs_total 118",
      "cpark_sip_requests_in_total 200", "cpark_sip_responses_in_total 201", "cpark_sip_requests_out_total 202",
      "cpark_sip_responses_out_total 203", "cpark_sip_retransmissions_total{direction=\"out\"} 204",
      "cpark_sip_retransmissions_total{direction=\"in\"} 205", "cpark_sip_parse_errors_total 206",
      "cpark_sip_bad_requests_answered_total 207", "cpark_sip_malformed_dropped_total 208",
      "cpark_sip_stray_responses_total 209", "cpark_sip_timeouts_total 210", "cpark_sip_transport_errors_total 211",
      "cpark_sip_client_transactions 212", "cpark_sip_server_transactions 213",
      "cpark_orbits{pool=\"pool1\"} 100", "cpark_orbits_busy{pool=\"pool1\"} 7",
      "cpark_registrations 301", "cpark_bindings 302", "cpark_active_calls 303", "cpark_ringing_calls 304",
      "cpark_moh_streams 305", "cpark_moh_rtp_packets_sent_total 306", "cpark_requests_refused_total 307",
      "cpark_auth_challenges_total 308", "cpark_auth_failures_total 309", "cpark_store_revision 310",
      "cpark_admin_changes_applied_total 311", "cpark_admin_changes_refused_total 312"};
  const auto lines = lines_of(text);
  for (auto& e : expected)
    EXPECT_NE(std::find(lines.begin(), lines.end(), e), lines.end()) << "missing: " << e << "\n" << text;
}

TEST(S9_Prometheus, PoolLabelValuesAreEscaped) {
  const std::string text = render_prometheus(distinct_snapshot());
  EXPECT_NE(text.find("cpark_orbits_busy{pool=\"pool \\\"2\\\"\\\\east\\nwing\"} 3\n"), std::string::npos) << text;
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(escape_label_value("pool1"), "pool1");
}

TEST(S9_Prometheus, AServerWithoutPoolsStillDeclaresThePoolFamilies) {
  const std::string text = render_prometheus(MetricsSnapshot{});
  EXPECT_NE(text.find("# TYPE cpark_orbits_busy gauge\n"), std::string::npos);
  EXPECT_NE(text.find("cpark_parks_total 0\n"), std::string::npos);
  EXPECT_NE(text.find("cpark_draining 0\n"), std::string::npos);
}

}  // namespace
}  // namespace cpark::server

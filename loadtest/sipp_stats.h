// What SIPp wrote about a run: its -trace_stat CSV (`;`-separated, one row per -fd
// period plus a final one, docs/results.md) and its -trace_rtt CSV (one row per measured
// response: "Date_ms;response_time_ms;rtd_no"). Parsed by column name, so SIPp versions
// that add columns still read.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cpark::loadtest {

// One -trace_stat row: the period's counts and the cumulative ones.
struct SippStatRow {
  double time = 0;  // CurrentTime, seconds since the epoch
  std::int64_t created = 0, succeeded = 0, failed = 0, retransmissions = 0;           // (P)
  std::int64_t created_total = 0, succeeded_total = 0, failed_total = 0, retransmissions_total = 0;  // (C)
  std::int64_t dead_call_messages_total = 0, unexpected_total = 0, max_udp_retrans_total = 0, timeouts_total = 0;
};

// Throws std::runtime_error naming the file when it is missing or not a SIPp stat file.
std::vector<SippStatRow> read_sipp_stat(const std::string& path);

struct SippResponse {
  double time = 0;       // seconds since the SIPp instance started
  double milliseconds = 0;
  std::string timer;     // the rtd name: invite, refer, park, retrieve, pickup, bye, register
};
// A missing file is no responses (an instance that measured nothing writes none).
std::vector<SippResponse> read_sipp_rtt(const std::string& path);

// Percentiles by the nearest-rank method (p in 0..100); NaN for no values.
double percentile(std::vector<double>& sorted_values, double p);

}  // namespace cpark::loadtest

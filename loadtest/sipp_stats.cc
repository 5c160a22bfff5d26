#include "loadtest/sipp_stats.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace cpark::loadtest {

namespace {

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

std::int64_t to_int(const std::string& s) {
  try {
    return std::stoll(s);
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::vector<SippStatRow> read_sipp_stat(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": SIPp wrote no statistics file");
  std::string line;
  if (!std::getline(f, line)) throw std::runtime_error(path + ": the SIPp statistics file is empty");
  const auto header = split(line, ';');
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
  for (const char* need : {"CurrentTime", "OutgoingCall(P)", "SuccessfulCall(C)", "FailedCall(C)", "Retransmissions(C)"})
    if (!col.count(need)) throw std::runtime_error(path + ": not a SIPp -trace_stat file (no column " + need + ")");
  auto get = [&](const std::vector<std::string>& cells, const char* name) -> std::int64_t {
    auto it = col.find(name);
    return it == col.end() || it->second >= cells.size() ? 0 : to_int(cells[it->second]);
  };
  std::vector<SippStatRow> rows;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    const auto cells = split(line, ';');
    SippStatRow r;
    const std::string& t = cells.size() > col["CurrentTime"] ? cells[col["CurrentTime"]] : std::string();
    const auto tab = t.rfind('\t');  // "2026-11-24<TAB>01:10:50.517635<TAB>1795482650.517635"
    r.time = tab == std::string::npos ? 0 : std::strtod(t.c_str() + tab + 1, nullptr);
    r.created = get(cells, "OutgoingCall(P)") + get(cells, "IncomingCall(P)");
    r.succeeded = get(cells, "SuccessfulCall(P)");
    r.failed = get(cells, "FailedCall(P)");
    r.retransmissions = get(cells, "Retransmissions(P)");
    r.created_total = get(cells, "OutgoingCall(C)") + get(cells, "IncomingCall(C)");
    r.succeeded_total = get(cells, "SuccessfulCall(C)");
    r.failed_total = get(cells, "FailedCall(C)");
    r.retransmissions_total = get(cells, "Retransmissions(C)");
    r.dead_call_messages_total = get(cells, "DeadCallMsgs(C)");
    r.unexpected_total = get(cells, "FailedUnexpectedMessage(C)");
    r.max_udp_retrans_total = get(cells, "FailedMaxUDPRetrans(C)");
    r.timeouts_total = get(cells, "FailedTimeoutOnRecv(C)");
    rows.push_back(r);
  }
  return rows;
}

std::vector<SippResponse> read_sipp_rtt(const std::string& path) {
  std::vector<SippResponse> out;
  std::ifstream f(path);
  std::string line;
  if (!f || !std::getline(f, line)) return out;
  while (std::getline(f, line)) {
    const auto cells = split(line, ';');
    if (cells.size() < 3) continue;
    SippResponse r;
    r.time = std::strtod(cells[0].c_str(), nullptr) / 1000;
    r.milliseconds = std::strtod(cells[1].c_str(), nullptr);
    r.timer = cells[2];
    out.push_back(std::move(r));
  }
  return out;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t rank = std::size_t(std::ceil(p / 100 * double(v.size())));
  const std::size_t i = rank == 0 ? 0 : rank - 1;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(i), v.end());
  return v[i];
}

}  // namespace cpark::loadtest

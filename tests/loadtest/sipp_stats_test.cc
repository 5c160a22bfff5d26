// SIPp's -trace_stat and -trace_rtt files are read by column name, as SIPp 3.6.1 writes
// them; percentiles are nearest-rank.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "loadtest/sipp_stats.h"

namespace {

using namespace cpark::loadtest;
namespace fs = std::filesystem;

fs::path write(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / (name + std::to_string(::getpid()));
  std::ofstream(p) << text;
  return p;
}

TEST(SippStats, ReadsPeriodicAndCumulativeColumns) {
  const auto p = write("stat",
                       "StartTime;LastResetTime;CurrentTime;OutgoingCall(P);OutgoingCall(C);IncomingCall(P);"
                       "IncomingCall(C);SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);"
                       "Retransmissions(P);Retransmissions(C);\n"
                       "x;y;2026-11-24\t01:10:49.5\t1795482649.5;10;10;0;0;8;8;1;1;2;2;\n"
                       "x;y;2026-11-24\t01:10:50.5\t1795482650.5;5;15;0;0;6;14;0;1;0;2;\n");
  const auto rows = read_sipp_stat(p.string());
  fs::remove(p);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].time, 1795482649.5);
  EXPECT_EQ(rows[1].created, 5);
  EXPECT_EQ(rows[1].created_total, 15);
  EXPECT_EQ(rows[1].succeeded_total, 14);
  EXPECT_EQ(rows[1].failed_total, 1);
  EXPECT_EQ(rows[0].retransmissions, 2);
}

TEST(SippStats, NotAStatFileIsNamed) {
  const auto p = write("notstat", "a;b;c\n1;2;3\n");
  try {
    read_sipp_stat(p.string());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not a SIPp -trace_stat file"), std::string::npos);
  }
  fs::remove(p);
}

TEST(SippStats, ResponseTimesByTimer) {
  const auto p = write("rtt", "Date_ms;response_time_ms;rtd_no\n24.001;0;invite\n1028.5;4;bye\n");
  const auto r = read_sipp_rtt(p.string());
  fs::remove(p);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].timer, "bye");
  EXPECT_DOUBLE_EQ(r[1].milliseconds, 4);
  EXPECT_NEAR(r[1].time, 1.0285, 1e-12);
}

TEST(SippStats, NearestRankPercentiles) {
  std::vector<double> v;
  for (int i = 1; i <= 100; ++i) v.push_back(101 - i);
  EXPECT_EQ(percentile(v, 50), 50);
  EXPECT_EQ(percentile(v, 99), 99);
  EXPECT_EQ(percentile(v, 100), 100);
  std::vector<double> none;
  EXPECT_TRUE(std::isnan(percentile(none, 50)));
}

}  // namespace

// Memory per parked call (issue: < 4 KiB per parked call, 10,000 parked, excluding the
// shared music buffers). The B2BUA core is driven on simulated time by phones on the
// test harness's simulated network, exactly as the flow tests drive it: alice calls
// bob, bob parks her by REFER, answers the NOTIFYs and hangs up, alice answers the
// music-on-hold re-INVITE, 100 parks a second. 12,000 parks first (two minutes) bring
// the transaction layer's buffer pool to its steady size and its buffers to the sizes
// of the messages they carry; then N more, and time moves on 40 s so that every
// finished transaction has ended (Timer J is 64·T1 = 32 s): the difference is what the
// N parked calls hold. The server sizes its leg and dialog tables for the pool's orbits
// when it loads the deployment (B2bua::serve), so they are in the baseline as address
// space and become resident page by page as calls park.
//
// Two figures per run, each process measuring one N (RSS is per process: run one
// --benchmark_filter=BM_MemoryPerParkedCall/N/ at a time):
//   heap_bytes_per_park  allocated bytes (mallinfo2 uordblks + hblkhd) after minus
//                        before, over N: what a parked call allocates (strings, SDP,
//                        engine park); the reserved tables count in the baseline
//   rss_bytes_per_park   resident set after minus before, over N: the figure,
//                        with the tables' pages the parked calls touched
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/server/b2bua_harness.h"

namespace cpark::server::test {
namespace {

std::size_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * std::size_t(::sysconf(_SC_PAGESIZE));
}

// Allocated bytes, including the blocks malloc maps on their own (>= 128 KiB: the big
// tables, such as the legs' and dialogs' slot vectors and the hash indexes), which
// uordblks alone leaves out.
std::size_t heap_in_use() {
  const auto m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

// 120 s at 100 parks/s: the pool of transaction buffers reaches its steady number after
// 64·T1 (32 s), but its buffers keep growing for a while longer, each to the largest
// message it has carried; a warm-up of 40 s left ~1 KB a park of that growth in the
// measured window.
constexpr std::size_t kWarmUp = 12000;

Deployment many_orbits() {
  Deployment d = flow_deployment();
  d.ranges[0].start = "*70000";
  d.ranges[0].end = "*79999";  // 10,000 orbits: the most one range may hold (O5)
  OrbitRange more = d.ranges[0];
  more.name = "park2";
  more.start = "*80000";
  more.end = "*89999";
  d.ranges.push_back(more);
  more.name = "park3";
  more.start = "*90000";
  more.end = "*99999";  // 30,000 in all
  d.ranges.push_back(more);
  d.settings[0].timeout_seconds = 600;  // no ringback while measuring (C1 allows 10 min)
  return d;
}

const sip::Message* first(const std::vector<Received>& in, std::string_view method) {
  return Harness::find(in, method);
}

// One park as the flow tests do it; false when a step did not happen.
bool park_one(Harness& h, Phone& alice, Phone& bob) {
  PhoneDialog a = alice.invite("1002");
  const sip::Message* invite = first(bob.inbox(), "INVITE");
  if (!invite) return false;
  PhoneDialog b = bob.answer(*invite, 200, true);
  const sip::Message* ok = Harness::find(alice.inbox(), 200);
  if (!ok) return false;
  alice.ack(a, *ok);
  bob.inbox();
  bob.refer(b, "sip:park@example.test");
  bool notified = false;
  for (const Received& r : bob.inbox())
    if (r.message && r.message->is_request() && r.message->method_text() == "NOTIFY") {
      bob.respond(*r.message, 200);
      notified = true;
    }
  bob.bye(b);
  bob.inbox();
  const sip::Message* hold = first(alice.inbox(), "INVITE");
  if (!hold || !notified) return false;
  alice.answer(*hold, 200, true);
  alice.inbox();
  alice.forget_inbox();
  bob.forget_inbox();
  // The server writes its event log and media commands out as they come (spdlog, the
  // music thread); the harness collects them, and a collection that grew through the
  // run would be counted as the parked calls' memory.
  h.logs.clear();
  h.media.clear();
  return true;
}

void BM_MemoryPerParkedCall(benchmark::State& state) {
  const auto n = std::size_t(state.range(0));
  for (auto _ : state) {
    Harness h(many_orbits());
    Phone alice{h, "alice", 5090, 6000}, bob{h, "bob", 5080, 6002};
    alice.register_phone();
    bob.register_phone();
    alice.inbox();
    bob.inbox();
    // Warm-up at the measured rate until the transaction layer's buffer pool has reached
    // its steady size (a finished transaction's buffers are kept for the next one; their
    // number follows the request rate times 64·T1, not the number of parked calls).
    // These parks stay: the figure is what each further parked call adds.
    for (std::size_t i = 0; i < kWarmUp; ++i) {
      if (!park_one(h, alice, bob)) {
        state.SkipWithError("a warm-up park failed");
        return;
      }
      h.advance(h.now() + std::chrono::milliseconds(10));
    }
    h.advance(h.now() + std::chrono::seconds(40));
    alice.inbox(), bob.inbox(), alice.forget_inbox(), bob.forget_inbox();
    h.logs.clear();
    h.media.clear();
    const std::size_t rss0 = rss_bytes(), heap0 = heap_in_use();
    // 100 parks a second of simulated time: finished transactions end as they would
    // (64·T1 after their answer) instead of piling up at one instant.
    for (std::size_t i = 0; i < n; ++i) {
      if (!park_one(h, alice, bob)) {
        state.SkipWithError(("park " + std::to_string(i) + " failed").c_str());
        return;
      }
      h.advance(h.now() + std::chrono::milliseconds(10));
    }
    h.advance(h.now() + std::chrono::seconds(40));
    alice.inbox(), bob.inbox(), alice.forget_inbox(), bob.forget_inbox();
    h.logs.clear();
    h.logs.shrink_to_fit();
    h.media.clear();
    h.media.shrink_to_fit();
    if (h.server().engine().active_parks() != n + kWarmUp) {
      state.SkipWithError(("expected " + std::to_string(n + kWarmUp) + " parked calls, found " +
                           std::to_string(h.server().engine().active_parks())).c_str());
      return;
    }
    state.counters["parked"] = double(n);
    state.counters["heap_bytes_per_park"] = double(heap_in_use() - heap0) / double(n);
    state.counters["rss_bytes_per_park"] = double(rss_bytes() - rss0) / double(n);
    state.counters["legs"] = double(h.server().legs());
    const MetricsSnapshot m = h.server().metrics(h.now());
    state.counters["server_tx"] = double(m.sip.live_server_transactions);
    state.counters["client_tx"] = double(m.sip.live_client_transactions);
  }
}
BENCHMARK(BM_MemoryPerParkedCall)->Arg(10'000)->Arg(5'000)->Arg(15'000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemoryPerParkedCall)->Arg(100)->Iterations(1)->Unit(benchmark::kMillisecond)->Name("smoke");

}  // namespace
}  // namespace cpark::server::test

BENCHMARK_MAIN();

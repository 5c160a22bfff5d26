// Google Benchmark for the music-on-hold pieces the server runs: tick() for N parked calls
// (user-space cost per 20 ms wake-up), tick() + RtpSender::send() on loopback (adds the
// kernel), and decoding an uploaded WAV once per pool.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sndfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "media/hold_tone.h"
#include "media/moh_streams.h"
#include "media/music.h"
#include "media/rtp_sender.h"
#include "tests/media/wav_in_memory.h"

namespace {

using namespace cpark::media;
using std::chrono::milliseconds;

void start_streams(MohStreams& streams, int count, const RtpDestination& to) {
  const auto music = make_hold_tone();
  streams.reserve(std::size_t(count));
  for (int i = 0; i < count; ++i) streams.start(milliseconds(0), to, music);
}

void BM_Tick(benchmark::State& state) {
  MohStreams streams;
  start_streams(streams, int(state.range(0)), RtpDestination::ipv4({192, 0, 2, 1}, 4000));
  RtpBatch batch;
  milliseconds now{0};
  for (auto _ : state) {
    batch.clear();
    benchmark::DoNotOptimize(streams.tick(now, batch));
    now += MohStreams::kPacketInterval;
  }
  if (batch.size() != std::size_t(state.range(0))) state.SkipWithError("a tick missed streams");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Tick)->Arg(100)->Arg(1000)->Arg(10000);

void BM_TickAndSendOnLoopback(benchmark::State& state) {
  // One receiving socket that nobody reads: once its buffer is full the kernel drops at
  // the receiver, after the sender's work is done, so this measures the sending side.
  const int in = socket(AF_INET, SOCK_DGRAM, 0), out = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(in, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t length = sizeof a;
  getsockname(in, reinterpret_cast<sockaddr*>(&a), &length);
  MohStreams streams;
  start_streams(streams, int(state.range(0)), RtpDestination::ipv4({127, 0, 0, 1}, ntohs(a.sin_port)));
  RtpSender sender(out, std::size_t(state.range(1)));
  RtpBatch batch;
  milliseconds now{0};
  for (auto _ : state) {
    batch.clear();
    streams.tick(now, batch);
    benchmark::DoNotOptimize(sender.send(batch));
    now += MohStreams::kPacketInterval;
  }
  if (sender.counters().failed + sender.counters().would_block != 0) state.SkipWithError("sender dropped");
  state.SetItemsProcessed(state.iterations() * state.range(0));
  close(in);
  close(out);
}
BENCHMARK(BM_TickAndSendOnLoopback)->Args({1000, 64})->Args({1000, 256})->Args({1000, 1024});

void BM_DecodeWav(benchmark::State& state) {
  // 30 s of CD-quality stereo: a typical uploaded hold-music file (5 MiB).
  const int rate = int(state.range(0));
  const std::string file =
      cpark::media::test::write_sound(cpark::media::test::sine(440, 0.5, 30.0, rate, 2), {rate, 2, SF_FORMAT_PCM_16});
  for (auto _ : state) {
    const auto d = decode_music(file);
    if (!d) state.SkipWithError(d.message().c_str());
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(state.iterations() * std::int64_t(file.size()));
}
BENCHMARK(BM_DecodeWav)->Arg(44100)->Arg(8000)->Unit(benchmark::kMillisecond);

void BM_MakeHoldTone(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(make_hold_tone());
}
BENCHMARK(BM_MakeHoldTone)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Receiver-side jitter of music on hold, measured the way the server sends it: one Boost.Asio
// io_context thread with one steady_timer drives MohStreams::tick and RtpSender for N parked
// calls; a receiver thread timestamps every packet in the kernel (SO_TIMESTAMPNS) on N
// loopback sockets and reports how far each packet's spacing strays from the sender's.
//
//   cpark_moh_jitter_bench [--streams N] [--seconds S] [--runs R] [--chunk M] [--seed X]
//                          [--ports K] [--realtime | --nice N]
//
// Target (issue): 1,000 parked calls on one core, spacing jitter p99 < 2 ms at the receiver.
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "media/hold_tone.h"
#include "media/moh_streams.h"
#include "media/rtp_sender.h"

namespace {

using namespace cpark::media;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using Clock = std::chrono::steady_clock;

struct Options {
  int streams = 1000;
  double seconds = 20;
  int runs = 1;
  std::size_t chunk = 256;
  std::uint64_t seed = 1;
  int ports = 0;  // receiver sockets; 0: one per stream, as each phone has its own port
  // Run the sending (io_context) thread as SCHED_FIFO, as `asterisk -p` and
  // `freeswitch -rp` run their media timing; the receiver stays an ordinary thread.
  bool is_realtime = false;
  // Or give the sending thread a nice value (-20..19) instead; 0 leaves it alone.
  int nice = 0;
  // The first second of every stream is left out: sockets, caches and the receiver's
  // tables are still warming up, and a phone's jitter buffer is still filling.
  int warmup_packets = 50;
};

struct RunResult {
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  std::uint64_t received = 0, lost = 0, sent = 0, send_failures = 0;
  double sender_cpu_percent = 0;
  double timer_late_p99_ms = 0;  // how late the timer woke, sender side
  double tick_send_p99_ms = 0;   // tick() + send() time per wake-up
};

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = std::size_t(std::min(double(v.size() - 1), std::floor(p / 100.0 * double(v.size()))));
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(k), v.end());
  return v[k];
}

double median(std::vector<double> v) { return percentile(v, 50); }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  int cores = 0;
  std::string model = "unknown CPU";
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      ++cores;
      model = line.substr(line.find(':') + 2);
    }
  }
  return model + " (" + std::to_string(cores) + " logical CPUs)";
}

// Other programs' load shapes the figures on a shared machine: print it beside them.
std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  in >> one >> five >> fifteen;
  char text[64];
  std::snprintf(text, sizeof text, "%.2f %.2f %.2f", one, five, fifteen);
  return text;
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) + double(t.tv_nsec) / 1e9;
}

// ---- receiver --------------------------------------------------------------------------

struct StreamTrack {
  bool has_previous = false;
  std::int64_t previous_arrival_ns = 0;
  std::uint32_t previous_timestamp = 0;
  std::uint16_t first_sequence = 0, last_sequence = 0;
  std::int64_t extended_last = 0;  // sequence unwrapped past 2^16
  std::uint64_t received = 0;
};

class Receiver {
 public:
  Receiver(const std::vector<int>& sockets, int warmup_packets)
      : sockets_(sockets), warmup_(warmup_packets), epoll_(epoll_create1(0)) {
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = i;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, sockets_[i], &e);
    }
  }
  ~Receiver() { close(epoll_); }

  void run(const std::atomic<bool>& is_sending) {
    constexpr int kBatch = 64;
    std::vector<mmsghdr> messages(kBatch);
    std::vector<iovec> pieces(kBatch);
    std::vector<std::array<std::uint8_t, 256>> data(kBatch);
    std::vector<std::array<char, CMSG_SPACE(sizeof(timespec))>> controls(kBatch);
    std::vector<epoll_event> ready(256);
    auto drained_since = Clock::now();
    for (;;) {
      const int n = epoll_wait(epoll_, ready.data(), int(ready.size()), 50);
      if (n <= 0) {
        // Stop once the sender is done and nothing has arrived for 200 ms.
        if (!is_sending.load() && Clock::now() - drained_since > milliseconds(200)) return;
        continue;
      }
      drained_since = Clock::now();
      for (int r = 0; r < n; ++r) {
        const auto socket_index = std::size_t(ready[std::size_t(r)].data.u64);
        for (;;) {
          for (int i = 0; i < kBatch; ++i) {
            pieces[std::size_t(i)] = iovec{data[std::size_t(i)].data(), data[std::size_t(i)].size()};
            msghdr& h = messages[std::size_t(i)].msg_hdr;
            h = msghdr{};
            h.msg_iov = &pieces[std::size_t(i)];
            h.msg_iovlen = 1;
            h.msg_control = controls[std::size_t(i)].data();
            h.msg_controllen = controls[std::size_t(i)].size();
          }
          const int got = recvmmsg(sockets_[socket_index], messages.data(), kBatch, MSG_DONTWAIT, nullptr);
          if (got <= 0) break;
          for (int i = 0; i < got; ++i) record(socket_index, messages[std::size_t(i)]);
          if (got < kBatch) break;
        }
      }
    }
  }

  std::vector<double>& deviations_ms() { return deviations_ms_; }
  std::uint64_t received() const { return received_; }
  std::uint64_t lost() const {
    std::uint64_t lost = 0;
    for (const auto& [key, t] : tracks_) {
      const auto expected = std::uint64_t(t.extended_last + 1);  // from first_sequence
      if (expected > t.received) lost += expected - t.received;
    }
    return lost;
  }
  std::size_t stream_count() const { return tracks_.size(); }
  std::uint64_t untimed() const { return untimed_; }

 private:
  void record(std::size_t socket_index, const mmsghdr& m) {
    const auto header = parse_rtp_header(std::span<const std::uint8_t>(
        static_cast<const std::uint8_t*>(m.msg_hdr.msg_iov->iov_base), m.msg_len));
    if (!header) return;
    std::int64_t arrival_ns = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&m.msg_hdr)); c;
         c = CMSG_NXTHDR(const_cast<msghdr*>(&m.msg_hdr), c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec t;
        std::memcpy(&t, CMSG_DATA(c), sizeof t);
        arrival_ns = std::int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
      }
    }
    if (arrival_ns < 0) {
      ++untimed_;
      return;
    }
    ++received_;
    StreamTrack& t = tracks_[(std::uint64_t(socket_index) << 32) | header->ssrc];
    if (t.received == 0) {
      t.first_sequence = t.last_sequence = header->sequence;
    } else {
      t.extended_last += std::int16_t(std::uint16_t(header->sequence - t.last_sequence));
      t.last_sequence = header->sequence;
    }
    ++t.received;
    if (t.has_previous && t.received > std::uint64_t(warmup_)) {
      // RFC 3550 §6.4.1: D = (R_j - R_i) - (S_j - S_i), the arrival spacing's deviation
      // from the sender's spacing (timestamps advance 8 per ms).
      const double spacing_ms = double(arrival_ns - t.previous_arrival_ns) / 1e6;
      const double sent_ms = double(std::int32_t(header->timestamp - t.previous_timestamp)) / 8.0;
      deviations_ms_.push_back(std::fabs(spacing_ms - sent_ms));
    }
    t.has_previous = true;
    t.previous_arrival_ns = arrival_ns;
    t.previous_timestamp = header->timestamp;
  }

  std::vector<int> sockets_;
  int warmup_;
  int epoll_;
  std::unordered_map<std::uint64_t, StreamTrack> tracks_;
  std::vector<double> deviations_ms_;
  std::uint64_t received_ = 0, untimed_ = 0;
};

// ---- one run ---------------------------------------------------------------------------

int open_receiver_socket(std::uint16_t& port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  socklen_t length = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length);
  port = ntohs(a.sin_port);
  return fd;
}

bool run_once(const Options& o, std::uint64_t seed, RunResult& result) {
  std::vector<int> receivers;
  std::vector<RtpDestination> destinations;
  const int ports = o.ports > 0 ? std::min(o.ports, o.streams) : o.streams;
  for (int i = 0; i < ports; ++i) {
    std::uint16_t port = 0;
    const int fd = open_receiver_socket(port);
    if (fd < 0) {
      std::fprintf(stderr, "cannot open receiver socket %d: %s\n", i, std::strerror(errno));
      for (int r : receivers) close(r);
      return false;
    }
    receivers.push_back(fd);
    destinations.push_back(RtpDestination::ipv4({127, 0, 0, 1}, port));
  }
  for (int i = ports; i < o.streams; ++i) destinations.push_back(destinations[std::size_t(i % ports)]);
  const int send_fd = socket(AF_INET, SOCK_DGRAM, 0);
  const int send_buffer = 4 << 20;
  setsockopt(send_fd, SOL_SOCKET, SO_SNDBUF, &send_buffer, sizeof send_buffer);

  Receiver receiver(receivers, o.warmup_packets);
  std::atomic<bool> is_sending{true};
  std::thread receiving([&] { receiver.run(is_sending); });

  // ---- the server's side: exactly what cpark serve does per wake-up ----
  boost::asio::io_context io;
  boost::asio::steady_timer timer(io);
  const Clock::time_point origin = Clock::now();
  auto now = [&] { return std::chrono::duration_cast<milliseconds>(Clock::now() - origin); };
  MohStreams streams(MohSettings{.seed = seed});
  streams.reserve(std::size_t(o.streams));
  RtpSender sender(send_fd, o.chunk);
  RtpBatch batch;
  batch.reserve(std::size_t(o.streams) * 3);
  const auto music = make_hold_tone();  // one shared buffer for every parked call
  std::vector<cpark::SlotId> ids;
  for (const RtpDestination& d : destinations) ids.push_back(streams.start(now(), d, music));

  const auto stop_at = milliseconds(std::int64_t(o.seconds * 1000));
  std::vector<double> late_ms, busy_ms;
  late_ms.reserve(std::size_t(o.seconds * 60));
  busy_ms.reserve(std::size_t(o.seconds * 60));
  std::function<void()> arm;
  auto on_timer = [&](const boost::system::error_code& error) {
    if (error) return;
    const Clock::time_point woke = Clock::now();
    late_ms.push_back(std::chrono::duration<double, std::milli>(woke - (origin + *streams.next_deadline())).count());
    batch.clear();
    streams.tick(now(), batch);
    sender.send(batch);
    busy_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - woke).count());
    if (now() >= stop_at) {
      for (cpark::SlotId id : ids) streams.stop(id);  // every park ends
      return;
    }
    arm();
  };
  arm = [&] {
    if (auto deadline = streams.next_deadline()) {
      timer.expires_at(origin + *deadline);
      timer.async_wait(on_timer);
    }
  };
  if (o.is_realtime) {
    sched_param priority{};
    priority.sched_priority = 10;
    if (int e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &priority); e != 0)
      std::fprintf(stderr, "--realtime: SCHED_FIFO refused (%s); running as an ordinary thread\n", std::strerror(e));
  }
  // On Linux a nice value set with setpriority on a thread id applies to that thread only.
  const auto thread_id = id_t(gettid());
  const int nice_before = getpriority(PRIO_PROCESS, thread_id);
  if (o.nice != 0 && setpriority(PRIO_PROCESS, thread_id, o.nice) != 0)
    std::fprintf(stderr, "--nice %d refused: %s\n", o.nice, std::strerror(errno));
  const double cpu_before = thread_cpu_seconds();
  const Clock::time_point wall_before = Clock::now();
  arm();
  io.run();
  const double cpu = thread_cpu_seconds() - cpu_before;
  const double wall = std::chrono::duration<double>(Clock::now() - wall_before).count();
  if (o.nice != 0) setpriority(PRIO_PROCESS, thread_id, nice_before);
  if (o.is_realtime) {
    sched_param ordinary{};
    pthread_setschedparam(pthread_self(), SCHED_OTHER, &ordinary);
  }

  is_sending = false;
  receiving.join();
  for (int r : receivers) close(r);
  close(send_fd);

  result.p50_ms = percentile(receiver.deviations_ms(), 50);
  result.p99_ms = percentile(receiver.deviations_ms(), 99);
  result.max_ms = percentile(receiver.deviations_ms(), 100);
  result.received = receiver.received();
  result.lost = receiver.lost();
  result.sent = sender.counters().sent;
  result.send_failures = sender.counters().failed + sender.counters().would_block;
  result.sender_cpu_percent = 100.0 * cpu / wall;
  result.timer_late_p99_ms = percentile(late_ms, 99);
  result.tick_send_p99_ms = percentile(busy_ms, 99);
  if (receiver.stream_count() != std::size_t(o.streams) || receiver.untimed() != 0) {
    std::fprintf(stderr, "receiver saw %zu of %d streams, %llu packets without kernel timestamp\n",
                 receiver.stream_count(), o.streams, static_cast<unsigned long long>(receiver.untimed()));
    return false;
  }
  return result.received > 0;
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--realtime") {
      o.is_realtime = true;
      continue;
    }
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    if (!value) return false;
    if (a == "--streams") o.streams = std::atoi(value);
    else if (a == "--seconds") o.seconds = std::atof(value);
    else if (a == "--runs") o.runs = std::atoi(value);
    else if (a == "--chunk") o.chunk = std::size_t(std::atoi(value));
    else if (a == "--seed") o.seed = std::strtoull(value, nullptr, 10);
    else if (a == "--ports") o.ports = std::atoi(value);
    else if (a == "--nice") o.nice = std::atoi(value);
    else return false;
    ++i;
  }
  return o.streams > 0 && o.seconds > 0 && o.runs > 0 && o.chunk > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr, "usage: %s [--streams N] [--seconds S] [--runs R] [--chunk M] [--seed X] [--ports K] [--realtime | --nice N]\n", argv[0]);
    return 2;
  }
  // One receiver socket per parked call, as each phone has its own RTP port.
  rlimit files{};
  getrlimit(RLIMIT_NOFILE, &files);
  files.rlim_cur = files.rlim_max;
  setrlimit(RLIMIT_NOFILE, &files);

  const std::string sender_kind = o.is_realtime ? "SCHED_FIFO"
                                  : o.nice != 0 ? "nice " + std::to_string(o.nice)
                                                : "ordinary thread";
  std::printf("MoH jitter: %d streams x %.0f s, %d run(s), sendmmsg chunk %zu, loopback, sender %s\n",
              o.streams, o.seconds, o.runs, o.chunk, sender_kind.c_str());
  std::printf("CPU: %s; load average before: %s\n", cpu_model().c_str(), load_average().c_str());
  std::printf("%-4s %9s %9s %9s %10s %7s %8s %10s %12s\n", "run", "p50 ms", "p99 ms", "max ms", "received",
              "lost", "cpu %", "late p99", "tick+send p99");
  std::vector<double> p50, p99, max, cpu, lost;
  bool is_ok = true;
  for (int run = 0; run < o.runs; ++run) {
    RunResult r;
    if (!run_once(o, o.seed + std::uint64_t(run), r)) is_ok = false;
    std::printf("%-4d %9.3f %9.3f %9.3f %10llu %7llu %8.1f %10.3f %12.3f\n", run + 1, r.p50_ms, r.p99_ms, r.max_ms,
                static_cast<unsigned long long>(r.received), static_cast<unsigned long long>(r.lost),
                r.sender_cpu_percent, r.timer_late_p99_ms, r.tick_send_p99_ms);
    if (r.send_failures) std::printf("     sender dropped %llu\n", static_cast<unsigned long long>(r.send_failures));
    p50.push_back(r.p50_ms);
    p99.push_back(r.p99_ms);
    max.push_back(r.max_ms);
    cpu.push_back(r.sender_cpu_percent);
    lost.push_back(double(r.lost));
  }
  std::printf("median of %d: p50 %.3f ms, p99 %.3f ms, max %.3f ms, lost %.0f, sender CPU %.1f %% "
              "(target p99 < 2 ms: %s)\n",
              o.runs, median(p50), median(p99), median(max), median(lost), median(cpu),
              median(p99) < 2.0 ? "met" : "NOT met");
  return is_ok ? 0 : 1;
}

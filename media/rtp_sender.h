// The one piece of media that does I/O: sends a tick's RtpBatch on a UDP socket with
// sendmmsg(2), many datagrams per system call, header and payload gathered from their
// own places (iovec) so the shared music is never copied. Linux only.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <vector>

#include "media/rtp_batch.h"

namespace cpark::media {

struct SendReport {
  std::size_t sent = 0;
  std::size_t would_block = 0;  // dropped: the socket's send buffer was full
  std::size_t failed = 0;       // dropped: the kernel refused that datagram
  int last_error = 0;           // errno of the last refusal, 0 if none
};

struct SenderCounters {
  std::uint64_t sent = 0;
  std::uint64_t would_block = 0;
  std::uint64_t failed = 0;
  std::uint64_t system_calls = 0;
};

class RtpSender {
 public:
  // Sends on `socket_fd` (the server passes its Asio socket's native_handle()); the
  // sender does not own or close it. An IPv6 socket also reaches IPv4 destinations, as
  // IPv4-mapped addresses. `messages_per_call` datagrams go to each sendmmsg call.
  explicit RtpSender(int socket_fd, std::size_t messages_per_call = 256);

  // Sends every packet of `batch` without blocking (MSG_DONTWAIT). A packet that cannot
  // go now is dropped and counted, never queued: in 20 ms its successor replaces it, and
  // late music is worse than a gap.
  SendReport send(const RtpBatch& batch);

  const SenderCounters& counters() const { return counters_; }

 private:
  void address(const RtpDestination& destination, sockaddr_storage& out, socklen_t& length) const;

  int fd_;
  bool is_ipv6_socket_;
  std::vector<mmsghdr> messages_;
  std::vector<iovec> pieces_;  // two per message: header, payload
  std::vector<sockaddr_storage> addresses_;
  SenderCounters counters_;
};

}  // namespace cpark::media

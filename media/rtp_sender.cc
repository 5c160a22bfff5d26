// RtpSender: sendmmsg in chunks, EINTR retried, EAGAIN and per-datagram errors counted.
#include "media/rtp_sender.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cpark::media {

RtpSender::RtpSender(int socket_fd, std::size_t messages_per_call)
    : fd_(socket_fd),
      is_ipv6_socket_(false),
      // The kernel takes at most UIO_MAXIOV (1024) messages per call.
      messages_(std::clamp<std::size_t>(messages_per_call, 1, 1024)),
      pieces_(2 * messages_.size()),
      addresses_(messages_.size()) {
  sockaddr_storage local{};
  socklen_t length = sizeof local;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length) == 0)
    is_ipv6_socket_ = local.ss_family == AF_INET6;
}

void RtpSender::address(const RtpDestination& d, sockaddr_storage& out, socklen_t& length) const {
  std::memset(&out, 0, sizeof out);
  if (!d.is_ipv6() && !is_ipv6_socket_) {
    auto& a = reinterpret_cast<sockaddr_in&>(out);
    a.sin_family = AF_INET;
    a.sin_port = htons(d.port);
    std::memcpy(&a.sin_addr, d.address.data(), 4);
    length = sizeof a;
    return;
  }
  auto& a = reinterpret_cast<sockaddr_in6&>(out);
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(d.port);
  if (d.is_ipv6()) {
    std::memcpy(&a.sin6_addr, d.address.data(), 16);
  } else {  // ::ffff:a.b.c.d on a dual-stack socket (RFC 4291 §2.5.5.2)
    a.sin6_addr.s6_addr[10] = 0xFF;
    a.sin6_addr.s6_addr[11] = 0xFF;
    std::memcpy(&a.sin6_addr.s6_addr[12], d.address.data(), 4);
  }
  length = sizeof a;
}

SendReport RtpSender::send(const RtpBatch& batch) {
  SendReport report;
  const auto packets = batch.packets();
  std::size_t next = 0;
  while (next < packets.size()) {
    const std::size_t count = std::min(messages_.size(), packets.size() - next);
    for (std::size_t i = 0; i < count; ++i) {
      const RtpPacket& p = packets[next + i];
      // iovec wants non-const pointers; sendmmsg only reads them.
      pieces_[2 * i] = iovec{const_cast<std::uint8_t*>(p.header.data()), p.header.size()};
      pieces_[2 * i + 1] = iovec{const_cast<std::uint8_t*>(p.payload.data()), p.payload.size()};
      msghdr& h = messages_[i].msg_hdr;
      h = msghdr{};
      address(p.destination, addresses_[i], h.msg_namelen);
      h.msg_name = &addresses_[i];
      h.msg_iov = &pieces_[2 * i];
      h.msg_iovlen = 2;
      messages_[i].msg_len = 0;
    }
    // One chunk: sendmmsg returns how many went before the first that could not; that
    // one's error is in errno only when it was the first of the call.
    std::size_t done = 0;
    bool is_blocked = false;
    while (done < count) {
      ++counters_.system_calls;
      const int n = sendmmsg(fd_, &messages_[done], unsigned(count - done), MSG_DONTWAIT);
      if (n > 0) {
        done += std::size_t(n);
        report.sent += std::size_t(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        // The send buffer is full: the rest of the batch would be late anyway.
        report.would_block += packets.size() - (next + done);
        is_blocked = true;
        break;
      }
      // This datagram was refused (bad address, unreachable network, wrong family):
      // count it and go on with the next one.
      report.last_error = n < 0 ? errno : EIO;
      ++report.failed;
      ++done;
    }
    if (is_blocked) break;
    next += count;
  }
  counters_.sent += report.sent;
  counters_.would_block += report.would_block;
  counters_.failed += report.failed;
  return report;
}

}  // namespace cpark::media

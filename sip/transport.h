// Where datagrams and stream messages come from and go to, as plain values: the layer
// never opens a socket, so a source or destination is just a transport, an IP literal,
// a port, and for streams the driver's connection id. Fixed inline storage: addresses
// are copied into every transmit and event without allocating. 62 characters hold any
// IPv6 literal with a zone id (45 + 1 + an interface name); the driver sends only to IP
// literals (it does no DNS), so a longer host name (only a Via maddr can bring one) is
// cut and then fails as a transport error instead of costing every leg and transaction
// 255 bytes (the address was a third of a parked call's memory).
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

namespace cpark::sip {

enum class Transport : std::uint8_t { udp, tcp, tls };

// RFC 3261 §17.1.1.2 / §17.1.2.2 / §17.2: reliable transports get no retransmissions and
// zero-length wait timers (D, I, J, K).
constexpr bool is_reliable(Transport t) { return t != Transport::udp; }
constexpr std::string_view transport_name(Transport t) {
  return t == Transport::udp ? "UDP" : t == Transport::tcp ? "TCP" : "TLS";
}

struct Address {
  Transport transport = Transport::udp;
  std::uint16_t port = 0;
  // The driver's id for a stream connection; 0 for datagrams or "open one".
  std::uint64_t connection = 0;

  Address() = default;
  Address(Transport t, std::string_view host_text, std::uint16_t port_number,
          std::uint64_t connection_id = 0)
      : transport(t), port(port_number), connection(connection_id) {
    set_host(host_text);
  }
  // IPv6 references lose their brackets: "[::1]" is stored as "::1".
  void set_host(std::string_view h) {
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
    host_size_ = std::uint8_t(std::min(h.size(), host_.size()));
    std::copy_n(h.data(), host_size_, host_.data());
  }
  std::string_view host() const { return {host_.data(), host_size_}; }
  friend bool operator==(const Address& a, const Address& b) {
    return a.transport == b.transport && a.port == b.port && a.connection == b.connection &&
           a.host() == b.host();
  }

 private:
  std::array<char, 62> host_{};
  std::uint8_t host_size_ = 0;
};

}  // namespace cpark::sip

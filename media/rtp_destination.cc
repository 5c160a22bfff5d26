// RtpDestination: building one from SDP text and printing it.
#include "media/rtp_destination.h"

#include <arpa/inet.h>

#include <algorithm>

namespace cpark::media {

RtpDestination RtpDestination::ipv4(std::array<std::uint8_t, 4> octets, std::uint16_t port) {
  RtpDestination d;
  std::copy(octets.begin(), octets.end(), d.address.begin());
  d.port = port;
  d.family = Family::ipv4;
  return d;
}

RtpDestination RtpDestination::ipv6(std::array<std::uint8_t, 16> octets, std::uint16_t port) {
  RtpDestination d;
  d.address = octets;
  d.port = port;
  d.family = Family::ipv6;
  return d;
}

std::optional<RtpDestination> RtpDestination::parse(std::string_view address, std::uint16_t port) {
  if (address.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string text(address);  // inet_pton wants a terminated string
  RtpDestination d;
  d.port = port;
  if (inet_pton(AF_INET, text.c_str(), d.address.data()) == 1) return d;
  if (inet_pton(AF_INET6, text.c_str(), d.address.data()) == 1) {
    d.family = Family::ipv6;
    return d;
  }
  return std::nullopt;
}

std::string RtpDestination::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_ipv6() ? AF_INET6 : AF_INET, address.data(), text, sizeof text);
  return is_ipv6() ? "[" + std::string(text) + "]:" + std::to_string(port)
                   : std::string(text) + ":" + std::to_string(port);
}

}  // namespace cpark::media

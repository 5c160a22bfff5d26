// Where a parked party's RTP goes: the address and port from its SDP (c= and m=audio).
// A plain value, so the sans-IO scheduler carries no socket or Asio type.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpark::media {

struct RtpDestination {
  enum class Family : std::uint8_t { ipv4, ipv6 };

  // Network byte order; an IPv4 address uses the first 4 bytes.
  std::array<std::uint8_t, 16> address{};
  std::uint16_t port = 0;
  Family family = Family::ipv4;

  static RtpDestination ipv4(std::array<std::uint8_t, 4> octets, std::uint16_t port);
  static RtpDestination ipv6(std::array<std::uint8_t, 16> octets, std::uint16_t port);
  // "192.0.2.7" or "2001:db8::7" (no brackets), or nullopt when it is neither.
  static std::optional<RtpDestination> parse(std::string_view address, std::uint16_t port);

  bool is_ipv6() const { return family == Family::ipv6; }
  // "192.0.2.7:4000" or "[2001:db8::7]:4000", for logs.
  std::string to_string() const;

  friend bool operator==(const RtpDestination&, const RtpDestination&) = default;
};

}  // namespace cpark::media

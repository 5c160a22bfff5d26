#include "engine/events.h"

namespace cpark {

const char* to_string(EndReason r) {
  switch (r) {
    case EndReason::Retrieved: return "Retrieved";
    case EndReason::Ringback: return "Ringback";
    case EndReason::Fallback: return "Fallback";
    case EndReason::Abandoned: return "Abandoned";
    case EndReason::Disconnected: return "Disconnected";
  }
  return "?";
}

namespace {
std::string s(std::uint64_t v) { return std::to_string(v); }
std::string d(const Diagnostic& g) { return std::to_string(g.code) + " \"" + g.text + "\""; }
template <class... F> struct overload : F... { using F::operator()...; };
template <class... F> overload(F...) -> overload<F...>;
}  // namespace

std::string to_string(const Output& out) {
  return std::visit(
      overload{
          [](const OrbitAssigned& o) { return "OrbitAssigned park=" + s(o.park) + " call=" + s(o.call) + " parker=" + s(o.parker) + " orbit=" + o.orbit.to_string(); },
          [](const ParkRejected& o) { return "ParkRejected call=" + s(o.call) + " " + d(o.diagnostic); },
          [](const StartMusicOnHold& o) { return "StartMusicOnHold call=" + s(o.call) + (o.custom_file ? " custom" : " default"); },
          [](const StopMusicOnHold& o) { return "StopMusicOnHold call=" + s(o.call); },
          [](const RingParker& o) { return "RingParker park=" + s(o.park) + " parker=" + s(o.parker) + " attempt=" + s(std::uint64_t(o.attempt)); },
          [](const StopRingback& o) { return "StopRingback park=" + s(o.park); },
          [](const RingFallback& o) { return "RingFallback park=" + s(o.park) + " uri=" + o.uri; },
          [](const StopFallback& o) { return "StopFallback park=" + s(o.park); },
          [](const Connect& o) { return "Connect call=" + s(o.call) + " peer_call=" + s(o.peer_call) + " peer_user=" + s(o.peer_user) + " uri=" + o.peer_uri; },
          [](const Disconnect& o) { return "Disconnect call=" + s(o.call) + " " + d(o.diagnostic); },
          [](const ParkEnded& o) { return "ParkEnded park=" + s(o.park) + " orbit=" + o.orbit.to_string() + " reason=" + to_string(o.reason); },
          [](const RetrieveRejected& o) { return "RetrieveRejected call=" + s(o.call) + " " + d(o.diagnostic); },
          [](const RouteToPool& o) { return "RouteToPool call=" + s(o.call) + " pool=" + s(o.pool) + " number=" + o.number.to_string(); },
          [](const CallPickedUp& o) { return "CallPickedUp call=" + s(o.call) + " picker_call=" + s(o.picker_call) + " callee=" + s(o.callee); },
          [](const PickupRejected& o) { return "PickupRejected call=" + s(o.call) + " " + d(o.diagnostic); },
          [](const ForwardNoAnswer& o) { return "ForwardNoAnswer call=" + s(o.call) + " target=" + o.target; },
      },
      out);
}

}  // namespace cpark

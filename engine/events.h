// What goes into the engine and what comes out of it. Inputs carry no time: the engine
// is always called with an explicit `now`. Outputs are instructions for the driver (ring
// this, connect that) and facts it must pass on (an orbit was assigned, a park ended).
// Both own their data (no views), so a driver may queue them across threads or strands.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "engine/diagnostic.h"
#include "engine/orbit_number.h"
#include "engine/time.h"

namespace cpark {

using CallId = std::uint64_t;   // the driver's handle for one call leg; never 0
using UserId = std::uint32_t;   // stable per user name for the engine's lifetime
using PoolId = std::uint32_t;   // stable per pool name for the engine's lifetime
using ParkId = std::uint64_t;   // unique per park, never reused; 0 means "none"
inline constexpr UserId kNoUser = ~UserId{0};

// Who sent a retrieve or pickup request (V1, G7, S8).
struct Caller {
  UserId user = kNoUser;        // a user of the deployment, or kNoUser
  bool trusted_peer = false;    // a configured PBX gateway (may retrieve, S8)
};

// How a ringing leg reached the user it rings (G6 exclusions that only routing knows).
enum class RouteKind : std::uint8_t { Direct, Delegate, ResponseGroup, TeamCall, SimultaneousRing };

// Why a park ended (P8), as the parker is told.
enum class EndReason : std::uint8_t { Retrieved, Ringback, Fallback, Abandoned, Disconnected };
const char* to_string(EndReason r);

// ---- inputs ----
struct ParkRequest {           // P1, O10: `orbit` set for a directed park
  CallId call = 0;             // the leg being parked (the parked party)
  UserId parker = kNoUser;
  std::optional<OrbitNumber> orbit;
};
struct RetrieveRequest {       // P3, P4, P9
  CallId retriever_call = 0;
  Caller from;
  PoolId at_pool = 0;          // the pool the request reached
  OrbitNumber orbit;
  ParkId park_id = 0;          // safe retrieve when non-zero
};
struct RingbackAnswered { ParkId park = 0; };     // P5
struct RingbackUnanswered { ParkId park = 0; };   // P5: declined or failed before C6 ran out
struct FallbackAnswered { ParkId park = 0; };     // P6
struct FallbackUnanswered { ParkId park = 0; };   // P6
struct PartyHungUp { CallId call = 0; };          // P7: the parked party (or fallback leg) left
struct CallRinging {           // G3, G6, G8: a call started ringing a user
  CallId call = 0;
  UserId callee = kNoUser;
  std::string caller;          // caller's URI or number (Friends and Family, G6)
  std::string dialed;          // number dialled (private line, G6)
  RouteKind route = RouteKind::Direct;
  bool video = false;
};
struct CallAnswered { CallId call = 0; };         // the callee answered: no longer pickable
struct CallEnded { CallId call = 0; };            // the caller gave up while ringing
struct PickupRequest {         // G4, G7, G9
  CallId picker_call = 0;
  Caller from;
  PoolId at_pool = 0;
  OrbitNumber group;
};

using Input = std::variant<ParkRequest, RetrieveRequest, RingbackAnswered, RingbackUnanswered,
                           FallbackAnswered, FallbackUnanswered, PartyHungUp, CallRinging,
                           CallAnswered, CallEnded, PickupRequest>;

// ---- outputs ----
struct OrbitAssigned { ParkId park; CallId call; UserId parker; PoolId pool; OrbitNumber orbit; };
struct ParkRejected { CallId call; UserId parker; Diagnostic diagnostic; };
struct StartMusicOnHold { CallId call; PoolId pool; bool custom_file; };   // C4
struct StopMusicOnHold { CallId call; };
struct RingParker { ParkId park; CallId call; UserId parker; int attempt; Time ring_until; };  // P5
struct StopRingback { ParkId park; UserId parker; };
struct RingFallback { ParkId park; CallId call; std::string uri; Time ring_until; };           // P6
struct StopFallback { ParkId park; };
// Connect `call` with a peer: another leg (retriever, picker), a user (ringback) or a URI.
struct Connect { CallId call; CallId peer_call; UserId peer_user; std::string peer_uri; bool audio_only; };
struct Disconnect { CallId call; Diagnostic diagnostic; };
// The park is over and its orbit free; the driver notifies the parker with the reason (P8).
struct ParkEnded { ParkId park; CallId call; UserId parker; PoolId pool; OrbitNumber orbit; EndReason reason; UserId by; };
struct RetrieveRejected { CallId call; Diagnostic diagnostic; };
// P9: the request reached a pool that does not own the number; re-deliver it at `pool`
// with the same requester (and, for a safe retrieve, the same park id).
enum class RoutedRequest : std::uint8_t { Retrieve, Pickup };
struct RouteToPool {
  CallId call; PoolId pool; OrbitNumber number; RoutedRequest request; Caller from; ParkId park_id;
};
// G5: the callee's ringing legs stop; the picker gets the call; the callee is told who.
struct CallPickedUp { CallId call; CallId picker_call; UserId callee; UserId picker; bool audio_only; };
struct PickupRejected { CallId call; Diagnostic diagnostic; };
// G8: nobody answered within the callee's ring timeout; route to voicemail or forward.
struct ForwardNoAnswer { CallId call; UserId callee; std::string target; };

using Output = std::variant<OrbitAssigned, ParkRejected, StartMusicOnHold, StopMusicOnHold,
                            RingParker, StopRingback, RingFallback, StopFallback, Connect,
                            Disconnect, ParkEnded, RetrieveRejected, RouteToPool, CallPickedUp,
                            PickupRejected, ForwardNoAnswer>;

// One line per output, for logs, traces and test failure messages.
std::string to_string(const Output& o);

}  // namespace cpark

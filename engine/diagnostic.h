// Diagnostics the engine reports with a rejected or ended request. Codes 35000-35017 are
// the Lync Call Park service ms-diagnostics ([MS-OCER] 7.25); 35100 and up are cpark's own
// for cases Lync did not number (each names its rule).
#pragma once

namespace cpark {

struct Diagnostic {
  int code = 0;
  const char* text = "";
  friend bool operator==(const Diagnostic& a, const Diagnostic& b) { return a.code == b.code; }
};

namespace diag {
inline constexpr Diagnostic kNone{0, ""};
inline constexpr Diagnostic kOrbitNotFound{35000, "Orbit not found"};                       // P4
inline constexpr Diagnostic kNoMoreOrbits{35002, "No more available orbits"};               // P2
inline constexpr Diagnostic kOutsideEnterprise{35003, "Cannot un-park from outside of enterprise"};  // S8
inline constexpr Diagnostic kDoublePark{35006, "Double park"};                              // P2
inline constexpr Diagnostic kSafeRetrieveFailed{35010, "Could not safe retrieve"};          // P4
inline constexpr Diagnostic kParkTimeExpired{35014, "Park time expired, no fallback configured"};  // P6
inline constexpr Diagnostic kNotEnabled{35100, "Call park is not enabled for this user by voice policy (V1)"};
inline constexpr Diagnostic kOrbitBusy{35101, "Directed park orbit is busy (O10)"};
inline constexpr Diagnostic kOrbitNotOwned{35102, "Directed park orbit is not a CallPark orbit of this pool (O10)"};
inline constexpr Diagnostic kNothingToPickUp{35103, "Nothing to pick up in this group (G9)"};
inline constexpr Diagnostic kPickupNotAllowed{35104, "This user cannot use group pickup (G7)"};
inline constexpr Diagnostic kNotAGroupNumber{35105, "Not a group pickup number (G1)"};
inline constexpr Diagnostic kUnknownParker{35106, "Parker is not a user of this deployment (P1)"};
inline constexpr Diagnostic kRangeRemoved{35107, "Orbit range removed by the administrator (O8)"};
inline constexpr Diagnostic kFallbackUnanswered{35108, "Fallback destination did not answer (P6)"};
inline constexpr Diagnostic kPoolWithoutFeature{35109, "Call Park is not deployed on the parker's pool (P1)"};
inline constexpr Diagnostic kServerShuttingDown{35110, "The Call Park server is shutting down"};
}  // namespace diag

}  // namespace cpark

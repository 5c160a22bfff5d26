// A small seeded fault-injecting UDP relay for load tests (test tooling, not part of the
// server): SIPp sends to the relay's port instead of the server's; the relay forwards
// every datagram, dropping, delaying, duplicating or reordering some. The kernels these
// tests run on have no netem, so this stands in for it. Like a NAT, each client address
// gets its own socket towards the server, so the server's answers and requests find
// their way back to the right SIPp.
//
// Reordering swaps a held datagram behind the next one of ANOTHER call (Call-ID) in the
// same direction, or releases it after 50 ms: SIPp's scenarios are strict sequences and
// fail on a same-dialog swap that a real phone would absorb (research note §2.9), so the
// relay tests what the server must survive (interleaved dialogs arriving out of order)
// without turning SIPp's limits into failures.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

namespace cpark::loadtest {

struct FaultSettings {
  double drop = 0;           // share of datagrams lost (0..1)
  double duplicate = 0;      // share sent twice
  double reorder = 0;        // share held back behind a later datagram
  double delay_ms = 0;       // added to every datagram
  double jitter_ms = 0;      // plus uniform 0..jitter (may reorder datagrams of one call too)
  std::uint64_t seed = 1;    // same seed, same faults for the same arrival order
};

struct FaultCounts {
  std::uint64_t forwarded = 0, dropped = 0, duplicated = 0, reordered = 0;
};

class FaultRelay {
 public:
  // Listens on 127.0.0.1:`listen_port` (0: any free port) and forwards to `server_host`:
  // `server_port`. Runs on its own thread until destroyed. Throws std::runtime_error
  // when the port cannot be bound.
  FaultRelay(std::uint16_t listen_port, const std::string& server_host, std::uint16_t server_port,
             FaultSettings settings);
  ~FaultRelay();
  FaultRelay(const FaultRelay&) = delete;
  FaultRelay& operator=(const FaultRelay&) = delete;

  std::uint16_t port() const;
  FaultCounts counts() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cpark::loadtest

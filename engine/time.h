// Engine time: a std::chrono duration of milliseconds since an origin the driver chooses.
// The engine never reads a clock: the simulator passes simulated time, the SIP server the
// steady clock minus its start (an Asio steady_timer takes a deadline as it is).
#pragma once
#include <chrono>

namespace cpark {

using Time = std::chrono::milliseconds;

// Settings are whole seconds (C1, C6, G8); deadlines are in engine time.
constexpr Time seconds(std::int64_t s) { return std::chrono::seconds(s); }

}  // namespace cpark

// Engine time: an integer count of milliseconds supplied by the driver. The engine never
// reads a clock; the simulator passes simulated time, the SIP server the steady clock.
#pragma once
#include <cstdint>

namespace cpark {

using Time = std::int64_t;  // milliseconds
constexpr Time kMillisecondsPerSecond = 1000;
constexpr Time seconds(std::int64_t s) { return s * kMillisecondsPerSecond; }

}  // namespace cpark

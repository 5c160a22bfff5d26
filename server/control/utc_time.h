// Wall-clock times as operators read them: ISO 8601 in UTC with milliseconds
// ("2026-11-23T21:14:03.512Z"), the form of the event log and the discovery file.
#pragma once
#include <chrono>
#include <string>

namespace cpark::server {

std::string format_utc_iso8601(std::chrono::system_clock::time_point t);

}  // namespace cpark::server

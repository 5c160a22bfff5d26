// SIP request methods the layer knows by name (RFC 3261 §7.1 plus the extensions a PBX meets).
#pragma once
#include <cstdint>
#include <string_view>

namespace cpark::sip {

enum class Method : std::uint8_t {
  unknown, invite, ack, bye, cancel, register_, options, info, update, prack, subscribe,
  notify, refer, message, publish,
};
// Case-sensitive (RFC 3261 §7.1: "The method name is case-sensitive"), so "RE%47IST%45R"
// and "register" stay unknown (RFC 4475 §3.1.1.5).
Method method_from_name(std::string_view name);
std::string_view method_name(Method method);  // "" for unknown

}  // namespace cpark::sip

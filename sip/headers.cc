// Typed parsing of Via, CSeq, parameterized values, Replaces and Warning (RFC 3261 §20).
#include "sip/headers.h"

#include <cstring>

#include "sip/detail/header_params.h"
#include "sip/detail/text.h"

namespace cpark::sip {

std::string_view trim_value(std::string_view value) { return detail::trim(value); }

bool parse_via(std::string_view value, Via& out) {
  out = Via{};
  const std::string_view v = detail::trim(value);
  const char* p = v.data();
  const char* const end = p + v.size();
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, with LWS
  // allowed around the slashes (RFC 4475 §3.1.1.1).
  std::string_view* const parts[3] = {&out.protocol_name, &out.protocol_version, &out.transport};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (p == end || *p != '/') return false;
      p = detail::skip_ws(p + 1, end);
    }
    const char* const token = p;
    p = detail::skip_class(p, end, detail::k_token);
    if (p == token) return false;
    *parts[i] = detail::view(token, p);
    if (i < 2) p = detail::skip_ws(p, end);
  }
  const char* const after_transport = p;
  p = detail::skip_ws(p, end);
  if (p == after_transport) return false;  // LWS before sent-by is required
  // sent-by = host [COLON port]; host = hostname / IPv4address / IPv6reference (§25.1).
  const char* const host = p;
  if (p < end && *p == '[') {
    const void* close = std::memchr(p, ']', std::size_t(end - p));
    if (!close) return false;
    p = static_cast<const char*>(close) + 1;
    // The brackets must hold an IPv6 address: a ',' or '<' inside them would otherwise
    // pass here and split the header elsewhere (and "[x]" is no host).
    for (const char* c = host + 1; c < p - 1; ++c)
      if (!detail::is(*c, detail::k_ipv6)) return false;
    if (p - host < 4) return false;
  } else {
    p = detail::skip_class(p, end, detail::k_host);
  }
  out.host = detail::view(host, p);
  if (p == host) return false;
  p = detail::skip_ws(p, end);
  if (p < end && *p == ':') {
    const char* const digits = detail::skip_ws(p + 1, end);
    p = digits;
    while (p < end && detail::is_digit(*p)) ++p;
    const auto port = detail::parse_decimal(detail::view(digits, p), 65535);
    if (!port || *port == 0) return false;
    out.port = std::uint16_t(*port);
    p = detail::skip_ws(p, end);
  }
  const std::string_view params = detail::view(p, end);
  bool ok = true;
  // One pass validates the parameters and picks out the ones the layer reads.
  const bool valid = detail::scan_header_params(params, [&](std::string_view name, std::string_view val,
                                                            bool has_value) {
    switch (name.size()) {
      case 6:
        if (detail::iequals_lower(name, "branch")) {
          if (!has_value || val.empty()) ok = false;
          out.branch = val;
        }
        break;
      case 8:
        if (detail::iequals_lower(name, "received")) out.received = val;
        break;
      case 5:
        if (detail::iequals_lower(name, "maddr")) {
          out.maddr = val;
        } else if (detail::iequals_lower(name, "rport")) {
          out.has_rport = true;
          if (has_value) {
            const auto port = detail::parse_decimal(val, 65535);
            if (!port) ok = false;
            else out.rport = std::uint16_t(*port);
          }
        }
        break;
      case 3:
        if (detail::iequals_lower(name, "ttl")) out.ttl = val;
        break;
      default:
        break;
    }
  });
  if (!valid) return false;
  out.params = Params(params);
  return ok;
}

bool parse_cseq(std::string_view value, CSeq& out) {
  out = CSeq{};
  const std::string_view v = detail::trim(value);
  std::size_t i = 0;
  while (i < v.size() && detail::is_digit(v[i])) ++i;
  // RFC 3261 §8.1.1.5: the sequence number MUST be less than 2**31.
  const auto number = detail::parse_decimal(v.substr(0, i), 0x7fffffffULL);
  if (!number) return false;
  const std::size_t m = std::size_t(detail::skip_ws(v.data() + i, v.data() + v.size()) - v.data());
  if (m == i) return false;
  out.method_text = v.substr(m);
  if (!detail::is_token(out.method_text)) return false;
  out.number = std::uint32_t(*number);
  out.method = method_from_name(out.method_text);
  return true;
}

bool parse_parameterized(std::string_view text, ParameterizedValue& out) {
  out = ParameterizedValue{};
  const std::string_view t = detail::trim(text);
  const std::size_t semi = t.find(';');
  out.value = detail::trim(t.substr(0, semi));
  if (out.value.empty()) return false;
  if (semi != std::string_view::npos) {
    const std::string_view params = t.substr(semi);
    if (!detail::valid_header_params(params)) return false;
    out.params = Params(params);
  }
  return true;
}

bool parse_replaces(std::string_view text, Replaces& out) {
  out = Replaces{};
  ParameterizedValue pv;
  if (!parse_parameterized(text, pv)) return false;
  out.call_id = pv.value;
  const auto to_tag = pv.params.find("to-tag");
  const auto from_tag = pv.params.find("from-tag");
  // RFC 3891 §6.1: exactly one to-tag and one from-tag.
  if (!to_tag || !from_tag) return false;
  out.to_tag = *to_tag;
  out.from_tag = *from_tag;
  out.early_only = pv.params.has("early-only");
  return true;
}

bool parse_warning(std::string_view text, Warning& out) {
  out = Warning{};
  const std::string_view t = detail::trim(text);
  if (t.size() < 7 || !detail::is_digit(t[0]) || !detail::is_digit(t[1]) ||
      !detail::is_digit(t[2]) || t[3] != ' ')
    return false;
  out.code = (t[0] - '0') * 100 + (t[1] - '0') * 10 + (t[2] - '0');
  const std::size_t sp = t.find(' ', 4);
  if (sp == std::string_view::npos || sp == 4) return false;
  out.agent = t.substr(4, sp - 4);
  out.text = detail::trim(t.substr(sp + 1));
  return out.text.size() >= 2 && out.text.front() == '"' && out.text.back() == '"';
}

}  // namespace cpark::sip

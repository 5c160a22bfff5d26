// Typed parsing of Via, CSeq, parameterized values, Replaces and Warning (RFC 3261 §20).
#include "sip/headers.h"

#include "sip/detail/text.h"

namespace cpark::sip {
namespace {

using detail::is_ws;

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}
std::size_t token_end(std::string_view s, std::size_t i) {
  while (i < s.size() && detail::is_token_char(s[i])) ++i;
  return i;
}

}  // namespace

std::string_view trim_value(std::string_view value) { return detail::trim(value); }

bool parse_via(std::string_view value, Via& out) {
  out = Via{};
  const std::string_view v = detail::trim(value);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, with LWS
  // allowed around the slashes (RFC 4475 §3.1.1.1).
  std::size_t i = token_end(v, 0);
  out.protocol_name = v.substr(0, i);
  if (out.protocol_name.empty()) return false;
  i = skip_ws(v, i);
  if (i >= v.size() || v[i] != '/') return false;
  i = skip_ws(v, i + 1);
  std::size_t j = token_end(v, i);
  out.protocol_version = v.substr(i, j - i);
  if (out.protocol_version.empty()) return false;
  i = skip_ws(v, j);
  if (i >= v.size() || v[i] != '/') return false;
  i = skip_ws(v, i + 1);
  j = token_end(v, i);
  out.transport = v.substr(i, j - i);
  if (out.transport.empty()) return false;
  i = skip_ws(v, j);
  if (i == j) return false;  // LWS before sent-by is required
  // sent-by = host [COLON port]
  if (i < v.size() && v[i] == '[') {
    j = v.find(']', i);
    if (j == std::string_view::npos) return false;
    ++j;
  } else {
    j = i;
    while (j < v.size() && detail::is(v[j], detail::k_host)) ++j;
  }
  out.host = v.substr(i, j - i);
  if (out.host.empty()) return false;
  i = skip_ws(v, j);
  if (i < v.size() && v[i] == ':') {
    i = skip_ws(v, i + 1);
    j = i;
    while (j < v.size() && detail::is_digit(v[j])) ++j;
    const auto port = detail::parse_decimal(v.substr(i, j - i), 65535);
    if (!port || *port == 0) return false;
    out.port = std::uint16_t(*port);
    i = skip_ws(v, j);
  }
  const std::string_view params = v.substr(i);
  if (!detail::valid_header_params(params)) return false;
  out.params = Params(params);
  bool ok = true;
  out.params.for_each([&](std::string_view name, std::string_view val, bool has_value) {
    if (detail::iequals(name, "branch")) {
      if (!has_value || val.empty()) ok = false;
      out.branch = val;
    } else if (detail::iequals(name, "received")) {
      out.received = val;
    } else if (detail::iequals(name, "maddr")) {
      out.maddr = val;
    } else if (detail::iequals(name, "ttl")) {
      out.ttl = val;
    } else if (detail::iequals(name, "rport")) {
      out.has_rport = true;
      if (has_value) {
        const auto p = detail::parse_decimal(val, 65535);
        if (!p) ok = false;
        else out.rport = std::uint16_t(*p);
      }
    }
  });
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
  const std::size_t m = skip_ws(v, i);
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

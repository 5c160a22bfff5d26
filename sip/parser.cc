// The parser: a line splitter over the buffer (memchr for line ends, a hashed lookup for
// header names) followed by one pass over the split fields that checks the first tier
// (what matching and routing need) and, for parse_and_validate, the second (full field
// syntax) in the same visit of each value.
#include "sip/parser.h"

#include <cstdint>
#include <cstring>
#include <optional>

#include "sip/detail/header_names.h"
#include "sip/detail/message_access.h"
#include "sip/detail/text.h"

namespace cpark::sip {
namespace detail {

namespace {

bool fail(ParseError& error, int status, HeaderKind header, std::string_view what) {
  if (error.status != 0) return false;  // keep the first reason
  error.status = status;
  error.header = header;
  error.reason.clear();
  if (header != HeaderKind::other) {
    error.reason += header_name(header);
    error.reason += ": ";
  }
  error.reason += what;
  return false;
}

// "SIP/2.0": the literal is case-insensitive (RFC 3261 §25.1, ABNF strings).
// Returns 0 for 2.0, 505 for another well-formed version, 400 otherwise.
int check_version(std::string_view v) {
  if (v == "SIP/2.0") return 0;  // as every element writes it
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return 400;
  const std::string_view n = v.substr(4);
  const std::size_t dot = n.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == n.size()) return 400;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (i != dot && !is_digit(n[i])) return 400;
  return n == "2.0" ? 0 : 505;
}

const char* find_line_end(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', std::size_t(end - p));
  return nl ? static_cast<const char*>(nl) : nullptr;
}

// A list-valued field (Via, Contact, Route, Record-Route) is checked element by element
// (§7.3.1). Almost every such line holds one element, so the whole value is parsed first:
// when that succeeds it was one element, since no well-formed via-parm or name-addr has a
// ',' outside quotes and angle brackets (the only place for_each_list_element splits).
// Otherwise the value is split and each element parsed, exactly as before.

// Index of the first malformed via-parm, or -1. `first_only` stops after element 0.
int first_bad_via(std::string_view value, bool first_only) {
  Via via;
  if (parse_via(value, via)) return -1;
  int index = 0, bad = -1;
  for_each_list_element(value, [&](std::string_view element) {
    if (!parse_via(element, via)) {
      bad = index;
      return false;
    }
    ++index;
    return !first_only;
  });
  return bad;
}

bool valid_name_address(std::string_view value, bool allow_wildcard) {
  NameAddress na;
  return parse_name_address(value, na) && (allow_wildcard || !na.is_wildcard);
}

bool valid_name_address_list(std::string_view value, bool allow_wildcard) {
  if (valid_name_address(value, allow_wildcard)) return true;
  bool ok = true;
  for_each_list_element(value, [&](std::string_view element) {
    ok = valid_name_address(element, allow_wildcard);
    return ok;
  });
  return ok;
}

// Second-tier syntax of one field; the reason when it fails, null when it passes. The
// first Via is not here: its first element is first-tier.
const char* field_syntax_error(const Header& h) {
  switch (h.kind) {
    case HeaderKind::via:
      return first_bad_via(h.value, false) >= 0 ? "malformed via-parm" : nullptr;
    case HeaderKind::from:
    case HeaderKind::to:
      return valid_name_address(h.value, false) ? nullptr : "malformed name-addr or addr-spec";
    case HeaderKind::contact:
      return valid_name_address_list(h.value, true) ? nullptr : "malformed name-addr or addr-spec";
    case HeaderKind::route:
    case HeaderKind::record_route:
      return valid_name_address_list(h.value, false) ? nullptr : "malformed name-addr or addr-spec";
    default:
      return nullptr;
  }
}

const char* request_uri_error(std::string_view request_uri) {
  Uri uri;
  if (!parse_uri(request_uri, uri)) return "Request-URI is malformed";
  // §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (uri.is_sip() && !uri.headers.empty()) return "Request-URI carries escaped headers";
  return nullptr;
}

bool has_white_space(std::string_view s) {
  // SP, HT, CR and LF are all below 0x21: eight bytes at a time, a word with no byte
  // below 0x21 (the classic "has less than" bit trick) has no white space; only words
  // that might are checked byte by byte.
  const char* p = s.data();
  const char* const end = p + s.size();
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  for (; end - p >= 8; p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if (((w - ones * 0x21) & ~w & highs) == 0) continue;
    for (int i = 0; i < 8; ++i)
      if (is_ws(p[i])) return true;
  }
  for (; p < end; ++p)
    if (is_ws(*p)) return true;
  return false;
}

}  // namespace

bool MessageAccess::parse(std::string_view data, Message& m, ParseError& error,
                          const ParseLimits& limits, bool full) {
  m.clear();
  m.source_ = data;
  error.clear();
  if (data.size() > limits.max_message_bytes)
    fail(error, 513, HeaderKind::other, "message larger than the configured limit");

  const char* p = data.data();
  const char* const end = p + data.size();
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (p < end && (*p == '\r' || *p == '\n')) ++p;
  const char* const start = p;
  const char* nl = find_line_end(p, end);
  if (!nl) return fail(error, 400, HeaderKind::other, "no line break after the start line");
  std::string_view line(p, std::size_t(nl - p));
  // Whether the datagram is byte for byte what serialize() would write for it (see
  // Message::wire_): no CRLFs before the start line, CRLF line ends, one SP after each
  // header colon, no white space trimmed off a value, one canonical Content-Length.
  bool canonical = start == data.data() && !line.empty() && line.back() == '\r';
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  // Start line: Request-Line = Method SP Request-URI SP SIP-Version, one SP exactly
  // between elements (RFC 4475 §3.1.2.9, §3.1.2.10 are refused rather than repaired).
  if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) {
    m.is_request_ = false;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return fail(error, 400, HeaderKind::other, "status line has no status code");
    const int version = check_version(line.substr(0, sp1));
    if (version == 400) return fail(error, 400, HeaderKind::other, "status line: malformed SIP version");
    std::string_view rest = line.substr(sp1 + 1);
    const std::size_t sp2 = rest.find(' ');
    const std::string_view code = rest.substr(0, sp2);
    if (code.size() != 3 || !is_digit(code[0]) || !is_digit(code[1]) || !is_digit(code[2]) ||
        code[0] < '1' || code[0] > '6')
      return fail(error, 400, HeaderKind::other, "status line: status code is not 100-699");
    m.status_ = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    m.reason_ = sp2 == std::string_view::npos ? std::string_view{} : rest.substr(sp2 + 1);
    canonical = canonical && sp1 == 7 && line.substr(0, 7) == "SIP/2.0" && sp2 != std::string_view::npos;
    error.start_line_parsed = true;
    if (version == 505) fail(error, 505, HeaderKind::other, "SIP version is not 2.0");
  } else {
    m.is_request_ = true;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
      return fail(error, 400, HeaderKind::other, "request line has no Request-URI");
    m.method_text_ = line.substr(0, sp1);
    if (!is_token(m.method_text_)) return fail(error, 400, HeaderKind::other, "request line: method is not a token");
    m.method_ = method_from_name(m.method_text_);
    // From here on the method is known, so even a refused request line leaves enough to
    // answer 400 once the header fields are split (RFC 4475 §3.1.2.8-10).
    error.start_line_parsed = true;
    const std::string_view rest = line.substr(sp1 + 1);
    const std::size_t sp2 = rest.find(' ');
    m.request_uri_ = rest.substr(0, sp2);
    const std::string_view version_text =
        sp2 == std::string_view::npos ? std::string_view{} : rest.substr(sp2 + 1);
    const int version = check_version(version_text);
    canonical = canonical && version_text == "SIP/2.0";
    if (sp2 == 0 || m.request_uri_.empty() || version == 400)
      fail(error, 400, HeaderKind::other,
           "request line: expected Method SP Request-URI SP SIP-Version, single spaces");
    else if (version == 505)
      fail(error, 505, HeaderKind::other, "SIP version is not 2.0");
  }
  p = nl + 1;

  // Header fields. Folded lines (leading SP/HT) extend the previous value in place: the
  // value view simply grows over the line break, which typed parsers treat as LWS.
  bool terminated = false;
  while (p < end) {
    nl = find_line_end(p, end);
    const char* line_end = nl ? nl : end;
    const char* content_end = (line_end > p && line_end[-1] == '\r') ? line_end - 1 : line_end;
    if (content_end == p) {  // empty line: end of headers
      canonical = canonical && content_end != line_end;
      p = nl ? nl + 1 : end;
      terminated = true;
      break;
    }
    if (!nl) break;  // a header line with no line break: the header block never ended
    if (*p == ' ' || *p == '\t') {
      if (m.headers_.empty())
        return fail(error, 400, HeaderKind::other, "continuation line before any header field");
      Header& h = m.headers_.back();
      const char* const value_begin = h.value.data();
      h.value = trim(std::string_view(value_begin, std::size_t(content_end - value_begin)));
      canonical = canonical && h.value.data() == value_begin &&
                  h.value.data() + h.value.size() == content_end && content_end != line_end;
      p = nl + 1;
      continue;
    }
    const char* q = skip_class(p, content_end, k_token);
    const std::string_view name(p, std::size_t(q - p));
    while (q < content_end && (*q == ' ' || *q == '\t')) ++q;
    if (name.empty() || q == content_end || *q != ':')
      return fail(error, 400, HeaderKind::other, "malformed header line (no name or no colon)");
    // The value is trimmed of linear white space (CR and LF included, §7.3.1) here; a
    // continuation line re-trims the grown value.
    const char* const colon = q;
    q = skip_ws(q + 1, content_end);
    const char* value_end = content_end;
    while (value_end > q && is_ws(value_end[-1])) --value_end;
    canonical = canonical && colon == name.data() + name.size() && q == colon + 2 && colon[1] == ' ' &&
                value_end == content_end && content_end != line_end;
    if (m.headers_.size() >= limits.max_headers)
      return fail(error, 400, HeaderKind::other, "too many header fields");
    m.headers_.push_back(Header{header_kind_from_name(name, end), name, view(q, value_end)});
    p = nl + 1;
  }
  if (!terminated) return fail(error, 400, HeaderKind::other, "header fields not ended by an empty line");

  // One pass over the fields. First-tier problems are reported as they are found; the
  // first second-tier problem (full field syntax, when `full`) is held back and reported
  // only if the first tier passes, so the reason is the one the two tiers run one after
  // the other would give.
  const char* syntax_error = nullptr;
  HeaderKind syntax_error_header = HeaderKind::other;
  // How often each field was seen, saturating at 2: the checks only ask for 0, 1 or more.
  std::uint8_t count[std::size_t(HeaderKind::count_)] = {};
  std::optional<std::uint64_t> content_length;  // of the first Content-Length, when valid
  for (const Header& h : m.headers_) {
    std::uint8_t& counter = count[std::size_t(h.kind)];
    if (counter < 2) ++counter;
    const std::uint8_t seen = counter;
    const bool check_syntax = full && !syntax_error && error.status == 0;
    switch (h.kind) {
      case HeaderKind::via:
        // The top via-parm is what matching and response routing need (first tier).
        if (seen == 1) {
          const int bad = first_bad_via(h.value, !full);
          if (bad == 0) {
            fail(error, 400, HeaderKind::via, "malformed via-parm");
          } else if (bad > 0 && check_syntax) {
            syntax_error = "malformed via-parm";
            syntax_error_header = HeaderKind::via;
          }
          break;
        }
        [[fallthrough]];
      case HeaderKind::from:
      case HeaderKind::to:
      case HeaderKind::contact:
      case HeaderKind::route:
      case HeaderKind::record_route:
        if (check_syntax) {
          syntax_error = field_syntax_error(h);
          syntax_error_header = h.kind;
        }
        break;
      case HeaderKind::cseq: {
        CSeq c;
        if (!parse_cseq(h.value, c))
          fail(error, 400, HeaderKind::cseq, "sequence number must be below 2^31, followed by a method");
        else if (m.is_request_ && c.method_text != m.method_text_)
          fail(error, 400, HeaderKind::cseq, "method does not match the request line");
        break;
      }
      case HeaderKind::call_id:
        if (h.value.empty()) fail(error, 400, HeaderKind::call_id, "empty");
        if (has_white_space(h.value)) fail(error, 400, HeaderKind::call_id, "white space inside the Call-ID");
        break;
      case HeaderKind::content_length:
        if (const auto cl = parse_decimal(h.value, 0xffffffffULL)) {
          if (seen == 1) content_length = cl;
        } else {
          fail(error, 400, HeaderKind::content_length, "not a non-negative decimal number");
        }
        break;
      case HeaderKind::max_forwards:
        if (!parse_decimal(h.value, 255))
          fail(error, 400, HeaderKind::max_forwards, "not a number from 0 to 255");
        break;
      default:
        break;
    }
  }
  // Singleton fields may appear once (RFC 4475 §3.3.8, §3.3.9).
  static constexpr HeaderKind singletons[] = {HeaderKind::from, HeaderKind::to, HeaderKind::call_id,
                                              HeaderKind::cseq, HeaderKind::content_length,
                                              HeaderKind::max_forwards, HeaderKind::content_type};
  for (HeaderKind k : singletons)
    if (count[std::size_t(k)] > 1) fail(error, 400, k, "appears more than once");
  static constexpr HeaderKind required[] = {HeaderKind::via, HeaderKind::from, HeaderKind::to,
                                            HeaderKind::call_id, HeaderKind::cseq};
  for (HeaderKind k : required)
    if (count[std::size_t(k)] == 0) fail(error, 400, k, "missing");

  // Body: Content-Length octets when given (extra datagram octets are ignored, §18.3),
  // the rest otherwise.
  const std::string_view rest(p, std::size_t(end - p));
  m.body_ = rest;
  if (count[std::size_t(HeaderKind::content_length)] == 1 && content_length) {
    if (*content_length > rest.size())
      fail(error, 400, HeaderKind::content_length, "larger than the message body");
    else
      m.body_ = rest.substr(0, std::size_t(*content_length));
  } else {
    canonical = false;  // the serializer adds the one Content-Length it writes
  }
  if (full && error.status == 0 && !syntax_error && m.is_request_) {
    syntax_error = request_uri_error(m.request_uri_);
    syntax_error_header = HeaderKind::other;
  }
  if (syntax_error) fail(error, 400, syntax_error_header, syntax_error);
  if (canonical && error.status == 0) {
    // The serializer writes Content-Length as "Content-Length: <digits without leading
    // zeros>"; any other spelling is rewritten, so the datagram is not its output.
    const Header* cl = m.find(HeaderKind::content_length);
    if (cl->name == "Content-Length" && (cl->value.size() == 1 || cl->value[0] != '0'))
      m.wire_ = std::string_view(start, std::size_t(m.body_.data() + m.body_.size() - start));
  }
  return error.status == 0;
}

bool validate_fields(const Message& m, ParseError& error) {
  for (const Header& h : m.headers()) {
    if (const char* what = field_syntax_error(h)) {
      fail(error, 400, h.kind, what);
      break;
    }
  }
  if (m.is_request() && error.status == 0)
    if (const char* what = request_uri_error(m.request_uri())) fail(error, 400, HeaderKind::other, what);
  return error.status == 0;
}

}  // namespace detail

bool validate_message(const Message& message, ParseError& error) {
  return detail::validate_fields(message, error);
}

bool parse_and_validate(std::string_view data, Message& out, ParseError& error, const ParseLimits& limits) {
  return detail::MessageAccess::parse(data, out, error, limits, true);
}

bool parse_message(std::string_view data, Message& out, ParseError& error, const ParseLimits& limits) {
  return detail::MessageAccess::parse(data, out, error, limits, false);
}

bool can_answer_bad_request(const Message& m, const ParseError& error) {
  if (!error.start_line_parsed || !m.is_request() || m.method() == Method::ack) return false;
  // The answer copies From, To, Call-ID and CSeq as they are (even malformed: RFC 4475
  // §3.1.2.4 wants a 400 for a bad CSeq); a Via that does not parse is copied too and the
  // answer goes back to the datagram's source (RFC 4475 §3.1.2.1).
  return m.has(HeaderKind::via) && m.has(HeaderKind::from) && m.has(HeaderKind::to) &&
         !m.call_id().empty() && m.has(HeaderKind::cseq);
}

}  // namespace cpark::sip

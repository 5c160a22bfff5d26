// The parser: a line splitter over the buffer (memchr for line ends, a table lookup for
// header names) followed by one validation pass over the fields that matter.
#include "sip/parser.h"

#include <cstring>

#include "sip/detail/text.h"

namespace cpark::sip {
namespace detail {

struct MessageAccess {
  static bool parse(std::string_view data, Message& m, ParseError& error, const ParseLimits& limits);
};

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

bool validate_name_address_list(const Message& m, HeaderKind kind, std::string_view value,
                                ParseError& error, bool allow_wildcard) {
  bool ok = true;
  for_each_list_element(value, [&](std::string_view element) {
    NameAddress na;
    if (!parse_name_address(element, na) || (na.is_wildcard && !allow_wildcard)) {
      ok = fail(error, 400, kind, "malformed name-addr or addr-spec");
      return false;
    }
    return true;
  });
  (void)m;
  return ok;
}

}  // namespace

bool MessageAccess::parse(std::string_view data, Message& m, ParseError& error,
                          const ParseLimits& limits) {
  m.clear();
  error.clear();
  if (data.size() > limits.max_message_bytes)
    fail(error, 513, HeaderKind::other, "message larger than the configured limit");

  const char* p = data.data();
  const char* const end = p + data.size();
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (p < end && (*p == '\r' || *p == '\n')) ++p;
  const char* nl = find_line_end(p, end);
  if (!nl) return fail(error, 400, HeaderKind::other, "no line break after the start line");
  std::string_view line(p, std::size_t(nl - p));
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
      p = nl ? nl + 1 : end;
      terminated = true;
      break;
    }
    if (!nl) break;  // a header line with no line break: the header block never ended
    if (*p == ' ' || *p == '\t') {
      if (m.headers_.empty())
        return fail(error, 400, HeaderKind::other, "continuation line before any header field");
      Header& h = m.headers_.back();
      h.value = std::string_view(h.value.data(), std::size_t(content_end - h.value.data()));
      p = nl + 1;
      continue;
    }
    const char* q = p;
    while (q < content_end && is_token_char(*q)) ++q;
    const std::string_view name(p, std::size_t(q - p));
    while (q < content_end && (*q == ' ' || *q == '\t')) ++q;
    if (name.empty() || q == content_end || *q != ':')
      return fail(error, 400, HeaderKind::other, "malformed header line (no name or no colon)");
    ++q;
    while (q < content_end && (*q == ' ' || *q == '\t')) ++q;
    if (m.headers_.size() >= limits.max_headers)
      return fail(error, 400, HeaderKind::other, "too many header fields");
    m.headers_.push_back(Header{header_kind_from_name(name), name,
                                std::string_view(q, std::size_t(content_end - q))});
    p = nl + 1;
  }
  if (!terminated) return fail(error, 400, HeaderKind::other, "header fields not ended by an empty line");
  for (Header& h : m.headers_) h.value = trim(h.value);

  // Validation: one pass over the fields every element relies on.
  int count[std::size_t(HeaderKind::count_)] = {};
  for (const Header& h : m.headers_) {
    ++count[std::size_t(h.kind)];
    switch (h.kind) {
      case HeaderKind::via:
        // The top Via is what matching and response routing need; the rest are checked
        // by validate_message.
        if (count[std::size_t(HeaderKind::via)] == 1) {
          bool ok = true;
          for_each_list_element(h.value, [&](std::string_view v) {
            Via via;
            if (!parse_via(v, via)) ok = fail(error, 400, HeaderKind::via, "malformed via-parm");
            return false;
          });
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
        for (char c : h.value)
          if (is_ws(c)) {
            fail(error, 400, HeaderKind::call_id, "white space inside the Call-ID");
            break;
          }
        break;
      case HeaderKind::content_length:
        if (!parse_decimal(h.value, 0xffffffffULL))
          fail(error, 400, HeaderKind::content_length, "not a non-negative decimal number");
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
  if (count[std::size_t(HeaderKind::content_length)] == 1) {
    const auto cl = parse_decimal(m.value(HeaderKind::content_length), 0xffffffffULL);
    if (cl) {
      if (*cl > rest.size())
        fail(error, 400, HeaderKind::content_length, "larger than the message body");
      else
        m.body_ = rest.substr(0, std::size_t(*cl));
    }
  }
  return error.status == 0;
}

bool validate_fields(const Message& m, ParseError& error) {
  for (const Header& h : m.headers()) {
    switch (h.kind) {
      case HeaderKind::via: {
        bool ok = true;
        for_each_list_element(h.value, [&](std::string_view v) {
          Via via;
          if (!parse_via(v, via)) ok = fail(error, 400, HeaderKind::via, "malformed via-parm");
          return ok;
        });
        break;
      }
      case HeaderKind::from:
      case HeaderKind::to: {
        NameAddress na;
        if (!parse_name_address(h.value, na) || na.is_wildcard)
          fail(error, 400, h.kind, "malformed name-addr or addr-spec");
        break;
      }
      case HeaderKind::contact:
        validate_name_address_list(m, h.kind, h.value, error, true);
        break;
      case HeaderKind::route:
      case HeaderKind::record_route:
        validate_name_address_list(m, h.kind, h.value, error, false);
        break;
      default:
        break;
    }
  }
  if (m.is_request() && error.status == 0) {
    Uri uri;
    if (!parse_uri(m.request_uri(), uri))
      fail(error, 400, HeaderKind::other, "Request-URI is malformed");
    else if (uri.is_sip() && !uri.headers.empty())
      // §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
      fail(error, 400, HeaderKind::other, "Request-URI carries escaped headers");
  }
  return error.status == 0;
}

}  // namespace detail

bool validate_message(const Message& message, ParseError& error) {
  return detail::validate_fields(message, error);
}

bool parse_and_validate(std::string_view data, Message& out, ParseError& error, const ParseLimits& limits) {
  const bool parsed = parse_message(data, out, error, limits);
  // Field syntax is checked even after a refusal so the reason names the first problem
  // in header order when the split itself succeeded.
  if (!parsed && error.status != 400) return false;
  const bool valid = detail::validate_fields(out, error);
  return parsed && valid;
}

bool parse_message(std::string_view data, Message& out, ParseError& error, const ParseLimits& limits) {
  return detail::MessageAccess::parse(data, out, error, limits);
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

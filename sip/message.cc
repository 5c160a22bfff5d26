// Method and header-name tables, the arena, and the Message accessors and editors.
#include "sip/message.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "sip/detail/header_names.h"
#include "sip/detail/text.h"

namespace cpark::sip {
namespace {

struct MethodName {
  std::string_view name;
  Method method;
};
constexpr MethodName method_names[] = {
    {"INVITE", Method::invite},   {"ACK", Method::ack},         {"BYE", Method::bye},
    {"CANCEL", Method::cancel},   {"REGISTER", Method::register_}, {"OPTIONS", Method::options},
    {"INFO", Method::info},       {"UPDATE", Method::update},   {"PRACK", Method::prack},
    {"SUBSCRIBE", Method::subscribe}, {"NOTIFY", Method::notify}, {"REFER", Method::refer},
    {"MESSAGE", Method::message}, {"PUBLISH", Method::publish},
};

using detail::canonical_names;


}  // namespace

Method method_from_name(std::string_view name) {
  // Case-sensitive (§7.1); the first letter picks at most two candidates.
  if (name.empty()) return Method::unknown;
  auto is = [&](Method m) { return name == method_name(m) ? m : Method::unknown; };
  switch (name[0]) {
    case 'I': return name.size() == 6 ? is(Method::invite) : is(Method::info);
    case 'A': return is(Method::ack);
    case 'B': return is(Method::bye);
    case 'C': return is(Method::cancel);
    case 'R': return name.size() == 8 ? is(Method::register_) : is(Method::refer);
    case 'O': return is(Method::options);
    case 'U': return is(Method::update);
    case 'P': return name.size() == 5 ? is(Method::prack) : is(Method::publish);
    case 'S': return is(Method::subscribe);
    case 'N': return is(Method::notify);
    case 'M': return is(Method::message);
    default: return Method::unknown;
  }
}

std::string_view method_name(Method method) {
  for (const auto& m : method_names)
    if (m.method == method) return m.name;
  return {};
}
static_assert(std::size(method_names) == 14, "method_from_name's switch names every method");

HeaderKind header_kind_from_name(std::string_view name) {
  return detail::header_kind_from_name(name, name.data() + name.size());
}

HeaderKind detail::header_kind_near_end(std::string_view name) {
  char copy[max_name_length] = {};
  std::memcpy(copy, name.data(), name.size());
  return header_kind_from_name(std::string_view(copy, name.size()), copy + max_name_length);
}


std::string_view header_name(HeaderKind kind) {
  return std::size_t(kind) < std::size(canonical_names) ? canonical_names[std::size_t(kind)]
                                                        : std::string_view{};
}

bool is_list_header(HeaderKind kind) {
  switch (kind) {
    case HeaderKind::accept: case HeaderKind::accept_encoding: case HeaderKind::accept_language:
    case HeaderKind::alert_info: case HeaderKind::allow: case HeaderKind::allow_events:
    case HeaderKind::call_info: case HeaderKind::contact: case HeaderKind::content_encoding:
    case HeaderKind::content_language: case HeaderKind::error_info: case HeaderKind::in_reply_to:
    case HeaderKind::p_asserted_identity: case HeaderKind::proxy_require:
    case HeaderKind::reason: case HeaderKind::record_route: case HeaderKind::require:
    case HeaderKind::route: case HeaderKind::supported: case HeaderKind::unsupported:
    case HeaderKind::via: case HeaderKind::warning:
      return true;
    default:
      return false;
  }
}

// --- Arena ------------------------------------------------------------------------------

char* Arena::allocate(std::size_t size) {
  if (blocks_.empty() || blocks_.back().size - blocks_.back().used < size) {
    Block b;
    b.size = std::max<std::size_t>(size, 2048);
    b.data = std::make_unique<char[]>(b.size);
    blocks_.push_back(std::move(b));
  }
  Block& b = blocks_.back();
  char* p = b.data.get() + b.used;
  b.used += size;
  return p;
}

std::string_view Arena::store(std::string_view text) {
  if (text.empty()) return {};
  char* p = allocate(text.size());
  std::memcpy(p, text.data(), text.size());
  return {p, text.size()};
}

void Arena::clear() {
  if (blocks_.empty()) return;
  // Keep the largest block so a warm message stops allocating.
  auto largest = std::max_element(blocks_.begin(), blocks_.end(),
                                  [](const Block& a, const Block& b) { return a.size < b.size; });
  if (largest != blocks_.begin()) std::swap(*largest, blocks_.front());
  blocks_.resize(1);
  blocks_.front().used = 0;
}

// --- Message accessors ------------------------------------------------------------------

const Header* Message::find(HeaderKind kind) const {
  for (const Header& h : headers_)
    if (h.kind == kind) return &h;
  return nullptr;
}

const Header* Message::find(std::string_view name) const {
  const HeaderKind kind = header_kind_from_name(name);
  if (kind != HeaderKind::other) return find(kind);
  for (const Header& h : headers_)
    if (h.kind == HeaderKind::other && detail::iequals(h.name, name)) return &h;
  return nullptr;
}

std::string_view Message::value(HeaderKind kind) const {
  const Header* h = find(kind);
  return h ? h->value : std::string_view{};
}

std::size_t Message::count(HeaderKind kind) const {
  return std::size_t(std::count_if(headers_.begin(), headers_.end(),
                                   [kind](const Header& h) { return h.kind == kind; }));
}

std::optional<Via> Message::top_via() const {
  std::optional<Via> out;
  for_each_value(HeaderKind::via, [&](std::string_view v) {
    Via via;
    if (parse_via(v, via)) out = via;
    return false;
  });
  return out;
}

std::size_t Message::via_count() const {
  std::size_t n = 0;
  for_each_value(HeaderKind::via, [&](std::string_view) {
    ++n;
    return true;
  });
  return n;
}

namespace {
std::optional<NameAddress> name_address_of(const Message& m, HeaderKind kind) {
  const Header* h = m.find(kind);
  if (!h) return std::nullopt;
  NameAddress na;
  if (!parse_name_address(h->value, na)) return std::nullopt;
  return na;
}
}  // namespace

std::optional<NameAddress> Message::from() const { return name_address_of(*this, HeaderKind::from); }
std::optional<NameAddress> Message::to() const { return name_address_of(*this, HeaderKind::to); }
std::optional<NameAddress> Message::refer_to() const {
  return name_address_of(*this, HeaderKind::refer_to);
}
std::optional<NameAddress> Message::referred_by() const {
  return name_address_of(*this, HeaderKind::referred_by);
}

std::string_view Message::from_tag() const {
  const auto f = from();
  return f ? f->tag() : std::string_view{};
}
std::string_view Message::to_tag() const {
  const auto t = to();
  return t ? t->tag() : std::string_view{};
}

std::optional<CSeq> Message::cseq() const {
  const Header* h = find(HeaderKind::cseq);
  CSeq c;
  if (!h || !parse_cseq(h->value, c)) return std::nullopt;
  return c;
}

std::optional<int> Message::max_forwards() const {
  const Header* h = find(HeaderKind::max_forwards);
  if (!h) return std::nullopt;
  const auto v = detail::parse_decimal(detail::trim(h->value), 255);
  if (!v) return std::nullopt;
  return int(*v);
}

std::optional<std::uint32_t> Message::content_length() const {
  const Header* h = find(HeaderKind::content_length);
  if (!h) return std::nullopt;
  const auto v = detail::parse_decimal(detail::trim(h->value), 0xffffffffULL);
  if (!v) return std::nullopt;
  return std::uint32_t(*v);
}

std::optional<std::uint32_t> Message::expires() const {
  const Header* h = find(HeaderKind::expires);
  if (!h) return std::nullopt;
  const auto v = detail::parse_decimal(detail::trim(h->value), 0xffffffffULL);
  if (!v) return std::nullopt;
  return std::uint32_t(*v);
}

std::optional<NameAddress> Message::first_contact() const {
  std::optional<NameAddress> out;
  for_each_value(HeaderKind::contact, [&](std::string_view v) {
    NameAddress na;
    if (parse_name_address(v, na)) out = na;
    return false;
  });
  return out;
}

std::optional<Uri> Message::parsed_request_uri() const {
  Uri u;
  if (!is_request_ || !parse_uri(request_uri_, u)) return std::nullopt;
  return u;
}

bool Message::has_token(HeaderKind kind, std::string_view token) const {
  bool found = false;
  for_each_value(kind, [&](std::string_view v) {
    // "Supported: replaces;q=1" style parameters do not count as part of the token.
    const std::string_view t = trim_value(v.substr(0, v.find(';')));
    if (detail::iequals(t, token)) found = true;
    return !found;
  });
  return found;
}

// --- Message editing --------------------------------------------------------------------

void Message::clear() {
  source_ = wire_ = {};
  is_request_ = true;
  method_ = Method::unknown;
  method_text_ = request_uri_ = reason_ = body_ = {};
  status_ = 0;
  headers_.clear();
  arena_.clear();
}

void Message::set_request_line(Method method, std::string_view request_uri) {
  set_request_line(method_name(method), request_uri);
}

void Message::set_request_line(std::string_view method, std::string_view request_uri) {
  wire_ = {};
  is_request_ = true;
  method_text_ = arena_.store(method);
  method_ = method_from_name(method);
  request_uri_ = arena_.store(request_uri);
  status_ = 0;
  reason_ = {};
}

namespace {
std::string_view default_reason(int status) {
  switch (status) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 200: return "OK";
    case 202: return "Accepted";
    case 301: return "Moved Permanently";
    case 302: return "Moved Temporarily";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Unsupported URI Scheme";
    case 420: return "Bad Extension";
    case 423: return "Interval Too Brief";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 482: return "Loop Detected";
    case 483: return "Too Many Hops";
    case 484: return "Address Incomplete";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 489: return "Bad Event";
    case 491: return "Request Pending";
    case 500: return "Server Internal Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Server Time-out";
    case 505: return "Version Not Supported";
    case 513: return "Message Too Large";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 604: return "Does Not Exist Anywhere";
    case 606: return "Not Acceptable";
    default: return status < 200 ? "Progress" : status < 300 ? "OK" : "Failed";
  }
}
}  // namespace

void Message::set_status_line(int status, std::string_view reason) {
  wire_ = {};
  is_request_ = false;
  status_ = status;
  reason_ = arena_.store(reason.empty() ? default_reason(status) : reason);
  method_ = Method::unknown;
  method_text_ = request_uri_ = {};
}

void Message::add(HeaderKind kind, std::string_view value) {
  wire_ = {};
  headers_.push_back(Header{kind, header_name(kind), arena_.store(value)});
}

void Message::add(std::string_view name, std::string_view value) {
  wire_ = {};
  const HeaderKind kind = header_kind_from_name(name);
  headers_.push_back(Header{kind, kind == HeaderKind::other ? arena_.store(name) : header_name(kind),
                            arena_.store(value)});
}

void Message::add_front(HeaderKind kind, std::string_view value) {
  wire_ = {};
  headers_.insert(headers_.begin(), Header{kind, header_name(kind), arena_.store(value)});
}

void Message::set(HeaderKind kind, std::string_view value) {
  wire_ = {};
  auto it = std::find_if(headers_.begin(), headers_.end(),
                         [kind](const Header& h) { return h.kind == kind; });
  if (it == headers_.end()) {
    add(kind, value);
    return;
  }
  it->value = arena_.store(value);
  it->name = header_name(kind);
  headers_.erase(std::remove_if(it + 1, headers_.end(),
                                [kind](const Header& h) { return h.kind == kind; }),
                 headers_.end());
}

std::size_t Message::remove(HeaderKind kind) {
  wire_ = {};
  const auto before = headers_.size();
  std::erase_if(headers_, [kind](const Header& h) { return h.kind == kind; });
  return before - headers_.size();
}

std::size_t Message::remove(std::string_view name) {
  wire_ = {};
  const HeaderKind kind = header_kind_from_name(name);
  if (kind != HeaderKind::other) return remove(kind);
  const auto before = headers_.size();
  std::erase_if(headers_, [name](const Header& h) {
    return h.kind == HeaderKind::other && detail::iequals(h.name, name);
  });
  return before - headers_.size();
}

void Message::set_value_at(std::size_t index, std::string_view value) {
  wire_ = {};
  headers_.at(index).value = arena_.store(value);
}

void Message::remove_at(std::size_t index) {
  wire_ = {};
  headers_.erase(headers_.begin() + std::ptrdiff_t(index));
}

void Message::set_body(std::string_view body, std::string_view content_type) {
  wire_ = {};
  body_ = arena_.store(body);
  if (!content_type.empty()) set(HeaderKind::content_type, content_type);
  else if (body.empty()) remove(HeaderKind::content_type);
}

void Message::copy_from(const Message& other) {
  if (&other == this) return;
  clear();
  is_request_ = other.is_request_;
  method_ = other.method_;
  method_text_ = arena_.store(other.method_text_);
  request_uri_ = arena_.store(other.request_uri_);
  status_ = other.status_;
  reason_ = arena_.store(other.reason_);
  headers_.reserve(other.headers_.size());
  for (const Header& h : other.headers_)
    headers_.push_back(Header{h.kind,
                              h.kind == HeaderKind::other ? arena_.store(h.name) : header_name(h.kind),
                              arena_.store(h.value)});
  body_ = arena_.store(other.body_);
}

}  // namespace cpark::sip

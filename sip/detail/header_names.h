// The header-name table (RFC 3261 §7.3.3, §20 and the extensions' names) and the lookup
// the parser runs once per header line. Constant-initialised, so the parser's call
// inlines and nothing depends on static initialisation order.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "sip/detail/text.h"
#include "sip/message.h"

namespace cpark::sip::detail {

inline constexpr std::string_view canonical_names[] = {
    "", "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
    "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact",
    "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
    "Content-Type", "CSeq", "Date", "Error-Info", "Event", "Expires", "From", "In-Reply-To",
    "Max-Forwards", "Min-Expires", "MIME-Version", "Organization", "P-Asserted-Identity",
    "Priority", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require", "RAck", "Reason",
    "Record-Route", "Refer-To", "Referred-By", "Replaces", "Reply-To", "Require", "Retry-After",
    "Route", "RSeq", "Server", "Session-Expires", "Subject", "Subscription-State", "Supported",
    "Timestamp", "To", "Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate",
};
static_assert(std::size(canonical_names) == std::size_t(HeaderKind::count_));

inline constexpr std::size_t max_name_length = 24;
inline constexpr std::size_t name_words = max_name_length / 8;

struct CompactName {
  char letter;
  HeaderKind kind;
};
// RFC 3261 §7.3.3 and the extensions' compact forms (RFC 3515 r, RFC 3892 b, RFC 6665
// o/u, RFC 4028 x).
inline constexpr CompactName compact_names[] = {
    {'i', HeaderKind::call_id},        {'m', HeaderKind::contact},
    {'f', HeaderKind::from},           {'t', HeaderKind::to},
    {'v', HeaderKind::via},            {'l', HeaderKind::content_length},
    {'c', HeaderKind::content_type},   {'k', HeaderKind::supported},
    {'e', HeaderKind::content_encoding}, {'s', HeaderKind::subject},
    {'r', HeaderKind::refer_to},       {'b', HeaderKind::referred_by},
    {'o', HeaderKind::event},          {'u', HeaderKind::allow_events},
    {'x', HeaderKind::session_expires},
};

inline std::uint64_t load_word(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

// name_tails[r]: keeps the first r bytes of a word and zeroes the rest (r = 1..8). A
// bit_cast of a byte array, like every word below, so byte order does not matter.
constexpr std::array<std::uint64_t, 9> make_tails() {
  std::array<std::uint64_t, 9> t{};
  for (std::size_t r = 1; r <= 8; ++r) {
    std::array<char, 8> keep{};
    for (std::size_t c = 0; c < r; ++c) keep[c] = char(-1);
    t[r] = std::bit_cast<std::uint64_t>(keep);
  }
  return t;
}
inline constexpr std::array<std::uint64_t, 9> name_tails = make_tails();

// Slot of a name from its first eight bytes (or fewer, zero padded), each OR 0x20 so
// that case does not matter, its length and its last byte (which tells the "Content-…"
// and "Accept-…" families apart). Verification is exact; this only has to spread.
constexpr std::size_t name_slot(std::uint64_t first_word, std::size_t length, char last) {
  const std::uint64_t h = ((first_word | 0x2020202020202020ULL) ^ (length * 0x100000001b3ULL) ^
                           (std::uint64_t(std::uint8_t(last) | 0x20) << 40)) *
                          0x9e3779b97f4a7c15ULL;
  return std::size_t(h >> 55);  // 9 bits: 512 slots
}

struct HeaderNameTable {
  static constexpr std::size_t size = 512;
  std::array<std::uint8_t, size> slots{};  // HeaderKind + 1; 0 = empty
  std::array<HeaderKind, 128> compact{};
  std::array<std::uint8_t, std::size(canonical_names)> length{};
  // Per canonical name, in 8-byte words: the lower-cased name (zero padded) and a mask
  // with 0x20 over its letters. For a received word w, (w | mask) == lower holds exactly
  // when every byte is the canonical letter in either case or the identical non-letter.
  std::array<std::array<std::uint64_t, name_words>, std::size(canonical_names)> lower{}, letters{};
};

constexpr HeaderNameTable make_header_name_table() {
  HeaderNameTable t;
  for (std::size_t k = 1; k < std::size(canonical_names); ++k) {
    const std::string_view name = canonical_names[k];
    std::array<char, max_name_length> text{}, mask{};
    for (std::size_t c = 0; c < name.size(); ++c) {
      text[c] = to_lower(name[c]);
      if (text[c] >= 'a' && text[c] <= 'z') mask[c] = 0x20;
    }
    for (std::size_t w = 0; w < name_words; ++w) {
      std::array<char, 8> tw{}, mw{};
      for (std::size_t c = 0; c < 8; ++c) {
        tw[c] = text[8 * w + c];
        mw[c] = mask[8 * w + c];
      }
      t.lower[k][w] = std::bit_cast<std::uint64_t>(tw);
      t.letters[k][w] = std::bit_cast<std::uint64_t>(mw);
    }
    t.length[k] = std::uint8_t(name.size());
    std::size_t i = name_slot(t.lower[k][0], name.size(), name.back());
    while (t.slots[i]) i = (i + 1) % HeaderNameTable::size;
    t.slots[i] = std::uint8_t(k + 1);
  }
  for (const CompactName& c : compact_names) {
    t.compact[std::size_t(c.letter)] = c.kind;
    t.compact[std::size_t(c.letter - 32)] = c.kind;
  }
  return t;
}
inline constexpr HeaderNameTable header_name_table = make_header_name_table();

// The kind of a name of n bytes (2..24) whose bytes, zero past the end, are w0 w1 w2.
inline HeaderKind header_kind_from_words(std::uint64_t w0, std::uint64_t w1, std::uint64_t w2,
                                         std::size_t n, char last) {
  const HeaderNameTable& t = header_name_table;
  std::size_t i = name_slot(w0, n, last);
  while (const std::uint8_t s = t.slots[i]) {
    const std::size_t k = s - 1;
    if (t.length[k] == n && (w0 | t.letters[k][0]) == t.lower[k][0] &&
        (w1 | t.letters[k][1]) == t.lower[k][1] && (w2 | t.letters[k][2]) == t.lower[k][2])
      return HeaderKind(k);
    i = (i + 1) % HeaderNameTable::size;
  }
  return HeaderKind::other;
}

// For a name that may end less than 24 bytes before the end of its buffer.
HeaderKind header_kind_near_end(std::string_view name);

// Bytes up to readable_end may be read (the parser passes the end of the datagram), so
// the name is loaded in whole words; the public header_kind_from_name passes the name's
// own end and takes the copying path.
inline HeaderKind header_kind_from_name(std::string_view name, const char* readable_end) {
  const std::size_t n = name.size();
  if (n == 1) {
    const auto c = std::uint8_t(name[0]);
    return c < 128 ? header_name_table.compact[c] : HeaderKind::other;
  }
  if (n == 0 || n > max_name_length) return HeaderKind::other;
  const char* const p = name.data();
  if (readable_end - p < std::ptrdiff_t(max_name_length)) return header_kind_near_end(name);
  if (n <= 8) return header_kind_from_words(load_word(p) & name_tails[n], 0, 0, n, p[n - 1]);
  if (n <= 16)
    return header_kind_from_words(load_word(p), load_word(p + 8) & name_tails[n - 8], 0, n, p[n - 1]);
  return header_kind_from_words(load_word(p), load_word(p + 8), load_word(p + 16) & name_tails[n - 16], n,
                                p[n - 1]);
}

}  // namespace cpark::sip::detail

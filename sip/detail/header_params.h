// One pass over a run of header parameters (RFC 3261 §25.1: *( SEMI generic-param ),
// generic-param = token [ EQUAL gen-value ], gen-value = token / host / quoted-string)
// that validates them and hands each one to a callback. parse_via and
// valid_header_params share it, so a Via's parameters are classified once instead of
// validated in one pass and searched in another.
#pragma once
#include <string_view>

#include "sip/detail/text.h"

namespace cpark::sip::detail {

// Calls f(name, value, has_value) for each parameter in order and returns true when the
// whole of `raw` is well formed. Linear white space is allowed around ';' and '=' (§7.3.1).
// Quoted values come back with their quotes. Stops at the first error.
template <class F>
bool scan_header_params(std::string_view raw, F&& f) {
  const char* p = raw.data();
  const char* const end = p + raw.size();
  while (true) {
    p = skip_ws(p, end);
    if (p == end) return true;
    if (*p != ';') return false;
    p = skip_ws(p + 1, end);
    const char* const name_begin = p;
    p = skip_class(p, end, k_token);
    // The name runs to white space, '=' or ';'; anything else in it is not a token.
    if (p == name_begin || (p < end && !is_ws(*p) && *p != '=' && *p != ';')) return false;
    const std::string_view name = view(name_begin, p);
    p = skip_ws(p, end);
    if (p < end && *p == '=') {
      p = skip_ws(p + 1, end);
      const char* const value_begin = p;
      if (p < end && *p == '"') {
        p = skip_quoted(p, end);
        if (!p) return false;
      } else {
        // An unquoted value runs to white space or ';' and must be token / host.
        p = skip_class(p, end, k_gen_value);
        if (p == value_begin || (p < end && !is_ws(*p) && *p != ';')) return false;
      }
      f(name, view(value_begin, p), true);
    } else {
      f(name, std::string_view{}, false);
    }
  }
}

}  // namespace cpark::sip::detail

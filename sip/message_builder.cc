// Request and response construction per RFC 3261 §8.1.1 and §8.2.6.
#include "sip/message_builder.h"

#include <string>

#include "sip/detail/text.h"

namespace cpark::sip {

void make_request(const RequestFields& f, Message& out) {
  out.clear();
  if (f.method == Method::unknown) out.set_request_line(f.method_text, f.request_uri);
  else out.set_request_line(f.method, f.request_uri);
  out.add(HeaderKind::max_forwards, std::to_string(f.max_forwards));
  out.add(HeaderKind::from, f.from);
  out.add(HeaderKind::to, f.to);
  out.add(HeaderKind::call_id, f.call_id);
  std::string cseq = std::to_string(f.cseq);
  cseq += ' ';
  cseq += out.method_text();
  out.add(HeaderKind::cseq, cseq);
  if (!f.contact.empty()) out.add(HeaderKind::contact, f.contact);
}

namespace {

bool creates_dialog(Method m) {
  return m == Method::invite || m == Method::subscribe || m == Method::refer;
}

void copy_response_headers(const Message& request, int status, std::string_view to_tag,
                           Message& out) {
  const bool copy_record_route = status > 100 && status < 300 && creates_dialog(request.method());
  for (const Header& h : request.headers()) {
    switch (h.kind) {
      case HeaderKind::via:
      case HeaderKind::from:
      case HeaderKind::call_id:
      case HeaderKind::cseq:
        out.add(h.kind, h.value);
        break;
      case HeaderKind::to: {
        NameAddress to;
        const bool parsed = parse_name_address(h.value, to);
        if (status > 100 && !to_tag.empty() && (!parsed || to.tag().empty())) {
          std::string v(h.value);
          v += ";tag=";
          v += to_tag;
          out.add(HeaderKind::to, v);
        } else {
          out.add(HeaderKind::to, h.value);
        }
        break;
      }
      case HeaderKind::timestamp:
        if (status == 100) out.add(h.kind, h.value);
        break;
      case HeaderKind::record_route:
        if (copy_record_route) out.add(h.kind, h.value);
        break;
      default:
        break;
    }
  }
}

}  // namespace

void make_response(const Message& request, int status, std::string_view reason,
                   std::string_view to_tag, Message& out) {
  out.clear();
  out.set_status_line(status, reason);
  copy_response_headers(request, status, to_tag, out);
}

void make_error_response(const Message& partial, int status, std::string_view reason_text,
                         std::string_view warning_agent, std::string_view to_tag, Message& out) {
  out.clear();
  out.set_status_line(status, {});
  // Copy the first of each field only: a refused request may carry duplicates.
  bool seen[std::size_t(HeaderKind::count_)] = {};
  for (const Header& h : partial.headers()) {
    switch (h.kind) {
      case HeaderKind::via:
        out.add(h.kind, h.value);
        break;
      case HeaderKind::to:
        if (!seen[std::size_t(h.kind)]) {
          NameAddress to;
          if (!to_tag.empty() && parse_name_address(h.value, to) && to.tag().empty()) {
            std::string v(h.value);
            v += ";tag=";
            v += to_tag;
            out.add(h.kind, v);
          } else {
            out.add(h.kind, h.value);
          }
        }
        seen[std::size_t(h.kind)] = true;
        break;
      case HeaderKind::from:
      case HeaderKind::call_id:
      case HeaderKind::cseq:
        if (!seen[std::size_t(h.kind)]) out.add(h.kind, h.value);
        seen[std::size_t(h.kind)] = true;
        break;
      default:
        break;
    }
  }
  std::string warning = "399 ";
  warning += warning_agent.empty() ? std::string_view("cpark") : warning_agent;
  warning += " \"";
  for (char c : reason_text) {
    if (c == '"' || c == '\\') warning += '\\';
    if (std::uint8_t(c) >= 0x20) warning += c;
  }
  warning += '"';
  out.add(HeaderKind::warning, warning);
}

}  // namespace cpark::sip

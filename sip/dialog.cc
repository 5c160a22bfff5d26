// Dialog creation, matching, CSeq and target-refresh rules, and in-dialog requests.
#include "sip/dialog.h"

#include <algorithm>

#include "sip/detail/text.h"
#include "sip/message_builder.h"

namespace cpark::sip {
namespace {

void collect_record_route(const Message& m, std::vector<std::string>& out) {
  out.clear();
  m.for_each_value(HeaderKind::record_route, [&](std::string_view v) {
    out.emplace_back(v);
    return true;
  });
}

}  // namespace

std::string contact_uri_text(const Message& m) {
  const auto c = m.first_contact();
  if (!c || c->is_wildcard) return {};
  return std::string(c->uri.text);
}

std::uint64_t DialogTable::hash_id(std::string_view call_id, std::string_view local_tag,
                                   std::string_view remote_tag) {
  std::uint64_t h = detail::hash_bytes(call_id);
  h = detail::hash_bytes(local_tag, h * 31 + 1);
  return detail::hash_bytes(remote_tag, h * 31 + 2);
}

std::uint64_t DialogTable::hash_request(std::string_view call_id, std::string_view local_tag) {
  return detail::hash_bytes(local_tag, detail::hash_bytes(call_id) * 31 + 3);
}

DialogId DialogTable::insert(Dialog d) {
  if (dialogs_.size() >= limits_.max_dialogs) {
    ++refused_;
    return {};
  }
  const std::uint64_t h = hash_id(d.call_id, d.local_tag, d.remote_tag);
  const std::uint64_t r = d.is_uac ? hash_request(d.call_id, d.local_tag) : 0;
  const bool uac = d.is_uac;
  const DialogId id{dialogs_.insert(std::move(d))};
  index_.insert(h, id.slot);
  if (uac) request_index_.insert(r, id.slot);
  return id;
}

template <class F>
void DialogTable::for_each_fork(std::string_view call_id, std::string_view local_tag, F&& f) const {
  request_index_.for_each(hash_request(call_id, local_tag), [&](SlotId s) {
    const Dialog& d = *dialogs_.find(s);
    if (d.call_id == call_id && d.local_tag == local_tag) f(DialogId{s}, d);
  });
}

std::size_t DialogTable::erase_forks(std::string_view call_id, std::string_view local_tag, bool early_only,
                                     DialogId keep) {
  // Collected first: erasing reorders the index's probe run. At most max_forks_per_request.
  std::vector<DialogId> doomed;
  for_each_fork(call_id, local_tag, [&](DialogId id, const Dialog& d) {
    if (id != keep && (!early_only || d.state == DialogState::early)) doomed.push_back(id);
  });
  for (DialogId id : doomed) erase(id);
  return doomed.size();
}

std::size_t DialogTable::erase_early(const Message& request) {
  return erase_forks(request.call_id(), request.from_tag(), true, DialogId{});
}

DialogId DialogTable::find(std::string_view call_id, std::string_view local_tag,
                           std::string_view remote_tag) const {
  return DialogId{index_.find(hash_id(call_id, local_tag, remote_tag), [&](SlotId s) {
    const Dialog& d = *dialogs_.find(s);
    return d.call_id == call_id && d.local_tag == local_tag && d.remote_tag == remote_tag;
  })};
}

DialogId DialogTable::match_request(const Message& request) const {
  return find(request.call_id(), request.to_tag(), request.from_tag());
}

DialogId DialogTable::match_response(const Message& response) const {
  return find(response.call_id(), response.from_tag(), response.to_tag());
}

bool DialogTable::erase(DialogId id) {
  const Dialog* d = dialogs_.find(id.slot);
  if (!d) return false;
  index_.erase(hash_id(d->call_id, d->local_tag, d->remote_tag), id.slot);
  if (d->is_uac) request_index_.erase(hash_request(d->call_id, d->local_tag), id.slot);
  return dialogs_.erase(id.slot);
}

DialogId DialogTable::create_uac(const Message& request, const Message& response) {
  const std::string_view remote_tag = response.to_tag();
  const std::string target = contact_uri_text(response);
  if (remote_tag.empty() || target.empty()) return {};
  // §12.1.2: only a 2xx or a 101-199 with a To tag makes a dialog.
  if (!(response.is_success() || (response.is_provisional() && response.status() > 100))) return {};
  std::size_t forks = 0;
  for_each_fork(request.call_id(), request.from_tag(), [&](DialogId, const Dialog&) { ++forks; });
  if (forks >= limits_.max_forks_per_request) {
    ++refused_;
    return {};
  }
  Dialog d;
  d.is_uac = true;
  d.state = response.is_success() ? DialogState::confirmed : DialogState::early;
  d.call_id = request.call_id();
  d.local_tag = request.from_tag();
  d.remote_tag = remote_tag;
  d.local_party = request.value(HeaderKind::from);
  d.remote_party = response.value(HeaderKind::to);
  const auto cseq = request.cseq();
  d.local_cseq = cseq ? cseq->number : 0;
  d.remote_target = target;
  // §12.1.2: the route set is the Record-Route of the response, in reverse order.
  collect_record_route(response, d.route_set);
  std::reverse(d.route_set.begin(), d.route_set.end());
  const auto ruri = request.parsed_request_uri();
  d.secure = ruri && ruri->is_secure();
  d.local_contact = request.value(HeaderKind::contact);
  return insert(std::move(d));
}

DialogId DialogTable::on_uac_response(const Message& request, const Message& response) {
  if (response.is_final() && !response.is_success()) {
    // §12.3: a non-2xx final response ends every early dialog of the request.
    erase_forks(request.call_id(), request.from_tag(), true, DialogId{});
    return {};
  }
  DialogId id = match_response(response);
  if (Dialog* d = find(id)) {
    if (response.is_success() && d->state == DialogState::early) {
      // §13.2.2.4: the 2xx confirms the dialog; its Record-Route and Contact are final.
      d->state = DialogState::confirmed;
      collect_record_route(response, d->route_set);
      std::reverse(d->route_set.begin(), d->route_set.end());
      if (const std::string target = contact_uri_text(response); !target.empty()) d->remote_target = target;
    }
  } else {
    id = create_uac(request, response);
  }
  // The other forks' early dialogs end with the INVITE (§13.2.2.4); a 2xx one of them
  // sends later finds no early dialog and makes a confirmed one.
  if (id && response.is_success()) erase_forks(request.call_id(), request.from_tag(), true, id);
  return id;
}

DialogId DialogTable::create_uas(const Message& request, std::string_view local_tag,
                                 std::string_view local_contact) {
  const std::string target = contact_uri_text(request);
  if (target.empty() || local_tag.empty()) return {};
  Dialog d;
  d.is_uac = false;
  d.state = DialogState::confirmed;
  d.call_id = request.call_id();
  d.local_tag = local_tag;
  d.remote_tag = request.from_tag();
  d.local_party = request.value(HeaderKind::to);
  if (request.to_tag().empty()) {
    d.local_party += ";tag=";
    d.local_party += local_tag;
  }
  d.remote_party = request.value(HeaderKind::from);
  const auto cseq = request.cseq();
  d.remote_cseq = cseq ? cseq->number : 0;
  d.has_remote_cseq = cseq.has_value();
  d.remote_target = target;
  // §12.1.1: the route set is the request's Record-Route, in order.
  collect_record_route(request, d.route_set);
  const auto ruri = request.parsed_request_uri();
  d.secure = ruri && ruri->is_secure();
  d.local_contact = local_contact;
  return insert(std::move(d));
}

int DialogTable::on_request(DialogId id, const Message& request) {
  Dialog* d = find(id);
  if (!d) return 481;
  const auto cseq = request.cseq();
  if (!cseq) return 400;
  if (request.method() != Method::ack && request.method() != Method::cancel) {
    // §12.2.2: a lower CSeq than the last one is out of order: 500.
    if (d->has_remote_cseq && cseq->number < d->remote_cseq) return 500;
    d->remote_cseq = cseq->number;
    d->has_remote_cseq = true;
  }
  if (request.method() == Method::invite || request.method() == Method::update) {
    if (const std::string target = contact_uri_text(request); !target.empty()) d->remote_target = target;
  }
  return 0;
}

void DialogTable::on_target_refresh_response(DialogId id, const Message& response) {
  Dialog* d = find(id);
  if (!d || !response.is_success()) return;
  if (const std::string target = contact_uri_text(response); !target.empty()) d->remote_target = target;
}

void DialogTable::make_request(DialogId id, Method method, Message& out, std::uint32_t cseq_for_ack) {
  Dialog& d = *find(id);
  out.clear();
  // §12.2.1.1: loose routing when the set is empty or its first hop has ;lr.
  bool strict = false;
  NameAddress first;
  if (!d.route_set.empty() && parse_name_address(d.route_set.front(), first) && !first.uri.has_lr())
    strict = true;
  if (strict) {
    // The first route's URI becomes the Request-URI, without parameters a Request-URI
    // may not carry (only its headers are dropped here; method/maddr/ttl stay as given).
    std::string uri(first.uri.text.substr(0, first.uri.text.find('?')));
    out.set_request_line(method, uri);
    for (std::size_t i = 1; i < d.route_set.size(); ++i) out.add(HeaderKind::route, d.route_set[i]);
    out.add(HeaderKind::route, "<" + d.remote_target + ">");
  } else {
    out.set_request_line(method, d.remote_target);
    for (const std::string& r : d.route_set) out.add(HeaderKind::route, r);
  }
  out.add(HeaderKind::max_forwards, "70");
  out.add(HeaderKind::from, d.local_party);
  out.add(HeaderKind::to, d.remote_party);
  out.add(HeaderKind::call_id, d.call_id);
  std::uint32_t number;
  if (method == Method::ack || method == Method::cancel) {
    number = cseq_for_ack;
  } else {
    number = ++d.local_cseq;
  }
  out.add(HeaderKind::cseq, std::to_string(number) + " " + std::string(method_name(method)));
  if (!d.local_contact.empty() && method != Method::ack && method != Method::cancel &&
      method != Method::bye)
    out.add(HeaderKind::contact, d.local_contact);
}

void make_481(const Message& request, std::string_view to_tag, Message& out) {
  make_response(request, 481, {}, to_tag, out);
}

}  // namespace cpark::sip

#include "server/registrar.h"

#include <algorithm>

namespace cpark::server {

namespace {

void drop_expired(std::vector<Binding>& v, Time now) {
  std::erase_if(v, [&](const Binding& b) { return b.expires_at <= now; });
}

}  // namespace

RegisterOutcome Registrar::apply(const std::string& user, const sip::Message& request, const sip::Address& source,
                                 Time now, const ServerConfig& config) {
  RegisterOutcome out;
  const std::optional<std::uint32_t> header_expires = request.expires();
  const auto cseq = request.cseq();
  const std::string_view call_id = request.call_id();
  std::vector<Binding>& list = by_user_[user];
  drop_expired(list, now);

  // §10.3 step 6: a "*" Contact removes every binding, only with Expires: 0 and alone.
  bool wildcard = false;
  std::size_t contacts = 0;
  request.for_each_value(sip::HeaderKind::contact, [&](std::string_view v) {
    ++contacts;
    if (v == "*") wildcard = true;
    return true;
  });
  if (wildcard) {
    if (contacts != 1 || !header_expires || *header_expires != 0) {
      out.status = 400;
      out.reason = "Contact: * needs Expires: 0 and no other Contact (RFC 3261 10.3)";
      return out;
    }
    list.clear();
    by_user_.erase(user);
    return out;
  }

  // Validate everything first: a REGISTER is applied whole or not at all.
  struct Change {
    std::string contact;
    std::chrono::seconds expires;
  };
  std::vector<Change> changes;
  bool bad = false;
  request.for_each_value(sip::HeaderKind::contact, [&](std::string_view v) {
    sip::NameAddress na;
    if (!sip::parse_name_address(v, na) || !na.uri.is_sip()) {
      out.status = 400;
      out.reason = "Contact \"" + std::string(v) + "\" is not a SIP URI";
      bad = true;
      return false;
    }
    std::chrono::seconds expires = config.default_expires;
    if (auto p = na.params.find("expires")) {
      std::uint64_t n = 0;
      bool digits = !p->empty();
      for (char c : *p) digits = digits && c >= '0' && c <= '9', n = n * 10 + std::uint64_t(c - '0');
      if (!digits || p->size() > 10) {
        out.status = 400;
        out.reason = "Contact expires=\"" + std::string(*p) + "\" is not a number of seconds";
        bad = true;
        return false;
      }
      expires = std::chrono::seconds(std::int64_t(n));
    } else if (header_expires) {
      expires = std::chrono::seconds(*header_expires);
    }
    if (expires.count() != 0 && expires < config.min_expires) {
      out.status = 423;  // Interval Too Brief
      out.min_expires = config.min_expires;
      out.reason = "Expires " + std::to_string(expires.count()) + " s is below the minimum of " +
                   std::to_string(config.min_expires.count()) + " s";
      bad = true;
      return false;
    }
    changes.push_back({std::string(na.uri.text), std::min(expires, config.max_expires)});
    return true;
  });
  if (bad) {
    if (list.empty()) by_user_.erase(user);
    return out;
  }
  for (auto& c : changes) {
    auto it = std::find_if(list.begin(), list.end(), [&](const Binding& b) { return b.contact == c.contact; });
    if (it != list.end() && it->call_id == call_id && cseq && cseq->number <= it->cseq) {
      out.status = 500;  // §10.3 step 7: an older REGISTER than the one applied
      out.reason = "REGISTER CSeq is not above the binding's last one (RFC 3261 10.3)";
      return out;
    }
  }
  for (auto& c : changes) {
    auto it = std::find_if(list.begin(), list.end(), [&](const Binding& b) { return b.contact == c.contact; });
    if (c.expires.count() == 0) {
      if (it != list.end()) list.erase(it);
      continue;
    }
    if (it == list.end()) it = list.insert(list.end(), Binding{c.contact, source, {}, 0, {}});
    it->source = source;
    it->call_id = std::string(call_id);
    it->cseq = cseq ? cseq->number : 0;
    it->expires_at = now + c.expires;
  }
  if (list.empty()) by_user_.erase(user);
  return out;
}

std::span<const Binding> Registrar::bindings(std::string_view user, Time now) {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return {};
  drop_expired(it->second, now);
  if (it->second.empty()) {
    by_user_.erase(it);
    return {};
  }
  return it->second;
}

void Registrar::expire(Time now) {
  for (auto& [user, list] : by_user_) drop_expired(list, now);
  boost::unordered::erase_if(by_user_, [](const auto& entry) { return entry.second.empty(); });
}

std::vector<std::string> Registrar::contact_values(std::string_view user, Time now) {
  std::vector<std::string> out;
  for (const Binding& b : bindings(user, now)) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(b.expires_at - now).count();
    out.push_back("<" + b.contact + ">;expires=" + std::to_string(std::max<std::int64_t>(left, 1)));
  }
  return out;
}

std::size_t Registrar::bindings_count() const {
  std::size_t n = 0;
  for (auto& [user, list] : by_user_) n += list.size();
  return n;
}

}  // namespace cpark::server

// Max-Forwards and loop checks (RFC 3261 §8.2.2.2, §16.3).
#include "sip/request_checks.h"

#include "sip/detail/text.h"

namespace cpark::sip {

std::optional<int> check_max_forwards(const Message& request, bool will_forward) {
  if (!will_forward || request.method() == Method::options) return std::nullopt;
  const auto mf = request.max_forwards();
  if (mf && *mf == 0) return 483;
  return std::nullopt;
}

int forwarded_max_forwards(const Message& incoming) {
  const auto mf = incoming.max_forwards();
  if (!mf) return 70;
  return *mf > 0 ? *mf - 1 : 0;
}

bool has_own_via(const Message& request, std::string_view own_host, std::uint16_t own_port) {
  bool found = false;
  request.for_each_value(HeaderKind::via, [&](std::string_view v) {
    Via via;
    if (parse_via(v, via) && detail::iequals(via.host, own_host) &&
        (via.port ? via.port : 5060) == own_port)
      found = true;
    return !found;
  });
  return found;
}

}  // namespace cpark::sip

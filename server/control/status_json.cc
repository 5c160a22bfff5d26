#include "server/control/status_json.h"

namespace cpark::server {

namespace {
// The value of `key` when present, else `fallback` (see the header: lenient on keys).
template <class T>
void read(const nlohmann::json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}
}  // namespace

void to_json(nlohmann::json& j, const ParkedCallRow& r) {
  j = {{"orbit", r.orbit},
       {"pool", r.pool},
       {"park_id", r.park_id},
       {"parked_party", r.parked_party},
       {"parker", r.parker},
       {"parked_seconds", r.parked_seconds},
       {"attempts", r.attempts},
       {"ringing_back", r.ringing_back}};
}

void from_json(const nlohmann::json& j, ParkedCallRow& r) {
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "a parked call must be an object", &j);
  read(j, "orbit", r.orbit);
  read(j, "pool", r.pool);
  read(j, "park_id", r.park_id);
  read(j, "parked_party", r.parked_party);
  read(j, "parker", r.parker);
  read(j, "parked_seconds", r.parked_seconds);
  read(j, "attempts", r.attempts);
  read(j, "ringing_back", r.ringing_back);
}

void to_json(nlohmann::json& j, const ListenAddress& a) { j = {{"transport", a.transport}, {"address", a.address}}; }

void from_json(const nlohmann::json& j, ListenAddress& a) {
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "a listen address must be an object", &j);
  read(j, "transport", a.transport);
  read(j, "address", a.address);
}

void to_json(nlohmann::json& j, const ServerStatus& s) {
  j = {{"version", s.version},
       {"domain", s.domain},
       {"pool", s.pool},
       {"store", s.store},
       {"listening", s.listening},
       {"control", s.control},
       {"pid", s.pid},
       {"uptime_seconds", s.uptime_seconds},
       {"store_revision", s.store_revision},
       {"draining", s.draining},
       {"require_auth", s.require_auth},
       {"registrations", s.registrations},
       {"bindings", s.bindings},
       {"active_calls", s.active_calls},
       {"parked_calls", s.parked_calls},
       {"ringing_calls", s.ringing_calls}};
}

void from_json(const nlohmann::json& j, ServerStatus& s) {
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "a server status must be an object", &j);
  read(j, "version", s.version);
  read(j, "domain", s.domain);
  read(j, "pool", s.pool);
  read(j, "store", s.store);
  read(j, "listening", s.listening);
  read(j, "control", s.control);
  read(j, "pid", s.pid);
  read(j, "uptime_seconds", s.uptime_seconds);
  read(j, "store_revision", s.store_revision);
  read(j, "draining", s.draining);
  read(j, "require_auth", s.require_auth);
  read(j, "registrations", s.registrations);
  read(j, "bindings", s.bindings);
  read(j, "active_calls", s.active_calls);
  read(j, "parked_calls", s.parked_calls);
  read(j, "ringing_calls", s.ringing_calls);
}

}  // namespace cpark::server

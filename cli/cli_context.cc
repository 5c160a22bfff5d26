#include "cli/cli_context.h"

#include <iostream>
#include <sstream>

#include "cli/live_server.h"
#include "engine/user_fields.h"

namespace cpark::cli {

void Context::change(const Store::Change& c, const std::string& done_message, ChangeOptions options) {
  const Store::Guard guard =
      options.check_live_parks ? live_park_guard(store_path, options.force, options.offers_force) : Store::Guard{};
  Result<Warnings> r = store().update(c, guard);
  if (!r) throw CommandError(kRejected, r.message());  // one line: the rule, no warnings
  for (auto& w : *r) std::cerr << "cpark: warning: " << w << "\n";
  if (!json) std::cout << done_message << "\n";
  else std::cout << nlohmann::ordered_json{{"ok", true}, {"message", done_message}}.dump() << "\n";
  tell_server_to_reload(store_path, options.force);
}

void Context::print(const nlohmann::ordered_json& j, const std::string& human) const {
  if (json) std::cout << j.dump(2) << "\n";
  else std::cout << human;
}

nlohmann::ordered_json to_json(const Pool& p) {
  return {{"name", p.name}, {"site", p.site}, {"call_park", p.call_park_enabled},
          {"orbit_choice", to_string(p.orbit_choice)}, {"address", p.address}};
}
nlohmann::ordered_json to_json(const OrbitRange& r) {
  auto bounds = validate_range(r);  // the store holds only valid ranges
  return {{"name", r.name}, {"start", r.start}, {"end", r.end}, {"service", r.pool},
          {"type", to_string(r.type)}, {"size", bounds ? bounds->size() : 0}};
}
nlohmann::ordered_json to_json(const CallParkSettings& s) {
  return {{"scope", s.scope}, {"timeout", s.timeout_seconds}, {"max_attempts", s.max_attempts},
          {"fallback", s.fallback_uri}, {"music", s.music_on_hold}, {"ring_time", s.ring_seconds}};
}
nlohmann::ordered_json to_json(const VoicePolicy& p) { return {{"name", p.name}, {"call_park", p.enable_call_park}}; }
nlohmann::ordered_json to_json(const User& u) {
  nlohmann::ordered_json j;
  for_each_user_field([&](const UserField& f, auto member) { j[f.key] = u.*member; });
  return j;
}
nlohmann::ordered_json to_json(const MusicFile& m) {
  return {{"service", m.pool}, {"file", m.file_name}, {"checksum", m.checksum}, {"size_bytes", m.size_bytes}};
}

nlohmann::ordered_json to_json(const TrustedPeer& p) { return {{"name", p.name}, {"address", p.address}}; }

std::string format_list(const nlohmann::ordered_json& objects) {
  std::ostringstream out;
  bool first = true;
  for (auto& o : objects) {
    if (!first) out << "\n";
    first = false;
    std::size_t width = 0;
    for (auto& [k, v] : o.items()) width = std::max(width, k.size());
    for (auto& [k, v] : o.items()) {
      out << k << std::string(width - k.size(), ' ') << " : ";
      if (v.is_string()) out << v.get<std::string>();
      else if (v.is_array()) {
        std::string s;
        for (auto& e : v) s += (s.empty() ? "" : ", ") + e.get<std::string>();
        out << s;
      } else out << v.dump();
      out << "\n";
    }
  }
  return out.str();
}

bool parse_on_off(const std::string& value, const char* option) {
  if (value == "on" || value == "true" || value == "yes") return true;
  if (value == "off" || value == "false" || value == "no") return false;
  throw CommandError(kUsage, std::string(option) + " \"" + value + "\" must be on or off");
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, ','))
    if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace cpark::cli

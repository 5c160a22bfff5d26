// The deployment: everything the central store holds (M1) and the engine serves from —
// pools, the orbit table, call park settings per scope, voice policies, users and the
// names of music files. Plain data that the store and the CLI edit; validate_deployment
// (validated_deployment.h) checks it against every rule and derives what the engine serves.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/orbit_range.h"

namespace cpark {

// O9: how a pool picks a free orbit among its CallPark ranges.
enum class OrbitChoice { Next, First, Random };
const char* to_string(OrbitChoice c);
std::optional<OrbitChoice> parse_orbit_choice(std::string_view s);

// An Application service / Front End pool that runs Call Park.
struct Pool {
  std::string name;
  std::string site;                    // empty: no site (only global settings apply)
  bool call_park_enabled = true;       // G7: a pool without the feature
  OrbitChoice orbit_choice = OrbitChoice::Next;
};

// CsCpsConfiguration ("cps" in the CLI mirrors that cmdlet family), C1-C4 and C6.
struct CallParkSettings {
  std::string scope = "global";        // global | site:NAME | service:POOL (C5)
  std::int64_t timeout_seconds = 90;   // C1 CallPickupTimeoutThreshold
  int max_attempts = 1;                // C2 MaxCallPickupAttempts
  std::string fallback_uri;            // C3 OnTimeoutURI, empty = disconnect
  bool music_on_hold = true;           // C4 EnableMusicOnHold
  std::int64_t ring_seconds = 30;      // C6 ringback / fallback ring time
  friend bool operator==(const CallParkSettings&, const CallParkSettings&) = default;
};

// A voice policy (V1/V2). Name "global", "site:NAME" or a per-user tag.
struct VoicePolicy {
  std::string name;
  bool enable_call_park = false;       // V1 default false
};

struct User {
  std::string name;                    // SIP user part or AOR, the identity
  std::string extension;               // O6: must not fall inside any range
  std::string line;                    // optional line number (also checked by O6)
  std::string policy;                  // per-user voice policy tag, empty = site/global
  std::string pool;                    // home pool
  std::string pickup_group;            // G2: a GroupPickup number, empty = none
  std::string private_line;            // G6: calls to this number are not pickable
  std::vector<std::string> friends_family;  // G6: callers whose calls are not pickable
  std::vector<std::string> delegates;       // G6: calls routed to these are not pickable
  std::vector<std::string> team_members;    // G6: team-call legs are not pickable
  std::vector<std::string> simultaneous_ring;  // G3: extra destinations
  std::int64_t ring_timeout_seconds = 20;   // G8: then the no-answer target
  std::string no_answer_target;        // G8: voicemail or forward URI, empty = voicemail
  bool homed_online = false;           // G7: hybrid users cannot take part in pickup
};

// C4: a custom music-on-hold file per pool; the bytes live in the store.
struct MusicFile {
  std::string pool;
  std::string file_name;
  std::string checksum;                 // FNV-1a 64 of the bytes, hex
  std::int64_t size_bytes = 0;
};

// The content of a music file, carried beside a Deployment on import and export.
struct MusicBytes {
  std::string pool;
  std::string file_name;
  std::string bytes;
};

struct Deployment {
  std::vector<Pool> pools;
  std::vector<OrbitRange> ranges;
  std::vector<CallParkSettings> settings;  // "global" always resolvable (defaults)
  std::vector<VoicePolicy> policies;
  std::vector<User> users;
  std::vector<MusicFile> music;

  const Pool* find_pool(std::string_view name) const;
  Pool* find_pool(std::string_view name);
  const OrbitRange* find_range(std::string_view name) const;
  OrbitRange* find_range(std::string_view name);
  const CallParkSettings* find_settings(std::string_view scope) const;
  const VoicePolicy* find_policy(std::string_view name) const;
  const User* find_user(std::string_view name) const;
  User* find_user(std::string_view name);
  const MusicFile* find_music(std::string_view pool) const;
  // Adds the pool with defaults if it is not there yet (pools are created on first use).
  Pool& ensure_pool(std::string_view name);

  // C5: service:POOL, then site:SITE of that pool, then global, then defaults.
  CallParkSettings effective_settings(std::string_view pool) const;
  // V1: the user's policy tag, then site:SITE of the user's pool, then global, then false.
  bool call_park_enabled_for(const User& u) const;
};

}  // namespace cpark

// The deployment: everything the central store holds (M1) and the engine serves from —
// pools, the orbit table, call park settings per scope, voice policies, users (with their
// SIP digest credentials, S10), trusted peers (S8) and the names of music files. Plain data that the store and the CLI edit; validate_deployment
// (validated_deployment.h) checks it against every rule and derives what the engine serves.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // P9: where this pool's server is reached ("sip:pool2.contoso.com:5060"); a retrieval or
  // pickup for an orbit of this pool that reaches another pool is redirected (302) here.
  // Empty: unknown.
  std::string address{};
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
  // S10: SIP digest credentials, stored only as HA1 (lower-case hex) of
  // digest_username(name) ":" digest_realm ":" password. All three empty: no password.
  std::string digest_realm{};
  std::string ha1_md5{};               // RFC 3261 §22 / RFC 2617: 32 hex digits
  std::string ha1_sha256{};            // RFC 8760: 64 hex digits

  bool has_password() const { return !digest_realm.empty(); }
};

// S10: the digest username of a user — the user part of its name, as phones send it
// ("alice@contoso.com" and "sip:alice@contoso.com" -> "alice"; "alice" -> "alice").
std::string digest_username(std::string_view user_name);
// S10: the realm a password is set in when none is given: the host part of the user's
// name ("alice@contoso.com" -> "contoso.com"); empty for a bare user name.
std::string default_digest_realm(std::string_view user_name);

// S8: a source the server trusts without it being a user (a PBX gateway that retrieves
// parked calls for its own phones).
struct TrustedPeer {
  std::string name;
  std::string address;                 // "10.0.0.5", "10.0.0.5:5060", "[2001:db8::5]:5060"
};

// An IP address as 16 bytes; IPv4 addresses are held IPv4-mapped (::ffff:a.b.c.d), so an
// IPv4 peer matches a request that reached a dual-stack socket.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};
// "10.0.0.5", "2001:db8::5", "[2001:db8::5]", "::ffff:10.0.0.5"; nullopt otherwise.
std::optional<IpAddress> parse_ip_address(std::string_view text);
// A trusted peer's address: an IP address and an optional port (0: any port).
struct PeerAddress {
  IpAddress ip;
  std::uint16_t port = 0;
};
// "10.0.0.5", "10.0.0.5:5060", "2001:db8::5", "[2001:db8::5]", "[2001:db8::5]:5060".
std::optional<PeerAddress> parse_peer_address(std::string_view text);
// P9: a pool address must be a sip: or sips: URI with a host (and, if given, a port in
// 1-65535): "sip:pool2.contoso.com:5060", "sip:127.0.0.1:5070;transport=tcp".
bool is_pool_address(std::string_view text);

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
  std::vector<TrustedPeer> trusted_peers{};  // S8

  const Pool* find_pool(std::string_view name) const;
  Pool* find_pool(std::string_view name);
  const OrbitRange* find_range(std::string_view name) const;
  OrbitRange* find_range(std::string_view name);
  const CallParkSettings* find_settings(std::string_view scope) const;
  const VoicePolicy* find_policy(std::string_view name) const;
  const User* find_user(std::string_view name) const;
  User* find_user(std::string_view name);
  const MusicFile* find_music(std::string_view pool) const;
  const TrustedPeer* find_trusted_peer(std::string_view name) const;
  // Adds the pool with defaults if it is not there yet (pools are created on first use).
  Pool& ensure_pool(std::string_view name);

  // C5: service:POOL, then site:SITE of that pool, then global, then defaults.
  CallParkSettings effective_settings(std::string_view pool) const;
  // V1: the user's policy tag, then site:SITE of the user's pool, then global, then false.
  bool call_park_enabled_for(const User& u) const;
};

}  // namespace cpark

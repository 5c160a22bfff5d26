// The fields of a User, listed once. The store's columns, the deployment file's keys and
// the CLI's JSON all come from this list, so adding a field to User means one line here
// (plus the `cpark user` option that sets it).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/deployment.h"

namespace cpark {

struct UserField {
  const char* key;        // TOML and JSON key
  const char* column;     // store column
  bool required = false;  // in a deployment file
};

// Calls f(field, member pointer) for every field, in the store's column order. Members
// are std::string, std::vector<std::string>, std::int64_t or bool. New fields go at the
// end: an older store gains their columns in place (Store::upgrade adds any missing one).
template <class F>
void for_each_user_field(F&& f) {
  f(UserField{"name", "name", true}, &User::name);
  f(UserField{"extension", "extension", true}, &User::extension);
  f(UserField{"line", "line"}, &User::line);
  f(UserField{"policy", "policy"}, &User::policy);
  f(UserField{"pool", "pool", true}, &User::pool);
  f(UserField{"pickup_group", "pickup_group"}, &User::pickup_group);
  f(UserField{"private_line", "private_line"}, &User::private_line);
  f(UserField{"friends_family", "friends_family"}, &User::friends_family);
  f(UserField{"delegates", "delegates"}, &User::delegates);
  f(UserField{"team_members", "team_members"}, &User::team_members);
  f(UserField{"simultaneous_ring", "simultaneous_ring"}, &User::simultaneous_ring);
  f(UserField{"ring_timeout", "ring_timeout_seconds"}, &User::ring_timeout_seconds);
  f(UserField{"no_answer_target", "no_answer_target"}, &User::no_answer_target);
  f(UserField{"homed_online", "homed_online"}, &User::homed_online);
  // S10 (schema 3): digest credentials as HA1, never the password.
  f(UserField{"digest_realm", "digest_realm"}, &User::digest_realm);
  f(UserField{"ha1_md5", "ha1_md5"}, &User::ha1_md5);
  f(UserField{"ha1_sha256", "ha1_sha256"}, &User::ha1_sha256);
}

}  // namespace cpark

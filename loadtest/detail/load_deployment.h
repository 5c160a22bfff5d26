// The deployment a load test serves and the SIPp injection files that drive it: the
// profile's deployment file plus generated users. Answering users ring at the phones'
// SIPp, group members at the members' SIPp (their simultaneous-ring targets, G3), so no
// REGISTER is needed before the load.
#pragma once
#include <string>

#include "engine/deployment.h"
#include "loadtest/profile.h"

namespace cpark::loadtest::detail {

struct PhoneAddresses {
  std::uint16_t phones_port = 0;   // answering phones (phone_uas.xml)
  std::uint16_t members_port = 0;  // ringing group members (member_uas.xml)
};

// Reads the profile's deployment file and adds its users. Throws FileError.
Deployment make_load_deployment(const Profile& p, const PhoneAddresses& phones);

// The -inf file of a flow (SEQUENTIAL): one line per call with the fields its scenario
// reads; `lines` lines at most (SIPp cycles through them).
std::string injection_file(const Profile& p, const Deployment& d, Flow flow, std::int64_t lines);

}  // namespace cpark::loadtest::detail

// The daemon's Service::Informer: dhcp::inform with the answer logged (the
// parameters a DHCP server gave for a static address; ipadm does not apply
// them, docs/linux-mapping.md).
#pragma once

#include <string>

#include "common/ipaddr.h"
#include "dhcp/inform.h"

namespace ipadm::daemon {

// Waits up to kInformWaitMs for the server.
inline constexpr int kInformWaitMs = 10000;

Result<dhcp::InformReply> inform_and_log(const std::string& aobjname, const std::string& ifname,
                                         const std::string& hwaddr, const IpAddr& local);

}  // namespace ipadm::daemon

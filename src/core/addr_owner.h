// Which address object owns a kernel address: the one rule shared by
// show-addr (unowned addresses are the "IF/?" rows) and by the plumbing
// rules that keep ipadm off links other configurators use (link_guard.h).
#pragma once

#include <string>

#include "core/aobjmap.h"
#include "netlink/kernel.h"

namespace ipadm::core {

// The active object owning `a` on link `ifname`, or nullptr (a foreign
// address). An active addrconf object also owns the IPv6 addresses the
// kernel derived from router advertisements (not IFA_F_PERMANENT; spec 3.5:
// in.ndpd registers them with it).
const AddrObj* addr_owner(const AddrObjMap& map, const std::string& ifname,
                          const netlink::Addr& a);

}  // namespace ipadm::core

// The translation of a dhclient -6 hook message (lease.h: a V6EVENT with
// dhclient's variables) into a dhcp::Event. Pure, no I/O: the current time
// is a parameter.
//
//   bound6, rebind6  -> Bound   with the new lease
//   renew6           -> Renew   with the new lease
//   expire6, release6, stop6 -> Deconfig, lease = the old address if usable
//   preinit6, depref6 -> InvalidArg (never delivered; the agent drops them)
//
// The new lease needs a usable IPv6 unicast new_ip6_address (not ::, ::1,
// link-local, multicast or v4-mapped); new_ip6_prefixlen 1..128 (128 when
// absent); new_max_life > 0 (valid lifetime, seconds; 0xffffffff =
// infinite); new_preferred_life (<= valid; absent: = valid; 0 -> 1, see
// agent.h). new_life_starts (epoch seconds) when present and not in the
// future: both lifetimes are shortened by the time elapsed since (a lease
// confirmed after a restart keeps its original start). Name servers: IPv6
// addresses, space-separated; domain search: DNS names, space-separated
// (both at most kMaxListEntries kept). BadAddr / InvalidArg on anything
// malformed.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "dhcp/agent.h"
#include "dhcp/lease.h"

namespace ipadm::dhcp {

Result<Event> event_from_dhclient(const HookMessage& m, const std::string& aobjname,
                                  int64_t now_epoch_secs);

}  // namespace ipadm::dhcp

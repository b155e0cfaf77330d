// Host-delegated configuration of a network namespace: the Linux analog of
// an exclusive-IP zone's allowed-address and default routers (spec section 8,
// zonecfg). The host writes <root>/etc/ipadm/delegated.conf; ipmgmtd reads
// it at start-up. Grammar (docs/containers.md):
//
//   file   := (line '\n')*
//   line   := '' | '#' text | pair (pair)*
//   pair   := key '=' value ';'
//   key    := "link" | "allowed-address" | "defrouter"
//   value  := item (',' item)*        allowed-address items: ADDR/PLEN
//                                     defrouter items: ADDR
//
// "link" is mandatory and unique per file. Pure parsing, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/ipaddr.h"
#include "common/status.h"

namespace ipadm::core {

struct DelegatedAddr {
  IpAddr addr;
  int prefixlen = 0;
};

struct Delegation {
  std::string ifname;
  std::vector<DelegatedAddr> addrs;
  std::vector<IpAddr> routers;
  bool has_family(int family) const;
};

// InvalidArg "line N: ..." on a malformed line; nothing is returned then.
Result<std::vector<Delegation>> parse_delegation(std::string_view text);

// The generated name of the n-th (0-based) delegated address of ifname:
// IF/_a ... IF/_z, IF/_aa, IF/_ab ... (illumos base-26 naming; users cannot
// create names starting with '_').
std::string delegated_aobjname(const std::string& ifname, size_t n);

}  // namespace ipadm::core

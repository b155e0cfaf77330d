// The live objects the daemon tracks: active interfaces and address objects.
//
// These are the nodes of core::AddrObjMap and the rows of its volatile mirror
// (store::VolatileStore), so a restarted daemon knows which kernel addresses
// it owns without touching the kernel. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ipaddr.h"
#include "common/names.h"

namespace ipadm {

// An IP interface known to the daemon. flags: kActive (plumbed in the kernel
// in this boot) and/or kPersist (in the store).
struct IfObj {
  std::string ifname;
  bool v4 = false;   // IPv4 plumbed (active)
  bool v6 = false;   // IPv6 plumbed (active)
  uint32_t flags = 0;
  // The link it was last enabled on (0: unknown, e.g. from an older
  // mirror). A link of the same name with another ifindex is another link:
  // re-created while the daemon was not looking (Service::links_at_start).
  int ifindex = 0;
};

// An address object. The kernel key is (ifname, local, prefixlen, peer):
// Linux has no logical interface numbers.
struct AddrObj {
  std::string aobjname;
  std::string ifname;
  int family = 0;                 // AF_INET / AF_INET6
  AddrType atype = AddrType::Static;
  uint32_t flags = 0;             // kActive | kPersist; neither = disabled stub
  IpAddr local;                   // resolved local address
  std::optional<IpAddr> remote;   // resolved point-to-point peer
  int prefixlen = 0;
  bool up = true;                 // false: "down" (kept out of the kernel)
  std::string local_text;         // as typed (persisted form)
  std::string remote_text;
  bool explicit_prefix = false;   // prefix length given by the user
  // dhcp/addrconf: the persisted type-specific data (common/addr_extra.h).
  std::string extra;
  // dhcp: the lease in the kernel is local/prefixlen (zero while there is
  // none); routers are the default routes the daemon added for it.
  std::vector<IpAddr> routers;
};

}  // namespace ipadm

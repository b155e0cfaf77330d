#include "core/addr_owner.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

namespace ipadm::core {

const AddrObj* addr_owner(const AddrObjMap& map, const std::string& ifname,
                          const netlink::Addr& a) {
  const AddrObj* o = map.find_by_kernel(ifname, a.local, a.prefixlen);
  if (o && (o->flags & kActive)) return o;
  if (a.family != AF_INET6 || (a.flags & IFA_F_PERMANENT)) return nullptr;
  for (const AddrObj* c : map.addrs_of(ifname))
    if (c->atype == AddrType::Addrconf && (c->flags & kActive)) return c;
  return nullptr;
}

}  // namespace ipadm::core

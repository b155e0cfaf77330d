// show-if / show-addr rows: pure functions from a snapshot of the kernel, the
// map and the store to the display rows (states and flag letters of spec 2.4,
// derived from the kernel: IFF_UP/RUNNING, IFA_F_TENTATIVE/DADFAILED).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/aobjmap.h"
#include "ipmgmt.pb.h"
#include "netlink/kernel.h"
#include "store/store.h"

namespace ipadm::core {

// One consistent read of links and addresses.
struct KernelView {
  std::vector<netlink::Link> links;
  std::vector<netlink::Addr> addrs;
  const netlink::Link* link(int ifindex) const;
  const netlink::Link* link(const std::string& ifname) const;
  static Result<KernelView> read(netlink::Kernel& k);
};

// Interfaces: those the daemon knows (active or persistent) plus any kernel
// link holding an address (so every show-addr interface appears). filter ""
// = all.
// l3protected: links whose addresses the host dictates ('Z' flag).
std::vector<rpc::IfInfo> if_rows(const KernelView& kv, const AddrObjMap& map,
                                 const std::vector<store::IfRecord>& persisted,
                                 const std::string& filter,
                                 const std::set<std::string>& l3protected = {});

struct AddrFilter {
  std::string aobjname;  // one object
  std::string ifname;    // one interface ("IF/")
};

// Addresses: every kernel address (unowned ones as "IF/?", never 0.0.0.0 or
// ::), plus known objects absent from the kernel (disabled or down), plus
// persistent objects the daemon does not know yet (disabled after a reboot).
std::vector<rpc::AddrInfo> addr_rows(const KernelView& kv, const AddrObjMap& map,
                                     const std::vector<store::AddrRecord>& persisted,
                                     const AddrFilter& filter);

// "bm--------46"-style letters (exposed for tests).
std::string if_current_flags(uint32_t iff, bool v4, bool v6, bool l3protected = false);
std::string if_persistent_flags(bool v4, bool v6);

}  // namespace ipadm::core

// show-if rows, and the kernel view show-if and show-addr read (the
// show-addr rows: core/addr_rows.h): pure functions from a snapshot of the
// kernel, the map and the store to the display rows (states and flag letters
// of spec 2.4, derived from the kernel: IFF_UP/RUNNING,
// IFA_F_TENTATIVE/DADFAILED).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/aobjmap.h"
#include "ipmgmt.pb.h"
#include "netlink/kernel.h"
#include "store/store.h"

namespace ipadm::core {

// The links holding an address other than 0.0.0.0 or :: of each family, by
// ifindex: all show-if needs of the addresses.
struct AddrFamilies {
  std::set<int> v4, v6;
  static AddrFamilies of(const std::vector<netlink::Addr>& addrs);
};

// Whether show-addr lists kernel address a (and show-if counts it): every
// address but 0.0.0.0 and ::.
bool listed_addr(const netlink::Addr& a);

// One consistent read of links and addresses.
struct KernelView {
  std::vector<netlink::Link> links;
  // The addresses in dump order (never null): shared, because the LiveView
  // keeps its dump order between changes and every reader uses that copy.
  std::shared_ptr<const std::vector<netlink::Addr>> addr_list = no_addrs();
  const std::vector<netlink::Addr>& addrs() const { return *addr_list; }
  void set_addrs(std::vector<netlink::Addr> v) {
    addr_list = std::make_shared<const std::vector<netlink::Addr>>(std::move(v));
  }
  static const std::shared_ptr<const std::vector<netlink::Addr>>& no_addrs();
  // Set by a reader that knows them without every address (the LiveView
  // counts them); else they come from addrs.
  std::optional<AddrFamilies> fams;
  const netlink::Link* link(int ifindex) const;
  const netlink::Link* link(const std::string& ifname) const;
  static Result<KernelView> read(netlink::Kernel& k);
};

// Interfaces: those the daemon knows (active or persistent) plus any kernel
// link holding an address (so every show-addr interface appears). filter ""
// = all.
// l3protected: links whose addresses the host dictates ('Z' flag).
std::vector<rpc::IfInfo> if_rows(const KernelView& kv, const std::map<std::string, IfObj>& ifs,
                                 const std::vector<store::IfRecord>& persisted,
                                 const std::string& filter,
                                 const std::set<std::string>& l3protected = {});

// "bm--------46"-style letters (exposed for tests).
std::string if_current_flags(uint32_t iff, bool v4, bool v6, bool l3protected = false);
std::string if_persistent_flags(bool v4, bool v6);

}  // namespace ipadm::core

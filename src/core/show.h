// show-if / show-addr rows: pure functions from a snapshot of the kernel, the
// map and the store to the display rows (states and flag letters of spec 2.4,
// derived from the kernel: IFF_UP/RUNNING, IFA_F_TENTATIVE/DADFAILED).
#pragma once

#include <functional>
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

// One consistent read of links and addresses.
struct KernelView {
  std::vector<netlink::Link> links;
  std::vector<netlink::Addr> addrs;
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

// The address objects addr_rows reads, wherever they are kept (the map and
// the store's records, or a read snapshot's shards).
class AddrObjects {
 public:
  virtual ~AddrObjects() = default;
  // The active object owning kernel address a of link ifname (addr_owner's
  // rule), or nullptr.
  virtual const AddrObj* owner(const std::string& ifname, const netlink::Addr& a) = 0;
  // Calls fn for every object, in aobjname order.
  virtual void each(const std::function<void(const AddrObj&)>& fn) = 0;
  // The store's record of object o (one of those given out), or nullptr.
  virtual const store::AddrRecord* record(const AddrObj& o) = 0;
  // Calls fn for every record without an object (persistent objects the
  // daemon does not know), in store order.
  virtual void each_unknown(const std::function<void(const store::AddrRecord&)>& fn) = 0;
  // Finishes the row of a managed object (letters and states kept
  // elsewhere); the default does nothing.
  virtual void decorate(const AddrObj& o, rpc::AddrInfo* row);
};
// Appends the rows to *out.
void addr_rows(const KernelView& kv, AddrObjects& objs, const AddrFilter& filter,
               google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out);

// "bm--------46"-style letters (exposed for tests).
std::string if_current_flags(uint32_t iff, bool v4, bool v6, bool l3protected = false);
std::string if_persistent_flags(bool v4, bool v6);

}  // namespace ipadm::core

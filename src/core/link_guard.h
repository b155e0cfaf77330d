// Plumbing a link without harming what others configured on it.
//
// The rules (docs/linux-mapping.md, "Links configured by others"):
//  - A link is *in use by others* when it carries a kernel address that no
//    active address object owns (addr_owner.h; show-addr's IF/? rows):
//    NetworkManager, networkd, ifupdown or ip(8) configured it, or it is the
//    loopback with its own 127.0.0.1 and ::1.
//  - create-if on such a link is refused (IfExists: illumos reports the same
//    for an interface that is already plumbed).
//  - create-addr, enable-if and restore *adopt* it: ipadm adds its own
//    addresses, brings the link up if it is down and sets
//    promote_secondaries (which only protects others' addresses), and keeps
//    the link's addr_gen_mode, accept_ra, disable_ipv6 and addresses.
//  - delete-if and disable-if remove only ipadm's own addresses; a link
//    still in use by others keeps its state and its IPv6 settings.
//  - Every change plumbing makes is logged with the value it replaced
//    (LinkChanges), so that a failed command puts back exactly those, newest
//    first, and nothing else: it never takes down a link it did not bring
//    up, and never changes a setting it did not set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "core/aobjmap.h"
#include "netlink/kernel.h"

namespace ipadm::core {

// true when link (ifname, ifindex) carries an address no active object owns.
Result<bool> in_use_by_others(netlink::Kernel& kernel, const AddrObjMap& map,
                              const std::string& ifname, int ifindex);

// The changes made to one link by a command still in progress, each with the
// value it replaced. Changes that set what is already there are not logged.
// Not thread-safe (used under the service lock, like the Kernel).
class LinkChanges {
 public:
  LinkChanges() = default;
  LinkChanges(netlink::Kernel& kernel, std::string ifname, int ifindex)
      : kernel_(&kernel), ifname_(std::move(ifname)), ifindex_(ifindex) {}

  // sysctl under /proc/sys/ (a path relative to it).
  Status set_sysctl(const std::string& path, const std::string& value);
  // IFLA_INET6_ADDR_GEN_MODE, read back through its sysctl.
  Status set_addr_gen_mode(uint8_t mode);
  // IFF_UP (only ever set: plumbing never takes a link down).
  Status set_up();

  // Puts every logged change back, newest first (best effort: a revert that
  // fails does not stop the others), then forgets them.
  void revert();
  // The command succeeded: the changes stay.
  void commit() { log_.clear(); }
  bool empty() const { return log_.empty(); }

 private:
  enum class Kind { kSysctl, kGenMode, kUp };
  struct Change {
    Kind kind;
    std::string path;  // kSysctl
    std::string old;   // kSysctl, kGenMode: the value replaced
  };
  netlink::Kernel* kernel_ = nullptr;
  std::string ifname_;
  int ifindex_ = 0;
  std::vector<Change> log_;
};

}  // namespace ipadm::core

// LiveView: the daemon's picture of the kernel's links and addresses, kept
// current by rtnetlink events (KernelEvents feeds it), so that ipmgmtd learns
// at once when a link appears, goes away, is renamed or changes state.
//
// Pure logic: no I/O. Each change returns LinkNotices that say what it means
// for the links, by name -- the unit the daemon's objects are keyed on:
//   kAppeared  a link now has this name: a new link, one moved into the
//              namespace, one re-created with a new ifindex, or one renamed
//              into the name;
//   kGone      no link has this name any more: deleted, moved away, or
//              renamed away (a rename is kGone(old) then kAppeared(new));
//   kChanged   same link, other IFF_* flags (up/down, carrier).
// replace() takes a full dump (start-up, recovery after the event socket
// overflowed) and yields the notices that turn the old picture into the new
// one, so a missed event is never missed for good.
//
// Thread rules: one writer (the event thread) and any number of readers;
// every member takes the view's own lock.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "netlink/kernel.h"

namespace ipadm::netlink {

struct LinkNotice {
  enum class Kind { kAppeared, kGone, kChanged };
  Kind kind;
  std::string ifname;
  int ifindex = 0;
  uint32_t flags = 0;      // the link's IFF_* flags now (kGone: the last ones)
  uint32_t old_flags = 0;  // kChanged: before
  bool operator==(const LinkNotice&) const = default;
};

class LiveView {
 public:
  // RTM_NEWLINK (ifi_family AF_UNSPEC): a new or updated link.
  std::vector<LinkNotice> on_new_link(const Link& l);
  // RTM_DELLINK: the link and its addresses are gone.
  std::vector<LinkNotice> on_del_link(int ifindex);
  // RTM_NEWADDR / RTM_DELADDR (a new address of an unknown link is a stale
  // event and ignored: the kernel announces links before their addresses).
  void on_new_addr(const Addr& a);
  void on_del_addr(const Addr& a);
  // A consistent dump: the view becomes exactly (links, addrs).
  std::vector<LinkNotice> replace(const std::vector<Link>& links, const std::vector<Addr>& addrs);

  std::optional<Link> link(int ifindex) const;
  std::optional<Link> link(const std::string& ifname) const;
  std::vector<Link> links() const;
  // ifindex 0: every address.
  std::vector<Addr> addrs(int ifindex = 0) const;
  // Bumped by every change: readers can tell whether their copy is current.
  uint64_t generation() const;

 private:
  struct AddrKey {
    int ifindex;
    IpAddr local;
    uint8_t prefixlen;
    auto operator<=>(const AddrKey&) const = default;
  };
  std::vector<LinkNotice> new_link_locked_(const Link& l);
  std::vector<LinkNotice> del_link_locked_(int ifindex);

  mutable std::mutex mu_;
  std::map<int, Link> links_;
  std::map<AddrKey, Addr> addrs_;
  uint64_t generation_ = 0;
};

}  // namespace ipadm::netlink

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

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
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
  // A dump of one link's addresses: the link's addresses become exactly
  // addrs (those already known keep their place). For addresses the kernel
  // adds itself and announces only when their DAD completes (IPv6
  // link-local at link-up, SLAAC): KernelEvents reads the link again then.
  void replace_addrs(int ifindex, const std::vector<Addr>& addrs);
  // A consistent dump: the view becomes exactly (links, addrs).
  std::vector<LinkNotice> replace(const std::vector<Link>& links, const std::vector<Addr>& addrs);

  std::optional<Link> link(int ifindex) const;
  std::optional<Link> link(const std::string& ifname) const;
  std::vector<Link> links() const;
  // ifindex 0: every address.
  std::vector<Addr> addrs(int ifindex = 0) const;
  // The addresses in the order an RTM_GETADDR dump would give them (what
  // show-addr prints): IPv4 before IPv6; by ifindex; IPv4 primaries before
  // secondaries, each oldest first; IPv6 global before site before
  // link-local and host scope, each newest first (the kernel's list
  // insertion rules, net/ipv4/devinet.c and net/ipv6/addrconf.c). An
  // address updated in place keeps its place. ifindex 0: every address.
  std::vector<Addr> dump_order(int ifindex = 0) const;
  // Read at one time: every link; the links holding an address other than
  // 0.0.0.0 or :: of each family (by ifindex; what show-if needs of the
  // addresses, kept by count so it costs nothing per address); and, with
  // with_addrs, in dump order, the addresses of the link named ifname ("":
  // of every link, shared with every reader until the next change; none if
  // no link has the name).
  struct Snapshot {
    std::vector<Link> links;
    std::set<int> with_v4, with_v6;
    std::shared_ptr<const std::vector<Addr>> addrs;  // never null
  };
  Snapshot snapshot(const std::string& ifname, bool with_addrs = true) const;
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
  struct AddrEntry {
    Addr a;
    uint64_t seq;  // arrival: larger is newer (see dump_order)
  };
  void put_addr_locked_(const Addr& a, uint64_t seq);
  void erase_addr_locked_(const AddrKey& k);
  std::vector<Addr> dump_order_locked_(int ifindex) const;
  // Every address in dump order, computed once per generation.
  std::shared_ptr<const std::vector<Addr>> order_locked_() const;
  mutable std::shared_ptr<const std::vector<Addr>> order_;
  mutable uint64_t order_generation_ = 0;

  std::map<AddrKey, AddrEntry> addrs_;
  std::map<int, std::array<int, 2>> listed_;  // by ifindex: listed IPv4, IPv6 addresses
  uint64_t generation_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace ipadm::netlink

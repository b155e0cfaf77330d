// FakeKernel: an in-memory Kernel for unit tests of the layers above.
//
// Behaves like Linux where callers can tell the difference:
//  - links get ifindexes 1, 2, ... from add_link(); ops on a missing ifindex
//    fail Enxio; link_by_name of a missing name fails Enxio (detail ifname).
//  - addresses are keyed (ifindex, local, prefixlen). addr_add: Exists for a
//    duplicate (IPv6: the same address with any prefix length on the link),
//    Enxio for a missing link, InvalidArg for a prefix length over the width,
//    EPerm for IPv6 while net/ipv6/conf/<if>/disable_ipv6 is "1". addr_del:
//    NotFound if absent. Flags: IFA_F_PERMANENT (infinite valid lifetime),
//    NODAD/NOPREFIXROUTE as requested, IFA_F_DEPRECATED for preferred 0, and
//    IFA_F_TENTATIVE for IPv6 without nodad until addr_wait_dad runs DAD.
//  - addr_wait_dad completes DAD at once when the link is up with carrier
//    (IFF_NOARP links never fail it): TENTATIVE is cleared, or DADFAILED is
//    added for addresses marked by set_dad_duplicate(). On a down link the
//    address stays TENTATIVE (as after a timeout). IPv4 returns 0 at once.
//  - link_set_up(false) drops the link's IPv6 addresses (keep_addr_on_down
//    = 0) and keeps IPv4 ones; writing "1" to disable_ipv6 drops them too.
//  - routes (main table) are keyed (family, dst, dst_len, metric), an IPv6
//    metric 0 reported as 1024 as Linux does. route_add: Enxio for a
//    missing link, Failure (ENETDOWN) for a link that is down, BadAddr
//    (ENETUNREACH) for a gateway no address of the link (any up link when
//    ifindex is 0, which then picks it) covers -- an IPv6 link-local
//    gateway needs the link --, Exists for the same key. remove_link and
//    link_set_up(false) drop the link's routes, as Linux does.
//  - sysctls live in a map: the constructor seeds common global defaults,
//    add_link seeds the per-link ones (net/ipv{4,6}/conf/<if>/...), a missing
//    path is NotFound, a malformed one InvalidArg (check_sysctl_path).
// Faults: fail_next(op, status) makes a future call of op return status
// without effect. Each request of addr_add_batch counts as one kAddrAdd call
// (calls and faults); the batch call itself as one kAddrAddBatch call.
// Not thread-safe, like every Kernel. Nothing here logs.
#pragma once

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netlink/kernel.h"

namespace ipadm::netlink {

enum class FakeOp {
  kLinks, kLinkByName, kAddrs, kAddrAdd, kAddrDel, kAddrAddBatch, kAddrWaitDad,
  kLinkSetUp, kLinkSetArp, kLinkSetMtu, kLinkSetAddrGenMode, kSysctlGet, kSysctlSet,
  kAddrReplace, kLinkSetToken, kRoutes, kRouteAdd, kRouteDel,
};
inline constexpr size_t kFakeOpCount = 18;

class FakeKernel final : public Kernel {
 public:
  FakeKernel();

  // ---- Kernel ----
  Result<std::vector<Link>> links() override;
  Result<Link> link_by_name(const std::string& ifname) override;
  Result<std::vector<Addr>> addrs(int family, int ifindex) override;
  Status addr_add(const AddrRequest& req) override;
  Status addr_del(const AddrRequest& req) override;
  // Like Linux: absent -> added; present -> lifetimes replaced (DEPRECATED
  // and PERMANENT follow them), IPv6 also NODAD/NOPREFIXROUTE; every request
  // is logged (replace_log) since Addr has no route metric.
  Status addr_replace(const AddrRequest& req) override;
  Status addr_add_batch(std::span<const AddrRequest> reqs,
                        std::vector<Status>* results) override;
  Result<uint32_t> addr_wait_dad(const AddrRequest& req, int timeout_ms) override;
  Result<std::vector<Route>> routes(int family) override;
  Status route_add(const RouteRequest& req) override;
  Status route_del(const RouteRequest& req) override;
  Status link_set_up(int ifindex, bool up) override;
  Status link_set_arp(int ifindex, bool arp) override;
  Status link_set_mtu(int ifindex, uint32_t mtu) override;
  Status link_set_addr_gen_mode(int ifindex, uint8_t mode) override;
  // Like Linux: InvalidArg unless the link's accept_ra sysctl is non-zero.
  Status link_set_token(int ifindex, const IpAddr& token) override;
  Result<std::string> sysctl_get(const std::string& path) override;
  Status sysctl_set(const std::string& path, const std::string& value) override;

  // ---- test-side setup ----
  // Adds a link with the next ifindex (IFF_UP in flags brings it up with
  // carrier) and seeds its per-link sysctls. Its hardware address is
  // 02:00:00:00:00:<ifindex> (none for kind ""). REQUIRES: ifname unused.
  int add_link(const std::string& ifname, uint32_t flags = 0, const std::string& kind = "veth",
               uint32_t mtu = 1500);
  // Adds "lo", up, with 127.0.0.1/8 and ::1/128, as on a running system.
  // Call it first for Linux's ifindex 1.
  int add_loopback();
  // Removes a link with its addresses and per-link sysctls (hot unplug).
  bool remove_link(int ifindex);
  // Carrier of an up link (IFF_RUNNING|IFF_LOWER_UP, operstate UP); default on.
  void set_carrier(int ifindex, bool carrier);
  // The IPv6 device flags the kernel keeps from router advertisements
  // (Link::inet6_flags, e.g. IF_RA_MANAGED 0x40).
  void set_inet6_flags(int ifindex, uint32_t flags);
  // When on, bringing a link up with addr_gen_mode 0 (EUI-64) adds an IPv6
  // link-local fe80::ff:fe00:<ifindex>/64, as Linux does. Default off.
  void set_auto_linklocal(bool on) { auto_linklocal_ = on; }
  // The next time a link comes up, it loses its first n IPv6 addresses (by
  // address order), as Linux drops /128s added on a down link when their
  // routes cannot be allocated at link-up ("Failed to add prefix route").
  void drop_v6_at_next_up(int n) { drop_v6_at_up_ = n; }
  // Inserts or replaces an address as the kernel reports it, unchecked
  // (e.g. one made by SLAAC). REQUIRES: the link exists.
  void inject_addr(const Addr& a);
  // Removes an address behind the caller's back (any prefix length).
  bool drop_addr(int ifindex, const IpAddr& local);
  // Seeds or overwrites a sysctl (no side effects); erase_sysctl removes one.
  void set_sysctl(const std::string& path, std::string value);
  void erase_sysctl(const std::string& path);
  // DAD of this IPv6 address fails in addr_wait_dad (on any link).
  void set_dad_duplicate(const IpAddr& a, bool duplicate = true);

  // ---- fault injection ----
  // A future call of op returns s without effect: the call after `skip`
  // further successful ones. Faults of one op are queued first-in first-out.
  void fail_next(FakeOp op, Status s, int skip = 0);
  void clear_faults();

  // ---- inspection ----
  const Link* find_link(int ifindex) const;
  const Link* find_link(const std::string& ifname) const;
  // Addresses of one link (0: all), ordered by (ifindex, address, prefixlen).
  std::vector<Addr> addrs_on(int ifindex) const;
  // The address local on ifindex, any prefix length; nullptr if absent.
  const Addr* find_addr(int ifindex, const IpAddr& local) const;
  size_t addr_count() const { return addrs_.size(); }
  std::optional<std::string> sysctl(const std::string& path) const;
  uint8_t addr_gen_mode(int ifindex) const;
  std::optional<IpAddr> token(int ifindex) const;
  // The requests addr_replace accepted, oldest first.
  const std::vector<AddrRequest>& replace_log() const { return replace_log_; }
  // Routes added and not deleted, oldest first (ifindex filled in).
  const std::vector<RouteRequest>& routes() const { return routes_; }
  // A route as someone else's tool would add it (no checks).
  void inject_route(const RouteRequest& r) { routes_.push_back(r); }
  // Calls of op so far (including faulted ones); reset_calls zeroes them.
  int calls(FakeOp op) const { return calls_[static_cast<size_t>(op)]; }
  void reset_calls() { calls_.fill(0); }

 private:
  struct LinkState {
    Link link;
    bool carrier = true;
    uint8_t gen_mode = 0;
    std::optional<IpAddr> token;
  };
  struct AddrKey {
    int ifindex;
    IpAddr local;
    uint8_t prefixlen;
    auto operator<=>(const AddrKey&) const = default;
  };
  struct Fault {
    int skip;
    Status status;
  };

  // Counts the call; returns the injected fault if one is due.
  std::optional<Status> enter(FakeOp op);
  LinkState* state(int ifindex);
  Status add_one(const AddrRequest& req);
  void drop_v6(int ifindex);
  // The up link with an address whose prefix covers gw (on ifindex only
  // when not 0); 0 if none.
  int link_for_gateway(const IpAddr& gw, int ifindex) const;
  void refresh_oper(LinkState& ls);
  void seed_link_sysctls(const std::string& ifname, uint32_t mtu);

  int next_ifindex_ = 1;
  bool auto_linklocal_ = false;
  int drop_v6_at_up_ = 0;
  std::map<int, LinkState> links_;
  std::map<AddrKey, Addr> addrs_;
  std::map<std::string, std::string> sysctls_;
  std::set<IpAddr> dad_duplicates_;
  std::array<std::deque<Fault>, kFakeOpCount> faults_;
  std::array<int, kFakeOpCount> calls_{};
  std::vector<AddrRequest> replace_log_;
  std::vector<RouteRequest> routes_;
};

}  // namespace ipadm::netlink

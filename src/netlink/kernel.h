// Kernel: the daemon's only way to read and change the running network stack.
//
// NetlinkKernel implements it over rtnetlink (libmnl) and /proc/sys/net;
// FakeKernel implements it in memory for unit tests. Implementations are not
// thread-safe: the caller (core::Service) serializes access. Errors carry the
// ipadm status converted from the kernel errno, with the netlink extended-ack
// text (if any) as detail. Nothing here logs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/ipaddr.h"
#include "common/status.h"

namespace ipadm::netlink {

struct Link {
  int ifindex = 0;
  std::string ifname;
  uint32_t flags = 0;        // IFF_* (ifi_flags)
  uint32_t mtu = 0;
  uint8_t operstate = 0;     // IF_OPER_*
  std::string kind;          // IFLA_INFO_KIND ("veth", "bridge", "" ...)
  std::string hwaddr;        // IFLA_ADDRESS, raw bytes ("" if none)
  // The IPv6 device's IF_* flags (IFLA_INET6_FLAGS, e.g. IF_RA_MANAGED once
  // a router advertisement with the M flag was processed); 0 without IPv6.
  uint32_t inet6_flags = 0;
};

struct Addr {
  int ifindex = 0;
  int family = 0;                 // AF_INET / AF_INET6
  IpAddr local;                   // IFA_LOCAL (v4) or IFA_ADDRESS (v6 without peer)
  std::optional<IpAddr> peer;     // point-to-point destination, if any
  uint8_t prefixlen = 0;
  uint32_t flags = 0;             // IFA_F_* (from IFA_FLAGS when present)
  uint8_t scope = 0;
  uint32_t valid_lft = 0xffffffff;
  uint32_t preferred_lft = 0xffffffff;
  std::string label;              // IFA_LABEL (v4 only)
  uint32_t rt_priority = 0;       // IFA_RT_PRIORITY: prefix route metric (0: none)
};

// One address to add or delete. For delete, local/prefixlen/peer identify it.
struct AddrRequest {
  int ifindex = 0;
  IpAddr local;
  std::optional<IpAddr> peer;
  uint8_t prefixlen = 0;
  bool nodad = false;             // IFA_F_NODAD (v6)
  bool noprefixroute = false;     // IFA_F_NOPREFIXROUTE
  std::optional<uint32_t> valid_lft, preferred_lft;  // IFA_CACHEINFO when set
  std::optional<uint32_t> route_metric;              // IFA_RT_PRIORITY
};

// One route to add or delete in the main table. A gateway route has
// gateway set; an on-link route (directly reachable destination) has
// gateway.family == 0 and goes in with scope link. dst_len 0 (dst zero) is
// the default route of the family (the gateway's, else dst's). ifindex 0:
// no RTA_OIF (the kernel picks the link by the gateway).
struct RouteRequest {
  int ifindex = 0;
  IpAddr gateway;        // family 0: on-link
  IpAddr dst;            // family taken from gateway when dst_len == 0
  uint8_t dst_len = 0;
  uint8_t protocol = 4;  // RTPROT_STATIC; RTPROT_DHCP (16) for lease routers
  uint32_t metric = 0;   // RTA_PRIORITY
  int family() const { return gateway.family ? gateway.family : dst.family; }
};

// A unicast route of the main table as the kernel reports it (RTM_NEWROUTE).
struct Route {
  int family = 0;
  IpAddr dst;               // zero with dst_len 0 (default)
  uint8_t dst_len = 0;
  std::optional<IpAddr> gateway;  // RTA_GATEWAY (first nexthop only)
  int ifindex = 0;          // RTA_OIF
  uint32_t metric = 0;      // RTA_PRIORITY
  uint8_t protocol = 0;     // RTPROT_* (kernel 2, boot 3, static 4, ra 9, dhcp 16)
  uint8_t scope = 0;
};

class Kernel {
 public:
  virtual ~Kernel() = default;

  virtual Result<std::vector<Link>> links() = 0;
  // Enxio if no such link.
  virtual Result<Link> link_by_name(const std::string& ifname) = 0;
  // family AF_UNSPEC for both; ifindex 0 for all links.
  virtual Result<std::vector<Addr>> addrs(int family, int ifindex) = 0;

  // Exists if the address is already there (no NLM_F_REPLACE).
  virtual Status addr_add(const AddrRequest& req) = 0;
  // NotFound... mapped from EADDRNOTAVAIL when the address is absent.
  virtual Status addr_del(const AddrRequest& req) = 0;
  // Updates an existing address in place: RTM_NEWADDR with
  // NLM_F_CREATE|NLM_F_REPLACE (added if absent). Linux takes the lifetimes
  // (IFA_CACHEINFO; absent = infinite) and the prefix route metric
  // (IFA_RT_PRIORITY) from req; IPv4 sets an absent metric to 0 and keeps
  // its IFA_F_* flags; IPv6 also takes nodad/noprefixroute but ignores a
  // metric of 0 (keeps the old one). The key (local, prefixlen, peer)
  // cannot change.
  virtual Status addr_replace(const AddrRequest& req) = 0;
  // Pipelined batch: one status per request, in order. The call itself fails
  // only on a socket error.
  virtual Status addr_add_batch(std::span<const AddrRequest> reqs,
                                std::vector<Status>* results) = 0;

  // Waits up to timeout_ms for IPv6 DAD on the address to finish (no longer
  // IFA_F_TENTATIVE), using netlink address events; returns the address's
  // final IFA_F_* flags (IFA_F_DADFAILED set on a duplicate). For IPv4 or a
  // missing address returns at once. Never fails on timeout: returns flags.
  virtual Result<uint32_t> addr_wait_dad(const AddrRequest& req, int timeout_ms) = 0;

  // Routes in the main table (protocol static). route_add: Exists if a
  // route with the same destination and metric is there (NLM_F_EXCL),
  // BadAddr if the gateway is not reachable (ENETUNREACH); route_del:
  // NotFound if it is not there.
  // routes(): the unicast routes of the main table of one family
  // (AF_UNSPEC: both), in kernel order.
  virtual Result<std::vector<Route>> routes(int family) = 0;
  virtual Status route_add(const RouteRequest& req) = 0;
  virtual Status route_del(const RouteRequest& req) = 0;

  // Sets or clears IFF_UP.
  virtual Status link_set_up(int ifindex, bool up) = 0;
  // Sets or clears IFF_NOARP.
  virtual Status link_set_arp(int ifindex, bool arp) = 0;
  virtual Status link_set_mtu(int ifindex, uint32_t mtu) = 0;
  // IFLA_INET6_ADDR_GEN_MODE (IN6_ADDR_GEN_MODE_EUI64 = 0, NONE = 1).
  virtual Status link_set_addr_gen_mode(int ifindex, uint8_t mode) = 0;
  // IFLA_INET6_TOKEN: the interface id of SLAAC addresses (low 64 bits).
  // Linux accepts it only while the interface accepts router advertisements.
  virtual Status link_set_token(int ifindex, const IpAddr& token) = 0;

  // sysctl under /proc/sys/, path relative, e.g. "net/ipv4/ip_forward".
  // Value without the trailing newline. NotFound/PropUnknown mapped by caller.
  virtual Result<std::string> sysctl_get(const std::string& path) = 0;
  virtual Status sysctl_set(const std::string& path, const std::string& value) = 0;
};

}  // namespace ipadm::netlink

// Route objects: what create-route names, the store keeps and show-route
// lists (issue 13 item 1; docs/linux-mapping.md, "Routes").
//
// Pure values and functions, no I/O: parsing the user's text at the edge,
// the kernel request of a route, and the rules that match a kernel route to
// a route object. The Service (service_route.cc) does the kernel and store
// steps.
//
// Identity: (family, destination, metric), as the kernel's main table keys
// its routes (a second route to the same destination with the same metric
// is EEXIST for NLM_F_EXCL in both families). The metric is the kernel's:
// IPv6's default 0 is spelled 1024 (IP6_RT_PRIO_USER), as Linux reports it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/ipaddr.h"
#include "common/status.h"
#include "netlink/kernel.h"
#include "store/store.h"

namespace ipadm::core {

struct RouteObj {
  int family = 0;                 // AF_INET / AF_INET6
  IpAddr dst;                     // zero (of family) for default
  uint8_t dst_len = 0;            // 0 = default
  std::optional<IpAddr> gateway;  // none: on-link route
  std::string ifname;             // "": the kernel picks the link by the gateway
  uint32_t metric = 0;            // the kernel's (see header comment)
};

// What the user typed for create-route / delete-route ("" = not given).
struct RouteText {
  std::string destination;  // "default" or PREFIX/LEN
  std::string gateway;      // -g
  std::string ifname;       // -i
  std::string metric;       // -m
};

// create-route's rules:
//  * destination "default" (the family is the gateway's, so -g is needed)
//    or PREFIX/LEN with a numeric PREFIX, LEN within the family's width and
//    no host bits set (BadAddr otherwise); 0.0.0.0/0 and ::/0 are default;
//  * a gateway (numeric, the destination's family: BadProtocol otherwise,
//    not unspecified, not multicast) or, without one, -i (on-link route);
//    an IPv6 link-local gateway needs -i (the link is part of its address);
//  * -i a valid interface name (InvalidName);
//  * -m a decimal 0..4294967295 (InvalidArg, ERange past the top).
Result<RouteObj> parse_route(const RouteText& t);

// delete-route's selector: the destination (default matches either
// family unless -g says which) and optional gateway, interface and metric.
struct RouteSelector {
  std::optional<int> family;
  IpAddr dst;
  uint8_t dst_len = 0;
  std::optional<IpAddr> gateway;
  std::string ifname;
  std::optional<uint32_t> metric;
};
Result<RouteSelector> parse_route_selector(const RouteText& t);
bool selects(const RouteSelector& sel, const RouteObj& r);

// "default" or "PREFIX/LEN".
std::string destination_text(const RouteObj& r);
// "default via 192.0.2.1 metric 0", "203.0.113.0/24 dev net0 metric 0":
// the name of a route in messages.
std::string route_text(const RouteObj& r);

bool same_key(const RouteObj& a, const RouteObj& b);

store::RouteRecord to_record(const RouteObj& r);
// EBade when the record is not one create-route could have written.
Result<RouteObj> from_record(const store::RouteRecord& rec);

// The kernel request for r on link ifindex (0: none given), protocol static.
netlink::RouteRequest to_request(const RouteObj& r, int ifindex);

// The kernel route has r's key, gateway and (if r names one) link.
// ifname_of: the name of the kernel route's link ("" if unknown).
bool kernel_matches(const RouteObj& r, const netlink::Route& k, const std::string& ifname_of);
bool same_key(const RouteObj& r, const netlink::Route& k);

// The link (ifindex) through which gw is on-link: an address of an up link
// whose prefix covers gw; only ifindex's addresses when it is not 0. An
// IPv6 link-local gateway is on-link on the link named with it. 0: none.
int gateway_link(const IpAddr& gw, int ifindex, const std::vector<netlink::Addr>& addrs,
                 const std::vector<netlink::Link>& links);

// TYPE of a kernel route that is not ours: "dhcp" for the routes of
// DHCP and router advertisements (protocol dhcp, ra), "foreign" else.
const char* foreign_route_type(const netlink::Route& k);

}  // namespace ipadm::core

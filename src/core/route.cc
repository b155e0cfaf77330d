// Route objects: parsing, requests and kernel matching (see route.h).
#include "core/route.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <charconv>
#include <limits>

#include "common/names.h"

namespace ipadm::core {

namespace {

constexpr uint32_t kIpv6DefaultMetric = 1024;  // IP6_RT_PRIO_USER

struct Dest {
  std::optional<int> family;  // unset for "default"
  IpAddr dst;
  uint8_t dst_len = 0;
};

Result<Dest> parse_destination(const std::string& text) {
  if (text == "default") return Dest{};
  auto ap = split_prefix(text);
  IPADM_TRY(ap);
  if (!ap->prefixlen)
    return Status(Errc::BadAddr, "route destination " + address_detail(text) +
                                     ": expected default or PREFIX/LEN");
  auto a = IpAddr::parse(ap->host);
  if (!a || a->is_v4_mapped()) return Status(Errc::BadAddr, address_detail(text));
  const int plen = *ap->prefixlen;
  if (plen < 0 || plen > a->max_prefixlen())
    return Status(Errc::BadAddr, address_detail(text) + ": prefix length out of range");
  if (masked(*a, plen) != *a)
    return Status(Errc::BadAddr, address_detail(text) + ": host bits set (network is " +
                                     masked(*a, plen).to_string() + "/" +
                                     std::to_string(plen) + ")");
  return Dest{a->family, *a, static_cast<uint8_t>(plen)};
}

Result<IpAddr> parse_gateway(const std::string& text) {
  auto g = IpAddr::parse(text);
  if (!g || g->is_v4_mapped()) return Status(Errc::BadAddr, "gateway " + address_detail(text));
  const bool multicast = g->family == AF_INET ? (g->bytes[0] & 0xf0) == 0xe0 : g->bytes[0] == 0xff;
  if (g->is_zero() || multicast)
    return Status(Errc::BadAddr, "gateway " + text + ": not a unicast address");
  return *g;
}

Result<std::optional<uint32_t>> parse_metric(const std::string& text) {
  if (text.empty()) return std::optional<uint32_t>();
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec == std::errc::result_out_of_range ||
      (ec == std::errc() && v > std::numeric_limits<uint32_t>::max()))
    return Status(Errc::ERange, "metric " + address_detail(text) + ": 0 to 4294967295");
  if (ec != std::errc() || end != text.data() + text.size())
    return Status(Errc::InvalidArg, "metric " + address_detail(text) + ": not a number");
  return std::optional<uint32_t>(static_cast<uint32_t>(v));
}

Status check_ifname(const std::string& ifname) {
  if (!ifname.empty() && !ifname_valid(ifname))
    return Status(Errc::InvalidName, "interface " + address_detail(ifname));
  return Status::ok();
}

uint32_t kernel_metric(int family, std::optional<uint32_t> m) {
  if (family == AF_INET6 && m.value_or(0) == 0) return kIpv6DefaultMetric;
  return m.value_or(0);
}

// The options create-route and delete-route share: destination, -i, -m.
struct Common {
  Dest dest;
  std::optional<uint32_t> metric;
};

Result<Common> parse_common(const RouteText& t) {
  auto dest = parse_destination(t.destination);
  IPADM_TRY(dest);
  IPADM_TRY(check_ifname(t.ifname));
  auto metric = parse_metric(t.metric);
  IPADM_TRY(metric);
  return Common{*dest, *metric};
}

}  // namespace

Result<RouteObj> parse_route(const RouteText& t) {
  auto c = parse_common(t);
  IPADM_TRY(c);
  const Dest* dest = &c->dest;
  const std::optional<uint32_t>* metric = &c->metric;
  RouteObj r;
  r.ifname = t.ifname;
  if (!t.gateway.empty()) {
    auto g = parse_gateway(t.gateway);
    IPADM_TRY(g);
    if (dest->family && *dest->family != g->family)
      return Status(Errc::BadProtocol, "gateway " + t.gateway + " for " + t.destination);
    if (g->is_v6_linklocal() && t.ifname.empty())
      return Status(Errc::InvalidArg, "link-local gateway " + t.gateway + " needs -i <interface>");
    r.gateway = *g;
    r.family = g->family;
  } else {
    if (!dest->family)
      return Status(Errc::InvalidArg, "a default route needs a gateway (-g)");
    if (t.ifname.empty())
      return Status(Errc::InvalidArg, "a route needs a gateway (-g) or an interface (-i)");
    r.family = *dest->family;
  }
  r.dst_len = dest->dst_len;
  r.dst = dest->family ? dest->dst : IpAddr{};
  r.dst.family = r.family;
  r.metric = kernel_metric(r.family, *metric);
  return r;
}

Result<RouteSelector> parse_route_selector(const RouteText& t) {
  auto c = parse_common(t);
  IPADM_TRY(c);
  const Dest* dest = &c->dest;
  const std::optional<uint32_t>* metric = &c->metric;
  RouteSelector s;
  s.family = dest->family;
  s.dst = dest->dst;
  s.dst_len = dest->dst_len;
  s.ifname = t.ifname;
  if (!t.gateway.empty()) {
    auto g = parse_gateway(t.gateway);
    IPADM_TRY(g);
    if (s.family && *s.family != g->family)
      return Status(Errc::BadProtocol, "gateway " + t.gateway + " for " + t.destination);
    s.gateway = *g;
    s.family = g->family;
  }
  if (*metric) s.metric = s.family ? kernel_metric(*s.family, *metric) : **metric;
  return s;
}

bool selects(const RouteSelector& sel, const RouteObj& r) {
  if (sel.family && *sel.family != r.family) return false;
  if (sel.dst_len != r.dst_len) return false;
  if (sel.dst_len > 0 && !(sel.dst == r.dst)) return false;
  if (sel.gateway && r.gateway != sel.gateway) return false;
  if (!sel.ifname.empty() && sel.ifname != r.ifname) return false;
  // -m 0 on a default without -g: IPv6 spells it 1024.
  if (sel.metric && *sel.metric != r.metric &&
      !(*sel.metric == 0 && r.metric == kernel_metric(r.family, 0)))
    return false;
  return true;
}

std::string destination_text(const RouteObj& r) {
  if (r.dst_len == 0) return "default";
  return r.dst.to_string() + "/" + std::to_string(r.dst_len);
}

std::string route_text(const RouteObj& r) {
  std::string s = destination_text(r);
  if (r.gateway) s += " via " + r.gateway->to_string();
  if (!r.ifname.empty()) s += " dev " + r.ifname;
  return s + " metric " + std::to_string(r.metric);
}

bool same_key(const RouteObj& a, const RouteObj& b) {
  return a.family == b.family && a.dst_len == b.dst_len && a.dst == b.dst && a.metric == b.metric;
}

store::RouteRecord to_record(const RouteObj& r) {
  return store::RouteRecord{r.family, destination_text(r),
                            r.gateway ? r.gateway->to_string() : "", r.ifname, r.metric};
}

Result<RouteObj> from_record(const store::RouteRecord& rec) {
  RouteText t{rec.destination, rec.gateway, rec.ifname, std::to_string(rec.metric)};
  auto r = parse_route(t);
  if (!r) return Status(Errc::EBade, "stored route " + rec.destination + ": " + r.status().to_string());
  if (r->family != rec.family)
    return Status(Errc::EBade, "stored route " + rec.destination + ": family mismatch");
  return r;
}

netlink::RouteRequest to_request(const RouteObj& r, int ifindex) {
  netlink::RouteRequest q;
  q.ifindex = ifindex;
  if (r.gateway) q.gateway = *r.gateway;
  q.dst = r.dst;
  q.dst.family = r.family;
  q.dst_len = r.dst_len;
  q.protocol = RTPROT_STATIC;
  q.metric = r.metric;
  return q;
}

bool same_key(const RouteObj& r, const netlink::Route& k) {
  return r.family == k.family && r.dst_len == k.dst_len &&
         (r.dst_len == 0 || r.dst == k.dst) && r.metric == k.metric;
}

bool kernel_matches(const RouteObj& r, const netlink::Route& k, const std::string& ifname_of) {
  if (!same_key(r, k) || k.protocol != RTPROT_STATIC) return false;
  if (r.gateway != k.gateway) return false;
  return r.ifname.empty() || r.ifname == ifname_of;
}

int gateway_link(const IpAddr& gw, int ifindex, const std::vector<netlink::Addr>& addrs,
                 const std::vector<netlink::Link>& links) {
  auto up = [&](int idx) {
    for (const auto& l : links)
      if (l.ifindex == idx) return (l.flags & IFF_UP) != 0;
    return false;
  };
  if (gw.is_v6_linklocal()) return ifindex != 0 && up(ifindex) ? ifindex : 0;
  for (const auto& a : addrs) {
    if (ifindex != 0 && a.ifindex != ifindex) continue;
    if (a.family != gw.family || !up(a.ifindex)) continue;
    if (a.peer ? *a.peer == gw : prefix_covers(a.local, a.prefixlen, gw)) return a.ifindex;
  }
  return 0;
}

const char* foreign_route_type(const netlink::Route& k) {
  return k.protocol == RTPROT_DHCP || k.protocol == RTPROT_RA ? "dhcp" : "foreign";
}

}  // namespace ipadm::core

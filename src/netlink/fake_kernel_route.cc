// FakeKernel: routes, kept as a list (see fake_kernel.h).
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>

#include "netlink/fake_kernel.h"

namespace ipadm::netlink {

namespace {
uint32_t effective_metric(const RouteRequest& r) {
  return r.metric == 0 && r.family() == AF_INET6 ? 1024 : r.metric;
}

bool same_key(const RouteRequest& a, const RouteRequest& b) {
  return a.family() == b.family() && a.dst_len == b.dst_len &&
         (a.dst_len == 0 || a.dst == b.dst) && effective_metric(a) == effective_metric(b);
}

// A delete names the route by key; gateway and link, when given, must match.
bool del_matches(const RouteRequest& have, const RouteRequest& req) {
  if (!same_key(have, req)) return false;
  if (req.gateway.family != 0 && !(have.gateway == req.gateway)) return false;
  return req.ifindex == 0 || have.ifindex == req.ifindex;
}

}  // namespace

int FakeKernel::link_for_gateway(const IpAddr& gw, int ifindex) const {
  for (const auto& [key, a] : addrs_) {
    if (ifindex != 0 && key.ifindex != ifindex) continue;
    const Link* l = find_link(key.ifindex);
    if (!l || !(l->flags & IFF_UP)) continue;
    if (prefix_covers(a.local, a.prefixlen, gw)) return key.ifindex;
  }
  return 0;
}

Result<std::vector<Route>> FakeKernel::routes(int family) {
  if (auto f = enter(FakeOp::kRoutes)) return *f;
  std::vector<Route> out;
  for (const RouteRequest& r : routes_) {
    if (family != AF_UNSPEC && r.family() != family) continue;
    Route k;
    k.family = r.family();
    k.dst = r.dst;
    k.dst.family = k.family;
    k.dst_len = r.dst_len;
    if (r.gateway.family) k.gateway = r.gateway;
    k.ifindex = r.ifindex;
    k.metric = effective_metric(r);
    k.protocol = r.protocol;
    k.scope = r.gateway.family ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
    out.push_back(k);
  }
  return out;
}

Status FakeKernel::route_add(const RouteRequest& req) {
  if (auto f = enter(FakeOp::kRouteAdd)) return *f;
  RouteRequest r = req;
  if (r.ifindex != 0) {
    const Link* l = find_link(r.ifindex);
    if (!l) return Status(Errc::Enxio, std::to_string(r.ifindex));
    if (!(l->flags & IFF_UP)) return Status(Errc::Failure, "Network is down", ENETDOWN);
  }
  if (r.gateway.family != 0 && !(r.gateway.is_v6_linklocal() && r.ifindex != 0)) {
    int via = link_for_gateway(r.gateway, r.ifindex);
    if (via == 0)
      return Status(Errc::BadAddr, r.gateway.to_string() + " (gateway unreachable)", ENETUNREACH);
    r.ifindex = via;
  }
  if (r.ifindex == 0) return Status(Errc::InvalidArg, "no device", ENODEV);
  for (auto& have : routes_)
    if (same_key(have, r)) return Status(Errc::Exists, r.dst.to_string(), EEXIST);
  routes_.push_back(r);
  return Status::ok();
}

Status FakeKernel::route_del(const RouteRequest& req) {
  if (auto f = enter(FakeOp::kRouteDel)) return *f;
  for (auto it = routes_.begin(); it != routes_.end(); ++it) {
    if (del_matches(*it, req)) {
      routes_.erase(it);
      return Status::ok();
    }
  }
  return Status(Errc::NotFound, req.gateway.to_string(), ESRCH);
}

}  // namespace ipadm::netlink

// FakeKernel: routes, kept as a list (see fake_kernel.h).
#include "netlink/fake_kernel.h"

namespace ipadm::netlink {

namespace {
bool same_route(const RouteRequest& a, const RouteRequest& b) {
  return a.ifindex == b.ifindex && a.gateway == b.gateway && a.dst_len == b.dst_len &&
         (a.dst_len == 0 || a.dst == b.dst);
}
}  // namespace

Status FakeKernel::route_add(const RouteRequest& req) {
  if (!find_link(req.ifindex)) return Status(Errc::Enxio, std::to_string(req.ifindex));
  for (auto& r : routes_)
    if (same_route(r, req)) return Status(Errc::Exists, req.gateway.to_string());
  routes_.push_back(req);
  return Status::ok();
}

Status FakeKernel::route_del(const RouteRequest& req) {
  for (auto it = routes_.begin(); it != routes_.end(); ++it) {
    if (same_route(*it, req)) {
      routes_.erase(it);
      return Status::ok();
    }
  }
  return Status(Errc::NotFound, req.gateway.to_string());
}

}  // namespace ipadm::netlink

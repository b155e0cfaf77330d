// NetlinkKernel: routes (delegated default routers, spec section 8).
#include <linux/rtnetlink.h>

#include <array>
#include <cerrno>

#include "netlink/netlink_kernel.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {

namespace {
std::string route_text(const RouteRequest& r) {
  std::string dst = r.dst_len ? r.dst.to_string() + "/" + std::to_string(r.dst_len) : "default";
  return dst + " via " + r.gateway.to_string();
}
}  // namespace

Status NetlinkKernel::route_add(const RouteRequest& req) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  size_t len = build_route(buf, RTM_NEWROUTE, sock_.next_seq(), req);
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), len), nullptr);
  return ack_status(ack, AckOp::kGeneric, route_text(req));
}

Status NetlinkKernel::route_del(const RouteRequest& req) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  size_t len = build_route(buf, RTM_DELROUTE, sock_.next_seq(), req);
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), len), nullptr);
  Status s = ack_status(ack, AckOp::kGeneric, route_text(req));
  if (s.sys_errno() == ESRCH) return Status(Errc::NotFound, s.detail(), ESRCH);
  return s;
}

}  // namespace ipadm::netlink

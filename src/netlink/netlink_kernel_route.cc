// NetlinkKernel: routes of the main table (delegated default routers, spec
// section 8; persistent routes, core/route.h).
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "netlink/netlink_kernel.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {

namespace {
std::string route_text(const RouteRequest& r) {
  std::string dst = r.dst_len ? r.dst.to_string() + "/" + std::to_string(r.dst_len) : "default";
  if (r.gateway.family == 0) return dst;
  return dst + " via " + r.gateway.to_string();
}
}  // namespace

Result<std::vector<Route>> NetlinkKernel::routes(int family) {
  std::vector<Route> out;
  Status bad;
  IPADM_TRY(dump([&](std::span<uint8_t> b, uint32_t seq) { return build_route_dump(b, seq, family); },
                 [&] { out.clear(); bad = Status::ok(); },
                 [&](NlMsg m) {
                   if (reinterpret_cast<const nlmsghdr*>(m.data())->nlmsg_type != RTM_NEWROUTE)
                     return;
                   auto r = decode_route(m);
                   if (!r) bad = r.status();
                   else if (r->has_value() && (family == AF_UNSPEC || (*r)->family == family))
                     out.push_back(**r);
                 },
                 "routes"));
  IPADM_TRY(bad);
  return out;
}

Status NetlinkKernel::route_add(const RouteRequest& req) {
  alignas(NLMSG_ALIGNTO) std::array<uint8_t, kMaxRequestLen> buf;
  size_t len = build_route(buf, RTM_NEWROUTE, sock_.next_seq(), req);
  NlAck ack = sock_.request(std::span<const uint8_t>(buf.data(), len), nullptr);
  Status s = ack_status(ack, AckOp::kGeneric, route_text(req));
  if (s.sys_errno() == ENETUNREACH || s.sys_errno() == EHOSTUNREACH)
    return Status(Errc::BadAddr, s.detail() + " (gateway unreachable)", s.sys_errno());
  return s;
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

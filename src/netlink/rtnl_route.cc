// Route codecs (pure; see rtnl_codec.h for the message format).
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cstring>

#include "netlink/nl_attr.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {

namespace {

constexpr AttrRule kRouteRules[] = {
    {RTA_DST, 4}, {RTA_GATEWAY, 4}, {RTA_OIF, 4}, {RTA_PRIORITY, 4}, {RTA_TABLE, 4},
};

Result<Route> malformed(const char* what) {
  return Result<Route>(Errc::EBade, std::string("malformed route message: ") + what);
}

}  // namespace

size_t build_route(std::span<uint8_t> buf, uint16_t type, uint32_t seq, const RouteRequest& r) {
  if (buf.size() < kMaxRequestLen) return 0;
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (type == RTM_NEWROUTE) nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  nlh->nlmsg_seq = seq;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  const int family = r.family();
  const bool onlink = r.gateway.family == 0;
  rtm->rtm_family = static_cast<uint8_t>(family);
  rtm->rtm_dst_len = r.dst_len;
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = r.protocol;
  rtm->rtm_scope = onlink ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  // A delete matches any scope (RT_SCOPE_NOWHERE = "don't care").
  if (type == RTM_DELROUTE) rtm->rtm_scope = RT_SCOPE_NOWHERE;
  rtm->rtm_type = RTN_UNICAST;
  const size_t alen = family == AF_INET ? 4 : 16;
  if (r.dst_len > 0) mnl_attr_put(nlh, RTA_DST, alen, r.dst.bytes.data());
  if (!onlink) mnl_attr_put(nlh, RTA_GATEWAY, alen, r.gateway.bytes.data());
  if (r.ifindex > 0) mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(r.ifindex));
  if (r.metric > 0) mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  return nlh->nlmsg_len;
}

size_t build_route_dump(std::span<uint8_t> buf, uint32_t seq, int family) {
  if (buf.size() < kMaxRequestLen) return 0;
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_GETROUTE;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = static_cast<uint8_t>(family);
  return nlh->nlmsg_len;
}

Result<std::optional<Route>> decode_route(NlMsg msg) {
  const nlmsghdr* nlh = msg_header(msg, sizeof(rtmsg));
  if (!nlh) return malformed("truncated").status();
  const auto* rtm = static_cast<const rtmsg*>(NLMSG_DATA(nlh));
  if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
    return std::optional<Route>();
  std::array<const nlattr*, RTA_MAX + 1> tb{};
  size_t alen;
  const void* attrs = msg_attrs(nlh, sizeof(rtmsg), &alen);
  if (!parse_attrs(attrs, alen, kRouteRules, tb)) return malformed("bad attribute").status();
  const uint32_t table = tb[RTA_TABLE] ? attr_u32(tb[RTA_TABLE]) : rtm->rtm_table;
  if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST) return std::optional<Route>();
  Route r;
  r.family = rtm->rtm_family;
  r.dst_len = rtm->rtm_dst_len;
  r.protocol = rtm->rtm_protocol;
  r.scope = rtm->rtm_scope;
  r.dst.family = r.family;
  if (tb[RTA_DST] && !attr_ip(tb[RTA_DST], r.family, &r.dst)) return malformed("RTA_DST").status();
  if (tb[RTA_GATEWAY]) {
    IpAddr gw;
    if (!attr_ip(tb[RTA_GATEWAY], r.family, &gw)) return malformed("RTA_GATEWAY").status();
    r.gateway = gw;
  }
  if (tb[RTA_OIF]) r.ifindex = static_cast<int>(attr_u32(tb[RTA_OIF]));
  if (tb[RTA_PRIORITY]) r.metric = attr_u32(tb[RTA_PRIORITY]);
  return std::optional<Route>(r);
}

}  // namespace ipadm::netlink

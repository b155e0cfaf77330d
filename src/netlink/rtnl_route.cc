// Route message builder (pure; see rtnl_codec.h).
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {

size_t build_route(std::span<uint8_t> buf, uint16_t type, uint32_t seq, const RouteRequest& r) {
  if (buf.size() < kMaxRequestLen) return 0;
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  if (type == RTM_NEWROUTE) nlh->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
  nlh->nlmsg_seq = seq;
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  const int family = r.gateway.family;
  rtm->rtm_family = static_cast<uint8_t>(family);
  rtm->rtm_dst_len = r.dst_len;
  rtm->rtm_table = RT_TABLE_MAIN;
  rtm->rtm_protocol = r.protocol;
  rtm->rtm_scope = RT_SCOPE_UNIVERSE;
  rtm->rtm_type = RTN_UNICAST;
  const size_t alen = family == AF_INET ? 4 : 16;
  if (r.dst_len > 0) mnl_attr_put(nlh, RTA_DST, alen, r.dst.bytes.data());
  mnl_attr_put(nlh, RTA_GATEWAY, alen, r.gateway.bytes.data());
  if (r.ifindex > 0) mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(r.ifindex));
  if (r.metric > 0) mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  return nlh->nlmsg_len;
}

}  // namespace ipadm::netlink

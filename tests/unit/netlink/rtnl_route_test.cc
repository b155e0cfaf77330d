// Route codecs: build_route (gateway and on-link) and decode_route.
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>

#include "msg_builder.h"
#include "netlink/nl_attr.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

struct Built {
  alignas(8) std::array<uint8_t, kMaxRequestLen> buf{};
  std::array<const nlattr*, RTA_MAX + 1> tb{};
  const rtmsg* rtm = nullptr;
  void build(uint16_t type, const RouteRequest& r) {
    size_t len = build_route(buf, type, 7, r);
    ASSERT_GT(len, 0u);
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
    rtm = static_cast<const rtmsg*>(NLMSG_DATA(nlh));
    size_t alen;
    const void* a = msg_attrs(nlh, sizeof(rtmsg), &alen);
    ASSERT_TRUE(parse_attrs(a, alen, {}, tb));
  }
};

TEST(RouteCodec, GatewayRouteIsUniverseWithGateway) {
  RouteRequest r;
  r.ifindex = 3;
  r.gateway = ip("192.0.2.1");
  r.metric = 5;
  Built b;
  b.build(RTM_NEWROUTE, r);
  EXPECT_EQ(b.rtm->rtm_family, AF_INET);
  EXPECT_EQ(b.rtm->rtm_scope, RT_SCOPE_UNIVERSE);
  EXPECT_EQ(b.rtm->rtm_protocol, RTPROT_STATIC);
  EXPECT_EQ(b.rtm->rtm_dst_len, 0);
  EXPECT_EQ(b.tb[RTA_DST], nullptr);
  ASSERT_NE(b.tb[RTA_GATEWAY], nullptr);
  EXPECT_EQ(attr_u32(b.tb[RTA_OIF]), 3u);
  EXPECT_EQ(attr_u32(b.tb[RTA_PRIORITY]), 5u);
}

TEST(RouteCodec, OnLinkRouteIsLinkScopeWithoutGateway) {
  RouteRequest r;
  r.ifindex = 2;
  r.dst = ip("2001:db8:5::");
  r.dst_len = 48;
  Built b;
  b.build(RTM_NEWROUTE, r);
  EXPECT_EQ(b.rtm->rtm_family, AF_INET6);
  EXPECT_EQ(b.rtm->rtm_scope, RT_SCOPE_LINK);
  EXPECT_EQ(b.tb[RTA_GATEWAY], nullptr);
  ASSERT_NE(b.tb[RTA_DST], nullptr);
  Built d;
  d.build(RTM_DELROUTE, r);
  EXPECT_EQ(d.rtm->rtm_scope, RT_SCOPE_NOWHERE);  // a delete matches any scope
}

TEST(RouteCodec, DecodesMainTableUnicastOnly) {
  rtmsg rtm{};
  rtm.rtm_family = AF_INET;
  rtm.rtm_dst_len = 24;
  rtm.rtm_table = RT_TABLE_MAIN;
  rtm.rtm_protocol = RTPROT_DHCP;
  rtm.rtm_type = RTN_UNICAST;
  const auto dst = ip("203.0.113.0"), gw = ip("192.0.2.1");
  testing::MsgBuilder m(RTM_NEWROUTE, 0, rtm);
  m.attr(RTA_DST, dst.bytes.data(), 4).attr(RTA_GATEWAY, gw.bytes.data(), 4);
  m.attr_u32(RTA_OIF, 4).attr_u32(RTA_PRIORITY, 100).attr_u32(RTA_TABLE, RT_TABLE_MAIN);
  auto r = decode_route(m.bytes());
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->dst, dst);
  EXPECT_EQ((*r)->gateway, gw);
  EXPECT_EQ((*r)->ifindex, 4);
  EXPECT_EQ((*r)->metric, 100u);
  EXPECT_EQ((*r)->protocol, RTPROT_DHCP);

  rtm.rtm_table = RT_TABLE_LOCAL;
  testing::MsgBuilder local(RTM_NEWROUTE, 0, rtm);
  local.attr_u32(RTA_TABLE, RT_TABLE_LOCAL);
  auto l = decode_route(local.bytes());
  ASSERT_TRUE(l.is_ok());
  EXPECT_FALSE(l->has_value());

  rtm.rtm_table = RT_TABLE_MAIN;
  testing::MsgBuilder bad(RTM_NEWROUTE, 0, rtm);
  bad.attr(RTA_GATEWAY, gw.bytes.data(), 3);  // short
  EXPECT_EQ(decode_route(bad.bytes()).status().code(), Errc::EBade);
}

}  // namespace
}  // namespace ipadm::netlink

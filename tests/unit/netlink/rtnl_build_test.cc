// Requests built by rtnl_codec: parsed back attribute by attribute.
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <array>
#include <cstring>

#include "netlink/nl_attr.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

// A built message, parsed into its header and attribute table.
struct Parsed {
  alignas(8) std::array<uint8_t, kMaxRequestLen> buf{};
  size_t len = 0;
  std::array<const nlattr*, 64> tb{};
  const nlmsghdr* nlh() const { return reinterpret_cast<const nlmsghdr*>(buf.data()); }
  template <typename Fixed>
  const Fixed* fixed() const { return static_cast<const Fixed*>(NLMSG_DATA(nlh())); }
  template <typename Fixed>
  void parse() {
    ASSERT_EQ(nlh()->nlmsg_len, len);
    size_t alen;
    const void* a = msg_attrs(nlh(), sizeof(Fixed), &alen);
    ASSERT_TRUE(parse_attrs(a, alen, {}, tb));
  }
  std::string ip_at(uint16_t type) const {
    if (!tb[type]) return "-";
    auto b = attr_bytes(tb[type]);
    IpAddr a;
    a.family = b.size() == 4 ? AF_INET : AF_INET6;
    std::copy(b.begin(), b.end(), a.bytes.begin());
    return a.to_string();
  }
};

Parsed build(uint16_t type, const AddrRequest& req, uint32_t seq = 42) {
  Parsed p;
  auto n = build_addr(p.buf, type, seq, req);
  EXPECT_TRUE(n) << n.status().to_string();
  p.len = n ? *n : 0;
  if (n) p.parse<ifaddrmsg>();
  return p;
}

AddrRequest req(const char* local, uint8_t plen, int ifindex = 5) {
  AddrRequest r;
  r.ifindex = ifindex;
  r.local = ip(local);
  r.prefixlen = plen;
  return r;
}

TEST(BuildAddr, Ipv4AddsBroadcastAndExclusiveCreate) {
  Parsed p = build(RTM_NEWADDR, req("192.0.2.10", 24));
  EXPECT_EQ(p.nlh()->nlmsg_type, RTM_NEWADDR);
  EXPECT_EQ(p.nlh()->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  EXPECT_EQ(p.nlh()->nlmsg_seq, 42u);
  EXPECT_EQ(p.fixed<ifaddrmsg>()->ifa_family, AF_INET);
  EXPECT_EQ(p.fixed<ifaddrmsg>()->ifa_prefixlen, 24);
  EXPECT_EQ(p.fixed<ifaddrmsg>()->ifa_index, 5u);
  EXPECT_EQ(p.ip_at(IFA_LOCAL), "192.0.2.10");
  EXPECT_EQ(p.ip_at(IFA_ADDRESS), "192.0.2.10");
  EXPECT_EQ(p.ip_at(IFA_BROADCAST), "192.0.2.255");
  EXPECT_FALSE(p.tb[IFA_FLAGS]);
  EXPECT_FALSE(p.tb[IFA_CACHEINFO]);
  EXPECT_FALSE(p.tb[IFA_RT_PRIORITY]);
}

TEST(BuildAddr, Ipv4NoBroadcastForSlash31OrPeer) {
  EXPECT_EQ(build(RTM_NEWADDR, req("192.0.2.10", 31)).ip_at(IFA_BROADCAST), "-");
  AddrRequest r = req("10.9.0.1", 32);
  r.peer = ip("10.9.0.2");
  Parsed p = build(RTM_NEWADDR, r);
  EXPECT_EQ(p.ip_at(IFA_LOCAL), "10.9.0.1");
  EXPECT_EQ(p.ip_at(IFA_ADDRESS), "10.9.0.2");
  EXPECT_EQ(p.ip_at(IFA_BROADCAST), "-");
}

TEST(BuildAddr, Ipv6FlagsLifetimesAndMetric) {
  AddrRequest r = req("2001:db8::1", 64);
  r.nodad = true;
  r.noprefixroute = true;
  r.valid_lft = 600;
  r.route_metric = 1024;
  Parsed p = build(RTM_NEWADDR, r);
  EXPECT_EQ(p.ip_at(IFA_LOCAL), "-");
  EXPECT_EQ(p.ip_at(IFA_ADDRESS), "2001:db8::1");
  ASSERT_TRUE(p.tb[IFA_FLAGS]);
  EXPECT_EQ(attr_u32(p.tb[IFA_FLAGS]), uint32_t{IFA_F_NODAD | IFA_F_NOPREFIXROUTE});
  EXPECT_EQ(p.fixed<ifaddrmsg>()->ifa_flags, IFA_F_NODAD);
  ASSERT_TRUE(p.tb[IFA_CACHEINFO]);
  ifa_cacheinfo ci;
  std::memcpy(&ci, attr_bytes(p.tb[IFA_CACHEINFO]).data(), sizeof(ci));
  EXPECT_EQ(ci.ifa_valid, 600u);
  EXPECT_EQ(ci.ifa_prefered, 600u);  // defaults to valid
  ASSERT_TRUE(p.tb[IFA_RT_PRIORITY]);
  EXPECT_EQ(attr_u32(p.tb[IFA_RT_PRIORITY]), 1024u);
}

TEST(BuildAddr, Ipv6PeerUsesLocalAndAddress) {
  AddrRequest r = req("2001:db8::1", 128);
  r.peer = ip("2001:db8::2");
  Parsed p = build(RTM_NEWADDR, r);
  EXPECT_EQ(p.ip_at(IFA_LOCAL), "2001:db8::1");
  EXPECT_EQ(p.ip_at(IFA_ADDRESS), "2001:db8::2");
}

TEST(BuildAddr, DeleteCarriesOnlyTheKey) {
  AddrRequest r = req("192.0.2.10", 24);
  r.nodad = true;
  r.valid_lft = 5;
  Parsed p = build(RTM_DELADDR, r);
  EXPECT_EQ(p.nlh()->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(p.ip_at(IFA_LOCAL), "192.0.2.10");
  EXPECT_EQ(p.ip_at(IFA_BROADCAST), "-");
  EXPECT_FALSE(p.tb[IFA_FLAGS]);
  EXPECT_FALSE(p.tb[IFA_CACHEINFO]);
}

TEST(BuildAddr, RoundTripsThroughDecode) {
  AddrRequest r = req("10.9.0.1", 30);
  r.peer = ip("10.9.0.2");
  Parsed p = build(RTM_NEWADDR, r);
  auto a = decode_addr(std::span<const uint8_t>(p.buf.data(), p.len));
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, r.local);
  EXPECT_EQ(a->peer, r.peer);
  EXPECT_EQ(a->prefixlen, 30);
  EXPECT_EQ(a->ifindex, 5);
}

TEST(BuildAddr, RejectsBadInput) {
  alignas(8) std::array<uint8_t, kMaxRequestLen> buf{};
  AddrRequest none;
  EXPECT_EQ(build_addr(buf, RTM_NEWADDR, 1, none).status().code(), Errc::BadAddr);
  AddrRequest mixed = req("10.0.0.1", 24);
  mixed.peer = ip("2001:db8::1");
  EXPECT_EQ(build_addr(buf, RTM_NEWADDR, 1, mixed).status().code(), Errc::BadAddr);
  alignas(8) std::array<uint8_t, 32> small{};
  EXPECT_FALSE(build_addr(small, RTM_NEWADDR, 1, req("10.0.0.1", 24)));
}

TEST(BuildLink, SetMasksFlagsAndNestsAddrGenMode) {
  Parsed p;
  LinkChange c;
  c.ifindex = 9;
  c.flags = IFF_UP | IFF_NOARP;
  c.change = IFF_UP;
  c.mtu = 1400;
  c.addr_gen_mode = 1;
  p.len = build_link_set(p.buf, 7, c);
  p.parse<ifinfomsg>();
  EXPECT_EQ(p.nlh()->nlmsg_type, RTM_SETLINK);
  EXPECT_EQ(p.nlh()->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
  EXPECT_EQ(p.fixed<ifinfomsg>()->ifi_index, 9);
  EXPECT_EQ(p.fixed<ifinfomsg>()->ifi_flags, unsigned{IFF_UP});
  EXPECT_EQ(p.fixed<ifinfomsg>()->ifi_change, unsigned{IFF_UP});
  EXPECT_EQ(attr_u32(p.tb[IFLA_MTU]), 1400u);
  ASSERT_TRUE(p.tb[IFLA_AF_SPEC]);
  std::array<const nlattr*, 16> spec{}, inet6{};
  auto s = attr_bytes(p.tb[IFLA_AF_SPEC]);
  ASSERT_TRUE(parse_attrs(s.data(), s.size(), {}, spec));
  ASSERT_TRUE(spec[AF_INET6]);
  auto i6 = attr_bytes(spec[AF_INET6]);
  ASSERT_TRUE(parse_attrs(i6.data(), i6.size(), {}, inet6));
  ASSERT_TRUE(inet6[IFLA_INET6_ADDR_GEN_MODE]);
  EXPECT_EQ(attr_u8(inet6[IFLA_INET6_ADDR_GEN_MODE]), 1);
}

TEST(BuildLink, GetByNameChecksLength) {
  alignas(8) std::array<uint8_t, kMaxRequestLen> buf{};
  EXPECT_EQ(build_link_get(buf, 1, ""), 0u);
  EXPECT_EQ(build_link_get(buf, 1, "sixteen-chars-xx"), 0u);
  EXPECT_GT(build_link_get(buf, 1, "fifteen-chars-x"), 0u);
}

TEST(BuildDump, AddrDumpCarriesFilter) {
  Parsed p;
  p.len = build_addr_dump(p.buf, 3, AF_INET6, 12);
  p.parse<ifaddrmsg>();
  EXPECT_EQ(p.nlh()->nlmsg_type, RTM_GETADDR);
  EXPECT_EQ(p.nlh()->nlmsg_flags, NLM_F_REQUEST | NLM_F_DUMP);
  EXPECT_EQ(p.fixed<ifaddrmsg>()->ifa_family, AF_INET6);
  EXPECT_EQ(p.fixed<ifaddrmsg>()->ifa_index, 12u);
}

}  // namespace
}  // namespace ipadm::netlink

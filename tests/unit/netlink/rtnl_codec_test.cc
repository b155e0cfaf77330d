// Decoding hand-built rtnetlink messages and checking built requests.
#include "netlink/rtnl_codec.h"

#include <arpa/inet.h>
#include <climits>

#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <array>

#include "netlink/msg_builder.h"
#include "netlink/nl_attr.h"

namespace ipadm::netlink {
namespace {

using testing::MsgBuilder;

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

ifaddrmsg ifa(int family, uint8_t plen, int ifindex, uint8_t flags = 0) {
  ifaddrmsg m{};
  m.ifa_family = static_cast<uint8_t>(family);
  m.ifa_prefixlen = plen;
  m.ifa_index = static_cast<uint32_t>(ifindex);
  m.ifa_flags = flags;
  return m;
}

MsgBuilder& put_ip(MsgBuilder& b, uint16_t type, const char* s) {
  IpAddr a = ip(s);
  return b.attr(type, a.bytes.data(), a.size());
}

TEST(DecodeAddr, Ipv4WithoutPeerHasLabelLifetimesAndFlags) {
  MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET, 24, 3, IFA_F_PERMANENT));
  put_ip(b, IFA_ADDRESS, "192.0.2.1");
  put_ip(b, IFA_LOCAL, "192.0.2.1");
  put_ip(b, IFA_BROADCAST, "192.0.2.255");
  b.attr_str(IFA_LABEL, "veth0");
  ifa_cacheinfo ci{100, 200, 0, 0};
  b.attr(IFA_CACHEINFO, &ci, sizeof(ci));
  b.attr_u32(IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
  b.attr_u32(IFA_RT_PRIORITY, 77);

  auto a = decode_addr(b.bytes());
  ASSERT_TRUE(a) << a.status().to_string();
  EXPECT_EQ(a->ifindex, 3);
  EXPECT_EQ(a->family, AF_INET);
  EXPECT_EQ(a->local, ip("192.0.2.1"));
  EXPECT_FALSE(a->peer);
  EXPECT_EQ(a->prefixlen, 24);
  EXPECT_EQ(a->flags, uint32_t{IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE});
  EXPECT_EQ(a->preferred_lft, 100u);
  EXPECT_EQ(a->valid_lft, 200u);
  EXPECT_EQ(a->rt_priority, 77u);
  EXPECT_EQ(a->label, "veth0");
}

TEST(DecodeAddr, Ipv4PeerIsAddressWhenItDiffersFromLocal) {
  MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET, 32, 3));
  put_ip(b, IFA_ADDRESS, "10.9.0.2");
  put_ip(b, IFA_LOCAL, "10.9.0.1");
  auto a = decode_addr(b.bytes());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, ip("10.9.0.1"));
  ASSERT_TRUE(a->peer);
  EXPECT_EQ(*a->peer, ip("10.9.0.2"));
}

TEST(DecodeAddr, Ipv6AddressOnlyIsLocalAndFlagsFallBackToIfaFlags) {
  MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET6, 64, 4, IFA_F_TENTATIVE));
  put_ip(b, IFA_ADDRESS, "2001:db8::1");
  b.attr_str(IFA_LABEL, "ignored");
  auto a = decode_addr(b.bytes());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, ip("2001:db8::1"));
  EXPECT_FALSE(a->peer);
  EXPECT_EQ(a->flags, uint32_t{IFA_F_TENTATIVE});
  EXPECT_EQ(a->label, "");  // labels are IPv4 only
  EXPECT_EQ(a->valid_lft, 0xffffffffu);
}

TEST(DecodeAddr, Ipv6LocalAndAddressMeanPeer) {
  MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET6, 128, 4));
  put_ip(b, IFA_LOCAL, "2001:db8::1");
  put_ip(b, IFA_ADDRESS, "2001:db8::2");
  auto a = decode_addr(b.bytes());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, ip("2001:db8::1"));
  ASSERT_TRUE(a->peer);
  EXPECT_EQ(*a->peer, ip("2001:db8::2"));
}

TEST(DecodeAddr, RejectsMalformedMessages) {
  {  // address of the wrong width
    MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET, 24, 3));
    put_ip(b, IFA_LOCAL, "2001:db8::1");
    EXPECT_EQ(decode_addr(b.bytes()).status().code(), Errc::EBade);
  }
  {  // no address at all
    MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET, 24, 3));
    EXPECT_EQ(decode_addr(b.bytes()).status().code(), Errc::EBade);
  }
  {  // IFA_FLAGS too short
    MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET6, 64, 3));
    put_ip(b, IFA_ADDRESS, "2001:db8::1");
    b.attr_u8(IFA_FLAGS, 1);
    EXPECT_EQ(decode_addr(b.bytes()).status().code(), Errc::EBade);
  }
  {  // attribute overrunning the message
    MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET6, 64, 3));
    nlattr bad{200, IFA_ADDRESS};
    b.raw(&bad, sizeof(bad));
    EXPECT_EQ(decode_addr(b.bytes()).status().code(), Errc::EBade);
  }
  {  // nlmsg_len beyond the span, and a span shorter than the headers
    MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_INET6, 64, 3));
    put_ip(b, IFA_ADDRESS, "2001:db8::1");
    auto bytes = b.bytes();
    EXPECT_EQ(decode_addr(bytes.first(bytes.size() - 4)).status().code(), Errc::EBade);
    EXPECT_EQ(decode_addr(bytes.first(10)).status().code(), Errc::EBade);
  }
  {  // another family
    MsgBuilder b(RTM_NEWADDR, 0, ifa(AF_PACKET, 0, 3));
    EXPECT_EQ(decode_addr(b.bytes()).status().code(), Errc::BadProtocol);
  }
}

TEST(DecodeLink, ReadsNameMtuOperstateAndKind) {
  ifinfomsg ifi{};
  ifi.ifi_index = 7;
  ifi.ifi_flags = IFF_UP | IFF_BROADCAST;
  MsgBuilder b(RTM_NEWLINK, NLM_F_MULTI, ifi);
  b.attr_str(IFLA_IFNAME, "veth0");
  b.attr_u32(IFLA_MTU, 1400);
  b.attr_u8(IFLA_OPERSTATE, 6);
  size_t li = b.begin_nest(IFLA_LINKINFO);
  b.attr_str(IFLA_INFO_KIND, "veth");
  b.end_nest(li);
  auto l = decode_link(b.bytes());
  ASSERT_TRUE(l) << l.status().to_string();
  EXPECT_EQ(l->ifindex, 7);
  EXPECT_EQ(l->ifname, "veth0");
  EXPECT_EQ(l->flags, uint32_t{IFF_UP | IFF_BROADCAST});
  EXPECT_EQ(l->mtu, 1400u);
  EXPECT_EQ(l->operstate, 6);
  EXPECT_EQ(l->kind, "veth");
}

TEST(DecodeLink, ReadsInet6FlagsFromProtinfoAndAfSpec) {
  constexpr uint32_t kManaged = 0x40, kRcvd = 0x20;  // IF_RA_MANAGED, IF_RA_RCVD
  {  // RTNLGRP_IPV6_IFINFO notification: AF_INET6, IFLA_PROTINFO
    ifinfomsg ifi{};
    ifi.ifi_family = AF_INET6;
    ifi.ifi_index = 3;
    MsgBuilder b(RTM_NEWLINK, 0, ifi);
    b.attr_str(IFLA_IFNAME, "veth0");
    size_t pi = b.begin_nest(IFLA_PROTINFO);
    b.attr_u32(IFLA_INET6_FLAGS, kManaged | kRcvd);
    b.end_nest(pi);
    auto l = decode_link(b.bytes());
    ASSERT_TRUE(l) << l.status().to_string();
    EXPECT_EQ(l->inet6_flags, kManaged | kRcvd);
  }
  {  // RTM_GETLINK answer: AF_UNSPEC, IFLA_AF_SPEC / AF_INET6
    ifinfomsg ifi{};
    ifi.ifi_index = 3;
    MsgBuilder b(RTM_NEWLINK, 0, ifi);
    b.attr_str(IFLA_IFNAME, "veth0");
    size_t spec = b.begin_nest(IFLA_AF_SPEC);
    size_t v4 = b.begin_nest(AF_INET);
    b.attr_u32(1, 0xdead);  // IFLA_INET_CONF-like content: ignored
    b.end_nest(v4);
    size_t v6 = b.begin_nest(AF_INET6);
    b.attr_u32(IFLA_INET6_FLAGS, kManaged);
    b.end_nest(v6);
    b.end_nest(spec);
    auto l = decode_link(b.bytes());
    ASSERT_TRUE(l) << l.status().to_string();
    EXPECT_EQ(l->inet6_flags, kManaged);
  }
  {  // a truncated IFLA_INET6_FLAGS is malformed
    ifinfomsg ifi{};
    ifi.ifi_family = AF_INET6;
    MsgBuilder b(RTM_NEWLINK, 0, ifi);
    b.attr_str(IFLA_IFNAME, "veth0");
    size_t pi = b.begin_nest(IFLA_PROTINFO);
    b.attr_u8(IFLA_INET6_FLAGS, 1);
    b.end_nest(pi);
    EXPECT_EQ(decode_link(b.bytes()).status().code(), Errc::EBade);
  }
}

TEST(DecodeLink, WithoutNameIsMalformed) {
  ifinfomsg ifi{};
  MsgBuilder b(RTM_NEWLINK, 0, ifi);
  b.attr_u32(IFLA_MTU, 1500);
  EXPECT_EQ(decode_link(b.bytes()).status().code(), Errc::EBade);
}

TEST(DecodeAck, PlainAck) {
  nlmsgerr e{};
  e.msg.nlmsg_len = 40;
  MsgBuilder b(NLMSG_ERROR, NLM_F_CAPPED, e);
  auto ack = decode_ack(b.bytes());
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->err, 0);
  EXPECT_EQ(ack->text, "");
}

TEST(DecodeAck, CappedErrorWithExtAckText) {
  nlmsgerr e{};
  e.error = -EEXIST;
  e.msg.nlmsg_len = 64;
  MsgBuilder b(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS, e);
  b.attr_str(NLMSGERR_ATTR_MSG, "address already assigned");
  b.attr_u32(NLMSGERR_ATTR_OFFS, 24);
  auto ack = decode_ack(b.bytes());
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->err, EEXIST);
  EXPECT_EQ(ack->text, "address already assigned");
}

TEST(DecodeAck, UncappedErrorSkipsTheEchoedRequest) {
  // nlmsgerr, then the rest of the original 32-byte request, then TLVs.
  nlmsgerr e{};
  e.error = -EINVAL;
  e.msg.nlmsg_len = 32;
  MsgBuilder b(NLMSG_ERROR, NLM_F_ACK_TLVS, e);
  std::array<uint8_t, 16> rest{};
  nlattr fake{12, NLMSGERR_ATTR_MSG};  // inside the echo: must be skipped
  std::memcpy(rest.data(), &fake, sizeof(fake));
  std::memcpy(rest.data() + 4, "nope", 5);
  b.raw(rest.data(), rest.size());
  b.attr_str(NLMSGERR_ATTR_MSG, "invalid prefix length");
  auto ack = decode_ack(b.bytes());
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->err, EINVAL);
  EXPECT_EQ(ack->text, "invalid prefix length");
}

// Found by fuzz_rtnl (UBSan: negation of INT_MIN): an error value no errno
// can have is a protocol error, not undefined behaviour.
TEST(DecodeAck, ErrorOfIntMinIsEproto) {
  nlmsgerr e{};
  e.error = INT_MIN;
  MsgBuilder b(NLMSG_ERROR, NLM_F_CAPPED, e);
  EXPECT_EQ(decode_ack(b.bytes())->err, EPROTO);
  int err = INT_MIN;
  MsgBuilder done(NLMSG_DONE, NLM_F_MULTI, err);
  EXPECT_EQ(decode_ack(done.bytes())->err, EPROTO);
}

TEST(DecodeAck, DoneCarriesDumpError) {
  int err = -ENODEV;
  MsgBuilder fail(NLMSG_DONE, NLM_F_MULTI, err);
  EXPECT_EQ(decode_ack(fail.bytes())->err, ENODEV);
  int zero = 0;
  MsgBuilder ok(NLMSG_DONE, NLM_F_MULTI, zero);
  EXPECT_EQ(decode_ack(ok.bytes())->err, 0);
  ifinfomsg ifi{};
  MsgBuilder other(RTM_NEWLINK, 0, ifi);
  EXPECT_FALSE(decode_ack(other.bytes()));
}

TEST(AckStatus, MapsErrnoPerOperation) {
  EXPECT_TRUE(ack_status({0, ""}, AckOp::kGeneric, "x").is_ok());
  Status exists = ack_status({EEXIST, "ipv4: Address already assigned"}, AckOp::kGeneric,
                             "10.0.0.1/24");
  EXPECT_EQ(exists.code(), Errc::Exists);
  EXPECT_EQ(exists.detail(), "10.0.0.1/24: ipv4: Address already assigned");
  EXPECT_EQ(exists.sys_errno(), EEXIST);
  EXPECT_EQ(ack_status({EADDRNOTAVAIL, ""}, AckOp::kAddrDel, "a").code(), Errc::NotFound);
  EXPECT_EQ(ack_status({EADDRNOTAVAIL, ""}, AckOp::kGeneric, "a").code(), Errc::AddrNotAvail);
  Status nodev = ack_status({ENODEV, ""}, AckOp::kGeneric, "veth9");
  EXPECT_EQ(nodev.code(), Errc::Enxio);
  EXPECT_EQ(nodev.detail(), "veth9");
}

TEST(ParseAttrs, SplitsMessagesAndAttributes) {
  ifaddrmsg m = ifa(AF_INET6, 64, 1);
  MsgBuilder b1(RTM_NEWADDR, 0, m), b2(RTM_NEWADDR, 0, m);
  put_ip(b1, IFA_ADDRESS, "2001:db8::1");
  put_ip(b2, IFA_ADDRESS, "2001:db8::2");
  alignas(8) std::array<uint8_t, 512> dgram{};
  auto s1 = b1.bytes(), s2 = b2.bytes();
  std::memcpy(dgram.data(), s1.data(), s1.size());
  std::memcpy(dgram.data() + s1.size(), s2.data(), s2.size());
  std::vector<std::string> seen;
  for_each_msg(std::span<const uint8_t>(dgram.data(), s1.size() + s2.size()),
               [&](NlMsg msg) { seen.push_back(decode_addr(msg)->local.to_string()); });
  EXPECT_EQ(seen, (std::vector<std::string>{"2001:db8::1", "2001:db8::2"}));
}

}  // namespace
}  // namespace ipadm::netlink

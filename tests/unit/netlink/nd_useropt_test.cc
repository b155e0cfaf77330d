// RA DNS options as the kernel forwards them (src/netlink/nd_useropt.h).
#include "netlink/nd_useropt.h"

#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <cstring>

namespace ipadm::netlink {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

void put32(std::vector<uint8_t>* v, uint32_t x) {
  for (int s : {24, 16, 8, 0}) v->push_back(uint8_t(x >> s));
}

std::vector<uint8_t> rdnss(uint32_t life, std::vector<const char*> addrs) {
  std::vector<uint8_t> o = {25, uint8_t(1 + 2 * addrs.size()), 0, 0};
  put32(&o, life);
  for (const char* a : addrs) {
    IpAddr x = ip(a);
    o.insert(o.end(), x.bytes.begin(), x.bytes.end());
  }
  return o;
}

std::vector<uint8_t> dnssl(uint32_t life, std::vector<std::vector<std::string>> names) {
  std::vector<uint8_t> body;
  for (const auto& labels : names) {
    for (const auto& l : labels) {
      body.push_back(uint8_t(l.size()));
      body.insert(body.end(), l.begin(), l.end());
    }
    body.push_back(0);
  }
  while (body.size() % 8) body.push_back(0);
  std::vector<uint8_t> o = {31, uint8_t(1 + body.size() / 8), 0, 0};
  put32(&o, life);
  o.insert(o.end(), body.begin(), body.end());
  return o;
}

std::vector<uint8_t> message(const std::vector<uint8_t>& opts, uint8_t icmp = ND_ROUTER_ADVERT,
                             int family = AF_INET6) {
  std::vector<uint8_t> m(NLMSG_LENGTH(sizeof(nduseroptmsg)) + opts.size());
  auto* nlh = reinterpret_cast<nlmsghdr*>(m.data());
  nlh->nlmsg_len = m.size();
  nlh->nlmsg_type = RTM_NEWNDUSEROPT;
  nduseroptmsg nd{};
  nd.nduseropt_family = family;
  nd.nduseropt_opts_len = opts.size();
  nd.nduseropt_ifindex = 9;
  nd.nduseropt_icmp_type = icmp;
  std::memcpy(NLMSG_DATA(nlh), &nd, sizeof nd);
  std::memcpy(m.data() + NLMSG_LENGTH(sizeof(nduseroptmsg)), opts.data(), opts.size());
  return m;
}

TEST(NdUserOpt, RdnssAndDnssl) {
  auto opts = rdnss(600, {"2001:db8::53", "fe80::1"});
  auto d = dnssl(1200, {{"Example", "test"}, {"b", "test"}});
  opts.insert(opts.end(), d.begin(), d.end());
  auto o = decode_nd_useropt(message(opts));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->ifindex, 9);
  ASSERT_EQ(o->rdnss.size(), 1u);
  EXPECT_EQ(o->rdnss[0].lifetime, 600u);
  EXPECT_EQ(o->rdnss[0].servers, (std::vector<IpAddr>{ip("2001:db8::53"), ip("fe80::1")}));
  ASSERT_EQ(o->dnssl.size(), 1u);
  EXPECT_EQ(o->dnssl[0].lifetime, 1200u);
  EXPECT_EQ(o->dnssl[0].domains, (std::vector<std::string>{"example.test", "b.test"}));
}

TEST(NdUserOpt, NotAnRaOrNotIpv6) {
  auto opts = rdnss(600, {"2001:db8::53"});
  EXPECT_FALSE(decode_nd_useropt(message(opts, ND_ROUTER_SOLICIT)));
  EXPECT_FALSE(decode_nd_useropt(message(opts, ND_ROUTER_ADVERT, AF_INET)));
  auto m = message(opts);
  m.resize(m.size() - 8);  // opts_len beyond the message
  reinterpret_cast<nlmsghdr*>(m.data())->nlmsg_len = m.size();
  EXPECT_FALSE(decode_nd_useropt(m));
}

TEST(NdUserOpt, MalformedOptionsAreSkipped) {
  NdDnsOptions o;
  // Zero length stops the walk (it would loop for ever).
  decode_nd_dns_options(std::vector<uint8_t>{25, 0, 0, 0, 0, 0, 0, 0}, &o);
  EXPECT_TRUE(o.rdnss.empty());
  // RDNSS of length 2 (no whole address), and a multicast/unspecified server.
  auto bad = rdnss(600, {"2001:db8::53"});
  bad[1] = 2;
  bad.resize(16);
  auto mc = rdnss(600, {"ff02::1", "::"});
  bad.insert(bad.end(), mc.begin(), mc.end());
  decode_nd_dns_options(bad, &o);
  EXPECT_TRUE(o.rdnss.empty());
  // A label with a character outside the DNS name set ends the list.
  auto d = dnssl(600, {{"ok", "test"}, {"bad;name", "test"}, {"later", "test"}});
  decode_nd_dns_options(d, &o);
  ASSERT_EQ(o.dnssl.size(), 1u);
  EXPECT_EQ(o.dnssl[0].domains, std::vector<std::string>{"ok.test"});
  // A label running past the option.
  std::vector<uint8_t> trunc = {31, 2, 0, 0, 0, 0, 2, 88, 60, 'a', 'b', 0, 0, 0, 0, 0};
  NdDnsOptions t;
  decode_nd_dns_options(trunc, &t);
  EXPECT_TRUE(t.dnssl.empty());
}

}  // namespace
}  // namespace ipadm::netlink

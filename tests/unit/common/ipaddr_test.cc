#include "common/ipaddr.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace ipadm {

// format() (no allocation, its own IPv4 digits) writes what inet_ntop does.
TEST(IpAddr, FormatIsInetNtop) {
  const uint8_t octets[] = {0, 1, 9, 10, 42, 99, 100, 109, 110, 199, 200, 255};
  char want[INET6_ADDRSTRLEN], got[IpAddr::kTextMax];
  for (uint8_t a : octets)
    for (uint8_t b : octets) {
      IpAddr v4{AF_INET, {a, b, static_cast<uint8_t>(255 - a), static_cast<uint8_t>(b ^ 7)}};
      ASSERT_TRUE(inet_ntop(AF_INET, v4.bytes.data(), want, sizeof(want)));
      ASSERT_EQ(std::string(got, v4.format(got)), want);
      EXPECT_EQ(v4.to_string(), want);
    }
  auto v6 = IpAddr::parse("2001:db8:ffff:ffff:ffff:ffff:ffff:fff1");
  ASSERT_TRUE(v6);
  EXPECT_EQ(std::string(got, v6->format(got)), "2001:db8:ffff:ffff:ffff:ffff:ffff:fff1");
  EXPECT_EQ(std::string(got, IpAddr().format(got)), "?");
}

TEST(IpAddr, ParseFormat) {
  auto a = IpAddr::parse("192.0.2.10");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, AF_INET);
  EXPECT_EQ(a->to_string(), "192.0.2.10");
  auto b = IpAddr::parse("2001:DB8::10");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->family, AF_INET6);
  EXPECT_EQ(b->to_string(), "2001:db8::10");
  EXPECT_FALSE(IpAddr::parse("300.1.1.1"));
  EXPECT_FALSE(IpAddr::parse("host.example"));
  EXPECT_FALSE(IpAddr::parse(""));
}

// Found by fuzz_rpc_dispatch: "192.0.2.1\0..." was taken for 192.0.2.1 (the
// C string ends at the NUL) and stored as typed, after which export failed.
TEST(IpAddr, ParseRefusesEmbeddedNul) {
  using namespace std::string_view_literals;
  EXPECT_FALSE(IpAddr::parse("192.0.2.1\0"sv));
  EXPECT_FALSE(IpAddr::parse("2001:db8::1\0junk"sv));
}

TEST(IpAddr, Predicates) {
  EXPECT_TRUE(IpAddr::parse("0.0.0.0")->is_zero());
  EXPECT_TRUE(IpAddr::parse("::")->is_zero());
  EXPECT_TRUE(IpAddr::parse("fe80::1")->is_v6_linklocal());
  EXPECT_FALSE(IpAddr::parse("2001:db8::1")->is_v6_linklocal());
  auto m = IpAddr::parse("::ffff:192.0.2.1");
  ASSERT_TRUE(m->is_v4_mapped());
  EXPECT_EQ(m->unmapped().to_string(), "192.0.2.1");
}

TEST(Prefix, Split) {
  auto p = split_prefix("10.0.0.1/8");
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->host, "10.0.0.1");
  EXPECT_EQ(*p->prefixlen, 8);
  auto q = split_prefix("host.example");
  ASSERT_TRUE(q.is_ok());
  EXPECT_FALSE(q->prefixlen);
  EXPECT_EQ(split_prefix("1.2.3.4/x").status().code(), Errc::BadAddr);
  EXPECT_EQ(split_prefix("1.2.3.4/").status().code(), Errc::BadAddr);
  EXPECT_EQ(split_prefix("1.2.3.4/-1").status().code(), Errc::BadAddr);
}

TEST(Prefix, Defaults) {
  EXPECT_EQ(*default_prefixlen(*IpAddr::parse("10.1.2.3")), 8);
  EXPECT_EQ(*default_prefixlen(*IpAddr::parse("172.16.0.1")), 16);
  EXPECT_EQ(*default_prefixlen(*IpAddr::parse("192.0.2.1")), 24);
  EXPECT_EQ(default_prefixlen(*IpAddr::parse("224.0.0.1")).status().code(), Errc::BadAddr);
  EXPECT_EQ(*default_prefixlen(*IpAddr::parse("2001:db8::1")), 64);
  EXPECT_EQ(*default_prefixlen(*IpAddr::parse("fe80::1")), 64);
}

TEST(Prefix, Range) {
  auto v4 = *IpAddr::parse("10.0.0.1");
  EXPECT_TRUE(check_prefixlen(v4, 32).is_ok());
  EXPECT_TRUE(check_prefixlen(v4, 31).is_ok());
  EXPECT_FALSE(check_prefixlen(v4, 33).is_ok());
  EXPECT_FALSE(check_prefixlen(v4, 0).is_ok());
  auto v6 = *IpAddr::parse("2001:db8::1");
  EXPECT_TRUE(check_prefixlen(v6, 128).is_ok());
  EXPECT_FALSE(check_prefixlen(v6, 129).is_ok());
}

TEST(Prefix, Broadcast) {
  EXPECT_EQ(broadcast_for(*IpAddr::parse("192.0.2.10"), 24)->to_string(), "192.0.2.255");
  EXPECT_EQ(broadcast_for(*IpAddr::parse("10.1.2.3"), 8)->to_string(), "10.255.255.255");
  EXPECT_FALSE(broadcast_for(*IpAddr::parse("10.1.2.3"), 31));
  EXPECT_FALSE(broadcast_for(*IpAddr::parse("2001:db8::1"), 64));
}

}  // namespace ipadm

namespace ipadm {
namespace {

TEST(IpAddrDetail, LongTextIsCut) {
  EXPECT_EQ(address_detail("192.0.2.010"), "192.0.2.010");
  EXPECT_EQ(address_detail(std::string(64, 'a')), std::string(64, 'a'));
  EXPECT_EQ(address_detail(std::string(65, 'a')), std::string(64, 'a') + "...");
  auto r = split_prefix("10.0.0.1/" + std::string(100, '9'));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Errc::BadAddr);
  EXPECT_EQ(r.status().detail().size(), 67u);
}

}  // namespace
}  // namespace ipadm

#include "common/addr_extra.h"

#include <gtest/gtest.h>

namespace ipadm {
namespace {

TEST(AddrExtra, DhcpRoundTripAndRefusals) {
  DhcpConf c;
  c.wait = 30;
  c.primary = true;
  EXPECT_EQ(format_dhcp(c), "30,yes");
  auto p = parse_dhcp("30,yes");
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->wait, 30);
  EXPECT_TRUE(p->primary);
  EXPECT_EQ(parse_dhcp("")->wait, kDhcpWaitDefault);
  EXPECT_EQ(parse_dhcp("-1")->wait, kDhcpWaitForever);
  for (const char* bad : {"x", "-3", "1,maybe", "1,yes,no", ","})
    EXPECT_FALSE(parse_dhcp(bad).is_ok()) << bad;
  EXPECT_EQ(*parse_dhcp_wait("forever"), kDhcpWaitForever);
  EXPECT_EQ(*parse_dhcp_wait("0"), 0);
  for (const char* bad : {"", "-1", "1s", "never"}) EXPECT_FALSE(parse_dhcp_wait(bad)) << bad;
}

TEST(AddrExtra, AddrconfRoundTripAndPolicy) {
  EXPECT_EQ(format_addrconf(AddrconfConf{}), "::/0,yes,yes");
  auto id = parse_interface_id("::1:2:3:4/64");
  ASSERT_TRUE(id.is_ok());
  EXPECT_EQ(format_addrconf(*id), "::1:2:3:4/64,yes,yes");
  auto back = parse_addrconf("::1:2:3:4/64,no,yes");
  ASSERT_TRUE(back.is_ok());
  EXPECT_FALSE(back->stateless);
  EXPECT_TRUE(back->stateful);
  EXPECT_EQ(back->plen, 64);
  for (const char* bad : {"::1:2", "::1/0", "::/64", "1.2.3.4/8", "::1/129"})
    EXPECT_FALSE(parse_interface_id(bad)) << bad;
  AddrconfConf c;
  ASSERT_TRUE(parse_addrconf_policy("stateful=no", &c));
  EXPECT_TRUE(c.stateless);
  EXPECT_FALSE(c.stateful);
  for (const char* bad : {"", "stateless", "stateless=on", "stateless=no,stateless=no", "x=yes"}) {
    AddrconfConf d;
    EXPECT_FALSE(parse_addrconf_policy(bad, &d)) << bad;
  }
}

TEST(AddrExtra, HostnamesOfSpec34) {
  for (const char* ok : {"", " ", "host", "9host", "a-b.example.com", "a.b."})
    EXPECT_TRUE(dhcp_hostname_valid(ok)) << ok;
  for (const char* bad : {"-a", ".a", "a-", "a_b", "a..b", "bad host"})
    EXPECT_FALSE(dhcp_hostname_valid(bad)) << bad;
  EXPECT_TRUE(dhcp_hostname_valid(std::string(63, 'a') + "." + std::string(63, 'b')));
  EXPECT_FALSE(dhcp_hostname_valid(std::string(64, 'a')));
}

TEST(AddrExtra, LinkLocalFromMacOrToken) {
  std::string mac("\x52\x54\x00\x12\x34\x56", 6);
  EXPECT_EQ(linklocal_address(AddrconfConf{}, mac)->to_string(), "fe80::5054:ff:fe12:3456");
  auto id = parse_interface_id("::1:2:3:4/64");
  EXPECT_EQ(linklocal_address(*id, mac)->to_string(), "fe80::1:2:3:4");
  EXPECT_FALSE(linklocal_address(AddrconfConf{}, "").has_value());
}

}  // namespace
}  // namespace ipadm

namespace ipadm {
namespace {

// The CLI and the daemon share this rule (issue 11 item 10).
TEST(AddrExtra, TypeOptions) {
  for (const char* ok : {"", "a", "ad"}) EXPECT_TRUE(check_addr_type_options("static", ok).is_ok());
  for (const char* ok : {"", "w1h"}) EXPECT_TRUE(check_addr_type_options("dhcp", ok).is_ok());
  for (const char* ok : {"", "ip"}) EXPECT_TRUE(check_addr_type_options("addrconf", ok).is_ok());
  struct Case {
    const char* type;
    const char* refused;
  } cases[] = {{"static", "w1hip"}, {"dhcp", "adip"}, {"addrconf", "adw1h"}};
  for (auto& c : cases)
    for (const char* p = c.refused; *p; ++p) {
      Status s = check_addr_type_options(c.type, std::string(1, *p));
      EXPECT_EQ(s.code(), Errc::InvalidArg) << c.type << " -" << *p;
      EXPECT_EQ(s.detail(), std::string("Invalid arguments for type ") + c.type);
    }
  Status s = check_addr_type_options("bogus", "");
  EXPECT_EQ(s.code(), Errc::InvalidArg);
  EXPECT_EQ(s.detail(), "Invalid address type bogus");
  EXPECT_EQ(check_addr_type_options("", "").detail(), "Invalid address type ");
}

}  // namespace
}  // namespace ipadm

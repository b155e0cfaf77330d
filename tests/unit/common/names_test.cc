#include "common/names.h"

#include <gtest/gtest.h>

namespace ipadm {

TEST(IfName, LinuxRules) {
  EXPECT_TRUE(ifname_valid("veth0"));
  EXPECT_TRUE(ifname_valid("enp3s0f1"));
  EXPECT_TRUE(ifname_valid("br-lan"));
  EXPECT_TRUE(ifname_valid("abcdefghijklmno"));    // 15
  EXPECT_FALSE(ifname_valid("abcdefghijklmnop"));  // 16
  EXPECT_FALSE(ifname_valid(""));
  EXPECT_FALSE(ifname_valid("."));
  EXPECT_FALSE(ifname_valid(".."));
  EXPECT_FALSE(ifname_valid("a/b"));
  EXPECT_FALSE(ifname_valid("a:1"));
  EXPECT_FALSE(ifname_valid("a b"));
}

TEST(AobjName, Valid) {
  auto n = parse_aobjname("net0/v4");
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(n->ifname, "net0");
  EXPECT_EQ(n->user, "v4");
  EXPECT_EQ(n->full(), "net0/v4");
  EXPECT_TRUE(parse_aobjname("veth0/" + std::string(31, 'a')).is_ok());
}

TEST(AobjName, Invalid) {
  EXPECT_EQ(parse_aobjname("net0").status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("net0/").status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("net0/1abc").status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("net0/a_b").status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("net0/a-b").status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("net0/a.b").status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("net0/" + std::string(32, 'a')).status().code(), Errc::InvalidArg);
  EXPECT_EQ(parse_aobjname("abcdefghijklmnop/v4").status().code(), Errc::InvalidName);
  EXPECT_EQ(parse_aobjname("/v4").status().code(), Errc::InvalidName);
}

}  // namespace ipadm

// sysctl_read/sysctl_write against a temporary directory standing in for
// /proc/sys, and the path checks.
#include "netlink/sysctl.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace ipadm::netlink {
namespace {

class SysctlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nltest-sysctl-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    std::filesystem::create_directories(root_ + "/net/ipv4/conf/veth0");
    std::ofstream(root_ + "/net/ipv4/conf/veth0/forwarding") << "0\n";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
};

TEST_F(SysctlTest, ReadStripsTrailingNewline) {
  auto v = sysctl_read(root_, "net/ipv4/conf/veth0/forwarding");
  ASSERT_TRUE(v) << v.status().to_string();
  EXPECT_EQ(*v, "0");
}

TEST_F(SysctlTest, WriteThenRead) {
  ASSERT_TRUE(sysctl_write(root_, "net/ipv4/conf/veth0/forwarding", "1"));
  EXPECT_EQ(*sysctl_read(root_, "net/ipv4/conf/veth0/forwarding"), "1");
}

TEST_F(SysctlTest, MissingIsNotFoundWithPath) {
  auto v = sysctl_read(root_, "net/ipv4/conf/nosuch/forwarding");
  EXPECT_EQ(v.status().code(), Errc::NotFound);
  EXPECT_EQ(v.status().detail(), "net/ipv4/conf/nosuch/forwarding");
  EXPECT_EQ(sysctl_write(root_, "net/ipv4/nosuch", "1").code(), Errc::NotFound);
}

TEST_F(SysctlTest, RejectsEscapingPaths) {
  for (const char* bad : {"", "/etc/passwd", "../etc/passwd", "net/../../etc", "net//ipv4",
                          "net/ipv4/", "net/./ipv4"}) {
    EXPECT_EQ(check_sysctl_path(bad).code(), Errc::InvalidArg) << bad;
    EXPECT_EQ(sysctl_read(root_, bad).status().code(), Errc::InvalidArg) << bad;
    EXPECT_EQ(sysctl_write(root_, bad, "1").code(), Errc::InvalidArg) << bad;
  }
  EXPECT_TRUE(check_sysctl_path("net/ipv4/conf/eth0.100/forwarding"));
}

}  // namespace
}  // namespace ipadm::netlink

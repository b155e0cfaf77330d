// Interface properties: set-ifprop, reset-ifprop, show-ifprop, enable-if
// re-application.
#include <set>

#include "props_fixture.h"

namespace ipadm::core {
namespace {

class PropsIfTest : public PropsTest {
 protected:
  void SetUp() override {
    PropsTest::SetUp();
    ASSERT_TRUE(create_if("veth0").is_ok());
  }
};

TEST_F(PropsIfTest, ShowListsBothFamilies) {
  auto rows = show("if", "veth0", "");
  std::vector<std::string> v4, v6;
  for (auto& r : rows) {
    EXPECT_EQ(r.object(), "veth0");
    EXPECT_EQ(r.error(), 0u) << r.protocol() << "/" << r.name();
    (r.protocol() == "ipv4" ? v4 : v6).push_back(r.name());
  }
  EXPECT_EQ(v4, (std::vector<std::string>{"arp", "forwarding", "metric", "mtu",
                                          "exchange_routes", "usesrc"}));
  EXPECT_EQ(v6, (std::vector<std::string>{"forwarding", "metric", "mtu", "exchange_routes",
                                          "nud", "usesrc"}));
  EXPECT_EQ(show("if", "veth0", "ip").size(), rows.size());
  auto arp = row("if", "veth0", "ipv4", "arp");
  EXPECT_EQ(arp.current(), "on");
  EXPECT_EQ(arp.default_value(), "on");
  EXPECT_EQ(arp.possible(), "on,off");
  EXPECT_EQ(arp.perm(), "rw");
  auto mtu = row("if", "veth0", "ipv4", "mtu");
  EXPECT_EQ(mtu.current(), "1500");
  EXPECT_EQ(mtu.default_value(), "1500");
  EXPECT_EQ(mtu.possible(), "68-65535");
  EXPECT_EQ(row("if", "veth0", "ipv6", "mtu").possible(), "1280-1500");
  // All interfaces ipadm knows.
  kernel_.add_link("veth1");
  ASSERT_TRUE(create_if("veth1", true).is_ok());
  std::set<std::string> ifs;
  for (auto& r : show("if", "", "ipv4", {"arp"})) ifs.insert(r.object());
  EXPECT_EQ(ifs, (std::set<std::string>{"veth0", "veth1"}));
}

TEST_F(PropsIfTest, Arp) {
  ASSERT_TRUE(setif("veth0", "ipv4", "arp", "off").is_ok());
  EXPECT_TRUE(kernel_.find_link(idx_)->flags & IFF_NOARP);
  EXPECT_EQ(if_line("veth0", "ipv4", "arp"), "off");
  auto r = row("if", "veth0", "ipv4", "arp");
  EXPECT_EQ(r.current(), "off");
  EXPECT_EQ(r.persistent(), "off");
  ASSERT_TRUE(resetif("veth0", "ipv4", "arp").is_ok());
  EXPECT_FALSE(kernel_.find_link(idx_)->flags & IFF_NOARP);
  EXPECT_EQ(if_line("veth0", "ipv4", "arp"), std::nullopt);
  EXPECT_EQ(setif("veth0", "ipv6", "arp", "off").code(), Errc::BadProtocol);
  EXPECT_EQ(setif("veth0", "ipv4", "arp", "maybe").code(), Errc::InvalidArg);
}

TEST_F(PropsIfTest, Forwarding) {
  ASSERT_TRUE(setif("veth0", "ipv6", "forwarding", "on").is_ok());
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/forwarding"), "1");
  EXPECT_EQ(sysctl("net/ipv4/conf/veth0/forwarding"), "0");
  ASSERT_TRUE(setif("veth0", "ipv4", "forwarding", "on", true).is_ok());
  EXPECT_EQ(sysctl("net/ipv4/conf/veth0/forwarding"), "1");
  EXPECT_EQ(if_line("veth0", "ipv4", "forwarding"), std::nullopt);
  EXPECT_EQ(if_line("veth0", "ipv6", "forwarding"), "on");
}

TEST_F(PropsIfTest, Mtu) {
  ASSERT_TRUE(setif("veth0", "ipv4", "mtu", "9000").is_ok());
  EXPECT_EQ(kernel_.find_link(idx_)->mtu, 9000u);
  EXPECT_EQ(if_line("veth0", "ipv4", "mtu"), "9000");
  auto r = row("if", "veth0", "ipv4", "mtu");
  EXPECT_EQ(r.current(), "9000");
  EXPECT_EQ(r.default_value(), "1500");  // the MTU before ipadm changed it
  ASSERT_TRUE(setif("veth0", "ipv6", "mtu", "1400").is_ok());
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/mtu"), "1400");
  EXPECT_EQ(setif("veth0", "ipv6", "mtu", "1200").code(), Errc::ERange);
  EXPECT_EQ(setif("veth0", "ipv6", "mtu", "9001").code(), Errc::ERange);
  EXPECT_EQ(setif("veth0", "ipv4", "mtu", "67").code(), Errc::ERange);
  kernel_.fail_next(netlink::FakeOp::kLinkSetMtu, Status(Errc::InvalidArg, "too big", EINVAL));
  EXPECT_EQ(setif("veth0", "ipv4", "mtu", "65000").code(), Errc::ERange);
  EXPECT_EQ(kernel_.find_link(idx_)->mtu, 9000u);
  ASSERT_TRUE(resetif("veth0", "ipv4", "mtu").is_ok());
  EXPECT_EQ(kernel_.find_link(idx_)->mtu, 1500u);
  EXPECT_EQ(if_line("veth0", "ipv4", "mtu"), std::nullopt);
}

// Linux resets the IPv6 MTU to the link MTU when the link MTU changes: the
// persisted IPv6 value follows, so PERSISTENT says what the kernel has and a
// reboot restores the same (issue 10 item 10).
TEST_F(PropsIfTest, PersistedIpv6MtuFollowsAnIpv4MtuChange) {
  ASSERT_TRUE(setif("veth0", "ipv6", "mtu", "1400").is_ok());
  ASSERT_TRUE(setif("veth0", "ipv4", "mtu", "1300").is_ok());
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/mtu"), "1300");
  EXPECT_EQ(if_line("veth0", "ipv6", "mtu"), "1300");
  auto r = row("if", "veth0", "ipv6", "mtu");
  EXPECT_EQ(r.current(), r.persistent());
  // a temporary change leaves the store alone
  ASSERT_TRUE(setif("veth0", "ipv4", "mtu", "1350", true).is_ok());
  EXPECT_EQ(if_line("veth0", "ipv6", "mtu"), "1300");
  EXPECT_EQ(if_line("veth0", "ipv4", "mtu"), "1300");
  // no IPv6 line: none is made
  ASSERT_TRUE(resetif("veth0", "ipv6", "mtu").is_ok());
  ASSERT_TRUE(setif("veth0", "ipv4", "mtu", "1280").is_ok());
  EXPECT_EQ(if_line("veth0", "ipv6", "mtu"), std::nullopt);
}

// The MTU before ipadm first changed it stays the DEFAULT across a daemon
// restart (it is kept with the mirrored values).
TEST_F(PropsIfTest, MtuDefaultSurvivesARestart) {
  ASSERT_TRUE(setif("veth0", "ipv4", "mtu", "9000").is_ok());
  auto kept = props_->values();
  props_ = std::make_unique<PropService>(kernel_, *store_, map_);
  props_->load_values(kept);
  EXPECT_EQ(row("if", "veth0", "ipv4", "mtu").default_value(), "1500");
  ASSERT_TRUE(resetif("veth0", "ipv4", "mtu").is_ok());
  EXPECT_EQ(kernel_.find_link(idx_)->mtu, 1500u);
}

TEST_F(PropsIfTest, MetricAppliesToTheFamilysAddresses) {
  ASSERT_TRUE(create_addr("veth0/a", "192.0.2.10/24").is_ok());
  ASSERT_TRUE(create_addr("veth0/b", "2001:db8::10/64").is_ok());
  ASSERT_TRUE(create_addr("veth0/d", "192.0.2.20/24", false, "", true).is_ok());  // down
  ASSERT_TRUE(setif("veth0", "ipv4", "metric", "100").is_ok());
  ASSERT_EQ(kernel_.replace_log().size(), 1u);
  const netlink::AddrRequest& r = kernel_.replace_log()[0];
  EXPECT_EQ(r.local, *IpAddr::parse("192.0.2.10"));
  EXPECT_EQ(r.route_metric, 100u);
  EXPECT_EQ(if_line("veth0", "ipv4", "metric"), "100");
  EXPECT_EQ(row("if", "veth0", "ipv4", "metric").current(), "100");
  EXPECT_EQ(row("if", "veth0", "ipv6", "metric").current(), "0");
  // Addresses created afterwards get it through decorate_addr_request.
  netlink::AddrRequest q;
  props_->decorate_addr_request(*map_.find_addr("veth0/d"), &q);
  EXPECT_EQ(q.route_metric, 100u);
  netlink::AddrRequest q6;
  props_->decorate_addr_request(*map_.find_addr("veth0/b"), &q6);
  EXPECT_EQ(q6.route_metric, std::nullopt);
  EXPECT_EQ(setif("veth0", "ipv4", "metric", "-1").code(), Errc::ERange);
  EXPECT_EQ(setif("veth0", "ipv4", "metric", "x").code(), Errc::InvalidArg);
  ASSERT_TRUE(resetif("veth0", "ipv4", "metric").is_ok());
  EXPECT_EQ(kernel_.replace_log().back().route_metric, std::nullopt);
}

TEST_F(PropsIfTest, MetricFailureChangesNothing) {
  ASSERT_TRUE(create_addr("veth0/a", "192.0.2.10/24").is_ok());
  kernel_.fail_next(netlink::FakeOp::kAddrReplace, Status(Errc::NoBufs));
  EXPECT_EQ(setif("veth0", "ipv4", "metric", "7").code(), Errc::NoBufs);
  EXPECT_EQ(if_line("veth0", "ipv4", "metric"), std::nullopt);
  EXPECT_EQ(row("if", "veth0", "ipv4", "metric").current(), "0");
  store_->fail = true;
  EXPECT_EQ(setif("veth0", "ipv4", "metric", "7").code(), Errc::NoBufs);
  store_->fail = false;
  EXPECT_EQ(row("if", "veth0", "ipv4", "metric").current(), "0");
  EXPECT_EQ(kernel_.replace_log().back().route_metric, std::nullopt);  // undone
}

TEST_F(PropsIfTest, MetadataProperties) {
  ASSERT_TRUE(setif("veth0", "ipv4", "exchange_routes", "off", true).is_ok());
  auto r = row("if", "veth0", "ipv4", "exchange_routes");
  EXPECT_EQ(r.current(), "off");
  EXPECT_EQ(r.persistent(), "");
  EXPECT_EQ(r.default_value(), "on");
  ASSERT_TRUE(setif("veth0", "ipv6", "exchange_routes", "off").is_ok());
  EXPECT_EQ(if_line("veth0", "ipv6", "exchange_routes"), "off");
  // A temporary reset keeps the persistent value for the next enable.
  ASSERT_TRUE(resetif("veth0", "ipv6", "exchange_routes", true).is_ok());
  r = row("if", "veth0", "ipv6", "exchange_routes");
  EXPECT_EQ(r.current(), "on");
  EXPECT_EQ(r.persistent(), "off");
}

TEST_F(PropsIfTest, LinuxLimits) {
  EXPECT_EQ(setif("veth0", "ipv6", "nud", "off").code(), Errc::NotSup);
  EXPECT_TRUE(setif("veth0", "ipv6", "nud", "on").is_ok());
  EXPECT_EQ(setif("veth0", "ipv4", "nud", "on").code(), Errc::BadProtocol);
  EXPECT_EQ(setif("veth0", "ipv4", "usesrc", "veth1").code(), Errc::NotSup);
  EXPECT_EQ(setif("veth0", "ipv4", "usesrc", "bad/name").code(), Errc::InvalidArg);
  EXPECT_TRUE(setif("veth0", "ipv4", "usesrc", "none").is_ok());
  EXPECT_EQ(row("if", "veth0", "ipv6", "nud").possible(), "on");
}

TEST_F(PropsIfTest, Errors) {
  kernel_.add_link("veth1");
  EXPECT_EQ(setif("veth1", "ipv4", "arp", "off").code(), Errc::Enxio);  // not plumbed
  EXPECT_EQ(setif("nosuch", "ipv4", "arp", "off").code(), Errc::Enxio);
  EXPECT_EQ(setif("bad/if", "ipv4", "arp", "off").code(), Errc::InvalidArg);
  EXPECT_EQ(setif("veth0", "ip", "arp", "off").code(), Errc::BadProtocol);
  EXPECT_EQ(setif("veth0", "tcp", "arp", "off").code(), Errc::BadProtocol);
  EXPECT_EQ(setif("veth0", "ipx", "arp", "off").code(), Errc::InvalidArg);
  EXPECT_EQ(setif("veth0", "ipv4", "nosuch", "off").code(), Errc::PropUnknown);
  EXPECT_EQ(props_->set(req("if", "veth0", "ipv4", "arp", "off", 1)).code(), Errc::InvalidArg);
  ASSERT_TRUE(create_if("veth1", true).is_ok());
  EXPECT_EQ(setif("veth1", "ipv4", "arp", "off").code(), Errc::TemporaryObj);
  EXPECT_TRUE(setif("veth1", "ipv4", "arp", "off", true).is_ok());
  kernel_.fail_next(netlink::FakeOp::kLinkSetArp, Status(Errc::EPerm));
  EXPECT_EQ(setif("veth0", "ipv4", "arp", "off").code(), Errc::EPerm);
  store_->fail = true;
  EXPECT_EQ(setif("veth0", "ipv4", "arp", "off").code(), Errc::NoBufs);
  store_->fail = false;
  EXPECT_FALSE(kernel_.find_link(idx_)->flags & IFF_NOARP);
  EXPECT_EQ(prop_lines(), 0u);
  EXPECT_EQ(show_status("if", "nosuch").code(), Errc::Enxio);
  EXPECT_EQ(show_status("if", "veth0", "tcp").code(), Errc::BadProtocol);
  auto rows = show("if", "veth0", "ipv4", {"nud", "nosuch"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error(), static_cast<uint32_t>(Errc::BadProtocol));
  EXPECT_EQ(rows[1].error(), static_cast<uint32_t>(Errc::PropUnknown));
}

TEST_F(PropsIfTest, DisabledInterfaceShowsPersistentOnly) {
  ASSERT_TRUE(setif("veth0", "ipv4", "arp", "off").is_ok());
  rpc::DisableIfReq d;
  d.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(d).is_ok());
  auto r = row("if", "veth0", "ipv4", "arp");
  EXPECT_EQ(r.current(), "");
  EXPECT_EQ(r.persistent(), "off");
  EXPECT_EQ(r.error(), 0u);
  EXPECT_EQ(setif("veth0", "ipv4", "arp", "on").code(), Errc::Enxio);
}

TEST_F(PropsIfTest, ApplyPersistedAtEnable) {
  // The IPv6 MTU line comes first in the store; the link MTU goes in first.
  put_line({"ipv6", "veth0", "", "mtu", "8000"});
  put_line({"ipv4", "veth0", "", "mtu", "9000"});
  put_line({"ipv4", "veth0", "", "arp", "off"});
  put_line({"ipv6", "veth0", "", "forwarding", "on"});
  put_line({"ipv4", "veth0", "", "exchange_routes", "off"});
  put_line({"ipv4", "veth0", "", "bogus", "1"});
  ASSERT_TRUE(setif("veth0", "ipv4", "exchange_routes", "on", true).is_ok());
  std::vector<std::string> failures;
  props_->apply_persisted_if_props("veth0", &failures);
  EXPECT_EQ(kernel_.find_link(idx_)->mtu, 9000u);
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/mtu"), "8000");
  EXPECT_TRUE(kernel_.find_link(idx_)->flags & IFF_NOARP);
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/forwarding"), "1");
  // The temporary value is gone: the persistent one is active again.
  EXPECT_EQ(row("if", "veth0", "ipv4", "exchange_routes").current(), "off");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_TRUE(failures[0].starts_with("veth0:ipv4/bogus: ")) << failures[0];
  EXPECT_EQ(row("if", "veth0", "ipv4", "mtu").default_value(), "1500");
}

}  // namespace
}  // namespace ipadm::core

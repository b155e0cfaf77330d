// Address properties: set-addrprop, reset-addrprop, show-addrprop and the
// decoration of address requests.
#include <linux/if_addr.h>

#include "props_fixture.h"

namespace ipadm::core {
namespace {

class PropsAddrTest : public PropsTest {
 protected:
  void SetUp() override {
    PropsTest::SetUp();
    ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
    ASSERT_TRUE(create_addr("veth0/t", "192.0.2.11/24", true).is_ok());
    ASSERT_TRUE(create_addr("veth0/v6", "2001:db8::10/64").is_ok());
  }
  std::string cur(const std::string& aobj, const std::string& name) {
    return row("addr", aobj, "", name).current();
  }
};

TEST_F(PropsAddrTest, ShowRows) {
  auto rows = show("addr", "veth0/v4", "");
  std::vector<std::string> names;
  for (auto& r : rows) {
    names.push_back(r.name());
    EXPECT_EQ(r.object(), "veth0/v4");
    EXPECT_EQ(r.error(), 0u) << r.name();
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "broadcast", "deprecated", "prefixlen", "primary", "private", "reqhost",
                       "transmit", "zone", "metric", "noprefixroute", "preferred_lifetime",
                       "valid_lifetime"}));
  auto b = row("addr", "veth0/v4", "", "broadcast");
  EXPECT_EQ(b.perm(), "r-");
  EXPECT_EQ(b.current(), "192.0.2.255");
  auto p = row("addr", "veth0/v4", "", "prefixlen");
  EXPECT_EQ(p.current(), "24");
  EXPECT_EQ(p.persistent(), "24");
  EXPECT_EQ(p.default_value(), "24");
  EXPECT_EQ(p.possible(), "1-32");
  EXPECT_EQ(row("addr", "veth0/v6", "", "prefixlen").possible(), "1-128");
  EXPECT_EQ(cur("veth0/v6", "broadcast"), "");
  EXPECT_EQ(cur("veth0/v4", "deprecated"), "off");
  EXPECT_EQ(cur("veth0/v4", "transmit"), "on");
  EXPECT_EQ(cur("veth0/v4", "zone"), "global");
  EXPECT_EQ(cur("veth0/v4", "valid_lifetime"), "infinite");
  EXPECT_EQ(row("addr", "veth0/t", "", "prefixlen").persistent(), "");
  // All objects, and those of one interface.
  EXPECT_EQ(show("addr", "", "", {"zone"}).size(), 3u);
  EXPECT_EQ(show("addr", "veth0/", "", {"zone"}).size(), 3u);
  EXPECT_EQ(show_status("addr", "veth0/nosuch").code(), Errc::NotFound);
  EXPECT_EQ(show_status("addr", "bad").code(), Errc::InvalidArg);
  auto e = show("addr", "veth0/v4", "", {"nosuch"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].error(), static_cast<uint32_t>(Errc::PropUnknown));
}

TEST_F(PropsAddrTest, Deprecated) {
  ASSERT_TRUE(seta("veth0/v4", "deprecated", "on").is_ok());
  EXPECT_TRUE(kaddr("192.0.2.10")->flags & IFA_F_DEPRECATED);
  EXPECT_EQ(kaddr("192.0.2.10")->preferred_lft, 0u);
  EXPECT_EQ(kaddr("192.0.2.10")->valid_lft, 0xffffffffu);
  EXPECT_EQ(addr_line("veth0/v4", "deprecated"), "on");
  EXPECT_EQ(cur("veth0/v4", "deprecated"), "on");
  EXPECT_TRUE(props_->addr_prop_flags("veth0/v4").deprecated_persistent);
  ASSERT_TRUE(reseta("veth0/v4", "deprecated").is_ok());
  EXPECT_FALSE(kaddr("192.0.2.10")->flags & IFA_F_DEPRECATED);
  EXPECT_EQ(addr_line("veth0/v4", "deprecated"), std::nullopt);
  EXPECT_EQ(seta("veth0/v4", "deprecated", "1").code(), Errc::InvalidArg);
}

TEST_F(PropsAddrTest, TransmitOffMeansNeverASource) {
  ASSERT_TRUE(seta("veth0/v6", "transmit", "off", true).is_ok());
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10"))->preferred_lft, 0u);
  EXPECT_EQ(cur("veth0/v6", "transmit"), "off");
  EXPECT_EQ(cur("veth0/v6", "deprecated"), "on");  // what the kernel shows
  EXPECT_EQ(addr_line("veth0/v6", "transmit"), std::nullopt);
  ASSERT_TRUE(seta("veth0/v6", "transmit", "on", true).is_ok());
  EXPECT_EQ(cur("veth0/v6", "deprecated"), "off");
}

TEST_F(PropsAddrTest, Lifetimes) {
  ASSERT_TRUE(seta("veth0/v4", "valid_lifetime", "3600").is_ok());
  ASSERT_TRUE(seta("veth0/v4", "preferred_lifetime", "1800").is_ok());
  EXPECT_EQ(kaddr("192.0.2.10")->valid_lft, 3600u);
  EXPECT_EQ(kaddr("192.0.2.10")->preferred_lft, 1800u);
  EXPECT_EQ(cur("veth0/v4", "valid_lifetime"), "3600");
  EXPECT_EQ(addr_line("veth0/v4", "preferred_lifetime"), "1800");
  EXPECT_EQ(seta("veth0/v4", "preferred_lifetime", "4000").code(), Errc::ERange);
  EXPECT_EQ(seta("veth0/v4", "valid_lifetime", "1000").code(), Errc::ERange);
  EXPECT_EQ(seta("veth0/v4", "valid_lifetime", "0").code(), Errc::ERange);
  EXPECT_EQ(seta("veth0/v4", "valid_lifetime", "soon").code(), Errc::InvalidArg);
  EXPECT_EQ(kaddr("192.0.2.10")->valid_lft, 3600u);
  // Linux never ages a permanent IPv4 address: a finite preferred lifetime
  // with an infinite valid one is refused rather than silently ignored.
  EXPECT_EQ(seta("veth0/v4", "valid_lifetime", "infinite").code(), Errc::NotSup);
  EXPECT_EQ(kaddr("192.0.2.10")->valid_lft, 3600u);
  ASSERT_TRUE(reseta("veth0/v4", "preferred_lifetime").is_ok());
  ASSERT_TRUE(seta("veth0/v4", "valid_lifetime", "infinite").is_ok());
  EXPECT_EQ(kaddr("192.0.2.10")->valid_lft, 0xffffffffu);
  // Deprecation wins over a preferred lifetime.
  ASSERT_TRUE(seta("veth0/v4", "deprecated", "on").is_ok());
  EXPECT_EQ(kaddr("192.0.2.10")->preferred_lft, 0u);
}

TEST_F(PropsAddrTest, MetricAndNoprefixroute) {
  ASSERT_TRUE(setif("veth0", "ipv4", "metric", "50").is_ok());
  ASSERT_TRUE(seta("veth0/v4", "metric", "10").is_ok());
  EXPECT_EQ(kernel_.replace_log().back().route_metric, 10u);
  EXPECT_EQ(cur("veth0/v4", "metric"), "10");
  EXPECT_EQ(cur("veth0/t", "metric"), "50");  // the interface's
  ASSERT_TRUE(reseta("veth0/v4", "metric").is_ok());
  EXPECT_EQ(kernel_.replace_log().back().route_metric, 50u);

  size_t replaces = kernel_.replace_log().size();
  ASSERT_TRUE(seta("veth0/v4", "noprefixroute", "on").is_ok());
  EXPECT_EQ(kernel_.replace_log().size(), replaces);  // re-added, not replaced
  EXPECT_TRUE(kaddr("192.0.2.10")->flags & IFA_F_NOPREFIXROUTE);
  EXPECT_EQ(cur("veth0/v4", "noprefixroute"), "on");
  kernel_.fail_next(netlink::FakeOp::kAddrAdd, Status(Errc::NoBufs));
  EXPECT_EQ(seta("veth0/v4", "noprefixroute", "off").code(), Errc::NoBufs);
  ASSERT_NE(kaddr("192.0.2.10"), nullptr);  // the old one is back
  EXPECT_TRUE(kaddr("192.0.2.10")->flags & IFA_F_NOPREFIXROUTE);
  EXPECT_EQ(addr_line("veth0/v4", "noprefixroute"), "on");
}

TEST_F(PropsAddrTest, Ipv6MetricBackToZeroIsReAdded) {
  ASSERT_TRUE(seta("veth0/v6", "metric", "10").is_ok());
  size_t replaces = kernel_.replace_log().size();
  EXPECT_EQ(kernel_.replace_log().back().route_metric, 10u);
  kernel_.reset_calls();
  ASSERT_TRUE(reseta("veth0/v6", "metric").is_ok());
  // Linux's IPv6 replace keeps a metric it is asked to set to 0.
  EXPECT_EQ(kernel_.replace_log().size(), replaces);
  EXPECT_EQ(kernel_.calls(netlink::FakeOp::kAddrDel), 1);
  EXPECT_EQ(kernel_.calls(netlink::FakeOp::kAddrAdd), 1);
  EXPECT_NE(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10")), nullptr);
  EXPECT_EQ(cur("veth0/v6", "metric"), "0");
}

TEST_F(PropsAddrTest, Ipv6MetricOfAnExpiringAddressGoesPermanentFirst) {
  ASSERT_TRUE(seta("veth0/v6", "valid_lifetime", "3600").is_ok());
  size_t replaces = kernel_.replace_log().size();
  ASSERT_TRUE(seta("veth0/v6", "metric", "10").is_ok());
  // Linux leaves an expiring prefix route behind on a metric change.
  ASSERT_EQ(kernel_.replace_log().size(), replaces + 2);
  EXPECT_EQ(kernel_.replace_log()[replaces].valid_lft, std::nullopt);
  EXPECT_EQ(kernel_.replace_log()[replaces].route_metric, std::nullopt);
  EXPECT_EQ(kernel_.replace_log()[replaces + 1].valid_lft, 3600u);
  EXPECT_EQ(kernel_.replace_log()[replaces + 1].route_metric, 10u);
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10"))->valid_lft, 3600u);
  // Deleting it (prefixlen change) makes it permanent first too.
  replaces = kernel_.replace_log().size();
  ASSERT_TRUE(seta("veth0/v6", "prefixlen", "80").is_ok());
  ASSERT_EQ(kernel_.replace_log().size(), replaces + 1);
  EXPECT_EQ(kernel_.replace_log().back().prefixlen, 64);
  EXPECT_EQ(kernel_.replace_log().back().valid_lft, std::nullopt);
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10"))->valid_lft, 3600u);
  // IPv4 replaces in place.
  ASSERT_TRUE(seta("veth0/v4", "valid_lifetime", "3600").is_ok());
  replaces = kernel_.replace_log().size();
  ASSERT_TRUE(seta("veth0/v4", "metric", "10").is_ok());
  EXPECT_EQ(kernel_.replace_log().size(), replaces + 1);
}

TEST_F(PropsAddrTest, PrepareRemovalMakesExpiringIpv6Permanent) {
  props_->prepare_addr_removal(*map_.find_addr("veth0/v6"));
  EXPECT_EQ(kernel_.replace_log().size(), 0u);  // permanent already
  ASSERT_TRUE(seta("veth0/v6", "valid_lifetime", "3600").is_ok());
  props_->prepare_addr_removal(*map_.find_addr("veth0/v6"));
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10"))->valid_lft, 0xffffffffu);
  ASSERT_TRUE(seta("veth0/v4", "valid_lifetime", "3600").is_ok());
  size_t replaces = kernel_.replace_log().size();
  props_->prepare_addr_removal(*map_.find_addr("veth0/v4"));
  EXPECT_EQ(kernel_.replace_log().size(), replaces);  // IPv4 routes go with the address
}

TEST_F(PropsAddrTest, Prefixlen) {
  ASSERT_TRUE(seta("veth0/v4", "prefixlen", "25").is_ok());
  EXPECT_EQ(kaddr("192.0.2.10")->prefixlen, 25);
  EXPECT_EQ(map_.find_addr("veth0/v4")->prefixlen, 25);
  EXPECT_EQ(sqlite_->addr("veth0/v4")->value().prefixlen, 25);
  EXPECT_EQ(cur("veth0/v4", "broadcast"), "192.0.2.127");
  EXPECT_EQ(prop_lines(), 0u);  // kept in the address record
  // Temporary: kernel and map only.
  ASSERT_TRUE(seta("veth0/v4", "prefixlen", "26", true).is_ok());
  EXPECT_EQ(kaddr("192.0.2.10")->prefixlen, 26);
  EXPECT_EQ(sqlite_->addr("veth0/v4")->value().prefixlen, 25);
  auto r = row("addr", "veth0/v4", "", "prefixlen");
  EXPECT_EQ(r.current(), "26");
  EXPECT_EQ(r.persistent(), "25");
  // Reset: the default rule again.
  ASSERT_TRUE(reseta("veth0/v4", "prefixlen").is_ok());
  EXPECT_EQ(kaddr("192.0.2.10")->prefixlen, 24);
  EXPECT_EQ(sqlite_->addr("veth0/v4")->value().prefixlen, -1);
  EXPECT_EQ(seta("veth0/v4", "prefixlen", "0").code(), Errc::ERange);
  EXPECT_EQ(seta("veth0/v4", "prefixlen", "33").code(), Errc::ERange);
  EXPECT_EQ(seta("veth0/t", "prefixlen", "28").code(), Errc::TemporaryObj);
  ASSERT_TRUE(seta("veth0/v6", "prefixlen", "96").is_ok());
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10"))->prefixlen, 96);
}

TEST_F(PropsAddrTest, PrefixlenFailuresChangeNothing) {
  kernel_.fail_next(netlink::FakeOp::kAddrAdd, Status(Errc::NoBufs));
  EXPECT_EQ(seta("veth0/v4", "prefixlen", "25").code(), Errc::NoBufs);
  EXPECT_EQ(kaddr("192.0.2.10")->prefixlen, 24);
  EXPECT_EQ(map_.find_addr("veth0/v4")->prefixlen, 24);
  store_->fail = true;
  EXPECT_EQ(seta("veth0/v4", "prefixlen", "25").code(), Errc::NoBufs);
  store_->fail = false;
  EXPECT_EQ(kaddr("192.0.2.10")->prefixlen, 24);
  EXPECT_EQ(map_.find_addr("veth0/v4")->prefixlen, 24);
  EXPECT_EQ(sqlite_->addr("veth0/v4")->value().prefixlen, 24);
}

TEST_F(PropsAddrTest, PointToPointHasNoPrefixlen) {
  ASSERT_TRUE(create_addr("veth0/p2p", "10.1.1.1", false, "10.1.1.2").is_ok());
  EXPECT_EQ(seta("veth0/p2p", "prefixlen", "24").code(), Errc::NotSup);
  auto r = row("addr", "veth0/p2p", "", "prefixlen");
  EXPECT_EQ(r.current(), "");
  EXPECT_EQ(r.persistent(), "");
  EXPECT_EQ(cur("veth0/p2p", "broadcast"), "");
}

TEST_F(PropsAddrTest, PrivateIsMetadata) {
  ASSERT_TRUE(seta("veth0/v4", "private", "on").is_ok());
  EXPECT_EQ(addr_line("veth0/v4", "private"), "on");
  EXPECT_EQ(cur("veth0/v4", "private"), "on");
  auto f = props_->addr_prop_flags("veth0/v4");
  EXPECT_TRUE(f.private_now);
  EXPECT_TRUE(f.private_persistent);
  ASSERT_TRUE(seta("veth0/v4", "private", "off", true).is_ok());
  f = props_->addr_prop_flags("veth0/v4");
  EXPECT_FALSE(f.private_now);
  EXPECT_TRUE(f.private_persistent);
  // Forgotten with the object (disable): the persistent value is back.
  props_->forget_addr("veth0/v4");
  EXPECT_EQ(cur("veth0/v4", "private"), "on");
  EXPECT_EQ(kernel_.replace_log().size(), 0u);  // never in the kernel
}

// show-addr's flag letters come from the persisted properties, read once
// for a whole listing (PrefetchScope) and per object for one object.
TEST_F(PropsAddrTest, ShowAddrFlagLettersFromPersistedProperties) {
  ASSERT_TRUE(create_addr("veth0/b", "10.2.2.2").is_ok());
  ASSERT_TRUE(seta("veth0/v4", "private", "on").is_ok());
  ASSERT_TRUE(seta("veth0/b", "deprecated", "on").is_ok());
  auto persistent_of = [&](const std::string& filter_obj) {
    rpc::ShowAddrReq q;
    q.set_aobjname(filter_obj);
    auto r = svc_->show_addr(q);
    std::map<std::string, std::string> out;
    if (r)
      for (const auto& a : r->addrs()) out[a.aobjname()] = a.persistent();
    return out;
  };
  auto all = persistent_of("");
  EXPECT_EQ(all["veth0/v4"], "Up-");
  EXPECT_EQ(all["veth0/b"], "U-d");
  EXPECT_EQ(persistent_of("veth0/v4")["veth0/v4"], "Up-");
  EXPECT_EQ(persistent_of("veth0/b")["veth0/b"], "U-d");
}

TEST_F(PropsAddrTest, ZoneAndDhcpOnly) {
  EXPECT_TRUE(seta("veth0/v4", "zone", "global", true).is_ok());
  EXPECT_EQ(seta("veth0/v4", "zone", "global").code(), Errc::NotSup);
  EXPECT_EQ(seta("veth0/v4", "zone", "web", true).code(), Errc::NotSup);
  EXPECT_TRUE(reseta("veth0/v4", "zone").is_ok());
  EXPECT_EQ(seta("veth0/v4", "primary", "on").code(), Errc::NotSup);
  EXPECT_EQ(seta("veth0/v4", "reqhost", "web01").code(), Errc::NotSup);
  EXPECT_EQ(seta("veth0/v4", "broadcast", "192.0.2.255").code(), Errc::NotSup);
  EXPECT_EQ(prop_lines(), 0u);
}

TEST_F(PropsAddrTest, Errors) {
  EXPECT_EQ(seta("veth0/nosuch", "private", "on").code(), Errc::NotFound);
  EXPECT_EQ(seta("veth0", "private", "on").code(), Errc::InvalidArg);
  EXPECT_EQ(seta("veth0/v4", "nosuch", "on").code(), Errc::PropUnknown);
  EXPECT_EQ(seta("veth0/t", "private", "on").code(), Errc::TemporaryObj);
  EXPECT_TRUE(seta("veth0/t", "private", "on", true).is_ok());
  EXPECT_EQ(props_->set(req("addr", "veth0/v4", "", "private", "on", 1)).code(),
            Errc::InvalidArg);
  rpc::AddrObjReq d;
  d.set_aobjname("veth0/v4");
  d.set_temporary(true);
  ASSERT_TRUE(svc_->disable_addr(d).is_ok());
  EXPECT_EQ(seta("veth0/v4", "private", "on").code(), Errc::OpDisableObj);
  // Disabled: shown with persistent values and no current ones.
  auto r = row("addr", "veth0/v4", "", "prefixlen");
  EXPECT_EQ(r.current(), "");
  EXPECT_EQ(r.persistent(), "24");
  kernel_.fail_next(netlink::FakeOp::kAddrReplace, Status(Errc::NoBufs));
  EXPECT_EQ(seta("veth0/v6", "deprecated", "on").code(), Errc::NoBufs);
  store_->fail = true;
  EXPECT_EQ(seta("veth0/v6", "deprecated", "on").code(), Errc::NoBufs);
  store_->fail = false;
  EXPECT_EQ(cur("veth0/v6", "deprecated"), "off");
  EXPECT_FALSE(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10"))->flags &
               IFA_F_DEPRECATED);
  EXPECT_EQ(prop_lines(), 0u);
}

TEST_F(PropsAddrTest, DownAddressGetsItsValuesWhenUp) {
  ASSERT_TRUE(create_addr("veth0/d", "192.0.2.20/24", false, "", true).is_ok());
  kernel_.reset_calls();
  ASSERT_TRUE(seta("veth0/d", "deprecated", "on").is_ok());
  ASSERT_TRUE(seta("veth0/d", "valid_lifetime", "600").is_ok());
  EXPECT_EQ(kernel_.calls(netlink::FakeOp::kAddrReplace), 0);
  EXPECT_EQ(addr_line("veth0/d", "deprecated"), "on");
  EXPECT_EQ(cur("veth0/d", "deprecated"), "on");
  netlink::AddrRequest q;
  props_->decorate_addr_request(*map_.find_addr("veth0/d"), &q);
  EXPECT_EQ(q.preferred_lft, 0u);
  EXPECT_EQ(q.valid_lft, 600u);
  EXPECT_FALSE(q.noprefixroute);
  EXPECT_EQ(q.route_metric, std::nullopt);
}

TEST_F(PropsAddrTest, DecorateWithoutPropertiesLeavesTheRequest) {
  netlink::AddrRequest q;
  props_->decorate_addr_request(*map_.find_addr("veth0/v4"), &q);
  EXPECT_EQ(q.preferred_lft, std::nullopt);
  EXPECT_EQ(q.valid_lft, std::nullopt);
  EXPECT_EQ(q.route_metric, std::nullopt);
}

}  // namespace
}  // namespace ipadm::core

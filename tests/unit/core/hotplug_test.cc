// Links that come and go (Service::link_appeared / link_gone) on FakeKernel:
// a persistent interface follows its link; nothing else is touched.
#include <gtest/gtest.h>
#include <linux/if_addr.h>
#include <net/if.h>
#include <sys/socket.h>

#include "core/requests.h"
#include "core/service.h"
#include "core/show.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

class HotplugTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite).value());
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
    ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
    ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/t", "192.0.2.11/24", true)).is_ok());
  }
  bool appeared(bool initial = false) {
    std::vector<std::string> failed;
    bool r = svc_->link_appeared("veth0", initial, &failed);
    EXPECT_TRUE(failed.empty()) << failed[0];
    return r;
  }
  std::string if_state() {
    rpc::ShowIfReq q;
    q.set_ifname("veth0");
    auto r = svc_->show_if(q);
    return r && r->ifs_size() ? r->ifs(0).state() : "?";
  }
  std::string addr_state(const std::string& n) {
    rpc::ShowAddrReq q;
    q.set_aobjname(n);
    auto r = svc_->show_addr(q);
    return r && r->addrs_size() ? r->addrs(0).state() : "none";
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  int idx_ = 0;
};

TEST_F(HotplugTest, LinkGoneThenBackIsEnabledAgain) {
  kernel_.remove_link(idx_);
  EXPECT_TRUE(svc_->link_gone("veth0"));
  EXPECT_EQ(if_state(), "offline");
  EXPECT_EQ(addr_state("veth0/v4"), "disabled");
  EXPECT_EQ(addr_state("veth0/t"), "none");                            // temporary: forgotten
  EXPECT_FALSE(svc_->link_gone("veth0"));                              // twice: nothing
  int idx = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);  // new ifindex
  EXPECT_TRUE(appeared());
  EXPECT_NE(kernel_.find_addr(idx, ip("192.0.2.10")), nullptr);
  EXPECT_TRUE(kernel_.find_link(idx)->flags & IFF_UP);
  EXPECT_EQ(if_state(), "ok");
  EXPECT_EQ(addr_state("veth0/v4"), "ok");
  EXPECT_FALSE(appeared());  // already active: idempotent
}

TEST_F(HotplugTest, AbsentInterfaceComesBackAtTheFirstLookToo) {
  kernel_.remove_link(idx_);
  svc_->link_gone("veth0");
  kernel_.add_link("veth0");
  EXPECT_TRUE(appeared(true));  // went away while we knew it: back at start-up
}

TEST_F(HotplugTest, LinkRecreatedWhileStoppedIsEnabledAtTheFirstLook) {
  EXPECT_EQ(map_.find_if("veth0")->ifindex, idx_);  // recorded when enabled
  kernel_.remove_link(idx_);
  int idx = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);  // new ifindex
  auto gone = svc_->links_at_start({{"lo", 1}, {"veth0", idx}});
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0], std::make_pair(std::string("veth0"), true));
  EXPECT_TRUE(appeared(true));
  EXPECT_NE(kernel_.find_addr(idx, ip("192.0.2.10")), nullptr);
  EXPECT_EQ(map_.find_if("veth0")->ifindex, idx);
  EXPECT_EQ(addr_state("veth0/v4"), "ok");
}

TEST_F(HotplugTest, LinkMissingAtTheFirstLookIsOffline) {
  kernel_.remove_link(idx_);
  auto gone = svc_->links_at_start({{"lo", 1}});
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_FALSE(gone[0].second);
  EXPECT_EQ(if_state(), "offline");
  kernel_.add_link("veth0");
  EXPECT_TRUE(appeared());
}

TEST_F(HotplugTest, SameLinkAtTheFirstLookIsLeftAlone) {
  size_t before = kernel_.addr_count();
  EXPECT_TRUE(svc_->links_at_start({{"veth0", idx_}}).empty());
  EXPECT_FALSE(appeared(true));
  EXPECT_EQ(kernel_.addr_count(), before);
  EXPECT_EQ(addr_state("veth0/t"), "ok");  // temporary objects kept
}

TEST_F(HotplugTest, FirstLookNeverEnablesOtherwise) {
  rpc::DisableIfReq d;
  d.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(d).is_ok());
  // a persistent interface with no map entry (as after a reboot): restore's job
  map_.erase_if("veth0").ignore();
  size_t before = kernel_.addr_count();
  EXPECT_FALSE(appeared(true));
  EXPECT_EQ(kernel_.addr_count(), before);
}

TEST_F(HotplugTest, DisabledInterfaceStaysDisabled) {
  rpc::DisableIfReq d;
  d.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(d).is_ok());
  EXPECT_FALSE(appeared());
  EXPECT_EQ(kernel_.find_addr(idx_, ip("192.0.2.10")), nullptr);
  // disable-if -t of an interface whose link is away: it does not come back
  rpc::EnableIfReq e;
  e.set_ifname("veth0");
  ASSERT_TRUE(svc_->enable_if(e).is_ok());
  kernel_.remove_link(idx_);
  svc_->link_gone("veth0");
  ASSERT_TRUE(svc_->disable_if(d).is_ok());
  EXPECT_EQ(if_state(), "disabled");
  kernel_.add_link("veth0");
  EXPECT_FALSE(appeared());
}

TEST_F(HotplugTest, UnknownOrTemporaryInterfacesAreLeftAlone) {
  int other = kernel_.add_link("veth9");
  std::vector<std::string> failed;
  EXPECT_FALSE(svc_->link_appeared("veth9", false, &failed));
  EXPECT_TRUE(kernel_.addrs_on(other).empty());
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth9/t", "198.51.100.1/24", true)).is_ok());
  kernel_.remove_link(other);
  EXPECT_TRUE(svc_->link_gone("veth9"));
  EXPECT_EQ(map_.find_if("veth9"), nullptr);  // temporary interface: forgotten
  kernel_.add_link("veth9");
  EXPECT_FALSE(svc_->link_appeared("veth9", false, &failed));
}

TEST_F(HotplugTest, EnableIfWorksOnAnAbsentInterfaceWhoseLinkIsBack) {
  kernel_.remove_link(idx_);
  svc_->link_gone("veth0");
  int idx = kernel_.add_link("veth0");
  rpc::EnableIfReq e;
  e.set_ifname("veth0");
  ASSERT_TRUE(svc_->enable_if(e).is_ok());
  EXPECT_NE(kernel_.find_addr(idx, ip("192.0.2.10")), nullptr);
  EXPECT_FALSE(appeared());
}

TEST_F(HotplugTest, LinkUpAgainPutsBackWhatTheKernelDropped) {
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v6", "2001:db8::10/64")).is_ok());
  ASSERT_TRUE(
      svc_->create_addr(static_addr_req("veth0/dn", "2001:db8::20/64", false, "", true)).is_ok());
  ASSERT_TRUE(kernel_.link_set_up(idx_, false).is_ok());  // Linux drops the IPv6 ones
  ASSERT_TRUE(kernel_.link_set_up(idx_, true).is_ok());
  EXPECT_EQ(kernel_.find_addr(idx_, ip("2001:db8::10")), nullptr);
  EXPECT_EQ(svc_->link_up_again("veth0"), 1);
  EXPECT_NE(kernel_.find_addr(idx_, ip("2001:db8::10")), nullptr);
  EXPECT_EQ(kernel_.find_addr(idx_, ip("2001:db8::20")),
            nullptr);                          // down: stays out
  EXPECT_EQ(svc_->link_up_again("veth0"), 0);  // nothing missing
  EXPECT_EQ(svc_->link_up_again("veth9"), 0);  // not ours
}

TEST_F(HotplugTest, UpAddrPutsBackAnAddressTheKernelLost) {
  ASSERT_TRUE(kernel_.drop_addr(idx_, ip("192.0.2.10")));  // ip addr del
  EXPECT_EQ(addr_state("veth0/v4"), "down");
  rpc::AddrObjReq q;
  q.set_aobjname("veth0/v4");
  q.set_temporary(true);
  ASSERT_TRUE(svc_->up_addr(q).is_ok());
  EXPECT_NE(kernel_.find_addr(idx_, ip("192.0.2.10")), nullptr);
  EXPECT_EQ(addr_state("veth0/v4"), "ok");
}

// Thousands of IPv6 /128s on a down link: Linux drops some at link up for
// want of route memory unless they skip the redundant prefix route.
TEST_F(HotplugTest, Ipv6HostAddressesSkipThePrefixRoute) {
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/h", "2001:db8::7/128")).is_ok());
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/n", "2001:db8:1::7/64")).is_ok());
  EXPECT_TRUE(kernel_.find_addr(idx_, ip("2001:db8::7"))->flags & IFA_F_NOPREFIXROUTE);
  EXPECT_FALSE(kernel_.find_addr(idx_, ip("2001:db8:1::7"))->flags & IFA_F_NOPREFIXROUTE);
}

}  // namespace
}  // namespace ipadm::core

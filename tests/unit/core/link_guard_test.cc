// The rules that keep ipadm from harming links others configured
// (core/link_guard.h), on FakeKernel: a failed command leaves the kernel as
// it found it; a link in use by others is adopted, never reset.
#include "core/link_guard.h"

#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "core/requests.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

using netlink::FakeOp;

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

// Everything a command could change on one link, to compare before/after.
struct LinkState {
  uint32_t flags;
  std::vector<std::string> addrs;
  std::vector<std::string> sysctls;
  bool operator==(const LinkState&) const = default;
};

void PrintTo(const LinkState& s, std::ostream* os) {
  *os << "flags=" << s.flags << " addrs=";
  for (auto& a : s.addrs) *os << a << ",";
  *os << " sysctls=";
  for (auto& v : s.sysctls) *os << v << ",";
}

class LinkGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok());
    store_ = std::move(*st);
    lo_ = kernel_.add_loopback();
    veth_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
  }

  LinkState state(int ifindex) {
    const netlink::Link* l = kernel_.find_link(ifindex);
    LinkState s{l->flags, {}, {}};
    for (auto& a : kernel_.addrs_on(ifindex))
      s.addrs.push_back(a.local.to_string() + "/" + std::to_string(a.prefixlen));
    for (const char* leaf : {"accept_ra", "disable_ipv6", "addr_gen_mode", "autoconf"})
      s.sysctls.push_back(kernel_.sysctl("net/ipv6/conf/" + l->ifname + "/" + leaf).value_or(""));
    s.sysctls.push_back(
        kernel_.sysctl("net/ipv4/conf/" + l->ifname + "/promote_secondaries").value_or(""));
    return s;
  }

  // veth0 as NetworkManager would leave it: up, with an address of its own.
  void configure_veth_elsewhere() {
    ASSERT_TRUE(kernel_.link_set_up(veth_, true).is_ok());
    netlink::AddrRequest r;
    r.ifindex = veth_;
    r.local = ip("198.51.100.7");
    r.prefixlen = 24;
    ASSERT_TRUE(kernel_.addr_add(r).is_ok());
    r.local = ip("2001:db8:7::7");
    r.prefixlen = 64;
    r.nodad = true;
    ASSERT_TRUE(kernel_.addr_add(r).is_ok());
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  int lo_ = 0, veth_ = 0;
};

TEST_F(LinkGuardTest, FailedCreateAddrOnLoopbackLeavesItUp) {
  LinkState before = state(lo_);
  // 127.0.0.1/8 is already there: the add fails with "Address already in use".
  Status s = svc_->create_addr(static_addr_req("lo/v4", "127.0.0.1/8", true));
  EXPECT_EQ(s.code(), Errc::AddrInUse);
  EXPECT_EQ(state(lo_), before);
  EXPECT_EQ(map_.find_if("lo"), nullptr);
}

TEST_F(LinkGuardTest, FailedCreateAddrOnForeignLinkChangesNothing) {
  configure_veth_elsewhere();
  LinkState before = state(veth_);
  kernel_.fail_next(FakeOp::kAddrAdd, Status(Errc::NoBufs, "injected"));
  EXPECT_FALSE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
  EXPECT_EQ(state(veth_), before);
  EXPECT_EQ(map_.find_if("veth0"), nullptr);
  auto rec = store_->interface("veth0");
  ASSERT_TRUE(rec.is_ok());
  EXPECT_FALSE(rec->has_value());
}

TEST_F(LinkGuardTest, FailedCreateAddrOnBareLinkPutsBackWhatPlumbingChanged) {
  kernel_.set_sysctl("net/ipv6/conf/veth0/disable_ipv6", "1");
  LinkState before = state(veth_);
  kernel_.fail_next(FakeOp::kAddrAdd, Status(Errc::NoBufs, "injected"));
  EXPECT_FALSE(svc_->create_addr(static_addr_req("veth0/v6", "2001:db8::10/64")).is_ok());
  EXPECT_EQ(state(veth_), before);  // down, eui64, accept_ra 1, IPv6 disabled
  EXPECT_EQ(map_.find_if("veth0"), nullptr);
}

TEST_F(LinkGuardTest, FailedPlumbingStepPutsBackTheEarlierOnes) {
  LinkState before = state(veth_);
  kernel_.fail_next(FakeOp::kLinkSetUp, Status(Errc::NoBufs, "injected"));
  EXPECT_FALSE(svc_->create_if(if_req("veth0")).is_ok());
  EXPECT_EQ(state(veth_), before);
  kernel_.fail_next(FakeOp::kLinkSetUp, Status(Errc::NoBufs, "injected"));
  EXPECT_FALSE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
  EXPECT_EQ(state(veth_), before);
}

TEST_F(LinkGuardTest, CreateIfOnForeignLinkIsRefused) {
  configure_veth_elsewhere();
  LinkState before = state(veth_);
  EXPECT_EQ(svc_->create_if(if_req("veth0", true)).code(), Errc::IfExists);
  EXPECT_EQ(svc_->create_if(if_req("veth0")).code(), Errc::IfExists);
  EXPECT_EQ(svc_->create_if(if_req("lo", true)).code(), Errc::IfExists);
  EXPECT_EQ(state(veth_), before);
}

TEST_F(LinkGuardTest, CreateAddrAdoptsForeignLinkAndDeleteIfLeavesItUp) {
  configure_veth_elsewhere();
  kernel_.set_sysctl("net/ipv6/conf/veth0/accept_ra", "2");
  LinkState before = state(veth_);
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v6", "2001:db8::10/64")).is_ok());
  EXPECT_NE(kernel_.find_addr(veth_, ip("192.0.2.10")), nullptr);
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/accept_ra"), "2");  // SLAAC kept
  EXPECT_EQ(kernel_.addr_gen_mode(veth_), 0);                       // link-local kept
  EXPECT_NE(kernel_.find_addr(veth_, ip("198.51.100.7")), nullptr);
  rpc::DeleteIfReq del;
  del.set_ifname("veth0");
  ASSERT_TRUE(svc_->delete_if(del).is_ok());
  EXPECT_EQ(kernel_.find_addr(veth_, ip("192.0.2.10")), nullptr);
  EXPECT_EQ(kernel_.find_addr(veth_, ip("2001:db8::10")), nullptr);
  // Still up, with its own addresses and settings; promote_secondaries stays
  // 1 (it protects the others' IPv4 addresses, documented).
  LinkState after = state(veth_);
  EXPECT_EQ(after.sysctls.back(), "1");
  after.sysctls.back() = before.sysctls.back();
  EXPECT_EQ(after, before);
}

TEST_F(LinkGuardTest, DisableIfOfAnAdoptedLinkKeepsOthersAddresses) {
  configure_veth_elsewhere();
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
  rpc::DisableIfReq dis;
  dis.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  EXPECT_TRUE(kernel_.find_link(veth_)->flags & IFF_UP);
  EXPECT_NE(kernel_.find_addr(veth_, ip("2001:db8:7::7")), nullptr);
  EXPECT_EQ(kernel_.find_addr(veth_, ip("192.0.2.10")), nullptr);
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  ASSERT_TRUE(svc_->enable_if(en).is_ok());  // adopted again: settings kept
  EXPECT_NE(kernel_.find_addr(veth_, ip("192.0.2.10")), nullptr);
  EXPECT_EQ(kernel_.addr_gen_mode(veth_), 0);
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/accept_ra"), "1");
}

TEST_F(LinkGuardTest, BareLinkIsStillPlumbedAndUnplumbedAsBefore) {
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
  EXPECT_TRUE(kernel_.find_link(veth_)->flags & IFF_UP);
  EXPECT_EQ(kernel_.addr_gen_mode(veth_), 1);  // IN6_ADDR_GEN_MODE_NONE
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/accept_ra"), "0");
  rpc::DeleteIfReq del;
  del.set_ifname("veth0");
  ASSERT_TRUE(svc_->delete_if(del).is_ok());
  EXPECT_FALSE(kernel_.find_link(veth_)->flags & IFF_UP);
  EXPECT_EQ(kernel_.addr_gen_mode(veth_), 0);
}

TEST_F(LinkGuardTest, FailedEnableIfPutsBackThePlumbing) {
  ASSERT_TRUE(svc_->create_addr(static_addr_req("veth0/v4", "192.0.2.10/24")).is_ok());
  rpc::DisableIfReq dis;
  dis.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  LinkState before = state(veth_);
  kernel_.fail_next(FakeOp::kLinkSetUp, Status(Errc::NoBufs, "injected"));
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  EXPECT_FALSE(svc_->enable_if(en).is_ok());
  LinkState after = state(veth_);
  EXPECT_EQ(after.flags, before.flags);
  EXPECT_EQ(after.sysctls, before.sysctls);
}

TEST(LinkChanges, RevertsNewestFirstAndSkipsNoOps) {
  netlink::FakeKernel k;
  int idx = k.add_link("veth0");
  LinkChanges c(k, "veth0", idx);
  ASSERT_TRUE(c.set_sysctl("net/ipv6/conf/veth0/accept_ra", "1").is_ok());  // already 1
  EXPECT_TRUE(c.empty());
  ASSERT_TRUE(c.set_sysctl("net/ipv6/conf/veth0/accept_ra", "0").is_ok());
  ASSERT_TRUE(c.set_sysctl("net/ipv6/conf/veth0/accept_ra", "2").is_ok());
  ASSERT_TRUE(c.set_addr_gen_mode(1).is_ok());
  ASSERT_TRUE(c.set_up().is_ok());
  c.revert();
  EXPECT_EQ(k.sysctl("net/ipv6/conf/veth0/accept_ra"), "1");
  EXPECT_EQ(k.addr_gen_mode(idx), 0);
  EXPECT_FALSE(k.find_link(idx)->flags & IFF_UP);
  EXPECT_TRUE(c.empty());
  ASSERT_TRUE(c.set_up().is_ok());
  c.commit();
  c.revert();
  EXPECT_TRUE(k.find_link(idx)->flags & IFF_UP);
}

}  // namespace
}  // namespace ipadm::core

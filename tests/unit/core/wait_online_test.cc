// Service::wait_online: which objects it reports and the facts it gathers
// (the rules themselves: readiness_test.cc). FakeKernel + in-memory store.
#include <linux/if_addr.h>
#include <net/if.h>

#include <gtest/gtest.h>

#include "core/requests.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

class WaitOnlineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok()) << st.status().to_string();
    store_ = std::move(*st);
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    kernel_.add_link("veth1", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
  }
  void create(const std::string& name, const std::string& local, bool tmp = false) {
    ASSERT_TRUE(svc_->create_addr(static_addr_req(name, local, tmp)).is_ok()) << name;
  }
  Result<rpc::WaitOnlineReply> online(std::vector<std::string> names = {}) {
    rpc::WaitOnlineReq q;
    for (auto& n : names) q.add_names(n);
    return svc_->wait_online(q);
  }
  // "name=ready" or "name=reason" for each object reported, in order.
  std::vector<std::string> verdicts(std::vector<std::string> names = {}) {
    auto r = online(std::move(names));
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    std::vector<std::string> v;
    if (!r) return v;
    for (auto& o : r->objs()) v.push_back(o.name() + "=" + (o.ready() ? "ready" : o.reason()));
    return v;
  }
  // The kernel marks addr tentative again (as while DAD runs).
  void make_tentative(const char* addr) {
    netlink::Addr a = *kernel_.find_addr(idx_, *IpAddr::parse(addr));
    a.flags |= IFA_F_TENTATIVE;
    kernel_.inject_addr(a);
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  int idx_ = 0;
};

using V = std::vector<std::string>;

TEST_F(WaitOnlineTest, NothingConfiguredIsOnline) { EXPECT_EQ(verdicts(), V{}); }

TEST_F(WaitOnlineTest, EveryPersistentObjectAndOnlyThose) {
  create("veth0/v4", "192.0.2.10/24");
  create("veth0/v6", "2001:db8::10/64");
  create("veth1/tmp", "198.51.100.1/24", /*tmp=*/true);
  EXPECT_EQ(verdicts(), (V{"veth0=ready", "veth0/v4=ready", "veth0/v6=ready"}));
  // Named, a temporary object is reported too.
  EXPECT_EQ(verdicts({"veth1/tmp"}), V{"veth1/tmp=ready"});
}

TEST_F(WaitOnlineTest, PersistentRoutesMustBeInTheKernel) {
  create("veth0/v4", "192.0.2.10/24");
  rpc::CreateRouteReq r;
  r.set_destination("default");
  r.set_gateway("192.0.2.1");
  ASSERT_TRUE(svc_->create_route(r).is_ok());
  rpc::CreateRouteReq t = r;  // temporary: not waited for
  t.set_destination("203.0.113.0/24");
  t.set_temporary(true);
  ASSERT_TRUE(svc_->create_route(t).is_ok());
  const V all{"veth0=ready", "veth0/v4=ready", "route default via 192.0.2.1=ready"};
  EXPECT_EQ(verdicts(), all);
  EXPECT_EQ(verdicts({"veth0"}), all);
  EXPECT_EQ(verdicts({"veth0/v4"}), V{"veth0/v4=ready"});  // an address names no route
  netlink::RouteRequest del;
  del.ifindex = idx_;
  del.gateway = *IpAddr::parse("192.0.2.1");
  ASSERT_TRUE(kernel_.route_del(del).is_ok());  // removed behind our back
  EXPECT_EQ(verdicts().back(), "route default via 192.0.2.1=not in the kernel");
}

TEST_F(WaitOnlineTest, TentativeIpv6IsNotReady) {
  create("veth0/v4", "192.0.2.10/24");
  create("veth0/v6", "2001:db8::10/64");
  make_tentative("2001:db8::10");
  EXPECT_EQ(verdicts(), (V{"veth0=ready", "veth0/v4=ready", "veth0/v6=tentative"}));
  // A named subset: only what is named (an interface: it and its objects).
  EXPECT_EQ(verdicts({"veth0/v4"}), V{"veth0/v4=ready"});
  EXPECT_EQ(verdicts({"veth0/v6", "veth0"}),
            (V{"veth0=ready", "veth0/v6=tentative", "veth0/v4=ready"}));
}

TEST_F(WaitOnlineTest, NoCarrierIsNotReady) {
  create("veth0/v4", "192.0.2.10/24");
  kernel_.set_carrier(idx_, false);
  EXPECT_EQ(verdicts({"veth0/v4"}), V{"veth0/v4=inaccessible"});
}

TEST_F(WaitOnlineTest, DisabledObjectsAreLeftOutUnlessNamed) {
  create("veth0/v4", "192.0.2.10/24");
  create("veth0/b", "192.0.2.11/24");
  rpc::AddrObjReq d;
  d.set_aobjname("veth0/b");
  d.set_temporary(true);
  ASSERT_TRUE(svc_->disable_addr(d).is_ok());
  EXPECT_EQ(verdicts(), (V{"veth0=ready", "veth0/v4=ready"}));
  EXPECT_EQ(verdicts({"veth0/b"}), V{"veth0/b=disabled"});
  rpc::DisableIfReq di;
  di.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(di).is_ok());
  EXPECT_EQ(verdicts(), V{});
  EXPECT_EQ(verdicts({"veth0"}), (V{"veth0=disabled", "veth0/v4=disabled", "veth0/b=disabled"}));
}

TEST_F(WaitOnlineTest, PersistentButNotRestoredIsNotReady) {
  create("veth0/v4", "192.0.2.10/24");
  // A new boot: the same store, an empty map.
  AddrObjMap fresh{nullptr};
  Service svc2(kernel_, *store_, fresh);
  auto r = svc2.wait_online(rpc::WaitOnlineReq());
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ(r->objs_size(), 2);
  EXPECT_EQ(r->objs(1).name(), "veth0/v4");
  EXPECT_FALSE(r->objs(1).ready());
  EXPECT_EQ(r->objs(1).reason(), "not restored");
  EXPECT_EQ(r->objs(1).kind(), "addr");
  EXPECT_EQ(r->objs(0).kind(), "if");
}

TEST_F(WaitOnlineTest, OfflineLinkIsNotReady) {
  create("veth0/v4", "192.0.2.10/24");
  kernel_.remove_link(idx_);
  svc_->link_gone("veth0");
  EXPECT_EQ(verdicts(), (V{"veth0=offline", "veth0/v4=offline"}));
}

TEST_F(WaitOnlineTest, UnknownNamesAreRefusedByName) {
  create("veth0/v4", "192.0.2.10/24");
  auto r = online({"veth0/v4", "veth0/nope"});
  EXPECT_EQ(r.status().code(), Errc::NotFound);
  EXPECT_EQ(r.status().detail(), "veth0/nope");
  r = online({"nosuch0"});
  EXPECT_EQ(r.status().code(), Errc::Enxio);
  EXPECT_EQ(r.status().detail(), "nosuch0");
  // veth1 exists in the kernel but is not configured: unknown to ipadm.
  EXPECT_EQ(online({"veth1"}).status().code(), Errc::Enxio);
  r = online({"a/b/c"});
  EXPECT_EQ(r.status().code(), Errc::InvalidArg);
  EXPECT_EQ(r.status().detail(), "a/b/c");
  EXPECT_EQ(online({std::string(100, 'x')}).status().code(), Errc::InvalidArg);
}

}  // namespace
}  // namespace ipadm::core

// up-addr, down-addr, disable-addr, enable-addr, refresh-addr.
#include <linux/if_addr.h>
#include <net/if.h>

#include <gtest/gtest.h>

#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

class AddrOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite).value());
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
    ASSERT_TRUE(create("veth0/p", "192.0.2.10/24", false).is_ok());
    ASSERT_TRUE(create("veth0/t", "192.0.2.11/24", true).is_ok());
  }
  Status create(const std::string& n, const std::string& a, bool tmp) {
    rpc::CreateAddrReq r;
    r.set_aobjname(n);
    r.set_type("static");
    r.set_local(a);
    r.set_temporary(tmp);
    return svc_->create_addr(r);
  }
  static rpc::AddrObjReq q(const std::string& n, bool tmp) {
    rpc::AddrObjReq r;
    r.set_aobjname(n);
    r.set_temporary(tmp);
    return r;
  }
  bool in_kernel(const char* a) { return kernel_.find_addr(idx_, *IpAddr::parse(a)) != nullptr; }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  int idx_ = 0;
};

TEST_F(AddrOpsTest, DownUpPersistent) {
  ASSERT_TRUE(svc_->down_addr(q("veth0/p", false)).is_ok());
  EXPECT_FALSE(in_kernel("192.0.2.10"));
  EXPECT_FALSE(store_->addr("veth0/p")->value().up);
  EXPECT_FALSE(map_.find_addr("veth0/p")->up);
  ASSERT_TRUE(svc_->up_addr(q("veth0/p", false)).is_ok());
  EXPECT_TRUE(in_kernel("192.0.2.10"));
  EXPECT_TRUE(store_->addr("veth0/p")->value().up);
}

TEST_F(AddrOpsTest, DownTemporaryKeepsStore) {
  ASSERT_TRUE(svc_->down_addr(q("veth0/p", true)).is_ok());
  EXPECT_FALSE(in_kernel("192.0.2.10"));
  EXPECT_TRUE(store_->addr("veth0/p")->value().up);
}

TEST_F(AddrOpsTest, Refusals) {
  EXPECT_EQ(svc_->down_addr(q("veth0/t", false)).code(), Errc::TemporaryObj);
  EXPECT_EQ(svc_->down_addr(q("veth0/none", true)).code(), Errc::NotFound);
  EXPECT_EQ(svc_->disable_addr(q("veth0/p", false)).code(), Errc::NotSup);
  ASSERT_TRUE(svc_->disable_addr(q("veth0/p", true)).is_ok());
  EXPECT_EQ(svc_->up_addr(q("veth0/p", true)).code(), Errc::OpDisableObj);
  EXPECT_EQ(svc_->disable_addr(q("veth0/p", true)).code(), Errc::OpDisableObj);
  EXPECT_EQ(svc_->refresh_addr(q("veth0/p", false)).code(), Errc::OpDisableObj);
  EXPECT_TRUE(in_kernel("192.0.2.11"));
}

TEST_F(AddrOpsTest, DisableEnable) {
  ASSERT_TRUE(svc_->disable_addr(q("veth0/p", true)).is_ok());
  EXPECT_FALSE(in_kernel("192.0.2.10"));
  EXPECT_EQ(map_.find_addr("veth0/p")->flags, kPersist);
  EXPECT_EQ(create("veth0/p", "192.0.2.12/24", false).code(), Errc::AddrObjExists);
  ASSERT_TRUE(svc_->enable_addr(q("veth0/p", true)).is_ok());
  EXPECT_TRUE(in_kernel("192.0.2.10"));
  EXPECT_EQ(svc_->enable_addr(q("veth0/p", true)).code(), Errc::AddrObjExists);
  // Disabling a temporary object deletes it.
  ASSERT_TRUE(svc_->disable_addr(q("veth0/t", true)).is_ok());
  EXPECT_EQ(map_.find_addr("veth0/t"), nullptr);
  EXPECT_FALSE(in_kernel("192.0.2.11"));
}

TEST_F(AddrOpsTest, RefreshRestartsDadOfDuplicate) {
  kernel_.set_dad_duplicate(*IpAddr::parse("2001:db8::5"), true);
  // DAD failing at creation is not an error: the object is kept, duplicate.
  ASSERT_TRUE(create("veth0/v6", "2001:db8::5/64", false).is_ok());
  auto* a = kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::5"));
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->flags & IFA_F_DADFAILED);
  EXPECT_EQ(svc_->up_addr(q("veth0/v6", true)).code(), Errc::DadFound);
  rpc::AddrObjReq r = q("veth0/v6", false);
  kernel_.set_dad_duplicate(*IpAddr::parse("2001:db8::5"), false);
  ASSERT_TRUE(svc_->refresh_addr(r).is_ok());
  a = kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::5"));
  ASSERT_NE(a, nullptr);
  EXPECT_FALSE(a->flags & IFA_F_DADFAILED);
  r.set_inform(true);
  EXPECT_EQ(svc_->refresh_addr(r).code(), Errc::NotSup);
}

TEST_F(AddrOpsTest, RefreshInformAsksTheInformerOutsideTheLock) {
  rpc::AddrObjReq r = q("veth0/p", false);
  r.set_inform(true);
  EXPECT_EQ(svc_->refresh_addr(r).code(), Errc::NotSup);  // no informer set
  std::string seen;
  svc_->set_informer([&](const std::string& aobj, const std::string& ifname,
                         const std::string& hwaddr, const IpAddr& local)
                         -> Result<dhcp::InformReply> {
    // The service lock is free meanwhile: another request gets through.
    EXPECT_TRUE(svc_->down_addr(q("veth0/t", true)).is_ok());
    seen = aobj + " " + ifname + " " + std::to_string(hwaddr.size()) + " " + local.to_string();
    return dhcp::InformReply{};
  });
  ASSERT_TRUE(svc_->refresh_addr(r).is_ok());
  EXPECT_EQ(seen, "veth0/p veth0 6 192.0.2.10");
  EXPECT_TRUE(in_kernel("192.0.2.10"));  // INFORM changes no address
  svc_->set_informer([](const std::string&, const std::string&, const std::string&,
                        const IpAddr&) -> Result<dhcp::InformReply> {
    return Status(Errc::DhcpIpcTimeout);
  });
  EXPECT_EQ(svc_->refresh_addr(r).code(), Errc::DhcpIpcTimeout);
  // down: not in the kernel, nothing to send from
  ASSERT_TRUE(svc_->down_addr(q("veth0/p", false)).is_ok());
  EXPECT_EQ(svc_->refresh_addr(r).code(), Errc::AddrNotAvail);
  r.set_aobjname("veth0/none");
  EXPECT_EQ(svc_->refresh_addr(r).code(), Errc::NotFound);
}

}  // namespace
}  // namespace ipadm::core

// Service logic against FakeKernel + an in-memory SqliteStore.
#include "core/service.h"

#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <functional>

#include "core/faulty_store.h"
#include "core/requests.h"
#include "core/show.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"
#include "store/sqlite_volatile_store.h"

namespace ipadm::core {
namespace {

class FakeResolver {
 public:
  Result<IpAddr> operator()(const std::string& host) const {
    if (auto a = IpAddr::parse(host)) return *a;
    if (host == "one.example") return *IpAddr::parse("192.0.2.77");
    if (host == "two.example") return Status(Errc::BadHostname, host);
    return Status(Errc::BadAddr, host);
  }
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok()) << st.status().to_string();
    store_ = std::move(*st);
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_, FakeResolver());
  }

  Status create_if(const std::string& n, bool tmp = false) {
    return svc_->create_if(if_req(n, tmp));
  }
  Status create_addr(const std::string& name, const std::string& local, bool tmp = false,
                     const std::string& remote = "", bool down = false) {
    return svc_->create_addr(static_addr_req(name, local, tmp, remote, down));
  }
  std::vector<rpc::AddrInfo> rows(const std::string& aobj = "") {
    rpc::ShowAddrReq q;
    q.set_aobjname(aobj);
    auto r = svc_->show_addr(q);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    if (!r) return {};
    return {r->addrs().begin(), r->addrs().end()};
  }
  const rpc::AddrInfo* row(const std::vector<rpc::AddrInfo>& v, const std::string& n) {
    for (auto& r : v)
      if (r.aobjname() == n) return &r;
    return nullptr;
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  std::unique_ptr<Service> svc_;
  int idx_ = 0;
};

TEST_F(ServiceTest, CreateIfPlumbsAndPersists) {
  ASSERT_TRUE(create_if("veth0").is_ok());
  EXPECT_TRUE(kernel_.find_link(idx_)->flags & IFF_UP);
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/disable_ipv6"), "0");
  auto rec = store_->interface("veth0");
  ASSERT_TRUE(rec.is_ok() && rec->has_value());
  EXPECT_EQ(create_if("veth0").code(), Errc::IfExists);
  EXPECT_EQ(create_if("nosuch0").code(), Errc::Enxio);
  EXPECT_EQ(create_if("bad/name").code(), Errc::InvalidArg);
}

// Found by fuzz_rpc_dispatch: the resolver took the text up to a NUL, so
// "192.0.2.1\0junk" was accepted (and stored with the NUL).
TEST(ResolveHost, RefusesEmbeddedNul) {
  EXPECT_TRUE(resolve_host("192.0.2.1").is_ok());
  EXPECT_EQ(resolve_host(std::string("192.0.2.1\0junk", 14)).status().code(), Errc::BadAddr);
}

TEST_F(ServiceTest, CreateAddrStaticV4AndV6) {
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  ASSERT_TRUE(create_addr("veth0/v6", "2001:db8::10/64").is_ok());
  EXPECT_NE(kernel_.find_addr(idx_, *IpAddr::parse("192.0.2.10")), nullptr);
  EXPECT_NE(kernel_.find_addr(idx_, *IpAddr::parse("2001:db8::10")), nullptr);
  auto r = rows();
  ASSERT_NE(row(r, "veth0/v4"), nullptr);
  EXPECT_EQ(row(r, "veth0/v4")->addr(), "192.0.2.10/24");
  EXPECT_EQ(row(r, "veth0/v4")->state(), "ok");
  EXPECT_EQ(row(r, "veth0/v4")->persistent(), "U--");
  EXPECT_EQ(row(r, "veth0/v6")->type(), "static");
  auto rec = store_->addr("veth0/v4");
  ASSERT_TRUE(rec.is_ok() && rec->has_value());
  EXPECT_EQ(rec->value().local, "192.0.2.10");
  EXPECT_EQ(rec->value().prefixlen, 24);
}

TEST_F(ServiceTest, DefaultPrefixAndPointToPoint) {
  ASSERT_TRUE(create_addr("veth0/a", "10.1.2.3").is_ok());
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("10.1.2.3"))->prefixlen, 8);
  ASSERT_TRUE(create_addr("veth0/p", "10.9.0.1", false, "10.9.0.2").is_ok());
  auto* a = kernel_.find_addr(idx_, *IpAddr::parse("10.9.0.1"));
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(a->peer);
  EXPECT_EQ(a->peer->to_string(), "10.9.0.2");
  EXPECT_EQ(row(rows(), "veth0/p")->addr(), "10.9.0.1->10.9.0.2");
  auto rec = store_->addr("veth0/a");
  EXPECT_EQ(rec->value().prefixlen, -1);  // defaulted: recomputed at enable
}

TEST_F(ServiceTest, BadInputChangesNothing) {
  struct Case {
    std::string name, local, remote;
    Errc want;
  } cases[] = {
      {"veth0", "192.0.2.1/24", "", Errc::InvalidArg},
      {"veth0/1a", "192.0.2.1/24", "", Errc::InvalidArg},
      {"veth0/v4", "300.1.1.1", "", Errc::BadAddr},
      {"veth0/v4", "192.0.2.1/33", "", Errc::InvalidArg},
      {"veth0/v4", "0.0.0.0/8", "", Errc::BadAddr},
      {"veth0/v4", "192.0.2.1", "192.0.2.2/24", Errc::BadAddr},
      {"veth0/v4", "192.0.2.1", "2001:db8::1", Errc::InvalidArg},
      {"veth0/v4", "two.example", "", Errc::BadHostname},
      {"nosuch0/v4", "192.0.2.1/24", "", Errc::Enxio},
  };
  for (auto& c : cases) {
    EXPECT_EQ(create_addr(c.name, c.local, false, c.remote).code(), c.want) << c.name << " " << c.local;
  }
  EXPECT_EQ(kernel_.addr_count(), 0u);
  EXPECT_TRUE(store_->addrs("")->empty());
  EXPECT_TRUE(store_->interfaces()->empty());
  EXPECT_TRUE(map_.addrs().empty());
}

TEST_F(ServiceTest, NamesAreUnique) {
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  EXPECT_EQ(create_addr("veth0/v4", "192.0.2.11/24").code(), Errc::AddrObjExists);
  EXPECT_EQ(create_addr("veth0/x", "192.0.2.10/24").code(), Errc::AddrInUse);
  EXPECT_EQ(map_.addrs().size(), 1u);
}

TEST_F(ServiceTest, HostNameIsPersistedAsTyped) {
  ASSERT_TRUE(create_addr("veth0/h", "one.example/24").is_ok());
  EXPECT_EQ(store_->addr("veth0/h")->value().local, "one.example");
  EXPECT_NE(kernel_.find_addr(idx_, *IpAddr::parse("192.0.2.77")), nullptr);
}

TEST_F(ServiceTest, TemporaryOnPersistentAndViceVersa) {
  ASSERT_TRUE(create_if("veth0", true).is_ok());
  EXPECT_EQ(create_addr("veth0/v4", "192.0.2.10/24").code(), Errc::TemporaryObj);
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24", true).is_ok());
  EXPECT_TRUE(store_->addrs("")->empty());
  EXPECT_EQ(row(rows(), "veth0/v4")->persistent(), "---");
}

TEST_F(ServiceTest, DownAddressStaysOutOfKernel) {
  ASSERT_TRUE(create_addr("veth0/d", "192.0.2.10/24", false, "", true).is_ok());
  EXPECT_EQ(kernel_.find_addr(idx_, *IpAddr::parse("192.0.2.10")), nullptr);
  EXPECT_EQ(row(rows(), "veth0/d")->state(), "down");
  EXPECT_FALSE(store_->addr("veth0/d")->value().up);
}

TEST_F(ServiceTest, UnmanagedAddressesShownAndKept) {
  ASSERT_TRUE(create_if("veth0").is_ok());
  netlink::Addr a;
  a.ifindex = idx_;
  a.family = AF_INET;
  a.local = *IpAddr::parse("198.51.100.1");
  a.prefixlen = 24;
  kernel_.inject_addr(a);
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  auto r = rows();
  ASSERT_NE(row(r, "veth0/?"), nullptr);
  EXPECT_EQ(row(r, "veth0/?")->addr(), "198.51.100.1/24");
  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/v4");
  ASSERT_TRUE(svc_->delete_addr(d).is_ok());
  rpc::DisableIfReq dis;
  dis.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  EXPECT_NE(kernel_.find_addr(idx_, *IpAddr::parse("198.51.100.1")), nullptr);
}

TEST_F(ServiceTest, DeleteAddr) {
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/v4");
  d.set_release(true);
  EXPECT_EQ(svc_->delete_addr(d).code(), Errc::NotSup);
  d.set_release(false);
  ASSERT_TRUE(svc_->delete_addr(d).is_ok());
  EXPECT_EQ(kernel_.addr_count(), 0u);
  EXPECT_FALSE(store_->addr("veth0/v4")->has_value());
  EXPECT_EQ(svc_->delete_addr(d).code(), Errc::NotFound);
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.11/24").is_ok());  // name free again
}

TEST_F(ServiceTest, DisableEnableIf) {
  ASSERT_TRUE(create_addr("veth0/p", "192.0.2.10/24").is_ok());
  ASSERT_TRUE(create_addr("veth0/t", "192.0.2.11/24", true).is_ok());
  ASSERT_TRUE(create_addr("veth0/v6", "2001:db8::1/64").is_ok());
  rpc::DisableIfReq dis;
  dis.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  EXPECT_EQ(kernel_.addr_count(), 0u);
  auto r = rows();
  EXPECT_EQ(row(r, "veth0/p")->state(), "disabled");
  EXPECT_EQ(row(r, "veth0/t"), nullptr);
  EXPECT_EQ(create_addr("veth0/p", "192.0.2.12/24").code(), Errc::AddrObjExists);
  EXPECT_EQ(create_addr("veth0/n", "192.0.2.12/24").code(), Errc::OpDisableObj);
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  ASSERT_TRUE(svc_->enable_if(en).is_ok());
  EXPECT_EQ(kernel_.addr_count(), 2u);
  EXPECT_TRUE(kernel_.find_link(idx_)->flags & IFF_UP);
  EXPECT_EQ(row(rows(), "veth0/p")->state(), "ok");
  EXPECT_EQ(svc_->enable_if(en).code(), Errc::IfExists);
}

TEST_F(ServiceTest, EnableIfAfterRebootSkipsFailures) {
  ASSERT_TRUE(create_addr("veth0/a", "192.0.2.10/24").is_ok());
  ASSERT_TRUE(create_addr("veth0/b", "192.0.2.11/24").is_ok());
  // "Reboot": fresh kernel state and empty map; the store survives.
  netlink::FakeKernel k2;
  int idx2 = k2.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  AddrObjMap m2(nullptr);
  Service s2(k2, *store_, m2, FakeResolver());
  netlink::Addr squat;  // someone else holds veth0/b's address? Exists = adopt
  k2.fail_next(netlink::FakeOp::kAddrAdd, Status(Errc::AddrNotAvail), 1);
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  EXPECT_EQ(s2.enable_if(en).code(), Errc::AllAddrsNotEnabled);
  EXPECT_NE(k2.find_addr(idx2, *IpAddr::parse("192.0.2.10")), nullptr);
  EXPECT_EQ(k2.find_addr(idx2, *IpAddr::parse("192.0.2.11")), nullptr);
  ASSERT_NE(m2.find_addr("veth0/b"), nullptr);
  EXPECT_EQ(m2.find_addr("veth0/b")->flags, kPersist);
}


TEST_F(ServiceTest, StoreFailureUndoesKernelAndMap) {
  FaultyStore fs(*store_);
  Service svc(kernel_, fs, map_, FakeResolver());
  fs.fail = true;
  rpc::CreateAddrReq r;
  r.set_aobjname("veth0/v4");
  r.set_type("static");
  r.set_local("192.0.2.10/24");
  EXPECT_EQ(svc.create_addr(r).code(), Errc::NoBufs);
  EXPECT_EQ(kernel_.addr_count(), 0u);
  EXPECT_EQ(map_.find_addr("veth0/v4"), nullptr);
  EXPECT_EQ(map_.find_if("veth0"), nullptr);  // implicit plumb undone
  EXPECT_FALSE(kernel_.find_link(idx_)->flags & IFF_UP);
  fs.fail = false;
  EXPECT_TRUE(svc.create_addr(r).is_ok());  // the next request succeeds
}

TEST_F(ServiceTest, KernelFailureLeavesNothing) {
  ASSERT_TRUE(create_if("veth0").is_ok());
  kernel_.fail_next(netlink::FakeOp::kAddrAdd, Status(Errc::NoBufs));
  EXPECT_EQ(create_addr("veth0/v4", "192.0.2.10/24").code(), Errc::NoBufs);
  EXPECT_EQ(map_.find_addr("veth0/v4"), nullptr);
  EXPECT_FALSE(store_->addr("veth0/v4")->has_value());
}

TEST_F(ServiceTest, DeleteIfPurgesEverything) {
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  rpc::DeleteIfReq d;
  d.set_ifname("veth0");
  ASSERT_TRUE(svc_->delete_if(d).is_ok());
  EXPECT_EQ(kernel_.addr_count(), 0u);
  EXPECT_FALSE(kernel_.find_link(idx_)->flags & IFF_UP);
  EXPECT_TRUE(store_->interfaces()->empty());
  EXPECT_TRUE(store_->addrs("")->empty());
  EXPECT_EQ(svc_->delete_if(d).code(), Errc::Enxio);
}

TEST_F(ServiceTest, ReconcileDropsUnbackedPersistFlag) {
  AddrObj o;
  o.aobjname = "veth0/ghost";
  o.ifname = "veth0";
  o.family = AF_INET;
  o.local = *IpAddr::parse("192.0.2.9");
  o.prefixlen = 24;
  o.flags = kActive | kPersist;
  ASSERT_TRUE(map_.put_addr(o).is_ok());
  ASSERT_TRUE(svc_->reconcile().is_ok());
  EXPECT_EQ(map_.find_addr("veth0/ghost")->flags, kActive);
}

TEST(ShowFlags, Letters) {
  EXPECT_EQ(if_current_flags(IFF_BROADCAST | IFF_MULTICAST, true, true), "bm--------46");
  EXPECT_EQ(if_current_flags(IFF_POINTOPOINT, true, false), "--p-------4-");
  EXPECT_EQ(if_persistent_flags(true, true), "-46");
  EXPECT_EQ(if_persistent_flags(false, false), "---");
}

}  // namespace
}  // namespace ipadm::core

namespace ipadm::core {
namespace {

using StaticList = std::vector<std::pair<const char*, const char*>>;
// Before a reboot: creates persistent static addresses (and whatever `more`
// does) through a Service on a throw-away kernel with veth0 and veth1.
void persist_static(store::Store& store, StaticList addrs,
                    const std::function<void(Service&, netlink::FakeKernel&, AddrObjMap&)>&
                        more = nullptr) {
  netlink::FakeKernel k;
  k.add_link("veth0");
  k.add_link("veth1");
  AddrObjMap m(nullptr);
  Service s(k, store, m);
  for (auto [n, a] : addrs) ASSERT_TRUE(s.create_addr(static_addr_req(n, a)).is_ok()) << n;
  if (more) more(s, k, m);
}

// After a reboot: a new kernel with only veth0, an empty map.
struct AfterReboot {
  explicit AfterReboot(store::Store& st) : i0(k.add_link("veth0")), s(k, st, m) {}
  netlink::FakeKernel k;
  int i0;
  AddrObjMap m{nullptr};
  Service s;
};

TEST(Restore, EnablesEveryPersistentInterfaceInStoreOrder) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  auto& store = **st;
  persist_static(store,
                 {{"veth0/a", "192.0.2.1/24"}, {"veth0/b", "2001:db8::1/64"},
                  {"veth1/a", "198.51.100.1/24"}, {"veth1/b", "198.51.100.2/24"}},
                 [](Service& s, netlink::FakeKernel&, AddrObjMap&) {
                   ASSERT_TRUE(
                       s.create_addr(static_addr_req("veth0/tmp", "192.0.2.99/24", true)).is_ok());
                 });
  // Reboot: new kernel, empty map; veth1 lost its link, veth0 gets a squatter.
  AfterReboot b(store);
  auto& [k, i0, m, s] = b;
  auto r = s.restore();
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->interfaces(), 1u);
  EXPECT_EQ(r->addresses(), 2u);
  ASSERT_EQ(r->failed_size(), 1);
  EXPECT_NE(r->failed(0).find("veth1"), std::string::npos);
  EXPECT_NE(k.find_addr(i0, *IpAddr::parse("192.0.2.1")), nullptr);
  EXPECT_NE(k.find_addr(i0, *IpAddr::parse("2001:db8::1")), nullptr);
  EXPECT_EQ(k.find_addr(i0, *IpAddr::parse("192.0.2.99")), nullptr);
  EXPECT_TRUE(k.find_link(i0)->flags & IFF_UP);
  // Second restore: nothing left to do.
  auto again = s.restore();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->interfaces(), 0u);
}

}  // namespace
}  // namespace ipadm::core

namespace ipadm::core {
namespace {

// Reliability findings F1, F3, F6 (docs/reliability.md).
TEST(Reliability, PlumbingKeepsSecondariesAlive) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  netlink::FakeKernel k;
  k.add_link("veth0");
  AddrObjMap m(nullptr);
  Service s(k, **st, m);
  rpc::CreateIfReq c;
  c.set_ifname("veth0");
  ASSERT_TRUE(s.create_if(c).is_ok());
  EXPECT_EQ(k.sysctl("net/ipv4/conf/veth0/promote_secondaries"), "1");
}

TEST(Reliability, ReconcileDerivesUpFromTheKernel) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  netlink::FakeKernel k;
  int idx = k.add_link("veth0", IFF_UP);
  AddrObjMap m(nullptr);
  Service s(k, **st, m);
  rpc::CreateAddrReq r;
  r.set_aobjname("veth0/a");
  r.set_type("static");
  r.set_local("192.0.2.1/24");
  r.set_temporary(true);
  r.set_down(true);
  ASSERT_TRUE(s.create_addr(r).is_ok());
  // A crash between the kernel add of up-addr and its map write:
  netlink::Addr a;
  a.ifindex = idx;
  a.family = AF_INET;
  a.local = *IpAddr::parse("192.0.2.1");
  a.prefixlen = 24;
  k.inject_addr(a);
  ASSERT_TRUE(s.reconcile().is_ok());
  EXPECT_TRUE(m.find_addr("veth0/a")->up);
  rpc::AddrObjReq d;
  d.set_aobjname("veth0/a");
  d.set_temporary(true);
  ASSERT_TRUE(s.down_addr(d).is_ok());
  EXPECT_EQ(k.find_addr(idx, *IpAddr::parse("192.0.2.1")), nullptr);
}

}  // namespace
}  // namespace ipadm::core

namespace ipadm::core {
namespace {

TEST_F(ServiceTest, FailedDeleteAddrIsUndone) {
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  FaultyStore fs(*store_);
  Service svc(kernel_, fs, map_, FakeResolver());
  fs.fail = true;
  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/v4");
  EXPECT_EQ(svc.delete_addr(d).code(), Errc::NoBufs);
  EXPECT_NE(kernel_.find_addr(idx_, *IpAddr::parse("192.0.2.10")), nullptr);
  ASSERT_NE(map_.find_addr("veth0/v4"), nullptr);
  EXPECT_TRUE(store_->addr("veth0/v4")->has_value());
  fs.fail = false;
  EXPECT_TRUE(svc.delete_addr(d).is_ok());
}

}  // namespace
}  // namespace ipadm::core

namespace ipadm::core {
namespace {

// Boot restore reads the persisted properties once (PropService::
// PrefetchScope) instead of per address: the requests must still carry them.
TEST(RestoreBatch, PersistedAddressPropertiesApply) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  auto& store = **st;
  persist_static(store, {{"veth0/a", "192.0.2.1/24"}, {"veth0/b", "192.0.2.2/24"}},
                 [&store](Service&, netlink::FakeKernel& k, AddrObjMap& m) {
                   PropService p(k, store, m);
                   rpc::SetPropReq r;
                   r.set_object_kind("addr");
                   r.set_object("veth0/a");
                   r.set_name("deprecated");
                   r.set_value("on");
                   ASSERT_TRUE(p.set(r).is_ok());
                 });
  AfterReboot b(store);
  auto& [k, i0, m, s] = b;
  auto r = s.restore();
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->addresses(), 2u);
  ASSERT_NE(k.find_addr(i0, *IpAddr::parse("192.0.2.1")), nullptr);
  EXPECT_EQ(k.find_addr(i0, *IpAddr::parse("192.0.2.1"))->preferred_lft, 0u);
  ASSERT_NE(k.find_addr(i0, *IpAddr::parse("192.0.2.2")), nullptr);
  EXPECT_EQ(k.find_addr(i0, *IpAddr::parse("192.0.2.2"))->preferred_lft, 0xffffffffu);
}

// enable-if writes the objects' mirror rows while the kernel batch runs; a
// failed batch must leave the mirror as the (unchanged) memory map.
TEST(RestoreBatch, MirrorRowsPutBackWhenTheBatchFails) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  auto& store = **st;
  persist_static(store, {{"veth0/a", "192.0.2.1/24"}, {"veth0/b", "2001:db8::1/64"}});
  netlink::FakeKernel k;
  int i0 = k.add_link("veth0");
  auto vol = store::SqliteVolatileStore::open(":memory:");
  ASSERT_TRUE(vol.is_ok()) << vol.status().to_string();
  AddrObjMap m(vol->get());
  Service s(k, store, m);
  k.fail_next(netlink::FakeOp::kAddrAddBatch, Status(Errc::NoBufs, "injected"));
  auto r = s.restore();
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->addresses(), 0u);
  EXPECT_EQ(r->failed_size(), 1);
  EXPECT_EQ(m.find_addr("veth0/a"), nullptr);
  auto mirrored = (*vol)->load();
  ASSERT_TRUE(mirrored.is_ok());
  EXPECT_TRUE(mirrored->addrs.empty());
  // Retried without the fault: map, mirror and kernel agree.
  auto again = s.restore();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->addresses(), 2u);
  EXPECT_EQ(again->failed_size(), 0);
  mirrored = (*vol)->load();
  ASSERT_TRUE(mirrored.is_ok());
  ASSERT_EQ(mirrored->addrs.size(), 2u);
  for (const AddrObj& o : mirrored->addrs) {
    const AddrObj* mem = m.find_addr(o.aobjname);
    ASSERT_NE(mem, nullptr) << o.aobjname;
    EXPECT_EQ(o.flags, mem->flags);
    EXPECT_TRUE(o.flags & kActive);
    EXPECT_NE(k.find_addr(i0, o.local), nullptr) << o.aobjname;
  }
}

// The store is streamed while the first chunks are already in the kernel; a
// read failure part-way takes those addresses back and changes nothing.
TEST(RestoreBatch, StoreReadFailurePartWayTakesTheSentAddressesBack) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  StaticList many;
  std::vector<std::string> names, addrs;
  for (int i = 0; i < 600; ++i) {
    names.push_back("veth0/a" + std::to_string(i));
    addrs.push_back("10.1." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "/32");
  }
  for (int i = 0; i < 600; ++i) many.push_back({names[i].c_str(), addrs[i].c_str()});
  persist_static(**st, many);
  FaultyStore store(**st);
  store.fail_read_after = 550;  // two chunks of 256 have gone by then
  AfterReboot b(store);
  auto& [k, i0, m, s] = b;
  auto r = s.restore();
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->addresses(), 0u);
  ASSERT_EQ(r->failed_size(), 1);
  EXPECT_NE(r->failed(0).find("disk I/O error"), std::string::npos) << r->failed(0);
  EXPECT_GE(k.calls(netlink::FakeOp::kAddrAddBatch), 1);
  EXPECT_TRUE(k.addrs_on(i0).empty());
  EXPECT_EQ(m.find_addr("veth0/a0"), nullptr);
  store.fail_read_after = -1;
  auto again = s.restore();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again->addresses(), 600u);
  EXPECT_EQ(k.addrs_on(i0).size(), 600u);
}

// The memory map is committed alongside the batch; a later failure (here
// the link-up) puts memory and mirror back as they were, stubs included.
TEST(RestoreBatch, MemoryRolledBackWhenLinkUpFails) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  auto& store = **st;
  persist_static(store, {{"veth0/a", "192.0.2.1/24"}, {"veth0/b", "192.0.2.2/24"}});
  netlink::FakeKernel k;
  k.add_link("veth0");
  auto vol = store::SqliteVolatileStore::open(":memory:");
  ASSERT_TRUE(vol.is_ok());
  AddrObjMap m(vol->get());
  AddrObj stub;  // known from before, disabled
  stub.aobjname = "veth0/a";
  stub.ifname = "veth0";
  stub.flags = kPersist;
  ASSERT_TRUE(m.put_addr(stub).is_ok());
  Service s(k, store, m);
  k.fail_next(netlink::FakeOp::kLinkSetUp, Status(Errc::NoBufs, "injected"));
  auto r = s.restore();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->failed_size(), 1);
  ASSERT_NE(m.find_addr("veth0/a"), nullptr);
  EXPECT_EQ(m.find_addr("veth0/a")->flags, kPersist);
  EXPECT_EQ(m.find_addr("veth0/b"), nullptr);
  auto mirrored = (*vol)->load();
  ASSERT_TRUE(mirrored.is_ok());
  ASSERT_EQ(mirrored->addrs.size(), 1u);
  EXPECT_EQ(mirrored->addrs[0].aobjname, "veth0/a");
  EXPECT_EQ(mirrored->addrs[0].flags, kPersist);
}

// A failed enable leaves the kernel as it found it: the addresses it added
// are deleted again, an address it found there (adopted) is kept.
TEST(RestoreBatch, FailedEnableTakesBackOnlyTheAddressesItAdded) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  auto& store = **st;
  persist_static(store, {{"veth0/a", "192.0.2.1/24"}, {"veth0/b", "192.0.2.2/24"}});
  netlink::FakeKernel k;
  int i0 = k.add_link("veth0");
  netlink::AddrRequest there;
  there.ifindex = i0;
  there.local = *IpAddr::parse("192.0.2.2");
  there.prefixlen = 24;
  ASSERT_TRUE(k.addr_add(there).is_ok());  // put there by another tool
  AddrObjMap m(nullptr);
  Service s(k, store, m);
  k.fail_next(netlink::FakeOp::kLinkSetUp, Status(Errc::NoBufs, "injected"));
  auto r = s.restore();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->failed_size(), 1);
  EXPECT_EQ(k.find_addr(i0, *IpAddr::parse("192.0.2.1")), nullptr);  // ours: taken back
  EXPECT_NE(k.find_addr(i0, *IpAddr::parse("192.0.2.2")), nullptr);  // found there: kept
  EXPECT_EQ(m.find_addr("veth0/a"), nullptr);
}


// show-addr and show-if read the kernel from the view source when one is
// set (no dump per request), asking for the one interface they show.
class ScriptedViewSource : public KernelViewSource {
 public:
  Result<KernelView> kernel_view(const std::string& ifname, bool with_addrs) override {
    asked.emplace_back(ifname, with_addrs);
    return answer;
  }
  KernelView answer;
  std::vector<std::pair<std::string, bool>> asked;
};

TEST_F(ServiceTest, ShowReadsTheViewSource) {
  ASSERT_TRUE(create_if("veth0").is_ok());
  ASSERT_TRUE(create_addr("veth0/v4", "192.0.2.10/24").is_ok());
  EXPECT_EQ(rows("veth0/v4")[0].state(), "ok");  // the kernel, dumped
  ScriptedViewSource src;
  svc_->set_view_source(&src);
  // The source's view has the link but lacks the address: show-addr says
  // what the source says.
  src.answer.links.push_back(*kernel_.find_link(idx_));
  auto r = rows("veth0/v4");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].state(), "down");
  using Asked = std::vector<std::pair<std::string, bool>>;
  EXPECT_EQ(src.asked, (Asked{{"veth0", true}}));
  rpc::ShowIfReq qi;
  qi.set_ifname("veth0");
  src.answer.fams = AddrFamilies{{idx_}, {}};  // the source counts families itself
  auto si = svc_->show_if(qi);
  ASSERT_TRUE(si.is_ok());
  EXPECT_EQ(si->ifs(0).state(), "ok");
  EXPECT_EQ(src.asked.back(), (std::pair<std::string, bool>{"veth0", false}));
  rows();
  EXPECT_EQ(src.asked.back(), (std::pair<std::string, bool>{"", true}));  // every interface
  svc_->set_view_source(nullptr);
}

// Linux can drop IPv6 addresses added on a down link when it comes up: the
// enable puts them back in one batch (not one request each) and counts what
// the kernel holds.
TEST_F(ServiceTest, EnableIfPutsBackWhatTheKernelDroppedAtLinkUpInOneBatch) {
  for (int i = 1; i <= 30; ++i)
    ASSERT_TRUE(create_addr("veth0/a" + std::to_string(i),
                            "2001:db8::" + std::to_string(i) + "/128").is_ok());
  netlink::FakeKernel k2;  // a reboot: the store survives
  int idx2 = k2.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  AddrObjMap m2(nullptr);
  Service s2(k2, *store_, m2, FakeResolver());
  k2.drop_v6_at_next_up(12);
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  ASSERT_TRUE(s2.enable_if(en).is_ok());
  EXPECT_EQ(k2.addrs_on(idx2).size(), 30u);
  EXPECT_EQ(k2.calls(netlink::FakeOp::kAddrAdd), 30 + 12);  // each request of a batch counts
  EXPECT_EQ(k2.calls(netlink::FakeOp::kAddrAddBatch), 2) << "the first add, then the re-add";
}

}  // namespace
}  // namespace ipadm::core

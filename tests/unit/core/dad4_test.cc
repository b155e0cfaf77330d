// IPv4 duplicate address detection in the Service: a fake ARP link where a
// "peer" answers probes for the addresses it owns, on the FakeKernel.
#include <net/if.h>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "core/requests.h"
#include "core/service.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"

namespace ipadm::core {
namespace {

using netlink::arp::Frame;

// The other hosts on every link: the addresses they use.
struct Peer {
  std::mutex mu;
  std::condition_variable cv;
  bool hold = false;  // probes wait (no verdict) until released
  std::set<IpAddr> owns;
  int links_opened = 0;
  int probes = 0;
};

class PeerLink : public netlink::arp::ArpLink {
 public:
  explicit PeerLink(Peer& p) : peer_(p) {}
  Status send(std::span<const uint8_t> f) override {
    auto p = netlink::arp::parse(f);
    std::unique_lock lock(peer_.mu);
    peer_.cv.wait(lock, [&] { return !peer_.hold; });
    if (!p->spa.is_zero()) return Status::ok();  // an announcement
    ++peer_.probes;
    if (peer_.owns.count(p->tpa)) {
      Frame r = netlink::arp::build_announcement({0x02, 0, 0, 0, 0, 0x99}, p->tpa);
      r[7] = netlink::arp::kOpReply;
      queue_.push_back(r);
    }
    return Status::ok();
  }
  Result<std::optional<std::vector<uint8_t>>> recv(int timeout_ms) override {
    if (!queue_.empty()) {
      Frame f = queue_.front();
      queue_.pop_front();
      return std::optional<std::vector<uint8_t>>(std::vector<uint8_t>(f.begin(), f.end()));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    return std::optional<std::vector<uint8_t>>();
  }

 private:
  Peer& peer_;
  std::deque<Frame> queue_;
};

netlink::arp::Timing fast() {
  netlink::arp::Timing t;
  t.probe_delay_ms = 1;
  t.probe_interval_ms = 10;
  t.probe_count = 3;
  t.announce_count = 1;
  return t;
}

class Dad4Test : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite).value());
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
    use_timing(fast());
  }
  void use_timing(const netlink::arp::Timing& t) {
    svc_->set_dad4(std::make_unique<Dad4>(
        [this](int) -> Result<std::unique_ptr<netlink::arp::ArpLink>> {
          std::lock_guard lock(peer_.mu);
          ++peer_.links_opened;
          return std::unique_ptr<netlink::arp::ArpLink>(std::make_unique<PeerLink>(peer_));
        },
        t));
  }
  std::string wait_state_not(const std::string& n, const std::string& st) {
    std::string s;
    for (int i = 0; i < 300 && (s = state(n)) == st; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return s;
  }
  void TearDown() override { svc_.reset(); }  // joins the sessions first

  void peer_owns(const char* a, bool yes) {
    std::lock_guard lock(peer_.mu);
    if (yes) peer_.owns.insert(*IpAddr::parse(a));
    else peer_.owns.erase(*IpAddr::parse(a));
  }
  void hold(bool on) {
    {
      std::lock_guard lock(peer_.mu);
      peer_.hold = on;
    }
    peer_.cv.notify_all();
  }
  int peer_probes() {
    std::lock_guard lock(peer_.mu);
    return peer_.probes;
  }
  Status create(const std::string& n, const std::string& a, const std::string& remote = "") {
    return svc_->create_addr(static_addr_req(n, a, false, remote));
  }
  std::string state(const std::string& n) {
    rpc::ShowAddrReq q;
    q.set_aobjname(n);
    auto r = svc_->show_addr(q);
    if (!r || r->addrs_size() != 1) return "?";
    return r->addrs(0).state();
  }
  bool in_kernel(int idx, const char* a) {
    return kernel_.find_addr(idx, *IpAddr::parse(a)) != nullptr;
  }
  static rpc::AddrObjReq q(const std::string& n, bool tmp = true) {
    rpc::AddrObjReq r;
    r.set_aobjname(n);
    r.set_temporary(tmp);
    return r;
  }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  Peer peer_;
  std::unique_ptr<Service> svc_;
  int idx_ = 0;
};

TEST_F(Dad4Test, NoConflictStaysOkInTheKernel) {
  ASSERT_TRUE(create("veth0/a", "192.0.2.10/24").is_ok());
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.10"));
  EXPECT_EQ(state("veth0/a"), "ok");  // create-addr waited for the verdict
  EXPECT_EQ(peer_.probes, 3);
}

TEST_F(Dad4Test, AddressInUseIsDuplicateAndOutOfTheKernel) {
  peer_owns("192.0.2.50", true);
  // As illumos: DAD failing is not a create-addr error; the object stays.
  ASSERT_TRUE(create("veth0/d", "192.0.2.50/24").is_ok());
  EXPECT_FALSE(in_kernel(idx_, "192.0.2.50"));
  EXPECT_EQ(state("veth0/d"), "duplicate");
  ASSERT_NE(map_.find_addr("veth0/d"), nullptr);
  EXPECT_TRUE(map_.find_addr("veth0/d")->up);
  EXPECT_TRUE(store_->addr("veth0/d")->has_value());
  EXPECT_EQ(svc_->up_addr(q("veth0/d")).code(), Errc::DadFound);
}

TEST_F(Dad4Test, RefreshAddrProbesAgain) {
  peer_owns("192.0.2.50", true);
  ASSERT_TRUE(create("veth0/d", "192.0.2.50/24").is_ok());
  ASSERT_TRUE(svc_->refresh_addr(q("veth0/d")).is_ok());  // still in use
  EXPECT_EQ(state("veth0/d"), "duplicate");
  EXPECT_FALSE(in_kernel(idx_, "192.0.2.50"));
  peer_owns("192.0.2.50", false);
  ASSERT_TRUE(svc_->refresh_addr(q("veth0/d")).is_ok());
  EXPECT_EQ(state("veth0/d"), "ok");
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.50"));
  int probes = peer_.probes;
  ASSERT_TRUE(svc_->refresh_addr(q("veth0/d")).is_ok());  // ok: a no-op
  EXPECT_EQ(peer_.probes, probes);
}

TEST_F(Dad4Test, DuplicateRecoversWhenTheOtherHostLeaves) {
  // illumos _dup_recovery: a duplicate is probed again periodically.
  auto t = fast();
  t.recovery_ms = 50;
  use_timing(t);
  peer_owns("192.0.2.50", true);
  ASSERT_TRUE(create("veth0/d", "192.0.2.50/24").is_ok());
  EXPECT_EQ(state("veth0/d"), "duplicate");
  int probes = peer_probes();
  for (int i = 0; i < 300 && peer_probes() < probes + 2; ++i)  // a recovery probe, answered
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(state("veth0/d"), "duplicate");
  EXPECT_FALSE(in_kernel(idx_, "192.0.2.50"));
  peer_owns("192.0.2.50", false);
  EXPECT_EQ(wait_state_not("veth0/d", "duplicate"), "ok");
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.50"));
}

TEST_F(Dad4Test, DownAndDeleteClearTheDuplicate) {
  peer_owns("192.0.2.50", true);
  ASSERT_TRUE(create("veth0/d", "192.0.2.50/24").is_ok());
  ASSERT_TRUE(svc_->down_addr(q("veth0/d")).is_ok());
  EXPECT_EQ(state("veth0/d"), "down");
  ASSERT_TRUE(svc_->up_addr(q("veth0/d")).is_ok());  // probes again
  EXPECT_EQ(state("veth0/d"), "duplicate");
  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/d");
  ASSERT_TRUE(svc_->delete_addr(d).is_ok());
  peer_owns("192.0.2.50", false);
  ASSERT_TRUE(create("veth0/d", "192.0.2.50/24").is_ok());
  EXPECT_EQ(state("veth0/d"), "ok");
}

TEST_F(Dad4Test, NoarpLinksAndPointToPointAreNotProbed) {
  peer_owns("192.0.2.50", true);
  peer_owns("198.51.100.1", true);
  kernel_.add_link("veth1", IFF_BROADCAST | IFF_NOARP);
  ASSERT_TRUE(create("veth1/n", "192.0.2.50/24").is_ok());
  EXPECT_EQ(state("veth1/n"), "ok");
  ASSERT_TRUE(create("veth0/p", "198.51.100.1", "198.51.100.2").is_ok());
  EXPECT_EQ(state("veth0/p"), "ok");
  ASSERT_TRUE(create("veth0/v6", "2001:db8::1/64").is_ok());
  EXPECT_EQ(peer_.links_opened, 0);
}

TEST_F(Dad4Test, EnableIfProbesInTheBackgroundAndTakesBackOnlyConflicts) {
  ASSERT_TRUE(create("veth0/a", "192.0.2.10/24").is_ok());
  ASSERT_TRUE(create("veth0/b", "192.0.2.50/24").is_ok());
  ASSERT_TRUE(create("veth0/c", "192.0.2.11/24").is_ok());
  int opened = peer_.links_opened;
  rpc::DisableIfReq dis;
  dis.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  peer_owns("192.0.2.50", true);
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  hold(true);
  ASSERT_TRUE(svc_->enable_if(en).is_ok());  // returns with the probes held
  EXPECT_EQ(state("veth0/b"), "tentative");
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.50"));
  hold(false);
  EXPECT_EQ(wait_state_not("veth0/b", "tentative"), "duplicate");
  EXPECT_EQ(peer_.links_opened, opened + 1);  // one session for the link
  EXPECT_FALSE(in_kernel(idx_, "192.0.2.50"));
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.10"));
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.11"));
  EXPECT_EQ(state("veth0/a"), "ok");
  EXPECT_EQ(state("veth0/c"), "ok");
}

TEST_F(Dad4Test, StaleVerdictIsIgnored) {
  // The verdict of a probe that was overtaken (disable-if and enable-if
  // while it ran) must not touch the object probed again.
  ASSERT_TRUE(create("veth0/b", "192.0.2.50/24").is_ok());
  rpc::DisableIfReq dis;
  dis.set_ifname("veth0");
  rpc::EnableIfReq en;
  en.set_ifname("veth0");
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  peer_owns("192.0.2.50", true);
  int probes = peer_probes();
  ASSERT_TRUE(svc_->enable_if(en).is_ok());  // probe 1: will say duplicate
  for (int i = 0; i < 200 && peer_probes() == probes; ++i)  // it was answered
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(svc_->disable_if(dis).is_ok());
  peer_owns("192.0.2.50", false);
  ASSERT_TRUE(svc_->enable_if(en).is_ok());  // probe 2: will say ok
  wait_state_not("veth0/b", "tentative");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // both verdicts in
  EXPECT_EQ(state("veth0/b"), "ok");
  EXPECT_TRUE(in_kernel(idx_, "192.0.2.50"));
}

}  // namespace
}  // namespace ipadm::core

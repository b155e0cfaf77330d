// dhcp and addrconf address objects in core::Service, against FakeKernel, an
// in-memory store and a fake DHCP agent that records what it was asked.
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <atomic>

#include <set>
#include <thread>

#include "core/requests.h"
#include "core/service.h"
#include "dhcp/agent.h"
#include "dns/applier.h"
#include "netlink/fake_kernel.h"
#include "store/sqlite_store.h"
#include "store/sqlite_volatile_store.h"

namespace ipadm::core {
namespace {

class FakeAgent : public dhcp::Agent {
 public:
  Status start(const dhcp::Params& p) override {
    started.push_back(p);
    ++started_count;
    running_.insert(p.aobjname);
    ++generation;
    return start_status;
  }
  void stop(const std::string& aobjname, bool release) override {
    stopped.push_back({aobjname, release});
    running_.erase(aobjname);
  }
  bool wait_exit(const std::string& aobjname, int) override {
    waited.push_back(aobjname);
    return true;
  }
  Status renew(const std::string& aobjname) override {
    renewed.push_back(aobjname);
    return running_.count(aobjname) ? Status::ok() : Status(Errc::NotFound);
  }
  bool running(const std::string& aobjname) const override { return running_.count(aobjname); }
  bool current(const dhcp::Event& ev) const override {
    return running(ev.aobjname) && ev.generation == generation;
  }
  void stop_all() override { running_.clear(); }

  std::vector<dhcp::Params> started;
  std::vector<std::pair<std::string, bool>> stopped;
  std::vector<std::string> waited, renewed;
  Status start_status;
  // Read by a test's "server" thread while the Service calls start().
  std::atomic<uint64_t> generation{0};
  std::atomic<size_t> started_count{0};

 private:
  std::set<std::string> running_;
};

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

class DynamicAddrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
    ASSERT_TRUE(st.is_ok());
    store_ = std::move(*st);
    kernel_.add_loopback();
    idx_ = kernel_.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
    svc_ = std::make_unique<Service>(kernel_, *store_, map_);
    svc_->set_dhcp_agent(&agent_);
  }

  rpc::CreateAddrReq dhcp_req(const std::string& name, const std::string& wait = "0",
                              bool tmp = false) {
    rpc::CreateAddrReq r;
    r.set_aobjname(name);
    r.set_type("dhcp");
    r.set_wait(wait);
    r.set_temporary(tmp);
    return r;
  }
  rpc::CreateAddrReq addrconf_req(const std::string& name, const std::string& id = "",
                                  const std::string& policy = "") {
    rpc::CreateAddrReq r;
    r.set_aobjname(name);
    r.set_type("addrconf");
    r.set_interface_id(id);
    r.set_policy(policy);
    return r;
  }
  dhcp::Event bound(const char* addr, uint32_t secs = 120,
                    dhcp::EventKind kind = dhcp::EventKind::Bound) {
    dhcp::Event ev;
    ev.aobjname = "veth0/dh";
    ev.kind = kind;
    ev.generation = agent_.generation;
    dhcp::Lease l;
    l.addr = ip(addr);
    l.prefixlen = 24;
    l.routers = {ip("192.0.2.1")};
    l.lease_secs = secs;
    ev.lease = l;
    return ev;
  }
  const AddrObj* obj(const std::string& n) { return map_.find_addr(n); }

  netlink::FakeKernel kernel_;
  std::unique_ptr<store::SqliteStore> store_;
  AddrObjMap map_{nullptr};
  FakeAgent agent_;
  std::unique_ptr<Service> svc_;
  int idx_ = 0;
};

TEST_F(DynamicAddrTest, DhcpCreateStartsClientAndPersists) {
  auto req = dhcp_req("veth0/dh");
  req.set_primary(true);
  req.set_reqhost("host1");
  ASSERT_TRUE(svc_->create_addr(req).is_ok());
  ASSERT_EQ(agent_.started.size(), 1u);
  EXPECT_EQ(agent_.started[0].ifname, "veth0");
  EXPECT_EQ(agent_.started[0].hostname, "host1");
  EXPECT_FALSE(agent_.started[0].request.has_value());
  ASSERT_NE(obj("veth0/dh"), nullptr);
  EXPECT_TRUE(obj("veth0/dh")->local.is_zero());
  auto rec = store_->addr("veth0/dh");
  ASSERT_TRUE(rec.is_ok() && rec->has_value());
  EXPECT_EQ(rec->value().atype, AddrType::Dhcp);
  EXPECT_EQ(rec->value().extra, "0,yes");
  auto props = store_->addr_props("veth0/dh");
  ASSERT_TRUE(props.is_ok());
  ASSERT_EQ(props->size(), 1u);
  EXPECT_EQ((*props)[0].name, "reqhost");
  EXPECT_EQ(kernel_.addrs_on(idx_).size(), 0u);  // nothing until a lease
}

TEST_F(DynamicAddrTest, DhcpLeaseEventsDriveTheKernel) {
  ASSERT_TRUE(svc_->create_addr(dhcp_req("veth0/dh")).is_ok());
  svc_->on_dhcp_event(bound("192.0.2.57"));
  const netlink::Addr* a = kernel_.find_addr(idx_, ip("192.0.2.57"));
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->prefixlen, 24);
  EXPECT_EQ(a->valid_lft, 120u);
  ASSERT_EQ(kernel_.routes().size(), 1u);
  EXPECT_EQ(kernel_.routes()[0].protocol, RTPROT_DHCP);
  EXPECT_EQ(kernel_.routes()[0].gateway, ip("192.0.2.1"));
  EXPECT_EQ(obj("veth0/dh")->local, ip("192.0.2.57"));

  // A renew with another address moves the object.
  svc_->on_dhcp_event(bound("192.0.2.58", 60, dhcp::EventKind::Renew));
  EXPECT_EQ(kernel_.find_addr(idx_, ip("192.0.2.57")), nullptr);
  ASSERT_NE(kernel_.find_addr(idx_, ip("192.0.2.58")), nullptr);
  EXPECT_EQ(kernel_.routes().size(), 1u);

  // An event of an older client generation is too late.
  auto stale = bound("192.0.2.59");
  stale.generation = agent_.generation - 1;
  svc_->on_dhcp_event(stale);
  EXPECT_EQ(kernel_.find_addr(idx_, ip("192.0.2.59")), nullptr);

  dhcp::Event lost;
  lost.aobjname = "veth0/dh";
  lost.kind = dhcp::EventKind::Deconfig;
  lost.generation = agent_.generation;
  svc_->on_dhcp_event(lost);
  EXPECT_EQ(kernel_.addrs_on(idx_).size(), 0u);
  EXPECT_TRUE(kernel_.routes().empty());
  EXPECT_TRUE(obj("veth0/dh")->local.is_zero());
}

TEST_F(DynamicAddrTest, DhcpWaitTimesOutSoftlyOrEndsWithTheLease) {
  EXPECT_EQ(svc_->create_addr(dhcp_req("veth0/dh", "1", true)).code(), Errc::DhcpIpcTimeout);
  EXPECT_NE(obj("veth0/dh"), nullptr);  // kept: the lease may come later
  ASSERT_TRUE(svc_->delete_addr([] {
    rpc::DeleteAddrReq d;
    d.set_aobjname("veth0/dh");
    return d;
  }()).is_ok());
  std::thread server([&] {
    for (int i = 0; i < 500 && agent_.started_count < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    svc_->on_dhcp_event(bound("192.0.2.60"));
  });
  Status s = svc_->create_addr(dhcp_req("veth0/dh", "10", true));
  server.join();
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_NE(kernel_.find_addr(idx_, ip("192.0.2.60")), nullptr);
}

TEST_F(DynamicAddrTest, DhcpDeleteReleaseStopsClientFirst) {
  ASSERT_TRUE(svc_->create_addr(dhcp_req("veth0/dh")).is_ok());
  svc_->on_dhcp_event(bound("192.0.2.57"));
  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/dh");
  d.set_release(true);
  ASSERT_TRUE(svc_->delete_addr(d).is_ok());
  ASSERT_EQ(agent_.stopped.size(), 1u);
  EXPECT_TRUE(agent_.stopped[0].second);
  EXPECT_EQ(agent_.waited, std::vector<std::string>{"veth0/dh"});
  EXPECT_EQ(kernel_.addrs_on(idx_).size(), 0u);
  EXPECT_TRUE(kernel_.routes().empty());
  auto rec = store_->addr("veth0/dh");
  ASSERT_TRUE(rec.is_ok());
  EXPECT_FALSE(rec->has_value());
}

TEST_F(DynamicAddrTest, DhcpRefusals) {
  EXPECT_EQ(svc_->create_addr(dhcp_req("lo/dh")).code(), Errc::NotSup);
  auto bad = dhcp_req("veth0/dh");
  bad.set_reqhost("-bad");
  EXPECT_EQ(svc_->create_addr(bad).code(), Errc::InvalidArg);
  EXPECT_EQ(svc_->create_addr(dhcp_req("veth0/dh", "soon")).code(), Errc::InvalidArg);
  EXPECT_EQ(map_.addrs().size(), 0u);
  EXPECT_TRUE(agent_.started.empty());
  ASSERT_TRUE(svc_->create_addr(dhcp_req("veth0/dh")).is_ok());
  EXPECT_EQ(svc_->create_addr(dhcp_req("veth0/dh2")).code(), Errc::DhcpIpcError);
  rpc::AddrObjReq up;
  up.set_aobjname("veth0/dh");
  EXPECT_EQ(svc_->up_addr(up).code(), Errc::NotSup);  // persistently: never
  Service none(kernel_, *store_, map_);
  EXPECT_EQ(none.create_addr(dhcp_req("veth0/x")).code(), Errc::DhcpStartError);
}

TEST_F(DynamicAddrTest, DhcpRestoreAndResume) {
  ASSERT_TRUE(svc_->create_addr(dhcp_req("veth0/dh")).is_ok());
  svc_->on_dhcp_event(bound("192.0.2.57"));
  // Daemon restart: a new service over the same map resumes the client and
  // asks for the lease the kernel holds.
  FakeAgent agent2;
  Service svc2(kernel_, *store_, map_);
  svc2.set_dhcp_agent(&agent2);
  ASSERT_TRUE(svc2.reconcile().is_ok());
  svc2.resume_dhcp();
  ASSERT_EQ(agent2.started.size(), 1u);
  EXPECT_EQ(agent2.started[0].request, ip("192.0.2.57"));
  EXPECT_NE(kernel_.find_addr(idx_, ip("192.0.2.57")), nullptr);

  // Reboot: empty kernel and map; restore starts the client again.
  AddrObjMap map3{nullptr};
  netlink::FakeKernel k3;
  k3.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  FakeAgent agent3;
  Service svc3(k3, *store_, map3);
  svc3.set_dhcp_agent(&agent3);
  auto r = svc3.restore();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->failed_size(), 0);
  ASSERT_EQ(agent3.started.size(), 1u);
  EXPECT_FALSE(agent3.started[0].request.has_value());
  ASSERT_NE(map3.find_addr("veth0/dh"), nullptr);
  EXPECT_EQ(map3.find_addr("veth0/dh")->flags, kActive | kPersist);
}

TEST_F(DynamicAddrTest, AddrconfLinkLocalAndSlaacSysctls) {
  ASSERT_TRUE(svc_->create_if(if_req("veth0")).is_ok());
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/accept_ra"), "0");  // plumbed: no RAs
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth0/v6")).is_ok());
  // MAC 02:00:00:00:00:02 -> EUI-64 0000:00ff:fe00:0002
  EXPECT_NE(kernel_.find_addr(idx_, ip("fe80::ff:fe00:2")), nullptr);
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/accept_ra"), "1");
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/autoconf"), "1");
  EXPECT_EQ(svc_->create_addr(addrconf_req("veth0/again")).code(), Errc::AddrconfExists);

  // The kernel's SLAAC address shows under the object's name.
  netlink::Addr slaac;
  slaac.ifindex = idx_;
  slaac.family = AF_INET6;
  slaac.local = ip("2001:db8:1::ff:fe00:2");
  slaac.prefixlen = 64;
  slaac.flags = 0;  // not IFA_F_PERMANENT
  kernel_.inject_addr(slaac);
  rpc::ShowAddrReq q;
  auto rows = svc_->show_addr(q);
  ASSERT_TRUE(rows.is_ok());
  int under = 0;
  for (auto& r : rows->addrs())
    if (r.aobjname() == "veth0/v6") {
      ++under;
      EXPECT_EQ(r.type(), "addrconf");
    }
  EXPECT_EQ(under, 2);

  rpc::DeleteAddrReq d;
  d.set_aobjname("veth0/v6");
  ASSERT_TRUE(svc_->delete_addr(d).is_ok());
  EXPECT_EQ(kernel_.find_addr(idx_, ip("fe80::ff:fe00:2")), nullptr);
  EXPECT_EQ(kernel_.find_addr(idx_, slaac.local), nullptr);
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/accept_ra"), "0");
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/autoconf"), "0");
}

// DHCPv6 of stateful=yes runs once a router advertisement set the M flag
// (the kernel's IF_RA_MANAGED), as in.ndpd starts dhcpagent on illumos.
TEST_F(DynamicAddrTest, Dhcpv6StartsOnceARouterSetsTheMFlag) {
  constexpr uint32_t kRcvd = 0x20, kManaged = 0x40;
  FakeAgent agent6;
  svc_->set_dhcp6_agent(&agent6);
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth0/v6")).is_ok());  // stateful=yes
  EXPECT_TRUE(agent6.started.empty()) << "no RA with M yet";
  kernel_.set_inet6_flags(idx_, kRcvd);  // an RA without M
  svc_->on_inet6_flags("veth0");
  EXPECT_TRUE(agent6.started.empty());
  kernel_.set_inet6_flags(idx_, kRcvd | kManaged);
  svc_->on_inet6_flags("lo");  // another interface's change
  EXPECT_TRUE(agent6.started.empty());
  svc_->on_inet6_flags("veth0");
  ASSERT_EQ(agent6.started.size(), 1u);
  EXPECT_EQ(agent6.started[0].aobjname, "veth0/v6");
  EXPECT_EQ(agent6.started[0].ifname, "veth0");
  // Running: neither restarted by later changes nor stopped when M goes.
  svc_->on_inet6_flags("");
  kernel_.set_inet6_flags(idx_, kRcvd);
  svc_->on_inet6_flags("veth0");
  EXPECT_EQ(agent6.started.size(), 1u);
  EXPECT_TRUE(agent6.stopped.empty());

  // M already set when the object is created: started at once.
  int idx1 = kernel_.add_link("veth1", IFF_BROADCAST | IFF_MULTICAST);
  kernel_.set_inet6_flags(idx1, kRcvd | kManaged);
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth1/v6")).is_ok());
  ASSERT_EQ(agent6.started.size(), 2u);
  EXPECT_EQ(agent6.started[1].aobjname, "veth1/v6");

  // stateful=no: never, whatever the routers say.
  int idx2 = kernel_.add_link("veth2", IFF_BROADCAST | IFF_MULTICAST);
  kernel_.set_inet6_flags(idx2, kRcvd | kManaged);
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth2/v6", "", "stateful=no")).is_ok());
  svc_->on_inet6_flags("veth2");
  svc_->on_inet6_flags("");
  EXPECT_EQ(agent6.started.size(), 2u);
}

TEST_F(DynamicAddrTest, AddrconfTokenPolicyAndRefusals) {
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth0/v6", "::1:2:3:4/64", "stateless=no"))
                  .is_ok());
  EXPECT_NE(kernel_.find_addr(idx_, ip("fe80::1:2:3:4")), nullptr);
  EXPECT_EQ(kernel_.token(idx_), ip("::1:2:3:4"));
  EXPECT_EQ(kernel_.sysctl("net/ipv6/conf/veth0/autoconf"), "0");
  auto rec = store_->addr("veth0/v6");
  ASSERT_TRUE(rec.is_ok() && rec->has_value());
  EXPECT_EQ(rec->value().extra, "::1:2:3:4/64,no,yes");
  rpc::AddrObjReq up;
  up.set_aobjname("veth0/v6");
  up.set_temporary(true);
  EXPECT_EQ(svc_->up_addr(up).code(), Errc::NotSup);
  EXPECT_EQ(svc_->refresh_addr(up).code(), Errc::NotSup);
  EXPECT_EQ(svc_->create_addr(addrconf_req("lo/v6")).code(), Errc::NotSup);
  EXPECT_EQ(svc_->create_addr(addrconf_req("veth0/x", "::1:2")).code(), Errc::InvalidArg);
  EXPECT_EQ(svc_->create_addr(addrconf_req("veth0/x", "", "stateless=maybe")).code(),
            Errc::InvalidArg);
}

TEST_F(DynamicAddrTest, AddrconfRestoreTurnsSlaacOnBeforeTheLinkLocal) {
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth0/v6")).is_ok());
  AddrObjMap map2{nullptr};
  netlink::FakeKernel k2;
  int i2 = k2.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  Service svc2(k2, *store_, map2);
  auto r = svc2.restore();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->failed_size(), 0);
  EXPECT_NE(k2.find_addr(i2, ip("fe80::ff:fe00:1")), nullptr);
  EXPECT_EQ(k2.sysctl("net/ipv6/conf/veth0/accept_ra"), "1");
  EXPECT_TRUE(k2.find_link(i2)->flags & IFF_UP);
}

}  // namespace
}  // namespace ipadm::core

namespace ipadm::core {
namespace {

// A -t value of a property the kernel cannot hold survives a daemon restart
// (the volatile mirror keeps it).
// Learned DNS (service_dns.cc): a recording sink behind a real dns::Applier.
class RecordingSink : public dns::Sink {
 public:
  explicit RecordingSink(std::vector<std::string>* out) : out_(out) {}
  Status apply(const std::string& ifname, int ifindex, const dns::LinkDns& d) override {
    std::string line = ifname + "#" + std::to_string(ifindex) + ":";
    for (const auto& a : d.servers) line += " " + a.to_string();
    line += " |";
    for (const auto& n : d.domains) line += " " + n;
    out_->push_back(line);
    return Status::ok();
  }
  std::string name() const override { return "recording"; }

 private:
  std::vector<std::string>* out_;
};

class DnsHookTest : public DynamicAddrTest {
 protected:
  void SetUp() override {
    DynamicAddrTest::SetUp();
    svc_->set_dns(&dns_);
    svc_->set_dhcp6_agent(&agent6_);
  }
  std::string last() const { return applied_.empty() ? "" : applied_.back(); }
  std::vector<std::string> applied_;
  dns::Applier dns_{[this] { return std::make_unique<RecordingSink>(&applied_); }, nullptr,
                    [] { return int64_t(1000); }};
  FakeAgent agent6_;
};

TEST_F(DnsHookTest, DhcpV4LeaseDnsComesAndGoesWithTheLeaseAndTheObject) {
  ASSERT_TRUE(svc_->create_addr(dhcp_req("veth0/dh")).is_ok());
  auto ev = bound("192.0.2.57");
  ev.lease->dns = {ip("192.0.2.53"), ip("192.0.2.54")};
  ev.lease->domain = "corp.test";
  ev.lease->search = "a.corp.test b.corp.test.";  // trailing dot: the same name
  svc_->on_dhcp_event(ev);
  const std::string want =
      "veth0#" + std::to_string(idx_) + ": 192.0.2.53 192.0.2.54 | corp.test a.corp.test b.corp.test";
  EXPECT_EQ(last(), want);
  dhcp::Event lost;
  lost.aobjname = "veth0/dh";
  lost.kind = dhcp::EventKind::Deconfig;
  lost.generation = agent_.generation;
  svc_->on_dhcp_event(lost);
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": |");
  svc_->on_dhcp_event(ev);
  EXPECT_EQ(last(), want);
  rpc::AddrObjReq dis;
  dis.set_aobjname("veth0/dh");
  dis.set_temporary(true);
  ASSERT_TRUE(svc_->disable_addr(dis).is_ok());
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": |");
  ASSERT_TRUE(svc_->enable_addr(dis).is_ok());
  ev.generation = agent_.generation;
  svc_->on_dhcp_event(ev);
  EXPECT_EQ(last(), want);
  rpc::DeleteAddrReq del;
  del.set_aobjname("veth0/dh");
  ASSERT_TRUE(svc_->delete_addr(del).is_ok());
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": |");
  EXPECT_TRUE(dns_.merged("veth0").empty());
}

TEST_F(DnsHookTest, RaDnsOnlyWhileAnAddrconfObjectRunsSlaac) {
  netlink::NdDnsOptions o;
  o.ifindex = idx_;
  o.rdnss.push_back({600, {ip("2001:db8::53")}});
  o.dnssl.push_back({600, {"ra.test"}});
  svc_->on_nd_dns("veth0", o);
  EXPECT_TRUE(applied_.empty()) << "no addrconf object on veth0";
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth0/v6", "", "stateful=no")).is_ok());
  svc_->on_nd_dns("veth0", o);
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": 2001:db8::53 | ra.test");
  rpc::DeleteAddrReq del;
  del.set_aobjname("veth0/v6");
  ASSERT_TRUE(svc_->delete_addr(del).is_ok());
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": |");
}

TEST_F(DnsHookTest, Dhcpv6LeaseDnsAndLinkGone) {
  constexpr uint32_t kManaged = 0x40;
  kernel_.set_inet6_flags(idx_, kManaged);
  ASSERT_TRUE(svc_->create_addr(addrconf_req("veth0/v6")).is_ok());
  ASSERT_EQ(agent6_.started.size(), 1u);
  dhcp::Event ev;
  ev.aobjname = "veth0/v6";
  ev.kind = dhcp::EventKind::Bound;
  ev.generation = agent6_.generation;
  dhcp::Lease l;
  l.addr = ip("2001:db8:2::100");
  l.prefixlen = 128;
  l.lease_secs = 120;
  l.preferred_secs = 120;
  l.dns = {ip("2001:db8:2::53")};
  l.domain = "v6.test. b.test";
  ev.lease = l;
  svc_->on_dhcp6_event(ev);
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": 2001:db8:2::53 | v6.test b.test");
  EXPECT_TRUE(svc_->link_gone("veth0"));
  EXPECT_EQ(last(), "veth0#" + std::to_string(idx_) + ": |");
}

TEST(TempValues, SurviveADaemonRestart) {
  auto st = store::SqliteStore::open(":memory:", store::OpenMode::ReadWrite);
  ASSERT_TRUE(st.is_ok());
  auto vs = store::SqliteVolatileStore::open(":memory:");
  ASSERT_TRUE(vs.is_ok()) << vs.status().to_string();
  netlink::FakeKernel k;
  k.add_link("veth0", IFF_BROADCAST | IFF_MULTICAST);
  {
    AddrObjMap m(vs->get());
    Service s(k, **st, m);
    ASSERT_TRUE(s.create_addr(static_addr_req("veth0/a", "192.0.2.1/24")).is_ok());
    rpc::SetPropReq r;
    r.set_object_kind("addr");
    r.set_object("veth0/a");
    r.set_name("private");
    r.set_value("on");
    r.set_temporary(true);
    ASSERT_TRUE(s.set_prop(r).is_ok());
    r.set_object_kind("if");
    r.set_object("veth0");
    r.set_protocol("ipv4");
    r.set_name("exchange_routes");
    r.set_value("off");
    ASSERT_TRUE(s.set_prop(r).is_ok());
  }
  AddrObjMap m(vs->get());
  ASSERT_TRUE(m.load().is_ok());
  Service s(k, **st, m);
  ASSERT_TRUE(s.reconcile().is_ok());
  auto current = [&](const char* kind, const char* obj, const char* name) {
    rpc::ShowPropReq q;
    q.set_object_kind(kind);
    q.set_object(obj);
    q.add_names(name);
    auto rep = s.show_prop(q);
    EXPECT_TRUE(rep.is_ok());
    return rep && rep->props_size() ? rep->props(0).current() : std::string("?");
  };
  EXPECT_EQ(current("addr", "veth0/a", "private"), "on");
  EXPECT_EQ(current("if", "veth0", "exchange_routes"), "off");
}

}  // namespace
}  // namespace ipadm::core

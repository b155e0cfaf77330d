// FakeKernel: the Linux behaviours it promises, and its fault injection.
#include "netlink/fake_kernel.h"

#include <gtest/gtest.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <sys/socket.h>

namespace ipadm::netlink {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

AddrRequest req(int ifindex, const char* local, uint8_t plen) {
  AddrRequest r;
  r.ifindex = ifindex;
  r.local = ip(local);
  r.prefixlen = plen;
  return r;
}

class FakeKernelTest : public ::testing::Test {
 protected:
  FakeKernel k_;
  int veth0_ = k_.add_link("veth0");
  int veth1_ = k_.add_link("veth1", IFF_UP);
};

TEST_F(FakeKernelTest, LinksGetIndexesAndCarrier) {
  EXPECT_EQ(veth0_, 1);
  EXPECT_EQ(veth1_, 2);
  auto links = k_.links();
  ASSERT_TRUE(links);
  ASSERT_EQ(links->size(), 2u);
  EXPECT_EQ((*links)[0].ifname, "veth0");
  EXPECT_EQ((*links)[0].kind, "veth");
  EXPECT_FALSE((*links)[0].flags & IFF_UP);
  EXPECT_EQ((*links)[1].flags & (IFF_UP | IFF_RUNNING | IFF_LOWER_UP),
            unsigned{IFF_UP | IFF_RUNNING | IFF_LOWER_UP});
  EXPECT_EQ((*links)[1].operstate, 6);  // IF_OPER_UP
  k_.set_carrier(veth1_, false);
  EXPECT_FALSE(k_.find_link(veth1_)->flags & IFF_RUNNING);

  EXPECT_EQ(k_.link_by_name("veth1")->ifindex, veth1_);
  auto missing = k_.link_by_name("nosuch");
  EXPECT_EQ(missing.status().code(), Errc::Enxio);
  EXPECT_EQ(missing.status().detail(), "nosuch");
}

TEST_F(FakeKernelTest, AddrAddDuplicatesAndMissingLink) {
  ASSERT_TRUE(k_.addr_add(req(veth0_, "192.0.2.1", 24)));
  EXPECT_EQ(k_.addr_add(req(veth0_, "192.0.2.1", 24)).code(), Errc::Exists);
  // IPv4: another prefix length is another address; IPv6: it is not.
  EXPECT_TRUE(k_.addr_add(req(veth0_, "192.0.2.1", 16)));
  ASSERT_TRUE(k_.addr_add(req(veth0_, "2001:db8::1", 64)));
  EXPECT_EQ(k_.addr_add(req(veth0_, "2001:db8::1", 128)).code(), Errc::Exists);
  // The same address on another link is fine.
  EXPECT_TRUE(k_.addr_add(req(veth1_, "192.0.2.1", 24)));
  EXPECT_EQ(k_.addr_add(req(42, "192.0.2.1", 24)).code(), Errc::Enxio);
  EXPECT_EQ(k_.addr_add(req(veth0_, "192.0.2.9", 33)).code(), Errc::InvalidArg);
  EXPECT_EQ(k_.addr_count(), 4u);
}

TEST_F(FakeKernelTest, AddrFieldsLikeTheKernelReportsThem) {
  AddrRequest r = req(veth0_, "10.9.0.1", 32);
  r.peer = ip("10.9.0.2");
  ASSERT_TRUE(k_.addr_add(r));
  AddrRequest r6 = req(veth0_, "2001:db8::1", 64);
  r6.nodad = true;
  r6.valid_lft = 100;
  r6.preferred_lft = 0;
  ASSERT_TRUE(k_.addr_add(r6));

  auto v4 = k_.addrs(AF_INET, veth0_);
  ASSERT_TRUE(v4);
  ASSERT_EQ(v4->size(), 1u);
  EXPECT_EQ((*v4)[0].peer, ip("10.9.0.2"));
  EXPECT_EQ((*v4)[0].label, "veth0");
  EXPECT_EQ((*v4)[0].flags, uint32_t{IFA_F_PERMANENT});

  const Addr* a6 = k_.find_addr(veth0_, ip("2001:db8::1"));
  ASSERT_NE(a6, nullptr);
  EXPECT_EQ(a6->flags, uint32_t{IFA_F_NODAD | IFA_F_DEPRECATED});
  EXPECT_EQ(a6->valid_lft, 100u);
  EXPECT_EQ(a6->preferred_lft, 0u);
  EXPECT_EQ(k_.addrs(AF_UNSPEC, 0)->size(), 2u);
  EXPECT_EQ(k_.addrs(AF_INET, 42).status().code(), Errc::Enxio);
}

TEST_F(FakeKernelTest, AddrDelNotFoundWhenAbsent) {
  ASSERT_TRUE(k_.addr_add(req(veth0_, "192.0.2.1", 24)));
  EXPECT_EQ(k_.addr_del(req(veth0_, "192.0.2.1", 16)).code(), Errc::NotFound);
  ASSERT_TRUE(k_.addr_del(req(veth0_, "192.0.2.1", 24)));
  EXPECT_EQ(k_.addr_del(req(veth0_, "192.0.2.1", 24)).code(), Errc::NotFound);
  EXPECT_EQ(k_.addr_del(req(42, "192.0.2.1", 24)).code(), Errc::Enxio);
}

TEST_F(FakeKernelTest, LinkDownDropsIpv6Only) {
  ASSERT_TRUE(k_.addr_add(req(veth1_, "192.0.2.1", 24)));
  ASSERT_TRUE(k_.addr_add(req(veth1_, "2001:db8::1", 64)));
  ASSERT_TRUE(k_.link_set_up(veth1_, false));
  EXPECT_FALSE(k_.find_link(veth1_)->flags & (IFF_UP | IFF_RUNNING));
  EXPECT_NE(k_.find_addr(veth1_, ip("192.0.2.1")), nullptr);
  EXPECT_EQ(k_.find_addr(veth1_, ip("2001:db8::1")), nullptr);
  EXPECT_EQ(k_.link_set_up(42, true).code(), Errc::Enxio);
}

TEST_F(FakeKernelTest, AutoLinkLocalOnUp) {
  k_.set_auto_linklocal(true);
  ASSERT_TRUE(k_.link_set_up(veth0_, true));
  auto v6 = k_.addrs(AF_INET6, veth0_);
  ASSERT_EQ(v6->size(), 1u);
  EXPECT_TRUE((*v6)[0].local.is_v6_linklocal());
  EXPECT_EQ((*v6)[0].prefixlen, 64);
  // addr_gen_mode none: no link-local.
  ASSERT_TRUE(k_.link_set_up(veth0_, false));
  ASSERT_TRUE(k_.link_set_addr_gen_mode(veth0_, 1));
  EXPECT_EQ(k_.sysctl("net/ipv6/conf/veth0/addr_gen_mode"), "1");
  ASSERT_TRUE(k_.link_set_up(veth0_, true));
  EXPECT_TRUE(k_.addrs(AF_INET6, veth0_)->empty());
}

TEST_F(FakeKernelTest, DadCompletesOrFails) {
  AddrRequest ok = req(veth1_, "2001:db8::1", 64);
  AddrRequest dup = req(veth1_, "2001:db8::2", 64);
  AddrRequest down = req(veth0_, "2001:db8::3", 64);
  k_.set_dad_duplicate(dup.local);
  for (const auto& r : {ok, dup, down}) ASSERT_TRUE(k_.addr_add(r));
  EXPECT_TRUE(k_.find_addr(veth1_, ok.local)->flags & IFA_F_TENTATIVE);

  EXPECT_EQ(*k_.addr_wait_dad(ok, 1000), uint32_t{IFA_F_PERMANENT});
  uint32_t f = *k_.addr_wait_dad(dup, 1000);
  EXPECT_TRUE(f & IFA_F_DADFAILED);
  EXPECT_TRUE(*k_.addr_wait_dad(down, 1000) & IFA_F_TENTATIVE);  // link down
  EXPECT_EQ(*k_.addr_wait_dad(req(veth1_, "192.0.2.1", 24), 1000), 0u);
  EXPECT_EQ(k_.addr_wait_dad(req(veth1_, "2001:db8::9", 64), 1000).status().code(),
            Errc::NotFound);
}

TEST_F(FakeKernelTest, LinkAttributes) {
  ASSERT_TRUE(k_.link_set_arp(veth0_, false));
  EXPECT_TRUE(k_.find_link(veth0_)->flags & IFF_NOARP);
  ASSERT_TRUE(k_.link_set_arp(veth0_, true));
  EXPECT_FALSE(k_.find_link(veth0_)->flags & IFF_NOARP);
  ASSERT_TRUE(k_.link_set_mtu(veth0_, 9000));
  EXPECT_EQ(k_.find_link(veth0_)->mtu, 9000u);
  EXPECT_EQ(k_.sysctl("net/ipv6/conf/veth0/mtu"), "9000");
  EXPECT_EQ(k_.link_set_mtu(veth0_, 10).code(), Errc::InvalidArg);
  EXPECT_EQ(k_.link_set_addr_gen_mode(veth0_, 9).code(), Errc::InvalidArg);
}

TEST_F(FakeKernelTest, Sysctls) {
  EXPECT_EQ(*k_.sysctl_get("net/ipv4/ip_forward"), "0");
  EXPECT_EQ(*k_.sysctl_get("net/ipv4/conf/veth0/forwarding"), "0");
  ASSERT_TRUE(k_.sysctl_set("net/ipv4/conf/veth0/forwarding", "1"));
  EXPECT_EQ(*k_.sysctl_get("net/ipv4/conf/veth0/forwarding"), "1");
  auto missing = k_.sysctl_get("net/ipv4/conf/nosuch/forwarding");
  EXPECT_EQ(missing.status().code(), Errc::NotFound);
  EXPECT_EQ(missing.status().detail(), "net/ipv4/conf/nosuch/forwarding");
  EXPECT_EQ(k_.sysctl_set("net/nosuch", "1").code(), Errc::NotFound);
  EXPECT_EQ(k_.sysctl_get("../x").status().code(), Errc::InvalidArg);
  k_.set_sysctl("net/custom", "7");
  EXPECT_EQ(*k_.sysctl_get("net/custom"), "7");
  // Disabling IPv6 drops the link's IPv6 addresses and refuses new ones.
  ASSERT_TRUE(k_.addr_add(req(veth0_, "2001:db8::1", 64)));
  ASSERT_TRUE(k_.sysctl_set("net/ipv6/conf/veth0/disable_ipv6", "1"));
  EXPECT_EQ(k_.find_addr(veth0_, ip("2001:db8::1")), nullptr);
  EXPECT_EQ(k_.addr_add(req(veth0_, "2001:db8::1", 64)).code(), Errc::EPerm);
  // Removing a link removes its sysctls and addresses.
  ASSERT_TRUE(k_.addr_add(req(veth0_, "192.0.2.1", 24)));
  ASSERT_TRUE(k_.remove_link(veth0_));
  EXPECT_FALSE(k_.sysctl("net/ipv4/conf/veth0/forwarding"));
  EXPECT_EQ(k_.addr_count(), 0u);
}

TEST_F(FakeKernelTest, FaultsFireInOrderAndCount) {
  k_.fail_next(FakeOp::kAddrAdd, Status(Errc::NoBufs, "injected"), 1);
  k_.fail_next(FakeOp::kAddrAdd, Status(Errc::EPerm, "second"));
  EXPECT_TRUE(k_.addr_add(req(veth0_, "192.0.2.1", 24)));  // skipped once
  EXPECT_EQ(k_.addr_add(req(veth0_, "192.0.2.2", 24)).code(), Errc::NoBufs);
  EXPECT_EQ(k_.addr_add(req(veth0_, "192.0.2.3", 24)).code(), Errc::EPerm);
  EXPECT_TRUE(k_.addr_add(req(veth0_, "192.0.2.4", 24)));
  EXPECT_EQ(k_.calls(FakeOp::kAddrAdd), 4);
  EXPECT_EQ(k_.addr_count(), 2u);  // faulted calls have no effect

  k_.fail_next(FakeOp::kLinkSetUp, Status(Errc::Failure));
  EXPECT_EQ(k_.link_set_up(veth0_, true).code(), Errc::Failure);
  EXPECT_FALSE(k_.find_link(veth0_)->flags & IFF_UP);
  k_.fail_next(FakeOp::kSysctlGet, Status(Errc::EPerm));
  k_.clear_faults();
  EXPECT_TRUE(k_.sysctl_get("net/ipv4/ip_forward"));
}

TEST_F(FakeKernelTest, BatchCountsEachRequestAsAnAdd) {
  std::vector<AddrRequest> reqs = {req(veth0_, "192.0.2.1", 24), req(veth0_, "192.0.2.1", 24),
                                   req(42, "192.0.2.2", 24), req(veth0_, "192.0.2.3", 24),
                                   req(veth0_, "192.0.2.4", 24)};
  k_.fail_next(FakeOp::kAddrAdd, Status(Errc::NoBufs), 3);
  std::vector<Status> results;
  ASSERT_TRUE(k_.addr_add_batch(reqs, &results));
  ASSERT_EQ(results.size(), 5u);
  EXPECT_TRUE(results[0]);
  EXPECT_EQ(results[1].code(), Errc::Exists);
  EXPECT_EQ(results[2].code(), Errc::Enxio);
  EXPECT_EQ(results[3].code(), Errc::NoBufs);
  EXPECT_TRUE(results[4]);
  EXPECT_EQ(k_.calls(FakeOp::kAddrAdd), 5);
  EXPECT_EQ(k_.calls(FakeOp::kAddrAddBatch), 1);

  k_.fail_next(FakeOp::kAddrAddBatch, Status(Errc::IpcError, "socket"));
  EXPECT_EQ(k_.addr_add_batch(reqs, &results).code(), Errc::IpcError);
  ASSERT_EQ(results.size(), 5u);
  EXPECT_EQ(results[0].code(), Errc::IpcError);
}

TEST(FakeKernelLoopback, HasLoopbackAddresses) {
  FakeKernel k;
  int lo = k.add_loopback();
  auto v = k.addrs(AF_UNSPEC, lo);
  ASSERT_EQ(v->size(), 2u);
  EXPECT_TRUE(k.find_link(lo)->flags & IFF_LOOPBACK);
  EXPECT_NE(k.find_addr(lo, ip("127.0.0.1")), nullptr);
  EXPECT_NE(k.find_addr(lo, ip("::1")), nullptr);
}

}  // namespace
}  // namespace ipadm::netlink

// LiveView driven by scripted event sequences: what the daemon is told when
// links appear, go, are renamed, re-created, and after a lost burst.
#include "netlink/live_view.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

namespace ipadm::netlink {
namespace {

using Kind = LinkNotice::Kind;

Link link(int idx, const char* name, uint32_t flags = 0) {
  Link l;
  l.ifindex = idx;
  l.ifname = name;
  l.flags = flags;
  return l;
}

Addr addr(int idx, const char* a, uint8_t plen) {
  Addr x;
  x.ifindex = idx;
  x.local = *IpAddr::parse(a);
  x.family = x.local.family;
  x.prefixlen = plen;
  return x;
}

std::vector<std::pair<Kind, std::string>> kinds(const std::vector<LinkNotice>& v) {
  std::vector<std::pair<Kind, std::string>> out;
  for (auto& n : v) out.emplace_back(n.kind, n.ifname);
  return out;
}
using P = std::vector<std::pair<Kind, std::string>>;

TEST(LiveView, NewLinkAppearsOnceThenChanges) {
  LiveView v;
  EXPECT_EQ(kinds(v.on_new_link(link(2, "veth0"))), (P{{Kind::kAppeared, "veth0"}}));
  EXPECT_TRUE(v.on_new_link(link(2, "veth0")).empty());  // same again: nothing
  auto n = v.on_new_link(link(2, "veth0", IFF_UP));
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].kind, Kind::kChanged);
  EXPECT_EQ(n[0].old_flags, 0u);
  EXPECT_EQ(n[0].flags, static_cast<uint32_t>(IFF_UP));
  EXPECT_EQ(v.link("veth0")->ifindex, 2);
}

TEST(LiveView, DeletedLinkGoesWithItsAddresses) {
  LiveView v;
  v.on_new_link(link(2, "veth0"));
  v.on_new_link(link(3, "veth1"));
  v.on_new_addr(addr(2, "192.0.2.10", 24));
  v.on_new_addr(addr(3, "192.0.2.11", 24));
  EXPECT_EQ(kinds(v.on_del_link(2)), (P{{Kind::kGone, "veth0"}}));
  EXPECT_FALSE(v.link(2));
  EXPECT_TRUE(v.addrs(2).empty());
  EXPECT_EQ(v.addrs().size(), 1u);
  v.on_new_addr(addr(2, "192.0.2.12", 24));  // stale: its link is gone
  EXPECT_TRUE(v.addrs(2).empty());
  EXPECT_TRUE(v.on_del_link(2).empty());  // twice: nothing
}

TEST(LiveView, RenameIsGoneThenAppeared) {
  LiveView v;
  v.on_new_link(link(5, "tmp8"));
  EXPECT_EQ(kinds(v.on_new_link(link(5, "v8"))),
            (P{{Kind::kGone, "tmp8"}, {Kind::kAppeared, "v8"}}));
  EXPECT_FALSE(v.link("tmp8"));
  EXPECT_EQ(v.link("v8")->ifindex, 5);
}

TEST(LiveView, RecreatedLinkWithMissedDeleteReplacesTheOldOne) {
  LiveView v;
  v.on_new_link(link(2, "veth0"));
  v.on_new_addr(addr(2, "192.0.2.10", 24));
  // the DELLINK of ifindex 2 was lost; the new link has the name
  EXPECT_EQ(kinds(v.on_new_link(link(9, "veth0"))),
            (P{{Kind::kGone, "veth0"}, {Kind::kAppeared, "veth0"}}));
  EXPECT_EQ(v.link("veth0")->ifindex, 9);
  EXPECT_FALSE(v.link(2));
  EXPECT_TRUE(v.addrs(2).empty());
}

TEST(LiveView, AddressesFollowEvents) {
  LiveView v;
  v.on_new_link(link(2, "veth0"));
  uint64_t g = v.generation();
  v.on_new_addr(addr(2, "192.0.2.10", 24));
  v.on_new_addr(addr(2, "2001:db8::10", 64));
  EXPECT_GT(v.generation(), g);
  EXPECT_EQ(v.addrs(2).size(), 2u);
  v.on_del_addr(addr(2, "192.0.2.10", 24));
  ASSERT_EQ(v.addrs(2).size(), 1u);
  EXPECT_EQ(v.addrs(2)[0].local, *IpAddr::parse("2001:db8::10"));
  v.on_del_addr(addr(2, "203.0.113.1", 24));  // unknown: nothing
  EXPECT_EQ(v.addrs(2).size(), 1u);
}

// After an overrun the dump is the truth: every difference is reported, as
// the lost events would have.
TEST(LiveView, ReplaceAfterOverrunReportsWhatWasMissed) {
  LiveView v;
  v.on_new_link(link(1, "lo", IFF_UP));
  v.on_new_link(link(2, "veth0"));
  v.on_new_link(link(3, "gone0"));
  v.on_new_link(link(4, "tmp8"));
  v.on_new_addr(addr(2, "192.0.2.10", 24));
  // Lost: gone0 deleted, tmp8 renamed v8, veth0 up, new0 added, the address
  // deleted and another added.
  auto n = v.replace({link(1, "lo", IFF_UP), link(2, "veth0", IFF_UP), link(4, "v8"),
                      link(7, "new0")},
                     {addr(2, "192.0.2.20", 24)});
  EXPECT_EQ(kinds(n), (P{{Kind::kGone, "gone0"},
                         {Kind::kChanged, "veth0"},
                         {Kind::kGone, "tmp8"},
                         {Kind::kAppeared, "v8"},
                         {Kind::kAppeared, "new0"}}));
  ASSERT_EQ(v.addrs(2).size(), 1u);
  EXPECT_EQ(v.addrs(2)[0].local, *IpAddr::parse("192.0.2.20"));
  EXPECT_TRUE(v.replace(v.links(), v.addrs()).empty());  // no difference: silent
}

TEST(LiveView, FirstReplaceMakesEveryLinkAppear) {
  LiveView v;
  EXPECT_EQ(kinds(v.replace({link(1, "lo"), link(2, "veth0")}, {})),
            (P{{Kind::kAppeared, "lo"}, {Kind::kAppeared, "veth0"}}));
}

// Dump order as the kernel lists addresses: IPv4 before IPv6, by link;
// IPv4 primaries before secondaries, oldest first; IPv6 by scope (global
// first), newest first. A dump of one link keeps known addresses in place.
TEST(LiveView, DumpOrderFollowsTheKernelsLists) {
  LiveView v;
  v.on_new_link(link(2, "veth0"));
  v.on_new_link(link(3, "veth1"));
  auto a6 = [](int idx, const char* a, uint8_t scope) {
    Addr x = addr(idx, a, 64);
    x.scope = scope;
    return x;
  };
  Addr sec = addr(2, "192.0.2.11", 24);
  sec.flags = IFA_F_SECONDARY;
  v.on_new_addr(a6(2, "fe80::1", RT_SCOPE_LINK));
  v.on_new_addr(addr(3, "198.51.100.1", 24));
  v.on_new_addr(addr(2, "192.0.2.10", 24));
  v.on_new_addr(sec);
  v.on_new_addr(a6(2, "2001:db8::1", RT_SCOPE_UNIVERSE));
  v.on_new_addr(addr(2, "203.0.113.1", 24));
  v.on_new_addr(a6(2, "2001:db8::2", RT_SCOPE_UNIVERSE));
  auto text = [](const std::vector<Addr>& as) {
    std::vector<std::string> out;
    for (auto& a : as) out.push_back(std::to_string(a.ifindex) + " " + a.local.to_string());
    return out;
  };
  using S = std::vector<std::string>;
  EXPECT_EQ(text(v.dump_order()),
            (S{"2 192.0.2.10", "2 203.0.113.1", "2 192.0.2.11", "3 198.51.100.1", "2 2001:db8::2",
               "2 2001:db8::1", "2 fe80::1"}));
  // An update (DAD done) keeps the place; a dump of veth0 that lacks one
  // address and has a new one (the kernel made it) puts that first.
  v.on_new_addr(a6(2, "2001:db8::1", RT_SCOPE_UNIVERSE));
  v.replace_addrs(2, {addr(2, "192.0.2.10", 24), addr(2, "203.0.113.1", 24), sec,
                      a6(2, "2001:db8::9", RT_SCOPE_UNIVERSE), a6(2, "2001:db8::2", RT_SCOPE_UNIVERSE),
                      a6(2, "fe80::1", RT_SCOPE_LINK)});
  EXPECT_EQ(text(v.dump_order()),
            (S{"2 192.0.2.10", "2 203.0.113.1", "2 192.0.2.11", "3 198.51.100.1", "2 2001:db8::9",
               "2 2001:db8::2", "2 fe80::1"}));
  EXPECT_EQ(text(*v.snapshot("veth1").addrs), (S{"3 198.51.100.1"}));
  EXPECT_TRUE(v.snapshot("nosuch").addrs->empty());
  EXPECT_EQ(v.snapshot("nosuch").links.size(), 2u);
  // Readers share one copy of the order until the next change.
  auto first = v.snapshot("").addrs;
  EXPECT_EQ(text(*first), text(v.dump_order()));
  EXPECT_EQ(v.snapshot("").addrs, first);
  v.on_del_addr(addr(2, "203.0.113.1", 24));
  auto second = v.snapshot("").addrs;
  EXPECT_NE(second, first);
  EXPECT_EQ(text(*second), (S{"2 192.0.2.10", "2 192.0.2.11", "3 198.51.100.1", "2 2001:db8::9",
                              "2 2001:db8::2", "2 fe80::1"}));
  EXPECT_EQ(first->size(), 7u) << "a reader's copy does not change under it";
}

}  // namespace
}  // namespace ipadm::netlink

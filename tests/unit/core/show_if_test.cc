// show-if rows against illumos (issue 10 item 3): STATE from the link and
// its addresses (libipadm i_ipadm_get_all_if_info), CLASS, OVER, and the
// loopback's CURRENT letters as illumos prints them for lo0.
#include <gtest/gtest.h>
#include <net/if.h>
#include <sys/socket.h>

#include "core/show.h"
#include "core/addr_rows.h"

namespace ipadm::core {
namespace {

constexpr uint32_t kUpRunning = IFF_UP | IFF_RUNNING | IFF_BROADCAST | IFF_MULTICAST;

class ShowIfTest : public ::testing::Test {
 protected:
  void link(int idx, const std::string& name, uint32_t flags) {
    netlink::Link l;
    l.ifindex = idx;
    l.ifname = name;
    l.flags = flags;
    kv.links.push_back(l);
  }
  void addr(int idx, const char* a, int family = AF_INET) {
    netlink::Addr x;
    x.ifindex = idx;
    x.family = family;
    x.local = *IpAddr::parse(a);
    x.prefixlen = family == AF_INET ? 24 : 64;
    auto v = kv.addrs();
    v.push_back(x);
    kv.set_addrs(std::move(v));
  }
  void plumbed(const std::string& name) {
    IfObj o;
    o.ifname = name;
    o.v4 = o.v6 = true;
    o.flags = kActive;
    ASSERT_TRUE(map.put_if(o).is_ok());
  }
  rpc::IfInfo row(const std::string& name) {
    auto rows = if_rows(kv, map.ifs(), persisted, name);
    EXPECT_EQ(rows.size(), 1u) << name;
    return rows.empty() ? rpc::IfInfo() : rows[0];
  }

  KernelView kv;
  AddrObjMap map{nullptr};
  std::vector<store::IfRecord> persisted;
};

TEST_F(ShowIfTest, NoAddressUpIsDown) {
  link(2, "veth0", kUpRunning);
  plumbed("veth0");
  EXPECT_EQ(row("veth0").state(), "down");  // illumos: no IFF_UP lif
  addr(2, "192.0.2.10");
  EXPECT_EQ(row("veth0").state(), "ok");
}

TEST_F(ShowIfTest, LinkNotRunningIsFailed) {
  link(2, "veth0", IFF_UP | IFF_BROADCAST | IFF_MULTICAST);
  plumbed("veth0");
  addr(2, "192.0.2.10");
  EXPECT_EQ(row("veth0").state(), "failed");
}

TEST_F(ShowIfTest, LinkAdminDownIsDown) {
  link(2, "veth0", IFF_BROADCAST | IFF_MULTICAST);
  plumbed("veth0");
  addr(2, "192.0.2.10");
  EXPECT_EQ(row("veth0").state(), "down");
}

TEST_F(ShowIfTest, PersistentOnlyIsDisabled) {
  persisted.push_back({"veth1", true, true});
  auto r = row("veth1");
  EXPECT_EQ(r.state(), "disabled");
  EXPECT_EQ(r.ifclass(), "ip");
  EXPECT_EQ(r.over(), "");
}

TEST_F(ShowIfTest, ClassAndOver) {
  link(1, "lo", IFF_UP | IFF_RUNNING | IFF_LOOPBACK);
  addr(1, "127.0.0.1");
  addr(1, "::1", AF_INET6);
  link(2, "veth0", kUpRunning);
  plumbed("veth0");
  EXPECT_EQ(row("lo").ifclass(), "loopback");
  EXPECT_EQ(row("veth0").ifclass(), "ip");
  EXPECT_EQ(row("veth0").over(), "");  // no IPMP on Linux
}

TEST_F(ShowIfTest, LoopbackCurrentAsIllumosLo0) {
  link(1, "lo", IFF_UP | IFF_RUNNING | IFF_LOOPBACK);
  addr(1, "127.0.0.1");
  addr(1, "::1", AF_INET6);
  auto r = row("lo");
  EXPECT_EQ(r.current(), "-m-v------46");  // illumos lo0: MULTICAST, VIRTUAL
  EXPECT_EQ(r.state(), "ok");
}

// illumos prints a disabled address's CURRENT as its flag letters, all
// clear (flags2str of 0), not as an empty value.
TEST_F(ShowIfTest, DisabledAddressCurrentIsAllDashes) {
  store::AddrRecord rec;
  rec.aobjname = "veth1/v4";
  rec.ifname = "veth1";
  rec.family = AF_INET;
  rec.local = "192.0.2.7";
  rec.prefixlen = 24;
  auto rows = addr_rows(kv, map, {rec}, {});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state(), "disabled");
  EXPECT_EQ(rows[0].current(), "-----");
  AddrObj o;  // known to the daemon, disabled
  o.aobjname = "veth2/v4";
  o.ifname = "veth2";
  o.family = AF_INET;
  o.local = *IpAddr::parse("192.0.2.8");
  o.prefixlen = 24;
  ASSERT_TRUE(map.put_addr(o).is_ok());
  rows = addr_rows(kv, map, {}, {"veth2/v4", ""});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state(), "disabled");
  EXPECT_EQ(rows[0].current(), "-----");
}

}  // namespace
}  // namespace ipadm::core

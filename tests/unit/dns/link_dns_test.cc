// DnsState (src/dns/link_dns.h): per-source state, merge order, RA expiry.
#include "dns/link_dns.h"

#include <gtest/gtest.h>

#include "dns/values.h"

namespace ipadm::dns {
namespace {

using testing::dns;
using testing::ip;

TEST(DnsState, LeaseSetReplaceDrop) {
  DnsState st;
  EXPECT_TRUE(st.set_lease("net0", Source::Dhcp4, "net0/v4", dns({"192.0.2.1"}, {"a.test"})));
  EXPECT_EQ(st.merged("net0"), dns({"192.0.2.1"}, {"a.test"}));
  // The same again changes nothing.
  EXPECT_FALSE(st.set_lease("net0", Source::Dhcp4, "net0/v4", dns({"192.0.2.1"}, {"a.test"})));
  // A renewal with other values replaces, never appends.
  EXPECT_TRUE(st.set_lease("net0", Source::Dhcp4, "net0/v4", dns({"192.0.2.2"}, {})));
  EXPECT_EQ(st.merged("net0"), dns({"192.0.2.2"}, {}));
  EXPECT_EQ(st.drop_lease("net0/v4"), std::optional<std::string>("net0"));
  EXPECT_TRUE(st.merged("net0").empty());
  EXPECT_TRUE(st.links().empty());
  EXPECT_EQ(st.drop_lease("net0/v4"), std::nullopt);
}

TEST(DnsState, MergeOrderIsDhcp4Dhcp6RaWithoutDuplicates) {
  DnsState st;
  st.ra_servers("net0", {ip("2001:db8::53"), ip("2001:db8::1")}, 600, 0);
  st.ra_domains("net0", {"ra.test", "b.test"}, 600, 0);
  st.set_lease("net0", Source::Dhcp6, "net0/v6", dns({"2001:db8::1"}, {"v6.test"}));
  st.set_lease("net0", Source::Dhcp4, "net0/v4", dns({"192.0.2.1"}, {"a.test", "b.test"}));
  EXPECT_EQ(st.merged("net0"),
            dns({"192.0.2.1", "2001:db8::1", "2001:db8::53"},
                {"a.test", "b.test", "v6.test", "ra.test"}));
}

TEST(DnsState, LinksAreSeparate) {
  DnsState st;
  st.set_lease("net0", Source::Dhcp4, "net0/v4", dns({"192.0.2.1"}, {}));
  st.set_lease("net1", Source::Dhcp4, "net1/v4", dns({"198.51.100.1"}, {}));
  EXPECT_EQ(st.links(), (std::vector<std::string>{"net0", "net1"}));
  EXPECT_TRUE(st.drop_link("net0"));
  EXPECT_FALSE(st.drop_link("net0"));
  EXPECT_EQ(st.links(), std::vector<std::string>{"net1"});
  EXPECT_EQ(st.drop_lease("net0/v4"), std::nullopt);
}

TEST(DnsState, RaLifetimesExpireEachValue) {
  DnsState st;
  EXPECT_TRUE(st.ra_servers("net0", {ip("2001:db8::53")}, 30, 100));
  EXPECT_TRUE(st.ra_domains("net0", {"ra.test"}, 60, 100));
  EXPECT_EQ(st.next_expiry(), std::optional<int64_t>(130));
  EXPECT_TRUE(st.expire(129).empty());
  EXPECT_EQ(st.expire(130), std::vector<std::string>{"net0"});
  EXPECT_EQ(st.merged("net0"), dns({}, {"ra.test"}));
  EXPECT_EQ(st.next_expiry(), std::optional<int64_t>(160));
  // A refresh moves the deadline.
  EXPECT_FALSE(st.ra_domains("net0", {"ra.test"}, 60, 150));
  EXPECT_TRUE(st.expire(160).empty());
  EXPECT_EQ(st.expire(210), std::vector<std::string>{"net0"});
  EXPECT_TRUE(st.links().empty());
  EXPECT_EQ(st.next_expiry(), std::nullopt);
}

TEST(DnsState, RaLifetimeZeroWithdrawsInfiniteNeverExpires) {
  DnsState st;
  st.ra_servers("net0", {ip("2001:db8::53"), ip("2001:db8::54")}, kInfinite, 0);
  EXPECT_EQ(st.next_expiry(), std::nullopt);
  EXPECT_TRUE(st.expire(int64_t(1) << 40).empty());
  EXPECT_TRUE(st.ra_servers("net0", {ip("2001:db8::53")}, 0, 5));
  EXPECT_EQ(st.merged("net0"), dns({"2001:db8::54"}, {}));
  EXPECT_TRUE(st.drop_ra("net0"));
  EXPECT_TRUE(st.links().empty());
}

TEST(DnsState, DropRaKeepsLeases) {
  DnsState st;
  st.set_lease("net0", Source::Dhcp6, "net0/v6", dns({"2001:db8::1"}, {}));
  st.ra_servers("net0", {ip("2001:db8::53")}, 600, 0);
  EXPECT_TRUE(st.drop_ra("net0"));
  EXPECT_EQ(st.merged("net0"), dns({"2001:db8::1"}, {}));
  EXPECT_FALSE(st.drop_ra("net0"));
}

TEST(DnsState, EmptyLeaseRemoves) {
  DnsState st;
  st.set_lease("net0", Source::Dhcp4, "net0/v4", dns({"192.0.2.1"}, {}));
  EXPECT_TRUE(st.set_lease("net0", Source::Dhcp4, "net0/v4", LinkDns{}));
  EXPECT_TRUE(st.links().empty());
}

}  // namespace
}  // namespace ipadm::dns

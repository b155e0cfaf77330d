// Applier (src/dns/applier.h): changes reach the sink once, the sink is made
// on first use, RA values expire by the clock.
#include "dns/applier.h"

#include <gtest/gtest.h>

namespace ipadm::dns {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

struct Recorded {
  std::string ifname;
  int ifindex;
  LinkDns d;
};

class RecordingSink : public Sink {
 public:
  explicit RecordingSink(std::vector<Recorded>* out) : out_(out) {}
  Status apply(const std::string& ifname, int ifindex, const LinkDns& d) override {
    out_->push_back({ifname, ifindex, d});
    return Status::ok();
  }
  std::string name() const override { return "recording"; }

 private:
  std::vector<Recorded>* out_;
};

struct Fixture {
  std::vector<Recorded> applied;
  std::vector<std::string> logs;
  int made = 0;
  int64_t now = 1000;
  Applier applier{[this] {
                    ++made;
                    return std::make_unique<RecordingSink>(&applied);
                  },
                  [this](const std::string& m) { logs.push_back(m); }, [this] { return now; }};
};

TEST(Applier, SinkMadeOnFirstChangeOnly) {
  Fixture f;
  f.applier.lease_gone("net0/v4");  // nothing known: no sink yet
  EXPECT_EQ(f.made, 0);
  LinkDns d;
  d.servers = {ip("192.0.2.1")};
  f.applier.lease("net0", 4, Source::Dhcp4, "net0/v4", d);
  f.applier.lease("net0", 4, Source::Dhcp4, "net0/v4", d);  // unchanged: not applied again
  ASSERT_EQ(f.applied.size(), 1u);
  EXPECT_EQ(f.applied[0].ifindex, 4);
  EXPECT_EQ(f.applied[0].d, d);
  f.applier.lease_gone("net0/v4");
  ASSERT_EQ(f.applied.size(), 2u);
  EXPECT_TRUE(f.applied[1].d.empty());
  EXPECT_EQ(f.made, 1);
}

TEST(Applier, RaExpiresByTheClock) {
  Fixture f;
  f.applier.ra_servers("net0", 5, {ip("2001:db8::53")}, 30);
  f.applier.ra_domains("net0", 5, {"ra.test"}, 60);
  ASSERT_EQ(f.applied.size(), 2u);
  f.now += 29;
  f.applier.expire_now();
  EXPECT_EQ(f.applied.size(), 2u);
  f.now += 1;
  f.applier.expire_now();
  ASSERT_EQ(f.applied.size(), 3u);
  EXPECT_TRUE(f.applied[2].d.servers.empty());
  EXPECT_EQ(f.applied[2].d.domains, std::vector<std::string>{"ra.test"});
  f.now += 30;
  f.applier.expire_now();
  ASSERT_EQ(f.applied.size(), 4u);
  EXPECT_TRUE(f.applied[3].d.empty());
  EXPECT_EQ(f.applied[3].ifindex, 5);
}

TEST(Applier, ExpiryThreadRunsOnItsOwn) {
  std::vector<Recorded> applied;
  int64_t base = Applier::monotonic_secs();
  Applier a([&] { return std::make_unique<RecordingSink>(&applied); }, nullptr);
  a.start();
  a.ra_servers("net0", 5, {ip("2001:db8::53")}, 1);
  for (int i = 0; i < 50 && !a.merged("net0").empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(a.merged("net0").empty());
  EXPECT_LE(Applier::monotonic_secs() - base, 3);
  a.stop();
}

TEST(Applier, LinkGoneAndRaGone) {
  Fixture f;
  LinkDns d;
  d.servers = {ip("2001:db8::1")};
  f.applier.lease("net0", 4, Source::Dhcp6, "net0/v6", d);
  f.applier.ra_servers("net0", 4, {ip("2001:db8::53")}, 600);
  f.applier.ra_gone("net0");
  EXPECT_EQ(f.applier.merged("net0"), d);
  f.applier.link_gone("net0");
  EXPECT_TRUE(f.applier.merged("net0").empty());
  EXPECT_TRUE(f.applied.back().d.empty());
}

}  // namespace
}  // namespace ipadm::dns

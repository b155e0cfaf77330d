// dhclient -6 hook messages: translation and validation (src/dhcp/lease6.h),
// and the link-local check of the PREINIT6 wait (src/dhcp/linklocal.h).
#include "dhcp/lease6.h"

#include <gtest/gtest.h>

#include "dhcp/linklocal.h"

namespace ipadm::dhcp {
namespace {

constexpr int64_t kNow = 1800000000;

HookMessage bound6() {
  HookMessage m;
  m.event = "bound6";
  m.vars = {{"interface", "veth0"},
            {"new_ip6_address", "2001:db8:2::144"},
            {"new_ip6_prefixlen", "128"},
            {"new_max_life", "120"},
            {"new_preferred_life", "90"},
            {"new_life_starts", std::to_string(kNow)},
            {"new_dhcp6_name_servers", "2001:db8:2::53 2001:db8:2::54"},
            {"new_dhcp6_domain_search", "example.test. corp.test."}};
  return m;
}

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

Result<Event> parse(const HookMessage& m, int64_t now = kNow) {
  auto bytes = hook_encode(m);
  if (!bytes) return bytes.status();
  auto d = hook_decode(*bytes);  // through the wire, as the agent gets it
  if (!d) return d.status();
  return event_from_dhclient(*d, "veth0/v6", now);
}

TEST(Lease6, Bound) {
  auto ev = parse(bound6());
  ASSERT_TRUE(ev) << ev.status().to_string();
  EXPECT_EQ(ev->kind, EventKind::Bound);
  EXPECT_EQ(ev->aobjname, "veth0/v6");
  ASSERT_TRUE(ev->lease);
  EXPECT_EQ(ev->lease->addr, ip("2001:db8:2::144"));
  EXPECT_EQ(ev->lease->prefixlen, 128);
  EXPECT_EQ(ev->lease->lease_secs, 120u);
  EXPECT_EQ(ev->lease->preferred_secs, 90u);
  EXPECT_EQ(ev->lease->dns, (std::vector<IpAddr>{ip("2001:db8:2::53"), ip("2001:db8:2::54")}));
  EXPECT_EQ(ev->lease->domain, "example.test. corp.test.");
  EXPECT_FALSE(ev->lease->server);
  EXPECT_TRUE(ev->lease->routers.empty());
}

TEST(Lease6, EventKinds) {
  HookMessage m = bound6();
  m.event = "rebind6";
  EXPECT_EQ(parse(m)->kind, EventKind::Bound);
  m.event = "renew6";
  EXPECT_EQ(parse(m)->kind, EventKind::Renew);
  for (const char* e : {"expire6", "release6", "stop6"}) {
    HookMessage d;
    d.event = e;
    d.vars = {{"old_ip6_address", "2001:db8:2::144"}, {"old_ip6_prefixlen", "128"}};
    auto ev = parse(d);
    ASSERT_TRUE(ev) << e;
    EXPECT_EQ(ev->kind, EventKind::Deconfig);
    ASSERT_TRUE(ev->lease) << e;
    EXPECT_EQ(ev->lease->addr, ip("2001:db8:2::144"));
    EXPECT_EQ(ev->lease->prefixlen, 128);
    d.vars["old_ip6_address"] = "fe80::1";  // unusable: still a Deconfig, no address
    ev = parse(d);
    ASSERT_TRUE(ev);
    EXPECT_FALSE(ev->lease);
  }
  for (const char* e : {"preinit6", "depref6", "bound", "deconfig"}) {
    HookMessage x = bound6();
    x.event = e;
    EXPECT_FALSE(parse(x)) << e;  // not delivered / not v6
  }
  // ...and the v4 translation refuses v6 events.
  EXPECT_FALSE(event_from_hook(bound6(), "a/b"));
}

TEST(Lease6, Lifetimes) {
  HookMessage m = bound6();
  auto ev = parse(m, kNow + 30);  // confirmed 30 s after the lease started
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->lease->lease_secs, 90u);
  EXPECT_EQ(ev->lease->preferred_secs, 60u);
  ev = parse(m, kNow - 100);  // start in the future (clock step): unchanged
  EXPECT_EQ(ev->lease->lease_secs, 120u);
  EXPECT_FALSE(parse(m, kNow + 120));  // already expired
  m.vars["new_preferred_life"] = "0";  // deprecated at once: 1, never "same as valid"
  EXPECT_EQ(parse(m)->lease->preferred_secs, 1u);
  m.vars["new_preferred_life"] = "500";  // more than valid: clamped
  EXPECT_EQ(parse(m)->lease->preferred_secs, 120u);
  m.vars.erase("new_preferred_life");
  m.vars.erase("new_life_starts");
  m.vars["new_max_life"] = "4294967295";  // infinite stays infinite
  ev = parse(m, kNow + 1000);
  EXPECT_EQ(ev->lease->lease_secs, 4294967295u);
  EXPECT_EQ(ev->lease->preferred_secs, 4294967295u);
  m.vars.erase("new_ip6_prefixlen");
  EXPECT_EQ(parse(m)->lease->prefixlen, 128);
}

TEST(Lease6, HostileValues) {
  struct Case {
    const char* key;
    const char* value;  // nullptr: remove
  } cases[] = {
      {"new_ip6_address", nullptr},   {"new_ip6_address", ""},
      {"new_ip6_address", "::"},      {"new_ip6_address", "::1"},
      {"new_ip6_address", "fe80::1"}, {"new_ip6_address", "ff02::1:2"},
      {"new_ip6_address", "::ffff:192.0.2.1"}, {"new_ip6_address", "192.0.2.1"},
      {"new_ip6_address", "2001:db8::1/64"},   {"new_ip6_address", "2001:db8::1 ; reboot"},
      {"new_ip6_prefixlen", "0"},     {"new_ip6_prefixlen", "129"},
      {"new_ip6_prefixlen", "-1"},    {"new_max_life", nullptr},
      {"new_max_life", "0"},          {"new_max_life", "4294967296"},
      {"new_max_life", "1e3"},        {"new_preferred_life", "x"},
      {"new_life_starts", "-5"},      {"new_dhcp6_name_servers", "2001:db8::1 192.0.2.1"},
      {"new_dhcp6_name_servers", "2001:db8::1,2001:db8::2"},
      {"new_dhcp6_domain_search", "a;rm -rf /"}, {"new_dhcp6_domain_search", "$(reboot)"},
      {"new_dhcp6_domain_search", "\"example.test\""},
  };
  for (const auto& c : cases) {
    HookMessage m = bound6();
    if (c.value)
      m.vars[c.key] = c.value;
    else
      m.vars.erase(c.key);
    EXPECT_FALSE(parse(m)) << c.key << "=" << (c.value ? c.value : "(none)");
  }
}

TEST(Lease6, ListsAreBounded) {
  HookMessage m = bound6();
  std::string many, names;
  for (int i = 1; i <= 40; ++i) {
    many += "2001:db8::" + std::to_string(i) + " ";
    names += "d" + std::to_string(i) + ".test ";
  }
  m.vars["new_dhcp6_name_servers"] = many;
  m.vars["new_dhcp6_domain_search"] = names;
  auto ev = parse(m);
  ASSERT_TRUE(ev) << ev.status().to_string();
  EXPECT_EQ(ev->lease->dns.size(), kMaxListEntries);
  EXPECT_EQ(ev->lease->domain, "d1.test d2.test d3.test d4.test d5.test d6.test d7.test d8.test");
  m.vars["new_dhcp6_domain_search"] = std::string(300, 'a');  // one name too long
  EXPECT_FALSE(parse(m));
}

TEST(Lease6, WireAcceptsV6EventsAndVars) {
  auto bytes = hook_encode(bound6());
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->rfind("ipmgmt-dhcp 1\nevent=bound6\n", 0), 0u) << *bytes;
  const std::string h = "ipmgmt-dhcp 1\n";
  EXPECT_TRUE(hook_decode(h + "event=preinit6\ninterface=veth0\n"));
  EXPECT_FALSE(hook_decode(h + "event=BOUND6\n"));  // the hook lower-cases
  EXPECT_FALSE(hook_decode(h + "event=bound6\nreason=BOUND6\n"));
  EXPECT_FALSE(hook_decode(h + "event=bound6\nnew_ip6_address=1\nnew_ip6_address=2\n"));
}

TEST(LinkLocal, UsableOnlyAfterDad) {
  const std::string text =
      "20010db8000200000000000000000144 02 80 00 80 veth0\n"   // global
      "fe800000000000000000000000000005 02 40 20 c0 veth0\n"   // tentative (0x40)
      "fe800000000000000000000000000007 03 40 20 80 veth1\n"   // other interface
      "fe800000000000000000000000000008 04 40 20 88 veth2\n";  // dadfailed (0x08)
  EXPECT_FALSE(has_usable_linklocal(text, "veth0"));
  EXPECT_TRUE(has_usable_linklocal(text, "veth1"));
  EXPECT_FALSE(has_usable_linklocal(text, "veth2"));
  EXPECT_FALSE(has_usable_linklocal(text, "veth"));
  EXPECT_TRUE(has_usable_linklocal(
      "fe800000000000000000000000000005 02 40 20 80 veth0", "veth0"));  // no final NL
  EXPECT_FALSE(has_usable_linklocal("garbage\n\n fe80 02 40 20 zz veth0\nfe80 02 40 2g 80 veth0\n", "veth0"));
  EXPECT_FALSE(wait_linklocal("veth0", 0, "/nonexistent"));
}

}  // namespace
}  // namespace ipadm::dhcp

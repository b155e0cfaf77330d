// Hook message encoding/decoding and lease validation (src/dhcp/lease.h).
#include "dhcp/lease.h"

#include <gtest/gtest.h>

namespace ipadm::dhcp {
namespace {

HookMessage bound_msg() {
  HookMessage m;
  m.event = "bound";
  m.vars = {{"ip", "198.51.100.53"},      {"subnet", "255.255.255.0"},
            {"mask", "24"},               {"router", "198.51.100.1 198.51.100.2"},
            {"broadcast", "198.51.100.255"}, {"dns", "198.51.100.1"},
            {"domain", "example.test"},   {"serverid", "198.51.100.1"},
            {"lease", "120"},             {"interface", "veth0"}};
  return m;
}

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

TEST(Lease, RoundTrip) {
  auto bytes = hook_encode(bound_msg());
  ASSERT_TRUE(bytes) << bytes.status().to_string();
  auto m = hook_decode(*bytes);
  ASSERT_TRUE(m) << m.status().to_string();
  EXPECT_EQ(m->event, "bound");
  EXPECT_EQ(m->vars, bound_msg().vars);
  auto ev = event_from_hook(*m, "veth0/dhcp");
  ASSERT_TRUE(ev) << ev.status().to_string();
  EXPECT_EQ(ev->aobjname, "veth0/dhcp");
  EXPECT_EQ(ev->kind, EventKind::Bound);
  ASSERT_TRUE(ev->lease);
  const Lease& l = *ev->lease;
  EXPECT_EQ(l.addr, ip("198.51.100.53"));
  EXPECT_EQ(l.prefixlen, 24);
  EXPECT_EQ(l.broadcast, ip("198.51.100.255"));
  EXPECT_EQ(l.routers, (std::vector<IpAddr>{ip("198.51.100.1"), ip("198.51.100.2")}));
  EXPECT_EQ(l.dns, std::vector<IpAddr>{ip("198.51.100.1")});
  EXPECT_EQ(l.domain, "example.test");
  EXPECT_EQ(l.server, ip("198.51.100.1"));
  EXPECT_EQ(l.lease_secs, 120u);
}

TEST(Lease, SearchListOption119) {
  HookMessage m = bound_msg();
  m.vars["search"] = "a.example.test  b.example.test";
  auto ev = event_parse(*hook_encode(m), "veth0/dhcp");
  ASSERT_TRUE(ev) << ev.status().to_string();
  EXPECT_EQ(ev->lease->search, "a.example.test b.example.test");
  m.vars["search"] = "a.test $(reboot)";
  EXPECT_FALSE(event_parse(*hook_encode(m), "veth0/dhcp"));
}

TEST(Lease, EventKinds) {
  for (auto [name, kind] : {std::pair{"deconfig", EventKind::Deconfig},
                            {"leasefail", EventKind::LeaseFail},
                            {"nak", EventKind::Nak}}) {
    HookMessage m;
    m.event = name;
    m.vars = {{"interface", "veth0"}, {"ip", "garbage"}};  // ignored for these
    auto ev = event_parse(*hook_encode(m), "a/b");
    ASSERT_TRUE(ev) << name;
    EXPECT_EQ(ev->kind, kind);
    EXPECT_FALSE(ev->lease);
    EXPECT_EQ(event_kind_name(kind), name);
  }
  HookMessage m = bound_msg();
  m.event = "renew";
  auto ev = event_parse(*hook_encode(m), "a/b");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->kind, EventKind::Renew);
  EXPECT_TRUE(ev->lease);
}

TEST(Lease, PrefixFromSubnetOrClassful) {
  HookMessage m = bound_msg();
  m.vars.erase("mask");
  m.vars["subnet"] = "255.255.240.0";
  EXPECT_EQ(event_parse(*hook_encode(m), "a/b")->lease->prefixlen, 20);
  m.vars.erase("subnet");
  m.vars["ip"] = "10.1.2.3";
  EXPECT_EQ(event_parse(*hook_encode(m), "a/b")->lease->prefixlen, 8);
  m.vars["subnet"] = "255.0.255.0";  // not contiguous
  EXPECT_EQ(event_parse(*hook_encode(m), "a/b").status().code(), Errc::BadAddr);
}

TEST(Lease, BadLeaseValues) {
  struct Case {
    const char* key;
    const char* value;  // nullptr: remove
  } cases[] = {
      {"ip", nullptr},         {"ip", ""},                {"ip", "0.0.0.0"},
      {"ip", "127.0.0.1"},     {"ip", "224.0.0.1"},       {"ip", "255.255.255.255"},
      {"ip", "240.1.1.1"},     {"ip", "2001:db8::1"},     {"ip", "1.2.3"},
      {"ip", "01.2.3.4x"},     {"mask", "33"},            {"mask", "0"},
      {"mask", "-1"},          {"mask", "24x"},           {"broadcast", "x"},
      {"router", "1.2.3.4 x"}, {"dns", "1.2.3.4,5.6.7.8"}, {"serverid", "::1"},
      {"lease", "-5"},         {"lease", "4294967296"},   {"lease", "1e3"},
      {"domain", "a;rm -rf /"}, {"domain", "$(reboot)"},
  };
  for (const auto& c : cases) {
    HookMessage m = bound_msg();
    if (c.value)
      m.vars[c.key] = c.value;
    else
      m.vars.erase(c.key);
    auto ev = event_parse(*hook_encode(m), "a/b");
    EXPECT_FALSE(ev) << c.key << "=" << (c.value ? c.value : "(none)");
  }
}

TEST(Lease, ListsAreBounded) {
  HookMessage m = bound_msg();
  std::string many;
  for (int i = 1; i <= 50; ++i) many += "192.0.2." + std::to_string(i) + " ";
  m.vars["router"] = many;
  m.vars["dns"] = "  192.0.2.1   192.0.2.2 ";
  auto ev = event_parse(*hook_encode(m), "a/b");
  ASSERT_TRUE(ev) << ev.status().to_string();
  EXPECT_EQ(ev->lease->routers.size(), kMaxListEntries);
  EXPECT_EQ(ev->lease->dns.size(), 2u);
}

TEST(Lease, EncodeDropsUnrepresentableValues) {
  HookMessage m = bound_msg();
  m.vars["domain"] = "evil\nip=6.6.6.6";   // newline: would forge a line
  m.vars["PATH"] = "/tmp";                  // not a hook variable
  m.vars["dns"] = std::string(kMaxValue + 1, '1');
  auto bytes = hook_encode(m);
  ASSERT_TRUE(bytes);
  auto d = hook_decode(*bytes);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->vars.count("domain"));
  EXPECT_FALSE(d->vars.count("PATH"));
  EXPECT_FALSE(d->vars.count("dns"));
  EXPECT_EQ(d->vars.at("ip"), "198.51.100.53");
  HookMessage bad;
  bad.event = "reboot";
  EXPECT_FALSE(hook_encode(bad));
}

TEST(Lease, HostileBytes) {
  const std::string h = "ipmgmt-dhcp 1\n";
  const std::string bad[] = {
      "",
      "\n",
      h,                                            // no event
      h + "event=bound",                            // unterminated
      "ipmgmt-dhcp 2\nevent=bound\n",               // other version
      h + "event=reboot\n",
      h + "ip=1.2.3.4\nevent=bound\n",              // event not first
      h + "event=bound\nip=1.2.3.4\nip=5.6.7.8\n",  // repeated
      h + "event=bound\nPATH=/tmp\n",               // unknown key
      h + "event=bound\nip\n",                      // no '='
      h + "event=bound\nip=1.2.3.4\x01\n",          // control character
      h + "event=bound\ndomain=\xff\xfe\n",         // non-ASCII
      h + std::string("event=bound\0\n", 13),       // NUL
      h + "event=bound\ndomain=" + std::string(kMaxValue + 1, 'a') + "\n",
      h + "event=bound\n" + std::string(kMaxMessage, '\n'),  // oversized
  };
  for (const auto& b : bad) EXPECT_FALSE(hook_decode(b)) << testing::PrintToString(b);
  EXPECT_TRUE(hook_decode(h + "event=leasefail\n"));
  EXPECT_TRUE(hook_decode(h + "event=bound\nip=\n"));  // empty value parses...
  EXPECT_FALSE(event_parse(h + "event=bound\nip=\n", "a/b"));  // ...but is no lease
}

TEST(Lease, FuzzishNeverCrashes) {
  // Every prefix and single-byte mutation of a valid message either parses
  // or fails cleanly.
  std::string good = *hook_encode(bound_msg());
  for (size_t i = 0; i <= good.size(); ++i) (void)event_parse(good.substr(0, i), "a/b");
  for (size_t i = 0; i < good.size(); ++i)
    for (int c : {0, int('\n'), int('='), int(' '), 0x7f, 0xff}) {
      std::string m = good;
      m[i] = static_cast<char>(c);
      (void)event_parse(m, "a/b");
    }
}

}  // namespace
}  // namespace ipadm::dhcp

// Strict address text and the address rules (common/addr_check.h).
#include "common/addr_check.h"

#include <sys/socket.h>

#include <gtest/gtest.h>

namespace ipadm {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

TEST(AddrCheck, NumericInetPtonForms) {
  struct Case {
    const char* text;
    const char* addr;
    const char* stored;
    const char* scope;
  } cases[] = {
      {"192.0.2.10", "192.0.2.10", "192.0.2.10", ""},
      {"0.0.0.0", "0.0.0.0", "0.0.0.0", ""},  // syntax only: check_link_addr refuses it
      {"2001:db8::10", "2001:db8::10", "2001:db8::10", ""},
      {"2001:DB8::A", "2001:db8::a", "2001:DB8::A", ""},  // as typed
      {"::ffff:192.0.2.9", "192.0.2.9", "192.0.2.9", ""},  // mapped: IPv4, stored as IPv4
      {"::FFFF:c000:0209", "192.0.2.9", "192.0.2.9", ""},
      {"::192.0.2.9", "::192.0.2.9", "::192.0.2.9", ""},   // IPv4-compatible: IPv6
      {"fe80::1%veth0", "fe80::1", "fe80::1", "veth0"},
      {"fe80::1%3", "fe80::1", "fe80::1", "3"},
  };
  for (auto& c : cases) {
    auto h = read_host(c.text);
    ASSERT_TRUE(h.is_ok()) << c.text << ": " << h.status().to_string();
    EXPECT_TRUE(h->numeric) << c.text;
    EXPECT_EQ(h->addr, ip(c.addr)) << c.text;
    EXPECT_EQ(h->stored, c.stored) << c.text;
    EXPECT_EQ(h->scope, c.scope) << c.text;
  }
  EXPECT_EQ(read_host("::ffff:1.2.3.4")->addr.family, AF_INET);
}

TEST(AddrCheck, HostNames) {
  for (const char* name : {"one.example", "host1", "a-b.example.", "x", "123abc", "0xg",
                           "10.example", "a.0x1g", "ab12.c3"}) {
    auto h = read_host(name);
    ASSERT_TRUE(h.is_ok()) << name << ": " << h.status().to_string();
    EXPECT_FALSE(h->numeric) << name;
    EXPECT_EQ(h->stored, name);
  }
}

// inet_aton forms and everything else that is neither inet_pton text nor a
// host name: BadAddr, the text as detail.
TEST(AddrCheck, RefusedText) {
  for (const char* text :
       {"", " ", "192.0.2.010", "1.2.3", "1.2", "10", "0", "0x7f.1", "0x7f000001", "0X7F.1",
        "127.1", "01.2.3.4", "0300.0.2.1", "192.0.2.0x1", "192.0.2.1.", "1.2.3.4.5",
        "999.1.1.1", "256.0.0.1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4x y", "a.b.0x", "name.42",
        "fe80::1%", "fe80::1%a/b", "fe80::1%with space", "1.2.3.4%veth0",
        "::ffff:1.2.3", "1::2::3", "::g", "[::1]", "-bad", "bad-", "a..b", ".a", "under_score",
        "with space", "tab\there", "naïve", "a.-b"}) {
    auto h = read_host(text);
    EXPECT_FALSE(h.is_ok()) << "'" << text << "' read as " << (h ? h->addr.to_string() : "");
    if (!h) {
      EXPECT_EQ(h.status().code(), Errc::BadAddr) << text;
      EXPECT_EQ(h.status().detail(), text);
      EXPECT_EQ(h.status().to_string().rfind("Invalid address", 0), 0u) << text;
    }
  }
  EXPECT_FALSE(read_host(std::string(255, 'a')).is_ok());
  EXPECT_FALSE(read_host(std::string(64, 'a') + ".example").is_ok());  // label > 63
}

TEST(AddrCheck, Scope) {
  EXPECT_TRUE(check_scope(*read_host("fe80::1"), "veth0").is_ok());
  EXPECT_TRUE(check_scope(*read_host("fe80::1%veth0"), "veth0").is_ok());
  EXPECT_TRUE(check_scope(*read_host("192.0.2.1"), "veth0").is_ok());
  for (const char* text : {"fe80::1%net1", "fe80::1%1", "fe80::1%veth00", "2001:db8::1%veth0",
                           "::ffff:192.0.2.1%veth0"}) {
    Status s = check_scope(*read_host(text), "veth0");
    EXPECT_EQ(s.code(), Errc::BadAddr) << text;
  }
}

TEST(AddrCheck, LinkAddressRules) {
  for (const char* ok : {"192.0.2.1", "10.0.0.1", "240.0.0.1", "2001:db8::1", "fe80::1",
                         "169.254.1.1", "::192.0.2.1"})
    EXPECT_TRUE(check_link_addr(ip(ok), false, ok).is_ok()) << ok;
  struct Case {
    const char* addr;
    bool loopback_link;
    Errc want;
  } cases[] = {
      {"0.0.0.0", false, Errc::BadAddr},           {"::", false, Errc::BadAddr},
      {"0.0.0.0", true, Errc::BadAddr},            {"224.0.0.1", false, Errc::AddrNotAvail},
      {"239.255.255.255", false, Errc::AddrNotAvail}, {"224.0.0.1", true, Errc::AddrNotAvail},
      {"ff02::1", false, Errc::AddrNotAvail},      {"ff05::2", true, Errc::AddrNotAvail},
      {"255.255.255.255", false, Errc::AddrNotAvail}, {"127.0.0.1", false, Errc::AddrNotAvail},
      {"127.255.0.9", false, Errc::AddrNotAvail},  {"::1", false, Errc::AddrNotAvail},
  };
  for (auto& c : cases) {
    Status s = check_link_addr(ip(c.addr), c.loopback_link, c.addr);
    EXPECT_EQ(s.code(), c.want) << c.addr << " loopback link " << c.loopback_link;
  }
  EXPECT_TRUE(is_loopback_addr(ip("127.9.9.9")) && is_loopback_addr(ip("::1")));
  EXPECT_FALSE(is_loopback_addr(ip("::2")) || is_loopback_addr(ip("128.0.0.1")));
  EXPECT_TRUE(check_link_addr(ip("127.0.0.1"), true, "").is_ok());
  EXPECT_TRUE(check_link_addr(ip("::1"), true, "").is_ok());
  EXPECT_EQ(check_link_addr(ip("224.0.0.1"), false, "224.0.0.1").to_string(),
            "Can't assign requested address: 224.0.0.1: a multicast address");
}

TEST(AddrCheck, SubnetBroadcast) {
  EXPECT_EQ(check_not_broadcast(ip("192.0.2.255"), 24, "x").code(), Errc::AddrNotAvail);
  EXPECT_EQ(check_not_broadcast(ip("10.255.255.255"), 8, "x").code(), Errc::AddrNotAvail);
  EXPECT_EQ(check_not_broadcast(ip("192.0.2.3"), 30, "x").code(), Errc::AddrNotAvail);
  EXPECT_TRUE(check_not_broadcast(ip("192.0.2.255"), 23, "x").is_ok());
  EXPECT_TRUE(check_not_broadcast(ip("192.0.2.255"), 32, "x").is_ok());
  EXPECT_TRUE(check_not_broadcast(ip("192.0.2.1"), 31, "x").is_ok());  // RFC 3021
  EXPECT_TRUE(check_not_broadcast(ip("192.0.2.0"), 24, "x").is_ok());
  EXPECT_TRUE(check_not_broadcast(ip("2001:db8::ffff"), 112, "x").is_ok());
}

}  // namespace
}  // namespace ipadm

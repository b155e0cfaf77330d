// DHCPINFORM packets (dhcp/inform.h): the request's fields, and replies as a
// server -- or an attacker on the link -- may send them.
#include "dhcp/inform.h"

#include <arpa/inet.h>

#include <gtest/gtest.h>

#include <cstring>

namespace ipadm::dhcp {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }

// A BOOTREPLY for xid with the given options (code, bytes...) after the
// cookie; end option appended.
std::string reply(uint32_t xid, std::initializer_list<std::string> opts, uint8_t op = 2) {
  std::string b(236, '\0');
  b[0] = static_cast<char>(op);
  uint32_t x = htonl(xid);
  std::memcpy(&b[4], &x, 4);
  const char siaddr[4] = {10, 0, 0, 9};
  std::memcpy(&b[20], siaddr, 4);
  b += std::string("\x63\x82\x53\x63", 4);
  for (auto& o : opts) b += o;
  b += '\xff';
  return b;
}
std::string opt(uint8_t code, std::string value) {
  return std::string(1, static_cast<char>(code)) +
         std::string(1, static_cast<char>(value.size())) + value;
}
const std::string kAck = opt(53, "\x05");

TEST(Inform, RequestCarriesCiaddrChaddrAndMessageType) {
  InformRequest r{0x01020304, std::string("\x02\x00\x00\x00\x00\x07", 6), ip("192.0.2.10")};
  std::string b = build_inform(r);
  ASSERT_GE(b.size(), 240u);
  EXPECT_EQ(b[0], 1);  // BOOTREQUEST
  EXPECT_EQ(b[1], 1);  // Ethernet
  EXPECT_EQ(b[2], 6);
  EXPECT_EQ(b.substr(4, 4), std::string("\x01\x02\x03\x04", 4));
  EXPECT_EQ(b.substr(12, 4), std::string("\xc0\x00\x02\x0a", 4));  // ciaddr
  EXPECT_EQ(b.substr(16, 4), std::string(4, '\0'));               // yiaddr 0
  EXPECT_EQ(b.substr(28, 6), r.chaddr);
  EXPECT_EQ(b.substr(236, 4), std::string("\x63\x82\x53\x63", 4));
  EXPECT_EQ(b.substr(240, 3), std::string("\x35\x01\x08", 3));  // DHCPINFORM
  EXPECT_EQ(static_cast<uint8_t>(b.back()), 255);
}

TEST(Inform, AckWithParameters) {
  auto r = parse_inform_reply(
      reply(7, {kAck, opt(54, std::string("\xc0\x00\x02\x01", 4)),
                opt(1, std::string("\xff\xff\xff\x00", 4)),
                opt(3, std::string("\xc0\x00\x02\x01", 4)), opt(6, std::string("\xc0\x00\x02\x35\x08\x08\x08\x08", 8)),
                opt(15, "example.net")}),
      7);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_TRUE(r->has_value());
  const InformReply& a = **r;
  EXPECT_EQ(a.server, ip("192.0.2.1"));
  EXPECT_EQ(a.netmask, ip("255.255.255.0"));
  EXPECT_EQ(a.routers, std::vector<IpAddr>{ip("192.0.2.1")});
  EXPECT_EQ(a.dns, (std::vector<IpAddr>{ip("192.0.2.53"), ip("8.8.8.8")}));
  EXPECT_EQ(a.domain, "example.net");
}

TEST(Inform, ServerFromSiaddrWithoutOption54) {
  auto r = parse_inform_reply(reply(7, {kAck}), 7);
  ASSERT_TRUE(r.is_ok() && r->has_value());
  EXPECT_EQ((*r)->server, ip("10.0.0.9"));
}

TEST(Inform, NotOursIsIgnored) {
  EXPECT_FALSE(parse_inform_reply(reply(8, {kAck}), 7)->has_value());            // xid
  EXPECT_FALSE(parse_inform_reply(reply(7, {opt(53, "\x06")}), 7)->has_value());  // NAK
  EXPECT_FALSE(parse_inform_reply(reply(7, {kAck}, 1), 7)->has_value());          // request
  EXPECT_FALSE(parse_inform_reply(reply(7, {}), 7)->has_value());                 // no type
}

TEST(Inform, MalformedRepliesAreErrors) {
  EXPECT_FALSE(parse_inform_reply(std::string(100, '\0'), 0).is_ok());
  std::string no_cookie = reply(7, {kAck});
  no_cookie[236] = 0;
  EXPECT_FALSE(parse_inform_reply(no_cookie, 7).is_ok());
  EXPECT_FALSE(parse_inform_reply(reply(7, {kAck, opt(3, "\x01\x02\x03")}), 7).is_ok());
  EXPECT_FALSE(parse_inform_reply(reply(7, {kAck, opt(54, "\x01")}), 7).is_ok());
  EXPECT_FALSE(parse_inform_reply(reply(7, {opt(53, "\x05\x05")}), 7).is_ok());
  std::string truncated = reply(7, {kAck});
  truncated.back() = 6;  // option 6, no length byte
  EXPECT_FALSE(parse_inform_reply(truncated, 7).is_ok());
  truncated += '\x08';  // length 8, no value
  EXPECT_FALSE(parse_inform_reply(truncated, 7).is_ok());
}

TEST(Inform, DomainWithControlCharactersIsDropped) {
  auto r = parse_inform_reply(reply(7, {kAck, opt(15, "evil\nlog line")}), 7);
  ASSERT_TRUE(r.is_ok() && r->has_value());
  EXPECT_EQ((*r)->domain, "");
}

TEST(Inform, NoPermissionToBindIsAnError) {
  // Without CAP_NET_BIND_SERVICE (unit tests run unprivileged or as root):
  // either way the exchange with nobody listening ends in an error.
  auto r = inform("nosuch0", "", ip("192.0.2.10"), 100);
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(inform("lo", "", ip("::1"), 100).status().code(), Errc::NotSup);
}

}  // namespace
}  // namespace ipadm::dhcp

// JSON import/export: golden output, schema errors with their JSON paths,
// unknown keys, limits and round trips over generated snapshots.
#include "store/conf_json.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "conf_gen.h"

namespace ipadm::store {
namespace {

using testing::ConfGen;
using Strings = std::vector<std::string>;

ConfSnapshot small() {
  ConfSnapshot s;
  s.ifs = {{"net0", true, false}};
  AddrRecord a;
  a.aobjname = "net0/v4";
  a.ifname = "net0";
  a.family = AF_INET;
  a.atype = AddrType::Static;
  a.local = "192.168.10.5";
  a.prefixlen = 24;
  s.addrs = {a};
  s.props = {{"tcp", "", "", "_cwnd_max", "9"}};
  return s;
}

void expect_error(const std::string& text, Errc code, const std::string& detail_prefix) {
  Strings w{"before"};
  auto r = parse_conf_json(text, &w);
  ASSERT_FALSE(r.is_ok()) << text;
  EXPECT_EQ(r.status().code(), code) << r.status().to_string();
  EXPECT_EQ(r.status().detail().substr(0, detail_prefix.size()), detail_prefix) << r.status().detail();
  EXPECT_EQ(w, Strings{"before"});
}

std::string doc(const std::string& members) {
  return R"({"format":"ipadm-linux","version":1)" + std::string(members.empty() ? "" : ",") + members + "}";
}

TEST(ConfJson, FormatGolden) {
  EXPECT_EQ(format_conf_json(small()), R"({
  "format": "ipadm-linux",
  "version": 1,
  "interfaces": [
    {
      "ifname": "net0",
      "ipv4": true,
      "ipv6": false
    }
  ],
  "addresses": [
    {
      "aobjname": "net0/v4",
      "ifname": "net0",
      "family": 4,
      "type": "static",
      "local": "192.168.10.5",
      "remote": "",
      "prefixlen": 24,
      "up": true,
      "extra": ""
    }
  ],
  "properties": [
    {
      "protocol": "tcp",
      "ifname": "",
      "aobjname": "",
      "name": "_cwnd_max",
      "value": "9"
    }
  ]
}
)");
}

TEST(ConfJson, EmptySnapshot) {
  auto s = parse_conf_json(format_conf_json(ConfSnapshot{}), nullptr);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE(*s == ConfSnapshot{});
  // Arrays may be left out.
  EXPECT_TRUE(parse_conf_json(doc(""), nullptr).is_ok());
}

TEST(ConfJson, DefaultsAndDerivedFields) {
  auto s = parse_conf_json(doc(R"("interfaces":[{"ifname":"net0"}],
      "addresses":[{"aobjname":"net0/d","type":"dhcp"},{"aobjname":"net0/s","type":"static","family":6,"local":"::1"},
                   {"aobjname":"net0/c","type":"addrconf","prefixlen":null,"up":false}],
      "properties":[{"aobjname":"net0/d","name":"reqhost","value":"h"}])"),
                           nullptr);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_FALSE(s->ifs[0].v4 || s->ifs[0].v6);
  EXPECT_EQ(s->addrs[0].ifname, "net0");
  EXPECT_EQ(s->addrs[0].family, AF_INET);
  EXPECT_EQ(s->addrs[0].prefixlen, -1);
  EXPECT_TRUE(s->addrs[0].up);
  EXPECT_EQ(s->addrs[1].family, AF_INET6);
  EXPECT_EQ(s->addrs[2].family, AF_INET6);
  EXPECT_FALSE(s->addrs[2].up);
  EXPECT_EQ(s->props[0].ifname, "net0");
}

TEST(ConfJson, UnknownKeysAreWarned) {
  Strings w;
  auto s = parse_conf_json(doc(R"("comment":"x","interfaces":[{"ifname":"net0","ipv4":true,"mtu":9}],
      "properties":[{"protocol":"tcp","name":"ecn","value":"active","why":null}])"),
                           &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(w, (Strings{"$.comment: unknown key, ignored", "$.interfaces[0].mtu: unknown key, ignored",
                        "$.properties[0].why: unknown key, ignored"}));
  EXPECT_EQ(s->props.size(), 1u);
}

TEST(ConfJson, Errors) {
  expect_error("", Errc::InvalidArg, "$: invalid JSON at byte 1");
  expect_error("{", Errc::InvalidArg, "$: invalid JSON");
  expect_error(R"({"a":1} x)", Errc::InvalidArg, "$: invalid JSON");
  expect_error("[]", Errc::InvalidArg, "$: expected an object");
  expect_error(std::string(20, '[') + std::string(20, ']'), Errc::InvalidArg, "$: nested deeper than 8");
  expect_error(R"({"version":1})", Errc::InvalidArg, "$.format: missing");
  expect_error(R"({"format":"other","version":1})", Errc::InvalidArg, "$.format: expected \"ipadm-linux\"");
  expect_error(R"({"format":"ipadm-linux"})", Errc::InvalidArg, "$.version: missing");
  expect_error(R"({"format":"ipadm-linux","version":"1"})", Errc::InvalidArg, "$.version: expected an integer");
  expect_error(R"({"format":"ipadm-linux","version":2})", Errc::NotSup, "$.version: 2 is not supported");
  expect_error(R"({"format":"ipadm-linux","version":0})", Errc::InvalidArg, "$.version: 0 is not supported");
  expect_error(doc(R"("interfaces":{})"), Errc::InvalidArg, "$.interfaces: expected an array");
  expect_error(doc(R"("interfaces":[1])"), Errc::InvalidArg, "$.interfaces[0]: expected an object");
  expect_error(doc(R"("interfaces":[{"ipv4":true}])"), Errc::InvalidArg, "$.interfaces[0].ifname: missing");
  expect_error(doc(R"("interfaces":[{"ifname":"net0","ipv4":1}])"), Errc::InvalidArg,
               "$.interfaces[0].ipv4: expected true or false");
  expect_error(doc(R"("interfaces":[{"ifname":"a/b"}])"), Errc::InvalidName, "$.interfaces[0].ifname: 'a/b'");
  const std::string if0 = R"("interfaces":[{"ifname":"net0","ipv4":true}],)";
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0","type":"dhcp"}])"), Errc::InvalidArg,
               "$.addresses[0].aobjname: invalid address object name");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","ifname":"net1","type":"dhcp"}])"),
               Errc::InvalidArg, "$.addresses[0].ifname: does not match aobjname");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"ppp"}])"), Errc::InvalidArg,
               "$.addresses[0].type: expected");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"static","local":"1.2.3.4"}])"),
               Errc::InvalidArg, "$.addresses[0].family: missing");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"static","family":5,"local":"x"}])"),
               Errc::InvalidArg, "$.addresses[0].family: expected 4 or 6");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"dhcp","prefixlen":"24"}])"),
               Errc::InvalidArg, "$.addresses[0].prefixlen: expected an integer or null");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"dhcp","prefixlen":24.0}])"),
               Errc::InvalidArg, "$.addresses[0].prefixlen: expected an integer or null");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"dhcp","prefixlen":33}])"),
               Errc::InvalidArg, "$.addresses[0].prefixlen: out of range 1..32");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"dhcp","prefixlen":18446744073709551615}])"),
               Errc::InvalidArg, "$.addresses[0].prefixlen: out of range");
  expect_error(doc(if0 + R"("addresses":[{"aobjname":"net0/a","type":"dhcp","extra":7}])"), Errc::InvalidArg,
               "$.addresses[0].extra: expected a string");
  expect_error(doc(R"("properties":[{"protocol":"tcp","value":"1"}])"), Errc::InvalidArg,
               "$.properties[0].name: missing");
  // Cross-record checks name the record.
  expect_error(doc(R"("addresses":[{"aobjname":"net0/a","type":"dhcp"}])"), Errc::InvalidArg,
               "address net0/a: interface net0 is not defined");
  expect_error(doc(R"("properties":[{"protocol":"tcp","name":"x","value":"1"},{"protocol":"tcp","name":"x","value":"2"}])"),
               Errc::InvalidArg, "property x set twice on tcp");
  expect_error(doc(R"("properties":[{"name":"x","value":"1"}])"), Errc::InvalidArg,
               "property x: no protocol and no address object");
}

TEST(ConfJson, RoundTripGeneratedSnapshots) {
  for (unsigned seed = 1; seed <= 500; ++seed) {
    for (bool safe : {true, false}) {
      ConfGen gen(seed, safe);
      ConfSnapshot s = gen.snapshot();
      ASSERT_TRUE(validate_snapshot(s).is_ok()) << "seed " << seed << ": " << validate_snapshot(s).to_string();
      std::string text = format_conf_json(s);
      Strings w;
      auto back = parse_conf_json(text, &w);
      ASSERT_TRUE(back.is_ok()) << "seed " << seed << ": " << back.status().to_string() << "\n" << text;
      EXPECT_TRUE(*back == s) << "seed " << seed << "\n" << text;
      EXPECT_TRUE(w.empty());
      EXPECT_EQ(format_conf_json(*back), text);
    }
  }
}

TEST(ConfJson, BadUtf8IsReplacedNotThrown) {
  ConfSnapshot s = small();
  s.props[0].value = "a\xff";
  std::string text = format_conf_json(s);
  auto back = parse_conf_json(text, nullptr);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->props[0].value, "a\xef\xbf\xbd");
}

// Any text either parses into a valid snapshot or is refused; never a crash
// (and never an exception from nlohmann::json).
TEST(ConfJson, MutatedInputsNeverCrash) {
  const std::string junk = "{}[]\":,0123456789-.eE truefalsenull\\\xff";
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string text = format_conf_json(ConfGen(static_cast<unsigned>(round), round % 2 == 0).snapshot());
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1 + rng() % 4); break;
        case 1: text.insert(at, 1, junk[rng() % junk.size()]); break;
        default: text[at] = junk[rng() % junk.size()]; break;
      }
    }
    auto s = parse_conf_json(text, nullptr);
    if (s.is_ok()) {
      EXPECT_TRUE(validate_snapshot(*s).is_ok()) << text;
    }
  }
}

}  // namespace
}  // namespace ipadm::store

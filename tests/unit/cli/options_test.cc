#include "cli/options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ipadm::cli {
namespace {

struct Argv {
  explicit Argv(std::vector<std::string> a) : strs(std::move(a)) {
    for (auto& s : strs) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
  int argc() const { return static_cast<int>(strs.size()); }
  char** argv() { return ptrs.data(); }
  std::vector<std::string> strs;
  std::vector<char*> ptrs;
};

constexpr OptDef kDefs[] = {
    {'t', "temporary", false}, {'T', "type", true}, {'a', "address", true},
    {'d', "down", false},      {'1', "primary", false}};

Parsed<ParsedArgs> parse(std::vector<std::string> v, bool json_ok = false) {
  Argv a(std::move(v));
  return parse_options(a.argc(), a.argv(), kDefs, json_ok);
}

TEST(ParseOptions, ShortAndOperands) {
  auto r = parse({"create-addr", "-t", "-T", "static", "-a", "1.2.3.4/24", "net0/v4"});
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->has('t'));
  EXPECT_EQ(r->value('T'), "static");
  EXPECT_EQ(r->value('a'), "1.2.3.4/24");
  EXPECT_FALSE(r->has('d'));
  ASSERT_EQ(r->operands.size(), 1u);
  EXPECT_EQ(r->operands[0], "net0/v4");
}

TEST(ParseOptions, LongOptionsAndEqualsForm) {
  auto r = parse({"create-addr", "--temporary", "--type=static", "--address", "10.0.0.1",
                  "--down", "--primary", "x/y"});
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->has('t'));
  EXPECT_TRUE(r->has('d'));
  EXPECT_TRUE(r->has('1'));
  EXPECT_EQ(r->value('T'), "static");
  EXPECT_EQ(r->value('a'), "10.0.0.1");
}

TEST(ParseOptions, BundledFlagsWithValue) {
  auto r = parse({"create-addr", "-tdTstatic", "-a1.1.1.1", "a/b"});
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->has('t'));
  EXPECT_TRUE(r->has('d'));
  EXPECT_EQ(r->value('T'), "static");
  EXPECT_EQ(r->value('a'), "1.1.1.1");
}

TEST(ParseOptions, OperandsMayPrecedeOptions) {
  auto r = parse({"create-addr", "a/b", "-t"});
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->has('t'));
  EXPECT_EQ(r->operands, std::vector<std::string>{"a/b"});
}

TEST(ParseOptions, Errors) {
  EXPECT_EQ(parse({"x", "-X"}).error, "unrecognized option '-X'");
  EXPECT_EQ(parse({"x", "-tX"}).error, "unrecognized option '-X'");
  EXPECT_EQ(parse({"x", "-T"}).error, "option '-T' requires a value");
  EXPECT_EQ(parse({"x", "--type"}).error, "option '--type' requires a value");
  EXPECT_EQ(parse({"x", "--bogus=1"}).error, "unrecognized option '--bogus'");
  EXPECT_EQ(parse({"x", "-?"}).error, "unrecognized option '-?'");
}

TEST(ParseOptions, JsonOnlyWhereAllowed) {
  EXPECT_EQ(parse({"x", "--json"}).error, "unrecognized option '--json'");
  auto r = parse({"x", "-t", "--json", "op"}, true);
  ASSERT_TRUE(r) << r.error;
  EXPECT_TRUE(r->json);
  EXPECT_TRUE(r->has('t'));
}

TEST(ParseOptions, RepeatedParsesAreIndependent) {
  for (int i = 0; i < 3; i++) {
    auto r = parse({"x", "-t", "a"});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->count('t'), 1);
    EXPECT_EQ(r->operands.size(), 1u);
  }
}

TEST(AddrArg, Forms) {
  auto a = parse_addr_arg("192.168.1.1/24");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, "192.168.1.1/24");
  EXPECT_EQ(a->remote, "");
  a = parse_addr_arg("local=10.0.0.1,remote=10.0.0.2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, "10.0.0.1");
  EXPECT_EQ(a->remote, "10.0.0.2");
  a = parse_addr_arg("remote=10.0.0.2,local=10.0.0.1/32");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, "10.0.0.1/32");
  EXPECT_EQ(a->remote, "10.0.0.2");
  a = parse_addr_arg("10.0.0.1,remote=10.0.0.2");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->local, "10.0.0.1");
  EXPECT_EQ(a->remote, "10.0.0.2");
}

TEST(AddrArg, Errors) {
  EXPECT_EQ(parse_addr_arg("1.1.1.1,2.2.2.2").error, "Invalid address provided");
  EXPECT_EQ(parse_addr_arg("remote=2.2.2.2").error, "Missing local address");
  EXPECT_EQ(parse_addr_arg("local=").error, "Invalid address provided");
  EXPECT_EQ(parse_addr_arg("").error, "Invalid address provided");
  EXPECT_EQ(parse_addr_arg("local=1.1.1.1,local=2.2.2.2").error, "Invalid address provided");
}

TEST(PropArg, SetForms) {
  auto p = parse_prop_set("ttl=64", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "ttl");
  EXPECT_EQ(p->value, "64");
  EXPECT_EQ(p->op, 0);
  p = parse_prop_set("extra_priv_ports+=3000", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "extra_priv_ports");
  EXPECT_EQ(p->value, "3000");
  EXPECT_EQ(p->op, 1);
  p = parse_prop_set("extra_priv_ports-=3000,3001", true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->op, 2);
  EXPECT_EQ(p->value, "3000,3001");
  p = parse_prop_set("mtu+=1400", false);  // only set-prop knows += / -=
  ASSERT_TRUE(p);
  EXPECT_EQ(p->name, "mtu+");
  EXPECT_EQ(p->op, 0);
}

TEST(PropArg, SetErrors) {
  EXPECT_EQ(parse_prop_set("ttl", true).error, "please specify the value to be set.");
  EXPECT_EQ(parse_prop_set("ttl=", true).error, "please specify the value to be set.");
  EXPECT_EQ(parse_prop_set("ttl=1=2", true).error,
            "cannot specify more than one prop=val at a time.");
  EXPECT_EQ(parse_prop_set("=on", true).error, "Invalid prop=val specified");
}

TEST(PropArg, Reset) {
  EXPECT_EQ(*parse_prop_reset("ttl"), "ttl");
  EXPECT_FALSE(parse_prop_reset("ttl=1"));
  EXPECT_FALSE(parse_prop_reset(""));
}

TEST(Protocol, Names) {
  for (const char* p : {"ip", "ipv4", "ipv6", "icmp", "tcp", "udp", "sctp"})
    EXPECT_EQ(*parse_protocol(p), p);
  EXPECT_EQ(*parse_protocol("arp"), "ip");
  EXPECT_EQ(parse_protocol("foo").error, "invalid protocol 'foo' specified");
}

TEST(Misc, SplitList) {
  EXPECT_EQ(split_list("a,b,,c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_list("").empty());
}

TEST(Misc, Wait) {
  EXPECT_EQ(*parse_wait("forever"), -1);
  EXPECT_EQ(*parse_wait("0"), 0);
  EXPECT_EQ(*parse_wait("120"), 120);
  EXPECT_FALSE(parse_wait("-1"));
  EXPECT_FALSE(parse_wait("10s"));
  EXPECT_FALSE(parse_wait(""));
}

TEST(Misc, AddrconfPolicy) {
  auto p = parse_addrconf_policy("stateless=no");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->stateless);
  EXPECT_TRUE(p->stateful);
  p = parse_addrconf_policy("stateless=yes,stateful=no");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->stateless);
  EXPECT_FALSE(p->stateful);
  EXPECT_FALSE(parse_addrconf_policy("stateless=maybe"));
  EXPECT_FALSE(parse_addrconf_policy("stateless=yes,stateless=no"));
  EXPECT_FALSE(parse_addrconf_policy("bogus=yes"));
  EXPECT_FALSE(parse_addrconf_policy(""));
}

TEST(Misc, InterfaceId) {
  EXPECT_TRUE(interface_id_valid("::1:2/64"));
  EXPECT_TRUE(interface_id_valid("::1/128"));
  EXPECT_FALSE(interface_id_valid("::1"));
  EXPECT_FALSE(interface_id_valid("::1/129"));
  EXPECT_FALSE(interface_id_valid("1.2.3.4/24"));
}

TEST(Misc, Hostname) {
  EXPECT_TRUE(hostname_valid("host1"));
  EXPECT_TRUE(hostname_valid("1host.example.com."));
  EXPECT_FALSE(hostname_valid("-host"));
  EXPECT_FALSE(hostname_valid(".host"));
  EXPECT_FALSE(hostname_valid("host-"));
  EXPECT_FALSE(hostname_valid("ho_st"));
  EXPECT_FALSE(hostname_valid(std::string(254, 'a')));
}

}  // namespace
}  // namespace ipadm::cli

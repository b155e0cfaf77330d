// ipadm.conf import/export: the spec's example DB, a 2010 (version 0) file,
// the line grammar, refusals and round trips over generated snapshots.
#include "store/illumos_conf.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "conf_gen.h"
#include "store/illumos_legacy_names.h"

namespace ipadm::store {
namespace {

using testing::ConfGen;
using testing::read_fixture;
using Strings = std::vector<std::string>;

AddrRecord addr(const std::string& aobj, int family, AddrType t, const std::string& local,
                const std::string& remote, int plen, bool up, const std::string& extra) {
  AddrRecord r;
  r.aobjname = aobj;
  r.ifname = aobj.substr(0, aobj.find('/'));
  r.family = family;
  r.atype = t;
  r.local = local;
  r.remote = remote;
  r.prefixlen = plen;
  r.up = up;
  r.extra = extra;
  return r;
}

std::string describe(const ConfSnapshot& s) {
  std::string out;
  for (const auto& i : s.ifs) out += "if " + i.ifname + " v4=" + std::to_string(i.v4) + " v6=" + std::to_string(i.v6) + "\n";
  for (const auto& a : s.addrs)
    out += "addr " + a.aobjname + " if=" + a.ifname + " af=" + std::to_string(a.family) + " type=" +
           std::string(addrtype_name(a.atype)) + " local=" + a.local + " remote=" + a.remote +
           " plen=" + std::to_string(a.prefixlen) + " up=" + std::to_string(a.up) + " extra=" + a.extra + "\n";
  for (const auto& p : s.props)
    out += "prop [" + p.protocol + "|" + p.ifname + "|" + p.aobjname + "] " + p.name + "=" + p.value + "\n";
  return out;
}

// The spec section 6.2 example DB.
ConfSnapshot spec_example() {
  ConfSnapshot s;
  s.ifs = {{"net0", true, true}, {"net1", true, false}, {"tun0", true, false}};
  s.addrs = {
      addr("net0/v4", AF_INET, AddrType::Static, "192.168.10.5", "", 24, true, ""),
      addr("net0/v6", AF_INET6, AddrType::Addrconf, "", "", -1, true, "::/0,yes,yes"),
      addr("net0/v6a", AF_INET6, AddrType::Static, "2001:db8:10::5", "", 64, true, ""),
      addr("net1/dhcp", AF_INET, AddrType::Dhcp, "", "", -1, true, "-1,yes"),
      addr("tun0/p2p", AF_INET, AddrType::Static, "10.1.1.1", "10.1.1.2", -1, true, ""),
  };
  s.props = {
      {"", "net0", "net0/v4", "deprecated", "on"},
      {"ipv4", "net0", "", "mtu", "1400"},
      {"", "net1", "net1/dhcp", "reqhost", "web01"},
      {"ipv4", "", "", "forwarding", "on"},
      {"tcp", "", "", "smallest_anon_port", "40000"},
      {"tcp", "", "", "extra_priv_ports", "2049,4045,5000"},
      {"tcp", "", "", "_cwnd_max", "2097152"},
  };
  return s;
}

Result<ConfSnapshot> parse(const std::string& text, Strings* w = nullptr) {
  return parse_illumos_conf(text, w);
}

void expect_error(const std::string& text, Errc code, const std::string& detail_prefix) {
  Strings w{"before"};
  auto r = parse(text, &w);
  ASSERT_FALSE(r.is_ok()) << text;
  EXPECT_EQ(r.status().code(), code) << r.status().to_string();
  EXPECT_EQ(r.status().detail().substr(0, detail_prefix.size()), detail_prefix) << r.status().detail();
  EXPECT_EQ(w, Strings{"before"});  // nothing reported on failure
}

// ---- fixtures ----

TEST(IllumosConf, SpecExampleDb) {
  std::string text = read_fixture("ipadm-v1.conf");
  ASSERT_FALSE(text.empty());
  Strings w;
  auto s = parse(text, &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(describe(*s), describe(spec_example()));
  EXPECT_TRUE(*s == spec_example());
  // tun0 has no interface line in the example.
  EXPECT_EQ(w, (Strings{"line 20: interface tun0 has no interface line; created with ipv4"}));
}

TEST(IllumosConf, SpecExampleRoundTrips) {
  auto s = parse(read_fixture("ipadm-v1.conf"));
  ASSERT_TRUE(s.is_ok());
  ASSERT_TRUE(check_illumos_conf(*s).is_ok());
  Strings w;
  auto back = parse(format_illumos_conf(*s), &w);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_TRUE(*back == *s) << describe(*back);
  EXPECT_TRUE(w.empty());
}

TEST(IllumosConf, Version0FileIsUpgraded) {
  Strings w;
  auto s = parse(read_fixture("ipadm-v0.conf"), &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE(w.empty()) << w.front();
  ConfSnapshot want;
  want.ifs = {{"e1000g0", true, true}, {"e1000g1", true, false}};
  want.addrs = {
      addr("e1000g0/v4", AF_INET, AddrType::Static, "10.0.0.5", "", 8, true, ""),
      addr("e1000g0/v6", AF_INET6, AddrType::Addrconf, "", "", -1, true, "::/0,yes,yes"),
      addr("e1000g1/host", AF_INET, AddrType::Static, "myhost", "", -1, false, ""),
  };
  want.props = {
      {"ipv4", "e1000g1", "", "arp", "off"},
      {"tcp", "", "", "_cwnd_max", "2097152"},
      {"tcp", "", "", "smallest_anon_port", "32768"},
      {"tcp", "", "", "smallest_nonpriv_port", "2048"},
      {"tcp", "", "", "ecn", "active"},
      {"tcp", "", "", "send_buf", "65536"},
      {"udp", "", "", "max_buf", "4194304"},
      {"sctp", "", "", "_cookie_life", "60000"},
      {"icmp", "", "", "_bsd_compat", "0"},
      {"ipv4", "", "", "forwarding", "on"},
      {"ipv4", "", "", "ttl", "64"},
      {"ipv4", "", "", "_send_redirects", "0"},
      {"ipv6", "", "", "_send_redirects", "0"},
      {"ip", "", "", "_ire_pathmtu_interval", "600000"},
      {"ip", "", "", "_arp_probe_delay", "150"},
      {"ipv6", "", "", "_icmp_return_pmtu", "0"},
      {"tcp", "", "", "_strong_iss", "2"},
  };
  EXPECT_EQ(describe(*s), describe(want));
}

TEST(IllumosConf, VersionMarker) {
  const std::string body = "_protocol=tcp;tcp_cwnd_max=5;\n";
  // No marker or version 0: upgraded.
  EXPECT_EQ(parse(body)->props[0].name, "_cwnd_max");
  EXPECT_EQ(parse("# ipadm.conf version=0\n" + body)->props[0].name, "_cwnd_max");
  // Version 1 (what format_illumos_conf writes): kept as stored.
  EXPECT_EQ(parse("#ipadm.conf version=1 whatever\n" + body)->props[0].name, "tcp_cwnd_max");
  // A marker after the first record is an ordinary comment.
  EXPECT_EQ(parse(body + "# ipadm.conf version=1\n")->props[0].name, "_cwnd_max");
  expect_error("# ipadm.conf version=2\n" + body, Errc::NotSup, "line 1: ipadm.conf version 2 is newer");
  expect_error("# ipadm.conf version=x\n", Errc::InvalidArg, "line 1: bad version marker");
}

// ---- legacy names ----

TEST(IllumosLegacyNames, Table) {
  struct Case {
    const char *proto, *name, *value, *want_proto, *want_name, *want_value;
  };
  const Case cases[] = {
      {"tcp", "tcp_cwnd_max", "9", "tcp", "_cwnd_max", "9"},
      {"udp", "udp_bind_hash", "9", "udp", "_bind_hash", "9"},
      {"sctp", "sctp_cookie_life", "9", "sctp", "_cookie_life", "9"},
      {"icmp", "icmp_bsd_compat", "1", "icmp", "_bsd_compat", "1"},
      {"ip", "ip_send_redirects", "0", "ipv4", "_send_redirects", "0"},
      {"ipv4", "ip_strict_dst_multihoming", "1", "ipv4", "_strict_dst_multihoming", "1"},
      {"ip", "ip6_send_redirects", "0", "ipv6", "_send_redirects", "0"},
      {"ip", "ip_ire_pathmtu_interval", "5", "ip", "_ire_pathmtu_interval", "5"},
      {"ip", "arp_probe_delay", "5", "ip", "_arp_probe_delay", "5"},
      {"arp", "arp_defend_rate", "5", "ip", "_arp_defend_rate", "5"},
      {"ip", "ipv6_dad_announce_interval", "5", "ipv6", "_dad_announce_interval", "5"},
      {"ip", "ip_def_ttl", "64", "ipv4", "ttl", "64"},
      {"ip", "ip6_def_hops", "60", "ipv6", "hoplimit", "60"},
      {"ip", "ip_forwarding", "1", "ipv4", "forwarding", "on"},
      {"ipv6", "ip6_forwarding", "0", "ipv6", "forwarding", "off"},
      {"tcp", "tcp_sack_permitted", "1", "tcp", "sack", "passive"},
      {"tcp", "tcp_ecn_permitted", "0", "tcp", "ecn", "never"},
      {"tcp", "tcp_ecn_permitted", "active", "tcp", "ecn", "active"},
      {"tcp", "tcp_smallest_anon_port", "40000", "tcp", "smallest_anon_port", "40000"},
      {"udp", "udp_largest_anon_port", "60000", "udp", "largest_anon_port", "60000"},
      {"sctp", "sctp_extra_priv_ports", "1,2", "sctp", "extra_priv_ports", "1,2"},
      {"tcp", "tcp_recv_hiwat", "1", "tcp", "recv_buf", "1"},
      {"icmp", "icmp_xmit_hiwat", "1", "icmp", "send_buf", "1"},
      {"tcp", "tcp_max_buf", "1", "tcp", "max_buf", "1"},
      // public names and names of another protocol are left alone
      {"tcp", "smallest_anon_port", "1", "tcp", "smallest_anon_port", "1"},
      {"tcp", "send_maxbuf", "1", "tcp", "send_maxbuf", "1"},
      {"tcp", "udp_x", "1", "tcp", "udp_x", "1"},
      {"ipv4", "hostmodel", "weak", "ipv4", "hostmodel", "weak"},
      {"tcp", "tcp_", "1", "tcp", "tcp_", "1"},
  };
  for (const auto& c : cases) {
    LegacyName n = legacy_to_new_propname(c.proto, c.name, c.value);
    EXPECT_EQ(n.protocol, c.want_proto) << c.name;
    EXPECT_EQ(n.name, c.want_name) << c.name;
    EXPECT_EQ(n.value, c.want_value) << c.name;
  }
}

TEST(IllumosConf, LegacyNamesOnlyOnProtocolLines) {
  // Interface and address properties are never renamed.
  auto s = parse(
      "_ifname=net0;_family=2;\n"
      "_protocol=ipv4;_ifname=net0;ip_foo=1;\n"
      "_ifname=net0;_aobjname=net0/a;_ipv4addr=1.2.3.4,;\n"
      "_ifname=net0;_aobjname=net0/a;tcp_x=1;\n");
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(s->props[0].name, "ip_foo");
  EXPECT_EQ(s->props[1].name, "tcp_x");
}

// ---- grammar ----

TEST(IllumosConf, CommentsBlanksWhitespaceAndCrLf) {
  auto s = parse(
      "\n   \n\t# comment ; with = stuff\n"
      "   _ifname=net0;_family=2;  \r\n"
      "#_ifname=net9;_family=2;\n"
      "_protocol=tcp;__x=a=b;\n"
      "_protocol=tcp;flag;\n");
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  ASSERT_EQ(s->ifs.size(), 1u);
  EXPECT_EQ(s->ifs[0].ifname, "net0");
  ASSERT_EQ(s->props.size(), 2u);
  EXPECT_EQ(s->props[0].name, "_x");
  EXPECT_EQ(s->props[0].value, "a=b");  // split at the first '='
  EXPECT_EQ(s->props[1].name, "flag");
  EXPECT_EQ(s->props[1].value, "");      // no '=' = empty value
}

TEST(IllumosConf, EmptyText) {
  auto s = parse("");
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(*s == ConfSnapshot{});
}

TEST(IllumosConf, FamiliesFormOf2021) {
  Strings w;
  auto s = parse(
      "_ifname=net0;_families=2,26;_ifclass=0;\n"
      "_ifname=ipmp0;_families=2;_ifclass=1;_mifnames=net1,net2;\n"
      "_ifname=net1;_families=;_gifname=ipmp0;\n",
      &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(describe(*s), "if net0 v4=1 v6=1\nif ipmp0 v4=1 v6=0\nif net1 v4=0 v6=0\n");
  EXPECT_EQ(w, (Strings{"line 2: IPMP key _mifnames=net1,net2 is not supported; ignored",
                        "line 3: IPMP key _gifname=ipmp0 is not supported; ignored"}));
}

TEST(IllumosConf, UnknownThingsAreWarnedAndLeftOut) {
  Strings w;
  auto s = parse(
      "_ifname=net0;_family=2;_vrrp=1;\n"               // unknown key, line kept
      "_ifname=net0;_aobjname=net0/x;_vni=1;\n"         // nothing left: ignored
      "foo=bar;\n"                                      // unknown kind
      "_ifname=net0;\n"                                 // unknown kind
      "_protocol=dccp;_cwnd=1;\n"                       // unknown key -> no property
      "_protocol=dccp;__cwnd=1;\n"                      // unknown protocol
      "_ifname=net0;_aobjname=net0/gone;deprecated=on;\n"  // undefined address
      "_ifname=net0;_aobjname=net0/gone;prefixlen=8;\n"
      "_protocol=tcp;ecn=active;\n"
      "_protocol=tcp;ecn=passive;\n",                   // repeated: later wins
      &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(describe(*s), "if net0 v4=1 v6=0\nprop [tcp||] ecn=passive\n");
  EXPECT_EQ(w, (Strings{
                   "line 1: unknown key _vrrp; ignored",
                   "line 2: unknown key _vni; ignored",
                   "line 2: address object net0/x line without an address or a property; ignored",
                   "line 3: record of unknown kind; ignored",
                   "line 4: record of unknown kind; ignored",
                   "line 5: unknown key _cwnd; ignored",
                   "line 5: _protocol=dccp line without a property; ignored",
                   "line 6: unknown protocol 'dccp'; property _cwnd ignored",
                   "line 7: property deprecated of undefined address object net0/gone; ignored",
                   "line 8: prefixlen for undefined address object net0/gone; ignored",
                   "line 10: property ecn repeats line 9; the later value is used",
               }));
}

TEST(IllumosConf, InterfacesCreatedForReferences) {
  Strings w;
  auto s = parse(
      "_protocol=ipv6;_ifname=net5;mtu=1400;\n"
      "_ifname=net5;_aobjname=net5/a;_ipv4addr=1.2.3.4,;\n"
      "_ifname=net0;_family=2;\n",
      &w);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(describe(*s).substr(0, 36), "if net5 v4=1 v6=1\nif net0 v4=1 v6=0\n");
  EXPECT_EQ(w, (Strings{"line 1: interface net5 has no interface line; created with ipv4 and ipv6"}));
}

TEST(IllumosConf, AddressForms) {
  auto s = parse(
      "_ifname=net0;_family=2;_family=26;\n");  // a repeated name is malformed
  EXPECT_FALSE(s.is_ok());
  s = parse(
      "_ifname=net0;_family=2;\n"
      "_ifname=net0;_aobjname=net0/a;_ipv4addr=host1;up=no;prefixlen=20;\n"  // no ',' accepted
      "_ifname=net0;_aobjname=net0/b;_dhcp=;\n"
      "_ifname=net0;_aobjname=net0/c;_intfid=;reqhost=x;\n"
      "_ifname=net0;_aobjname=net0/d;_dhcp=-2;up=no;\n"
      "_ifname=net0;_aobjname=net0/d;up=yes;\n");
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(describe(*s),
            "if net0 v4=1 v6=0\n"
            "addr net0/a if=net0 af=2 type=static local=host1 remote= plen=20 up=0 extra=\n"
            "addr net0/b if=net0 af=2 type=dhcp local= remote= plen=-1 up=1 extra=\n"
            "addr net0/c if=net0 af=10 type=addrconf local= remote= plen=-1 up=1 extra=\n"
            "addr net0/d if=net0 af=2 type=dhcp local= remote= plen=-1 up=1 extra=-2\n"
            "prop [|net0|net0/c] reqhost=x\n");
}

TEST(IllumosConf, MalformedLinesStopTheParse) {
  const std::string if0 = "_ifname=net0;_family=2;\n";
  expect_error(if0 + "_ifname=net0;_family=2\n", Errc::InvalidArg, "line 2: missing ';' after '_family=2'");
  expect_error("_ifname=net0;;_family=2;\n", Errc::InvalidArg, "line 1: empty name");
  expect_error("_ifname=net0;=2;\n", Errc::InvalidArg, "line 1: empty name");
  expect_error("_ifname=net0;_family=2;_ifname=net1;\n", Errc::InvalidArg, "line 1: '_ifname' appears twice");
  expect_error("_if name=net0;\n", Errc::InvalidArg, "line 1: invalid name '_if name'");
  expect_error("_protocol=tcp;x=a\x01;\n", Errc::InvalidArg, "line 1: control character");
  expect_error("_ifname=net0;_family=10;\n", Errc::InvalidArg, "line 1: invalid address family '10'");
  expect_error("_family=2;\n", Errc::InvalidArg, "line 1: _family without _ifname");
  expect_error("_ifname=net0;_family=2;mtu=1;\n", Errc::InvalidArg, "line 1: unexpected key 'mtu'");
  expect_error("_ifname=net0;_family=2;_ifclass=x;\n", Errc::InvalidArg, "line 1: invalid _ifclass");
  expect_error("_ifname=a_very_long_interface0;_family=2;\n", Errc::InvalidName, "line 1: invalid interface name");
  expect_error(if0 + "_ifname=net0;_aobjname=net1/a;_ipv4addr=1.2.3.4,;\n", Errc::InvalidArg,
               "line 2: address object net1/a is not on interface net0");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/9a;_ipv4addr=1.2.3.4,;\n", Errc::InvalidArg,
               "line 2: invalid address object name");
  expect_error(if0 + "_aobjname=net0/a;_ipv4addr=1.2.3.4,;\n", Errc::InvalidArg, "line 2: _aobjname without _ifname");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=::1,;\n", Errc::InvalidArg,
               "line 2: address ::1 is not IPv4");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv6addr=::1,1.2.3.4;\n", Errc::InvalidArg,
               "line 2: address 1.2.3.4 is not IPv6");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=,;\n", Errc::InvalidArg,
               "line 2: static address without a local address");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=a,b,c;\n", Errc::InvalidArg, "line 2: address 'a,b,c'");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=a,;_dhcp=-1,no;\n", Errc::InvalidArg,
               "line 2: more than one of");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_dhcp=soon;\n", Errc::InvalidArg, "line 2: invalid _dhcp");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_dhcp=-1,maybe;\n", Errc::InvalidArg, "line 2: invalid _dhcp");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_intfid=::/0,yes;\n", Errc::InvalidArg, "line 2: invalid _intfid");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_intfid=1.2.3.4/0,yes,no;\n", Errc::InvalidArg,
               "line 2: invalid _intfid");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_intfid=::/129,yes,no;\n", Errc::InvalidArg,
               "line 2: invalid _intfid");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=a,;up=maybe;\n", Errc::InvalidArg,
               "line 2: up must be yes or no");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=a,;\n_ifname=net0;_aobjname=net0/a;prefixlen=33;\n",
               Errc::InvalidArg, "line 3: invalid prefixlen '33'");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=a,;\n_ifname=net0;_aobjname=net0/a;prefixlen=0;\n",
               Errc::InvalidArg, "line 3: invalid prefixlen '0'");
  expect_error(if0 + "_ifname=net0;_aobjname=net0/a;_ipv4addr=a,;\n_ifname=net0;_aobjname=net0/a;_dhcp=-1,no;\n",
               Errc::InvalidArg, "line 3: address object net0/a already defined on line 2");
  expect_error(if0 + "_protocol=tcp;_ifname=net0;mtu=1;\n", Errc::InvalidArg,
               "line 2: interface property with _protocol=tcp");
  expect_error(if0 + "_protocol=ipv4;_ifname=net0;_aobjname=net0/a;x=1;\n", Errc::InvalidArg,
               "line 2: _aobjname together with _protocol");
  expect_error("_protocol=tcp;_dhcp=-1;x=1;\n", Errc::InvalidArg, "line 1: _protocol together with an address key");
  expect_error("_protocol=tcp;x=" + std::string(512, 'v') + ";\n", Errc::InvalidArg,
               "line 1: value of x is longer than 511");
  expect_error("_protocol=tcp;" + std::string(64, 'n') + "=1;\n", Errc::InvalidArg, "line 1: property name");
  expect_error("_protocol=tcp;x=" + std::string(kIllumosMaxLine, 'v') + ";\n", Errc::InvalidArg,
               "line 1: line longer than");
}

// ---- writing ----

// Older stores hold some IPv4 objects as IPv4-mapped text: they export.
TEST(IllumosConf, MappedIpv4AddressOfAnOlderStoreExports) {
  ConfSnapshot s;
  s.ifs = {{"net0", true, false}};
  s.addrs = {addr("net0/v4", AF_INET, AddrType::Static, "::ffff:192.0.2.5", "", 24, false, "")};
  ASSERT_TRUE(check_illumos_conf(s).is_ok()) << check_illumos_conf(s).to_string();
  auto back = parse(format_illumos_conf(s));
  ASSERT_TRUE(back.is_ok());
  EXPECT_TRUE(*back == s);
  s.addrs[0].local = "2001:db8::5";  // a real IPv6 address is still refused
  EXPECT_FALSE(check_illumos_conf(s).is_ok());
}

TEST(IllumosConf, FormatGolden) {
  ConfSnapshot s;
  s.ifs = {{"net0", true, true}, {"lo9", false, false}};
  s.addrs = {
      addr("net0/v4", AF_INET, AddrType::Static, "192.168.10.5", "", 24, false, ""),
      addr("net0/dh", AF_INET, AddrType::Dhcp, "", "", -1, true, "-1,no"),
      addr("net0/v6", AF_INET6, AddrType::Addrconf, "", "", -1, false, "::/0,yes,yes"),
  };
  s.props = {{"tcp", "", "", "_cwnd_max", "9"},
             {"ipv6", "net0", "", "mtu", "1400"},
             {"", "net0", "net0/dh", "reqhost", "web01"}};
  EXPECT_EQ(format_illumos_conf(s),
            "# ipadm.conf version=1; written by ipadm for Linux. Do not edit: use ipadm(8).\n"
            "_ifname=net0;_family=2;\n"
            "_ifname=net0;_family=26;\n"
            "_ifname=lo9;_families=;\n"
            "_ifname=net0;_aobjname=net0/v4;_ipv4addr=192.168.10.5,;up=no;\n"
            "_ifname=net0;_aobjname=net0/v4;prefixlen=24;\n"
            "_ifname=net0;_aobjname=net0/dh;_dhcp=-1,no;\n"
            "_ifname=net0;_aobjname=net0/v6;_intfid=::/0,yes,yes;up=no;\n"
            "_protocol=tcp;__cwnd_max=9;\n"
            "_protocol=ipv6;_ifname=net0;mtu=1400;\n"
            "_ifname=net0;_aobjname=net0/dh;reqhost=web01;\n");
  EXPECT_TRUE(check_illumos_conf(s).is_ok());
}

TEST(IllumosConf, CheckRefusesWhatCannotBeWritten) {
  ConfSnapshot base;
  base.ifs = {{"net0", true, false}};
  base.addrs = {addr("net0/a", AF_INET, AddrType::Static, "1.2.3.4", "", -1, true, "")};
  ASSERT_TRUE(check_illumos_conf(base).is_ok());

  auto refused = [](const ConfSnapshot& s, const std::string& what) {
    Status st = check_illumos_conf(s);
    EXPECT_EQ(st.code(), Errc::InvalidArg) << what;
    EXPECT_NE(st.detail().find(what), std::string::npos) << st.detail();
  };
  ConfSnapshot s = base;
  s.props = {{"tcp", "", "", "x", "a;b"}};
  refused(s, "property x: ';' or a line break in the value");
  s.props = {{"tcp", "", "", "x", "a\nb"}};
  refused(s, "property x: ';' or a line break");
  s.props = {{"tcp", "", "", "a b", "1"}};
  refused(s, "a name outside");
  s.props = {{"", "net0", "net0/a", "prefixlen", "8"}};
  refused(s, "named like an address field");
  s = base;
  s.addrs[0].local = "a,b";
  refused(s, "address net0/a: ';' or ','");
  s = base;
  s.addrs[0].extra = "x";
  refused(s, "type data on a static address");
  s = base;
  s.addrs[0].atype = AddrType::Dhcp;
  refused(s, "an address text on a dhcp address");
  s = base;
  s.addrs[0].atype = AddrType::Dhcp;
  s.addrs[0].local = "";
  s.addrs[0].extra = "later";  // would not read back
  refused(s, "does not read back");
  s = base;
  s.ifs.push_back({"net0", false, true});
  refused(s, "interface net0 defined twice");
}

// ---- round trips ----

TEST(IllumosConf, RoundTripGeneratedSnapshots) {
  for (unsigned seed = 1; seed <= 500; ++seed) {
    ConfGen gen(seed, /*illumos_safe=*/true);
    ConfSnapshot s = gen.snapshot();
    ASSERT_TRUE(validate_snapshot(s).is_ok()) << "seed " << seed << ": " << validate_snapshot(s).to_string();
    ASSERT_TRUE(check_illumos_conf(s).is_ok()) << "seed " << seed << ": " << check_illumos_conf(s).to_string();
    std::string text = format_illumos_conf(s);
    Strings w;
    auto back = parse(text, &w);
    ASSERT_TRUE(back.is_ok()) << "seed " << seed << ": " << back.status().to_string() << "\n" << text;
    EXPECT_TRUE(*back == s) << "seed " << seed << "\n" << text << "\n" << describe(*back);
    EXPECT_TRUE(w.empty()) << "seed " << seed << ": " << w.front();
    // Writing is a function of the snapshot: format(parse(format(s))) == format(s).
    EXPECT_EQ(format_illumos_conf(*back), text);
  }
}

// Any text either parses into a valid snapshot or is refused; never a crash.
TEST(IllumosConf, MutatedInputsNeverCrash) {
  const std::string seeds[] = {read_fixture("ipadm-v1.conf"), read_fixture("ipadm-v0.conf")};
  const std::string junk = ";=_#,/\n\r \t\x01\xff_ifname_aobjname_family=26_dhcp_intfid";
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    std::string text = seeds[round % 2];
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text.erase(at, 1 + rng() % 6); break;
        case 1: text.insert(at, 1, junk[rng() % junk.size()]); break;
        default: text[at] = junk[rng() % junk.size()]; break;
      }
    }
    Strings w;
    auto s = parse(text, &w);
    if (s.is_ok()) {
      EXPECT_TRUE(validate_snapshot(*s).is_ok()) << text;
    } else {
      EXPECT_EQ(s.status().detail().substr(0, 5), "line ") << s.status().detail();
      EXPECT_TRUE(w.empty());
    }
  }
}

}  // namespace
}  // namespace ipadm::store

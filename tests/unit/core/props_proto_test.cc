// Protocol properties: set-prop, reset-prop, show-prop, start-up replay.
#include <algorithm>
#include <set>

#include "core/props_impl.h"
#include "props_fixture.h"

namespace ipadm::core {
namespace {

using PropsProtoTest = PropsTest;

TEST_F(PropsProtoTest, ShowAllListsEveryProtocolsPublicRows) {
  auto rows = show("proto", "", "");
  std::set<std::string> protos;
  for (auto& r : rows) {
    protos.insert(r.protocol());
    EXPECT_EQ(r.object(), r.protocol());
    EXPECT_EQ(r.error(), 0u) << r.protocol() << "/" << r.name();
    EXPECT_EQ(r.perm(), "rw");
    EXPECT_FALSE(r.name().starts_with("_")) << "private properties are listed only by name";
  }
  EXPECT_EQ(protos, (std::set<std::string>{"ipv4", "ipv6", "tcp", "udp", "sctp", "icmp"}));
  auto ttl = row("proto", "ipv4", "ipv4", "ttl");
  EXPECT_EQ(ttl.current(), "64");
  EXPECT_EQ(ttl.default_value(), "64");
  EXPECT_EQ(ttl.possible(), "1-255");
  EXPECT_EQ(ttl.persistent(), "");
  // "ip" shows both families.
  std::set<std::string> ip;
  for (auto& r : show("proto", "ip", "ip")) ip.insert(r.protocol());
  EXPECT_EQ(ip, (std::set<std::string>{"ipv4", "ipv6"}));
}

// illumos walks its tables ip, icmp, tcp, udp, sctp, each in table order
// (libipadm ipadm_walk_proptbl): show-prop lists the rows in that order.
TEST_F(PropsProtoTest, ShowAllInIllumosOrder) {
  std::vector<std::string> got;
  for (auto& r : show("proto", "", "")) got.push_back(r.protocol() + "/" + r.name());
  const std::vector<std::string> port_rows = {
      "extra_priv_ports", "largest_anon_port", "max_buf", "recv_buf",
      "send_buf", "smallest_anon_port", "smallest_nonpriv_port"};
  std::vector<std::string> want = {
      "ipv4/forwarding", "ipv4/ttl", "ipv6/forwarding", "ipv6/hoplimit", "ipv6/hostmodel",
      "ipv4/hostmodel", "icmp/max_buf", "icmp/recv_buf", "icmp/send_buf",
      "tcp/congestion_control", "tcp/ecn", "tcp/extra_priv_ports", "tcp/largest_anon_port",
      "tcp/max_buf", "tcp/recv_buf", "tcp/sack", "tcp/send_buf", "tcp/smallest_anon_port",
      "tcp/smallest_nonpriv_port"};
  for (const char* proto : {"udp", "sctp"})
    for (const std::string& n : port_rows) want.push_back(std::string(proto) + "/" + n);
  EXPECT_EQ(got, want);
  got.clear();
  for (auto& r : show("proto", "ip", "ip")) got.push_back(r.protocol() + "/" + r.name());
  EXPECT_EQ(got, std::vector<std::string>(want.begin(), want.begin() + 6));
}

TEST(ProtoShowOrder, EveryListedRowHasItsPlace) {
  for (const props::ProtoProp& p : props::proto_table()) {
    if (!p.listed) continue;
    for (uint32_t bit = 1; bit <= p.protos; bit <<= 1) {
      if (!(bit & p.protos)) continue;
      auto order = props::show_order();
      EXPECT_EQ(std::count_if(order.begin(), order.end(),
                              [&](const props::ShowOrder& o) {
                                return o.proto == bit && std::string_view(o.name) == p.name;
                              }),
                1)
          << p.name << " under protocol bit " << bit;
    }
  }
}

TEST_F(PropsProtoTest, SetAppliesAndPersistsResetRestores) {
  ASSERT_TRUE(setp("ipv4", "ttl", "100").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "100");
  EXPECT_EQ(proto_line("ipv4", "ttl"), "100");
  auto r = row("proto", "ipv4", "ipv4", "ttl");
  EXPECT_EQ(r.current(), "100");
  EXPECT_EQ(r.persistent(), "100");

  // reset -t: kernel only.
  ASSERT_TRUE(resetp("ipv4", "ttl", true).is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "64");
  EXPECT_EQ(proto_line("ipv4", "ttl"), "100");
  // reset: kernel and store.
  ASSERT_TRUE(setp("ipv4", "ttl", "100").is_ok());
  ASSERT_TRUE(resetp("ipv4", "ttl").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "64");
  EXPECT_EQ(proto_line("ipv4", "ttl"), std::nullopt);
}

TEST_F(PropsProtoTest, TemporarySetLeavesStore) {
  ASSERT_TRUE(setp("ipv4", "ttl", "32", 0, true).is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "32");
  EXPECT_EQ(prop_lines(), 0u);
  EXPECT_EQ(row("proto", "ipv4", "ipv4", "ttl").persistent(), "");
}

TEST_F(PropsProtoTest, Forwarding) {
  ASSERT_TRUE(setp("ipv4", "forwarding", "on").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_forward"), "1");
  ASSERT_TRUE(setp("ipv6", "forwarding", "on").is_ok());
  EXPECT_EQ(sysctl("net/ipv6/conf/all/forwarding"), "1");
  EXPECT_EQ(row("proto", "ipv6", "ipv6", "forwarding").current(), "on");
  EXPECT_EQ(row("proto", "ipv4", "ipv4", "forwarding").possible(), "on,off");
  EXPECT_EQ(setp("ip", "forwarding", "on").code(), Errc::BadProtocol);
  EXPECT_EQ(setp("ipv4", "forwarding", "yes").code(), Errc::InvalidArg);
  ASSERT_TRUE(resetp("ipv4", "forwarding").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_forward"), "0");
}

TEST_F(PropsProtoTest, HoplimitWritesAllDefaultAndEveryLink) {
  kernel_.add_link("veth1");
  ASSERT_TRUE(setp("ipv6", "hoplimit", "200").is_ok());
  EXPECT_EQ(sysctl("net/ipv6/conf/all/hop_limit"), "200");
  EXPECT_EQ(sysctl("net/ipv6/conf/default/hop_limit"), "200");
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/hop_limit"), "200");
  EXPECT_EQ(sysctl("net/ipv6/conf/veth1/hop_limit"), "200");
  kernel_.fail_next(netlink::FakeOp::kSysctlSet, Status(Errc::EPerm), 3);
  EXPECT_EQ(setp("ipv6", "hoplimit", "100").code(), Errc::EPerm);
  EXPECT_EQ(sysctl("net/ipv6/conf/all/hop_limit"), "200");
  EXPECT_EQ(sysctl("net/ipv6/conf/veth0/hop_limit"), "200");
  EXPECT_EQ(proto_line("ipv6", "hoplimit"), "200");
  EXPECT_EQ(setp("ipv6", "hoplimit", "0").code(), Errc::ERange);
  EXPECT_EQ(setp("ipv6", "hoplimit", "256").code(), Errc::ERange);
  EXPECT_EQ(setp("ipv6", "hoplimit", "x").code(), Errc::InvalidArg);
  EXPECT_EQ(setp("ipv4", "hoplimit", "9").code(), Errc::BadProtocol);
}

TEST_F(PropsProtoTest, SecondWriteFailingUndoesTheFirst) {
  kernel_.fail_next(netlink::FakeOp::kSysctlSet, Status(Errc::EPerm), 1);
  EXPECT_EQ(setp("ipv6", "hoplimit", "200").code(), Errc::EPerm);
  EXPECT_EQ(sysctl("net/ipv6/conf/all/hop_limit"), "64");
  EXPECT_EQ(sysctl("net/ipv6/conf/default/hop_limit"), "64");
  EXPECT_EQ(prop_lines(), 0u);
}

TEST_F(PropsProtoTest, StoreFailureUndoesKernel) {
  store_->fail = true;
  EXPECT_EQ(setp("ipv6", "hoplimit", "200").code(), Errc::NoBufs);
  EXPECT_EQ(sysctl("net/ipv6/conf/all/hop_limit"), "64");
  EXPECT_EQ(sysctl("net/ipv6/conf/default/hop_limit"), "64");
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "5000", 1).code(), Errc::NoBufs);
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "\n");  // emptied again
  store_->fail = false;
}

TEST_F(PropsProtoTest, HostModel) {
  ASSERT_TRUE(setp("ipv4", "hostmodel", "strong").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/conf/all/rp_filter"), "1");
  EXPECT_EQ(sysctl("net/ipv4/conf/all/arp_ignore"), "1");
  EXPECT_EQ(sysctl("net/ipv4/conf/all/arp_announce"), "2");
  EXPECT_EQ(row("proto", "ipv4", "ipv4", "hostmodel").current(), "strong");
  ASSERT_TRUE(setp("ipv4", "hostmodel", "src-priority").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/conf/all/rp_filter"), "0");
  EXPECT_EQ(sysctl("net/ipv4/conf/all/arp_announce"), "2");
  // A combination ipadm does not make is shown as it is.
  kernel_.set_sysctl("net/ipv4/conf/all/rp_filter", "2");
  EXPECT_EQ(row("proto", "ipv4", "ipv4", "hostmodel").current(),
            "rp_filter=2,arp_ignore=0,arp_announce=2");
  EXPECT_EQ(setp("ipv4", "hostmodel", "loose").code(), Errc::InvalidArg);

  auto v6 = row("proto", "ipv6", "ipv6", "hostmodel");
  EXPECT_EQ(v6.current(), "weak");
  EXPECT_EQ(v6.possible(), "weak");
  EXPECT_EQ(setp("ipv6", "hostmodel", "strong").code(), Errc::NotSup);
  EXPECT_EQ(proto_line("ipv6", "hostmodel"), std::nullopt);
  EXPECT_TRUE(setp("ipv6", "hostmodel", "weak").is_ok());
  EXPECT_EQ(proto_line("ipv6", "hostmodel"), "weak");
}

TEST_F(PropsProtoTest, EcnAndSackUseLinuxNumbering) {
  auto ecn = row("proto", "tcp", "tcp", "ecn");
  EXPECT_EQ(ecn.current(), "passive");  // Linux tcp_ecn=2
  EXPECT_EQ(ecn.default_value(), "passive");
  ASSERT_TRUE(setp("tcp", "ecn", "active").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_ecn"), "1");
  ASSERT_TRUE(setp("tcp", "ecn", "never").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_ecn"), "0");
  kernel_.set_sysctl("net/ipv4/tcp_ecn", "3");  // a newer Linux mode
  EXPECT_EQ(row("proto", "tcp", "tcp", "ecn").current(), "3");

  EXPECT_EQ(row("proto", "tcp", "tcp", "sack").current(), "active");
  EXPECT_EQ(row("proto", "tcp", "tcp", "sack").possible(), "never,active");
  EXPECT_EQ(setp("tcp", "sack", "passive").code(), Errc::NotSup);
  EXPECT_EQ(sysctl("net/ipv4/tcp_sack"), "1");
  ASSERT_TRUE(setp("tcp", "sack", "never").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_sack"), "0");
  EXPECT_EQ(setp("udp", "sack", "never").code(), Errc::BadProtocol);
}

TEST_F(PropsProtoTest, CongestionControl) {
  auto r = row("proto", "tcp", "tcp", "congestion_control");
  EXPECT_EQ(r.current(), "cubic");
  EXPECT_EQ(r.default_value(), "cubic");
  EXPECT_EQ(r.possible(), "reno,cubic");
  ASSERT_TRUE(setp("tcp", "congestion_control", "reno").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_congestion_control"), "reno");
  EXPECT_EQ(setp("tcp", "congestion_control", "no such").code(), Errc::InvalidArg);
  // A module the kernel cannot find (it tries to load unlisted ones).
  kernel_.fail_next(netlink::FakeOp::kSysctlSet, Status(Errc::NotFound, "", ENOENT));
  EXPECT_EQ(setp("tcp", "congestion_control", "bbr").code(), Errc::InvalidArg);
  EXPECT_EQ(sysctl("net/ipv4/tcp_congestion_control"), "reno");
  ASSERT_TRUE(resetp("tcp", "congestion_control").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_congestion_control"), "cubic");
  // DEFAULT stays what the kernel had before ipadm first changed it
  kernel_.set_sysctl("net/ipv4/tcp_available_congestion_control", "reno bbr");
  EXPECT_EQ(row("proto", "tcp", "tcp", "congestion_control").default_value(), "cubic");
}

// A namespace (or host) whose kernel default is another algorithm: DEFAULT
// and reset-prop give that one, not a constant (issue 10 item 10).
TEST_F(PropsProtoTest, CongestionControlDefaultIsWhatTheKernelHad) {
  kernel_.set_sysctl("net/ipv4/tcp_available_congestion_control", "reno cubic bbr");
  kernel_.set_sysctl("net/ipv4/tcp_congestion_control", "bbr");
  EXPECT_EQ(row("proto", "tcp", "tcp", "congestion_control").default_value(), "bbr");
  ASSERT_TRUE(setp("tcp", "congestion_control", "reno").is_ok());
  ASSERT_TRUE(setp("tcp", "congestion_control", "cubic", 0, true).is_ok());
  auto r = row("proto", "tcp", "tcp", "congestion_control");
  EXPECT_EQ(r.current(), "cubic");
  EXPECT_EQ(r.default_value(), "bbr");
  ASSERT_TRUE(resetp("tcp", "congestion_control").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_congestion_control"), "bbr");
  EXPECT_EQ(proto_line("tcp", "congestion_control"), std::nullopt);
  // the original survives a daemon restart (the values of the volatile map)
  props_ = std::make_unique<PropService>(kernel_, *store_, map_);
  ASSERT_TRUE(setp("tcp", "congestion_control", "reno").is_ok());
  PropService other(kernel_, *store_, map_);
  other.load_values(props_->values());
  kernel_.set_sysctl("net/ipv4/tcp_congestion_control", "reno");
  props_ = std::make_unique<PropService>(kernel_, *store_, map_);
  props_->load_values(other.values());
  EXPECT_EQ(row("proto", "tcp", "tcp", "congestion_control").default_value(), "bbr");
}

TEST_F(PropsProtoTest, AnonPortRangeIsSharedAndOrdered) {
  ASSERT_TRUE(setp("udp", "smallest_anon_port", "40000").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_port_range"), "40000\t60999");
  // Persisted once, under tcp; every protocol shows it.
  EXPECT_EQ(proto_line("tcp", "smallest_anon_port"), "40000");
  EXPECT_EQ(proto_line("udp", "smallest_anon_port"), std::nullopt);
  for (const char* p : {"tcp", "udp", "sctp"}) {
    auto r = row("proto", p, p, "smallest_anon_port");
    EXPECT_EQ(r.current(), "40000") << p;
    EXPECT_EQ(r.persistent(), "40000") << p;
  }
  EXPECT_EQ(setp("icmp", "smallest_anon_port", "40000").code(), Errc::BadProtocol);

  ASSERT_TRUE(setp("sctp", "largest_anon_port", "50000").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_port_range"), "40000\t50000");
  EXPECT_EQ(setp("tcp", "largest_anon_port", "39999").code(), Errc::ERange);
  EXPECT_EQ(setp("tcp", "smallest_anon_port", "50001").code(), Errc::ERange);
  EXPECT_EQ(setp("tcp", "smallest_anon_port", "1023").code(), Errc::ERange);
  EXPECT_EQ(sysctl("net/ipv4/ip_local_port_range"), "40000\t50000");

  // A reset under any protocol of the group resets the shared value.
  ASSERT_TRUE(resetp("sctp", "smallest_anon_port").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_port_range"), "32768\t50000");
  EXPECT_EQ(proto_line("tcp", "smallest_anon_port"), std::nullopt);
  EXPECT_EQ(row("proto", "udp", "udp", "smallest_anon_port").persistent(), "");
}

// illumos syntax (issue 10 item 6): the value is a comma list of single
// ports, shown and persisted so; += and -= take one port at a time, += of a
// port already there is EEXIST ("Already exists") as the illumos kernel.
TEST_F(PropsProtoTest, ExtraPrivPortsInIllumosSyntax) {
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "9000-9003").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "9000-9003");  // Linux's own form
  EXPECT_EQ(row("proto", "tcp", "tcp", "extra_priv_ports").current(), "9000,9001,9002,9003");
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), "9000,9001,9002,9003");
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "9004", 1).is_ok());
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), "9000,9001,9002,9003,9004");
  EXPECT_EQ(row("proto", "udp", "udp", "extra_priv_ports").persistent(),
            "9000,9001,9002,9003,9004");
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "9004", 1).code(), Errc::Exists);
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "5000,5001", 1).code(), Errc::InvalidArg);
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "5000-5001", 1).code(), Errc::InvalidArg);
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "9000,9001", 2).code(), Errc::InvalidArg);
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "0", 1).code(), Errc::ERange);
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "9000-9004");  // nothing changed
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "9002", 2).is_ok());
  EXPECT_EQ(row("proto", "tcp", "tcp", "extra_priv_ports").current(), "9000,9001,9003,9004");
}

TEST_F(PropsProtoTest, NonprivPortStaysBelowTheAnonRange) {
  ASSERT_TRUE(setp("tcp", "smallest_nonpriv_port", "2048").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_unprivileged_port_start"), "2048");
  EXPECT_EQ(setp("tcp", "smallest_nonpriv_port", "40000").code(), Errc::ERange);
  ASSERT_TRUE(setp("tcp", "smallest_anon_port", "30000").is_ok());
  EXPECT_EQ(setp("udp", "smallest_nonpriv_port", "30001").code(), Errc::ERange);
  EXPECT_EQ(setp("tcp", "smallest_anon_port", "2047").code(), Errc::ERange);
  EXPECT_EQ(setp("tcp", "smallest_nonpriv_port", "1000").code(), Errc::ERange);
  EXPECT_EQ(row("proto", "sctp", "sctp", "smallest_nonpriv_port").persistent(), "2048");
}

TEST_F(PropsProtoTest, ExtraPrivPortsIsMultiValued) {
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "2049,4045").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "2049,4045");
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), "2049,4045");
  ASSERT_TRUE(setp("udp", "extra_priv_ports", "5000", 1).is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "2049,4045,5000");
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), "2049,4045,5000");
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "4045", 2).is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "2049,5000");
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), "2049,5000");
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "7", 2).code(), Errc::ESrch);
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "70000", 1).code(), Errc::ERange);
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "x", 1).code(), Errc::InvalidArg);
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "2049,5000");
  auto r = row("proto", "sctp", "sctp", "extra_priv_ports");
  EXPECT_EQ(r.current(), "2049,5000");
  EXPECT_EQ(r.persistent(), "2049,5000");
  EXPECT_EQ(r.possible(), "1-65535");
  // Ranges the system reserved itself are kept and split as needed.
  kernel_.set_sysctl("net/ipv4/ip_local_reserved_ports", "8000-8010");
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "8005", 2, true).is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "8000-8004,8006-8010");
  EXPECT_EQ(setp("tcp", "extra_priv_ports", "2049", 2, true).code(), Errc::ESrch);
  ASSERT_TRUE(resetp("tcp", "extra_priv_ports").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "\n");  // what clears it on Linux
  EXPECT_EQ(row("proto", "tcp", "tcp", "extra_priv_ports").current(), "");
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), std::nullopt);
  // Removing the last persisted port deletes the line.
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "6000", 1).is_ok());
  ASSERT_TRUE(setp("tcp", "extra_priv_ports", "6000", 2).is_ok());
  EXPECT_EQ(proto_line("tcp", "extra_priv_ports"), std::nullopt);
}

TEST_F(PropsProtoTest, AppendOrRemoveOnSingleValuedIsInvalid) {
  EXPECT_EQ(setp("ipv4", "ttl", "5", 1).code(), Errc::InvalidArg);
  EXPECT_EQ(setp("ipv4", "ttl", "5", 2).code(), Errc::InvalidArg);
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "64");
}

TEST_F(PropsProtoTest, Buffers) {
  ASSERT_TRUE(setp("udp", "max_buf", "4194304").is_ok());
  EXPECT_EQ(sysctl("net/core/rmem_max"), "4194304");
  EXPECT_EQ(sysctl("net/core/wmem_max"), "4194304");
  EXPECT_EQ(proto_line("tcp", "max_buf"), "4194304");
  EXPECT_EQ(row("proto", "icmp", "icmp", "max_buf").persistent(), "4194304");

  ASSERT_TRUE(setp("tcp", "send_buf", "65536").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_wmem"), "4096\t65536\t4194304");
  ASSERT_TRUE(setp("tcp", "recv_buf", "262144").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_rmem"), "4096\t262144\t6291456");
  EXPECT_EQ(row("proto", "tcp", "tcp", "send_buf").possible(), "4096-4194304");
  EXPECT_EQ(setp("tcp", "send_buf", "4194305").code(), Errc::ERange);

  // udp, sctp and icmp share net/core/{w,r}mem_default.
  ASSERT_TRUE(setp("icmp", "send_buf", "300000").is_ok());
  EXPECT_EQ(sysctl("net/core/wmem_default"), "300000");
  EXPECT_EQ(proto_line("udp", "send_buf"), "300000");
  EXPECT_EQ(row("proto", "sctp", "sctp", "send_buf").current(), "300000");
  EXPECT_EQ(row("proto", "tcp", "tcp", "send_buf").current(), "65536");
  ASSERT_TRUE(setp("sctp", "recv_buf", "300000").is_ok());
  EXPECT_EQ(sysctl("net/core/rmem_default"), "300000");
  EXPECT_EQ(setp("udp", "max_buf", "100").code(), Errc::ERange);
}

TEST_F(PropsProtoTest, AliasesAndNddNames) {
  ASSERT_TRUE(setp("tcp", "tcp_smallest_anon_port", "41000").is_ok());
  EXPECT_EQ(proto_line("tcp", "smallest_anon_port"), "41000");
  ASSERT_TRUE(setp("ip", "ip_forwarding", "on").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_forward"), "1");
  EXPECT_EQ(proto_line("ipv4", "forwarding"), "on");
  ASSERT_TRUE(setp("ipv6", "ip6_def_hoplimit", "99").is_ok());
  EXPECT_EQ(sysctl("net/ipv6/conf/all/hop_limit"), "99");
  ASSERT_TRUE(setp("ipv4", "ip_def_ttl", "77").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "77");
  ASSERT_TRUE(setp("tcp", "tcp_ecn_permitted", "active").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/tcp_ecn"), "1");
  ASSERT_TRUE(setp("udp", "udp_xmit_hiwat", "200000").is_ok());
  EXPECT_EQ(sysctl("net/core/wmem_default"), "200000");
  ASSERT_TRUE(setp("tcp", "_max_buf", "1048576").is_ok());
  EXPECT_EQ(sysctl("net/core/wmem_max"), "1048576");
  ASSERT_TRUE(setp("tcp", "recv_maxbuf", "262144").is_ok());
  EXPECT_EQ(proto_line("tcp", "recv_buf"), "262144");
  EXPECT_EQ(setp("ipv6", "ip_def_ttl", "77").code(), Errc::BadProtocol);
  EXPECT_EQ(setp("udp", "tcp_ecn_permitted", "active").code(), Errc::BadProtocol);
  EXPECT_EQ(setp("tcp", "tcp_cwnd_max", "100").code(), Errc::PropUnknown);
  // Whitelisted private names, by themselves and as ndd names.
  ASSERT_TRUE(setp("tcp", "_conn_req_max_q", "1024").is_ok());
  EXPECT_EQ(sysctl("net/core/somaxconn"), "1024");
  ASSERT_TRUE(setp("tcp", "tcp_conn_req_max_q", "2048").is_ok());
  EXPECT_EQ(proto_line("tcp", "_conn_req_max_q"), "2048");
  ASSERT_TRUE(setp("ip", "ip_send_redirects", "0").is_ok());
  EXPECT_EQ(sysctl("net/ipv4/conf/all/send_redirects"), "0");
  EXPECT_EQ(setp("tcp", "_cwnd_max", "100").code(), Errc::PropUnknown);
  // Shown by name only; an ndd name shows the public row.
  EXPECT_EQ(row("proto", "tcp", "tcp", "_conn_req_max_q").current(), "2048");
  auto r = show("proto", "tcp", "tcp", {"tcp_smallest_anon_port"});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].name(), "smallest_anon_port");
  EXPECT_EQ(r[0].current(), "41000");
}

TEST_F(PropsProtoTest, Errors) {
  EXPECT_EQ(setp("foo", "ttl", "1").code(), Errc::InvalidArg);
  EXPECT_EQ(setp("ipv4", "nosuch", "1").code(), Errc::PropUnknown);
  EXPECT_EQ(setp("tcp", "ttl", "1").code(), Errc::BadProtocol);
  EXPECT_EQ(setp("ipv4", "ttl", "").code(), Errc::InvalidArg);
  EXPECT_EQ(setp("ipv4", "ttl", std::string(600, '1')).code(), Errc::InvalidArg);
  EXPECT_EQ(props_->set(req("proto", "ipv4", "ipv4", "ttl", "5", 1, false, true)).code(),
            Errc::InvalidArg);
  EXPECT_EQ(props_->set(req("zone", "ipv4", "ipv4", "ttl", "5")).code(), Errc::InvalidArg);
  EXPECT_EQ(show_status("proto", "foo", "foo").code(), Errc::InvalidArg);
  EXPECT_EQ(prop_lines(), 0u);
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "64");
}

TEST_F(PropsProtoTest, ShowByNameGivesErrorRows) {
  auto rows = show("proto", "tcp", "tcp", {"ecn", "nosuch", "ttl"});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].error(), 0u);
  EXPECT_EQ(rows[1].error(), static_cast<uint32_t>(Errc::PropUnknown));
  EXPECT_EQ(rows[1].name(), "nosuch");
  EXPECT_EQ(rows[2].error(), static_cast<uint32_t>(Errc::BadProtocol));
  // forwarding under "ip": one row per family.
  EXPECT_EQ(show("proto", "ip", "ip", {"forwarding"}).size(), 2u);
}

TEST_F(PropsProtoTest, UnreadableSysctlIsARowError) {
  kernel_.erase_sysctl("net/ipv4/ip_unprivileged_port_start");
  auto r = row("proto", "tcp", "tcp", "smallest_nonpriv_port");
  EXPECT_EQ(r.error(), static_cast<uint32_t>(Errc::NotSup));
  EXPECT_EQ(setp("tcp", "smallest_nonpriv_port", "2000").code(), Errc::NotSup);
  EXPECT_EQ(prop_lines(), 0u);
}

TEST_F(PropsProtoTest, ApplyPersistedReappliesActiveOnly) {
  put_line({"ipv4", "", "", "ttl", "99"});
  put_line({"tcp", "", "", "ecn", "active"});
  put_line({"tcp", "", "", "extra_priv_ports", "2049,4045"});
  put_line({"tcp", "", "", "bogus", "1"});
  put_line({"tcp", "", "", "send_buf", "notanumber"});
  put_line({"udp", "", "", "tcp_xmit_hiwat", "1"});  // ndd name under the wrong protocol
  kernel_.set_sysctl("net/ipv4/ip_local_reserved_ports", "8080");
  std::vector<std::string> failures;
  props_->apply_persisted_proto_props(&failures);
  EXPECT_EQ(sysctl("net/ipv4/ip_default_ttl"), "99");
  EXPECT_EQ(sysctl("net/ipv4/tcp_ecn"), "1");
  EXPECT_EQ(sysctl("net/ipv4/ip_local_reserved_ports"), "2049,4045,8080");  // merged
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_TRUE(failures[0].starts_with("tcp/bogus: ")) << failures[0];
  EXPECT_TRUE(failures[1].starts_with("tcp/send_buf: ")) << failures[1];
  EXPECT_TRUE(failures[2].starts_with("udp/tcp_xmit_hiwat: ")) << failures[2];
  EXPECT_EQ(prop_lines(), 6u);  // the store is not touched
}

TEST_F(PropsProtoTest, ApplyPersistedOrdersThePortRange) {
  // Persisted in an order that only works the other way round.
  put_line({"tcp", "", "", "smallest_anon_port", "62000"});
  put_line({"tcp", "", "", "largest_anon_port", "65000"});
  std::vector<std::string> failures;
  props_->apply_persisted_proto_props(&failures);
  EXPECT_TRUE(failures.empty()) << failures[0];
  EXPECT_EQ(sysctl("net/ipv4/ip_local_port_range"), "62000\t65000");
}

}  // namespace
}  // namespace ipadm::core

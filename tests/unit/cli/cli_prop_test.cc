// run_cli(): property subcommands and whole-host subcommands.
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

TEST_F(CliTest, SetProp) {
  EXPECT_EQ(run({"set-prop", "-p", "ttl=64", "ipv4"}), 0);
  auto r = fake.last_set_prop;
  EXPECT_EQ(r.object_kind(), "proto");
  EXPECT_EQ(r.object(), "ipv4");
  EXPECT_EQ(r.protocol(), "ipv4");
  EXPECT_EQ(r.name(), "ttl");
  EXPECT_EQ(r.value(), "64");
  EXPECT_EQ(r.op(), 0);
  EXPECT_FALSE(r.temporary());
  EXPECT_FALSE(r.reset());

  EXPECT_EQ(run({"set-prop", "-t", "--prop", "extra_priv_ports+=3000", "tcp"}), 0);
  EXPECT_EQ(fake.last_set_prop.name(), "extra_priv_ports");
  EXPECT_EQ(fake.last_set_prop.op(), 1);
  EXPECT_TRUE(fake.last_set_prop.temporary());
  EXPECT_EQ(run({"set-prop", "-p", "extra_priv_ports-=3000", "tcp"}), 0);
  EXPECT_EQ(fake.last_set_prop.op(), 2);
  EXPECT_EQ(run({"set-prop", "-p", "_arp_probe_delay=1", "arp"}), 0);
  EXPECT_EQ(fake.last_set_prop.object(), "ip");
}

TEST_F(CliTest, SetPropErrors) {
  EXPECT_EQ(run({"set-prop", "-p", "ttl=64", "bogus"}), 1);
  EXPECT_EQ(err, "ipadm: invalid protocol 'bogus' specified\n");
  EXPECT_EQ(run({"set-prop", "-p", "a=1=2", "ipv4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: cannot specify more than one prop=val at a time.\n\tset-prop"));
  EXPECT_EQ(run({"set-prop", "-p", "ttl", "ipv4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: please specify the value to be set.\n\tset-prop"));
  EXPECT_EQ(run({"set-prop", "-p", "ttl=1", "-p", "ttl=2", "ipv4"}), 1);
  EXPECT_EQ(err, "ipadm: -p must be specified once only\n");
  EXPECT_EQ(run({"set-prop", "ipv4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: usage: set-prop"));
  EXPECT_EQ(run({"reset-prop", "-p", "ttl=1", "ipv4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: incorrect syntax used for -p.\n\treset-prop"));
  EXPECT_TRUE(fake.calls.empty());
  fake.status = Status(Errc::ERange);
  EXPECT_EQ(run({"set-prop", "-p", "ttl=300", "ipv4"}), 1);
  EXPECT_EQ(err, "ipadm: set-prop: ttl: Value is outside the allowed range\n");
}

TEST_F(CliTest, ResetProp) {
  EXPECT_EQ(run({"reset-prop", "-t", "-p", "ttl", "ipv4"}), 0);
  EXPECT_TRUE(fake.last_set_prop.reset());
  EXPECT_TRUE(fake.last_set_prop.temporary());
  EXPECT_EQ(fake.last_set_prop.name(), "ttl");
  EXPECT_EQ(fake.last_set_prop.value(), "");
}

TEST_F(CliTest, IfProp) {
  EXPECT_EQ(run({"set-ifprop", "-p", "mtu=1400", "-m", "ipv6", "net0"}), 0);
  auto r = fake.last_set_prop;
  EXPECT_EQ(r.object_kind(), "if");
  EXPECT_EQ(r.object(), "net0");
  EXPECT_EQ(r.protocol(), "ipv6");
  EXPECT_EQ(r.name(), "mtu");
  EXPECT_EQ(r.value(), "1400");
  EXPECT_EQ(run({"reset-ifprop", "--prop", "mtu", "--module", "ipv4", "net0"}), 0);
  EXPECT_TRUE(fake.last_set_prop.reset());
  EXPECT_EQ(fake.last_set_prop.protocol(), "ipv4");
  EXPECT_EQ(run({"set-ifprop", "-p", "mtu=1400", "net0"}), 1);  // -m missing
  EXPECT_TRUE(err.starts_with("ipadm: usage: set-ifprop"));
  EXPECT_EQ(run({"set-ifprop", "-p", "mtu=1400", "-m", "ipx", "net0"}), 1);
  EXPECT_EQ(err, "ipadm: invalid protocol 'ipx' specified\n");
}

TEST_F(CliTest, AddrProp) {
  EXPECT_EQ(run({"set-addrprop", "-p", "deprecated=on", "net0/v4"}), 0);
  EXPECT_EQ(fake.last_set_prop.object_kind(), "addr");
  EXPECT_EQ(fake.last_set_prop.object(), "net0/v4");
  EXPECT_EQ(fake.last_set_prop.protocol(), "");
  EXPECT_EQ(run({"reset-addrprop", "-p", "deprecated", "net0/v4"}), 0);
  EXPECT_TRUE(fake.last_set_prop.reset());
}

void add_prop(FakeState& f, const char* obj, const char* proto, const char* name,
              const char* cur, uint32_t error = 0) {
  auto* p = f.prop_reply.add_props();
  p->set_object(obj);
  p->set_protocol(proto);
  p->set_name(name);
  p->set_perm("rw");
  p->set_current(cur);
  p->set_persistent("");
  p->set_default_value("255");
  p->set_possible("1-255");
  p->set_error(error);
}

TEST_F(CliTest, ShowProp) {
  add_prop(fake, "ipv4", "ipv4", "ttl", "64");
  EXPECT_EQ(run({"show-prop", "-p", "ttl", "ipv4"}), 0);
  EXPECT_EQ(out,
            "PROTO PROPERTY              PERM CURRENT      PERSISTENT   DEFAULT      POSSIBLE\n"
            "ipv4  ttl                   rw   64           --           255          1-255\n");
  EXPECT_EQ(fake.last_show_prop.object_kind(), "proto");
  EXPECT_EQ(fake.last_show_prop.protocol(), "ipv4");
  ASSERT_EQ(fake.last_show_prop.names_size(), 1);
  EXPECT_EQ(fake.last_show_prop.names(0), "ttl");
  EXPECT_EQ(run({"show-prop", "-c", "-o", "property,current", "ipv4"}), 0);
  EXPECT_EQ(out, "ttl:64\n");
  EXPECT_EQ(run({"show-prop"}), 0);
  EXPECT_EQ(fake.last_show_prop.object(), "");
  EXPECT_EQ(fake.last_show_prop.names_size(), 0);
}

TEST_F(CliTest, ShowPropErrors) {
  EXPECT_EQ(run({"show-prop", "-p", "ttl"}), 1);
  EXPECT_EQ(err, "ipadm: protocol must be specified when property name is used\n");
  EXPECT_EQ(run({"show-prop", "-c", "ipv4"}), 1);
  EXPECT_EQ(err, "ipadm: -c requires -o\n");
  EXPECT_EQ(run({"show-prop", "bogus"}), 1);
  EXPECT_EQ(err, "ipadm: invalid protocol 'bogus' specified\n");
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, ShowPropRowErrorExitsOne) {
  add_prop(fake, "tcp", "tcp", "ecn", "passive");
  add_prop(fake, "tcp", "tcp", "_bogus", "", static_cast<uint32_t>(Errc::PropUnknown));
  EXPECT_EQ(run({"show-prop", "-p", "ecn,_bogus", "tcp"}), 1);
  EXPECT_NE(out.find("ecn"), std::string::npos);
  EXPECT_EQ(out.find("_bogus"), std::string::npos);
  EXPECT_EQ(err, "ipadm: warning: cannot get property '_bogus' for 'tcp': Unknown property\n");
  ASSERT_EQ(fake.last_show_prop.names_size(), 2);
}

TEST_F(CliTest, ShowIfPropAndJson) {
  add_prop(fake, "net0", "ipv4", "mtu", "1500");
  EXPECT_EQ(run({"show-ifprop", "-m", "ipv4", "-p", "mtu", "net0"}), 0);
  EXPECT_EQ(out,
            "IFNAME      PROPERTY        PROTO PERM CURRENT    PERSISTENT DEFAULT    POSSIBLE\n"
            "net0        mtu             ipv4  rw   1500       --         255        1-255\n");
  EXPECT_EQ(fake.last_show_prop.object_kind(), "if");
  EXPECT_EQ(fake.last_show_prop.object(), "net0");
  EXPECT_EQ(fake.last_show_prop.protocol(), "ipv4");
  EXPECT_EQ(run({"show-ifprop", "--json"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out)[0],
            nlohmann::json({{"ifname", "net0"},
                            {"property", "mtu"},
                            {"proto", "ipv4"},
                            {"perm", "rw"},
                            {"current", "1500"},
                            {"persistent", ""},
                            {"default", "255"},
                            {"possible", "1-255"}}));
}

TEST_F(CliTest, ShowAddrProp) {
  add_prop(fake, "net0/v4", "", "prefixlen", "24");
  EXPECT_EQ(run({"show-addrprop", "-c", "-o", "addrobj,property,current", "net0/v4"}), 0);
  EXPECT_EQ(out, "net0/v4:prefixlen:24\n");
  EXPECT_EQ(fake.last_show_prop.object_kind(), "addr");
  EXPECT_EQ(run({"show-addrprop", "--json", "-o", "addrobj,perm"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out),
            nlohmann::json::parse(R"([{"addrobj":"net0/v4","perm":"rw"}])"));
  EXPECT_EQ(run({"show-addrprop", "net0"}), 1);
  EXPECT_EQ(err, "ipadm: invalid addrobj name provided\n");
  fake.show_status = Status(Errc::NotFound);
  EXPECT_EQ(run({"show-addrprop", "net0/zz"}), 1);
  EXPECT_EQ(err, "ipadm: addrobj not found: net0/zz\n");
}

TEST_F(CliTest, Restore) {
  fake.restore_reply.set_interfaces(2);
  fake.restore_reply.set_addresses(3);
  fake.restore_reply.add_failed("net1/v4: Interface does not exist");
  EXPECT_EQ(run({"restore"}), 0);
  EXPECT_EQ(out, "restored 2 interface(s), 3 address(es), 1 failed\n");
  EXPECT_EQ(err, "ipadm: warning: could not restore net1/v4: Interface does not exist\n");
}

TEST_F(CliTest, ExportImport) {
  fake.export_text = "_ifname=net0;...";
  EXPECT_EQ(run({"export"}), 0);
  EXPECT_EQ(out, "_ifname=net0;...\n");
  EXPECT_EQ(fake.calls.back(), "export illumos");
  EXPECT_EQ(run({"export", "-f", "json"}), 0);
  EXPECT_EQ(fake.calls.back(), "export json");
  EXPECT_EQ(run({"export", "-f", "xml"}), 1);
  EXPECT_EQ(err, "ipadm: invalid export format 'xml'\n");
  EXPECT_EQ(run({"import", "-"}, "some text"), 0);
  EXPECT_EQ(fake.last_import, "some text");
  EXPECT_EQ(fake.calls.back(), "import");
  EXPECT_EQ(run({"import", "--allow-empty", "-"}, ""), 0);
  EXPECT_EQ(fake.calls.back(), "import allow-empty");
  EXPECT_EQ(run({"import", "-e", "/dev/null"}), 0);
  EXPECT_EQ(fake.calls.back(), "import allow-empty");
  EXPECT_EQ(run({"import", "/nonexistent/file"}), 1);
  EXPECT_EQ(err, "ipadm: cannot open '/nonexistent/file': No such file or directory\n");
}

}  // namespace
}  // namespace ipadm::cli::test

// The CLI's texts against illumos ipadm.c (issue 10): per-subcommand help
// and the error lines that scripts written for illumos match.
#include <sstream>

#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

std::string one_usage(std::string_view name) {
  return "usage:  ipadm <subcommand> <args> ...\n\t" + std::string(find_command(name)->usage) +
         "\n";
}

// ---- item 8: help ----

TEST_F(CliTest, HelpSubcommandPrintsItsUsage) {
  EXPECT_EQ(run({"help", "show-if"}), 0);
  EXPECT_EQ(out, one_usage("show-if"));
  EXPECT_EQ(err, "");
  EXPECT_EQ(run({"help", "create-addr"}), 0);
  EXPECT_EQ(out, one_usage("create-addr"));
  EXPECT_NE(out.find("-T dhcp"), std::string::npos);  // every form of the command
  EXPECT_TRUE(roots.empty());
}

TEST_F(CliTest, SubcommandDashDashHelpPrintsItsUsage) {
  for (const Command& c : commands()) {
    EXPECT_EQ(run({std::string(c.name), "--help"}), 0) << c.name;
    EXPECT_EQ(out, one_usage(c.name)) << c.name;
    EXPECT_EQ(err, "") << c.name;
  }
  EXPECT_EQ(run({"set-prop", "-t", "--help", "tcp"}), 0);
  EXPECT_EQ(out, one_usage("set-prop"));
  EXPECT_TRUE(roots.empty());  // never contacted the daemon
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, HelpUnknownSubcommandFailsAsIllumos) {
  EXPECT_EQ(run({"help", "frobnicate"}), 1);
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "ipadm: unknown subcommand 'frobnicate'\n" + full_usage());
}

// ---- item 7: error wording (illumos ipadm.c) ----

TEST_F(CliTest, CreateAddrWithoutTypeSaysInvalidArguments) {
  EXPECT_EQ(run({"create-addr", "-a", "192.0.2.1/24", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: Invalid arguments\nusage: " +
                     std::string(find_command("create-addr")->usage) + "\n");
  EXPECT_EQ(run({"create-addr", "-T", "static", "-a", "192.0.2.1/24"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: Invalid arguments\nusage: create-addr")) << err;
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, CreateAddrObjectNameWithoutSlash) {
  for (const char* name : {"net0", "net0/"}) {
    EXPECT_EQ(run({"create-addr", "-T", "static", "-a", "192.0.2.1/24", name}), 1);
    EXPECT_TRUE(err.starts_with("ipadm: invalid address object name: " + std::string(name) +
                                "\nusage: create-addr"))
        << err;
  }
  // checked before the type's own options, as illumos
  EXPECT_EQ(run({"create-addr", "-T", "static", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: invalid address object name: net0\n")) << err;
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, CreateAddrStaticWithoutAddress) {
  EXPECT_EQ(run({"create-addr", "-T", "static", "net0/v4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: Invalid arguments for type static\nusage: create-addr"))
      << err;
  EXPECT_EQ(run({"create-addr", "-T", "dhcp", "-a", "1.2.3.4", "net0/v4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: Invalid arguments for type dhcp\nusage: create-addr"))
      << err;
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, SetPropWithoutValue) {
  const std::string tail = "\n\t" + std::string(find_command("set-prop")->usage) + "\n";
  for (const char* p : {"ttl", "ttl="}) {
    EXPECT_EQ(run({"set-prop", "-p", p, "ipv4"}), 1);
    EXPECT_EQ(err, "ipadm: please specify the value to be set." + tail) << p;
  }
  EXPECT_EQ(run({"set-prop", "-p", "ttl=1=2", "ipv4"}), 1);
  EXPECT_EQ(err, "ipadm: cannot specify more than one prop=val at a time." + tail);
  EXPECT_EQ(run({"reset-prop", "-p", "ttl=1", "ipv4"}), 1);
  EXPECT_EQ(err, "ipadm: incorrect syntax used for -p.\n\t" +
                     std::string(find_command("reset-prop")->usage) + "\n");
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, SetPropWithoutName) {
  EXPECT_EQ(run({"set-prop", "-p", "=on", "ipv4"}), 1);
  EXPECT_EQ(err, "ipadm: Invalid prop=val specified\n\t" +
                     std::string(find_command("set-prop")->usage) + "\n");
  EXPECT_TRUE(fake.calls.empty());
}

TEST_F(CliTest, AddrOpsFailInIllumosCase) {
  fake.status = Status(Errc::NotFound);
  EXPECT_EQ(run({"delete-addr", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: could not delete address: Object not found\n");
  EXPECT_EQ(run({"enable-addr", "-t", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: could not enable address: Object not found\n");
  EXPECT_EQ(run({"disable-addr", "-t", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: could not disable address: Object not found\n");
  EXPECT_EQ(run({"refresh-addr", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: could not refresh address Object not found\n");  // sic
  EXPECT_EQ(run({"up-addr", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: Could not mark the address up: Object not found\n");
}

TEST_F(CliTest, InterfaceOpsFailWithIllumosText) {
  fake.status = Status(Errc::Enxio);
  EXPECT_EQ(run({"create-if", "net9"}), 1);
  EXPECT_EQ(err, "ipadm: Could not create net9 : Interface does not exist\n");
  EXPECT_EQ(run({"delete-if", "net9"}), 1);
  EXPECT_EQ(err, "ipadm: Could not delete net9: Interface does not exist\n");
  EXPECT_EQ(run({"enable-if", "-t", "net9"}), 1);
  EXPECT_EQ(err, "ipadm: Could not enable net9 : Interface does not exist\n");
  EXPECT_EQ(run({"disable-if", "-t", "net9"}), 1);
  EXPECT_EQ(err, "ipadm: Could not disable net9: Interface does not exist\n");
}

TEST_F(CliTest, DetailGoesOnASecondLine) {
  fake.status = Status(Errc::NotSup, "Linux has no such thing");
  EXPECT_EQ(run({"delete-addr", "net0/v4"}), 1);
  EXPECT_EQ(err,
            "ipadm: could not delete address: Operation not supported\n"
            "ipadm: detail: Linux has no such thing\n");
}

TEST_F(CliTest, ShowIfpropUnknownInterface) {
  fake.show_status = Status(Errc::Enxio);
  EXPECT_EQ(run({"show-ifprop", "nosuch0"}), 1);
  EXPECT_EQ(err, "ipadm: no such object 'nosuch0': Interface does not exist\n");
  fake.show_status = Status(Errc::NotFound);
  EXPECT_EQ(run({"show-ifprop", "-p", "mtu", "nosuch0"}), 1);
  EXPECT_EQ(err, "ipadm: no such object 'nosuch0': Interface does not exist\n");
}

TEST_F(CliTest, ShowAddrpropNameWithoutSlash) {
  EXPECT_EQ(run({"show-addrprop", "net0"}), 1);
  EXPECT_EQ(err, "ipadm: invalid addrobj name provided\n");
  EXPECT_TRUE(fake.calls.empty());
}

}  // namespace
}  // namespace ipadm::cli::test

namespace ipadm::cli::test {
namespace {

// ---- item 9: formatting ----

rpc::PropInfo* prop_row(FakeState& f, const char* obj, const char* name, const char* cur,
                        const char* possible) {
  auto* p = f.prop_reply.add_props();
  p->set_object(obj);
  p->set_protocol(obj);
  p->set_name(name);
  p->set_perm("rw");
  p->set_current(cur);
  p->set_default_value("cubic");
  p->set_possible(possible);
  return p;
}

// show-prop wraps comma lists at the column width as ofmt's OFMT_WRAP does:
// each line takes as many items as fit (a trailing ',' when more follow),
// the other columns of a continuation line are blank (not "--").
TEST_F(CliTest, ShowPropWrapsCommaListsAsOfmt) {
  prop_row(fake, "tcp", "congestion_control", "cubic", "reno,cubic,bbr,htcp,vegas");
  prop_row(fake, "tcp", "extra_priv_ports", "2049,4045,5000,5001,6000", "1-65535");
  EXPECT_EQ(run({"show-prop", "tcp"}), 0);
  EXPECT_EQ(out,
            "PROTO PROPERTY              PERM CURRENT      PERSISTENT   DEFAULT      POSSIBLE\n"
            "tcp   congestion_control    rw   cubic        --           cubic        reno,cubic,bbr,\n"
            "                                                                        htcp,vegas\n"
            "tcp   extra_priv_ports      rw   2049,4045,   --           cubic        1-65535\n"
            "                                 5000,5001,                             \n"
            "                                 6000                                   \n");
  // parsable and --json never wrap
  EXPECT_EQ(run({"show-prop", "-c", "-o", "possible", "tcp"}), 0);
  EXPECT_EQ(out, "reno,cubic,bbr,htcp,vegas\n1-65535\n");
}

TEST_F(CliTest, ShowIfpropAndAddrpropDoNotWrap) {
  prop_row(fake, "net0", "mtu", "1500", "68-9000,1,2,3,4,5,6,7");
  EXPECT_EQ(run({"show-ifprop", "-o", "property,possible", "net0"}), 0);
  EXPECT_EQ(out, "PROPERTY        POSSIBLE\nmtu             68-9000,1,2,3,4,5,6,7\n");
}

// The Linux-only address properties are longer than illumos's PROPERTY
// column (11): the column is as wide as the longest, so the rows align.
TEST_F(CliTest, ShowAddrpropColumnsAlign) {
  for (const char* n : {"broadcast", "preferred_lifetime", "valid_lifetime", "zone"})
    prop_row(fake, "net0/v4", n, "x", "y");
  EXPECT_EQ(run({"show-addrprop", "-o", "property,perm,current", "net0/v4"}), 0);
  std::istringstream lines(out);
  std::string line;
  size_t perm_col = std::string::npos;
  while (std::getline(lines, line)) {
    size_t col = line.find(line.starts_with("PROPERTY") ? "PERM" : "rw");
    if (perm_col == std::string::npos) perm_col = col;
    EXPECT_EQ(col, perm_col) << out;
  }
}

}  // namespace
}  // namespace ipadm::cli::test

namespace ipadm::cli::test {
namespace {

// illumos looks a name without '/' up in ipmgmtd, which knows no such
// object: "Object not found" (libipadm i_ipadm_get_addrobj).
TEST_F(CliTest, AddrobjWithoutSlashIsNotFound) {
  EXPECT_EQ(run({"delete-addr", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: could not delete address: Object not found\n")) << err;
  EXPECT_EQ(run({"up-addr", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: Could not mark the address up: Object not found\n"));
  EXPECT_EQ(run({"refresh-addr", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: could not refresh address Object not found\n"));
  EXPECT_EQ(run({"set-addrprop", "-p", "deprecated=on", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: set-addrprop: deprecated: Object not found\n")) << err;
  EXPECT_EQ(run({"reset-addrprop", "-p", "deprecated", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: reset-addrprop: deprecated: Object not found\n"));
  EXPECT_TRUE(fake.calls.empty());
}

}  // namespace
}  // namespace ipadm::cli::test

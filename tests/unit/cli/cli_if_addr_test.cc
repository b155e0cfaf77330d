// run_cli(): interface and address subcommands against the fake backend.
#include <nlohmann/json.hpp>

#include "cli/cli_fixture.h"

namespace ipadm::cli::test {
namespace {

TEST_F(CliTest, CreateDeleteIf) {
  EXPECT_EQ(run({"create-if", "-t", "net0"}), 0);
  EXPECT_EQ(run({"create-ip", "--temporary", "net1"}), 0);
  EXPECT_EQ(run({"create-if", "net2"}), 0);
  EXPECT_EQ(run({"delete-ip", "net2"}), 0);
  EXPECT_EQ(fake.calls, (std::vector<std::string>{"create_if net0 t=1", "create_if net1 t=1",
                                                  "create_if net2 t=0", "delete_if net2"}));
  fake.status = Status(Errc::Enxio);
  EXPECT_EQ(run({"delete-if", "net9"}), 1);
  EXPECT_EQ(err, "ipadm: Could not delete net9: Interface does not exist\n");
}

TEST_F(CliTest, EnableDisableIfNeedTemporary) {
  EXPECT_EQ(run({"disable-if", "net0"}), 1);
  EXPECT_EQ(err, "ipadm: persistent operation not supported for disable-if\n");
  EXPECT_EQ(run({"enable-if", "net0"}), 1);
  EXPECT_EQ(err, "ipadm: persistent operation not supported for enable-if\n");
  EXPECT_TRUE(fake.calls.empty());
  EXPECT_EQ(run({"disable-if", "-t", "net0"}), 0);
  EXPECT_EQ(run({"enable-if", "-t", "net0"}), 0);
  EXPECT_EQ(fake.calls, (std::vector<std::string>{"disable_if net0", "enable_if net0"}));
}

TEST_F(CliTest, EnableIfSoftError) {
  fake.status = Status(Errc::AllAddrsNotEnabled);
  EXPECT_EQ(run({"enable-if", "-t", "net0"}), 0);
  EXPECT_EQ(err, "ipadm: warning: All addresses could not be enabled\n");
}

void add_if(FakeState& f, const char* name, const char* state, const char* cur,
            const char* pers) {
  auto* i = f.if_reply.add_ifs();
  i->set_ifname(name);
  i->set_state(state);
  i->set_current(cur);
  i->set_persistent(pers);
  i->set_ifindex(1);
  i->set_mtu(65536);
  i->set_ifclass(std::string_view(name) == "lo" ? "loopback" : "ip");
}

TEST_F(CliTest, ShowIfHuman) {
  add_if(fake, "lo", "ok", "-m-v------46", "-46");
  add_if(fake, "net0", "disabled", "", "-46");
  EXPECT_EQ(run({"show-if"}), 0);
  EXPECT_EQ(out,
            "IFNAME     STATE    CURRENT      PERSISTENT\n"
            "lo         ok       -m-v------46 -46\n"
            "net0       disabled --           -46\n");
  EXPECT_EQ(fake.calls, std::vector<std::string>{"show_if "});
  EXPECT_EQ(run({"show-if", "lo"}), 0);
  EXPECT_EQ(fake.calls.back(), "show_if lo");
}

TEST_F(CliTest, ShowIfParsable) {
  add_if(fake, "lo", "ok", "-m-v------46", "-46");
  EXPECT_EQ(run({"show-if", "-p", "-o", "ifname,state"}), 0);
  EXPECT_EQ(out, "lo:ok\n");
  EXPECT_EQ(run({"show-if", "--parsable", "--output=all"}), 0);
  EXPECT_EQ(out, "lo:loopback:ok:-m-v------46:-46:\n");
  EXPECT_EQ(run({"show-if", "-p", "-o", "class,over"}), 0);
  EXPECT_EQ(out, "loopback:\n");
  EXPECT_EQ(run({"show-if", "-o", "ifname,class,over"}), 0);
  EXPECT_EQ(out, "IFNAME     CLASS     OVER\nlo         loopback  --\n");
  EXPECT_EQ(run({"show-if", "-p"}), 1);
  EXPECT_EQ(err, "ipadm: -p requires -o\n");
  EXPECT_EQ(run({"show-if", "-o", "bogus"}), 1);
  EXPECT_EQ(err, "ipadm: invalid field(s) specified: bogus\n");
}

TEST_F(CliTest, ShowIfJson) {
  add_if(fake, "lo", "ok", "-m-v------46", "-46");
  EXPECT_EQ(run({"show-if", "--json"}), 0);
  auto doc = nlohmann::json::parse(out);
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0], nlohmann::json({{"ifname", "lo"},
                                    {"class", "loopback"},
                                    {"state", "ok"},
                                    {"current", "-m-v------46"},
                                    {"persistent", "-46"},
                                    {"over", ""},
                                    {"ifindex", 1},
                                    {"mtu", 65536}}));
  EXPECT_EQ(run({"show-if", "-o", "ifname", "--json", "-p"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out), nlohmann::json::parse(R"([{"ifname":"lo"}])"));
  EXPECT_EQ(run({"show-if", "-o", "class,over", "--json"}), 0);
  EXPECT_EQ(nlohmann::json::parse(out),
            nlohmann::json::parse(R"([{"class":"loopback","over":""}])"));
}

TEST_F(CliTest, ShowFailure) {
  fake.show_status = Status(Errc::IpcError);
  EXPECT_EQ(run({"show-if"}), 1);
  EXPECT_EQ(err, "ipadm: Could not get interface(s): Could not communicate with ipmgmtd\n");
  fake.show_status = Status(Errc::NotFound);
  EXPECT_EQ(run({"show-addr", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: Could not get address: Object not found\n");
}

TEST_F(CliTest, CreateAddrStatic) {
  EXPECT_EQ(run({"create-addr", "-T", "static", "-a", "192.168.0.10/24", "net0/v4"}), 0);
  const auto& r = fake.last_create_addr;
  EXPECT_EQ(r.aobjname(), "net0/v4");
  EXPECT_EQ(r.type(), "static");
  EXPECT_EQ(r.local(), "192.168.0.10/24");
  EXPECT_EQ(r.remote(), "");
  EXPECT_FALSE(r.temporary());
  EXPECT_FALSE(r.down());

  EXPECT_EQ(run({"create-addr", "-t", "-d", "--type=static", "--address",
                 "local=10.0.0.1,remote=10.0.0.2", "net0/p2p"}),
            0);
  EXPECT_TRUE(fake.last_create_addr.temporary());
  EXPECT_TRUE(fake.last_create_addr.down());
  EXPECT_EQ(fake.last_create_addr.local(), "10.0.0.1");
  EXPECT_EQ(fake.last_create_addr.remote(), "10.0.0.2");
}

TEST_F(CliTest, CreateAddrErrors) {
  auto fails = [&](std::vector<std::string> args, const std::string& msg) {
    EXPECT_EQ(run(std::move(args)), 1) << msg;
    if (msg.ends_with("usage: "))  // illumos appends the usage to these
      EXPECT_TRUE(err.starts_with(msg + "create-addr")) << err;
    else
      EXPECT_EQ(err, msg);
  };
  fails({"create-addr", "-T", "static", "-a", "1.1.1.1,2.2.2.2", "net0/v4"},
        "ipadm: Invalid address provided\nusage: ");
  fails({"create-addr", "-T", "static", "-a", "remote=2.2.2.2", "net0/v4"},
        "ipadm: Missing local address\nusage: ");
  fails({"create-addr", "-T", "static", "-a", "1.1.1.1", "-w", "5", "net0/v4"},
        "ipadm: Invalid arguments for type static\nusage: ");
  fails({"create-addr", "-T", "dhcp", "-a", "1.1.1.1", "net0/v4"},
        "ipadm: Invalid arguments for type dhcp\nusage: ");
  fails({"create-addr", "-T", "addrconf", "-1", "net0/v6"},
        "ipadm: Invalid arguments for type addrconf\nusage: ");
  fails({"create-addr", "-T", "bogus", "net0/v4"}, "ipadm: Invalid address type bogus\n");
  fails({"create-addr", "-T", "dhcp", "-w", "soon", "net0/v4"}, "ipadm: Invalid argument\n");
  fails({"create-addr", "-T", "addrconf", "-p", "stateless=maybe", "net0/v6"},
        "ipadm: Invalid argument\n");
  fails({"create-addr", "-T", "addrconf", "-i", "::1", "net0/v6"},
        "ipadm: Could not create address: Invalid argument provided\n");
  EXPECT_EQ(run({"create-addr", "-T", "static", "-a", "1.1.1.1", "net0"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: invalid address object name: net0\nusage: "));
  EXPECT_EQ(run({"create-addr", "-T", "static", "-a", "1.1.1.1", "net0/"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: invalid address object name: net0/\nusage: "));
  EXPECT_EQ(run({"create-addr", "-a", "1.1.1.1", "net0/v4"}), 1);  // no -T
  EXPECT_TRUE(err.starts_with("ipadm: Invalid arguments\nusage: create-addr"));
  EXPECT_TRUE(fake.calls.empty());

  fake.status = Status(Errc::AddrObjExists);
  fails({"create-addr", "-T", "static", "-a", "1.1.1.1", "net0/v4"},
        "ipadm: Could not create address: Address object already exists\n");
}

TEST_F(CliTest, CreateAddrDynamicTypes) {
  EXPECT_EQ(run({"create-addr", "-T", "dhcp", "-w", "forever", "-1", "-h", "myhost",
                 "net0/dhcp"}),
            0);
  EXPECT_EQ(fake.last_create_addr.type(), "dhcp");
  EXPECT_EQ(run({"create-addr", "-T", "addrconf", "-i", "::1:2/64", "-p",
                 "stateless=yes,stateful=no", "net0/v6"}),
            0);
  EXPECT_EQ(fake.last_create_addr.type(), "addrconf");
  fake.status = Status(Errc::DhcpIpcTimeout);
  EXPECT_EQ(run({"create-addr", "-T", "dhcp", "net0/dhcp"}), 0);
  EXPECT_EQ(err, "ipadm: warning: Communication with dhcpagent timed out\n");
}

TEST_F(CliTest, DeleteAddr) {
  EXPECT_EQ(run({"delete-addr", "-r", "net0/dhcp"}), 0);
  EXPECT_EQ(run({"delete-addr", "net0/v4"}), 0);
  EXPECT_EQ(fake.calls,
            (std::vector<std::string>{"delete_addr net0/dhcp r=1", "delete_addr net0/v4 r=0"}));
  fake.status = Status(Errc::NotFound);
  EXPECT_EQ(run({"delete-addr", "net0/zz"}), 1);
  EXPECT_EQ(err, "ipadm: could not delete address: Object not found\n");
}

TEST_F(CliTest, AddrOps) {
  EXPECT_EQ(run({"up-addr", "net0/v4"}), 0);
  EXPECT_EQ(fake.last_op, rpc::Request::kUpAddr);
  EXPECT_FALSE(fake.last_addr_op.temporary());
  EXPECT_EQ(run({"down-addr", "-t", "net0/v4"}), 0);
  EXPECT_EQ(fake.last_op, rpc::Request::kDownAddr);
  EXPECT_TRUE(fake.last_addr_op.temporary());
  EXPECT_EQ(run({"disable-addr", "-t", "net0/v4"}), 0);
  EXPECT_EQ(fake.last_op, rpc::Request::kDisableAddr);
  EXPECT_EQ(run({"enable-addr", "--temporary", "net0/v4"}), 0);
  EXPECT_EQ(fake.last_op, rpc::Request::kEnableAddr);
  EXPECT_EQ(run({"refresh-addr", "-i", "net0/v4"}), 0);
  EXPECT_EQ(fake.last_op, rpc::Request::kRefreshAddr);
  EXPECT_TRUE(fake.last_addr_op.inform());
  EXPECT_EQ(fake.last_addr_op.aobjname(), "net0/v4");

  EXPECT_EQ(run({"enable-addr", "net0/v4"}), 1);
  EXPECT_EQ(err, "ipadm: persistent operation not supported for enable-addr\n");
  EXPECT_EQ(run({"refresh-addr", "-t", "net0/v4"}), 1);
  EXPECT_TRUE(err.starts_with("ipadm: unrecognized option '-t'\nusage: refresh-addr"));
  fake.status = Status(Errc::OpDisableObj);
  EXPECT_EQ(run({"up-addr", "net0/v4"}), 1);
  EXPECT_EQ(err,
            "ipadm: Could not mark the address up: Operation not supported on disabled object\n");
}

void add_addr(FakeState& f, const char* obj, const char* type, const char* state,
              const char* addr) {
  auto* a = f.addr_reply.add_addrs();
  a->set_aobjname(obj);
  a->set_ifname(std::string(obj).substr(0, std::string(obj).find('/')));
  a->set_type(type);
  a->set_state(state);
  a->set_current("U----");
  a->set_persistent("U--");
  a->set_addr(addr);
  a->set_family(4);
  a->set_prefixlen(8);
  a->set_local("127.0.0.1");
}

TEST_F(CliTest, ShowAddr) {
  add_addr(fake, "lo/v4", "static", "ok", "127.0.0.1/8");
  add_addr(fake, "a_very_long_ifname/?", "static", "ok", "10.1.2.3/16");
  EXPECT_EQ(run({"show-addr"}), 0);
  EXPECT_EQ(out,
            "ADDROBJ           TYPE     STATE        ADDR\n"
            "lo/v4             static   ok           127.0.0.1/8\n"
            "a_very_long_ifname/? static ok          10.1.2.3/16\n");
  EXPECT_EQ(run({"show-addr", "lo/"}), 0);
  EXPECT_EQ(fake.calls.back(), "show_addr |lo");
  EXPECT_EQ(run({"show-addr", "lo/v4"}), 0);
  EXPECT_EQ(fake.calls.back(), "show_addr lo/v4|");
  EXPECT_EQ(run({"show-addr", "lo"}), 1);
  EXPECT_EQ(err, "ipadm: Invalid address object name provided\n");
  EXPECT_EQ(run({"show-addr", "-p", "-o", "addrobj,addr"}), 0);
  EXPECT_EQ(out, "lo/v4:127.0.0.1/8\na_very_long_ifname/?:10.1.2.3/16\n");
}

TEST_F(CliTest, ShowAddrJson) {
  add_addr(fake, "lo/v4", "static", "ok", "127.0.0.1/8");
  EXPECT_EQ(run({"show-addr", "--json"}), 0);
  auto doc = nlohmann::json::parse(out);
  ASSERT_EQ(doc.size(), 1u);
  EXPECT_EQ(doc[0], nlohmann::json({{"addrobj", "lo/v4"},
                                    {"type", "static"},
                                    {"state", "ok"},
                                    {"current", "U----"},
                                    {"persistent", "U--"},
                                    {"addr", "127.0.0.1/8"},
                                    {"ifname", "lo"},
                                    {"family", 4},
                                    {"prefixlen", 8},
                                    {"local", "127.0.0.1"},
                                    {"remote", ""}}));
}

}  // namespace
}  // namespace ipadm::cli::test

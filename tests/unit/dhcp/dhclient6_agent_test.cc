// Dhclient6Agent against a fake dhclient: a shell script that takes
// dhclient's options and runs the real hook program (dhcp_test_hook =
// hook_main) the way dhclient does -- no argv, $reason, a fresh environment
// holding only its variables and those of -e. No network, no root needed.
#include "dhcp/dhclient6_agent.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "dhcp/hook.h"
#include "dhcp/test_util.h"

namespace ipadm::dhcp {
namespace {

using namespace std::chrono_literals;
using testutil::count_lines;
using testutil::read_file;
using testutil::wait_for;

constexpr const char* kScriptHead = R"(#!/bin/sh
DIR=@DIR@
echo "$$ $*" >> $DIR/spawns
REL=0
while [ $# -gt 0 ]; do
  case "$1" in
    -sf) HOOK=$2; shift;;
    -e) EXTRA=$2; shift;;
    -lf|-pf|-cf|--dad-wait-time) shift;;
    -r) REL=1;;
    -*) ;;
    *) IF=$1;;
  esac
  shift
done
hook() { r=$1; shift; env -i "$EXTRA" reason=$r interface=$IF "$@" "$HOOK"; echo "$r $?" >> $DIR/acks; }
if [ $REL = 1 ]; then
  hook RELEASE6 old_ip6_address=2001:db8::10 old_ip6_prefixlen=128
  echo released >> $DIR/releases
  exit 0
fi
)";



class Dhclient6AgentTest : public testing::Test {
 protected:
  Dhclient6AgentTest() {
    char t[] = "/tmp/dhclient6_agent_test.XXXXXX";
    dir_ = mkdtemp(t);
  }
  ~Dhclient6AgentTest() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string script(const std::string& body) {
    std::string s = kScriptHead;
    s.replace(s.find("@DIR@"), 5, dir_);
    std::string p = dir_ + "/dhclient.sh";
    std::ofstream(p) << s << body;
    chmod(p.c_str(), 0755);
    return p;
  }
  Dhclient6Tuning fast() {
    Dhclient6Tuning t;
    t.release_grace = 2000ms;
    t.term_grace = 500ms;
    t.backoff_min = 100ms;
    t.backoff_max = 400ms;
    return t;
  }
  EventSink sink() {
    return [this](const Event& e) {
      std::lock_guard<std::mutex> l(mu_);
      events_.push_back(e);
    };
  }
  std::vector<Event> events() {
    std::lock_guard<std::mutex> l(mu_);
    return events_;
  }
  static Params params() {
    Params p;
    p.aobjname = "veth0/v6";
    p.ifname = "veth0";
    return p;
  }

  std::string dir_;
  std::mutex mu_;
  std::vector<Event> events_;
};

// PREINIT6 and DEPREF6 dropped, BOUND6 delivered with the v6 lease, argv as
// documented, renew = a restart, release = the release program after the
// client exited, its RELEASE6 acked but not delivered.
TEST_F(Dhclient6AgentTest, BoundRenewRelease) {
  std::string client = script(R"(
hook PREINIT6 dad_wait_time=0
hook BOUND6 new_ip6_address=2001:db8::10 new_ip6_prefixlen=128 new_max_life=600 new_preferred_life=300 new_dhcp6_name_servers=2001:db8::53 new_dhcp6_domain_search=example.test.
hook DEPREF6 new_ip6_address=2001:db8::10
while :; do sleep 0.05; done
)");
  std::string state = dir_ + "/state";
  Dhclient6Agent agent(sink(), state, DHCP_TEST_HOOK, client, fast());
  ASSERT_TRUE(agent.start(params()));
  ASSERT_TRUE(wait_for([&] { return count_lines(dir_ + "/acks") == 3; }));
  EXPECT_EQ(read_file(dir_ + "/acks"), "PREINIT6 0\nBOUND6 0\nDEPREF6 0\n");
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::Bound);
  ASSERT_TRUE(ev[0].lease);
  EXPECT_EQ(ev[0].lease->addr.to_string(), "2001:db8::10");
  EXPECT_EQ(ev[0].lease->prefixlen, 128);
  EXPECT_EQ(ev[0].lease->lease_secs, 600u);
  EXPECT_EQ(ev[0].lease->preferred_secs, 300u);
  EXPECT_EQ(ev[0].lease->domain, "example.test.");
  EXPECT_TRUE(agent.current(ev[0]));

  std::string spawn = read_file(dir_ + "/spawns");
  std::string key = state + "/veth0%2Fv6";
  EXPECT_NE(spawn.find(" -6 -N -d -cf " + state + "/dhclient6.conf -sf " DHCP_TEST_HOOK
                       " -e IPMGMT_DHCP_FD=9 -pf " + key + ".pid --dad-wait-time 5 -lf " +
                       key + ".leases veth0"),
            std::string::npos)
      << spawn;
  EXPECT_EQ(agent.lease_file("veth0/v6"), key + ".leases");
  EXPECT_NE(read_file(state + "/dhclient6.conf").find("dhcp6.name-servers"), std::string::npos);

  // renew: the client is restarted (a new process, same generation)
  pid_t first = agent.test_pids().at(0);
  ASSERT_TRUE(agent.renew("veth0/v6"));
  ASSERT_TRUE(wait_for([&] { return events().size() == 2; }));
  EXPECT_EQ(count_lines(dir_ + "/spawns"), 2);
  EXPECT_TRUE(agent.current(events()[1]));
  ASSERT_EQ(agent.test_pids().size(), 1u);
  EXPECT_NE(agent.test_pids()[0], first);

  agent.stop("veth0/v6", true);
  EXPECT_TRUE(agent.wait_exit("veth0/v6", 5000));
  EXPECT_EQ(count_lines(dir_ + "/releases"), 1);
  EXPECT_NE(read_file(dir_ + "/spawns").find(" -r -lf " + key + ".leases veth0"),
            std::string::npos);
  EXPECT_NE(read_file(dir_ + "/spawns").find("-pf " + key + ".rpid"), std::string::npos);
  EXPECT_EQ(count_lines(dir_ + "/acks", "RELEASE6 0"), 1);  // acked...
  EXPECT_EQ(events().size(), 2u);                           // ...not delivered
  EXPECT_TRUE(agent.test_pids().empty());
}

// Stop without release: SIGTERM only, no release program.
TEST_F(Dhclient6AgentTest, StopWithoutRelease) {
  std::string client = script(R"(
hook PREINIT6
hook BOUND6 new_ip6_address=2001:db8::10 new_max_life=600
while :; do sleep 0.05; done
)");
  Dhclient6Agent agent(sink(), dir_ + "/state", DHCP_TEST_HOOK, client, fast());
  ASSERT_TRUE(agent.start(params()));
  ASSERT_TRUE(wait_for([&] { return events().size() == 1; }));
  agent.stop("veth0/v6", false);
  EXPECT_TRUE(agent.wait_exit("veth0/v6", 5000));
  EXPECT_EQ(count_lines(dir_ + "/spawns"), 1);
  EXPECT_EQ(count_lines(dir_ + "/releases"), 0);
}

// Expiry of the lease: Deconfig with the old address; a hostile BOUND6 is
// dropped (and logged), not delivered.
TEST_F(Dhclient6AgentTest, ExpireAndHostileValues) {
  std::string client = script(R"(
hook PREINIT6
hook BOUND6 new_ip6_address='2001:db8::10;reboot' new_max_life=600
hook BOUND6 new_ip6_address=2001:db8::11 new_max_life=600
hook EXPIRE6 old_ip6_address=2001:db8::11 old_ip6_prefixlen=128
while :; do sleep 0.05; done
)");
  std::mutex lmu;
  std::string logs;
  auto t = fast();
  t.log = [&](const std::string& m) {
    std::lock_guard<std::mutex> l(lmu);
    logs += m + "\n";
  };
  Dhclient6Agent agent(sink(), dir_ + "/state", DHCP_TEST_HOOK, client, t);
  ASSERT_TRUE(agent.start(params()));
  ASSERT_TRUE(wait_for([&] { return events().size() == 2; }));
  auto ev = events();
  EXPECT_EQ(ev[0].kind, EventKind::Bound);
  EXPECT_EQ(ev[0].lease->addr.to_string(), "2001:db8::11");
  EXPECT_EQ(ev[1].kind, EventKind::Deconfig);
  ASSERT_TRUE(ev[1].lease);
  EXPECT_EQ(ev[1].lease->addr.to_string(), "2001:db8::11");
  std::lock_guard<std::mutex> l(lmu);
  EXPECT_NE(logs.find("bound6 dropped"), std::string::npos) << logs;
}

TEST_F(Dhclient6AgentTest, StartErrors) {
  Dhclient6Agent relative(sink(), "state", DHCP_TEST_HOOK, script("exit 0\n"), fast());
  EXPECT_EQ(relative.start(params()).code(), Errc::DhcpStartError);
  Dhclient6Agent nodir(sink(), dir_ + "/no/such/dir", DHCP_TEST_HOOK, script("exit 0\n"), fast());
  EXPECT_EQ(nodir.start(params()).code(), Errc::DhcpStartError);
  Dhclient6Agent missing(sink(), dir_, DHCP_TEST_HOOK, dir_ + "/nope", fast());
  EXPECT_EQ(missing.start(params()).code(), Errc::DhcpStartError);
  Params p = params();
  p.ifname = "-r";
  Dhclient6Agent agent(sink(), dir_, DHCP_TEST_HOOK, script("exit 0\n"), fast());
  EXPECT_EQ(agent.start(p).code(), Errc::InvalidArg);
  EXPECT_EQ(agent.renew("x/y").code(), Errc::NotFound);
}

}  // namespace
}  // namespace ipadm::dhcp

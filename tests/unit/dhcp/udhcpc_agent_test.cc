// UdhcpcAgent against a fake client: a shell script given as the client path
// that runs the real hook program (dhcp_test_hook = hook_main) the way
// udhcpc does. No network, no root needed.
#include "dhcp/udhcpc_agent.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
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

// The fake udhcpc: parses the udhcpc options it is given, logs its argv and
// fds, then runs BODY. hook EVENT [VAR=VALUE...] runs the hook like udhcpc
// and logs "EVENT STATUS" to $DIR/acks.
constexpr const char* kScriptHead = R"(#!/bin/sh
DIR=@DIR@
echo "$$ $*" >> $DIR/spawns
while [ $# -gt 0 ]; do
  case "$1" in
    -s) HOOK=$2; shift;;
    -i) IF=$2; shift;;
    -x) HN=${2#hostname:}; shift;;
  esac
  shift
done
ls /proc/$$/fd > $DIR/fds.$$
echo "$IPMGMT_DHCP_FD" > $DIR/envfd
hook() { ev=$1; shift; env interface=$IF "$@" "$HOOK" $ev; echo "$ev $?" >> $DIR/acks; }
)";

class TempDir {
 public:
  TempDir() {
    char t[] = "/tmp/dhcp_agent_test.XXXXXX";
    path_ = mkdtemp(t);
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};


bool alive(pid_t pid) {
  std::string st = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (st.empty()) return false;
  auto rp = st.rfind(')');
  return rp != std::string::npos && rp + 2 < st.size() && st[rp + 2] != 'Z';
}


// Collects sink events; the sink takes svc_mu, like the daemon's service mutex.
struct Recorder {
  std::mutex svc_mu;
  std::mutex mu;
  std::vector<Event> events;
  std::function<void(const Event&)> also;
  EventSink sink() {
    return [this](const Event& e) {
      std::lock_guard<std::mutex> svc(svc_mu);
      if (also) also(e);
      std::lock_guard<std::mutex> l(mu);
      events.push_back(e);
    };
  }
  std::vector<Event> snapshot() {
    std::lock_guard<std::mutex> l(mu);
    return events;
  }
  size_t count(EventKind k) {
    size_t n = 0;
    for (const auto& e : snapshot()) n += e.kind == k;
    return n;
  }
};

class AgentTest : public testing::Test {
 protected:
  std::string script(const std::string& body) {
    std::string s = kScriptHead;
    s.replace(s.find("@DIR@"), 5, dir_.path());
    std::string p = dir_.path() + "/client" + std::to_string(++nscripts_) + ".sh";
    std::ofstream(p) << s << body;
    chmod(p.c_str(), 0755);
    return p;
  }
  UdhcpcTuning fast() {
    UdhcpcTuning t;
    t.release_grace = 500ms;
    t.term_grace = 500ms;
    t.backoff_min = 100ms;
    t.backoff_max = 400ms;
    t.log = [this](const std::string& m) {
      std::lock_guard<std::mutex> l(log_mu_);
      log_ += m + "\n";
    };
    return t;
  }
  static Params params(const std::string& name = "veth0/dhcp", const std::string& host = "") {
    Params p;
    p.aobjname = name;
    p.ifname = "veth0";
    p.hostname = host;
    return p;
  }
  std::string acks() { return dir_.path() + "/acks"; }
  std::string spawns() { return dir_.path() + "/spawns"; }

  TempDir dir_;
  int nscripts_ = 0;
  std::mutex log_mu_;
  std::string log_;
};

// Start-up deconfig dropped, bound delivered with the lease, every hook run
// acked (exit 0), renew by SIGUSR1, release by SIGUSR2 not delivered, no
// zombie left.
TEST_F(AgentTest, DeliversEventsDropsFirstDeconfigAndStops) {
  std::string client = script(R"(
trap 'hook renew ip=192.0.2.10 mask=24 lease=600' USR1
trap 'trap "" TERM; hook deconfig; exit 0' USR2
hook deconfig
hook bound ip=192.0.2.10 mask=24 router=192.0.2.1 lease=600
hook leasefail
while :; do sleep 0.05; done
)");
  Recorder rec;
  UdhcpcAgent agent(rec.sink(), DHCP_TEST_HOOK, client, fast());
  {
    std::lock_guard<std::mutex> svc(rec.svc_mu);  // start under the "service mutex"
    ASSERT_TRUE(agent.start(params("veth0/dhcp", "myhost")));
    EXPECT_TRUE(agent.running("veth0/dhcp"));
  }
  ASSERT_TRUE(wait_for([&] { return rec.count(EventKind::LeaseFail) == 1; }));
  auto ev = rec.snapshot();
  ASSERT_EQ(ev.size(), 2u);  // the start-up deconfig was not delivered
  EXPECT_EQ(ev[0].kind, EventKind::Bound);
  EXPECT_EQ(ev[0].aobjname, "veth0/dhcp");
  ASSERT_TRUE(ev[0].lease);
  EXPECT_EQ(ev[0].lease->addr.to_string(), "192.0.2.10");
  EXPECT_EQ(ev[0].lease->prefixlen, 24);
  EXPECT_EQ(ev[0].lease->lease_secs, 600u);
  EXPECT_TRUE(agent.current(ev[0]));
  ASSERT_TRUE(wait_for([&] { return count_lines(acks()) == 3; }));
  EXPECT_EQ(read_file(acks()), "deconfig 0\nbound 0\nleasefail 0\n");

  // argv: foreground, interface, hook, timing, hostname; no -n/-q/-R
  std::string args = read_file(spawns());
  EXPECT_NE(args.find("-f -i veth0 -s " DHCP_TEST_HOOK " -t 3 -T 3 -A 20 -x hostname:myhost -O search"),
            std::string::npos)
      << args;
  // fds of the client: 0-2, the hook socket, nothing else of ours
  EXPECT_EQ(read_file(dir_.path() + "/envfd"), std::to_string(kHookFd) + "\n");
  auto pids = agent.test_pids();
  ASSERT_EQ(pids.size(), 1u);
  std::string fds = read_file(dir_.path() + "/fds." + std::to_string(pids[0]));
  std::replace(fds.begin(), fds.end(), '\n', ' ');
  for (int fd = 3; fd < kHookFd; ++fd)
    EXPECT_EQ((" " + fds).find(" " + std::to_string(fd) + " "), std::string::npos) << fds;
  EXPECT_NE((" " + fds).find(" 9 "), std::string::npos) << fds;

  ASSERT_TRUE(agent.renew("veth0/dhcp"));
  ASSERT_TRUE(wait_for([&] { return rec.count(EventKind::Renew) == 1; }));

  pid_t pid = pids[0];
  {
    std::lock_guard<std::mutex> svc(rec.svc_mu);
    agent.stop("veth0/dhcp", true);
    EXPECT_FALSE(agent.running("veth0/dhcp"));
  }
  EXPECT_FALSE(agent.current(ev[0]));
  ASSERT_TRUE(wait_for([&] { return agent.test_pids().empty(); }));
  EXPECT_FALSE(alive(pid));
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);  // reaped by the agent, not ours
  EXPECT_EQ(count_lines(acks(), "deconfig 0"), 2);  // the release ran the hook, acked
  EXPECT_EQ(rec.count(EventKind::Deconfig), 0u);    // ...and was not delivered
  EXPECT_EQ(agent.renew("veth0/dhcp").code(), Errc::NotFound);
  agent.stop("veth0/dhcp", true);  // no-op
}

// A client that exits on its own is restarted (backoff), asks again for the
// address it held, and each process's start-up deconfig is dropped.
TEST_F(AgentTest, RestartsOnExit) {
  std::string client = script(R"(
hook deconfig
hook bound ip=192.0.2.20 mask=24
exit 1
)");
  Recorder rec;
  UdhcpcAgent agent(rec.sink(), DHCP_TEST_HOOK, client, fast());
  ASSERT_TRUE(agent.start(params()));
  ASSERT_TRUE(wait_for([&] { return rec.count(EventKind::Bound) >= 3; }));
  EXPECT_EQ(rec.count(EventKind::Deconfig), 0u);
  EXPECT_GE(count_lines(spawns()), 3);
  EXPECT_EQ(count_lines(spawns(), "-r 192.0.2.20"), count_lines(spawns()) - 1) << read_file(spawns());
  {
    std::lock_guard<std::mutex> l(log_mu_);
    EXPECT_NE(log_.find("exited with status 1, restarting"), std::string::npos) << log_;
  }
  agent.stop("veth0/dhcp", false);
  ASSERT_TRUE(wait_for([&] { return agent.test_pids().empty(); }));
  int n = count_lines(spawns());
  std::this_thread::sleep_for(600ms);
  EXPECT_EQ(count_lines(spawns()), n);  // stopped: no more restarts
}

// A restart with new params is a new generation: the old process's events are
// acked but never delivered, and a process ignoring SIGTERM gets SIGKILL.
TEST_F(AgentTest, OlderGenerationIsNotDelivered) {
  std::string client = script(R"(
trap '' TERM
hook deconfig
while :; do hook bound ip=192.0.2.$HN mask=24; sleep 0.05; done
)");
  Recorder rec;
  UdhcpcAgent agent(rec.sink(), DHCP_TEST_HOOK, client, fast());
  ASSERT_TRUE(agent.start(params("veth0/dhcp", "1")));
  ASSERT_TRUE(wait_for([&] { return rec.count(EventKind::Bound) >= 2; }));
  pid_t old_pid = agent.test_pids().at(0);
  ASSERT_TRUE(agent.start(params("veth0/dhcp", "2")));
  size_t mark = rec.snapshot().size();
  ASSERT_TRUE(wait_for([&] { return !alive(old_pid); }, 3000ms));  // SIGTERM ignored -> SIGKILL
  std::this_thread::sleep_for(200ms);
  auto ev = rec.snapshot();
  size_t new_ones = 0;
  for (size_t i = mark; i < ev.size(); ++i) {
    EXPECT_EQ(ev[i].lease->addr.to_string(), "192.0.2.2") << "event " << i;
    EXPECT_TRUE(agent.current(ev[i]));
    ++new_ones;
  }
  EXPECT_GT(new_ones, 0u);
  EXPECT_EQ(agent.test_pids().size(), 1u);
  agent.stop_all();
  EXPECT_FALSE(agent.running("veth0/dhcp"));
  ASSERT_TRUE(wait_for([&] { return agent.test_pids().empty(); }, 3000ms));
}

// The sink may call back into the agent (stop from inside the sink) while
// another thread holds the same "service mutex" and calls start: no deadlock,
// and nothing is delivered after the stop.
TEST_F(AgentTest, SinkMayCallTheAgent) {
  std::string client = script(R"(
hook deconfig
while :; do hook bound ip=192.0.2.30 mask=24; sleep 0.02; done
)");
  Recorder rec;
  UdhcpcAgent agent(rec.sink(), DHCP_TEST_HOOK, client, fast());
  std::atomic<int> seen{0};
  rec.also = [&](const Event& e) {
    if (e.aobjname == "a/1" && ++seen == 3) agent.stop(e.aobjname, false);
  };
  ASSERT_TRUE(agent.start(params("a/1")));
  for (int i = 0; i < 20; ++i) {
    std::lock_guard<std::mutex> svc(rec.svc_mu);
    ASSERT_TRUE(agent.start(params("b/" + std::to_string(i % 3))));
  }
  ASSERT_TRUE(wait_for([&] { return !agent.running("a/1"); }));
  EXPECT_EQ(seen.load() >= 3, true);
  std::this_thread::sleep_for(200ms);
  size_t a_events = 0;
  for (const auto& e : rec.snapshot()) a_events += e.aobjname == "a/1";
  EXPECT_EQ(a_events, 3u);
}

TEST_F(AgentTest, StartErrors) {
  Recorder rec;
  UdhcpcAgent missing(rec.sink(), DHCP_TEST_HOOK, dir_.path() + "/nope");
  EXPECT_EQ(missing.start(params()).code(), Errc::DhcpStartError);
  EXPECT_FALSE(missing.running("veth0/dhcp"));
  UdhcpcAgent agent(rec.sink(), DHCP_TEST_HOOK, script("exit 0\n"), fast());
  Params p = params();
  p.ifname = "-n";
  EXPECT_EQ(agent.start(p).code(), Errc::InvalidArg);
  p.ifname = "veth0";
  p.hostname = "a b;reboot";
  EXPECT_EQ(agent.start(p).code(), Errc::InvalidArg);
  EXPECT_EQ(agent.renew("x/y").code(), Errc::NotFound);
  agent.stop("x/y", true);
  agent.stop_all();
}

// A daemon killed with SIGKILL leaves no client behind (PR_SET_PDEATHSIG).
TEST_F(AgentTest, ClientDiesWithTheDaemon) {
  std::string client = script(R"(
echo $$ > $DIR/client.pid
hook deconfig
while :; do sleep 0.05; done
)");
  pid_t daemon = fork();
  ASSERT_GE(daemon, 0);
  if (daemon == 0) {
    Recorder rec;
    UdhcpcAgent agent(rec.sink(), DHCP_TEST_HOOK, client, fast());
    if (!agent.start(params())) _exit(2);
    pause();
    _exit(0);
  }
  std::string pidfile = dir_.path() + "/client.pid";
  ASSERT_TRUE(wait_for([&] { return count_lines(pidfile) == 1; }));
  pid_t cpid = std::atoi(read_file(pidfile).c_str());
  ASSERT_TRUE(alive(cpid));
  kill(daemon, SIGKILL);
  waitpid(daemon, nullptr, 0);
  EXPECT_TRUE(wait_for([&] { return !alive(cpid); }, 3000ms));
}

}  // namespace
}  // namespace ipadm::dhcp

// UdhcpcAgent: the Agent (agent.h) built on busybox udhcpc.
//
// One udhcpc per address object, run in the foreground (-f) with the hook
// program (hook.h: ipmgmtd re-executed) as its script. udhcpc applies nothing
// itself; each event reaches the agent as one hook message (lease.h) on a
// per-process socketpair(AF_UNIX, SOCK_SEQPACKET), is handed to the sink and
// then acked, so the hook (and udhcpc) wait until the sink returns.
//
// Threads: one supervisor thread owns every child process, socket and timer.
// It is created by the first start() (not by the constructor: the daemon
// drops privileges before it creates threads) and spawns every child itself,
// so PR_SET_PDEATHSIG ties the children to it. start/stop/renew/stop_all only
// queue a command under a small mutex and wake the thread (eventfd); they
// never wait for it and may be called with any caller lock held, also from
// inside the sink. The sink runs on the supervisor thread with no agent lock
// held.
//
// Per process life cycle: spawn -> (first "deconfig" dropped) -> events ->
// stop: SIGUSR2 if release (udhcpc sends DHCPRELEASE), SIGTERM after
// release_grace, SIGKILL after term_grace; always reaped. An exit nobody asked
// for is restarted after a backoff (backoff_min doubling to backoff_max, reset
// by a bound lease), requesting the last bound address. Messages of a stopped
// process, or of an older process of the same aobjname, are acked and
// dropped. Every client start (or restart with new params) is a new
// generation; Event::generation carries it so the sink can check
// current(ev) under its own lock (see agent.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dhcp/agent.h"

namespace ipadm::dhcp {

struct UdhcpcTuning {
  std::chrono::milliseconds release_grace{1000};  // SIGUSR2 -> SIGTERM
  std::chrono::milliseconds term_grace{2000};     // SIGTERM -> SIGKILL
  std::chrono::milliseconds backoff_min{1000};
  std::chrono::milliseconds backoff_max{30000};
  // udhcpc retry timing: -t discovers per round, -T seconds between them,
  // -A seconds to wait before the next round.
  int discover_count = 3;
  int discover_interval_s = 3;
  int retry_pause_s = 20;
  // Diagnostics (child exits, restarts, bad hook messages); called on the
  // supervisor thread. The agent itself never logs.
  std::function<void(const std::string&)> log;
};

class UdhcpcAgent : public Agent {
 public:
  // hook_path: the program udhcpc runs (empty: readlink /proc/self/exe).
  // client_path: the udhcpc binary (empty: /usr/sbin/udhcpc, else /sbin/udhcpc).
  explicit UdhcpcAgent(EventSink sink, std::string hook_path = {},
                       std::string client_path = {}, UdhcpcTuning tuning = {});
  // Stops every client (no release), reaps them and joins the thread.
  // REQUIRES: the caller holds no lock the sink takes.
  ~UdhcpcAgent() override;
  UdhcpcAgent(const UdhcpcAgent&) = delete;
  UdhcpcAgent& operator=(const UdhcpcAgent&) = delete;

  // DhcpStartError if the client or hook program is not executable or the
  // supervisor cannot be set up; InvalidArg for an unusable ifname/hostname.
  // The process itself is spawned asynchronously; a spawn failure then is
  // retried with backoff (and logged).
  Status start(const Params& p) override;
  void stop(const std::string& aobjname, bool release) override;
  Status renew(const std::string& aobjname) override;
  bool running(const std::string& aobjname) const override;
  bool current(const Event& ev) const override;
  // True once no process of aobjname is alive (spawned and not yet reaped).
  bool wait_exit(const std::string& aobjname, int timeout_ms) override;
  void stop_all() override;

  // For tests: the pids of live child processes (wanted or still exiting).
  std::vector<pid_t> test_pids() const;

 private:
  struct Cmd {
    enum Kind { Start, Stop, Renew, StopAll, Quit } kind = Start;
    Params params;        // Start (aobjname also for Stop/Renew)
    uint64_t gen = 0;     // Start
    bool release = false; // Stop
  };
  class Supervisor;
  friend class Supervisor;

  void post(Cmd c);       // REQUIRES: mu_ held
  Status ensure_thread(); // REQUIRES: mu_ held

  EventSink sink_;
  std::string hook_path_, client_path_;
  UdhcpcTuning tuning_;
  mutable std::mutex mu_;                   // guards everything below
  std::map<std::string, uint64_t> wanted_;  // aobjname -> current generation
  std::deque<Cmd> queue_;                   // commands for the thread
  uint64_t next_gen_ = 1;
  int wake_fd_ = -1;                        // eventfd
  std::vector<pid_t> pids_;                 // published by the thread
  std::multiset<std::string> live_;         // aobjnames of pids_
  std::condition_variable exited_;          // live_ changed
  std::thread thread_;
  std::unique_ptr<Supervisor> sup_;        // the thread's state
};

}  // namespace ipadm::dhcp

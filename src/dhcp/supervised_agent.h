// SupervisedAgent: the Agent (agent.h) that runs one external DHCP client
// process per address object; what is specific to a client program (udhcpc,
// dhclient -6) is its ClientDriver (client_driver.h).
//
// The client applies nothing itself: its script is the hook program (hook.h:
// ipmgmtd re-executed), and each event reaches the agent as one hook message
// (lease.h) on a per-process socketpair(AF_UNIX, SOCK_SEQPACKET), is handed
// to the sink and then acked, so the hook (and the client) wait until the
// sink returns.
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
// Per process life cycle: spawn -> (start-up events dropped, per driver) ->
// events -> stop: release (driver: a signal, or a release program run once
// the client is gone), SIGTERM, SIGKILL after term_grace; always reaped. At
// most one process per aobjname is alive: a restart, a new start of the same
// aobjname or a release program waits until the previous process has been
// reaped. An exit nobody asked for is restarted after a backoff (backoff_min
// doubling to backoff_max, reset by a bound lease), asking for the last bound
// address. Messages of a stopped process, or of an older process of the same
// aobjname, are acked and dropped. Every client start (or restart with new
// params) is a new generation; Event::generation carries it so the sink can
// check current(ev) under its own lock (see agent.h).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dhcp/agent.h"
#include "dhcp/client_driver.h"

namespace ipadm::dhcp {

class SupervisedAgent : public Agent {
 public:
  // hook_path: the program the client runs as its script (empty: readlink
  // /proc/self/exe).
  SupervisedAgent(EventSink sink, std::string hook_path, std::unique_ptr<ClientDriver> driver,
                  SupervisorTuning tuning);
  // Stops every client (no release), reaps them and joins the thread.
  // REQUIRES: the caller holds no lock the sink takes.
  ~SupervisedAgent() override;
  SupervisedAgent(const SupervisedAgent&) = delete;
  SupervisedAgent& operator=(const SupervisedAgent&) = delete;

  // DhcpStartError if the client or hook program is not executable or the
  // supervisor cannot be set up; InvalidArg for params the driver refuses.
  // The process itself is spawned asynchronously; a spawn failure then is
  // retried with backoff (and logged).
  Status start(const Params& p) override;
  void stop(const std::string& aobjname, bool release) override;
  // NotFound if not running. The driver decides what a renew is (a signal,
  // or a restart of the client).
  Status renew(const std::string& aobjname) override;
  bool running(const std::string& aobjname) const override;
  bool current(const Event& ev) const override;
  // True once no process of aobjname (client or release program) is alive.
  bool wait_exit(const std::string& aobjname, int timeout_ms) override;
  void stop_all() override;

  // For tests: the pids of live child processes (wanted or still exiting).
  std::vector<pid_t> test_pids() const;

 protected:
  const ClientDriver& driver() const { return *driver_; }

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
  std::string hook_path_;
  std::unique_ptr<ClientDriver> driver_;
  SupervisorTuning tuning_;
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

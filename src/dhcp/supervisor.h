// The supervisor thread of SupervisedAgent (internal to src/dhcp).
//
// Owns every client process, its hook socket, pidfd and timers; only the
// supervisor thread touches this state. It reads commands from the agent's
// queue (under the agent's mutex) and calls the sink with no lock held.
// Invariant: at most one process (client or release program) per aobjname
// is alive; a client that should run waits for the previous one's reaping.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <list>
#include <map>
#include <string>

#include "dhcp/lease.h"
#include "dhcp/supervised_agent.h"

namespace ipadm::dhcp {

class SupervisedAgent::Supervisor {
 public:
  explicit Supervisor(SupervisedAgent& agent) : a_(agent) {}
  // The thread body: runs until a Quit command has been taken and every
  // child has been reaped.
  void run();

 private:
  using Clock = std::chrono::steady_clock;
  enum class Stage {
    Running,
    Releasing,  // release signal sent: first hook message or release_grace -> Terming
    Releaser,   // the release program: release_grace -> Terming
    Terming,    // SIGTERM sent: term_grace -> Killed
    Killed,     // SIGKILL sent
  };
  struct Proc {            // one spawned process
    std::string aobjname;
    uint64_t gen = 0;
    pid_t pid = -1;
    int pidfd = -1;
    int sock = -1;         // our end of the hook socketpair
    bool sock_eof = false;
    bool fresh = true;     // no message yet (driver: start-up events)
    bool dying = false;    // stop asked: messages acked, never delivered
    Stage stage = Stage::Running;
    Params params;         // of the client it runs (or releases)
    bool release_after = false;  // run the driver's release program once reaped
    Clock::time_point deadline{};
    Clock::time_point started{};
  };
  struct Client {          // one wanted aobjname
    Params params;
    uint64_t gen = 0;
    Proc* proc = nullptr;  // the live client process, if any
    Clock::time_point restart_at{};  // spawn when due and no process of it is alive
    std::chrono::milliseconds backoff{};
  };

  bool take_commands();    // false once Quit was taken
  void apply(const Cmd& c);
  Proc* launch(const Params& p, uint64_t gen, const std::vector<std::string>& argv);
  void launch_releaser(const Params& p, uint64_t gen);
  void spawn(Client& c);
  void retry_later(Client& c);
  void begin_stop(Proc& p, bool release);
  void terminate(Proc& p);
  void escalate(Proc& p);
  void reap();
  void on_exit(Proc& p, int status);
  void on_readable(Proc& p);
  void deliver(Proc& p, Client& c, const HookMessage& m);
  void fire_timers();
  int poll_timeout_ms() const;
  void publish_pids();
  void log(const std::string& msg);
  Client* client_of(const Proc& p);
  bool busy(const std::string& aobjname) const;  // a process of it is alive

  SupervisedAgent& a_;
  std::map<std::string, Client> clients_;
  std::list<Proc> procs_;  // every live (unreaped) process
  bool quitting_ = false;
};

}  // namespace ipadm::dhcp

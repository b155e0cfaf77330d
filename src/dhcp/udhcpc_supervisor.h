// The supervisor thread of UdhcpcAgent (internal to src/dhcp).
//
// Owns every client process, its hook socket, pidfd and timers; only the
// supervisor thread touches this state. It reads commands from the agent's
// queue (under the agent's mutex) and calls the sink with no lock held.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <list>
#include <map>
#include <string>

#include "dhcp/lease.h"
#include "dhcp/udhcpc_agent.h"

namespace ipadm::dhcp {

class UdhcpcAgent::Supervisor {
 public:
  explicit Supervisor(UdhcpcAgent& agent) : a_(agent) {}
  // The thread body: runs until a Quit command has been taken and every
  // child has been reaped.
  void run();

 private:
  using Clock = std::chrono::steady_clock;
  struct Proc {            // one spawned process
    std::string aobjname;
    uint64_t gen = 0;
    pid_t pid = -1;
    int pidfd = -1;
    int sock = -1;         // our end of the hook socketpair
    bool sock_eof = false;
    bool fresh = true;     // no message yet: a first "deconfig" is dropped
    bool dying = false;    // stop asked: messages acked, never delivered
    int stage = 0;         // signals sent while dying: 1 USR2, 2 TERM, 3 KILL
    Clock::time_point deadline{};
    Clock::time_point started{};
  };
  struct Client {          // one wanted aobjname
    Params params;
    uint64_t gen = 0;
    Proc* proc = nullptr;  // the live process, if any
    Clock::time_point restart_at{};
    std::chrono::milliseconds backoff{};
  };

  bool take_commands();    // false once Quit was taken
  void apply(const Cmd& c);
  void spawn(Client& c);
  void begin_stop(Proc& p, bool release);
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

  UdhcpcAgent& a_;
  std::map<std::string, Client> clients_;
  std::list<Proc> procs_;  // every live (unreaped) process
  bool quitting_ = false;
};

}  // namespace ipadm::dhcp

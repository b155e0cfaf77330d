// ClientDriver: what differs between the DHCP client programs the
// SupervisedAgent (supervised_agent.h) runs -- udhcpc for DHCPv4, dhclient -6
// for DHCPv6. The supervisor owns processes, sockets, timers, generations and
// the hook transport; a driver only says how to run, stop, release and renew
// its program and how to read its hook messages.
//
// Every method is called on the supervisor thread (check() also from
// start()); a driver is immutable after construction and does no blocking
// I/O except where noted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "dhcp/agent.h"
#include "dhcp/lease.h"

namespace ipadm::dhcp {

// Timing shared by every supervised client.
struct SupervisorTuning {
  std::chrono::milliseconds release_grace{1000};  // release -> SIGTERM
  std::chrono::milliseconds term_grace{2000};     // SIGTERM -> SIGKILL
  std::chrono::milliseconds backoff_min{1000};
  std::chrono::milliseconds backoff_max{30000};
  // Diagnostics (child exits, restarts, bad hook messages); called on the
  // supervisor thread. The agent itself never logs.
  std::function<void(const std::string&)> log;
};

class ClientDriver {
 public:
  virtual ~ClientDriver() = default;
  // The program's short name, for log lines ("udhcpc").
  virtual std::string_view program() const = 0;
  // The client binary; must be executable for start() to succeed.
  virtual const std::string& client_path() const = 0;
  // InvalidArg for params the program cannot take; DhcpStartError when the
  // driver's own resources (state directory) are unusable.
  virtual Status check(const Params& p) const = 0;
  // argv (argv[0] included) of the long-running client of p; hook is the
  // script it must run on every event.
  virtual std::vector<std::string> run_argv(const Params& p, const std::string& hook) const = 0;
  // Ambient capabilities the client needs when the daemon is not root
  // (bit mask of CAP_* numbers, see spawn.h).
  virtual uint64_t ambient_caps() const = 0;
  // stop(release=true): either a signal to the running client, after which
  // its first hook message means "released" (then SIGTERM) -- or, when this is
  // 0, the client is stopped with SIGTERM and release_argv(p) is run once it
  // has been reaped (an empty argv: no release possible).
  virtual int release_signal() const = 0;
  virtual std::vector<std::string> release_argv(const Params& p, const std::string& hook) const {
    return {};
  }
  // renew(): a signal to the running client, or 0: the client is restarted
  // (stopped without release, then started again once reaped).
  virtual int renew_signal() const = 0;
  // True for hook events that are acked but never delivered; first = the
  // first message of the process (start-up events, see agent.h).
  virtual bool dropped(std::string_view event, bool first) const = 0;
  // The Event a (decoded, not yet validated) hook message stands for.
  virtual Result<Event> translate(const HookMessage& m, const std::string& aobjname) const = 0;
  // Called after a process of p (client or releaser) has been reaped, e.g. to
  // remove a stale pid file. Must not block.
  virtual void after_exit(const Params& p) const {}
};

// Helpers the drivers share.
// The running executable (readlink /proc/self/exe), "" on failure.
std::string self_exe();
// The first of paths that is executable, else the first one.
std::string first_executable(std::initializer_list<const char*> paths);
// A Linux interface name a client may take in argv: 1..15 bytes, no '/', ':',
// white space or control characters, not starting with '-'.
bool usable_ifname(const std::string& n);

}  // namespace ipadm::dhcp

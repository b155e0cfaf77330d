// Dhclient6Agent: the DHCPv6 Agent (agent.h) of addrconf objects with
// stateful=yes, a SupervisedAgent (supervised_agent.h) running ISC dhclient.
//
// One client per address object:
//   dhclient -6 -N -d -cf DIR/dhclient6.conf -sf HOOK -e IPMGMT_DHCP_FD=9
//            --dad-wait-time S -lf DIR/NAME.leases -pf DIR/NAME.pid IF
// -- IPv6, one IA_NA, foreground, our own configuration file, written by
// start(): only "request dhcp6.name-servers, dhcp6.domain-search;" (a
// `script` statement in /etc/dhcp/dhclient.conf would bypass the hook, and
// with an empty one dhclient requests no option at all -- measured), the hook
// as script (dhclient gives it only its own variables plus those of -e). No
// -q: it would silence dhclient's errors on stderr (the daemon's log) too.
// dhclient applies nothing itself. NAME is the aobjname with every byte
// outside [A-Za-z0-9._-] as %XX; the lease file (DUID and lease) survives
// restarts, so a restarted client confirms the lease it holds.
//
// Preconditions: IF must have a link-local address that finished DAD when
// dhclient binds (right after PREINIT6), else dhclient exits and is restarted
// with backoff; the hook waits up to dad_wait_s for one (linklocal.h), so the
// daemon may add the link-local just before start().
//
// stop(release=false) = SIGTERM (dhclient then runs no script and sends
// nothing). stop(release=true) = SIGTERM, then once it is reaped
//   dhclient -6 -N -r -d -cf DIR/dhclient6.conf -sf HOOK -e ... -lf DIR/NAME.leases
//            -pf DIR/NAME.rpid IF
// which sends a Release for the lease on file (its RELEASE6 hook message is
// acked, not delivered: the daemon removes the address itself); the .rpid
// file never exists, so it kills nothing. renew = restart (no signal for
// it). Only CAP_NET_BIND_SERVICE (UDP port 546) is needed (measured: a
// non-root dhclient -6 with just that ambient capability gets its lease).
#pragma once

#include <string>

#include "dhcp/supervised_agent.h"

namespace ipadm::dhcp {

struct Dhclient6Tuning : SupervisorTuning {
  Dhclient6Tuning() { release_grace = std::chrono::milliseconds(3000); }
  int dad_wait_s = 5;  // --dad-wait-time: the PREINIT6 wait for a link-local
};

class Dhclient6Agent : public SupervisedAgent {
 public:
  // state_dir: where the lease and pid files live (created, one level, mode
  // 0750, by start() if missing). hook_path: the script (empty: readlink
  // /proc/self/exe). client_path: the dhclient binary (empty: /sbin/dhclient,
  // else /usr/sbin/dhclient).
  Dhclient6Agent(EventSink sink, std::string state_dir, std::string hook_path = {},
                 std::string client_path = {}, Dhclient6Tuning tuning = {});

  // The lease and pid file paths of aobjname (for tests and clean-up).
  std::string lease_file(const std::string& aobjname) const;
  std::string pid_file(const std::string& aobjname) const;
};

}  // namespace ipadm::dhcp

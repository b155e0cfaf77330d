// Privilege drop of ipmgmtd, after the seed (spec 1.2 step 4d): once the
// root-only set-up is done, switch to the daemon user with no supplementary
// groups, keep only the capabilities the daemon needs (CAP_NET_ADMIN for
// rtnetlink and /proc/sys/net, CAP_NET_RAW for ARP), empty the bounding set
// and set no-new-privs. For the DHCP clients it spawns (src/dhcp: udhcpc needs
// a packet socket and UDP port 68) it also keeps CAP_NET_BIND_SERVICE
// permitted but not effective, and CAP_NET_RAW + CAP_NET_BIND_SERVICE
// inheritable, so a child can raise them as ambient capabilities.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/status.h"

namespace ipadm::daemon {

struct DaemonUser {
  bool exists = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks up user (name or number).
DaemonUser lookup_user(const std::string& name);

// The capabilities the daemon needs and lacks from its permitted set, by
// name ("CAP_NET_ADMIN", ...): CAP_NET_ADMIN and CAP_NET_RAW always; when it
// runs as uid 0 and will drop to another user (`dropping`), also what the
// drop itself uses (CAP_SETUID, CAP_SETGID, CAP_SETPCAP) and what its DHCP
// clients inherit (CAP_NET_BIND_SERVICE). Empty: start-up may go on.
std::vector<std::string> missing_capabilities(bool dropping);

// Drops to u (or, if !u.exists, stays uid 0) keeping only CAP_NET_ADMIN and
// CAP_NET_RAW effective (+ CAP_NET_BIND_SERVICE permitted; CAP_NET_RAW and
// CAP_NET_BIND_SERVICE inheritable), clears the bounding set, sets
// PR_SET_NO_NEW_PRIVS. Must run before any thread is created.
Status drop_privileges(const DaemonUser& u);

}  // namespace ipadm::daemon

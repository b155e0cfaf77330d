// ipmgmtd start-up, after the illumos seed (spec 1.2-1.3): options, the
// service-manager check, self-daemonizing with a readiness pipe (or
// sd_notify under systemd Type=notify), the volatile directory, the stores,
// the map, and the socket. Every failure is logged with the path and errno
// and gives a non-zero exit.
#pragma once

#include <optional>
#include <string>

#include "common/paths.h"
#include "common/status.h"

namespace ipadm::daemon {

struct Options {
  bool foreground = false;       // -f
  std::string root;              // -R
  std::string auth_group = "netadm";  // -G: group allowed to make changes
  std::string user = "netadm";        // -u: user the daemon runs as after set-up
  // -A: ARP probes per IPv4 address (illumos _arp_fastprobe_count, 0..20);
  // 0 turns IPv4 duplicate address detection off.
  int arp_probe_count = 3;
};

// Parses argv. On error prints the usage to stderr and returns nullopt.
std::optional<Options> parse_options(int argc, char** argv);

// True when started by a service manager (NOTIFY_SOCKET, INVOCATION_ID or
// IPMGMTD_SERVICE=1 in the environment).
bool under_service_manager();

// The whole daemon life: returns the process exit status.
int run_daemon(const Options& opt);

}  // namespace ipadm::daemon

// ipmgmtd: the IP interface management daemon (see ipmgmtd(8)).
#include <cstdio>
#include <cstdlib>

#include "daemon/startup.h"
#include "dhcp/hook.h"

int main(int argc, char** argv) {
  // Re-executed by udhcpc as its script: deliver one DHCP event and exit.
  if (getenv("IPMGMT_DHCP_FD")) return ipadm::dhcp::hook_main(argc, argv);
  auto opt = ipadm::daemon::parse_options(argc, argv);
  if (!opt) return 1;
  if (!opt->foreground && !ipadm::daemon::under_service_manager()) {
    std::fputs(
        "ipmgmtd is a service-managed daemon and cannot be run from the command line;\n"
        "start it with systemd (ipmgmtd.service), set IPMGMTD_SERVICE=1 under another\n"
        "service manager, or use -f to run it in the foreground.\n",
        stderr);
    return 22;  // EINVAL, as illumos
  }
  return ipadm::daemon::run_daemon(*opt);
}

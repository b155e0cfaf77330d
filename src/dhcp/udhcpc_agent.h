// UdhcpcAgent: the DHCPv4 Agent (agent.h), a SupervisedAgent
// (supervised_agent.h) running busybox udhcpc.
//
// One udhcpc per address object: `udhcpc -f -i IF -s HOOK -t N -T S -A P
// [-r ADDR] [-x hostname:NAME]` -- foreground, retrying in the background (no
// -n/-q), no -R (a daemon stop never releases). Its first "deconfig" is
// dropped (agent.h). stop(release) = SIGUSR2 (udhcpc sends DHCPRELEASE),
// SIGTERM once the hook reported the release or after release_grace.
// renew = SIGUSR1. A restart asks for the last bound address (-r).
// udhcpc needs CAP_NET_RAW (packet socket) and CAP_NET_BIND_SERVICE (port 68).
#pragma once

#include <string>

#include "dhcp/supervised_agent.h"

namespace ipadm::dhcp {

struct UdhcpcTuning : SupervisorTuning {
  // udhcpc retry timing: -t discovers per round, -T seconds between them,
  // -A seconds to wait before the next round.
  int discover_count = 3;
  int discover_interval_s = 3;
  int retry_pause_s = 20;
};

class UdhcpcAgent : public SupervisedAgent {
 public:
  // hook_path: the program udhcpc runs (empty: readlink /proc/self/exe).
  // client_path: the udhcpc binary (empty: /usr/sbin/udhcpc, else /sbin/udhcpc).
  explicit UdhcpcAgent(EventSink sink, std::string hook_path = {},
                       std::string client_path = {}, UdhcpcTuning tuning = {});
};

}  // namespace ipadm::dhcp

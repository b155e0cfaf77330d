// choose_sink: which Sink applies learned DNS (ipmgmtd(8), "NAME
// RESOLUTION"). An instance with a root prefix (-R) is a sandbox of its
// own network namespace: it always writes ROOT/run/ipadm/resolv.conf and
// never touches the host's resolver. The host's instance (no prefix) uses
//   1. systemd-resolved, when org.freedesktop.resolve1 is on the system bus;
//   2. else resolvconf(8), when /usr/sbin/resolvconf or /sbin/resolvconf is
//      an executable and the daemon may write /run/resolvconf (its state;
//      not as user netadm, nor under ipmgmtd.service's read-only /run);
//   3. else the file /run/ipadm/resolv.conf.
// The daemon chooses when it first learns DNS (dns::Applier), not at start:
// ipmgmtd starts before D-Bus and resolved (network-pre.target).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "dns/resolvconf_sink.h"
#include "dns/resolved_sink.h"
#include "dns/sink.h"

namespace ipadm::dns {

// The probes choose_sink uses (real ones: system_probes()).
struct SinkProbes {
  // The system bus, or null if there is none.
  std::function<std::unique_ptr<ResolvedBus>()> bus;
  // The resolvconf program's path, or "" if none is installed.
  std::function<std::string()> resolvconf;
  Exec exec;
};
SinkProbes system_probes();

// root: the normalized root prefix ("" = the host's own instance).
std::unique_ptr<Sink> choose_sink(const std::string& root, const SinkProbes& probes);

}  // namespace ipadm::dns

// Sink: where learned DNS goes. One per daemon, chosen by choose_sink()
// (sinks.h) the first time something is learned:
//   ResolvedSink   systemd-resolved's per-link DNS over D-Bus
//   ResolvconfSink resolvconf(8), one record "IF.ipadm" per link
//   FileSink       ipmgmtd's own <root>/run/ipadm/resolv.conf
// apply() is told the complete merged DNS of one link each time it changes;
// an empty LinkDns means "nothing any more" (revert the link). Called with
// dns::Applier's lock held, never concurrently.
#pragma once

#include <string>

#include "common/status.h"
#include "dns/link_dns.h"

namespace ipadm::dns {

class Sink {
 public:
  virtual ~Sink() = default;
  // ifindex: of ifname in the daemon's network namespace (0 if unknown).
  virtual Status apply(const std::string& ifname, int ifindex, const LinkDns& d) = 0;
  // For logs: "systemd-resolved", "resolvconf", or the file's path.
  virtual std::string name() const = 0;
};

}  // namespace ipadm::dns

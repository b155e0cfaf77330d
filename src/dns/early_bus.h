// EarlyBus: the system-bus connection for systemd-resolved, opened while
// ipmgmtd is still root. resolved grants SetLinkDNS/SetLinkDomains/
// RevertLink to a root peer (or by polkit): dbus-daemon takes the peer's
// uid from the socket at connect time, so a connection opened after the
// privilege drop (user netadm) is refused ("Interactive authentication
// required") where polkit is not installed.
//
// open() connects without waiting for the bus (the daemon may still be
// starting: socket activation); warm_up(), on the Applier's thread after
// the drop, completes the handshake before dbus-daemon's timeout for
// incomplete connections; take() hands the connection to choose_sink once.
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>

#include "dns/resolved_sink.h"

namespace ipadm::dns {

class EarlyBus {
 public:
  void open();
  void warm_up();
  // The early connection (once), else a new one (as the current user), or
  // null if there is no system bus.
  std::unique_ptr<ResolvedBus> take();

 private:
  std::mutex mu_;
  std::unique_ptr<ResolvedBus> bus_;  // guarded by mu_
};

}  // namespace ipadm::dns

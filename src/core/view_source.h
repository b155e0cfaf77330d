// KernelViewSource: where show-if and show-addr read the kernel from instead
// of a dump per request. In ipmgmtd it is the event-fed LiveView
// (daemon/kernel_follow.h); without one (unit tests, an event loop that
// stopped) the Service dumps the kernel as before.
#pragma once

#include <optional>
#include <string>

#include "core/show.h"

namespace ipadm::core {

class KernelViewSource {
 public:
  virtual ~KernelViewSource() = default;
  // Every link, the links holding an address of each family (fams), and
  // with with_addrs the addresses of ifname ("": of every link) in dump
  // order; holding every change the kernel announced before the call. Never
  // waits for the service lock (readers call it without it, writers with
  // it). An error only when the kernel cannot be read at all.
  virtual Result<KernelView> kernel_view(const std::string& ifname, bool with_addrs) = 0;
};

}  // namespace ipadm::core

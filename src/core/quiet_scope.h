// QuietScope: Service::QuietHook over a scope -- the kernel event loop
// pauses per-address events while the daemon adds addresses in bulk
// (daemon/kernel_follow.h). Scopes nest.
#pragma once

#include "core/service.h"

namespace ipadm::core {

struct QuietScope {
  explicit QuietScope(const Service::QuietHook& h) : hook(h) {
    if (hook) hook(true);
  }
  ~QuietScope() {
    if (hook) hook(false);
  }
  QuietScope(const QuietScope&) = delete;
  QuietScope& operator=(const QuietScope&) = delete;
  const Service::QuietHook& hook;
};

}  // namespace ipadm::core

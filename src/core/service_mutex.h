// ServiceMutex: core::Service's lock, with a hook that runs at every
// release while the lock is still held. The Service publishes its read
// snapshot there (core/read_snapshot.h), so whatever a locked section
// changed -- a request, a DHCP lease, a DAD verdict, a hotplug -- is visible
// to readers before anyone learns of it (a reply is sent after the release:
// read-your-writes). A condition variable's wait releases it too, so a
// write that waits (DAD) shows what it did so far. Lockable (lock_guard,
// unique_lock, condition_variable_any); not recursive.
#pragma once

#include <functional>
#include <mutex>
#include <utility>

namespace ipadm::core {

class ServiceMutex {
 public:
  explicit ServiceMutex(std::function<void()> before_unlock)
      : before_unlock_(std::move(before_unlock)) {}
  void lock() { mu_.lock(); }
  bool try_lock() { return mu_.try_lock(); }
  void unlock() {
    before_unlock_();
    mu_.unlock();
  }

 private:
  std::mutex mu_;
  std::function<void()> before_unlock_;  // must not throw nor take the lock
};

}  // namespace ipadm::core

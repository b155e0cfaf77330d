// SlotGate: a counting gate with the BasicLockable interface (std::lock_guard
// works): lock() waits for one of n slots, unlock() frees it. Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

namespace ipadm::daemon {

class SlotGate {
 public:
  explicit SlotGate(int n) : free_(n) {}
  void lock() {
    std::unique_lock l(mu_);
    cv_.wait(l, [this] { return free_ > 0; });
    --free_;
  }
  void unlock() {
    {
      std::lock_guard l(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

}  // namespace ipadm::daemon

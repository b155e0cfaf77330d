// CheckpointTimer: the daemon's rollback timer. One thread waits until the
// armed deadline (wall clock, seconds since the epoch) and then calls fire()
// once; arm() replaces the deadline, disarm() cancels it. fire() runs on the
// timer thread with no lock of the timer held (it takes the service lock:
// Service::expire_checkpoint), so arm()/disarm() may be called from it.
// Thread-safe. The thread starts with start(), not before: the daemon starts
// it after dropping privileges (capabilities are per thread; a thread made
// before the drop would keep root's). arm() before start() is kept. The
// destructor stops and joins the thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace ipadm::core {

class CheckpointTimer {
 public:
  explicit CheckpointTimer(std::function<void()> fire);
  ~CheckpointTimer();
  CheckpointTimer(const CheckpointTimer&) = delete;
  CheckpointTimer& operator=(const CheckpointTimer&) = delete;

  // Starts the timer thread (once).
  void start();
  // nullopt disarms.
  void arm(std::optional<int64_t> deadline);

 private:
  void run_();

  std::function<void()> fire_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<int64_t> deadline_;  // guarded by mu_
  bool stop_ = false;                // guarded by mu_
  std::thread thread_;
};

}  // namespace ipadm::core

#include "core/checkpoint_timer.h"

#include <chrono>

namespace ipadm::core {

CheckpointTimer::CheckpointTimer(std::function<void()> fire) : fire_(std::move(fire)) {}

void CheckpointTimer::start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { run_(); });
}

CheckpointTimer::~CheckpointTimer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CheckpointTimer::arm(std::optional<int64_t> deadline) {
  {
    std::lock_guard lock(mu_);
    deadline_ = deadline;
  }
  cv_.notify_all();
}

void CheckpointTimer::run_() {
  using Clock = std::chrono::system_clock;
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (!deadline_) {
      cv_.wait(lock);
      continue;
    }
    const auto when = Clock::time_point(std::chrono::seconds(*deadline_));
    if (Clock::now() < when) {
      // Woken by arm(), stop or the deadline; a wall-clock step is seen at
      // the next wake-up at the latest (a second).
      cv_.wait_until(lock, std::min(when, Clock::now() + std::chrono::seconds(1)));
      continue;
    }
    deadline_.reset();
    lock.unlock();
    fire_();
    lock.lock();
  }
}

}  // namespace ipadm::core

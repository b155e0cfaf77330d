#include "daemon/reply_budget.h"

namespace ipadm::daemon {

bool ReplyBudget::try_charge(size_t n) {
  std::lock_guard lock(mu_);
  if (used_ > 0 && used_ + n > cap_) return false;
  used_ += n;
  return true;
}

void ReplyBudget::release(size_t n) {
  {
    std::lock_guard lock(mu_);
    used_ -= n;
  }
  cv_.notify_all();
}

bool ReplyBudget::charge_when_fits(size_t n, std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_until(lock, until, [&] { return used_ == 0 || used_ + n <= cap_; })) return false;
  used_ += n;
  return true;
}

void ReplyBudget::recharge(size_t was, size_t now) {
  {
    std::lock_guard lock(mu_);
    used_ = used_ - was + now;
  }
  if (now < was) cv_.notify_all();
}

size_t ReplyBudget::used() const {
  std::lock_guard lock(mu_);
  return used_;
}

}  // namespace ipadm::daemon

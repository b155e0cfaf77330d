// ReplyBudget: bytes of generated replies that unauthorized peers may hold
// at once, summed over all their connections. A reply is held from the
// moment it is generated until its last chunk is in the socket, so a client
// that asks and never reads pins memory; this budget (with the per-user
// connection cap and the stall timeout, server.h) bounds what all of them
// pin together. Authorized peers (root, the -G group) are not charged.
//
// A reply larger than the whole budget is admitted only when nothing else
// is charged. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace ipadm::daemon {

class ReplyBudget {
 public:
  explicit ReplyBudget(size_t bytes) : cap_(bytes) {}

  // Charges n bytes if they fit (or if nothing is charged). Never blocks.
  bool try_charge(size_t n);
  void release(size_t n);
  // Waits until n bytes fit, then charges them; false (nothing charged) if
  // `until` passes first. The caller frees its reply before waiting and
  // builds it again after, so a waiting connection pins nothing and only
  // connections holding a charge build large replies.
  bool charge_when_fits(size_t n, std::chrono::steady_clock::time_point until);
  // Replaces a charge of `was` bytes by one of `now` bytes (the rebuilt
  // reply's size), without waiting.
  void recharge(size_t was, size_t now);

  size_t used() const;
  size_t cap() const { return cap_; }

 private:
  size_t cap_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  size_t used_ = 0;
};

}  // namespace ipadm::daemon

#include "core/batch_feeder.h"

namespace ipadm::core {

BatchFeeder::~BatchFeeder() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

void BatchFeeder::add(netlink::AddrRequest req) {
  if (filling_.empty()) filling_.reserve(chunk_);
  filling_.push_back(std::move(req));
  ++added_;
  if (filling_.size() >= chunk_) hand_over_();
}

void BatchFeeder::hand_over_() {
  if (filling_.empty()) return;
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(filling_));
  }
  filling_.clear();
  if (!worker_.joinable()) worker_ = std::thread([this] { run_(); });
  cv_.notify_all();
}

void BatchFeeder::run_() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return !queue_.empty() || stop_; });
    if (queue_.empty()) return;  // stop_, nothing left
    std::vector<netlink::AddrRequest> part = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    std::vector<Status> got;
    if (status_) status_ = kernel_.addr_add_batch(part, &got);
    got.resize(part.size(), status_);  // not sent: after an earlier socket error
    results_.insert(results_.end(), got.begin(), got.end());
    lock.lock();
    busy_ = false;
    if (queue_.empty()) cv_.notify_all();  // idle: drain() may return
  }
}

void BatchFeeder::drain() {
  hand_over_();
  if (!worker_.joinable()) return;
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

Status BatchFeeder::finish(std::vector<Status>* results) {
  drain();
  if (worker_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }
  *results = std::move(results_);
  results->resize(added_, status_);
  return status_;
}

}  // namespace ipadm::core

#include "core/batch_feeder.h"

#include <span>

namespace ipadm::core {

BatchFeeder::~BatchFeeder() {
  if (worker_.joinable()) {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_one();
    worker_.join();
  }
}

void BatchFeeder::publish() {
  {
    std::lock_guard lock(mu_);
    if (!base_) base_ = reqs_.data();
    ready_ = reqs_.size();
  }
  if (!worker_.joinable()) worker_ = std::thread([this] { run_(); });
  cv_.notify_one();
}

void BatchFeeder::run_() {
  size_t sent = 0;
  for (;;) {
    size_t end;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return ready_ > sent || done_; });
      end = ready_;
      if (end == sent && done_) return;
    }
    if (status_) {  // after a socket error nothing more is sent
      std::vector<Status> part;
      status_ = kernel_.addr_add_batch(std::span(base_ + sent, end - sent), &part);
      results_.insert(results_.end(), part.begin(), part.end());
    }
    sent = end;
  }
}

Status BatchFeeder::finish(std::vector<Status>* results) {
  if (reqs_.empty()) {
    results->clear();
    return Status::ok();
  }
  publish();
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  cv_.notify_one();
  worker_.join();
  *results = std::move(results_);
  return status_;
}

}  // namespace ipadm::core

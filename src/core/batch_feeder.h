// BatchFeeder: sends a growing list of address requests to the kernel in
// pipelined chunks on a worker thread, while the caller is still building
// the rest (boot restore: the kernel's work dominates, building overlaps it).
//
// Contract: the caller reserves the vector's capacity for every request
// before the first publish() (so elements never move), appends requests and
// publishes a prefix of them from time to time; finish() publishes the rest,
// waits for the worker and returns one Status per request, in order (or the
// socket error of Kernel::addr_add_batch, after which nothing more is sent).
// The worker is the only user of the Kernel between the first publish() and
// finish(): the caller must not touch it meanwhile.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "netlink/kernel.h"

namespace ipadm::core {

class BatchFeeder {
 public:
  BatchFeeder(netlink::Kernel& kernel, const std::vector<netlink::AddrRequest>& reqs)
      : kernel_(kernel), reqs_(reqs) {}
  ~BatchFeeder();
  BatchFeeder(const BatchFeeder&) = delete;
  BatchFeeder& operator=(const BatchFeeder&) = delete;

  // Makes reqs[0, reqs.size()) available to the worker (started on first use).
  void publish();
  Status finish(std::vector<Status>* results);

 private:
  void run_();

  netlink::Kernel& kernel_;
  const std::vector<netlink::AddrRequest>& reqs_;
  const netlink::AddrRequest* base_ = nullptr;  // reqs_.data() at the first publish
  std::mutex mu_;
  std::condition_variable cv_;
  size_t ready_ = 0;     // published prefix (guarded by mu_)
  bool done_ = false;    // no more publishing (guarded by mu_)
  std::vector<Status> results_;  // worker's, read after join
  Status status_;                // worker's, read after join
  std::thread worker_;
};

}  // namespace ipadm::core

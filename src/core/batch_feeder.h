// BatchFeeder: sends address requests to the kernel in pipelined chunks on a
// worker thread while the caller is still reading and building the rest
// (boot restore: the kernel's work dominates, the rest overlaps it).
//
// Contract: add() queues one request; every full chunk goes to the worker at
// once. Between the first add() and drain() or finish() the worker may be
// using the Kernel, so the caller must not touch it. drain() sends what is
// queued and returns once the worker is idle: the caller may then use the
// Kernel until its next add(). finish() sends the rest, stops the worker and
// returns one Status per request, in add() order -- or the socket error of
// Kernel::addr_add_batch, after which nothing more is sent (the requests not
// sent get that error too).
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "netlink/kernel.h"

namespace ipadm::core {

class BatchFeeder {
 public:
  BatchFeeder(netlink::Kernel& kernel, size_t chunk) : kernel_(kernel), chunk_(chunk) {}
  ~BatchFeeder();
  BatchFeeder(const BatchFeeder&) = delete;
  BatchFeeder& operator=(const BatchFeeder&) = delete;

  void add(netlink::AddrRequest req);
  void drain();
  Status finish(std::vector<Status>* results);

 private:
  void hand_over_();  // queues the partial chunk for the worker
  void run_();

  netlink::Kernel& kernel_;
  const size_t chunk_;
  std::vector<netlink::AddrRequest> filling_;  // caller's, not yet handed over
  size_t added_ = 0;                           // caller's count of add()
  std::mutex mu_;
  std::condition_variable cv_;       // worker: work or stop; caller: idle
  std::deque<std::vector<netlink::AddrRequest>> queue_;  // guarded by mu_
  bool busy_ = false;                // worker is sending (guarded by mu_)
  bool stop_ = false;                // guarded by mu_
  std::vector<Status> results_;      // worker's; read when it is idle
  Status status_;                    // worker's; read when it is idle
  std::thread worker_;
};

}  // namespace ipadm::core

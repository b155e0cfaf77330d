// KernelEvents: ipmgmtd's one rtnetlink event loop. It keeps a LiveView of
// the kernel's links and addresses current and tells the daemon what changed.
//
// Subscribes to RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR and
// RTNLGRP_IPV6_IFINFO and RTNLGRP_ND_USEROPT on an event socket, then fills the view from a dump
// (through a Kernel: links() and addrs() retry a dump that a change
// interrupted, NLM_F_DUMP_INTR). Events queued meanwhile are applied after
// the dump, so none is lost. The kernel adds some IPv6 addresses itself
// (link-local at link-up, SLAAC on a router advertisement's prefix) and
// announces them only once their DAD completes, though they are in dumps at
// once: when a link comes up or runs, or RTNLGRP_IPV6_PREFIX reports a
// prefix, that link's addresses are read again. When the kernel drops events because the socket
// overflowed (ENOBUFS), the view is re-filled from a new dump and the
// difference reported as notices: the daemon never loses track of a link.
//
// Contract: run() blocks until stop() is called from another thread (then it
// returns ok) or the event socket fails (returned). Handlers run on run()'s
// thread, in kernel order:
//   links(notices, initial)  link notices (live_view.h); initial = true once,
//                            for the first dump (every present link appears)
//   inet6(ifname)            the IPv6 device of ifname changed (RA flags...);
//                            "" after a loss of events: every interface
//   nd_dns(opts)             a router advertisement carried RDNSS/DNSSL
//                            options (nd_useropt.h); not repeated after a
//                            loss of events: the next RA refreshes them
// Nothing here logs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "netlink/kernel.h"
#include "netlink/live_view.h"
#include "netlink/nd_useropt.h"
#include "netlink/nl_socket.h"

namespace ipadm::netlink {

class KernelEvents {
 public:
  struct Handlers {
    std::function<void(const std::vector<LinkNotice>&, bool initial)> links;
    std::function<void(const std::string& ifname)> inet6;
    std::function<void(const NdDnsOptions&)> nd_dns;
  };

  // rcvbuf > 0: the event socket's receive buffer (tests force overflows
  // with a tiny one); 0: 4 MiB, enough for a 10,000-address restore burst.
  static Result<std::unique_ptr<KernelEvents>> open(int rcvbuf = 0);
  ~KernelEvents();
  KernelEvents(const KernelEvents&) = delete;
  KernelEvents& operator=(const KernelEvents&) = delete;

  // dumper: the Kernel that dumps (used on run()'s thread only).
  Status run(Kernel& dumper, LiveView& view, const Handlers& h);
  void stop();
  // How many times the view was re-filled after an overflow.
  uint64_t resyncs() const { return resyncs_.load(); }

  // Stops (false) or resumes (true) the address events, from any thread.
  // While the daemon adds thousands of addresses itself (enable-if,
  // restore), receiving one event per address would cost it a quarter of
  // its time (BENCHMARKS.md, boot restore); on resume, run() re-reads the
  // kernel instead (one dump) and reports the difference as usual.
  Status set_addr_events(bool on);

  // True when the view holds every change the kernel announced before this
  // call: run() has made its first dump, address events are on, no re-read
  // is pending, nothing is queued on the event socket and run() is not
  // applying a message it took from it. The kernel queues a change's events
  // before it acknowledges the request that made it, so a read that finds
  // the view settled after a write's ack sees that write (read-your-writes
  // without asking the kernel). Any thread.
  bool settled() const;
  // Waits for settled() until `until`; false on time-out or once run() has
  // returned (then the caller asks the kernel itself). Any thread.
  bool wait_settled(std::chrono::steady_clock::time_point until) const;
  // True while run() has made its first dump and address events are paused
  // (set_addr_events(false)): the view's links are current, its addresses
  // as of the pause. Any thread.
  bool addr_events_paused() const { return running_ && !addr_events_; }

 private:
  enum class Resync { kInitial, kOverrun, kRequested };
  KernelEvents(NlSocket sock, int stop_fd, int wake_fd)
      : sock_(std::move(sock)), stop_fd_(stop_fd), wake_fd_(wake_fd) {}
  Status resync(Kernel& dumper, LiveView& view, const Handlers& h, Resync why);
  void apply(std::span<const uint8_t> dgram, Kernel& dumper, LiveView& view, const Handlers& h);

  NlSocket sock_;
  int stop_fd_;  // eventfd
  int wake_fd_;  // eventfd: a resync was requested (set_addr_events(true))
  std::atomic<uint64_t> resyncs_{0};
  std::atomic<bool> resync_requested_{false};
  std::atomic<bool> running_{false};      // after the first dump, until run() returns
  std::atomic<bool> ended_{false};        // run() returned
  std::atomic<bool> addr_events_{true};   // set_addr_events
  std::atomic<bool> busy_{false};         // run() holds or applies what it read
  mutable std::mutex idle_mu_;            // with idle_cv_: wait_settled
  mutable std::condition_variable idle_cv_;
};

}  // namespace ipadm::netlink

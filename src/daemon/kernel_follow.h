// KernelFollower: ipmgmtd follows the kernel. One thread runs the rtnetlink
// event loop (netlink::KernelEvents) over the LiveView; a second, the
// worker, turns what it reports into Service calls in kernel order --
// link_appeared / link_gone / link_up_again (hotplug, docs/linux-mapping.md "Links that come
// and go"), on_inet6_flags (DHCPv6 on the RA's M flag) and on_nd_dns (RDNSS
// and DNSSL of router advertisements) -- so that a slow
// enable (10,000 addresses) never stalls the event loop, and the event loop
// never waits for the service lock.
//
// Lifetime: start() once, stop() once (joins both threads); the Service must
// outlive it. Logs what it does (daemon top level).
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/service.h"
#include "core/view_source.h"
#include "netlink/kernel_events.h"
#include "netlink/live_view.h"

namespace ipadm::daemon {

// Also the Service's KernelViewSource: show-if and show-addr read the
// LiveView once the event loop has applied every change the kernel
// announced (KernelEvents::wait_settled), instead of a dump per request.
class KernelFollower : public core::KernelViewSource {
 public:
  explicit KernelFollower(core::Service& svc) : svc_(svc) {}
  ~KernelFollower() override { stop(); }

  // Subscribes to the kernel's events (they queue from now on); rcvbuf > 0
  // sets the event socket's buffer (tests: IPMGMTD_TEST_EVENT_RCVBUF).
  Status open(int rcvbuf = 0);
  // Starts the event thread (first a full dump) and the worker.
  Status start();
  void stop();
  const netlink::LiveView& view() const { return view_; }
  // core::KernelViewSource: the LiveView once the event loop has applied
  // what the kernel announced (waiting at most 200 ms: after a bulk add it
  // reads the kernel again once); at once while address events are paused
  // for a bulk add (its addresses show when it ends); else a dump on a
  // netlink socket of the caller's own.
  Result<core::KernelView> kernel_view(const std::string& ifname, bool with_addrs) override;
  // Service::QuietHook: nested begin (true) / end (false) of a bulk add;
  // address events pause until the outermost end, then the view is re-read.
  void quiet_addrs(bool begin);

 private:
  struct Work {
    enum class Kind { kStart, kAppeared, kGone, kUp, kInet6, kNdDns } kind;
    std::string ifname;
    bool initial = false;
    std::map<std::string, int> links;  // kStart: every link, name -> ifindex
    netlink::NdDnsOptions nd;          // kNdDns
    static Work of(Kind k, std::string ifname, bool initial = false) {
      Work w;
      w.kind = k;
      w.ifname = std::move(ifname);
      w.initial = initial;
      return w;
    }
  };
  void post(std::vector<Work> items);
  void worker();

  core::Service& svc_;
  netlink::LiveView view_;
  std::unique_ptr<netlink::KernelEvents> events_;
  std::unique_ptr<netlink::Kernel> dumper_;
  std::thread event_thread_, worker_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Work> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  int quiet_depth_ = 0;     // guarded by mu_
};

}  // namespace ipadm::daemon

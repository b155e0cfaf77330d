// Dad4: IPv4 duplicate address detection in the background (RFC 5227, as
// illumos does for IPv4; the schedule and the packets are in
// netlink/arp_probe.h).
//
// Each start() probes the addresses of one link in one session: one raw
// socket, one thread, every address's probes sent together. The verdicts
// go to the sink as soon as probing is over (about Timing::verdict_ms(),
// 550 ms by default); the session then sends the announcements and ends.
// The caller (Service, service_dad4.cc) decides what a conflict does.
//
// Thread rules: start() and the destructor may be called from any thread
// (start() also from a sink); the sink runs on the session's thread, never
// under a lock of Dad4's. The destructor stops every session (within
// 100 ms; a delayed one at once) and joins its thread; a sink that has not
// run by then never runs.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/ipaddr.h"
#include "netlink/arp_session.h"

namespace ipadm::core {

// One address to probe, with the caller's key for the verdict.
struct Dad4Target {
  std::string aobjname;
  uint64_t seq = 0;  // the caller's generation of the object's probing
  IpAddr local;
};

struct Dad4Verdict {
  Dad4Target target;
  bool duplicate = false;  // another host on the link uses the address
};

class Dad4 {
 public:
  using LinkFactory =
      std::function<Result<std::unique_ptr<netlink::arp::ArpLink>>(int ifindex)>;
  // ifindex and the verdicts of every target of one start().
  using Sink = std::function<void(int ifindex, std::vector<Dad4Verdict>)>;

  Dad4(LinkFactory links, netlink::arp::Timing timing,
       netlink::arp::Clock& clock = netlink::arp::steady_clock())
      : links_(std::move(links)), timing_(timing), clock_(clock) {}
  ~Dad4();
  Dad4(const Dad4&) = delete;
  Dad4& operator=(const Dad4&) = delete;

  const netlink::arp::Timing& timing() const { return timing_; }
  // Probes `targets` on ifindex, whose hardware address is `mac`, after
  // delay_ms; host_macs: every hardware address of this host (their answers
  // are not conflicts). A socket that cannot be opened gives "no conflict"
  // verdicts (the address stays, as without detection).
  void start(int ifindex, const netlink::arp::Mac& mac, std::vector<netlink::arp::Mac> host_macs,
             std::vector<Dad4Target> targets, Sink sink, int delay_ms = 0);

 private:
  struct Session {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  void reap_locked_();
  // Sleeps ms unless stopped; false if stopped.
  bool wait_(int ms);

  LinkFactory links_;
  netlink::arp::Timing timing_;
  netlink::arp::Clock& clock_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;                                // guards sessions_
  std::condition_variable stop_cv_;              // stopping_ was set (with mu_)
  std::list<std::unique_ptr<Session>> sessions_;
};

}  // namespace ipadm::core

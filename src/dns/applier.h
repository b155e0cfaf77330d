// Applier: the daemon's learned-DNS keeper. It owns the DnsState, hands
// every change of a link's merged DNS to the Sink, and expires RA values at
// the end of their lifetimes on a thread of its own.
//
// Thread rules: every method may be called from any thread (the service
// lock is usually held; the Applier never calls back into the Service).
// One internal mutex serializes the state and the sink. The sink is made by
// the factory on the first change (choose_sink.h: resolved may start after
// ipmgmtd). A sink failure is logged, never returned: DNS never fails an
// address operation.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dns/link_dns.h"
#include "dns/sink.h"

namespace ipadm::dns {

class Applier {
 public:
  using SinkFactory = std::function<std::unique_ptr<Sink>()>;
  using Clock = std::function<int64_t()>;  // monotonic seconds
  using Log = std::function<void(const std::string&)>;
  static int64_t monotonic_secs();

  Applier(SinkFactory factory, Log log, Clock clock = monotonic_secs)
      : factory_(std::move(factory)), log_(std::move(log)), clock_(std::move(clock)) {}
  ~Applier() { stop(); }
  Applier(const Applier&) = delete;
  Applier& operator=(const Applier&) = delete;

  // Starts the expiry thread (unit tests call expire_now instead); it
  // first runs `first` (without the lock), e.g. EarlyBus::warm_up.
  void start(std::function<void()> first = nullptr);
  void stop();

  // A lease's DNS (DnsState::set_lease); key is the aobjname.
  void lease(const std::string& ifname, int ifindex, Source src, const std::string& key,
             LinkDns d);
  void lease_gone(const std::string& key);
  // One RA option heard now (lifetime in seconds; 0 removes).
  void ra_servers(const std::string& ifname, int ifindex, const std::vector<IpAddr>& servers,
                  uint32_t lifetime);
  void ra_domains(const std::string& ifname, int ifindex,
                  const std::vector<std::string>& domains, uint32_t lifetime);
  void ra_gone(const std::string& ifname);
  void link_gone(const std::string& ifname);
  // Expires what ended by the clock's now (the thread's step).
  void expire_now();

  LinkDns merged(const std::string& ifname) const;

 private:
  // REQUIRES: mu_ held.
  void push_locked_(const std::string& ifname);
  void remember_locked_(const std::string& ifname, int ifindex);

  SinkFactory factory_;
  Log log_;
  Clock clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  DnsState state_;                      // guarded by mu_
  std::map<std::string, int> ifindex_;  // guarded by mu_
  std::unique_ptr<Sink> sink_;          // guarded by mu_; made on first use
  bool stopping_ = false;               // guarded by mu_
  std::thread thread_;
};

}  // namespace ipadm::dns

// Inet6Monitor: the kernel's IPv6 link notifications (RTNLGRP_IPV6_IFINFO).
// The kernel sends one when the IPv6 device of a link changes state, among
// them when a router advertisement changes its RA flags (IF_RA_MANAGED for
// the M flag): the daemon starts DHCPv6 on that (service_addrconf.cc).
//
// Contract: run() blocks, calling on_change(ifname) for each notification
// and on_change("") after notifications were lost (ENOBUFS: the caller
// re-reads whatever it needs), until stop() is called from another thread;
// then it returns ok. A socket error ends it early, returned. The callback
// runs on run()'s thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "netlink/nl_socket.h"

namespace ipadm::netlink {

class Inet6Monitor {
 public:
  static Result<std::unique_ptr<Inet6Monitor>> open();
  ~Inet6Monitor();
  Inet6Monitor(const Inet6Monitor&) = delete;
  Inet6Monitor& operator=(const Inet6Monitor&) = delete;

  Status run(const std::function<void(const std::string& ifname)>& on_change);
  void stop();

 private:
  Inet6Monitor(NlSocket sock, int stop_fd) : sock_(std::move(sock)), stop_fd_(stop_fd) {}

  NlSocket sock_;
  int stop_fd_;  // eventfd
};

}  // namespace ipadm::netlink

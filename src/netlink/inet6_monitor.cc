#include "netlink/inet6_monitor.h"

#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipadm::netlink {

Result<std::unique_ptr<Inet6Monitor>> Inet6Monitor::open() {
  auto sock = NlSocket::open();
  if (!sock) return sock.status();
  IPADM_TRY(sock->join_group(RTNLGRP_IPV6_IFINFO));
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) return Status::from_errno(errno, std::string("eventfd: ") + std::strerror(errno));
  return std::unique_ptr<Inet6Monitor>(new Inet6Monitor(std::move(sock).value(), efd));
}

Inet6Monitor::~Inet6Monitor() { ::close(stop_fd_); }

void Inet6Monitor::stop() {
  uint64_t one = 1;
  ssize_t n = ::write(stop_fd_, &one, sizeof one);
  (void)n;  // the counter cannot overflow from these writes
}

Status Inet6Monitor::run(const std::function<void(const std::string&)>& on_change) {
  for (;;) {
    pollfd pfd[2] = {{sock_.fd(), POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(pfd, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, std::string("poll: ") + std::strerror(errno));
    }
    if (pfd[1].revents) return Status::ok();
    std::span<const uint8_t> dgram;
    int err = sock_.recv(true, &dgram);
    if (err == EAGAIN) continue;
    if (err == ENOBUFS) {
      on_change("");
      continue;
    }
    if (err) return Status::from_errno(err, "IPv6 link monitor");
    for_each_msg(dgram, [&](NlMsg m) {
      const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
      if (nlh->nlmsg_type != RTM_NEWLINK) return;
      if (auto l = decode_link(m)) on_change(l->ifname);
    });
  }
}

}  // namespace ipadm::netlink

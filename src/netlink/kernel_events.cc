#include "netlink/kernel_events.h"

#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipadm::netlink {

namespace {
constexpr int kDefaultRcvbuf = 4 << 20;
}

Result<std::unique_ptr<KernelEvents>> KernelEvents::open(int rcvbuf) {
  auto sock = NlSocket::open(rcvbuf > 0 ? rcvbuf : kDefaultRcvbuf);
  if (!sock) return sock.status();
  for (unsigned g : {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_IFINFO})
    IPADM_TRY(sock->join_group(g));
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) return Status::from_errno(errno, std::string("eventfd: ") + std::strerror(errno));
  return std::unique_ptr<KernelEvents>(new KernelEvents(std::move(sock).value(), efd));
}

KernelEvents::~KernelEvents() { ::close(stop_fd_); }

void KernelEvents::stop() {
  uint64_t one = 1;
  ssize_t n = ::write(stop_fd_, &one, sizeof one);
  (void)n;  // the counter cannot overflow from these writes
}

Status KernelEvents::resync(Kernel& dumper, LiveView& view, const Handlers& h, bool initial) {
  auto links = dumper.links();
  IPADM_TRY(links);
  auto addrs = dumper.addrs(AF_UNSPEC, 0);
  IPADM_TRY(addrs);
  auto notices = view.replace(*links, *addrs);
  if (h.links && (initial || !notices.empty())) h.links(notices, initial);
  if (!initial && h.inet6) h.inet6("");
  return Status::ok();
}

void KernelEvents::apply(std::span<const uint8_t> dgram, LiveView& view, const Handlers& h) {
  std::vector<LinkNotice> notices;
  for_each_msg(dgram, [&](NlMsg m) {
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
    switch (nlh->nlmsg_type) {
      case RTM_NEWLINK:
      case RTM_DELLINK: {
        if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return;
        const auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(nlh));
        auto l = decode_link(m);
        if (!l) return;
        if (ifi->ifi_family == AF_INET6) {  // RTNLGRP_IPV6_IFINFO
          if (h.inet6) h.inet6(l->ifname);
          return;
        }
        auto n = nlh->nlmsg_type == RTM_NEWLINK ? view.on_new_link(*l)
                                                : view.on_del_link(l->ifindex);
        notices.insert(notices.end(), n.begin(), n.end());
        return;
      }
      case RTM_NEWADDR:
      case RTM_DELADDR: {
        auto a = decode_addr(m);
        if (!a) return;
        if (nlh->nlmsg_type == RTM_NEWADDR) view.on_new_addr(*a);
        else view.on_del_addr(*a);
        return;
      }
      default:
        return;
    }
  });
  if (!notices.empty() && h.links) h.links(notices, false);
}

Status KernelEvents::run(Kernel& dumper, LiveView& view, const Handlers& h) {
  IPADM_TRY(resync(dumper, view, h, true));
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
      // Events were dropped: the dump is the truth. What is still queued is
      // older than the dump and is discarded; whatever arrives once the dump
      // has started is newer and applied next.
      ++resyncs_;
      while (sock_.recv(true, &dgram) != EAGAIN) {
      }
      if (Status s = resync(dumper, view, h, false); !s) return s;
      continue;
    }
    if (err) return Status::from_errno(err, "kernel event socket");
    apply(dgram, view, h);
  }
}

}  // namespace ipadm::netlink

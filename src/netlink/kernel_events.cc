#include "netlink/kernel_events.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

namespace ipadm::netlink {

namespace {
constexpr int kDefaultRcvbuf = 4 << 20;
}

Result<std::unique_ptr<KernelEvents>> KernelEvents::open(int rcvbuf) {
  auto sock = NlSocket::open(rcvbuf > 0 ? rcvbuf : kDefaultRcvbuf);
  if (!sock) return sock.status();
  for (unsigned g : {RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, RTNLGRP_IPV6_IFINFO,
                     RTNLGRP_ND_USEROPT, RTNLGRP_IPV6_PREFIX})
    IPADM_TRY(sock->join_group(g));
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) return Status::from_errno(errno, std::string("eventfd: ") + std::strerror(errno));
  int wfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wfd < 0) {
    int e = errno;
    ::close(efd);
    return Status::from_errno(e, std::string("eventfd: ") + std::strerror(e));
  }
  return std::unique_ptr<KernelEvents>(new KernelEvents(std::move(sock).value(), efd, wfd));
}

KernelEvents::~KernelEvents() {
  ::close(stop_fd_);
  ::close(wake_fd_);
}

Status KernelEvents::set_addr_events(bool on) {
  const int opt = on ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP;
  for (unsigned g : {RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR})
    if (setsockopt(sock_.fd(), SOL_NETLINK, opt, &g, sizeof g) != 0)
      return Status::from_errno(errno, "netlink membership");
  addr_events_ = on;
  if (on) {
    resync_requested_ = true;
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;
  }
  return Status::ok();
}

void KernelEvents::stop() {
  uint64_t one = 1;
  ssize_t n = ::write(stop_fd_, &one, sizeof one);
  (void)n;  // the counter cannot overflow from these writes
}

Status KernelEvents::resync(Kernel& dumper, LiveView& view, const Handlers& h, Resync why) {
  auto links = dumper.links();
  IPADM_TRY(links);
  auto addrs = dumper.addrs(AF_UNSPEC, 0);
  IPADM_TRY(addrs);
  auto notices = view.replace(*links, *addrs);
  const bool initial = why == Resync::kInitial;
  if (h.links && (initial || !notices.empty())) h.links(notices, initial);
  if (why == Resync::kOverrun && h.inet6) h.inet6("");  // IPv6 link info was lost too
  return Status::ok();
}

void KernelEvents::apply(std::span<const uint8_t> dgram, Kernel& dumper, LiveView& view,
                         const Handlers& h) {
  std::vector<LinkNotice> notices;
  std::set<int> reread;  // links whose addresses are read again (header comment)
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
        for (const LinkNotice& x : n)
          if (x.kind == LinkNotice::Kind::kAppeared ||
              (x.kind == LinkNotice::Kind::kChanged &&
               (x.flags & ~x.old_flags & (IFF_UP | IFF_RUNNING))))
            reread.insert(x.ifindex);
        notices.insert(notices.end(), n.begin(), n.end());
        return;
      }
      case RTM_NEWPREFIX: {
        if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(prefixmsg))) return;
        reread.insert(static_cast<const prefixmsg*>(NLMSG_DATA(nlh))->prefix_ifindex);
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
      case RTM_NEWNDUSEROPT: {
        if (!h.nd_dns) return;
        auto o = decode_nd_useropt(m);
        if (o && (!o->rdnss.empty() || !o->dnssl.empty())) h.nd_dns(*o);
        return;
      }
      default:
        return;
    }
  });
  // While address events are paused, the re-read at resume covers it.
  if (addr_events_)
    for (int ifindex : reread)
      if (auto addrs = dumper.addrs(AF_UNSPEC, ifindex)) view.replace_addrs(ifindex, *addrs);
  if (!notices.empty() && h.links) h.links(notices, false);
}

bool KernelEvents::settled() const {
  // The order matters: the socket is looked at before busy_, which run()
  // sets before it takes anything from the socket and clears once it has
  // applied it. A change queued before this call is then either still
  // queued, or taken by run() with busy_ set until it is in the view.
  if (!running_ || !addr_events_ || resync_requested_) return false;
  pollfd p{sock_.fd(), POLLIN, 0};
  if (::poll(&p, 1, 0) != 0) return false;  // queued, an overflow, or a poll error
  return !busy_;
}

bool KernelEvents::wait_settled(std::chrono::steady_clock::time_point until) const {
  if (settled()) return true;  // the usual case, without the readers' common lock
  std::unique_lock lock(idle_mu_);
  for (;;) {
    if (settled()) return true;
    if (ended_) return false;
    // run() notifies at each idle point; the time-out also bounds a
    // notification that came between settled() and the wait.
    auto step = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
    if (idle_cv_.wait_until(lock, std::min(step, until)) == std::cv_status::timeout &&
        std::chrono::steady_clock::now() >= until)
      return settled();
  }
}

Status KernelEvents::run(Kernel& dumper, LiveView& view, const Handlers& h) {
  struct Running {
    KernelEvents* ev;
    ~Running() {
      ev->running_ = false;
      ev->ended_ = true;
      ev->busy_ = false;
      ev->idle_cv_.notify_all();
    }
  };
  Running running{this};
  busy_ = true;
  IPADM_TRY(resync(dumper, view, h, Resync::kInitial));
  running_ = true;
  for (;;) {
    if (busy_.exchange(false)) {
      std::lock_guard lock(idle_mu_);  // not lost between a waiter's check and wait
      idle_cv_.notify_all();
    }
    pollfd pfd[3] = {{sock_.fd(), POLLIN, 0}, {stop_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(pfd, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::from_errno(errno, std::string("poll: ") + std::strerror(errno));
    }
    busy_ = true;
    if (pfd[1].revents) return Status::ok();
    if (pfd[2].revents) {
      uint64_t n;
      ssize_t r = ::read(wake_fd_, &n, sizeof n);
      (void)r;
      if (resync_requested_.exchange(false))
        if (Status s = resync(dumper, view, h, Resync::kRequested); !s) return s;
    }
    if (!(pfd[0].revents & POLLIN)) continue;
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
      if (Status s = resync(dumper, view, h, Resync::kOverrun); !s) return s;
      continue;
    }
    if (err) return Status::from_errno(err, "kernel event socket");
    apply(dgram, dumper, view, h);
  }
}

}  // namespace ipadm::netlink

// NetlinkKernel::addr_wait_dad: waiting for IPv6 duplicate address detection.
//
// Order matters: the monitor socket joins RTNLGRP_IPV6_IFADDR before the
// current flags are read, so a DAD completion between the read and the wait
// cannot be missed. Lost events (ENOBUFS) are answered by re-reading.
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>

#include "netlink/netlink_kernel.h"

namespace ipadm::netlink {
namespace {

bool dad_finished(uint32_t flags) {
  return !(flags & IFA_F_TENTATIVE) || (flags & IFA_F_DADFAILED);
}

// What one monitor message says about the awaited address.
enum class Event { kOther, kFlags, kGone };

Event classify(NlMsg m, const AddrRequest& req, uint32_t* flags) {
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(m.data());
  if (nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) return Event::kOther;
  auto a = decode_addr(m);
  if (!a || a->ifindex != req.ifindex || a->local != req.local) return Event::kOther;
  if (nlh->nlmsg_type == RTM_DELADDR) return Event::kGone;
  *flags = a->flags;
  return Event::kFlags;
}

}  // namespace

Result<uint32_t> NetlinkKernel::addr_flags(const AddrRequest& req) {
  std::vector<Addr> found;
  IPADM_TRY(dump_addrs(req.local.family, req.ifindex, &found));
  for (const Addr& a : found)
    if (a.local == req.local) return a.flags;
  return Result<uint32_t>(Errc::NotFound, addr_text(req));
}

Result<uint32_t> NetlinkKernel::addr_wait_dad(const AddrRequest& req, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  if (req.local.family != AF_INET6) return 0u;
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));

  auto mon = NlSocket::open();
  if (!mon) return mon.status();
  IPADM_TRY(mon->join_group(RTNLGRP_IPV6_IFADDR));
  auto cur = addr_flags(req);
  if (!cur || dad_finished(*cur)) return cur;

  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{mon->fd(), POLLIN, 0};
    int r = poll(&pfd, 1, static_cast<int>(left.count()));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Status::from_errno(errno, "poll");
    if (r == 0) break;
    // Drain what is queued, then poll again.
    for (;;) {
      std::span<const uint8_t> dgram;
      int err = mon->recv(true, &dgram);
      if (err == EAGAIN) break;
      if (err == ENOBUFS) {  // events lost: re-read the address
        cur = addr_flags(req);
        if (!cur || dad_finished(*cur)) return cur;
        continue;
      }
      if (err) return Status::from_errno(err, "netlink monitor");
      uint32_t flags = 0;
      Event ev = Event::kOther;
      for_each_msg(dgram, [&](NlMsg m) {
        uint32_t f;
        Event e = classify(m, req, &f);
        if (e == Event::kOther) return;
        ev = e;  // the last event about the address wins
        flags = f;
      });
      if (ev == Event::kGone) return Result<uint32_t>(Errc::NotFound, addr_text(req));
      if (ev == Event::kFlags && dad_finished(flags)) return flags;
    }
  }
  return addr_flags(req);
}

}  // namespace ipadm::netlink

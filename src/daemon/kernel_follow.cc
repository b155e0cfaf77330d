#include "daemon/kernel_follow.h"

#include <net/if.h>

#include "daemon/log.h"
#include "netlink/netlink_kernel.h"

namespace ipadm::daemon {

using Kind = netlink::LinkNotice::Kind;

Status KernelFollower::open(int rcvbuf) {
  auto ev = netlink::KernelEvents::open(rcvbuf);
  IPADM_TRY(ev);
  auto k = netlink::NetlinkKernel::open();
  IPADM_TRY(k);
  events_ = std::move(*ev);
  dumper_ = std::move(*k);
  return Status::ok();
}

Status KernelFollower::start() {
  if (!events_) return Status(Errc::Failure, "kernel events not open");
  worker_thread_ = std::thread([this] { worker(); });
  event_thread_ = std::thread([this] {
    netlink::KernelEvents::Handlers h;
    h.links = [this](const std::vector<netlink::LinkNotice>& notices, bool initial) {
      std::vector<Work> items;
      if (initial) {
        // Before the notices: links gone or re-created while the daemon
        // was not running (Service::links_at_start).
        Work start = Work::of(Work::Kind::kStart, "", true);
        for (const auto& n : notices)
          if (n.kind == Kind::kAppeared) start.links[n.ifname] = n.ifindex;
        items.push_back(std::move(start));
      }
      for (const auto& n : notices) {
        if (n.kind == Kind::kAppeared)
          items.push_back(Work::of(Work::Kind::kAppeared, n.ifname, initial));
        if (n.kind == Kind::kGone) items.push_back(Work::of(Work::Kind::kGone, n.ifname, initial));
        if (n.kind == Kind::kChanged && !(n.old_flags & IFF_UP) && (n.flags & IFF_UP))
          items.push_back(Work::of(Work::Kind::kUp, n.ifname, initial));
      }
      post(std::move(items));
    };
    h.inet6 = [this](const std::string& ifname) {
      post({Work::of(Work::Kind::kInet6, ifname)});
    };
    h.nd_dns = [this](const netlink::NdDnsOptions& o) {
      auto link = view_.link(o.ifindex);  // the event thread owns the view
      if (!link) return;
      Work w = Work::of(Work::Kind::kNdDns, link->ifname);
      w.nd = o;
      post({std::move(w)});
    };
    Status s = events_->run(*dumper_, view_, h);
    if (!s)
      log_warn("kernel events stopped: %s (links that come and go are not followed)",
               s.to_string().c_str());
  });
  return Status::ok();
}

void KernelFollower::stop() {
  if (events_ && event_thread_.joinable()) {
    events_->stop();
    event_thread_.join();
  }
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_thread_.joinable()) worker_thread_.join();
}

Result<core::KernelView> KernelFollower::kernel_view(const std::string& ifname,
                                                     bool with_addrs) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  if (events_ && (events_->addr_events_paused() || events_->wait_settled(until))) {
    auto snap = view_.snapshot(ifname, with_addrs);
    core::KernelView kv;
    kv.links = std::move(snap.links);
    kv.addr_list = std::move(snap.addrs);
    kv.fams = core::AddrFamilies{std::move(snap.with_v4), std::move(snap.with_v6)};
    return kv;
  }
  auto k = netlink::NetlinkKernel::open();
  IPADM_TRY(k);
  return core::KernelView::read(**k);
}

void KernelFollower::quiet_addrs(bool begin) {
  if (!events_) return;
  std::lock_guard lock(mu_);
  if (begin ? quiet_depth_++ != 0 : --quiet_depth_ != 0) return;
  if (Status s = events_->set_addr_events(!begin); !s)
    log_warn("kernel address events: %s", s.to_string().c_str());
}

void KernelFollower::post(std::vector<Work> items) {
  if (items.empty()) return;
  {
    std::lock_guard lock(mu_);
    for (auto& w : items) queue_.push_back(std::move(w));
  }
  cv_.notify_one();
}

void KernelFollower::worker() {
  uint64_t resyncs = 0;
  for (;;) {
    Work w;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      w = std::move(queue_.front());
      queue_.pop_front();
    }
    if (uint64_t r = events_->resyncs(); r != resyncs) {
      resyncs = r;
      log_info(
          "kernel events were lost: links and addresses read again (%llu "
          "time(s))",
          static_cast<unsigned long long>(r));
    }
    switch (w.kind) {
      case Work::Kind::kStart:
        for (const auto& [ifname, recreated] : svc_.links_at_start(w.links))
          log_info("%s: link %s while ipmgmtd was not running: interface offline%s", ifname.c_str(),
                   recreated ? "re-created" : "went away",
                   recreated ? ", enabled again" : " until it comes back");
        break;
      case Work::Kind::kAppeared: {
        std::vector<std::string> failed;
        if (svc_.link_appeared(w.ifname, w.initial, &failed))
          log_info("%s: link appeared: interface enabled", w.ifname.c_str());
        for (const auto& f : failed) log_warn("%s: link appeared: %s", w.ifname.c_str(), f.c_str());
        break;
      }
      case Work::Kind::kGone:
        if (svc_.link_gone(w.ifname))
          log_info("%s: link went away: interface offline until it comes back", w.ifname.c_str());
        break;
      case Work::Kind::kUp:
        if (int n = svc_.link_up_again(w.ifname))
          log_info("%s: link up again: %d address(es) put back", w.ifname.c_str(), n);
        break;
      case Work::Kind::kInet6:
        svc_.on_inet6_flags(w.ifname);
        break;
      case Work::Kind::kNdDns:
        svc_.on_nd_dns(w.ifname, w.nd);
        break;
    }
  }
}

}  // namespace ipadm::daemon

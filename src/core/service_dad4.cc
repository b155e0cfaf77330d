// IPv4 duplicate address detection in the Service (Dad4, dad4.h): which
// addresses are probed, the tentative/duplicate states, the verdicts.
//
// On Linux an address is either in the kernel or not (no IFF_DUPLICATE):
// a static IPv4 address goes into the kernel and is probed there; when
// another host answers for it, it is taken out of the kernel and the object
// stays, up but "duplicate", until a recovery probe (every
// Timing::recovery_ms, illumos _dup_recovery) or refresh-addr (illumos:
// restarts DAD) finds it free, or down-addr/delete-addr clear it.
// docs/linux-mapping.md, "IPv4 duplicate address detection".
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "core/service.h"

namespace ipadm::core {
namespace {

// The wait of create-addr/up-addr/refresh-addr/enable-addr for a verdict:
// illumos's DAD_WAIT_TIME, well above the 550 ms of the default schedule.
constexpr int kDad4WaitMs = 1000;

std::optional<netlink::arp::Mac> ether_mac(const netlink::Link& l) {
  if (l.hwaddr.size() != 6) return std::nullopt;
  netlink::arp::Mac m;
  std::memcpy(m.data(), l.hwaddr.data(), 6);
  if (std::all_of(m.begin(), m.end(), [](uint8_t b) { return b == 0; })) return std::nullopt;
  return m;
}

}  // namespace

std::optional<Service::Dad4Pending> Service::dad4_begin_locked_(const AddrObj& o,
                                                                const netlink::Link& link) {
  dad4_forget_locked_(o.aobjname);
  if (!dad4_ || dad4_->timing().probe_count <= 0) return std::nullopt;
  if (o.family != AF_INET || o.atype != AddrType::Static || o.remote) return std::nullopt;
  if (link.flags & (IFF_NOARP | IFF_LOOPBACK | IFF_POINTOPOINT)) return std::nullopt;
  if (!ether_mac(link)) return std::nullopt;
  const uint64_t seq = ++dad4_seq_;
  dad4_state_[o.aobjname] = Dad4State{seq, false};
  touched_.aobjnames.insert(o.aobjname);
  return Dad4Pending{link.ifindex, Dad4Target{o.aobjname, seq, o.local}};
}

void Service::dad4_start_locked_(std::vector<Dad4Pending> pending, int delay_ms) {
  if (!dad4_ || pending.empty()) return;
  auto links = kernel_.links();
  std::vector<netlink::arp::Mac> host_macs;
  if (links)
    for (auto& l : *links)
      if (auto m = ether_mac(l)) host_macs.push_back(*m);
  std::map<int, std::vector<Dad4Target>> by_link;
  for (auto& p : pending) by_link[p.ifindex].push_back(std::move(p.target));
  for (auto& [ifindex, targets] : by_link) {
    std::optional<netlink::arp::Mac> mac;
    if (links)
      for (auto& l : *links)
        if (l.ifindex == ifindex) mac = ether_mac(l);
    if (!mac) {  // the link went away meanwhile: nothing to probe
      for (auto& t : targets) dad4_forget_locked_(t.aobjname);
      continue;
    }
    dad4_->start(
        ifindex, *mac, host_macs, std::move(targets),
        [this](int idx, std::vector<Dad4Verdict> v) { on_dad4_verdicts_(idx, std::move(v)); },
        delay_ms);
  }
}

void Service::dad4_wait_locked_(std::unique_lock<ServiceMutex>& lock,
                                const std::vector<Dad4Pending>& pending) {
  auto probing = [&] {
    for (auto& p : pending) {
      auto it = dad4_state_.find(p.target.aobjname);
      if (it != dad4_state_.end() && it->second.seq == p.target.seq && !it->second.duplicate)
        return true;
    }
    return false;
  };
  dad4_cv_.wait_for(lock, std::chrono::milliseconds(kDad4WaitMs), [&] { return !probing(); });
}

const char* Service::dad4_state_locked_(const std::string& aobjname) const {
  auto it = dad4_state_.find(aobjname);
  if (it == dad4_state_.end()) return nullptr;
  return it->second.duplicate ? "duplicate" : "tentative";
}

bool Service::dad4_duplicate_locked_(const std::string& aobjname) const {
  auto it = dad4_state_.find(aobjname);
  return it != dad4_state_.end() && it->second.duplicate;
}

void Service::on_dad4_verdicts_(int ifindex, std::vector<Dad4Verdict> verdicts) {
  std::lock_guard lock(mu_);
  for (auto& v : verdicts) touched_.aobjnames.insert(v.target.aobjname);
  std::vector<Dad4Pending> recover;  // duplicates to probe again later
  auto recover_later = [&](const Dad4Target& t) {
    const uint64_t seq = ++dad4_seq_;
    dad4_state_[t.aobjname] = {seq, true};
    recover.push_back({ifindex, Dad4Target{t.aobjname, seq, t.local}});
  };
  for (auto& v : verdicts) {
    auto it = dad4_state_.find(v.target.aobjname);
    // Stale: the object was deleted, taken down or probed again meanwhile.
    if (it == dad4_state_.end() || it->second.seq != v.target.seq) continue;
    const bool was_duplicate = it->second.duplicate;
    const AddrObj* o = map_.find_addr(v.target.aobjname);
    if (!o || !(o->flags & kActive) || !o->up || o->local != v.target.local) {
      dad4_state_.erase(it);
      continue;
    }
    if (!was_duplicate && !v.duplicate) {  // probed in the kernel: free
      dad4_state_.erase(it);
    } else if (!was_duplicate) {
      // Out of the kernel: the address must not answer for another host's.
      Status s = addr_from_kernel_locked_(*o, ifindex);  // forgets the state
      if (s || s.code() == Errc::NotFound) recover_later(v.target);
    } else if (v.duplicate) {  // recovery probe: still in use
      recover_later(v.target);
    } else {  // recovery probe: free again, back into the kernel
      dad4_state_.erase(it);
      if (!addr_to_kernel_locked_(*o, ifindex, false)) recover_later(v.target);
    }
  }
  if (!recover.empty() && dad4_->timing().recovery_ms > 0)
    dad4_start_locked_(std::move(recover), dad4_->timing().recovery_ms);
  dad4_cv_.notify_all();
}

}  // namespace ipadm::core

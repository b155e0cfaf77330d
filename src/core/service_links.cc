// Links that come and go: the hotplug half of enable-if (service.h).
#include <net/if.h>
#include <sys/socket.h>

#include <set>
#include <utility>

#include "core/service.h"

namespace ipadm::core {

bool Service::link_appeared(const std::string& ifname, bool initial,
                            std::vector<std::string>* failed) {
  std::lock_guard lock(mu_);
  const IfObj* cur = map_.find_if(ifname);
  if (cur && (cur->flags & kActive)) return false;
  const bool absent = cur && (cur->flags & kAbsent);
  if (initial && !absent) return false;
  if (cur && !absent) return false;  // disable-if -t: stays disabled
  auto prec = store_.interface(ifname);
  if (!prec || !prec->has_value()) return false;
  rpc::RestoreReply report;
  Status s = enable_if_locked_(prec->value(), &report);
  for (const auto& f : report.failed()) failed->push_back(f);
  if (!s && s.code() != Errc::AllAddrsNotEnabled) {
    failed->push_back(ifname + ": " + s.to_string());
    return false;
  }
  return true;
}

bool Service::link_gone(const std::string& ifname) {
  std::lock_guard lock(mu_);
  const IfObj* cur = map_.find_if(ifname);
  if (!cur || !(cur->flags & kActive)) return false;
  std::vector<AddrObj> keep;
  std::vector<std::string> drop;
  for (const AddrObj* a : map_.addrs_of(ifname)) {
    if (a->atype == AddrType::Dhcp && dhcp_) dhcp_->stop(a->aobjname, false);
    if (a->atype == AddrType::Addrconf && dhcp6_) dhcp6_->stop(a->aobjname, false);
    props_.forget_addr(a->aobjname);
    if (!(a->flags & kPersist)) {
      drop.push_back(a->aobjname);
      continue;
    }
    AddrObj k = *a;
    k.flags = kPersist;
    if (k.atype == AddrType::Dhcp) forget_lease(&k);  // the lease went with the link
    keep.push_back(std::move(k));
  }
  props_.forget_if(ifname);
  if (!(cur->flags & kPersist)) {
    map_.erase_if(ifname).ignore();
    return true;
  }
  for (auto& n : drop) map_.erase_addr(n).ignore();
  map_.put_addrs(keep).ignore();
  IfObj o = *cur;
  o.flags = kPersist | kAbsent;
  o.v4 = o.v6 = false;
  map_.put_if(o).ignore();
  return true;
}

std::vector<std::pair<std::string, bool>> Service::links_at_start(
    const std::map<std::string, int>& links) {
  std::vector<std::pair<std::string, bool>> gone;
  {
    std::lock_guard lock(mu_);
    for (const auto& [ifname, o] : map_.ifs()) {
      if (!(o.flags & kActive)) continue;
      auto it = links.find(ifname);
      if (it == links.end())
        gone.emplace_back(ifname, false);
      else if (o.ifindex != 0 && o.ifindex != it->second)
        gone.emplace_back(ifname, true);
    }
  }
  for (const auto& g : gone) link_gone(g.first);
  return gone;
}

int Service::link_up_again(const std::string& ifname) {
  std::lock_guard lock(mu_);
  const IfObj* cur = map_.find_if(ifname);
  if (!cur || !(cur->flags & kActive)) return 0;
  auto idx = ifindex_locked_(ifname);
  if (!idx) return 0;
  auto present = kernel_.addrs(AF_UNSPEC, *idx);
  if (!present) return 0;
  std::set<std::pair<IpAddr, int>> have;
  for (const auto& a : *present) have.emplace(a.local, a.prefixlen);
  int added = 0;
  for (const AddrObj* a : map_.addrs_of(ifname)) {
    if (!(a->flags & kActive) || !a->up || a->local.is_zero()) continue;
    if (a->atype != AddrType::Static && a->atype != AddrType::Addrconf) continue;
    if (have.count({a->local, a->prefixlen})) continue;
    if (dad4_duplicate_locked_(a->aobjname)) continue;  // kept out: in use elsewhere
    if (addr_to_kernel_locked_(*a, *idx, false)) ++added;
  }
  return added;
}

}  // namespace ipadm::core

#include "netlink/live_view.h"

#include <set>

namespace ipadm::netlink {

using Kind = LinkNotice::Kind;

std::vector<LinkNotice> LiveView::new_link_locked_(const Link& l) {
  ++generation_;
  std::vector<LinkNotice> out;
  // Another link holding this name (its DELLINK was missed): it is gone.
  for (auto it = links_.begin(); it != links_.end(); ++it) {
    if (it->first != l.ifindex && it->second.ifname == l.ifname) {
      auto gone = del_link_locked_(it->first);
      out.insert(out.end(), gone.begin(), gone.end());
      break;
    }
  }
  auto it = links_.find(l.ifindex);
  if (it == links_.end()) {
    links_.emplace(l.ifindex, l);
    out.push_back({Kind::kAppeared, l.ifname, l.ifindex, l.flags, 0});
    return out;
  }
  Link& cur = it->second;
  if (cur.ifname != l.ifname) {
    out.push_back({Kind::kGone, cur.ifname, l.ifindex, cur.flags, 0});
    out.push_back({Kind::kAppeared, l.ifname, l.ifindex, l.flags, 0});
  } else if (cur.flags != l.flags) {
    out.push_back({Kind::kChanged, l.ifname, l.ifindex, l.flags, cur.flags});
  }
  cur = l;
  return out;
}

std::vector<LinkNotice> LiveView::del_link_locked_(int ifindex) {
  ++generation_;
  auto it = links_.find(ifindex);
  if (it == links_.end()) return {};
  LinkNotice n{Kind::kGone, it->second.ifname, ifindex, it->second.flags, 0};
  links_.erase(it);
  std::erase_if(addrs_, [&](const auto& kv) { return kv.first.ifindex == ifindex; });
  return {n};
}

std::vector<LinkNotice> LiveView::on_new_link(const Link& l) {
  std::lock_guard lock(mu_);
  return new_link_locked_(l);
}

std::vector<LinkNotice> LiveView::on_del_link(int ifindex) {
  std::lock_guard lock(mu_);
  return del_link_locked_(ifindex);
}

void LiveView::on_new_addr(const Addr& a) {
  std::lock_guard lock(mu_);
  // The kernel announces a link before its addresses: an address of an
  // unknown link is a stale event (its link is gone).
  if (!links_.count(a.ifindex)) return;
  ++generation_;
  addrs_[AddrKey{a.ifindex, a.local, a.prefixlen}] = a;
}

void LiveView::on_del_addr(const Addr& a) {
  std::lock_guard lock(mu_);
  ++generation_;
  addrs_.erase(AddrKey{a.ifindex, a.local, a.prefixlen});
}

std::vector<LinkNotice> LiveView::replace(const std::vector<Link>& links,
                                          const std::vector<Addr>& addrs) {
  std::lock_guard lock(mu_);
  std::vector<LinkNotice> out;
  std::set<int> present;
  for (const auto& l : links) present.insert(l.ifindex);
  std::vector<int> vanished;
  for (const auto& [idx, l] : links_)
    if (!present.count(idx)) vanished.push_back(idx);
  for (int idx : vanished) {
    auto n = del_link_locked_(idx);
    out.insert(out.end(), n.begin(), n.end());
  }
  for (const auto& l : links) {
    auto n = new_link_locked_(l);
    out.insert(out.end(), n.begin(), n.end());
  }
  addrs_.clear();
  for (const auto& a : addrs) addrs_[AddrKey{a.ifindex, a.local, a.prefixlen}] = a;
  ++generation_;
  return out;
}

std::optional<Link> LiveView::link(int ifindex) const {
  std::lock_guard lock(mu_);
  auto it = links_.find(ifindex);
  if (it == links_.end()) return std::nullopt;
  return it->second;
}

std::optional<Link> LiveView::link(const std::string& ifname) const {
  std::lock_guard lock(mu_);
  for (const auto& [idx, l] : links_)
    if (l.ifname == ifname) return l;
  return std::nullopt;
}

std::vector<Link> LiveView::links() const {
  std::lock_guard lock(mu_);
  std::vector<Link> out;
  for (const auto& [idx, l] : links_) out.push_back(l);
  return out;
}

std::vector<Addr> LiveView::addrs(int ifindex) const {
  std::lock_guard lock(mu_);
  std::vector<Addr> out;
  for (const auto& [k, a] : addrs_)
    if (ifindex == 0 || k.ifindex == ifindex) out.push_back(a);
  return out;
}

uint64_t LiveView::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

}  // namespace ipadm::netlink

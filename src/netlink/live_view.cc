#include "netlink/live_view.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

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
  listed_.erase(ifindex);
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
  put_addr_locked_(a, ++next_seq_);
}

namespace {
// What show-if counts: an address that is not 0.0.0.0 or ::.
bool listed(const Addr& a) { return !a.local.is_zero(); }
}  // namespace

void LiveView::put_addr_locked_(const Addr& a, uint64_t seq) {
  auto [it, fresh] = addrs_.try_emplace(AddrKey{a.ifindex, a.local, a.prefixlen}, AddrEntry{a, seq});
  if (!fresh) it->second.a = a;  // updated in place: same place in the list
  else if (listed(a)) ++listed_[a.ifindex][a.family == AF_INET ? 0 : 1];
}

void LiveView::erase_addr_locked_(const AddrKey& k) {
  auto it = addrs_.find(k);
  if (it == addrs_.end()) return;
  const Addr& a = it->second.a;
  if (listed(a)) --listed_[a.ifindex][a.family == AF_INET ? 0 : 1];
  addrs_.erase(it);
}

void LiveView::on_del_addr(const Addr& a) {
  std::lock_guard lock(mu_);
  ++generation_;
  erase_addr_locked_(AddrKey{a.ifindex, a.local, a.prefixlen});
}

void LiveView::replace_addrs(int ifindex, const std::vector<Addr>& addrs) {
  std::lock_guard lock(mu_);
  if (!links_.count(ifindex)) return;
  ++generation_;
  std::set<AddrKey> now;
  for (const auto& a : addrs)
    if (a.ifindex == ifindex) now.insert(AddrKey{a.ifindex, a.local, a.prefixlen});
  std::vector<AddrKey> gone;
  for (const auto& [k, e] : addrs_)
    if (k.ifindex == ifindex && !now.count(k)) gone.push_back(k);
  for (const AddrKey& k : gone) erase_addr_locked_(k);
  // New ones are the newest, in dump order: IPv4 forwards, IPv6 backwards.
  for (const auto& a : addrs)
    if (a.ifindex == ifindex && a.family == AF_INET) put_addr_locked_(a, ++next_seq_);
  for (auto it = addrs.rbegin(); it != addrs.rend(); ++it)
    if (it->ifindex == ifindex && it->family != AF_INET) put_addr_locked_(*it, ++next_seq_);
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
  listed_.clear();
  // Sequence numbers that sort back into the dump's order: IPv4 lists are
  // oldest first, IPv6 lists newest first.
  const uint64_t n = addrs.size();
  for (uint64_t i = 0; i < n; ++i) {
    const Addr& a = addrs[i];
    put_addr_locked_(a, next_seq_ + 1 + (a.family == AF_INET6 ? n - i : i));
  }
  next_seq_ += n + 1;
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
  for (const auto& [k, e] : addrs_)
    if (ifindex == 0 || k.ifindex == ifindex) out.push_back(e.a);
  return out;
}

namespace {

// IPv6 lists sort by source scope, widest first (ipv6_link_dev_addr).
int v6_scope_rank(uint8_t rt_scope) {
  if (rt_scope == RT_SCOPE_UNIVERSE) return 0;
  if (rt_scope == RT_SCOPE_SITE) return 1;
  return 2;  // link, host (::1 counts as link-local there)
}

}  // namespace

std::vector<Addr> LiveView::dump_order(int ifindex) const {
  std::lock_guard lock(mu_);
  return dump_order_locked_(ifindex);
}

LiveView::Snapshot LiveView::snapshot(const std::string& ifname, bool with_addrs) const {
  std::lock_guard lock(mu_);
  Snapshot s;
  s.links.reserve(links_.size());
  int ifindex = 0;
  for (const auto& [idx, l] : links_) {
    s.links.push_back(l);
    if (l.ifname == ifname) ifindex = idx;
  }
  for (const auto& [idx, n] : listed_) {
    if (n[0] > 0) s.with_v4.insert(idx);
    if (n[1] > 0) s.with_v6.insert(idx);
  }
  if (!with_addrs || (!ifname.empty() && ifindex == 0)) {
    s.addrs = std::make_shared<const std::vector<Addr>>();
  } else if (ifname.empty()) {
    s.addrs = order_locked_();
  } else if (order_ && order_generation_ == generation_) {
    // One link's part of the current whole order (it sorts by link first).
    std::vector<Addr> mine;
    for (const Addr& a : *order_)
      if (a.ifindex == ifindex) mine.push_back(a);
    s.addrs = std::make_shared<const std::vector<Addr>>(std::move(mine));
  } else {
    // Stale: sort this link's addresses only, not every link's.
    s.addrs = std::make_shared<const std::vector<Addr>>(dump_order_locked_(ifindex));
  }
  return s;
}

std::shared_ptr<const std::vector<Addr>> LiveView::order_locked_() const {
  if (!order_ || order_generation_ != generation_) {
    order_ = std::make_shared<const std::vector<Addr>>(dump_order_locked_(0));
    order_generation_ = generation_;
  }
  return order_;
}

std::vector<Addr> LiveView::dump_order_locked_(int ifindex) const {
  using Key = std::tuple<int, int, int, int64_t>;
  std::vector<std::pair<Key, const Addr*>> keyed;
  for (const auto& [k, e] : addrs_) {
    if (ifindex != 0 && k.ifindex != ifindex) continue;
    const Addr& a = e.a;
    const auto seq = static_cast<int64_t>(e.seq);
    Key key = a.family == AF_INET
                  ? Key{0, a.ifindex, (a.flags & IFA_F_SECONDARY) ? 1 : 0, seq}
                  : Key{1, a.ifindex, v6_scope_rank(a.scope), -seq};
    keyed.emplace_back(key, &a);
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<Addr> out;
  out.reserve(keyed.size());
  for (const auto& [key, a] : keyed) out.push_back(*a);
  return out;
}

uint64_t LiveView::generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

}  // namespace ipadm::netlink

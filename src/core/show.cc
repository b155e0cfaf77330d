#include "core/show.h"

#include <net/if.h>
#include <sys/socket.h>

#include <set>
#include <unordered_map>

namespace ipadm::core {

const netlink::Link* KernelView::link(int ifindex) const {
  for (auto& l : links)
    if (l.ifindex == ifindex) return &l;
  return nullptr;
}

const netlink::Link* KernelView::link(const std::string& ifname) const {
  for (auto& l : links)
    if (l.ifname == ifname) return &l;
  return nullptr;
}

Result<KernelView> KernelView::read(netlink::Kernel& k) {
  KernelView v;
  auto links = k.links();
  IPADM_TRY(links);
  auto addrs = k.addrs(AF_UNSPEC, 0);
  IPADM_TRY(addrs);
  v.links = std::move(*links);
  v.set_addrs(std::move(*addrs));
  return v;
}

const std::shared_ptr<const std::vector<netlink::Addr>>& KernelView::no_addrs() {
  static const auto none = std::make_shared<const std::vector<netlink::Addr>>();
  return none;
}

std::string if_current_flags(uint32_t iff, bool v4, bool v6, bool l3protected) {
  // b m p v I s i V a Z 4 6 (spec 2.4); Linux has no VNI/IPMP/VRRP/L3-protect.
  // The loopback shows what illumos prints for lo0 (MULTICAST and VIRTUAL
  // set there): Linux's lo has no IFF_MULTICAST but loops multicast back.
  std::string s(12, '-');
  if (iff & IFF_BROADCAST) s[0] = 'b';
  if (iff & (IFF_MULTICAST | IFF_LOOPBACK)) s[1] = 'm';
  if (iff & IFF_LOOPBACK) s[3] = 'v';
  if (iff & IFF_POINTOPOINT) s[2] = 'p';
  if (l3protected) s[9] = 'Z';
  if (v4) s[10] = '4';
  if (v6) s[11] = '6';
  return s;
}

std::string if_persistent_flags(bool v4, bool v6) {
  std::string s(3, '-');
  if (v4) s[1] = '4';
  if (v6) s[2] = '6';
  return s;
}

namespace {

// illumos (libipadm): failed when the link is not running, down when no
// address is up, else ok. On Linux no address is up on a link that is
// administratively down, so that is "down" before "failed"; an address is
// up when it is in the kernel (ipadm keeps a down-addr address out of it).
std::string if_state(const netlink::Link* l, bool has_addr) {
  if (!l || !(l->flags & IFF_UP)) return "down";
  if (!(l->flags & IFF_RUNNING)) return "failed";
  return has_addr ? "ok" : "down";
}

// CLASS as illumos 2021+ names it; IPMP ("ipmp") does not exist on Linux.
std::string if_class(const netlink::Link* l, const std::string& name) {
  if (l ? (l->flags & IFF_LOOPBACK) : name == "lo") return "loopback";
  return "ip";
}

}  // namespace

bool listed_addr(const netlink::Addr& a) { return !a.local.is_zero(); }

AddrFamilies AddrFamilies::of(const std::vector<netlink::Addr>& addrs) {
  AddrFamilies f;
  for (auto& a : addrs)
    if (listed_addr(a)) (a.family == AF_INET ? f.v4 : f.v6).insert(a.ifindex);
  return f;
}

std::vector<rpc::IfInfo> if_rows(const KernelView& kv, const std::map<std::string, IfObj>& ifs,
                                 const std::vector<store::IfRecord>& persisted,
                                 const std::string& filter,
                                 const std::set<std::string>& l3protected) {
  std::unordered_map<std::string, const store::IfRecord*> prec;
  for (auto& r : persisted) prec[r.ifname] = &r;
  const AddrFamilies fams = kv.fams ? *kv.fams : AddrFamilies::of(kv.addrs());
  const std::set<int>& with_v4 = fams.v4;
  const std::set<int>& with_v6 = fams.v6;

  std::vector<rpc::IfInfo> rows;
  std::set<std::string> done;
  auto emit = [&](const std::string& name) {
    if (!filter.empty() && name != filter) return;
    if (!done.insert(name).second) return;
    auto oit = ifs.find(name);
    const IfObj* o = oit == ifs.end() ? nullptr : &oit->second;
    auto pit = prec.find(name);
    const store::IfRecord* p = pit == prec.end() ? nullptr : pit->second;
    const netlink::Link* l = kv.link(name);
    bool active = o && (o->flags & kActive);
    bool v4 = active ? o->v4 : (l && with_v4.count(l->ifindex));
    bool v6 = active ? o->v6 : (l && with_v6.count(l->ifindex));
    if (!active && !(l && (v4 || v6)) && !p) return;
    rpc::IfInfo r;
    r.set_ifname(name);
    r.set_active(active || (l && (v4 || v6)));
    r.set_persist(p != nullptr);
    r.set_ifclass(if_class(l, name));
    if (l) {
      r.set_ifindex(l->ifindex);
      r.set_link_flags(l->flags);
      r.set_mtu(l->mtu);
    }
    if (!r.active()) {
      // offline: its link went away; it comes back with it.
      r.set_state(o && (o->flags & kAbsent) ? "offline" : "disabled");
      r.set_current(if_current_flags(0, false, false));
    } else {
      r.set_state(if_state(l, l && (with_v4.count(l->ifindex) || with_v6.count(l->ifindex))));
      r.set_current(if_current_flags(l ? l->flags : 0, v4, v6, l3protected.count(name) > 0));
    }
    r.set_persistent(if_persistent_flags(p && p->v4, p && p->v6));
    rows.push_back(std::move(r));
  };
  for (auto& l : kv.links) emit(l.ifname);  // kernel order first
  for (auto& [name, o] : ifs) emit(name);
  for (auto& r : persisted) emit(r.ifname);
  return rows;
}

}  // namespace ipadm::core

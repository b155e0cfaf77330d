#include "core/show.h"

#include <linux/if_addr.h>
#include <net/if.h>
#include <sys/socket.h>

#include <set>
#include <unordered_map>

#include "core/addr_owner.h"

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
  v.addrs = std::move(*addrs);
  return v;
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

bool listed_addr(const netlink::Addr& a) { return !a.local.is_zero(); }

}  // namespace

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
  const AddrFamilies fams = kv.fams ? *kv.fams : AddrFamilies::of(kv.addrs);
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

namespace {

std::string addr_text(const IpAddr& local, const std::optional<IpAddr>& peer, int plen) {
  if (peer) return local.to_string() + "->" + peer->to_string();
  std::string s = local.to_string();
  if (plen > 0) s += "/" + std::to_string(plen);
  return s;
}

std::string kernel_state(const netlink::Addr& a, const netlink::Link* l) {
  if (!l || !(l->flags & IFF_UP)) return "down";
  if (a.flags & IFA_F_DADFAILED) return "duplicate";
  if (a.flags & IFA_F_TENTATIVE) return "tentative";
  if (!(l->flags & IFF_RUNNING)) return "inaccessible";
  return "ok";
}

std::string current_flags(const netlink::Addr& a, const netlink::Link* l) {
  // U u p t d
  std::string s(5, '-');
  if (l && (l->flags & IFF_UP) && !(a.flags & IFA_F_DADFAILED)) s[0] = 'U';
  if (a.flags & IFA_F_TEMPORARY) s[3] = 't';
  if ((a.flags & IFA_F_DEPRECATED) || a.preferred_lft == 0) s[4] = 'd';
  return s;
}

std::string persistent_flags(const store::AddrRecord* r) {
  if (!r) return "---";
  std::string s(3, '-');
  if (r->up) s[0] = 'U';
  return s;
}

std::string stored_text(const std::string& local, const std::string& remote, int plen) {
  std::string s = local;
  if (!remote.empty()) return s + "->" + remote;
  if (plen > 0 && s.find('/') == std::string::npos) s += "/" + std::to_string(plen);
  return s;
}

AddrType infer_type(const netlink::Addr& a) {
  if (a.family == AF_INET6 && (a.local.is_v6_linklocal() || !(a.flags & IFA_F_PERMANENT)))
    return AddrType::Addrconf;
  return AddrType::Static;
}

}  // namespace

std::vector<rpc::AddrInfo> addr_rows(const KernelView& kv, const AddrObjMap& map,
                                     const std::vector<store::AddrRecord>& persisted,
                                     const AddrFilter& filter) {
  AddrObjSource src;
  src.owner = [&map](const std::string& ifname, const netlink::Addr& a) {
    return addr_owner(map, ifname, a);
  };
  src.each = [&map](const std::function<void(const AddrObj&)>& fn) {
    for (auto& [name, o] : map.addrs()) fn(o);
  };
  std::vector<const store::AddrRecord*> recs;
  recs.reserve(persisted.size());
  for (auto& r : persisted) recs.push_back(&r);
  return addr_rows(kv, src, recs, filter);
}

std::vector<rpc::AddrInfo> addr_rows(const KernelView& kv, const AddrObjSource& objs,
                                     const std::vector<const store::AddrRecord*>& persisted,
                                     const AddrFilter& filter) {
  std::unordered_map<std::string, const store::AddrRecord*> prec;
  for (const store::AddrRecord* r : persisted)
    if (filter.aobjname.empty() || r->aobjname == filter.aobjname) prec[r->aobjname] = r;
  auto rec_of = [&](const std::string& n) -> const store::AddrRecord* {
    auto it = prec.find(n);
    return it == prec.end() ? nullptr : it->second;
  };
  auto wanted = [&](const std::string& aobjname, const std::string& ifname) {
    if (!filter.aobjname.empty()) return aobjname == filter.aobjname;
    if (!filter.ifname.empty()) return ifname == filter.ifname;
    return true;
  };

  std::vector<rpc::AddrInfo> rows;
  std::set<std::string> shown;
  auto base = [](const std::string& name, const std::string& ifname, int family) {
    rpc::AddrInfo r;
    r.set_aobjname(name);
    r.set_ifname(ifname);
    r.set_family(family == AF_INET ? 4 : 6);
    return r;
  };

  // 1. Kernel addresses, owned or not.
  for (auto& a : kv.addrs) {
    if (!listed_addr(a)) continue;
    const netlink::Link* l = kv.link(a.ifindex);
    std::string ifname = l ? l->ifname : std::to_string(a.ifindex);
    const AddrObj* o = objs.owner(ifname, a);
    std::string name = o ? o->aobjname : ifname + "/?";
    if (!wanted(o ? o->aobjname : "", ifname)) continue;
    rpc::AddrInfo r = base(name, ifname, a.family);
    r.set_managed(o != nullptr);
    r.set_type(std::string(addrtype_name(o ? o->atype : infer_type(a))));
    r.set_state(kernel_state(a, l));
    r.set_current(current_flags(a, l));
    const store::AddrRecord* rec = o ? rec_of(o->aobjname) : nullptr;
    r.set_persistent(persistent_flags(rec));
    r.set_addr(addr_text(a.local, a.peer, a.peer ? 0 : a.prefixlen));
    r.set_prefixlen(a.prefixlen);
    r.set_local(a.local.to_string());
    if (a.peer) r.set_remote(a.peer->to_string());
    r.set_kernel_flags(a.flags);
    if (o) shown.insert(o->aobjname);
    rows.push_back(std::move(r));
  }

  // 2. Known objects not in the kernel: disabled, or down.
  objs.each([&](const AddrObj& o) {
    const std::string& name = o.aobjname;
    if (shown.count(name) || !wanted(name, o.ifname)) return;
    rpc::AddrInfo r = base(name, o.ifname, o.family);
    r.set_managed(true);
    r.set_type(std::string(addrtype_name(o.atype)));
    bool active = o.flags & kActive;
    r.set_state(active ? "down" : "disabled");
    r.set_current("-----");  // illumos: the letters of no flag, disabled too
    r.set_persistent(persistent_flags(rec_of(name)));
    if (active && o.atype == AddrType::Dhcp && o.local.is_zero())
      r.set_addr("?");  // no lease yet
    else if (active)
      r.set_addr(addr_text(o.local, o.remote, o.remote ? 0 : o.prefixlen));
    else
      r.set_addr(stored_text(o.local_text, o.remote_text, o.explicit_prefix ? o.prefixlen : 0));
    r.set_prefixlen(o.prefixlen);
    r.set_local(o.local.to_string());
    if (o.remote) r.set_remote(o.remote->to_string());
    shown.insert(name);
    rows.push_back(std::move(r));
  });

  // 3. Persistent objects unknown to the daemon (not enabled since boot).
  for (const store::AddrRecord* pp : persisted) {
    const store::AddrRecord& p = *pp;
    if (shown.count(p.aobjname) || !wanted(p.aobjname, p.ifname)) continue;
    rpc::AddrInfo r = base(p.aobjname, p.ifname, p.family);
    r.set_managed(true);
    r.set_type(std::string(addrtype_name(p.atype)));
    r.set_state("disabled");
    r.set_current("-----");
    r.set_persistent(persistent_flags(&p));
    r.set_addr(stored_text(p.local, p.remote, p.prefixlen));
    if (p.prefixlen > 0) r.set_prefixlen(p.prefixlen);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace ipadm::core

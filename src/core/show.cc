#include "core/show.h"

#include <linux/if_addr.h>
#include <net/if.h>
#include <sys/socket.h>

#include <set>
#include <unordered_map>
#include <unordered_set>

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

std::string addr_text(std::string local, const std::optional<IpAddr>& peer, int plen) {
  if (peer) return local + "->" + peer->to_string();
  if (plen > 0) local += "/" + std::to_string(plen);
  return local;
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

namespace {

// The map and a list of records (tests; the daemon reads snapshots).
class MapObjects : public AddrObjects {
 public:
  MapObjects(const AddrObjMap& map, const std::vector<store::AddrRecord>& persisted)
      : map_(map), persisted_(persisted) {
    for (auto& r : persisted) by_name_[r.aobjname] = &r;
  }
  const AddrObj* owner(const std::string& ifname, const netlink::Addr& a) override {
    return addr_owner(map_, ifname, a);
  }
  void each(const std::function<void(const AddrObj&)>& fn) override {
    for (auto& [name, o] : map_.addrs()) fn(o);
  }
  const store::AddrRecord* record(const AddrObj& o) override {
    auto it = by_name_.find(o.aobjname);
    return it == by_name_.end() ? nullptr : it->second;
  }
  void each_unknown(const std::function<void(const store::AddrRecord&)>& fn) override {
    for (auto& r : persisted_)
      if (!map_.find_addr(r.aobjname)) fn(r);
  }

 private:
  const AddrObjMap& map_;
  const std::vector<store::AddrRecord>& persisted_;
  std::unordered_map<std::string, const store::AddrRecord*> by_name_;
};

}  // namespace

void AddrObjects::decorate(const AddrObj&, rpc::AddrInfo*) {}

std::vector<rpc::AddrInfo> addr_rows(const KernelView& kv, const AddrObjMap& map,
                                     const std::vector<store::AddrRecord>& persisted,
                                     const AddrFilter& filter) {
  MapObjects objs(map, persisted);
  google::protobuf::RepeatedPtrField<rpc::AddrInfo> rows;
  addr_rows(kv, objs, filter, &rows);
  return {rows.begin(), rows.end()};
}

void addr_rows(const KernelView& kv, AddrObjects& objs, const AddrFilter& filter,
               google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out) {
  auto wanted = [&](const std::string& aobjname, const std::string& ifname) {
    if (!filter.aobjname.empty()) return aobjname == filter.aobjname;
    if (!filter.ifname.empty()) return ifname == filter.ifname;
    return true;
  };
  auto base = [&](const std::string& name, const std::string& ifname, int family) {
    rpc::AddrInfo* r = out->Add();
    r->set_aobjname(name);
    r->set_ifname(ifname);
    r->set_family(family == AF_INET ? 4 : 6);
    return r;
  };
  // Every object is shown once: by its kernel address (1), else as known (2).
  std::unordered_set<const AddrObj*> shown;

  // 1. Kernel addresses, owned or not.
  for (auto& a : kv.addrs) {
    if (!listed_addr(a)) continue;
    const netlink::Link* l = kv.link(a.ifindex);
    std::string ifname = l ? l->ifname : std::to_string(a.ifindex);
    const AddrObj* o = objs.owner(ifname, a);
    if (!wanted(o ? o->aobjname : "", ifname)) continue;
    rpc::AddrInfo* r = base(o ? o->aobjname : ifname + "/?", ifname, a.family);
    r->set_managed(o != nullptr);
    r->set_type(std::string(addrtype_name(o ? o->atype : infer_type(a))));
    r->set_state(kernel_state(a, l));
    r->set_current(current_flags(a, l));
    r->set_persistent(persistent_flags(o ? objs.record(*o) : nullptr));
    std::string local = a.local.to_string();
    r->set_addr(addr_text(local, a.peer, a.peer ? 0 : a.prefixlen));
    r->set_prefixlen(a.prefixlen);
    r->set_local(std::move(local));
    if (a.peer) r->set_remote(a.peer->to_string());
    r->set_kernel_flags(a.flags);
    if (o) {
      shown.insert(o);
      objs.decorate(*o, r);
    }
  }

  // 2. Known objects not in the kernel: disabled, or down.
  objs.each([&](const AddrObj& o) {
    if (shown.count(&o) || !wanted(o.aobjname, o.ifname)) return;
    rpc::AddrInfo* r = base(o.aobjname, o.ifname, o.family);
    r->set_managed(true);
    r->set_type(std::string(addrtype_name(o.atype)));
    bool active = o.flags & kActive;
    r->set_state(active ? "down" : "disabled");
    r->set_current("-----");  // illumos: the letters of no flag, disabled too
    r->set_persistent(persistent_flags(objs.record(o)));
    if (active && o.atype == AddrType::Dhcp && o.local.is_zero())
      r->set_addr("?");  // no lease yet
    else if (active)
      r->set_addr(addr_text(o.local.to_string(), o.remote, o.remote ? 0 : o.prefixlen));
    else
      r->set_addr(stored_text(o.local_text, o.remote_text, o.explicit_prefix ? o.prefixlen : 0));
    r->set_prefixlen(o.prefixlen);
    r->set_local(o.local.to_string());
    if (o.remote) r->set_remote(o.remote->to_string());
    objs.decorate(o, r);
  });

  // 3. Persistent objects unknown to the daemon (not enabled since boot).
  objs.each_unknown([&](const store::AddrRecord& p) {
    if (!wanted(p.aobjname, p.ifname)) return;
    rpc::AddrInfo* r = base(p.aobjname, p.ifname, p.family);
    r->set_managed(true);
    r->set_type(std::string(addrtype_name(p.atype)));
    r->set_state("disabled");
    r->set_current("-----");
    r->set_persistent(persistent_flags(&p));
    r->set_addr(stored_text(p.local, p.remote, p.prefixlen));
    if (p.prefixlen > 0) r->set_prefixlen(p.prefixlen);
  });
}

}  // namespace ipadm::core

// show-if and show-addr: from the read snapshot (core/read_snapshot.h) and
// the view source (core/view_source.h), without the service lock.
#include <algorithm>
#include <linux/if_addr.h>
#include <sys/socket.h>
#include <tuple>

#include "core/service.h"

namespace ipadm::core {

std::shared_ptr<const ReadSnapshot> Service::snapshot_for_read_() {
  if (auto snap = snaps_.load()) return snap;
  {
    // Nothing published yet: the release of the lock publishes everything.
    std::lock_guard lock(mu_);
    touched_.all = true;
  }
  return snaps_.load();
}

Result<KernelView> Service::kernel_for_read_(const std::string& ifname, bool with_addrs) {
  if (KernelViewSource* src = view_source_.load()) return src->kernel_view(ifname, with_addrs);
  std::lock_guard lock(mu_);
  return KernelView::read(kernel_);
}

Result<rpc::ShowIfReply> Service::show_if(const rpc::ShowIfReq& req) {
  // The kernel first: an object created meanwhile shows down for a moment
  // rather than its address unnamed.
  auto kv = kernel_for_read_(req.ifname(), false);
  IPADM_TRY(kv);
  auto snap = snapshot_for_read_();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  rpc::ShowIfReply reply;
  for (auto& row : if_rows(*kv, snap->ifs, snap->pifs, req.ifname(), snap->l3protected))
    *reply.add_ifs() = std::move(row);
  if (!req.ifname().empty() && reply.ifs_size() == 0) return Status(Errc::Enxio, req.ifname());
  return reply;
}

Result<rpc::ShowAddrReply> Service::show_addr(const rpc::ShowAddrReq& req) {
  // One object, or one interface: the addresses of its link are enough.
  std::string ifname = req.ifname();
  if (!req.aobjname().empty()) ifname = ifname_of_aobj(req.aobjname());
  auto kv = kernel_for_read_(ifname, true);
  IPADM_TRY(kv);
  auto snap = snapshot_for_read_();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  return show_addr_from_(*snap, *kv, req);
}

Result<rpc::ShowAddrReply> Service::show_addr_locked_(const rpc::ShowAddrReq& req) {
  publish_locked_();  // what this locked section changed so far
  auto kv = view_source_.load() ? view_source_.load()->kernel_view("", true)
                                : KernelView::read(kernel_);
  IPADM_TRY(kv);
  auto snap = snaps_.load();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  return show_addr_from_(*snap, *kv, req);
}

namespace {

// The owner of a kernel address among a shard's objects: addr_owner's rule
// (core/addr_owner.h) over the shard, with its index built once per read.
class ShardOwners {
 public:
  explicit ShardOwners(const AddrShard* sh) {
    if (!sh) return;
    for (const auto& e : sh->entries) {
      if (!e->obj || !(e->obj->flags & kActive)) continue;
      const AddrObj& o = *e->obj;
      if (o.family != 0) by_kernel_.emplace_back(Key{o.local, o.prefixlen}, &o);
      if (o.atype == AddrType::Addrconf && !addrconf_) addrconf_ = &o;
    }
    std::sort(by_kernel_.begin(), by_kernel_.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
  }
  const AddrObj* owner(const netlink::Addr& a) const {
    Key k{a.local, a.prefixlen};
    auto it = std::lower_bound(by_kernel_.begin(), by_kernel_.end(), k,
                               [](const auto& x, const Key& y) { return x.first < y; });
    if (it != by_kernel_.end() && it->first == k) return it->second;
    // An active addrconf object owns the addresses the kernel derived.
    if (a.family == AF_INET6 && !(a.flags & IFA_F_PERMANENT)) return addrconf_;
    return nullptr;
  }

 private:
  using Key = std::tuple<IpAddr, int>;
  std::vector<std::pair<Key, const AddrObj*>> by_kernel_;
  const AddrObj* addrconf_ = nullptr;
};

}  // namespace

Result<rpc::ShowAddrReply> Service::show_addr_from_(const ReadSnapshot& snap, const KernelView& kv,
                                                    const rpc::ShowAddrReq& req) {
  AddrFilter f{req.aobjname(), req.ifname()};
  // The shards the request can see.
  std::vector<const AddrShard*> shards;
  if (!f.aobjname.empty()) {
    const AddrShard* sh = snap.shard(ifname_of_aobj(f.aobjname));
    // A user-typed name: valid, or a generated one the daemon knows (IF/_a).
    if (!parse_aobjname(f.aobjname) && !(sh && sh->find(f.aobjname)))
      return Status(Errc::InvalidArg, "invalid address object name");
    if (sh) shards.push_back(sh);
  } else if (!f.ifname.empty()) {
    if (const AddrShard* sh = snap.shard(f.ifname)) shards.push_back(sh);
  } else {
    for (const auto& [name, sh] : snap.shards) shards.push_back(sh.get());
  }

  std::map<std::string, ShardOwners> owners;  // by ifname, built on first use
  AddrObjSource src;
  src.owner = [&](const std::string& ifname, const netlink::Addr& a) -> const AddrObj* {
    auto it = owners.find(ifname);
    if (it == owners.end()) it = owners.emplace(ifname, ShardOwners(snap.shard(ifname))).first;
    return it->second.owner(a);
  };
  src.each = [&](const std::function<void(const AddrObj&)>& fn) {
    for (const AddrShard* sh : shards)
      for (const auto& e : sh->entries)
        if (e->obj) fn(*e->obj);
  };
  std::vector<std::pair<uint64_t, const store::AddrRecord*>> ordered;
  for (const AddrShard* sh : shards)
    for (const auto& e : sh->entries)
      if (e->rec && (f.aobjname.empty() || e->aobjname == f.aobjname))
        ordered.emplace_back(e->order, &*e->rec);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<const store::AddrRecord*> persisted;
  persisted.reserve(ordered.size());
  for (auto& [order, r] : ordered) persisted.push_back(r);

  rpc::ShowAddrReply reply;
  for (auto& row : addr_rows(kv, src, persisted, f)) {
    if (row.managed()) {
      const AddrShard* sh = snap.shard(ifname_of_aobj(row.aobjname()));
      const AddrEntry* e = sh ? sh->find(row.aobjname()) : nullptr;
      const AddrPropFlags pf = e ? e->pflags : AddrPropFlags{};
      // The 'p' (private) and 'd' (deprecated) letters come from properties.
      std::string cur = row.current(), per = row.persistent();
      if (pf.private_now && cur.size() == 5) cur[2] = 'p';
      if (per.size() == 3 && row.persistent() != "---") {
        if (pf.private_persistent) per[1] = 'p';
        if (pf.deprecated_persistent) per[2] = 'd';
      }
      row.set_current(cur);
      row.set_persistent(per);
      // IPv4 DAD (service_dad4.cc): probing, or out of the kernel.
      if (e && !e->dad4.empty()) row.set_state(e->dad4);
    }
    *reply.add_addrs() = std::move(row);
  }
  if (!f.aobjname.empty() && reply.addrs_size() == 0) return Status(Errc::NotFound);
  if (!f.ifname.empty() && reply.addrs_size() == 0 && !kv.link(f.ifname) &&
      !snap.ifs.count(f.ifname))
    return Status(Errc::Enxio, f.ifname);
  return reply;
}

}  // namespace ipadm::core

// show-if and show-addr: from the read snapshot (core/read_snapshot.h) and
// the view source (core/view_source.h), without the service lock.
#include <algorithm>
#include <linux/if_addr.h>
#include <sys/socket.h>
#include <tuple>
#include <unordered_map>

#include "core/service.h"

namespace ipadm::core {

std::shared_ptr<const ReadSnapshot> Service::snapshot_for_read_() {
  if (auto snap = snaps_.load()) return snap;
  publish();  // nothing published yet
  return snaps_.load();
}

Result<KernelView> Service::kernel_for_read_(const std::string& ifname, bool with_addrs,
                                             bool locked) {
  if (KernelViewSource* src = view_source_.load()) return src->kernel_view(ifname, with_addrs);
  if (locked) return KernelView::read(kernel_);
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
  if (!publishing_.exchange(true)) touched_.all = true;
  publish_locked_();  // what this locked section changed so far
  auto kv = kernel_for_read_("", true, true);
  IPADM_TRY(kv);
  auto snap = snaps_.load();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  return show_addr_from_(*snap, *kv, req);
}

namespace {

// A read snapshot's objects, as addr_rows reads them: the shards the request
// can see (`shards`), and any shard for the owner of a kernel address. Each
// shard's owner index is built on first use, once per read.
class SnapshotObjects : public AddrObjects {
 public:
  SnapshotObjects(const ReadSnapshot& snap, std::vector<const AddrShard*> shards,
                  std::string only)
      : snap_(snap), shards_(std::move(shards)), only_(std::move(only)) {}

  const AddrObj* owner(const std::string& ifname, const netlink::Addr& a) override {
    Owners& ow = owners_of(ifname);
    Key k{a.local, a.prefixlen};
    auto it = std::lower_bound(ow.by_kernel.begin(), ow.by_kernel.end(), k,
                               [](const auto& x, const Key& y) { return x.first < y; });
    if (it != ow.by_kernel.end() && it->first == k) return &*it->second->obj;
    // An active addrconf object owns the addresses the kernel derived.
    if (a.family == AF_INET6 && !(a.flags & IFA_F_PERMANENT) && ow.addrconf)
      return &*ow.addrconf->obj;
    return nullptr;
  }
  void each(const std::function<void(const AddrObj&)>& fn) override {
    for (const AddrShard* sh : shards_)
      sh->for_each([&](const AddrShard::EntryPtr& e) {
        if (!e->obj || !wanted(*e)) return;
        entry_of_[&*e->obj] = e.get();
        fn(*e->obj);
      });
  }
  const store::AddrRecord* record(const AddrObj& o) override {
    const AddrEntry* e = entry_of_.at(&o);
    return e->rec ? &*e->rec : nullptr;
  }
  void each_unknown(const std::function<void(const store::AddrRecord&)>& fn) override {
    std::vector<const AddrEntry*> recs;  // in store order
    for (const AddrShard* sh : shards_)
      sh->for_each([&](const AddrShard::EntryPtr& e) {
        if (e->rec && !e->obj && wanted(*e)) recs.push_back(e.get());
      });
    std::sort(recs.begin(), recs.end(),
              [](const AddrEntry* x, const AddrEntry* y) { return x->order < y->order; });
    for (const AddrEntry* e : recs) fn(*e->rec);
  }
  void decorate(const AddrObj& o, rpc::AddrInfo* row) override {
    const AddrEntry& e = *entry_of_.at(&o);
    // The 'p' (private) and 'd' (deprecated) letters come from properties.
    std::string* cur = row->mutable_current();
    std::string* per = row->mutable_persistent();
    if (e.pflags.private_now && cur->size() == 5) (*cur)[2] = 'p';
    if (per->size() == 3 && *per != "---") {
      if (e.pflags.private_persistent) (*per)[1] = 'p';
      if (e.pflags.deprecated_persistent) (*per)[2] = 'd';
    }
    // IPv4 DAD (service_dad4.cc): probing, or out of the kernel.
    if (!e.dad4.empty()) row->set_state(e.dad4);
  }

 private:
  using Key = std::tuple<IpAddr, int>;
  struct Owners {
    std::vector<std::pair<Key, const AddrEntry*>> by_kernel;  // active objects, sorted
    const AddrEntry* addrconf = nullptr;                      // the active addrconf object
  };
  bool wanted(const AddrEntry& e) const { return only_.empty() || e.aobjname == only_; }
  Owners& owners_of(const std::string& ifname) {
    auto it = owners_.find(ifname);
    if (it != owners_.end()) return it->second;
    Owners& ow = owners_[ifname];
    if (const AddrShard* sh = snap_.shard(ifname)) {
      sh->for_each([&](const AddrShard::EntryPtr& e) {
        if (!e->obj || !(e->obj->flags & kActive)) return;
        const AddrObj& o = *e->obj;
        entry_of_[&o] = e.get();
        if (o.family != 0) ow.by_kernel.emplace_back(Key{o.local, o.prefixlen}, e.get());
        if (o.atype == AddrType::Addrconf && !ow.addrconf) ow.addrconf = e.get();
      });
      std::sort(ow.by_kernel.begin(), ow.by_kernel.end(),
                [](const auto& x, const auto& y) { return x.first < y.first; });
    }
    return ow;
  }

  const ReadSnapshot& snap_;
  std::vector<const AddrShard*> shards_;
  std::string only_;  // one object's name, or "" for every object of shards_
  std::map<std::string, Owners> owners_;
  std::unordered_map<const AddrObj*, const AddrEntry*> entry_of_;
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
  SnapshotObjects objs(snap, std::move(shards), f.aobjname);
  rpc::ShowAddrReply reply;
  addr_rows(kv, objs, f, reply.mutable_addrs());
  if (!f.aobjname.empty() && reply.addrs_size() == 0) return Status(Errc::NotFound);
  if (!f.ifname.empty() && reply.addrs_size() == 0 && !kv.link(f.ifname) &&
      !snap.ifs.count(f.ifname))
    return Status(Errc::Enxio, f.ifname);
  return reply;
}

}  // namespace ipadm::core

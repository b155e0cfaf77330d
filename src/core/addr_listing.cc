#include "core/addr_listing.h"

#include <linux/if_addr.h>
#include <sys/socket.h>

#include <algorithm>

namespace ipadm::core {

SnapshotObjects::SnapshotObjects(const ReadSnapshot& snap, std::vector<const AddrShard*> shards,
                                 std::string only)
    : snap_(snap), shards_(std::move(shards)), only_(std::move(only)) {}

const AddrObj* SnapshotObjects::owner(const std::string& ifname, const netlink::Addr& a) {
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

std::vector<const AddrObj*> SnapshotObjects::objects() {
  std::vector<const AddrObj*> v;
  for (const AddrShard* sh : shards_)
    sh->for_each([&](const AddrShard::EntryPtr& e) {
      if (!e->obj || !wanted(*e)) return;
      entry_of_[&*e->obj] = e.get();
      v.push_back(&*e->obj);
    });
  return v;
}

const store::AddrRecord* SnapshotObjects::record(const AddrObj& o) {
  const AddrEntry* e = entry_of_.at(&o);
  return e->rec ? &*e->rec : nullptr;
}

std::vector<const store::AddrRecord*> SnapshotObjects::unknown() {
  std::vector<const AddrEntry*> recs;
  for (const AddrShard* sh : shards_)
    sh->for_each([&](const AddrShard::EntryPtr& e) {
      if (e->rec && !e->obj && wanted(*e)) recs.push_back(e.get());
    });
  std::sort(recs.begin(), recs.end(),
            [](const AddrEntry* x, const AddrEntry* y) { return x->order < y->order; });
  std::vector<const store::AddrRecord*> v;
  v.reserve(recs.size());
  for (const AddrEntry* e : recs) v.push_back(&*e->rec);
  return v;
}

void SnapshotObjects::decorate(const AddrObj& o, rpc::AddrInfo* row) {
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

size_t SnapshotObjects::entries() const {
  size_t n = 0;
  for (const AddrShard* sh : shards_) n += sh->size();
  return n;
}

SnapshotObjects::Owners& SnapshotObjects::owners_of(const std::string& ifname) {
  auto it = owners_.find(ifname);
  if (it != owners_.end()) return it->second;
  Owners& ow = owners_[ifname];
  if (const AddrShard* sh = snap_.shard(ifname)) {
    ow.by_kernel.reserve(sh->size());
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

AddrListing::AddrListing(std::shared_ptr<const ReadSnapshot> snap, KernelView kv,
                         AddrFilter filter, std::vector<const AddrShard*> shards)
    : snap_(std::move(snap)),
      kv_(std::move(kv)),
      objs_(*snap_, std::move(shards), filter.aobjname),
      cursor_(kv_, objs_, std::move(filter)) {}

size_t AddrListing::held_bytes() const {
  // An object's index entries (owner, entry, shown, listed: about 100
  // bytes); a kernel address, and its share of them.
  return sizeof(*this) + 100 * objs_.entries() +
         (sizeof(netlink::Addr) + 16) * kv_.addrs().size();
}

}  // namespace ipadm::core

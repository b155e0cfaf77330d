// Publishing the read snapshot (core/read_snapshot.h) at each release of the
// service lock: only what changed is read again -- the interface part when
// interfaces changed, and per changed address object its entry -- and the
// rest of the new snapshot shares the old one's entries.
#include <algorithm>

#include "core/service.h"

namespace ipadm::core {

namespace {
// An interface whose changed objects are more than this share of its
// entries is read whole (one store query instead of one per object).
bool read_whole(size_t changed, size_t entries) { return changed * 4 > entries + 16; }
}  // namespace

void Service::publish_locked_() {
  Touched t = std::exchange(touched_, Touched{});
  t.merge(map_.take_touched());
  t.merge(tracked_.take_touched());
  if (!publishing_) return;  // publish() reads everything
  auto cur = snaps_.load();
  if (cur && t.empty()) return;
  if (!cur) t.all = true;
  auto next = cur && !t.all ? std::make_shared<ReadSnapshot>(*cur) : std::make_shared<ReadSnapshot>();
  auto failed = [&] {
    // What could not be read is read at the next release; readers keep the
    // current snapshot meanwhile.
    touched_.all = true;
  };
  if (t.all || t.ifs) {
    next->ifs = map_.ifs();
    auto pifs = store_.interfaces();
    if (!pifs) return failed();
    next->pifs = std::move(*pifs);
    next->l3protected.clear();
    for (const auto& [name, d] : delegated_) next->l3protected.insert(name);
  }
  // The interfaces to read whole, and the objects to read by interface.
  std::set<std::string> whole = std::move(t.whole);
  std::map<std::string, std::set<std::string>> objs;
  std::map<std::string, uint64_t> order;  // all: every record's place, afresh
  if (t.all) {
    for (const auto& [name, o] : map_.addrs()) whole.insert(o.ifname);
    auto recs = store_.addrs("");
    if (!recs) return failed();
    store_order_next_ = 0;
    for (const auto& r : *recs) {
      whole.insert(r.ifname);
      order[r.aobjname] = store_order_next_++;
    }
  } else {
    for (auto& n : t.aobjnames) objs[ifname_of_aobj(n)].insert(n);
  }
  for (const auto& [ifname, names] : objs) {
    if (whole.count(ifname)) continue;
    const AddrShard* old = next->shard(ifname);
    if (!old || read_whole(names.size(), old->entries.size())) {
      whole.insert(ifname);
      continue;
    }
    auto shard = std::make_shared<AddrShard>(*old);  // pointers only
    auto& es = shard->entries;
    for (const std::string& name : names) {
      auto at = std::lower_bound(es.begin(), es.end(), name,
                                 [](const auto& e, const std::string& n) { return e->aobjname < n; });
      const bool found = at != es.end() && (*at)->aobjname == name;
      auto e = entry_locked_(name, found ? at->get() : nullptr);
      if (!e) return failed();
      if (!*e) {
        if (found) es.erase(at);
      } else if (found) {
        *at = std::move(*e);
      } else {
        es.insert(at, std::move(*e));
      }
    }
    if (es.empty()) next->shards.erase(ifname);
    else next->shards[ifname] = std::move(shard);
  }
  for (const std::string& ifname : whole) {
    auto shard = build_shard_locked_(ifname, cur && !t.all ? cur->shard(ifname) : nullptr,
                                     t.all ? &order : nullptr);
    if (!shard) return failed();
    if (*shard) next->shards[ifname] = std::move(*shard);
    else next->shards.erase(ifname);
  }
  snaps_.publish(std::move(next));
}

// The entry of aobjname now (nullptr: neither object nor record); old: its
// entry in the current snapshot, whose place in store order a record keeps.
Result<std::shared_ptr<const AddrEntry>> Service::entry_locked_(const std::string& aobjname,
                                                               const AddrEntry* old) {
  auto e = std::make_shared<AddrEntry>();
  e->aobjname = aobjname;
  if (const AddrObj* o = map_.find_addr(aobjname)) e->obj = *o;
  auto rec = store_.addr(aobjname);
  IPADM_TRY(rec);
  e->rec = std::move(*rec);
  if (!e->obj && !e->rec) return std::shared_ptr<const AddrEntry>();
  // A record put in place keeps its place; a new one comes last.
  e->order = old && old->rec && e->rec ? old->order : store_order_next_++;
  if (e->obj) {
    e->pflags = props_.addr_prop_flags(aobjname);
    if (const char* st = dad4_state_locked_(aobjname)) e->dad4 = st;
  }
  return std::shared_ptr<const AddrEntry>(std::move(e));
}

// Every object of ifname (nullptr: none); old: its shard in the current
// snapshot, whose records keep their places in store order; order (when
// everything is read again): every record's place.
Result<std::shared_ptr<const AddrShard>> Service::build_shard_locked_(
    const std::string& ifname, const AddrShard* old, const std::map<std::string, uint64_t>* order) {
  std::map<std::string, std::shared_ptr<AddrEntry>> by_name;
  auto entry = [&](const std::string& name) -> AddrEntry& {
    auto& e = by_name[name];
    if (!e) {
      e = std::make_shared<AddrEntry>();
      e->aobjname = name;
    }
    return *e;
  };
  for (const AddrObj* o : map_.addrs_of(ifname)) entry(o->aobjname).obj = *o;
  auto recs = store_.addrs(ifname);  // in store order
  IPADM_TRY(recs);
  std::vector<AddrEntry*> fresh;  // records without a place yet, in store order
  for (auto& r : *recs) {
    AddrEntry& e = entry(r.aobjname);
    const AddrEntry* was = old ? old->find(r.aobjname) : nullptr;
    auto given = order ? order->find(r.aobjname) : std::map<std::string, uint64_t>::const_iterator();
    if (order && given != order->end()) e.order = given->second;
    else if (was && was->rec) e.order = was->order;
    else fresh.push_back(&e);
    e.rec = std::move(r);
  }
  for (AddrEntry* e : fresh) e->order = store_order_next_++;
  if (by_name.empty()) return std::shared_ptr<const AddrShard>();
  {
    // One read of the props table for a large interface, not one per object.
    std::optional<PropService::PrefetchScope> prefetch;
    if (by_name.size() > 16) prefetch.emplace(props_);
    for (auto& [name, e] : by_name) {
      if (!e->obj) continue;
      e->pflags = props_.addr_prop_flags(name);
      if (const char* st = dad4_state_locked_(name)) e->dad4 = st;
    }
  }
  auto shard = std::make_shared<AddrShard>();
  shard->entries.reserve(by_name.size());
  for (auto& [name, e] : by_name) shard->entries.push_back(std::move(e));
  return std::shared_ptr<const AddrShard>(std::move(shard));
}

}  // namespace ipadm::core

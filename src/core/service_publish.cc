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
  Touched st = tracked_.take_touched();  // the store's part: records may have changed
  Touched t = std::exchange(touched_, Touched{});
  t.merge(map_.take_touched());
  std::set<std::string> store_ifs = st.whole;  // interfaces whose records may have changed
  for (const auto& n : st.aobjnames) store_ifs.insert(ifname_of_aobj(n));
  const bool store_all = st.all;
  t.merge(std::move(st));
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
  // The interfaces to read whole (with their records, in store order), and
  // the objects to read by interface.
  std::map<std::string, std::optional<OrderedRecords>> whole;
  for (const auto& ifname : t.whole) whole[ifname];
  std::map<std::string, std::set<std::string>> objs;
  if (t.all) {
    // Everything, in one read of the store: every record's place afresh.
    for (const auto& [name, o] : map_.addrs())
      if (auto& list = whole[o.ifname]; !list) list.emplace();
    auto recs = store_.addrs("");
    if (!recs) return failed();
    store_order_next_ = 0;
    for (auto& r : *recs) {
      auto& list = whole[r.ifname];
      if (!list) list.emplace();
      list->emplace_back(std::make_shared<const store::AddrRecord>(std::move(r)),
                         store_order_next_++);
    }
  } else {
    for (auto& n : t.aobjnames) objs[ifname_of_aobj(n)].insert(n);
  }
  for (const auto& [ifname, names] : objs) {
    if (whole.count(ifname)) continue;
    const AddrShard* old = next->shard(ifname);
    if (!old || read_whole(names.size(), old->size())) {
      whole[ifname];
      continue;
    }
    auto shard = std::make_shared<AddrShard>(*old);  // chunk pointers only
    for (const std::string& name : names) {
      auto e = entry_locked_(name, old->find(name));
      if (!e) return failed();
      shard->put(name, std::move(*e));
    }
    if (shard->empty()) next->shards.erase(ifname);
    else next->shards[ifname] = std::move(shard);
  }
  for (auto& [ifname, recs] : whole) {
    const AddrShard* old = cur && !t.all ? cur->shard(ifname) : nullptr;
    if (!recs) {
      // Only the map changed (enable-if, a hotplug, a link gone): the
      // records are the current snapshot's; else they are read again.
      auto r = old && !store_all && !store_ifs.count(ifname) ? records_of(*old)
                                                              : records_locked_(ifname, old);
      if (!r) return failed();
      recs = std::move(*r);
    }
    auto shard = build_shard_locked_(ifname, std::move(*recs));
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
  if (*rec) e->rec = std::make_shared<const store::AddrRecord>(std::move(**rec));
  if (!e->obj && !e->rec) return std::shared_ptr<const AddrEntry>();
  // A record put in place keeps its place; a new one comes last.
  e->order = old && old->rec && e->rec ? old->order : store_order_next_++;
  if (e->obj) {
    e->pflags = props_.addr_prop_flags(aobjname);
    if (const char* st = dad4_state_locked_(aobjname)) e->dad4 = st;
  }
  return std::shared_ptr<const AddrEntry>(std::move(e));
}

// The records of a shard, with their places.
Service::OrderedRecords Service::records_of(const AddrShard& shard) {
  OrderedRecords out;
  shard.for_each([&](const AddrShard::EntryPtr& e) {
    if (e->rec) out.emplace_back(e->rec, e->order);
  });
  return out;
}

// The store's records of ifname; old (the current snapshot's shard): a
// record it has keeps its place, a new one comes last.
Result<Service::OrderedRecords> Service::records_locked_(const std::string& ifname,
                                                        const AddrShard* old) {
  auto recs = store_.addrs(ifname);  // in store order
  IPADM_TRY(recs);
  OrderedRecords out;
  out.reserve(recs->size());
  for (auto& r : *recs) {
    const AddrEntry* was = old ? old->find(r.aobjname) : nullptr;
    const uint64_t order = was && was->rec ? was->order : store_order_next_++;
    out.emplace_back(std::make_shared<const store::AddrRecord>(std::move(r)), order);
  }
  return out;
}

// Every object of ifname with its record from recs (nullptr: none).
Result<std::shared_ptr<const AddrShard>> Service::build_shard_locked_(const std::string& ifname,
                                                                     OrderedRecords recs) {
  // Objects (the map iterates by name) merged with the records by name.
  std::vector<const AddrObj*> objs = map_.addrs_of(ifname);
  auto by_name = [](const auto& x, const auto& y) { return x.first->aobjname < y.first->aobjname; };
  if (!std::is_sorted(recs.begin(), recs.end(), by_name))  // a snapshot's are already
    std::sort(recs.begin(), recs.end(), by_name);
  std::vector<std::shared_ptr<AddrEntry>> entries;
  entries.reserve(std::max(objs.size(), recs.size()));
  size_t i = 0, j = 0;
  while (i < objs.size() || j < recs.size()) {
    auto e = std::make_shared<AddrEntry>();
    const bool take_obj =
        i < objs.size() && (j == recs.size() || objs[i]->aobjname <= recs[j].first->aobjname);
    const bool take_rec =
        j < recs.size() && (i == objs.size() || recs[j].first->aobjname <= objs[i]->aobjname);
    if (take_obj) e->obj = *objs[i++];
    if (take_rec) {
      e->rec = std::move(recs[j].first);
      e->order = recs[j++].second;
    }
    e->aobjname = e->obj ? e->obj->aobjname : e->rec->aobjname;
    entries.push_back(std::move(e));
  }
  if (entries.empty()) return std::shared_ptr<const AddrShard>();
  {
    // One read of the props table for a large interface, not one per object.
    std::optional<PropService::PrefetchScope> prefetch;
    if (entries.size() > 16) prefetch.emplace(props_);
    const bool no_props = props_.no_addr_props();
    for (auto& e : entries) {
      if (!e->obj) continue;
      if (!no_props) e->pflags = props_.addr_prop_flags(e->aobjname);
      if (const char* st = dad4_state_locked_(e->aobjname)) e->dad4 = st;
    }
  }
  return std::make_shared<const AddrShard>(
      AddrShard::of(std::vector<AddrShard::EntryPtr>(entries.begin(), entries.end())));
}

}  // namespace ipadm::core

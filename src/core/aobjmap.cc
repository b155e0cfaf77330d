#include "core/aobjmap.h"

namespace ipadm::core {

Status AddrObjMap::load() {
  ifs_.clear();
  addrs_.clear();
  by_kernel_.clear();
  touched_.all = true;
  if (!mirror_) return Status::ok();
  auto st = mirror_->load();
  IPADM_TRY(st);
  loaded_values_ = std::move(st->values);
  loaded_routes_ = std::move(st->temp_routes);
  for (auto& i : st->ifs) ifs_[i.ifname] = i;
  for (auto& a : st->addrs) {
    addrs_[a.aobjname] = a;
    index_insert_(a);
  }
  return Status::ok();
}

const IfObj* AddrObjMap::find_if(const std::string& ifname) const {
  auto it = ifs_.find(ifname);
  return it == ifs_.end() ? nullptr : &it->second;
}

const AddrObj* AddrObjMap::find_addr(const std::string& aobjname) const {
  auto it = addrs_.find(aobjname);
  return it == addrs_.end() ? nullptr : &it->second;
}

const AddrObj* AddrObjMap::find_by_kernel(const std::string& ifname, const IpAddr& local,
                                          int prefixlen) const {
  auto it = by_kernel_.find({ifname, local, prefixlen});
  return it == by_kernel_.end() ? nullptr : find_addr(it->second);
}

std::vector<const AddrObj*> AddrObjMap::addrs_of(const std::string& ifname) const {
  std::vector<const AddrObj*> out;
  for (auto& [name, a] : addrs_)
    if (a.ifname == ifname) out.push_back(&a);
  return out;
}

Status AddrObjMap::put_if(const IfObj& o) {
  if (mirror_) IPADM_TRY(mirror_->put_if(o));
  ifs_[o.ifname] = o;
  touched_.ifs = true;
  return Status::ok();
}

Status AddrObjMap::erase_if(const std::string& ifname) {
  if (mirror_) IPADM_TRY(mirror_->del_if(ifname));
  ifs_.erase(ifname);
  touched_.ifs = true;
  touched_.whole.insert(ifname);
  for (auto it = addrs_.begin(); it != addrs_.end();) {
    if (it->second.ifname == ifname) {
      index_erase_(it->second);
      it = addrs_.erase(it);
    } else {
      ++it;
    }
  }
  return Status::ok();
}

Status AddrObjMap::put_addr(const AddrObj& o) {
  if (mirror_) IPADM_TRY(mirror_->put_addr(o));
  auto it = addrs_.find(o.aobjname);
  if (it != addrs_.end()) index_erase_(it->second);
  addrs_[o.aobjname] = o;
  index_insert_(o);
  return Status::ok();
}

Status AddrObjMap::put_addrs(const std::vector<AddrObj>& objs) {
  IPADM_TRY(mirror_addrs(objs));
  commit_addrs(objs);
  return Status::ok();
}

Status AddrObjMap::mirror_addrs(const std::vector<AddrObj>& objs) {
  return mirror_ ? mirror_->put_addrs(objs) : Status::ok();
}

void AddrObjMap::commit_addrs(const std::vector<AddrObj>& objs,
                              std::vector<std::optional<AddrObj>>* replaced) {
  if (replaced) replaced->assign(objs.size(), std::nullopt);
  // A bulk commit (enable-if, restore) notes its interfaces whole, not
  // thousands of names.
  const bool bulk = objs.size() > kBulk;
  if (bulk)
    for (const AddrObj& o : objs) touched_.whole.insert(o.ifname);
  bulk_ = bulk;
  for (size_t i = 0; i < objs.size(); ++i) {  // one search per object (boot restore: thousands)
    const AddrObj& o = objs[i];
    auto it = addrs_.lower_bound(o.aobjname);
    if (it != addrs_.end() && it->first == o.aobjname) {
      index_erase_(it->second);
      if (replaced) (*replaced)[i] = std::move(it->second);
      it->second = o;
    } else {
      it = addrs_.emplace_hint(it, o.aobjname, o);
    }
    index_insert_(it->second);
  }
  bulk_ = false;
}

void AddrObjMap::rollback_addrs(const std::vector<AddrObj>& objs,
                                const std::vector<std::optional<AddrObj>>& replaced) {
  for (size_t i = objs.size(); i-- > 0;) {
    auto it = addrs_.find(objs[i].aobjname);
    if (it != addrs_.end()) {
      index_erase_(it->second);
      addrs_.erase(it);
    }
    if (i < replaced.size() && replaced[i]) {
      const AddrObj& old = *replaced[i];
      addrs_[old.aobjname] = old;
      index_insert_(old);
    }
  }
}

Status AddrObjMap::unmirror_addrs(const std::vector<AddrObj>& objs) {
  if (!mirror_) return Status::ok();
  std::vector<AddrObj> known;
  Status first = Status::ok();
  for (auto& o : objs) {
    if (const AddrObj* m = find_addr(o.aobjname)) known.push_back(*m);
    else if (Status s = mirror_->del_addr(o.aobjname); !s && first) first = s;
  }
  if (Status s = mirror_->put_addrs(known); !s && first) first = s;
  return first;
}

Status AddrObjMap::erase_addr(const std::string& aobjname) {
  auto it = addrs_.find(aobjname);
  if (it == addrs_.end()) return Status::ok();
  if (mirror_) IPADM_TRY(mirror_->del_addr(aobjname));
  index_erase_(it->second);
  addrs_.erase(it);
  return Status::ok();
}

void AddrObjMap::index_insert_(const AddrObj& o) {
  // Every change of an object passes here (after load(), "all" says it).
  if (!touched_.all && !bulk_) touched_.aobjnames.insert(o.aobjname);
  if (o.family != 0) by_kernel_[key_of(o)] = o.aobjname;
}

void AddrObjMap::index_erase_(const AddrObj& o) {
  if (!touched_.all && !bulk_) touched_.aobjnames.insert(o.aobjname);
  auto it = by_kernel_.find(key_of(o));
  if (it != by_kernel_.end() && it->second == o.aobjname) by_kernel_.erase(it);
}

}  // namespace ipadm::core

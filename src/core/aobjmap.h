// AddrObjMap: the daemon's map of live objects -- interfaces it plumbed and
// address objects it owns -- written through to the volatile mirror so that a
// restarted daemon (even after SIGKILL) knows them without touching the
// kernel (the illumos aobjmap, spec 3.2 and 6.7).
//
// Contract: every mutating call updates the mirror first and the memory only
// if the mirror accepted it, so memory never holds what the mirror lacks.
// Not thread-safe: core::Service owns it under its lock.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/objects.h"
#include "common/status.h"
#include "core/touched.h"
#include "store/volatile_store.h"

namespace ipadm::core {

class AddrObjMap {
 public:
  // mirror may be nullptr (pure in-memory map, for tests).
  explicit AddrObjMap(store::VolatileStore* mirror) : mirror_(mirror) {}

  // Replaces the memory contents with the mirror's (daemon start-up).
  Status load();

  const IfObj* find_if(const std::string& ifname) const;
  const AddrObj* find_addr(const std::string& aobjname) const;
  // The object owning kernel address (ifname, local, prefixlen), if any.
  const AddrObj* find_by_kernel(const std::string& ifname, const IpAddr& local,
                                int prefixlen) const;
  std::vector<const AddrObj*> addrs_of(const std::string& ifname) const;
  const std::map<std::string, IfObj>& ifs() const { return ifs_; }
  const std::map<std::string, AddrObj>& addrs() const { return addrs_; }
  // The mirror (nullptr if none) and the temporary property values it held
  // at load(), for PropService.
  store::VolatileStore* mirror() const { return mirror_; }
  const std::map<std::string, std::string>& loaded_values() const { return loaded_values_; }
  // The temporary routes the mirror held at load(), for the Service.
  const std::vector<store::RouteRecord>& loaded_routes() const { return loaded_routes_; }

  Status put_if(const IfObj& o);
  Status erase_if(const std::string& ifname);  // and all its address objects
  Status put_addr(const AddrObj& o);           // insert or replace by aobjname
  Status put_addrs(const std::vector<AddrObj>& objs);
  Status erase_addr(const std::string& aobjname);

  // put_addrs in two steps, so that the mirror can be written on another
  // thread while the caller does other work (enable-if, boot restore).
  // mirror_addrs writes only the mirror rows (one transaction); it touches
  // no member but the mirror, so it may run while the caller does anything
  // that does not use this map. commit_addrs then puts the same objects in
  // memory; unmirror_addrs instead gives up: it puts their mirror rows back
  // to what memory holds (rewritten, or deleted when memory has none).
  // commit_addrs may run on another thread too, once mirror_addrs
  // succeeded, if nothing else uses the map meanwhile; `replaced` (optional)
  // receives what each object replaced in memory (nullopt: nothing), so
  // that rollback_addrs can put memory back as it was.
  Status mirror_addrs(const std::vector<AddrObj>& objs);
  void commit_addrs(const std::vector<AddrObj>& objs,
                    std::vector<std::optional<AddrObj>>* replaced = nullptr);
  void rollback_addrs(const std::vector<AddrObj>& objs,
                      const std::vector<std::optional<AddrObj>>& replaced);
  Status unmirror_addrs(const std::vector<AddrObj>& objs);

  // What changed in memory since the last call (core/touched.h): objects
  // put or erased, interfaces erased whole, interface objects, "all" after
  // load(). Cleared by the call. For the read snapshots.
  Touched take_touched() { return std::exchange(touched_, Touched{}); }

 private:
  using KernelKey = std::tuple<std::string, IpAddr, int>;
  static KernelKey key_of(const AddrObj& o) { return {o.ifname, o.local, o.prefixlen}; }
  void index_insert_(const AddrObj& o);
  void index_erase_(const AddrObj& o);

  store::VolatileStore* mirror_;
  std::map<std::string, IfObj> ifs_;
  std::map<std::string, AddrObj> addrs_;
  std::map<KernelKey, std::string> by_kernel_;
  std::map<std::string, std::string> loaded_values_;
  Touched touched_;
  static constexpr size_t kBulk = 64;  // commit_addrs notes interfaces past this
  bool bulk_ = false;                  // in a bulk commit_addrs
  std::vector<store::RouteRecord> loaded_routes_;
};

}  // namespace ipadm::core

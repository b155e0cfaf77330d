// TrackingStore: a Store that forwards every call to another and notes what
// each successful apply() changed (core/touched.h), for the read snapshots
// (core/read_snapshot.h): address objects whose records or properties
// changed, interfaces deleted whole, whether interface records changed, and
// "all" when a batch may have reordered records (a name deleted and put
// again in one batch: import, a checkpoint's rollback), which only a full
// re-read reproduces.
//
// Thread rules: those of the Store it wraps (core::Service's lock).
#pragma once

#include <string>
#include <utility>

#include "core/touched.h"
#include "store/store.h"

namespace ipadm::core {

class TrackingStore : public store::Store {
 public:
  explicit TrackingStore(store::Store& inner) : inner_(inner) {}

  // What changed since the last call; cleared by the call.
  Touched take_touched() { return std::exchange(touched_, Touched{}); }

  Result<std::vector<store::IfRecord>> interfaces() override { return inner_.interfaces(); }
  Result<std::optional<store::IfRecord>> interface(const std::string& ifname) override {
    return inner_.interface(ifname);
  }
  Result<std::vector<store::AddrRecord>> addrs(const std::string& ifname) override {
    return inner_.addrs(ifname);
  }
  Result<std::optional<store::AddrRecord>> addr(const std::string& aobjname) override {
    return inner_.addr(aobjname);
  }
  Status each_addr(const std::string& ifname, const AddrFn& fn) override {
    return inner_.each_addr(ifname, fn);
  }
  Result<std::vector<store::PropRecord>> proto_props() override { return inner_.proto_props(); }
  Result<std::vector<store::PropRecord>> if_props(const std::string& ifname) override {
    return inner_.if_props(ifname);
  }
  Result<std::vector<store::PropRecord>> addr_props(const std::string& aobjname) override {
    return inner_.addr_props(aobjname);
  }
  Result<std::vector<store::PropRecord>> all_props() override { return inner_.all_props(); }
  Result<std::vector<store::RouteRecord>> routes() override { return inner_.routes(); }
  Result<std::optional<std::string>> meta(const std::string& key) override {
    return inner_.meta(key);
  }
  Result<std::optional<store::CheckpointRecord>> saved_checkpoint() override {
    return inner_.saved_checkpoint();
  }
  Status apply(const store::Batch& batch) override;
  Status maintain() override { return inner_.maintain(); }

 private:
  store::Store& inner_;
  Touched touched_;
};

}  // namespace ipadm::core

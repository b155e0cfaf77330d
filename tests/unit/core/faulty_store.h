// FaultyStore: a Store wrapper whose apply() fails while `fail` is set, and
// whose each_addr() fails after `fail_read_after` records when that is >= 0
// (fault injection for the core unit tests).
#pragma once

#include "store/store.h"

namespace ipadm::core {

class FaultyStore : public store::Store {
 public:
  explicit FaultyStore(store::Store& s) : s_(s) {}
  bool fail = false;
  int fail_read_after = -1;
  Result<std::vector<store::IfRecord>> interfaces() override { return s_.interfaces(); }
  Result<std::optional<store::IfRecord>> interface(const std::string& n) override {
    return s_.interface(n);
  }
  Result<std::vector<store::AddrRecord>> addrs(const std::string& n) override {
    return s_.addrs(n);
  }
  Status each_addr(const std::string& n, const AddrFn& fn) override {
    int left = fail_read_after;
    return s_.each_addr(n, [&](store::AddrRecord&& r) {
      if (left >= 0 && left-- == 0) return Status(Errc::Failure, "disk I/O error");
      return fn(std::move(r));
    });
  }
  Result<std::optional<store::AddrRecord>> addr(const std::string& n) override {
    return s_.addr(n);
  }
  Result<std::vector<store::PropRecord>> proto_props() override { return s_.proto_props(); }
  Result<std::vector<store::PropRecord>> if_props(const std::string& n) override {
    return s_.if_props(n);
  }
  Result<std::vector<store::PropRecord>> addr_props(const std::string& n) override {
    return s_.addr_props(n);
  }
  Result<std::vector<store::PropRecord>> all_props() override { return s_.all_props(); }
  Result<std::vector<store::RouteRecord>> routes() override { return s_.routes(); }
  Result<std::optional<std::string>> meta(const std::string& k) override { return s_.meta(k); }
  Result<std::optional<store::CheckpointRecord>> saved_checkpoint() override {
    return s_.saved_checkpoint();
  }
  Status apply(const store::Batch& b) override {
    if (fail) return Status(Errc::NoBufs, "disk full");
    return s_.apply(b);
  }

 private:
  store::Store& s_;
};

}  // namespace ipadm::core

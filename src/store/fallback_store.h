// FallbackStore: the store of a daemon that may start while /etc is still
// read-only (early boot), after illumos (spec 6.4).
//
// If the real store cannot be written because its file system is read-only,
// the store file (and its WAL) is copied into the volatile directory and all
// work goes to that copy. maintain() -- and every apply() -- tries to copy it
// back: once the real directory is writable the copy is checkpointed and
// written next to the real file, fsync'ed and renamed over it (after the
// stale WAL/SHM of the old file are removed, so they can never be replayed
// onto the new one), then the copy is removed and work returns to the real
// file. A copy left by a previous daemon run (/run survives restarts) always
// wins over the real file: it holds the newest acknowledged changes.
// Not thread-safe; the caller serializes, like every Store.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite_store.h"

namespace ipadm::store {

class FallbackStore : public Store {
 public:
  // info: as SqliteStore::open. note (optional): set when working on the
  // volatile copy, to be logged by the caller.
  static Result<std::unique_ptr<FallbackStore>> open(const std::string& real_path,
                                                     const std::string& copy_path,
                                                     OpenInfo* info, std::string* note);

  bool on_copy() const { return on_copy_; }

  Result<std::vector<IfRecord>> interfaces() override { return cur_->interfaces(); }
  Result<std::optional<IfRecord>> interface(const std::string& n) override {
    return cur_->interface(n);
  }
  Result<std::vector<AddrRecord>> addrs(const std::string& n) override { return cur_->addrs(n); }
  Status each_addr(const std::string& n, const AddrFn& fn) override { return cur_->each_addr(n, fn); }
  Result<std::optional<AddrRecord>> addr(const std::string& n) override { return cur_->addr(n); }
  Result<std::vector<PropRecord>> proto_props() override { return cur_->proto_props(); }
  Result<std::vector<PropRecord>> if_props(const std::string& n) override {
    return cur_->if_props(n);
  }
  Result<std::vector<PropRecord>> addr_props(const std::string& n) override {
    return cur_->addr_props(n);
  }
  Result<std::vector<PropRecord>> all_props() override { return cur_->all_props(); }
  Result<std::vector<RouteRecord>> routes() override { return cur_->routes(); }
  Result<std::optional<std::string>> meta(const std::string& k) override { return cur_->meta(k); }
  Result<std::optional<CheckpointRecord>> saved_checkpoint() override {
    return cur_->saved_checkpoint();
  }
  Status apply(const Batch& batch) override;
  Status maintain() override;

  // Copies the volatile copy back if the real directory is writable.
  // OK if done or not needed; the error otherwise (work stays on the copy).
  Status try_copy_back();

 private:
  FallbackStore(std::string real, std::string copy) : real_(std::move(real)), copy_(std::move(copy)) {}
  std::string real_, copy_;
  std::unique_ptr<SqliteStore> cur_;
  bool on_copy_ = false;
};

}  // namespace ipadm::store

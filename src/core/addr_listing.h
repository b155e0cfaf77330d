// A show-addr listing in progress: the rows of one request, given a
// datagram's worth at a time as the connection sends them
// (docs/architecture.md, "Serving reads"). It holds the read snapshot and
// the kernel view it started from, so its rows are one consistent picture
// however slowly the client reads them, and what it holds does not grow
// with the rows already sent.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/addr_rows.h"
#include "core/read_snapshot.h"
#include "core/show.h"

namespace ipadm::core {

// A read snapshot's objects, as the rows read them: the shards the request
// can see, and any shard for the owner of a kernel address. A shard's owner
// index is built on its first use.
class SnapshotObjects : public AddrObjects {
 public:
  // only: one object's name, or "" for every object of shards.
  SnapshotObjects(const ReadSnapshot& snap, std::vector<const AddrShard*> shards,
                  std::string only);
  const AddrObj* owner(const std::string& ifname, const netlink::Addr& a) override;
  std::vector<const AddrObj*> objects() override;
  const store::AddrRecord* record(const AddrObj& o) override;
  std::vector<const store::AddrRecord*> unknown() override;
  void decorate(const AddrObj& o, rpc::AddrInfo* row) override;
  size_t entries() const;  // in the shards the request can see

 private:
  using Key = std::tuple<IpAddr, int>;
  struct Owners {
    std::vector<std::pair<Key, const AddrEntry*>> by_kernel;  // active objects, sorted
    const AddrEntry* addrconf = nullptr;                      // the active addrconf object
  };
  bool wanted(const AddrEntry& e) const { return only_.empty() || e.aobjname == only_; }
  Owners& owners_of(const std::string& ifname);

  const ReadSnapshot& snap_;
  std::vector<const AddrShard*> shards_;
  std::string only_;
  std::map<std::string, Owners> owners_;
  std::unordered_map<const AddrObj*, const AddrEntry*> entry_of_;
};

class AddrListing {
 public:
  // shards: those of snap the filter can see.
  AddrListing(std::shared_ptr<const ReadSnapshot> snap, KernelView kv, AddrFilter filter,
              std::vector<const AddrShard*> shards);
  AddrListing(const AddrListing&) = delete;
  AddrListing& operator=(const AddrListing&) = delete;

  // AddrRowCursor::next.
  bool next(google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out, size_t max_bytes) {
    return cursor_.next(out, max_bytes);
  }
  // About the most memory the listing holds while it is read: its indexes
  // of the objects and of those shown, and the kernel view (shared with
  // the daemon's view until the kernel changes, then the listing's alone).
  // The snapshot's entries are not counted: a change copies few of them.
  size_t held_bytes() const;

 private:
  std::shared_ptr<const ReadSnapshot> snap_;
  KernelView kv_;
  SnapshotObjects objs_;
  AddrRowCursor cursor_;
};

}  // namespace ipadm::core

// Read snapshots: what show-if and show-addr read of the daemon's own state
// (objects, records, flag letters), without the service lock, so that no
// write in flight -- an enable-if of 10,000 addresses, a DAD wait -- makes
// a read wait (docs/architecture.md, "Serving reads"). The kernel part of a
// read comes from the event-fed LiveView (core/view_source.h), not from here.
//
// A ReadSnapshot is immutable once published and shared by every reader
// that loaded it. The Service publishes a new one at each release of its
// lock that changed something (core/service_mutex.h), before any reply that
// reports the change is sent: read-your-writes. Publishing copies what
// changed only: the interface part when interfaces changed, and for each
// changed address object its entry; the entries of an interface are shared
// pointers in chunks (AddrShard), so a change copies a few hundred pointers,
// never the other objects.
//
// Thread rules: SnapshotBox::load() and publish() from any thread; the
// Service publishes under its lock only.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/objects.h"
#include "core/props.h"
#include "core/touched.h"
#include "store/store.h"

namespace ipadm::core {

// One address object as show-addr sees it: the live object, the store's
// record, or both, with the letters and the state that come from elsewhere.
struct AddrEntry {
  std::string aobjname;
  std::optional<AddrObj> obj;            // the map's (live) object
  std::shared_ptr<const store::AddrRecord> rec;  // the store's record (shared across snapshots)
  uint64_t order = 0;                    // rec's place in store order
  AddrPropFlags pflags;
  std::string dad4;  // IPv4 DAD: "tentative", "duplicate" or "" (service_dad4.cc)
};

// One interface's address objects, by aobjname, in chunks of a few hundred
// entries: a change copies the chunk pointers and the one chunk it touches
// (for 10,000 objects, about 40 + 256 pointers), never the other entries.
class AddrShard {
 public:
  using EntryPtr = std::shared_ptr<const AddrEntry>;
  using Chunk = std::vector<EntryPtr>;
  static constexpr size_t kChunk = 256;  // a chunk is split past twice this

  // From entries sorted by aobjname (unique names).
  static AddrShard of(std::vector<EntryPtr> sorted);
  const AddrEntry* find(const std::string& aobjname) const;
  // Inserts or replaces the entry of aobjname with e; erases it when e is
  // null.
  void put(const std::string& aobjname, EntryPtr e);
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Calls f(const EntryPtr&) for every entry, in aobjname order.
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& c : chunks_)
      for (const EntryPtr& e : *c) f(e);
  }
  const std::vector<std::shared_ptr<const Chunk>>& chunks() const { return chunks_; }

 private:
  std::vector<std::shared_ptr<const Chunk>> chunks_;  // in name order, none empty
  size_t size_ = 0;
};

struct ReadSnapshot {
  std::map<std::string, IfObj> ifs;   // the map's interface objects
  std::vector<store::IfRecord> pifs;  // the store's interfaces, store order
  std::set<std::string> l3protected;  // host-delegated links ('Z')
  std::map<std::string, std::shared_ptr<const AddrShard>> shards;  // by ifname
  const AddrShard* shard(const std::string& ifname) const;
};

class SnapshotBox {
 public:
  void publish(std::shared_ptr<const ReadSnapshot> s) { cur_.store(std::move(s)); }
  // nullptr before the first publish.
  std::shared_ptr<const ReadSnapshot> load() const { return cur_.load(); }

 private:
  std::atomic<std::shared_ptr<const ReadSnapshot>> cur_;
};

// The interface part of an address object name ("IF/x" -> "IF").
std::string ifname_of_aobj(const std::string& aobjname);

}  // namespace ipadm::core

// Store: the persistent configuration (interfaces, address objects and
// properties) that survives reboots. Order of records is creation order
// ("store order"), which boot restore replays.
//
// SqliteStore is the real implementation (ipadm.db); tests use it on
// ":memory:" or a temp file, and FaultyStore (tests) wraps it to inject
// failures. Contract of apply(): every op of the batch takes effect or none
// does, and when it returns OK the change is durable (fsync'ed; WAL +
// synchronous=FULL). Not thread-safe: core::Service serializes writers.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/names.h"
#include "common/status.h"

namespace ipadm::store {

// A persistent IP interface and the families plumbed on it.
struct IfRecord {
  std::string ifname;
  bool v4 = false;
  bool v6 = false;
};

// A persistent address object. local/remote are kept as the user typed them
// (a host name is re-resolved at enable time).
struct AddrRecord {
  std::string aobjname;
  std::string ifname;
  int family = 0;               // AF_INET / AF_INET6 (Linux numbering)
  AddrType atype = AddrType::Static;
  std::string local;            // static: address or host name
  std::string remote;           // static: point-to-point destination, or ""
  int prefixlen = -1;           // explicit prefix length, -1 = default rule
  bool up = true;               // persisted up/down state
  std::string extra;            // type-specific data (dhcp/addrconf), opaque
};

// A persistent property. Exactly one of these shapes:
//   protocol property:  protocol set, ifname and aobjname empty
//   interface property: protocol ("ipv4"/"ipv6") and ifname set
//   address property:   aobjname (and ifname) set, protocol empty
struct PropRecord {
  std::string protocol;
  std::string ifname;
  std::string aobjname;
  std::string name;
  std::string value;
};

// A persistent route (core/route.h): the destination in canonical text
// ("default" or "PREFIX/LEN"), the gateway ("" for an on-link route), the
// interface ("" when the kernel picks it by the gateway) and the metric
// the kernel reports (IPv6's default 1024 spelled out). Key: (family,
// destination, metric), as the kernel's main table keys its routes.
struct RouteRecord {
  int family = 0;               // AF_INET / AF_INET6 (Linux numbering)
  std::string destination;
  std::string gateway;
  std::string ifname;
  uint32_t metric = 0;
  bool operator==(const RouteRecord&) const = default;
};

// Batch operations.
struct PutIf { IfRecord rec; };                 // insert or replace families
struct DelIf { std::string ifname; };           // cascades: addrs + props; no-op if absent
struct PutAddr { AddrRecord rec; };             // insert or replace (keeps order)
struct DelAddr { std::string aobjname; };       // cascades: its props; no-op if absent
struct PutProp { PropRecord rec; };             // insert or replace value
struct DelProp { PropRecord key; };             // value ignored; no-op if absent
struct PutMeta { std::string key, value; };     // daemon bookkeeping (schema v2)
struct PutRoute { RouteRecord rec; };           // insert or replace by key (keeps order)
struct DelRoute { RouteRecord key; };           // by key; no-op if absent

// The pending checkpoint (ipadm checkpoint; core/checkpoint.h). At most one:
// PutCheckpoint replaces it, DelCheckpoint removes it (no-op if none).
// Times are wall-clock seconds since the epoch, so that a deadline passed
// during a reboot or a daemon crash is seen as passed. snapshot is opaque
// here (core::encode_checkpoint).
struct CheckpointRecord {
  int64_t started = 0;
  int64_t deadline = 0;
  std::string snapshot;
};
struct PutCheckpoint { CheckpointRecord rec; };
struct DelCheckpoint {};
using Op = std::variant<PutIf, DelIf, PutAddr, DelAddr, PutProp, DelProp, PutMeta, PutRoute,
                        DelRoute, PutCheckpoint, DelCheckpoint>;

struct Batch {
  std::vector<Op> ops;
  Batch& add(Op op) { ops.push_back(std::move(op)); return *this; }
  bool empty() const { return ops.empty(); }
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::vector<IfRecord>> interfaces() = 0;
  virtual Result<std::optional<IfRecord>> interface(const std::string& ifname) = 0;
  // ifname empty = all, in store order.
  virtual Result<std::vector<AddrRecord>> addrs(const std::string& ifname) = 0;
  virtual Result<std::optional<AddrRecord>> addr(const std::string& aobjname) = 0;
  // Streams addrs(ifname): fn gets each record, in store order, as soon as
  // it is read (the caller overlaps its own work with the reading). Stops at
  // the first failure, of the store or of fn, and returns it. fn must not
  // use this Store. The default reads them all first.
  using AddrFn = std::function<Status(AddrRecord&&)>;
  virtual Status each_addr(const std::string& ifname, const AddrFn& fn);
  // Protocol properties (ifname and aobjname empty), in store order.
  virtual Result<std::vector<PropRecord>> proto_props() = 0;
  // Interface properties of ifname (aobjname empty), in store order.
  virtual Result<std::vector<PropRecord>> if_props(const std::string& ifname) = 0;
  // Address properties of aobjname, in store order.
  virtual Result<std::vector<PropRecord>> addr_props(const std::string& aobjname) = 0;
  // Every property (export).
  virtual Result<std::vector<PropRecord>> all_props() = 0;

  // Persistent routes, in store order (creation order).
  virtual Result<std::vector<RouteRecord>> routes() = 0;
  // Daemon bookkeeping values (e.g. "first_boot_done"); nullopt if unset.
  virtual Result<std::optional<std::string>> meta(const std::string& key) = 0;
  // The pending checkpoint, nullopt if none.
  virtual Result<std::optional<CheckpointRecord>> saved_checkpoint() = 0;

  // Atomic and durable (see header comment).
  virtual Status apply(const Batch& batch) = 0;

  // Periodic housekeeping (every few seconds, under the caller's lock):
  // e.g. FallbackStore copies a volatile copy back once /etc is writable.
  virtual Status maintain() { return Status::ok(); }
};

inline Status Store::each_addr(const std::string& ifname, const AddrFn& fn) {
  Result<std::vector<AddrRecord>> v = addrs(ifname);
  if (!v) return v.status();
  for (AddrRecord& r : *v)
    if (Status s = fn(std::move(r)); !s) return s;
  return Status::ok();
}

}  // namespace ipadm::store

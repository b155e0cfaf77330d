// show-addr rows (spec 2.4): every kernel address (unowned ones as "IF/?",
// never 0.0.0.0 or ::), then the known objects absent from the kernel
// (disabled or down), then the persistent objects the daemon does not know
// yet (disabled after a reboot). Pure: from a kernel view and the objects,
// wherever they are kept, to rows.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/aobjmap.h"
#include "core/show.h"
#include "ipmgmt.pb.h"
#include "store/store.h"

namespace ipadm::core {

struct AddrFilter {
  std::string aobjname;  // one object
  std::string ifname;    // one interface ("IF/")
};

// The address objects the rows read (the map and the store's records, or a
// read snapshot's shards).
class AddrObjects {
 public:
  virtual ~AddrObjects() = default;
  // The active object owning kernel address a of link ifname (addr_owner's
  // rule), or nullptr.
  virtual const AddrObj* owner(const std::string& ifname, const netlink::Addr& a) = 0;
  // Every object, in aobjname order.
  virtual std::vector<const AddrObj*> objects() = 0;
  // The store's record of object o (one of those given out), or nullptr.
  virtual const store::AddrRecord* record(const AddrObj& o) = 0;
  // Every record without an object (persistent objects the daemon does not
  // know), in store order.
  virtual std::vector<const store::AddrRecord*> unknown() = 0;
  // Finishes the row of a managed object (letters and states kept
  // elsewhere); the default does nothing.
  virtual void decorate(const AddrObj& o, rpc::AddrInfo* row);
};

// The rows, a part at a time, so that a long listing is sent while it is
// built. The three groups above in that order: kernel addresses in kv's
// order, known objects in aobjname order, unknown records in store order.
// kv and objs must outlive the cursor. A row is written into an element
// added to the caller's field: an element kept by a Clear() is reused with
// its strings' capacity, so a reused field allocates nothing.
class AddrRowCursor {
 public:
  AddrRowCursor(const KernelView& kv, AddrObjects& objs, AddrFilter filter);
  // Appends rows to *out until their encoded size (estimated from above)
  // reaches max_bytes, at least one while any is left. Returns whether rows
  // are left.
  bool next(google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out, size_t max_bytes);
  bool done() const { return phase_ == Phase::Done; }
  size_t rows() const { return rows_; }  // given out so far

 private:
  enum class Phase { Kernel, Known, Unknown, Done };
  using Rows = google::protobuf::RepeatedPtrField<rpc::AddrInfo>;
  bool wanted(const std::string& aobjname, const std::string& ifname) const;
  // Each appends the row of item pos_ of its phase if it is wanted, and
  // returns its estimated size (0: none).
  size_t kernel_row(Rows* out);
  size_t known_row(Rows* out);
  size_t unknown_row(Rows* out);
  void advance();  // to the next phase, fetching its items
  size_t phase_size() const;  // items of the current phase

  const KernelView& kv_;
  AddrObjects& objs_;
  AddrFilter filter_;
  Phase phase_ = Phase::Kernel;
  size_t pos_ = 0;
  size_t rows_ = 0;
  std::unordered_set<const AddrObj*> shown_;  // by a kernel address
  std::vector<const AddrObj*> known_;
  std::vector<const store::AddrRecord*> unknown_;
};

// Every row at once.
void addr_rows(const KernelView& kv, AddrObjects& objs, const AddrFilter& filter,
               google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out);
std::vector<rpc::AddrInfo> addr_rows(const KernelView& kv, const AddrObjMap& map,
                                     const std::vector<store::AddrRecord>& persisted,
                                     const AddrFilter& filter);

}  // namespace ipadm::core

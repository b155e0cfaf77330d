// ImportAssembly: the chunks of one `ipadm import` on one connection, put
// back together (proto/ipmgmt.proto ImportReq; docs/protocol.md "Import").
//
// An import is identified as a whole: its first chunk has offset 0 and
// announces the total length, every later chunk continues exactly where the
// text so far ends, and the last (more=false) ends at the total. Anything
// else -- above all a fragment libipadm resends to a restarted daemon, which
// arrives on a fresh connection with offset > 0 -- is refused, the assembly
// is dropped, and nothing is imported. Pure logic, no I/O; one per
// connection, used by that connection's thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "ipmgmt.pb.h"
#include "store/conf_model.h"

namespace ipadm::daemon {

class ImportAssembly {
 public:
  static constexpr uint64_t kMaxText = store::kConfMaxText;  // 64 MiB

  enum class Step { kMore, kDone };

  // Adds one chunk. kMore: reply OK and wait for the next; kDone: the whole
  // text is there (take()). An error (IPADM_EBADE, or IPADM_NO_BUFS past
  // kMaxText) resets the assembly; the caller replies with it.
  Result<Step> add(const rpc::ImportReq& chunk);

  // The assembled text; resets. REQUIRES: add() returned kDone.
  std::string take();

 private:
  Status refuse_(Errc code, std::string why);

  bool open_ = false;  // an import is in progress on this connection
  uint64_t total_ = 0;
  std::string text_;
};

}  // namespace ipadm::daemon

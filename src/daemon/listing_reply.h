// A reply sent as its listing gives it (show-addr, core/addr_listing.h):
// each datagram's rows are built when the connection is ready to send it,
// into the same message, whose rows and their strings are reused. The
// client parses one datagram while the next is built, and the connection
// holds one datagram's rows whatever the listing's length.
#pragma once

#include <cstdint>
#include <memory>

#include "core/addr_listing.h"
#include "daemon/reply_source.h"

namespace ipadm::daemon {

class AddrListingReply : public ReplySource {
 public:
  AddrListingReply(uint64_t id, std::unique_ptr<core::AddrListing> listing);
  const rpc::Reply* next() override;
  size_t held_bytes() const override;

 private:
  std::unique_ptr<core::AddrListing> listing_;
  rpc::Reply part_;
  bool done_ = false;
};

}  // namespace ipadm::daemon

#include "daemon/listing_reply.h"

#include "common/protocol.h"

namespace ipadm::daemon {

AddrListingReply::AddrListingReply(uint64_t id, std::unique_ptr<core::AddrListing> listing)
    : listing_(std::move(listing)) {
  part_.set_id(id);
  part_.mutable_show_addr();
}

const rpc::Reply* AddrListingReply::next() {
  if (done_) return nullptr;
  auto* rows = part_.mutable_show_addr()->mutable_addrs();
  rows->Clear();  // keeps the elements for the next rows
  bool more = listing_->next(rows, kReplyChunk);
  part_.set_more(more);
  done_ = !more;
  return &part_;
}

// The datagram being sent is not counted, as for any reply: the connection
// caps bound it.
size_t AddrListingReply::held_bytes() const { return listing_->held_bytes(); }

}  // namespace ipadm::daemon

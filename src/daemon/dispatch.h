// Dispatch: runs one decoded, authorized request against the Service (by
// its row of the method table, methods.h) and returns its whole reply; ReplyChunker then cuts that reply into datagrams
// one at a time, as the connection sends them.
#pragma once

#include <optional>

#include "core/service.h"
#include "daemon/methods.h"
#include "ipmgmt.pb.h"

namespace ipadm::daemon {

// Field sizes are checked first (request_limits.h): an oversize field is
// answered with the error the Service gives for a bad value of that field.
// A detail longer than kMaxDetail is cut, so an error never outgrows a
// datagram.
rpc::Reply dispatch(core::Service& svc, const rpc::Request& req);

constexpr size_t kMaxDetail = 1024;

// Cuts a reply whose repeated payload does not fit one datagram into
// several (more=true on all but the last), each about kReplyChunk bytes.
// Items are moved out of the reply as chunks are taken, so the memory a
// connection holds shrinks while it sends. A reply of another kind that does
// not fit becomes one IPADM_NO_BUFS "reply too large".
class ReplyChunker {
 public:
  explicit ReplyChunker(rpc::Reply reply);
  // The next datagram, nullopt after the last.
  std::optional<rpc::Reply> next();

 private:
  rpc::Reply rest_;  // what is not sent yet (the whole reply at first)
  rpc::Reply head_;  // the reply without its repeated items (chunked case)
  const ListField* list_ = nullptr;  // set: chunked
  int pos_ = 0;
  bool done_ = false;
};

}  // namespace ipadm::daemon

// Dispatch: runs one decoded, authorized request against the Service (by
// its row of the method table, methods.h) and returns its reply as the
// datagrams the connection sends: a listing (show-addr) builds each when it
// is sent; other replies are built whole and ReplyChunker cuts them.
#pragma once

#include <memory>

#include "core/service.h"
#include "daemon/methods.h"
#include "daemon/reply_source.h"
#include "ipmgmt.pb.h"

namespace ipadm::daemon {

// Field sizes are checked first (request_limits.h): an oversize field is
// answered with the error the Service gives for a bad value of that field.
// A detail longer than kMaxDetail is cut, so an error never outgrows a
// datagram.
std::unique_ptr<ReplySource> answer(core::Service& svc, const rpc::Request& req);
// The same reply whole: the datagrams' lists joined (tests, fuzzing).
rpc::Reply dispatch(core::Service& svc, const rpc::Request& req);

constexpr size_t kMaxDetail = 1024;

// Cuts a reply whose repeated payload does not fit one datagram into
// several (more=true on all but the last), each about kReplyChunk bytes.
// Items are moved out of the reply as chunks are taken, so the memory a
// connection holds shrinks while it sends. A reply of another kind that does
// not fit becomes one IPADM_NO_BUFS "reply too large".
class ReplyChunker : public ReplySource {
 public:
  explicit ReplyChunker(rpc::Reply reply);
  const rpc::Reply* next() override;
  size_t held_bytes() const override { return bytes_; }

 private:
  size_t bytes_ = 0;  // the whole reply's encoded size
  rpc::Reply part_;  // the datagram next() gave
  rpc::Reply rest_;  // what is not sent yet (the whole reply at first)
  rpc::Reply head_;  // the reply without its repeated items (chunked case)
  const ListField* list_ = nullptr;  // set: chunked
  int pos_ = 0;
  bool done_ = false;
};

}  // namespace ipadm::daemon

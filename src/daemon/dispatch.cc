#include "daemon/dispatch.h"

#include "common/protocol.h"
#include "daemon/methods.h"
#include "daemon/request_limits.h"

namespace ipadm::daemon {

namespace {

rpc::Reply status_reply(const Status& s) {
  rpc::Reply r;
  r.set_status(static_cast<uint32_t>(s.code()));
  r.set_detail(s.detail());
  return r;
}

}  // namespace

ReplyChunker::ReplyChunker(rpc::Reply reply) : rest_(std::move(reply)) {
  if (rest_.ByteSizeLong() <= kReplyChunk) return;
  list_ = list_of(rest_.body_case());
  if (!list_) {
    // Other replies are small by construction; one that is not is refused
    // rather than truncated.
    uint64_t id = rest_.id();
    rest_ = status_reply(Status(Errc::NoBufs, "reply too large"));
    rest_.set_id(id);
    return;
  }
  // The head is the reply without its items: swap them out, copy, swap back.
  rpc::Reply items;
  list_->swap(rest_, items);
  head_ = rest_;
  list_->swap(rest_, items);
}

std::optional<rpc::Reply> ReplyChunker::next() {
  if (done_) return std::nullopt;
  if (!list_) {
    done_ = true;
    return std::move(rest_);
  }
  rpc::Reply out = head_;
  bool more = list_->take(rest_, out, &pos_, kReplyChunk);
  out.set_more(more);
  if (!more) {
    done_ = true;
    rest_.Clear();
  }
  return out;
}

rpc::Reply dispatch(core::Service& svc, const rpc::Request& req) {
  rpc::Reply reply;
  Status st = check_request_sizes(req);
  if (st) {
    const Method* m = method_of(req.body_case());
    if (m && m->run)
      st = m->run(svc, req, &reply);
    else
      st = Status(Errc::NotSup, "request not implemented by this ipmgmtd");
  }
  if (!st) reply.clear_body();
  reply.set_id(req.id());
  reply.set_status(static_cast<uint32_t>(st.code()));
  std::string detail = st.detail();
  if (detail.size() > kMaxDetail) detail = detail.substr(0, kMaxDetail - 3) + "...";
  reply.set_detail(std::move(detail));
  return reply;
}

}  // namespace ipadm::daemon

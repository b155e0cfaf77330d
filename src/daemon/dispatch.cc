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
  bytes_ = rest_.ByteSizeLong();
  if (bytes_ <= kReplyChunk) return;
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

const rpc::Reply* ReplyChunker::next() {
  if (done_) return nullptr;
  if (!list_) {
    done_ = true;
    part_ = std::move(rest_);
    return &part_;
  }
  part_ = head_;
  bool more = list_->take(rest_, part_, &pos_, kReplyChunk);
  part_.set_more(more);
  if (!more) {
    done_ = true;
    rest_.Clear();
  }
  return &part_;
}

namespace {

// The reply's id, status and detail (cut to kMaxDetail), its body only if
// st is ok.
void finish(rpc::Reply& reply, const rpc::Request& req, const Status& st) {
  if (!st) reply.clear_body();
  reply.set_id(req.id());
  reply.set_status(static_cast<uint32_t>(st.code()));
  std::string detail = st.detail();
  if (detail.size() > kMaxDetail) detail = detail.substr(0, kMaxDetail - 3) + "...";
  reply.set_detail(std::move(detail));
}

}  // namespace

std::unique_ptr<ReplySource> answer(core::Service& svc, const rpc::Request& req) {
  rpc::Reply reply;
  Status st = check_request_sizes(req);
  if (st) {
    const Method* m = method_of(req.body_case());
    if (m && m->open) {
      auto listing = m->open(svc, req);
      if (listing) return std::move(*listing);
      st = listing.status();
    } else if (m && m->run) {
      st = m->run(svc, req, &reply);
    } else {
      st = Status(Errc::NotSup, "request not implemented by this ipmgmtd");
    }
  }
  finish(reply, req, st);
  return std::make_unique<ReplyChunker>(std::move(reply));
}

rpc::Reply dispatch(core::Service& svc, const rpc::Request& req) {
  auto src = answer(svc, req);
  rpc::Reply whole;
  while (const rpc::Reply* part = src->next()) {
    const ListField* list = list_of(part->body_case());
    if (whole.body_case() == rpc::Reply::BODY_NOT_SET || !list) {
      whole = *part;
      continue;
    }
    rpc::Reply items = *part;
    int pos = 0;
    list->take(items, whole, &pos, SIZE_MAX);
  }
  whole.set_more(false);
  return whole;
}

}  // namespace ipadm::daemon

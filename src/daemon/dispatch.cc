#include "daemon/dispatch.h"

#include <type_traits>

#include "common/protocol.h"
#include "daemon/request_limits.h"

namespace ipadm::daemon {

namespace {

rpc::Reply status_reply(const Status& s) {
  rpc::Reply r;
  r.set_status(static_cast<uint32_t>(s.code()));
  r.set_detail(s.detail());
  return r;
}

size_t item_size(const std::string& s) { return s.size(); }
size_t item_size(const google::protobuf::MessageLite& m) { return m.ByteSizeLong(); }

// Moves items of src, from *pos on, into dst until about kReplyChunk bytes
// (at least one item). Returns whether items are left.
template <typename Field>
bool take_chunk(Field* src, Field* dst, int* pos) {
  size_t bytes = 0;
  for (; *pos < src->size(); ++*pos) {
    size_t sz = item_size(src->Get(*pos)) + 8;
    if (bytes + sz > kReplyChunk && bytes > 0) break;
    *dst->Add() = std::move(*src->Mutable(*pos));
    bytes += sz;
  }
  return *pos < src->size();
}

// The repeated field of a chunkable reply body, nullptr-free dispatch by
// case: calls f(items_of(reply)) for the reply's kind; false if the kind is
// not chunkable.
template <typename F>
bool with_items(rpc::Reply& r, rpc::Reply::BodyCase kind, F&& f) {
  switch (kind) {
    case rpc::Reply::kShowAddr: f(r.mutable_show_addr()->mutable_addrs()); return true;
    case rpc::Reply::kShowIf: f(r.mutable_show_if()->mutable_ifs()); return true;
    case rpc::Reply::kExportConf: f(r.mutable_export_conf()->mutable_chunk()); return true;
    case rpc::Reply::kImportConf: f(r.mutable_import_conf()->mutable_warnings()); return true;
    case rpc::Reply::kShowProp: f(r.mutable_show_prop()->mutable_props()); return true;
    default: return false;
  }
}

}  // namespace

ReplyChunker::ReplyChunker(rpc::Reply reply) : rest_(std::move(reply)) {
  if (rest_.ByteSizeLong() <= kReplyChunk) return;
  // The head is the reply without its items: swap them out, copy, swap back.
  auto kind = rest_.body_case();
  chunked_ = with_items(rest_, kind, [this](auto* items) {
    std::remove_pointer_t<decltype(items)> tmp;
    tmp.Swap(items);
    head_ = rest_;
    tmp.Swap(items);
  });
  if (!chunked_) {
    // Other replies are small by construction; one that is not is refused
    // rather than truncated.
    uint64_t id = rest_.id();
    rest_ = status_reply(Status(Errc::NoBufs, "reply too large"));
    rest_.set_id(id);
  }
}

std::optional<rpc::Reply> ReplyChunker::next() {
  if (done_) return std::nullopt;
  if (!chunked_) {
    done_ = true;
    return std::move(rest_);
  }
  rpc::Reply out = head_;
  bool more = false;
  with_items(rest_, rest_.body_case(), [&](auto* src) {
    using Field = std::remove_pointer_t<decltype(src)>;
    Field* dst = nullptr;
    with_items(out, out.body_case(), [&](auto* d) {
      if constexpr (std::is_same_v<decltype(d), Field*>) dst = d;
    });
    more = take_chunk(src, dst, &pos_);
  });
  out.set_more(more);
  if (!more) {
    done_ = true;
    rest_.Clear();
  }
  return out;
}

rpc::Reply dispatch(core::Service& svc, const rpc::Request& req) {
  using R = rpc::Request;
  rpc::Reply reply;
  Status st = check_request_sizes(req);
  if (!st) {
    reply = status_reply(st);
    reply.set_id(req.id());
    return reply;
  }
  switch (req.body_case()) {
    case R::kCreateIf: st = svc.create_if(req.create_if()); break;
    case R::kDeleteIf: st = svc.delete_if(req.delete_if()); break;
    case R::kEnableIf: st = svc.enable_if(req.enable_if()); break;
    case R::kDisableIf: st = svc.disable_if(req.disable_if()); break;
    case R::kShowIf: {
      auto r = svc.show_if(req.show_if());
      if (r) *reply.mutable_show_if() = std::move(*r);
      st = r.status();
      break;
    }
    case R::kCreateAddr: st = svc.create_addr(req.create_addr()); break;
    case R::kDeleteAddr: st = svc.delete_addr(req.delete_addr()); break;
    case R::kShowAddr: {
      auto r = svc.show_addr(req.show_addr());
      if (r) *reply.mutable_show_addr() = std::move(*r);
      st = r.status();
      break;
    }
    case R::kRestore: {
      auto r = svc.restore();
      if (r) *reply.mutable_restore() = std::move(*r);
      st = r.status();
      break;
    }
    case R::kExportConf: {
      auto r = svc.export_conf(req.export_conf().format());
      if (r) {
        // Cut the text so that every reply fits one datagram.
        auto* chunks = reply.mutable_export_conf()->mutable_chunk();
        for (size_t off = 0; off < r->size(); off += kReplyChunk / 2)
          chunks->Add(r->substr(off, kReplyChunk / 2));
      }
      st = r.status();
      break;
    }
    case R::kImportConf: {
      auto r = svc.import_conf(req.import_conf().text(), req.import_conf().allow_empty());
      if (r) *reply.mutable_import_conf() = std::move(*r);
      st = r.status();
      break;
    }
    case R::kSetProp: st = svc.set_prop(req.set_prop()); break;
    case R::kShowProp: {
      auto r = svc.show_prop(req.show_prop());
      if (r) *reply.mutable_show_prop() = std::move(*r);
      st = r.status();
      break;
    }
    case R::kUpAddr: st = svc.up_addr(req.up_addr()); break;
    case R::kDownAddr: st = svc.down_addr(req.down_addr()); break;
    case R::kDisableAddr: st = svc.disable_addr(req.disable_addr()); break;
    case R::kEnableAddr: st = svc.enable_addr(req.enable_addr()); break;
    case R::kRefreshAddr: st = svc.refresh_addr(req.refresh_addr()); break;
    case R::kCheckpoint: {
      auto r = svc.checkpoint(req.checkpoint());
      if (r) *reply.mutable_checkpoint() = std::move(*r);
      st = r.status();
      break;
    }
    case R::kCommit: st = svc.commit(); break;
    case R::kRollback: st = svc.rollback(); break;
    case R::kShowCheckpoint: {
      auto r = svc.show_checkpoint();
      if (r) *reply.mutable_show_checkpoint() = std::move(*r);
      st = r.status();
      break;
    }
    default:
      st = Status(Errc::NotSup, "request not implemented by this ipmgmtd");
      break;
  }
  reply.set_id(req.id());
  reply.set_status(static_cast<uint32_t>(st.code()));
  std::string detail = st.detail();
  if (detail.size() > kMaxDetail) detail = detail.substr(0, kMaxDetail - 3) + "...";
  reply.set_detail(std::move(detail));
  return reply;
}

}  // namespace ipadm::daemon

#include "daemon/dispatch.h"

#include "common/protocol.h"

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

// Cuts the repeated field `items` of Body into chunks of about kReplyChunk.
template <typename Body, typename Items, typename Mutable>
std::vector<rpc::Reply> split(const rpc::Reply& head, const Items& items, Mutable body_of) {
  std::vector<rpc::Reply> out;
  rpc::Reply cur = head;
  Body* body = body_of(cur);
  size_t bytes = 0;
  for (const auto& it : items) {
    size_t sz = item_size(it) + 8;
    if (bytes + sz > kReplyChunk && bytes > 0) {
      cur.set_more(true);
      out.push_back(std::move(cur));
      cur = head;
      body = body_of(cur);
      bytes = 0;
    }
    *body->Add() = it;
    bytes += sz;
  }
  out.push_back(std::move(cur));
  return out;
}

}  // namespace

std::vector<rpc::Reply> chunk_reply(rpc::Reply reply) {
  if (reply.ByteSizeLong() <= kReplyChunk) return {std::move(reply)};
  rpc::Reply head = reply;
  switch (reply.body_case()) {
    case rpc::Reply::kShowAddr:
      head.mutable_show_addr()->clear_addrs();
      return split<google::protobuf::RepeatedPtrField<rpc::AddrInfo>>(
          head, reply.show_addr().addrs(),
          [](rpc::Reply& r) { return r.mutable_show_addr()->mutable_addrs(); });
    case rpc::Reply::kShowIf:
      head.mutable_show_if()->clear_ifs();
      return split<google::protobuf::RepeatedPtrField<rpc::IfInfo>>(
          head, reply.show_if().ifs(),
          [](rpc::Reply& r) { return r.mutable_show_if()->mutable_ifs(); });
    case rpc::Reply::kExportConf:
      head.mutable_export_conf()->clear_chunk();
      return split<google::protobuf::RepeatedPtrField<std::string>>(
          head, reply.export_conf().chunk(),
          [](rpc::Reply& r) { return r.mutable_export_conf()->mutable_chunk(); });
    case rpc::Reply::kImportConf:
      head.mutable_import_conf()->clear_warnings();
      return split<google::protobuf::RepeatedPtrField<std::string>>(
          head, reply.import_conf().warnings(),
          [](rpc::Reply& r) { return r.mutable_import_conf()->mutable_warnings(); });
    case rpc::Reply::kShowProp:
      head.mutable_show_prop()->clear_props();
      return split<google::protobuf::RepeatedPtrField<rpc::PropInfo>>(
          head, reply.show_prop().props(),
          [](rpc::Reply& r) { return r.mutable_show_prop()->mutable_props(); });
    default:
      // Other replies are small by construction; an export larger than one
      // datagram is refused rather than truncated.
      return {status_reply(Status(Errc::NoBufs, "reply too large"))};
  }
}

std::vector<rpc::Reply> dispatch(core::Service& svc, const rpc::Request& req) {
  using R = rpc::Request;
  rpc::Reply reply;
  Status st;
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
    default:
      st = Status(Errc::NotSup, "request not implemented by this ipmgmtd");
      break;
  }
  reply.set_id(req.id());
  reply.set_status(static_cast<uint32_t>(st.code()));
  reply.set_detail(st.detail());
  auto out = chunk_reply(std::move(reply));
  for (auto& r : out) r.set_id(req.id());
  return out;
}

}  // namespace ipadm::daemon

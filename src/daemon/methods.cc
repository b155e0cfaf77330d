#include "daemon/methods.h"

#include <string>

#include "common/protocol.h"
#include "daemon/listing_reply.h"

namespace ipadm::daemon {

namespace {

using R = rpc::Request;
using P = rpc::Reply;

size_t item_size(const std::string& s) { return s.size(); }
size_t item_size(const google::protobuf::MessageLite& m) { return m.ByteSizeLong(); }

// ListField of the repeated field that items(reply) returns, e.g.
// list<P::kShowAddr>([](P& r) { return r.mutable_show_addr()->mutable_addrs(); }).
// Items is a captureless lambda type (default-constructible in C++20).
template <P::BodyCase Kind, typename Items>
constexpr ListField list(Items) {
  ListField f;
  f.reply = Kind;
  f.count = [](P& r) { return Items{}(r)->size(); };
  f.swap = [](P& a, P& b) { Items{}(a)->Swap(Items{}(b)); };
  f.take = [](P& src, P& dst, int* pos, size_t max_bytes) {
    auto* from = Items{}(src);
    auto* to = Items{}(dst);
    size_t bytes = 0;
    for (; *pos < from->size(); ++*pos) {
      size_t sz = item_size(from->Get(*pos)) + 8;
      if (bytes + sz > max_bytes && bytes > 0) break;
      *to->Add() = std::move(*from->Mutable(*pos));
      bytes += sz;
    }
    return *pos < from->size();
  };
  return f;
}

// Row helpers: a handler that returns a Status, and one that returns a
// reply body through Result.
template <auto Handler, auto Field>
Status status_of(core::Service& svc, const R& req, P*) {
  return (svc.*Handler)((req.*Field)());
}

template <auto Handler, auto Field, auto Body>
Status result_of(core::Service& svc, const R& req, P* reply) {
  auto r = (svc.*Handler)((req.*Field)());
  if (!r) return r.status();
  *(reply->*Body)() = std::move(*r);
  return Status::ok();
}

Result<std::unique_ptr<ReplySource>> open_show_addr(core::Service& svc, const R& req) {
  auto listing = svc.show_addr_listing(req.show_addr());
  IPADM_TRY(listing);
  return std::unique_ptr<ReplySource>(
      std::make_unique<AddrListingReply>(req.id(), std::move(*listing)));
}

Status run_restore(core::Service& svc, const R&, P* reply) {
  auto r = svc.restore();
  if (!r) return r.status();
  *reply->mutable_restore() = std::move(*r);
  return Status::ok();
}

Status run_export(core::Service& svc, const R& req, P* reply) {
  auto r = svc.export_conf(req.export_conf().format());
  if (!r) return r.status();
  // Cut the text so that every reply fits one datagram.
  auto* chunks = reply->mutable_export_conf()->mutable_chunk();
  for (size_t off = 0; off < r->size(); off += kReplyChunk / 2)
    chunks->Add(r->substr(off, kReplyChunk / 2));
  return Status::ok();
}

Status run_import(core::Service& svc, const R& req, P* reply) {
  auto r = svc.import_conf(req.import_conf().text(), req.import_conf().allow_empty());
  if (!r) return r.status();
  *reply->mutable_import_conf() = std::move(*r);
  return Status::ok();
}

using S = core::Service;
constexpr auto kRead = Access::Read;
constexpr auto kWrite = Access::Write;

constexpr Method kMethods[] = {
    {R::kHello, kRead, nullptr, {}},
    // ---- interfaces ----
    {R::kCreateIf, kWrite, status_of<&S::create_if, &R::create_if>, {}},
    {R::kDeleteIf, kWrite, status_of<&S::delete_if, &R::delete_if>, {}},
    {R::kEnableIf, kWrite, status_of<&S::enable_if, &R::enable_if>, {}},
    {R::kDisableIf, kWrite, status_of<&S::disable_if, &R::disable_if>, {}},
    {R::kShowIf, kRead, result_of<&S::show_if, &R::show_if, &P::mutable_show_if>,
     list<P::kShowIf>([](P& r) { return r.mutable_show_if()->mutable_ifs(); })},
    // ---- addresses ----
    {R::kCreateAddr, kWrite, status_of<&S::create_addr, &R::create_addr>, {}},
    {R::kDeleteAddr, kWrite, status_of<&S::delete_addr, &R::delete_addr>, {}},
    {R::kShowAddr, kRead, nullptr,
     list<P::kShowAddr>([](P& r) { return r.mutable_show_addr()->mutable_addrs(); }),
     open_show_addr},
    {R::kUpAddr, kWrite, status_of<&S::up_addr, &R::up_addr>, {}},
    {R::kDownAddr, kWrite, status_of<&S::down_addr, &R::down_addr>, {}},
    {R::kEnableAddr, kWrite, status_of<&S::enable_addr, &R::enable_addr>, {}},
    {R::kDisableAddr, kWrite, status_of<&S::disable_addr, &R::disable_addr>, {}},
    {R::kRefreshAddr, kWrite, status_of<&S::refresh_addr, &R::refresh_addr>, {}},
    // ---- properties ----
    {R::kSetProp, kWrite, status_of<&S::set_prop, &R::set_prop>, {}},
    {R::kShowProp, kRead, result_of<&S::show_prop, &R::show_prop, &P::mutable_show_prop>,
     list<P::kShowProp>([](P& r) { return r.mutable_show_prop()->mutable_props(); })},
    // ---- routes ----
    {R::kCreateRoute, kWrite, status_of<&S::create_route, &R::create_route>, {}},
    {R::kDeleteRoute, kWrite, status_of<&S::delete_route, &R::delete_route>, {}},
    {R::kShowRoute, kRead, result_of<&S::show_route, &R::show_route, &P::mutable_show_route>,
     list<P::kShowRoute>([](P& r) { return r.mutable_show_route()->mutable_routes(); })},
    // ---- configuration ----
    {R::kRestore, kWrite, run_restore, {}},
    {R::kExportConf, kRead, run_export,
     list<P::kExportConf>([](P& r) { return r.mutable_export_conf()->mutable_chunk(); })},
    {R::kImportConf, kWrite, run_import,
     list<P::kImportConf>([](P& r) { return r.mutable_import_conf()->mutable_warnings(); })},
    // ---- network-online ----
    {R::kWaitOnline, kRead,
     result_of<&S::wait_online, &R::wait_online, &P::mutable_wait_online>,
     list<P::kWaitOnline>([](P& r) { return r.mutable_wait_online()->mutable_objs(); })},
    // ---- checkpoints ----
    {R::kCheckpoint, kWrite, result_of<&S::checkpoint, &R::checkpoint, &P::mutable_checkpoint>,
     {}},
    {R::kCommit, kWrite, status_of<&S::commit, &R::commit>, {}},
    {R::kRollback, kWrite, status_of<&S::rollback, &R::rollback>, {}},
    {R::kShowCheckpoint, kRead,
     result_of<&S::show_checkpoint, &R::show_checkpoint, &P::mutable_show_checkpoint>, {}},
};

}  // namespace

std::span<const Method> methods() { return kMethods; }

const Method* method_of(rpc::Request::BodyCase body) {
  for (const Method& m : kMethods)
    if (m.request == body) return &m;
  return nullptr;
}

const ListField* list_of(rpc::Reply::BodyCase body) {
  if (body == rpc::Reply::BODY_NOT_SET) return nullptr;
  for (const Method& m : kMethods)
    if (m.list.reply == body) return &m.list;
  return nullptr;
}

}  // namespace ipadm::daemon

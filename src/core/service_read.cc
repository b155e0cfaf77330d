// show-if and show-addr: from the read snapshot (core/read_snapshot.h) and
// the view source (core/view_source.h), without the service lock.
#include <algorithm>
#include <linux/if_addr.h>
#include <sys/socket.h>
#include <tuple>
#include <unordered_map>

#include "core/service.h"

namespace ipadm::core {

std::shared_ptr<const ReadSnapshot> Service::snapshot_for_read_() {
  if (auto snap = snaps_.load()) return snap;
  publish();  // nothing published yet
  return snaps_.load();
}

Result<KernelView> Service::kernel_for_read_(const std::string& ifname, bool with_addrs,
                                             bool locked) {
  if (KernelViewSource* src = view_source_.load()) return src->kernel_view(ifname, with_addrs);
  if (locked) return KernelView::read(kernel_);
  std::lock_guard lock(mu_);
  return KernelView::read(kernel_);
}

Result<rpc::ShowIfReply> Service::show_if(const rpc::ShowIfReq& req) {
  // The kernel first: an object created meanwhile shows down for a moment
  // rather than its address unnamed.
  auto kv = kernel_for_read_(req.ifname(), false);
  IPADM_TRY(kv);
  auto snap = snapshot_for_read_();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  rpc::ShowIfReply reply;
  for (auto& row : if_rows(*kv, snap->ifs, snap->pifs, req.ifname(), snap->l3protected))
    *reply.add_ifs() = std::move(row);
  if (!req.ifname().empty() && reply.ifs_size() == 0) return Status(Errc::Enxio, req.ifname());
  return reply;
}

Result<std::unique_ptr<AddrListing>> Service::show_addr_listing(const rpc::ShowAddrReq& req) {
  // One object, or one interface: the addresses of its link are enough.
  std::string ifname = req.ifname();
  if (!req.aobjname().empty()) ifname = ifname_of_aobj(req.aobjname());
  auto kv = kernel_for_read_(ifname, true);
  IPADM_TRY(kv);
  auto snap = snapshot_for_read_();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  return addr_listing_(std::move(snap), std::move(*kv), req);
}

namespace {

// Every row of a listing, as one reply.
Result<rpc::ShowAddrReply> whole(Result<std::unique_ptr<AddrListing>> listing) {
  IPADM_TRY(listing);
  rpc::ShowAddrReply reply;
  (*listing)->next(reply.mutable_addrs(), SIZE_MAX);  // no bound: every row
  return reply;
}

}  // namespace

Result<rpc::ShowAddrReply> Service::show_addr(const rpc::ShowAddrReq& req) {
  return whole(show_addr_listing(req));
}

Result<rpc::ShowAddrReply> Service::show_addr_locked_(const rpc::ShowAddrReq& req) {
  if (!publishing_.exchange(true)) touched_.all = true;
  publish_locked_();  // what this locked section changed so far
  auto kv = kernel_for_read_("", true, true);
  IPADM_TRY(kv);
  auto snap = snaps_.load();
  if (!snap) return Status(Errc::Failure, "cannot read the store");
  return whole(addr_listing_(std::move(snap), std::move(*kv), req));
}

// The errors come first, from what the rows would be: a named object has
// rows exactly when the snapshot has its entry (an object or a record); an
// interface has none when neither the kernel, the map nor the store knows it.
Result<std::unique_ptr<AddrListing>> Service::addr_listing_(
    std::shared_ptr<const ReadSnapshot> snap, KernelView kv, const rpc::ShowAddrReq& req) {
  AddrFilter f{req.aobjname(), req.ifname()};
  // The shards the request can see.
  std::vector<const AddrShard*> shards;
  if (!f.aobjname.empty()) {
    const AddrShard* sh = snap->shard(ifname_of_aobj(f.aobjname));
    const AddrEntry* e = sh ? sh->find(f.aobjname) : nullptr;
    // A user-typed name: valid, or a generated one the daemon knows (IF/_a).
    if (!parse_aobjname(f.aobjname) && !e)
      return Status(Errc::InvalidArg, "invalid address object name");
    if (!e || (!e->obj && !e->rec)) return Status(Errc::NotFound);
    shards.push_back(sh);
  } else if (!f.ifname.empty()) {
    const AddrShard* sh = snap->shard(f.ifname);
    if (sh && !sh->empty()) shards.push_back(sh);
    else if (!kv.link(f.ifname) && !snap->ifs.count(f.ifname))
      return Status(Errc::Enxio, f.ifname);
  } else {
    for (const auto& [name, sh] : snap->shards) shards.push_back(sh.get());
  }
  return std::make_unique<AddrListing>(std::move(snap), std::move(kv), std::move(f),
                                       std::move(shards));
}

}  // namespace ipadm::core

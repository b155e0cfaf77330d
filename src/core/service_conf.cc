// Configuration export/import (ipadm export / import) and the first-start
// import of a legacy illumos /etc/ipadm/ipadm.conf (the seed's data-store
// upgrade). Only the persistent configuration changes; applying it to the
// kernel is enable-if's / restore's job.
#include "core/service.h"
#include "store/conf_import.h"

namespace ipadm::core {

Result<std::string> Service::export_conf(const std::string& format) {
  std::lock_guard lock(mu_);
  auto fmt = store::conf_format_from_name(format.empty() ? "illumos" : format);
  IPADM_TRY(fmt);
  auto snap = store::snapshot_of(store_);
  IPADM_TRY(snap);
  return store::format_conf(*snap, *fmt);
}

Result<rpc::ImportReply> Service::import_conf(const std::string& text) {
  std::lock_guard lock(mu_);
  return import_locked_(text);
}

// Replaces the store's content with the text's (illumos or JSON, detected).
// A malformed text changes nothing. A name held by an active temporary
// object cannot become persistent behind its back: refused.
Result<rpc::ImportReply> Service::import_locked_(const std::string& text) {
  std::vector<std::string> warnings;
  auto next = store::parse_conf(text, &warnings);
  IPADM_TRY(next);
  for (const auto& a : next->addrs) {
    const AddrObj* o = map_.find_addr(a.aobjname);
    if (o && !(o->flags & kPersist))
      return Status(Errc::AddrObjExists, a.aobjname + " is in use by a temporary object");
  }
  for (const auto& i : next->ifs) {
    const IfObj* o = map_.find_if(i.ifname);
    if (o && (o->flags & kActive) && !(o->flags & kPersist))
      return Status(Errc::TemporaryObj, "interface " + i.ifname + " is active as temporary");
  }
  auto cur = store::snapshot_of(store_);
  IPADM_TRY(cur);
  IPADM_TRY(store_.apply(store::to_replace_batch(*cur, *next)));
  // Live objects whose records went away are no longer persistent.
  IPADM_TRY(reconcile_locked_());
  rpc::ImportReply reply;
  for (auto& w : warnings) reply.add_warnings(std::move(w));
  reply.set_interfaces(static_cast<uint32_t>(next->ifs.size()));
  reply.set_addresses(static_cast<uint32_t>(next->addrs.size()));
  reply.set_properties(static_cast<uint32_t>(next->props.size()));
  return reply;
}

Result<rpc::ImportReply> Service::import_legacy_once(const std::string& text) {
  std::lock_guard lock(mu_);
  auto done = store_.meta("legacy_conf_imported");
  IPADM_TRY(done);
  if (done->has_value()) return rpc::ImportReply();
  auto cur = store::snapshot_of(store_);
  IPADM_TRY(cur);
  rpc::ImportReply reply;
  if (cur->ifs.empty() && cur->addrs.empty() && cur->props.empty()) {
    auto r = import_locked_(text);
    IPADM_TRY(r);
    reply = std::move(*r);
  }
  IPADM_TRY(store_.apply(store::Batch().add(store::PutMeta{"legacy_conf_imported", "true"})));
  return reply;
}

}  // namespace ipadm::core

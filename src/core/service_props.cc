// Property requests: PropService (props.h) under the service lock.
#include "core/service.h"

namespace ipadm::core {

Status Service::set_prop(const rpc::SetPropReq& req) {
  std::lock_guard lock(mu_);
  IPADM_TRY(props_.set(req));
  // Temporary values live in PropService, not the store: show-addr's 'p'
  // letter reads them (read snapshots).
  if (req.object_kind() == "addr") touched_.aobjnames.insert(req.object());
  // A new host name reaches the server by restarting the client, which asks
  // for the lease it holds (illumos renews the lease to send it).
  if (req.object_kind() == "addr" && req.name() == "reqhost") {
    auto name = parse_aobjname(req.object());
    const AddrObj* o = name ? map_.find_addr(name->full()) : nullptr;
    if (o && o->atype == AddrType::Dhcp && (o->flags & kActive))
      start_dhcp_locked_(*o).ignore();
  }
  return Status::ok();
}

Result<rpc::ShowPropReply> Service::show_prop(const rpc::ShowPropReq& req) {
  std::lock_guard lock(mu_);
  return props_.show(req);
}

std::vector<std::string> Service::apply_persisted_proto_props() {
  std::lock_guard lock(mu_);
  std::vector<std::string> failures;
  props_.apply_persisted_proto_props(&failures);
  // what the kernel had before (base_cc_) must outlive this instance
  if (Status s = props_.sync_values(); !s) failures.push_back("volatile map: " + s.to_string());
  return failures;
}

}  // namespace ipadm::core

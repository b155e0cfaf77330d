// Property requests: PropService (props.h) under the service lock.
#include "core/service.h"

namespace ipadm::core {

Status Service::set_prop(const rpc::SetPropReq& req) {
  std::lock_guard lock(mu_);
  return props_.set(req);
}

Result<rpc::ShowPropReply> Service::show_prop(const rpc::ShowPropReq& req) {
  std::lock_guard lock(mu_);
  return props_.show(req);
}

std::vector<std::string> Service::apply_persisted_proto_props() {
  std::lock_guard lock(mu_);
  std::vector<std::string> failures;
  props_.apply_persisted_proto_props(&failures);
  return failures;
}

}  // namespace ipadm::core

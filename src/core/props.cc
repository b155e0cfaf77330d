// PropService entry points: request checks common to all kinds, then the
// kind's handler (props_proto.cc, props_if.cc, props_addr.cc).
#include "core/props.h"

#include "core/props_impl.h"

namespace ipadm::core {

struct PropService::KindOps {
  const char* name;
  Status (PropService::*set)(const rpc::SetPropReq&);
  Status (PropService::*show)(const rpc::ShowPropReq&, rpc::ShowPropReply*);
};

const PropService::KindOps* PropService::kind_ops_(const std::string& kind) {
  static const KindOps kKinds[] = {
      {"proto", &PropService::set_proto_, &PropService::show_proto_},
      {"if", &PropService::set_if_, &PropService::show_if_},
      {"addr", &PropService::set_addr_, &PropService::show_addr_},
  };
  for (const KindOps& k : kKinds)
    if (kind == k.name) return &k;
  return nullptr;
}

Status PropService::set(const rpc::SetPropReq& req) {
  const KindOps* k = kind_ops_(req.object_kind());
  if (!k) return Status(Errc::InvalidArg, "unknown object kind '" + req.object_kind() + "'");
  if (req.name().empty() || req.name().size() > props::kMaxNameLen)
    return Status(Errc::PropUnknown, req.name());
  if (req.value().size() > props::kMaxValueLen)
    return Status(Errc::InvalidArg, "value longer than " +
                                        std::to_string(props::kMaxValueLen) + " characters");
  if (req.op() < 0 || req.op() > 2) return Status(Errc::InvalidArg, "bad operation");
  IPADM_TRY((this->*k->set)(req));
  // A -t value must survive a daemon restart like the kernel's do.
  return sync_values();
}

Result<rpc::ShowPropReply> PropService::show(const rpc::ShowPropReq& req) {
  const KindOps* k = kind_ops_(req.object_kind());
  if (!k) return Status(Errc::InvalidArg, "unknown object kind '" + req.object_kind() + "'");
  rpc::ShowPropReply reply;
  IPADM_TRY((this->*k->show)(req, &reply));
  return reply;
}

// ---- PrefetchScope ----

void PropService::prefetch_begin_() {
  if (prefetch_depth_++ > 0) return;
  auto all = store_.all_props();
  if (!all) return;  // no prefetch: every read goes to the store
  Prefetched p;
  for (auto& r : *all) {  // all_props is in store order, as each per-object query
    if (!r.aobjname.empty()) p.addrs[r.aobjname].push_back(std::move(r));
    else if (!r.ifname.empty()) p.ifs[r.ifname].push_back(std::move(r));
  }
  prefetched_ = std::move(p);
}

void PropService::prefetch_end_() {
  if (--prefetch_depth_ == 0) prefetched_.reset();
}

Result<std::vector<store::PropRecord>> PropService::persisted_if_props_(const std::string& ifname) {
  if (!prefetched_) return store_.if_props(ifname);
  auto it = prefetched_->ifs.find(ifname);
  return it == prefetched_->ifs.end() ? std::vector<store::PropRecord>{} : it->second;
}

Result<std::vector<store::PropRecord>> PropService::persisted_addr_props_(
    const std::string& aobjname) {
  if (!prefetched_) return store_.addr_props(aobjname);
  auto it = prefetched_->addrs.find(aobjname);
  return it == prefetched_->addrs.end() ? std::vector<store::PropRecord>{} : it->second;
}

}  // namespace ipadm::core

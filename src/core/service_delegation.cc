// Host-delegated configuration (the non-global-zone analog, spec section 8).
#include <sys/socket.h>

#include "core/service.h"

namespace ipadm::core {

Status Service::init_delegations(std::vector<Delegation> delegations) {
  std::lock_guard lock(mu_);
  delegated_.clear();
  for (auto& d : delegations) delegated_[d.ifname] = std::move(d);
  touched_.ifs = true;  // the 'Z' letters of show-if
  auto done = store_.meta("first_boot_done");
  IPADM_TRY(done);
  if (done->has_value()) return Status::ok();
  // First start: persist the delegated interfaces (ipmgmt_ngz_persist_if).
  store::Batch batch;
  for (auto& [ifname, d] : delegated_) {
    auto rec = store_.interface(ifname);
    IPADM_TRY(rec);
    if (rec->has_value()) continue;
    batch.add(store::PutIf{{ifname, true, d.has_family(AF_INET6)}});
  }
  batch.add(store::PutMeta{"first_boot_done", "true"});
  return store_.apply(batch);
}

// Applies the delegated addresses (temporary, type from-gz, generated names)
// and default routes of d. Failures are reported, the rest still applied.
Status Service::apply_delegation_locked_(const Delegation& d, int ifindex,
                                         rpc::RestoreReply* report) {
  bool failed = false;
  auto note = [&](const std::string& what, const Status& s) {
    failed = true;
    if (report) report->add_failed(what + ": " + s.to_string());
  };
  for (size_t i = 0; i < d.addrs.size(); ++i) {
    AddrObj o;
    o.aobjname = delegated_aobjname(d.ifname, i);
    o.ifname = d.ifname;
    o.family = d.addrs[i].addr.family;
    o.atype = AddrType::FromGz;
    o.flags = kActive;
    o.local = d.addrs[i].addr;
    o.local_text = o.local.to_string();
    o.prefixlen = d.addrs[i].prefixlen;
    o.explicit_prefix = true;
    Status s = kernel_.addr_add(to_request(o, ifindex));
    if (!s && s.code() != Errc::Exists) {
      note(o.aobjname, s);
      continue;
    }
    if (Status m = map_.put_addr(o); !m) note(o.aobjname, m);
  }
  for (const IpAddr& gw : d.routers) {
    netlink::RouteRequest r;
    r.ifindex = ifindex;
    r.gateway = gw;
    Status s = kernel_.route_add(r);
    if (!s && s.code() != Errc::Exists) note(d.ifname + " defrouter " + gw.to_string(), s);
  }
  return failed ? Status(Errc::AllAddrsNotEnabled) : Status::ok();
}

}  // namespace ipadm::core

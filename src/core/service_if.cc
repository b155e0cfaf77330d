// Interface handlers: create-if, delete-if, enable-if, disable-if, show-if.
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <set>

#include "core/quiet_scope.h"
#include "core/service.h"
#include "core/show.h"

namespace ipadm::core {

namespace {
std::string ipv6_sysctl(const std::string& ifname, const char* leaf) {
  return "net/ipv6/conf/" + ifname + "/" + leaf;
}

}  // namespace

// Each address object is independent: deleting one IPv4 address must not
// take the other addresses of its subnet with it (Linux deletes secondaries
// with their primary unless promote_secondaries is set).
Status Service::promote_secondaries_locked_(const std::string& ifname, LinkChanges* changes) {
  Status s = changes->set_sysctl("net/ipv4/conf/" + ifname + "/promote_secondaries", "1");
  return s.code() == Errc::NotFound ? Status::ok() : s;  // no IPv4 on this kernel
}

Result<int> Service::ifindex_locked_(const std::string& ifname) {
  auto link = kernel_.link_by_name(ifname);
  if (!link) return Status(Errc::Enxio, ifname);
  return link->ifindex;
}

// IPv6 on a plumbed interface: enabled, without an automatic link-local
// address (illumos plumbs with "no link-local") and without router
// advertisements (in.ndpd is told to leave it alone; an addrconf object turns
// them on). A link in use by others is adopted as it is: IPv6 is what its
// disable_ipv6 says (link_guard.h). false if ifname has no IPv6.
Result<bool> Service::plumb_ipv6_locked_(const std::string& ifname, bool adopt,
                                         LinkChanges* changes) {
  auto disabled = kernel_.sysctl_get(ipv6_sysctl(ifname, "disable_ipv6"));
  if (!disabled) return false;
  if (adopt) return *disabled == "0";
  IPADM_TRY(changes->set_addr_gen_mode(IN6_ADDR_GEN_MODE_NONE));
  IPADM_TRY(changes->set_sysctl(ipv6_sysctl(ifname, "accept_ra"), "0"));
  IPADM_TRY(changes->set_sysctl(ipv6_sysctl(ifname, "disable_ipv6"), "0"));
  return true;
}

// The plumbing steps every enabling path shares, link up last:
// plumb_ipv6_locked_ and promote_secondaries. `changes` (set up here for
// ifindex) logs them for a revert. Returns whether IPv6 is plumbed.
Result<bool> Service::plumb_link_locked_(const std::string& ifname, int ifindex,
                                         LinkChanges* changes) {
  *changes = LinkChanges(kernel_, ifname, ifindex);
  auto adopt = in_use_by_others(kernel_, map_, ifname, ifindex);
  IPADM_TRY(adopt);
  auto has_v6 = plumb_ipv6_locked_(ifname, *adopt, changes);
  IPADM_TRY(has_v6);
  IPADM_TRY(promote_secondaries_locked_(ifname, changes));
  return *has_v6;
}

// Plumbs IPv4 and IPv6 on ifname (plumb_link_locked_), link up.
// Records the interface ACTIVE (+PERSIST) in the map; adds PutIf to batch.
// On failure the caller reverts `changes` (and erases the map entry if
// *created).
Status Service::plumb_locked_(const std::string& ifname, bool persist, store::Batch* batch,
                              bool* created, LinkChanges* changes) {
  auto idx = ifindex_locked_(ifname);
  IPADM_TRY(idx);
  auto has_v6 = plumb_link_locked_(ifname, *idx, changes);
  IPADM_TRY(has_v6);
  IPADM_TRY(changes->set_up());
  IfObj o{ifname, true, *has_v6, kActive | (persist ? kPersist : 0), *idx};
  IPADM_TRY(map_.put_if(o));
  if (persist) batch->add(store::PutIf{{ifname, true, *has_v6}});
  *created = true;
  return Status::ok();
}

// Removes the interface's managed addresses from the kernel and sets the link
// down. A link in use by others (link_guard.h) keeps its state and IPv6
// settings: only ipadm's own addresses go.
Status Service::unplumb_kernel_locked_(const std::string& ifname, bool restore_gen_mode) {
  auto idx = ifindex_locked_(ifname);
  if (!idx) return Status::ok();  // link already gone: nothing in the kernel
  auto shared = in_use_by_others(kernel_, map_, ifname, *idx);
  IPADM_TRY(shared);
  for (const AddrObj* a : map_.addrs_of(ifname)) {
    if (!(a->flags & kActive)) continue;
    if (a->atype == AddrType::Dhcp && dhcp_) dhcp_->stop(a->aobjname, false);
    if (a->atype == AddrType::Addrconf) stop_addrconf_locked_(*a, *idx).ignore();
    if (a->atype == AddrType::Dhcp) {
      AddrObj o = *a;
      drop_lease_locked_(&o);  // the map entry goes or turns inactive after
      continue;
    }
    if (a->up) {
      Status s = addr_from_kernel_locked_(*a, *idx);
      if (!s && s.code() != Errc::NotFound) return s;
    }
  }
  if (*shared) return Status::ok();
  IPADM_TRY(kernel_.link_set_up(*idx, false));
  if (restore_gen_mode &&
      kernel_.sysctl_get(ipv6_sysctl(ifname, "disable_ipv6")).is_ok()) {
    // Back to the kernel's defaults for a link nobody manages.
    kernel_.link_set_addr_gen_mode(*idx, IN6_ADDR_GEN_MODE_EUI64).ignore();
    auto ra = kernel_.sysctl_get("net/ipv6/conf/default/accept_ra");
    kernel_.sysctl_set(ipv6_sysctl(ifname, "accept_ra"), ra ? *ra : "1").ignore();
  }
  return Status::ok();
}

Status Service::create_if(const rpc::CreateIfReq& req) {
  std::lock_guard lock(mu_);
  const std::string& ifname = req.ifname();
  if (!ifname_valid(ifname)) return Status(Errc::InvalidArg, "invalid interface name");
  const IfObj* cur = map_.find_if(ifname);
  if (cur && (cur->flags & kActive)) return Errc::IfExists;
  auto prec = store_.interface(ifname);
  IPADM_TRY(prec);
  if (prec->has_value()) return Errc::OpDisableObj;
  // A link others configured is already plumbed, as far as illumos is
  // concerned (link_guard.h).
  if (auto link = kernel_.link_by_name(ifname)) {
    auto shared = in_use_by_others(kernel_, map_, ifname, link->ifindex);
    IPADM_TRY(shared);
    if (*shared) return Errc::IfExists;
  }
  store::Batch batch;
  bool created = false;
  LinkChanges changes;
  Status s = plumb_locked_(ifname, !req.temporary(), &batch, &created, &changes);
  if (s && !batch.empty()) s = store_.apply(batch);
  if (!s) {
    changes.revert();
    if (created) map_.erase_if(ifname).ignore();
  }
  return s;
}

Status Service::delete_if(const rpc::DeleteIfReq& req) {
  std::lock_guard lock(mu_);
  const std::string& ifname = req.ifname();
  if (!ifname_valid(ifname)) return Status(Errc::InvalidArg, "invalid interface name");
  const IfObj* cur = map_.find_if(ifname);
  auto prec = store_.interface(ifname);
  IPADM_TRY(prec);
  if (!cur && !prec->has_value()) return Errc::Enxio;
  if (cur && (cur->flags & kActive)) IPADM_TRY(unplumb_kernel_locked_(ifname, true));
  for (const AddrObj* a : map_.addrs_of(ifname)) props_.forget_addr(a->aobjname);
  props_.forget_if(ifname);
  IPADM_TRY(map_.erase_if(ifname));
  if (prec->has_value()) IPADM_TRY(store_.apply(store::Batch().add(store::DelIf{ifname})));
  return Status::ok();
}

Status Service::disable_if(const rpc::DisableIfReq& req) {
  std::lock_guard lock(mu_);
  const std::string& ifname = req.ifname();
  const IfObj* cur = map_.find_if(ifname);
  if (cur && (cur->flags & kAbsent)) {  // its link is away: it stays disabled
    IfObj o = *cur;
    o.flags &= ~kAbsent;
    return map_.put_if(o);
  }
  if (!cur || !(cur->flags & kActive)) return Errc::Enxio;
  IPADM_TRY(unplumb_kernel_locked_(ifname, false));
  props_.forget_if(ifname);
  for (const AddrObj* a : map_.addrs_of(ifname)) props_.forget_addr(a->aobjname);
  if (!(cur->flags & kPersist)) return map_.erase_if(ifname);
  // Persistent addrobjs stay known but inactive, so their names stay
  // reserved; temporary ones are forgotten.
  std::vector<AddrObj> keep;
  std::vector<std::string> drop;
  for (const AddrObj* a : map_.addrs_of(ifname)) {
    if (a->flags & kPersist) {
      AddrObj k = *a;
      k.flags = kPersist;
      keep.push_back(k);
    } else {
      drop.push_back(a->aobjname);
    }
  }
  for (auto& n : drop) IPADM_TRY(map_.erase_addr(n));
  IPADM_TRY(map_.put_addrs(keep));
  IfObj o = *cur;
  o.flags = kPersist;
  o.v4 = o.v6 = false;
  return map_.put_if(o);
}

Status Service::enable_if(const rpc::EnableIfReq& req) {
  std::lock_guard lock(mu_);
  const std::string& ifname = req.ifname();
  auto prec = store_.interface(ifname);
  IPADM_TRY(prec);
  if (!prec->has_value()) return Errc::Enxio;
  const IfObj* cur = map_.find_if(ifname);
  if (cur && (cur->flags & kActive)) return Errc::IfExists;
  return enable_if_locked_(prec->value(), nullptr);
}

Result<rpc::RestoreReply> Service::restore() {
  std::lock_guard lock(mu_);
  PropService::PrefetchScope prefetch(props_);  // one props read for every interface
  QuietScope quiet(quiet_);
  auto ifs = store_.interfaces();
  IPADM_TRY(ifs);
  rpc::RestoreReply reply;
  bool some_failed = false;
  for (const auto& rec : *ifs) {
    const IfObj* cur = map_.find_if(rec.ifname);
    if (cur && (cur->flags & kActive)) continue;
    int before = reply.failed_size();
    Status s = enable_if_locked_(rec, &reply);
    if (!s) {
      some_failed = true;
      if (reply.failed_size() == before) reply.add_failed(rec.ifname + ": " + s.to_string());
    }
  }
  (void)some_failed;  // failures are in reply.failed
  // Every interface is in: the routes no interface's enable put back
  // (gateway on a link configured by others, or unreachable), reported.
  apply_routes_locked_("", &reply, true);
  return reply;
}

}  // namespace ipadm::core

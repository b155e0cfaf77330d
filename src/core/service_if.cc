// Interface handlers: create-if, delete-if, enable-if, disable-if, show-if.
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <functional>
#include <future>
#include <set>

#include "core/batch_feeder.h"
#include "core/service.h"
#include "core/show.h"

namespace ipadm::core {

namespace {
std::string ipv6_sysctl(const std::string& ifname, const char* leaf) {
  return "net/ipv6/conf/" + ifname + "/" + leaf;
}

// Service::QuietHook over a scope.
struct QuietScope {
  explicit QuietScope(const Service::QuietHook& h) : hook(h) {
    if (hook) hook(true);
  }
  ~QuietScope() {
    if (hook) hook(false);
  }
  const Service::QuietHook& hook;
};
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
  IfObj o{ifname, true, *has_v6, kActive | (persist ? kPersist : 0)};
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

// Re-creates a persistent interface from the store: plumbs it, adds its
// addresses in store order (pipelined netlink batches, link still down: the
// kernel adds addresses much faster on a down link), brings the link up.
// Addresses that cannot be applied are skipped and reported: the result is
// then the soft error AllAddrsNotEnabled. `report` (optional) collects them.
Status Service::enable_if_locked_(const store::IfRecord& prec, rpc::RestoreReply* report) {
  const std::string& ifname = prec.ifname;
  auto idx = ifindex_locked_(ifname);
  IPADM_TRY(idx);
  PropService::PrefetchScope prefetch(props_);  // one props read, not several per address
  QuietScope quiet(quiet_);  // no event per address meanwhile (kernel_follow.h)

  // What plumbing changes on the link is put back unless the interface is
  // enabled in the end (link_guard.h).
  LinkChanges changes;
  bool committed = false;
  struct RevertUnlessCommitted {
    LinkChanges& changes;
    const bool& committed;
    ~RevertUnlessCommitted() {
      if (!committed) changes.revert();
    }
  } revert_guard{changes, committed};
  auto v6 = plumb_link_locked_(ifname, *idx, &changes);
  IPADM_TRY(v6);
  const bool has_v6 = *v6;
  {
    std::vector<std::string> prop_failures;
    props_.apply_persisted_if_props(ifname, &prop_failures);
    if (report)
      for (auto& f : prop_failures) report->add_failed(f);
  }
  std::vector<AddrObj> objs;
  std::vector<size_t> req_obj;  // feeder request i -> objs[req_obj[i]]
  auto note_failure = [&](const std::string& aobjname, const Status& s) {
    if (report) report->add_failed(aobjname + ": " + s.to_string());
  };
  bool some_failed = false;
  std::vector<size_t> client_objs;  // DHCP clients to start once the link is up
  bool sent_v6 = false;             // an IPv6 address went into the batch
  // Static addresses go to the kernel in chunks, on the feeder's thread,
  // while the store is still being read and the rest built. Building a
  // dhcp/addrconf object uses the kernel itself: the feeder is drained first.
  constexpr size_t kChunk = 256;
  BatchFeeder feeder(kernel_, kChunk);
  Status read = store_.each_addr(ifname, [&](store::AddrRecord&& r) {
    const bool dynamic = r.atype == AddrType::Dhcp || r.atype == AddrType::Addrconf;
    if (dynamic) feeder.drain();
    auto o = dynamic ? dynamic_from_record_locked_(r)
                     : build_static_locked_(r.aobjname, r.ifname, r.local, r.remote);
    // addrconf: SLAAC on before its link-local address is in the batch.
    if (o && r.atype == AddrType::Addrconf) {
      o->flags = kActive | kPersist;
      if (Status s = start_addrconf_locked_(*o, *idx, false); !s) o = s;
    }
    if (!o) {
      some_failed = true;
      note_failure(r.aobjname, o.status());
      AddrObj stub;  // known, not active: shows as disabled, name reserved
      stub.aobjname = r.aobjname;
      stub.ifname = r.ifname;
      stub.atype = r.atype;
      stub.flags = kPersist;
      stub.local_text = r.local;
      stub.remote_text = r.remote;
      stub.up = r.up;
      stub.extra = r.extra;
      objs.push_back(std::move(stub));
      return Status::ok();
    }
    if (r.atype == AddrType::Dhcp) {
      o->flags = kActive | kPersist;
      client_objs.push_back(objs.size());
      objs.push_back(std::move(*o));
      return Status::ok();  // its client starts once the link is up
    }
    if (r.prefixlen > 0) {
      o->prefixlen = r.prefixlen;
      o->explicit_prefix = true;
    }
    o->flags = kActive | kPersist;
    o->up = r.up;
    if (o->up) {
      netlink::AddrRequest req = to_request(*o, *idx);
      props_.decorate_addr_request(*o, &req);
      feeder.add(std::move(req));
      req_obj.push_back(objs.size());
      sent_v6 |= o->family == AF_INET6;
    }
    if (r.atype == AddrType::Addrconf) client_objs.push_back(objs.size());  // DHCPv6
    objs.push_back(std::move(*o));
    return Status::ok();
  });
  if (!read) {
    // The store failed part-way: take back what the kernel got from us.
    std::vector<Status> sent;
    feeder.finish(&sent).ignore();
    for (size_t i = 0; i < sent.size(); ++i)
      if (sent[i]) kernel_.addr_del(to_request(objs[req_obj[i]], *idx)).ignore();
    return read;
  }
  // The objects' map-mirror rows are written on another thread while the
  // kernel adds the addresses (both cost CPU; see BENCHMARKS.md, Boot
  // restore). The interface row follows the kernel work, as before: a crash
  // in between leaves the interface inactive in the mirror, so the next
  // restore redoes it, and reconcile meanwhile takes objects whose address
  // is not in the kernel as down. On failure the rows are put back.
  // The memory map is updated on that thread too (nothing else uses the
  // map during the batch); objects the kernel refused are rewritten after.
  std::vector<std::optional<AddrObj>> replaced;
  auto mirrored = std::async(std::launch::async | std::launch::deferred, [&] {
    Status s = map_.mirror_addrs(objs);
    if (s) map_.commit_addrs(objs, &replaced);
    return s;
  });
  std::vector<Status> results;
  Status batch = feeder.finish(&results);
  Status mirror_done = mirrored.get();
  struct Undo {
    std::function<void()> f;
    ~Undo() { f(); }
  } undo{[&] {
    if (committed) return;
    if (mirror_done) map_.rollback_addrs(objs, replaced);  // memory first:
    map_.unmirror_addrs(objs).ignore();                    // the mirror follows it
  }};
  IPADM_TRY(batch);
  IPADM_TRY(mirror_done);
  uint32_t added = 0;
  std::vector<AddrObj> not_added;  // rewritten in the mirror: not active
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i] || results[i].code() == Errc::Exists) {  // Exists: adopt it
      ++added;
      continue;
    }
    AddrObj& o = objs[req_obj[i]];
    some_failed = true;
    note_failure(o.aobjname, results[i]);
    o.flags = kPersist;
    not_added.push_back(o);
  }
  IPADM_TRY(changes.set_up());
  // Linux can drop IPv6 addresses added while the link was down when it
  // comes up (kernel log: "Failed to add prefix route for address ...;
  // dropping": the routes are then allocated atomically, thousands at once).
  // The reply counts what the kernel holds: a dropped address is added once
  // more, now on the up link, else reported.
  if (sent_v6) {
    auto now = kernel_.addrs(AF_INET6, *idx);
    IPADM_TRY(now);
    std::set<std::pair<IpAddr, int>> have;
    for (const auto& a : *now) have.emplace(a.local, a.prefixlen);
    for (size_t i = 0; i < results.size(); ++i) {
      AddrObj& o = objs[req_obj[i]];
      if (!results[i] || o.family != AF_INET6 || have.count({o.local, o.prefixlen})) continue;
      netlink::AddrRequest again = to_request(o, *idx);
      props_.decorate_addr_request(o, &again);
      Status s = kernel_.addr_add(again);
      if (s || s.code() == Errc::Exists) continue;
      --added;
      some_failed = true;
      note_failure(o.aobjname, Status(Errc::AddrNotAvail, "dropped by the kernel at link up"));
      o.flags = kPersist;
      not_added.push_back(o);
    }
  }
  if (!not_added.empty()) {
    IPADM_TRY(map_.mirror_addrs(not_added));
    map_.commit_addrs(not_added);
  }
  IPADM_TRY(map_.put_if(IfObj{ifname, prec.v4, prec.v6 && has_v6, kActive | kPersist}));
  committed = true;
  // IPv4 DAD in the background: enable-if and boot restore do not wait;
  // addresses found in use are taken back later (service_dad4.cc).
  if (dad4_) {
    if (auto link = kernel_.link_by_name(ifname)) {
      std::vector<Dad4Pending> probe;
      for (size_t i = 0; i < results.size(); ++i)
        if (results[i])
          if (auto p = dad4_begin_locked_(objs[req_obj[i]], *link)) probe.push_back(std::move(*p));
      dad4_start_locked_(std::move(probe));
    }
  }
  for (size_t i : client_objs) {
    if (!(objs[i].flags & kActive)) continue;  // not in the kernel (reported)
    Status s = objs[i].atype == AddrType::Dhcp ? start_dhcp_locked_(objs[i])
                                                : start_dhcp6_locked_(objs[i]);
    if (!s) {
      some_failed = true;  // the object stays: refresh-addr starts it again
      note_failure(objs[i].aobjname, s);
    }
  }
  if (auto d = delegated_.find(ifname); d != delegated_.end()) {
    if (!apply_delegation_locked_(d->second, *idx, report)) some_failed = true;
  }
  // Routes last: their gateways are reachable through the addresses now in.
  const int failed_before = report ? report->failed_size() : 0;
  apply_routes_locked_(ifname, report, false);
  if (report && report->failed_size() > failed_before) some_failed = true;
  if (report) {
    report->set_interfaces(report->interfaces() + 1);
    report->set_addresses(report->addresses() + added);
  }
  return some_failed ? Status(Errc::AllAddrsNotEnabled) : Status::ok();
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

Result<rpc::ShowIfReply> Service::show_if(const rpc::ShowIfReq& req) {
  std::lock_guard lock(mu_);
  auto view = KernelView::read(kernel_);
  IPADM_TRY(view);
  auto recs = store_.interfaces();
  IPADM_TRY(recs);
  rpc::ShowIfReply reply;
  std::set<std::string> l3;
  for (auto& [n, d] : delegated_) l3.insert(n);
  for (auto& row : if_rows(*view, map_, *recs, req.ifname(), l3)) *reply.add_ifs() = row;
  if (!req.ifname().empty() && reply.ifs_size() == 0)
    return Status(Errc::Enxio, req.ifname());
  return reply;
}

}  // namespace ipadm::core

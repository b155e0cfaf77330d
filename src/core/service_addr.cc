// Address handlers: create-addr, delete-addr, show-addr; static addresses.
#include <net/if.h>
#include <sys/socket.h>

#include <cstring>
#include <optional>
#include <set>
#include <tuple>

#include "common/addr_check.h"
#include "core/service.h"
#include "core/show.h"
#include "core/static_addr.h"

namespace ipadm::core {

namespace {
constexpr int kDadWaitMs = 1000;  // illumos DAD_WAIT_TIME
}

store::AddrRecord to_record(const AddrObj& o, bool persist_up) {
  store::AddrRecord r;
  r.aobjname = o.aobjname;
  r.ifname = o.ifname;
  r.family = o.family;
  r.atype = o.atype;
  r.local = o.local_text;
  r.remote = o.remote_text;
  r.prefixlen = o.explicit_prefix ? o.prefixlen : -1;
  r.up = persist_up;
  r.extra = o.extra;
  return r;
}

netlink::AddrRequest to_request(const AddrObj& o, int ifindex) {
  netlink::AddrRequest r;
  r.ifindex = ifindex;
  r.local = o.local;
  r.peer = o.remote;
  r.prefixlen = static_cast<uint8_t>(o.prefixlen);
  // An IPv6 /128 needs no prefix route (its local route delivers it; IPv4
  // /32s get none either), and thousands of them added on a down link make
  // Linux drop some at link up for want of route memory (BENCHMARKS.md,
  // boot restore). The noprefixroute address property defaults to on for
  // them (props_addr.cc), which decorate_addr_request applies over this.
  r.noprefixroute = o.family == AF_INET6 && o.prefixlen == 128 && !o.remote;
  return r;
}

// Builds the live object of a static address from the text the user typed
// (or the store holds): "ADDR[/PLEN]" and an optional remote "ADDR", read
// strictly and checked (core/static_addr.h); the text persisted is
// StaticHost::stored.
Result<AddrObj> Service::build_static_locked_(const std::string& aobjname,
                                              const std::string& ifname,
                                              const std::string& local_text,
                                              const std::string& remote_text) {
  auto lp = split_prefix(local_text);
  IPADM_TRY(lp);
  auto loopback = [&] {  // a missing link: Enxio when plumbing
    auto link = kernel_.link_by_name(ifname);
    return link && (link->flags & IFF_LOOPBACK);
  };
  auto local = read_static_host(resolve_, lp->host, ifname, loopback);
  IPADM_TRY(local);
  AddrObj o;
  o.aobjname = aobjname;
  o.ifname = ifname;
  o.family = local->addr.family;
  o.atype = AddrType::Static;
  o.local = local->addr;
  o.local_text = local->stored;
  if (!remote_text.empty()) {
    if (remote_text.find('/') != std::string::npos)
      return Status(Errc::BadAddr, address_detail(remote_text));
    auto remote = read_static_host(resolve_, remote_text, ifname, loopback);
    IPADM_TRY(remote);
    if (remote->addr.family != o.family)
      return Status(Errc::InvalidArg, "local and remote addresses of different families");
    o.remote = remote->addr;
    o.remote_text = remote->stored;
  }
  if (lp->prefixlen) {
    IPADM_TRY(check_prefixlen(o.local, *lp->prefixlen));
    o.prefixlen = *lp->prefixlen;
    o.explicit_prefix = true;
  } else if (o.remote) {
    o.prefixlen = o.local.max_prefixlen();
  } else {
    auto d = default_prefixlen(o.local);
    IPADM_TRY(d);
    o.prefixlen = *d;
  }
  IPADM_TRY(check_not_broadcast(o.local, o.prefixlen, local_text));
  return o;
}

Result<AddrObjName> Service::aobjname_locked_(const std::string& text) const {
  auto name = parse_aobjname(text);
  if (name) return name;
  if (map_.find_addr(text)) {
    auto slash = text.find('/');
    return AddrObjName{text.substr(0, slash), text.substr(slash + 1)};
  }
  return Status(Errc::InvalidArg, "invalid address object name");
}

Status Service::addr_to_kernel_locked_(const AddrObj& o, int ifindex, bool wait_dad) {
  auto req = to_request(o, ifindex);
  props_.decorate_addr_request(o, &req);
  Status s = kernel_.addr_add(req);
  if (!s) {
    if (s.code() == Errc::Exists) return Status(Errc::AddrInUse, o.local.to_string());
    return s;
  }
  // DAD failing is not an error: the address stays, in state "duplicate".
  // With a DAD kernel the wait happens after the service lock is released
  // (with_dad_wait_), so a 1-second wait never blocks other clients.
  if (wait_dad && o.family == AF_INET6) {
    if (dad_kernel_) pending_dad_.push_back(req);
    else kernel_.addr_wait_dad(req, kDadWaitMs).status().ignore();
  }
  // IPv4: probed (RFC 5227) once the request's body is done (with_dad_wait_).
  if (wait_dad && o.family == AF_INET && dad4_) {
    if (auto link = kernel_.link_by_name(o.ifname))
      if (auto p = dad4_begin_locked_(o, *link)) pending_dad4_.push_back(std::move(*p));
  }
  return Status::ok();
}

Status Service::with_dad_wait_(const std::function<Status()>& locked_body) {
  Status s;
  std::vector<netlink::AddrRequest> dad;
  {
    std::unique_lock lock(mu_);
    pending_dad_.clear();
    pending_dad4_.clear();
    s = locked_body();
    dad.swap(pending_dad_);
    std::vector<Dad4Pending> dad4;
    dad4.swap(pending_dad4_);
    // IPv4: the command reports the verdict (the wait releases the lock).
    if (s && !dad4.empty()) {
      dad4_start_locked_(dad4);
      dad4_wait_locked_(lock, dad4);
    }
  }
  if (s && !dad.empty()) {
    // Each waiter opens its own short-lived kernel handle: no shared state.
    auto k = dad_kernel_();
    if (k)
      for (auto& r : dad) k->addr_wait_dad(r, kDadWaitMs).status().ignore();
  }
  return s;
}

Status Service::addr_from_kernel_locked_(const AddrObj& o, int ifindex) {
  dad4_forget_locked_(o.aobjname);  // no longer probed nor duplicate
  props_.prepare_addr_removal(o);
  return kernel_.addr_del(to_request(o, ifindex));
}

Status Service::create_addr(const rpc::CreateAddrReq& req) {
  IPADM_TRY(check_create_addr_fields(req));
  if (req.type() == "dhcp") return create_dhcp_(req);
  if (req.type() == "addrconf") {
    std::lock_guard lock(mu_);
    return create_addrconf_locked_(req);
  }
  return with_dad_wait_([&] { return create_addr_locked_(req); });
}

// The checks every create-addr shares (spec 2.2): a valid new name, not
// persistent on a delegated link, an existing link. Changes nothing.
Result<Service::NewAddr> Service::begin_create_locked_(const rpc::CreateAddrReq& req) {
  auto name = parse_aobjname(req.aobjname());
  if (!name) return Status(Errc::InvalidArg, "invalid address object name");
  const std::string aobjname = name->full();
  if (map_.find_addr(aobjname)) return Status(Errc::AddrObjExists);
  auto prev = store_.addr(aobjname);
  IPADM_TRY(prev);
  if (prev->has_value()) return Status(Errc::AddrObjExists);
  NewAddr n;
  n.name = *name;
  n.persist = !req.temporary();
  if (n.persist && delegated_.count(name->ifname)) return Status(Errc::GzPerm);
  return n;
}

// The interface must be enabled: it is plumbed here if it is not known at
// all (ACTIVE; PutIf added to batch when persistent; undo_plumb_locked_
// reverts). OpDisableObj if persistent but disabled.
Status Service::plumb_for_create_locked_(NewAddr* n, store::Batch* batch) {
  auto idx = ifindex_locked_(n->name.ifname);
  IPADM_TRY(idx);
  n->ifindex = *idx;
  const IfObj* ifo = map_.find_if(n->name.ifname);
  if (!ifo || !(ifo->flags & kActive)) {
    auto prec = store_.interface(n->name.ifname);
    IPADM_TRY(prec);
    if (prec->has_value()) return Errc::OpDisableObj;
    Status s = plumb_locked_(n->name.ifname, n->persist, batch, &n->plumbed, &n->changes);
    if (!s) undo_plumb_locked_(*n);
    return s;
  }
  if (n->persist && !(ifo->flags & kPersist)) return Errc::TemporaryObj;
  return Status::ok();
}

// Puts back exactly what implicit plumbing changed (link_guard.h): a link
// that was up stays up, settings it did not change stay as they are.
void Service::undo_plumb_locked_(NewAddr& n) {
  n.changes.revert();
  if (n.plumbed) map_.erase_if(n.name.ifname).ignore();
}

Status Service::create_addr_locked_(const rpc::CreateAddrReq& req) {
  if (req.type() != "static")
    return Status(Errc::NotSup, "address type '" + req.type() + "'");
  auto n = begin_create_locked_(req);
  IPADM_TRY(n);
  if (req.local().empty()) return Status(Errc::BadAddr, "missing local address");
  auto obj = build_static_locked_(n->name.full(), n->name.ifname, req.local(), req.remote());
  IPADM_TRY(obj);
  store::Batch batch;
  IPADM_TRY(plumb_for_create_locked_(&*n, &batch));
  const std::string aobjname = n->name.full();
  obj->flags = kActive | (n->persist ? kPersist : 0);
  obj->up = !req.down();
  if (obj->up) {
    Status s = addr_to_kernel_locked_(*obj, n->ifindex, true);
    if (!s) {
      undo_plumb_locked_(*n);
      return s;
    }
  }
  auto undo_kernel = [&] {
    if (obj->up) addr_from_kernel_locked_(*obj, n->ifindex).ignore();
    undo_plumb_locked_(*n);
  };
  if (Status s = map_.put_addr(*obj); !s) {
    undo_kernel();
    return s;
  }
  if (n->persist) {
    batch.add(store::PutAddr{to_record(*obj, obj->up)});
    if (Status s = store_.apply(batch); !s) {
      map_.erase_addr(aobjname).ignore();
      undo_kernel();
      return s;
    }
  }
  return Status::ok();
}

Status Service::delete_addr(const rpc::DeleteAddrReq& req) {
  {
    std::lock_guard lock(mu_);
    auto name = aobjname_locked_(req.aobjname());
    IPADM_TRY(name);
    const AddrObj* o = map_.find_addr(name->full());
    auto rec = store_.addr(name->full());
    IPADM_TRY(rec);
    bool dhcp = o ? o->atype == AddrType::Dhcp
                  : rec->has_value() && rec->value().atype == AddrType::Dhcp;
    if (!dhcp) return delete_addr_locked_(req);
  }
  // Outside the lock: a DHCP release waits for the client to exit.
  return delete_dhcp_(parse_aobjname(req.aobjname())->full(), req.release());
}

Status Service::delete_addr_locked_(const rpc::DeleteAddrReq& req) {
  auto name = aobjname_locked_(req.aobjname());
  IPADM_TRY(name);
  const std::string aobjname = name->full();
  const AddrObj* o = map_.find_addr(aobjname);
  auto rec = store_.addr(aobjname);
  IPADM_TRY(rec);
  if (!o && !rec->has_value()) return Errc::NotFound;
  AddrType t = o ? o->atype : rec->value().atype;
  if (t == AddrType::FromGz) return Errc::GzPerm;
  if (req.release() && t != AddrType::Dhcp) return Errc::NotSup;
  std::optional<AddrObj> saved;
  if (o) saved = *o;
  bool removed = false;
  int idx = 0;
  if (saved && (saved->flags & kActive) && saved->atype == AddrType::Addrconf) {
    if (auto i = ifindex_locked_(saved->ifname)) stop_addrconf_locked_(*saved, *i).ignore();
  }
  if (saved && (saved->flags & kActive) && saved->up) {
    if (auto i = ifindex_locked_(saved->ifname)) {
      idx = *i;
      Status s = addr_from_kernel_locked_(*saved, idx);
      if (!s && s.code() != Errc::NotFound) return s;  // gone already: purge anyway
      removed = s.is_ok();
    }
  }
  // A later failure puts back what the earlier steps removed.
  auto undo = [&] {
    if (removed) addr_to_kernel_locked_(*saved, idx, false).ignore();
  };
  props_.forget_addr(aobjname);
  if (saved) {
    if (Status s = map_.erase_addr(aobjname); !s) {
      undo();
      return s;
    }
  }
  if (rec->has_value()) {
    if (Status s = store_.apply(store::Batch().add(store::DelAddr{aobjname})); !s) {
      if (saved) map_.put_addr(*saved).ignore();
      undo();
      return s;
    }
  }
  return Status::ok();
}

Status Service::maintain() {
  std::lock_guard lock(mu_);
  return store_.maintain();
}

Status Service::reconcile() {
  std::lock_guard lock(mu_);
  props_.load_values(map_.loaded_values());
  load_temp_routes_locked_();
  return reconcile_locked_();
}

Status Service::reconcile_locked_() {
  // An active object is "up" exactly when the kernel has its address: a
  // crash between the kernel step and the map write of up-addr, down-addr
  // or create-addr must not leave the map disagreeing with the kernel.
  auto view = KernelView::read(kernel_);
  IPADM_TRY(view);
  std::set<std::tuple<std::string, IpAddr, int>> in_kernel;
  for (auto& a : view->addrs())
    if (const netlink::Link* l = view->link(a.ifindex))
      in_kernel.insert({l->ifname, a.local, a.prefixlen});
  std::vector<AddrObj> updown;
  for (auto& [name, o] : map_.addrs()) {
    if (!(o.flags & kActive) || o.family == 0) continue;
    bool there = in_kernel.count({o.ifname, o.local, o.prefixlen}) > 0;
    if (o.atype == AddrType::Dhcp) {
      // "up" is the wanted state; a lease that expired meanwhile is gone.
      if (o.up && !o.local.is_zero() && !there) {
        AddrObj f = o;
        f.local = IpAddr{};
        f.local.family = AF_INET;
        f.prefixlen = 0;
        f.routers.clear();
        updown.push_back(f);
      }
      continue;
    }
    if (there != o.up) {
      AddrObj f = o;
      f.up = there;
      updown.push_back(f);
    }
  }
  if (!updown.empty()) IPADM_TRY(map_.put_addrs(updown));

  auto recs = store_.addrs("");
  IPADM_TRY(recs);
  std::set<std::string> persisted;
  for (auto& r : *recs) persisted.insert(r.aobjname);
  std::vector<AddrObj> fix;
  std::vector<std::string> drop;
  for (auto& [name, o] : map_.addrs()) {
    if ((o.flags & kPersist) && !persisted.count(name)) {
      AddrObj f = o;
      f.flags &= ~kPersist;
      if (f.flags == 0) drop.push_back(name);
      else fix.push_back(f);
    }
  }
  for (auto& n : drop) IPADM_TRY(map_.erase_addr(n));
  if (!fix.empty()) IPADM_TRY(map_.put_addrs(fix));

  auto ifrecs = store_.interfaces();
  IPADM_TRY(ifrecs);
  std::set<std::string> pifs;
  for (auto& r : *ifrecs) pifs.insert(r.ifname);
  std::vector<IfObj> iffix;
  for (auto& [name, o] : map_.ifs())
    if ((o.flags & kPersist) && !pifs.count(name)) iffix.push_back(o);
  for (IfObj o : iffix) {
    o.flags &= ~kPersist;
    IPADM_TRY(o.flags ? map_.put_if(o) : map_.erase_if(o.ifname));
  }
  return Status::ok();
}

}  // namespace ipadm::core

// Address life cycle on existing objects: up-addr, down-addr, disable-addr,
// enable-addr, refresh-addr (spec 2.2).
//
// Linux has no per-address IFF_UP: a "down" address is kept out of the
// kernel while its object, name and configuration stay (docs/linux-mapping.md).
#include <linux/if_addr.h>
#include <sys/socket.h>

#include "core/service.h"

namespace ipadm::core {

namespace {

// The kernel's current flags for the object's address, or nullopt if absent.
std::optional<uint32_t> kernel_flags(netlink::Kernel& k, const AddrObj& o, int ifindex) {
  auto addrs = k.addrs(o.family, ifindex);
  if (!addrs) return std::nullopt;
  for (auto& a : *addrs)
    if (a.local == o.local && a.prefixlen == o.prefixlen) return a.flags;
  return std::nullopt;
}

}  // namespace

// The active object named aobjname: OpDisableObj if it is known but
// disabled (in the map, or only in the store after a reboot), NotFound if it
// is not known at all.
Result<const AddrObj*> Service::enabled_obj_locked_(const std::string& aobjname) {
  const AddrObj* o = map_.find_addr(aobjname);
  if (!o) {
    auto rec = store_.addr(aobjname);
    IPADM_TRY(rec);
    return Status(rec->has_value() ? Errc::OpDisableObj : Errc::NotFound);
  }
  if (!(o->flags & kActive)) return Status(Errc::OpDisableObj);
  return o;
}

// Common checks of spec 2.2 for up/down: the object exists and is enabled;
// addrconf cannot be brought up/down; DHCP only temporarily; a persistent
// change needs a persistent object.
Result<AddrObj> Service::updown_target_locked_(const rpc::AddrObjReq& req) {
  auto name = aobjname_locked_(req.aobjname());
  IPADM_TRY(name);
  auto found = enabled_obj_locked_(name->full());
  IPADM_TRY(found);
  const AddrObj* o = *found;
  if (o->atype == AddrType::FromGz) return Status(Errc::GzPerm);
  if (o->atype == AddrType::Addrconf) return Status(Errc::NotSup);
  if (!req.temporary()) {
    if (o->atype == AddrType::Dhcp) return Status(Errc::NotSup);
    if (!(o->flags & kPersist)) return Status(Errc::TemporaryObj);
  }
  return *o;
}

Status Service::persist_up_locked_(const AddrObj& o, bool up) {
  auto rec = store_.addr(o.aobjname);
  IPADM_TRY(rec);
  if (!rec->has_value()) return Status(Errc::TemporaryObj);
  store::AddrRecord r = rec->value();
  r.up = up;
  return store_.apply(store::Batch().add(store::PutAddr{r}));
}

Status Service::up_addr(const rpc::AddrObjReq& req) {
  return with_dad_wait_([&] { return up_addr_locked_(req); });
}

Status Service::up_addr_locked_(const rpc::AddrObjReq& req) {
  auto o = updown_target_locked_(req);
  IPADM_TRY(o);
  auto idx = ifindex_locked_(o->ifname);
  IPADM_TRY(idx);
  if (o->atype == AddrType::Dhcp && o->local.is_zero()) {
    AddrObj n = *o;  // no lease yet: it goes into the kernel when it comes
    n.up = true;
    return map_.put_addr(n);
  }
  if (o->up) {
    if (dad4_duplicate_locked_(o->aobjname)) return Errc::DadFound;  // IPv4
    auto f = kernel_flags(kernel_, *o, *idx);
    if (f && (*f & IFA_F_DADFAILED)) return Errc::DadFound;
    // Up, but the kernel lost it (ip addr del, a kernel drop): put it back
    // rather than claim what the kernel does not hold.
    if (!f) IPADM_TRY(addr_to_kernel_locked_(*o, *idx, true));
  } else {
    IPADM_TRY(addr_to_kernel_locked_(*o, *idx, true));
    AddrObj n = *o;
    n.up = true;
    if (Status s = map_.put_addr(n); !s) {
      addr_from_kernel_locked_(n, *idx).ignore();
      return s;
    }
  }
  if (!req.temporary()) {
    if (Status s = persist_up_locked_(*o, true); !s) {
      if (!o->up) {
        addr_from_kernel_locked_(*o, *idx).ignore();
        map_.put_addr(*o).ignore();
      }
      return s;
    }
  }
  return Status::ok();
}

Status Service::down_addr(const rpc::AddrObjReq& req) {
  std::lock_guard lock(mu_);
  auto o = updown_target_locked_(req);
  IPADM_TRY(o);
  if (o->up && o->atype == AddrType::Dhcp && o->local.is_zero()) {
    AddrObj n = *o;
    n.up = false;
    return map_.put_addr(n);
  }
  if (o->up) {
    auto idx = ifindex_locked_(o->ifname);
    IPADM_TRY(idx);
    Status s = addr_from_kernel_locked_(*o, *idx);
    if (!s && s.code() != Errc::NotFound) return s;
    AddrObj n = *o;
    n.up = false;
    if (Status m = map_.put_addr(n); !m) {
      addr_to_kernel_locked_(*o, *idx, false).ignore();
      return m;
    }
  }
  if (!req.temporary()) {
    if (Status s = persist_up_locked_(*o, false); !s) {
      if (o->up) {
        if (auto idx = ifindex_locked_(o->ifname)) addr_to_kernel_locked_(*o, *idx, false).ignore();
        map_.put_addr(*o).ignore();
      }
      return s;
    }
  }
  return Status::ok();
}

Status Service::disable_addr(const rpc::AddrObjReq& req) {
  std::lock_guard lock(mu_);
  if (!req.temporary()) return Status(Errc::NotSup, "persistent operation not supported");
  auto name = aobjname_locked_(req.aobjname());
  IPADM_TRY(name);
  auto found = enabled_obj_locked_(name->full());
  IPADM_TRY(found);
  AddrObj cur = **found;
  const AddrObj* o = &cur;
  if (o->atype == AddrType::Dhcp) {
    if (dhcp_) dhcp_->stop(o->aobjname, false);
    drop_lease_locked_(&cur);
  } else if (o->up) {
    if (auto idx = ifindex_locked_(o->ifname)) {
      if (o->atype == AddrType::Addrconf) stop_addrconf_locked_(*o, *idx).ignore();
      Status s = addr_from_kernel_locked_(*o, *idx);
      if (!s && s.code() != Errc::NotFound) return s;
    }
  }
  props_.forget_addr(o->aobjname);
  // A temporary object has nothing to come back from: it is deleted.
  if (!(o->flags & kPersist)) return map_.erase_addr(o->aobjname);
  AddrObj n = *o;
  n.flags = kPersist;
  return map_.put_addr(n);
}

Status Service::enable_addr(const rpc::AddrObjReq& req) {
  return with_dad_wait_([&] { return enable_addr_locked_(req); });
}

Status Service::enable_addr_locked_(const rpc::AddrObjReq& req) {
  if (!req.temporary()) return Status(Errc::NotSup, "persistent operation not supported");
  auto name = aobjname_locked_(req.aobjname());
  IPADM_TRY(name);
  // Only objects disabled in this boot session are known (spec 2.2); after
  // a reboot use enable-if.
  const AddrObj* o = map_.find_addr(name->full());
  if (!o) return Errc::NotFound;
  if (o->flags & kActive) return Errc::AddrObjExists;
  const IfObj* ifo = map_.find_if(o->ifname);
  if (!ifo || !(ifo->flags & kActive)) return Status(Errc::Enxio, o->ifname);
  auto rec = store_.addr(o->aobjname);
  IPADM_TRY(rec);
  if (!rec->has_value()) return Errc::NotFound;
  const store::AddrRecord& r = rec->value();
  const bool dynamic = r.atype == AddrType::Dhcp || r.atype == AddrType::Addrconf;
  auto n = dynamic ? dynamic_from_record_locked_(r)
                   : build_static_locked_(r.aobjname, r.ifname, r.local, r.remote);
  IPADM_TRY(n);
  if (dynamic) {
    n->flags = kActive | kPersist;
    auto idx = ifindex_locked_(n->ifname);
    IPADM_TRY(idx);
    if (n->atype == AddrType::Addrconf) IPADM_TRY(start_addrconf_locked_(*n, *idx, true));
    if (Status s = map_.put_addr(*n); !s) {
      if (n->atype == AddrType::Addrconf) {
        stop_addrconf_locked_(*n, *idx).ignore();
        addr_from_kernel_locked_(*n, *idx).ignore();
      }
      return s;
    }
    return n->atype == AddrType::Dhcp ? start_dhcp_locked_(*n) : start_dhcp6_locked_(*n);
  }
  if (r.prefixlen > 0) {
    n->prefixlen = r.prefixlen;
    n->explicit_prefix = true;
  }
  n->flags = kActive | kPersist;
  n->up = r.up;
  auto idx = ifindex_locked_(n->ifname);
  IPADM_TRY(idx);
  if (n->up) IPADM_TRY(addr_to_kernel_locked_(*n, *idx, true));
  if (Status s = map_.put_addr(*n); !s) {
    if (n->up) addr_from_kernel_locked_(*n, *idx).ignore();
    return s;
  }
  return Status::ok();
}

Status Service::refresh_addr(const rpc::AddrObjReq& req) {
  if (req.inform()) return inform_addr_(req);
  return with_dad_wait_([&] { return refresh_addr_locked_(req); });
}

// refresh-addr -i: DHCPINFORM from a static IPv4 address that is in the
// kernel (spec 2.2: static only, else InvalidArg), outside the service lock.
Status Service::inform_addr_(const rpc::AddrObjReq& req) {
  std::string aobjname, ifname, hwaddr;
  IpAddr local;
  {
    std::lock_guard lock(mu_);
    auto name = aobjname_locked_(req.aobjname());
    IPADM_TRY(name);
    auto found = enabled_obj_locked_(name->full());
    IPADM_TRY(found);
    const AddrObj* o = *found;
    if (o->atype != AddrType::Static) return Errc::InvalidArg;
    if (o->family != AF_INET)
      return Status(Errc::NotSup, "DHCPv6 information requests (docs/linux-mapping.md)");
    if (!inform_) return Status(Errc::NotSup, "DHCP INFORM");
    auto link = kernel_.link_by_name(o->ifname);
    IPADM_TRY(link);
    auto f = kernel_flags(kernel_, *o, link->ifindex);
    if (!o->up || !f) return Status(Errc::AddrNotAvail, o->local.to_string());
    aobjname = o->aobjname;
    ifname = o->ifname;
    hwaddr = link->hwaddr;
    local = o->local;
  }
  return inform_(aobjname, ifname, hwaddr, local).status();
}

Status Service::refresh_addr_locked_(const rpc::AddrObjReq& req) {
  auto name = aobjname_locked_(req.aobjname());
  IPADM_TRY(name);
  auto found = enabled_obj_locked_(name->full());
  IPADM_TRY(found);
  const AddrObj* o = *found;
  if (o->atype == AddrType::Dhcp) {
    // EXTEND; with no client running, START (spec 2.2).
    if (dhcp_ && dhcp_->running(o->aobjname)) return dhcp_->renew(o->aobjname);
    return start_dhcp_locked_(*o);
  }
  if (o->atype != AddrType::Static) return Errc::NotSup;
  if (!o->up) return Status::ok();
  auto idx = ifindex_locked_(o->ifname);
  IPADM_TRY(idx);
  auto f = kernel_flags(kernel_, *o, *idx);
  if (f && !(*f & IFA_F_DADFAILED)) return Status::ok();  // not a duplicate: no-op
  // Restart DAD: re-set the address (delete and add again). An IPv4
  // duplicate is not in the kernel (service_dad4.cc): it is added and probed.
  if (f) {
    Status s = addr_from_kernel_locked_(*o, *idx);
    if (!s && s.code() != Errc::NotFound) return s;
  }
  return addr_to_kernel_locked_(*o, *idx, true);
}

}  // namespace ipadm::core

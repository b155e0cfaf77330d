// DHCP address objects (spec 3.4): create-addr -T dhcp, the lease events of
// the agent, and the daemon-restart resume.
//
// The agent (dhcp::Agent) only talks DHCP; this file puts a lease into the
// kernel: the address with the lease time as its valid and preferred
// lifetime (so a lease nobody renews expires by itself), and one default
// route (protocol dhcp) per router. The object's local/prefixlen is the
// lease in the kernel, zero while there is none.
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "common/addr_extra.h"
#include "core/service.h"

namespace ipadm::core {

namespace {

IpAddr zero_v4() {
  IpAddr a;
  a.family = AF_INET;
  return a;
}

netlink::RouteRequest router_route(int ifindex, const IpAddr& gw, size_t rank) {
  netlink::RouteRequest r;
  r.ifindex = ifindex;
  r.gateway = gw;
  r.dst = zero_v4();
  r.protocol = RTPROT_DHCP;
  r.metric = static_cast<uint32_t>(rank);
  return r;
}

// The host name to send (spec 3.4): -h as given; with -1 and no -h, the
// node name.
std::string hostname_to_send(const DhcpConf& c, const std::string& reqhost) {
  if (!reqhost.empty() && reqhost != " ") return reqhost;
  if (!c.primary) return "";
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) return "";
  return host;
}

}  // namespace

Status Service::create_dhcp_(const rpc::CreateAddrReq& req) {
  Result<int> wait = 0;
  std::string aobjname;
  {
    std::lock_guard lock(mu_);
    wait = create_dhcp_locked_(req);
    IPADM_TRY(wait);
    aobjname = parse_aobjname(req.aobjname())->full();  // valid: create succeeded
  }
  return wait_lease_(aobjname, *wait);
}

// Returns the seconds to wait for a lease (kDhcpWaitForever: no limit).
Result<int> Service::create_dhcp_locked_(const rpc::CreateAddrReq& req) {
  auto n = begin_create_locked_(req);
  IPADM_TRY(n);
  DhcpConf conf;
  if (!req.wait().empty()) {
    auto w = parse_dhcp_wait(req.wait());
    IPADM_TRY(w);
    conf.wait = *w;
  }
  conf.primary = req.primary();
  if (!dhcp_hostname_valid(req.reqhost())) return Status(Errc::InvalidArg, "invalid host name");
  auto link = kernel_.link_by_name(n->name.ifname);
  IPADM_TRY(link);
  if (link->flags & IFF_LOOPBACK) return Status(Errc::NotSup, "DHCP on a loopback interface");
  if (!dhcp_) return Status(Errc::DhcpStartError, "no DHCP client in this daemon");
  for (const AddrObj* a : map_.addrs_of(n->name.ifname))
    if (a->atype == AddrType::Dhcp)
      return Status(Errc::DhcpIpcError, "DHCP is already running on " + n->name.ifname);

  store::Batch batch;
  IPADM_TRY(plumb_for_create_locked_(&*n, &batch));
  AddrObj o;
  o.aobjname = n->name.full();
  o.ifname = n->name.ifname;
  o.family = AF_INET;
  o.atype = AddrType::Dhcp;
  o.flags = kActive | (n->persist ? kPersist : 0);
  o.local = zero_v4();
  o.extra = format_dhcp(conf);
  if (Status s = map_.put_addr(o); !s) {
    undo_plumb_locked_(*n);
    return s;
  }
  const bool reqhost = !req.reqhost().empty() && req.reqhost() != " ";
  if (reqhost) props_.remember_reqhost(o.aobjname, req.reqhost());
  if (n->persist) {
    batch.add(store::PutAddr{to_record(o, true)});
    if (reqhost)
      batch.add(store::PutProp{{"", o.ifname, o.aobjname, "reqhost", req.reqhost()}});
    if (Status s = store_.apply(batch); !s) {
      props_.forget_addr(o.aobjname);
      map_.erase_addr(o.aobjname).ignore();
      undo_plumb_locked_(*n);
      return s;
    }
  }
  if (Status s = start_dhcp_locked_(o); !s) {
    // The object stays (as illumos keeps it); the client can be started
    // again with refresh-addr.
    return s;
  }
  return conf.wait == kDhcpWaitDefault ? kDhcpDefaultWaitSecs : conf.wait;
}

Status Service::start_dhcp_locked_(const AddrObj& o) {
  if (!dhcp_) return Status(Errc::DhcpStartError, "no DHCP client in this daemon");
  auto conf = parse_dhcp(o.extra);
  IPADM_TRY(conf);
  dhcp::Params p;
  p.aobjname = o.aobjname;
  p.ifname = o.ifname;
  p.hostname = hostname_to_send(*conf, props_.reqhost(o.aobjname));
  if (!o.local.is_zero()) p.request = o.local;
  return dhcp_->start(p);
}

Status Service::wait_lease_(const std::string& aobjname, int wait) {
  if (wait == 0) return Status::ok();
  std::unique_lock lock(mu_);
  auto leased = [&] {
    const AddrObj* o = map_.find_addr(aobjname);
    return !o || !(o->flags & kActive) || !o->local.is_zero();
  };
  if (wait == kDhcpWaitForever) {
    lease_cv_.wait(lock, leased);
    return Status::ok();
  }
  if (!lease_cv_.wait_for(lock, std::chrono::seconds(wait), leased))
    return Status(Errc::DhcpIpcTimeout);
  return Status::ok();
}

void Service::apply_lease_locked_(AddrObj* o, const dhcp::Lease& lease) {
  auto idx = ifindex_locked_(o->ifname);
  if (!idx) return;
  const bool moved = !o->local.is_zero() &&
                     (o->local != lease.addr || o->prefixlen != lease.prefixlen);
  if (moved) drop_lease_locked_(o);
  o->local = lease.addr;
  o->prefixlen = lease.prefixlen;
  if (!o->up) return;  // down-addr -t: the lease is kept out of the kernel
  auto req = to_request(*o, *idx);
  props_.decorate_addr_request(*o, &req);
  if (lease.lease_secs > 0) req.valid_lft = req.preferred_lft = lease.lease_secs;
  if (Status s = kernel_.addr_replace(req); !s) {
    o->local = zero_v4();
    o->prefixlen = 0;
    return;
  }
  std::vector<IpAddr> routers;
  for (const IpAddr& gw : lease.routers) {
    if (gw.family != AF_INET || gw.is_zero()) continue;
    Status s = kernel_.route_add(router_route(*idx, gw, routers.size()));
    if (s || s.code() == Errc::Exists) routers.push_back(gw);
  }
  for (const IpAddr& old : o->routers) {
    bool kept = false;
    for (const IpAddr& gw : routers) kept |= gw == old;
    if (!kept) kernel_.route_del(router_route(*idx, old, 0)).ignore();
  }
  o->routers = std::move(routers);
  dns_lease_locked_(*o, *idx, lease);
}

void Service::drop_lease_locked_(AddrObj* o) {
  if (auto idx = ifindex_locked_(o->ifname)) {
    for (const IpAddr& gw : o->routers) kernel_.route_del(router_route(*idx, gw, 0)).ignore();
    if (!o->local.is_zero() && o->up) addr_from_kernel_locked_(*o, *idx).ignore();
  }
  dns_lease_gone_locked_(*o);
  forget_lease(o);
}

void forget_lease(AddrObj* o) {
  o->routers.clear();
  o->local = zero_v4();
  o->prefixlen = 0;
}

void Service::on_dhcp_event(const dhcp::Event& ev) {
  std::lock_guard lock(mu_);
  // A client stopped (delete, disable) after it sent this event: too late.
  if (dhcp_ && !dhcp_->current(ev)) return;
  const AddrObj* cur = map_.find_addr(ev.aobjname);
  if (!cur || cur->atype != AddrType::Dhcp || !(cur->flags & kActive)) return;
  AddrObj o = *cur;
  switch (ev.kind) {
    case dhcp::EventKind::Bound:
    case dhcp::EventKind::Renew:
      if (!ev.lease) return;
      apply_lease_locked_(&o, *ev.lease);
      break;
    case dhcp::EventKind::Deconfig:
      drop_lease_locked_(&o);
      break;
    case dhcp::EventKind::LeaseFail:
    case dhcp::EventKind::Nak:
      return;
  }
  map_.put_addr(o).ignore();
  lease_cv_.notify_all();
}

void Service::resume_dhcp() {
  std::lock_guard lock(mu_);
  for (auto& [name, o] : map_.addrs()) {
    if (!(o.flags & kActive)) continue;
    if (o.atype == AddrType::Dhcp) start_dhcp_locked_(o).ignore();
    if (o.atype == AddrType::Addrconf) start_dhcp6_locked_(o).ignore();
  }
}

// delete-addr of a dhcp object. The client goes first (with -r it sends a
// DHCPRELEASE from the leased address, so the address is removed only after
// it has exited), then the lease, the map entry and the store record.
Status Service::delete_dhcp_(const std::string& aobjname, bool release) {
  if (dhcp_) {
    dhcp_->stop(aobjname, release);
    if (release) dhcp_->wait_exit(aobjname, 3000);
  }
  std::lock_guard lock(mu_);
  auto rec = store_.addr(aobjname);
  IPADM_TRY(rec);
  const AddrObj* cur = map_.find_addr(aobjname);
  if (!cur && !rec->has_value()) return Errc::NotFound;
  std::optional<AddrObj> saved;
  if (cur) {
    AddrObj o = *cur;
    drop_lease_locked_(&o);
    saved = o;
    IPADM_TRY(map_.erase_addr(aobjname));
  }
  if (rec->has_value()) {
    if (Status s = store_.apply(store::Batch().add(store::DelAddr{aobjname})); !s) {
      // Not deleted: the object comes back and its client starts again.
      if (saved && map_.put_addr(*saved) && (saved->flags & kActive))
        start_dhcp_locked_(*saved).ignore();
      return s;
    }
  }
  props_.forget_addr(aobjname);
  lease_cv_.notify_all();
  return Status::ok();
}

}  // namespace ipadm::core

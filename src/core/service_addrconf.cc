// addrconf address objects (spec 3.5): IPv6 stateless autoconfiguration by
// the kernel (in.ndpd's job on illumos).
//
// An addrconf object is the interface's link-local address, fe80::/64 with
// the interface id of -i or else EUI-64 of the MAC (Linux uses /64 where
// illumos uses /10), plus the kernel's SLAAC on the interface: accept_ra
// (2 when the interface forwards) and autoconf = stateless, the -i token as
// IFLA_INET6_TOKEN. The link-local address is added after the sysctls, so
// its completed DAD makes the kernel send router solicitations. Addresses
// the kernel derives from router advertisements are shown under the
// object's name (show.cc). Plumbing turns accept_ra off, so an interface
// without an addrconf object does no SLAAC (in.ndpd is told the same).
#include <linux/if_addr.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>

#include "common/addr_extra.h"
#include "core/service.h"

namespace ipadm::core {

namespace {
std::string v6conf(const std::string& ifname, const char* leaf) {
  return "net/ipv6/conf/" + ifname + "/" + leaf;
}
}  // namespace

Result<AddrObj> Service::build_addrconf_locked_(const std::string& aobjname,
                                                const std::string& ifname,
                                                const std::string& extra) {
  auto conf = parse_addrconf(extra);
  IPADM_TRY(conf);
  auto link = kernel_.link_by_name(ifname);
  IPADM_TRY(link);
  if (link->flags & IFF_LOOPBACK) return Status(Errc::NotSup, "addrconf on a loopback interface");
  if (!kernel_.sysctl_get(v6conf(ifname, "disable_ipv6")))
    return Status(Errc::NotSup, "IPv6 is not available on " + ifname);
  auto ll = linklocal_address(*conf, link->hwaddr);
  if (!ll)
    return Status(Errc::NotSup, ifname + " has no hardware address: give an interface id (-i)");
  AddrObj o;
  o.aobjname = aobjname;
  o.ifname = ifname;
  o.family = AF_INET6;
  o.atype = AddrType::Addrconf;
  o.local = *ll;
  o.prefixlen = 64;
  o.extra = format_addrconf(*conf);
  return o;
}

// The kernel side of an addrconf object: SLAAC sysctls and token, then
// (add_linklocal) the link-local address. Undoes the sysctls on failure.
Status Service::start_addrconf_locked_(const AddrObj& o, int ifindex, bool add_linklocal) {
  auto conf = parse_addrconf(o.extra);
  IPADM_TRY(conf);
  auto fwd = kernel_.sysctl_get(v6conf(o.ifname, "forwarding"));
  const char* ra = fwd && *fwd != "0" ? "2" : "1";
  IPADM_TRY(kernel_.sysctl_set(v6conf(o.ifname, "accept_ra"), ra));
  Status s = kernel_.sysctl_set(v6conf(o.ifname, "autoconf"), conf->stateless ? "1" : "0");
  if (s && conf->token) s = kernel_.link_set_token(ifindex, *conf->token);
  if (s && add_linklocal) {
    s = addr_to_kernel_locked_(o, ifindex, false);
    if (s.code() == Errc::AddrInUse) s = Status::ok();  // already there: adopt it
  }
  if (!s) {
    kernel_.sysctl_set(v6conf(o.ifname, "accept_ra"), "0").ignore();
    kernel_.sysctl_set(v6conf(o.ifname, "autoconf"), "0").ignore();
  }
  return s;
}

// DHCPv6 (stateful=yes) runs once a router asks for it: the kernel records
// the M flag of the advertisements it processes (IF_RA_MANAGED in the IPv6
// device's flags), as in.ndpd tells dhcpagent on illumos. Until then
// nothing is started; on_inet6_flags() starts it when the flag appears. A
// running client is left alone, also if the flag goes away again (RFC 4862
// 5.5.3: a host keeps the stateful protocol running). The O flag alone
// (information only) starts nothing: DNS servers from RAs come as RDNSS
// options (on_nd_dns).
Status Service::start_dhcp6_locked_(const AddrObj& o) {
  auto conf = parse_addrconf(o.extra);
  IPADM_TRY(conf);
  if (!conf->stateful || !dhcp6_ || dhcp6_->running(o.aobjname)) return Status::ok();
  constexpr uint32_t kIfRaManaged = 0x40;  // IF_RA_MANAGED, Linux net/if_inet6.h
  auto link = kernel_.link_by_name(o.ifname);
  IPADM_TRY(link);
  if (!(link->inet6_flags & kIfRaManaged)) return Status::ok();
  dhcp::Params p;
  p.aobjname = o.aobjname;
  p.ifname = o.ifname;
  return dhcp6_->start(p);
}

void Service::on_inet6_flags(const std::string& ifname) {
  std::lock_guard lock(mu_);
  for (const auto& [name, o] : map_.addrs()) {
    if (o.atype != AddrType::Addrconf || !(o.flags & kActive)) continue;
    if (!ifname.empty() && o.ifname != ifname) continue;
    start_dhcp6_locked_(o).ignore();  // retried at the next change or restart
  }
}

void Service::on_dhcp6_event(const dhcp::Event& ev) {
  std::lock_guard lock(mu_);
  if (dhcp6_ && !dhcp6_->current(ev)) return;  // stopped meanwhile
  const AddrObj* o = map_.find_addr(ev.aobjname);
  if (!o || o->atype != AddrType::Addrconf || !(o->flags & kActive) || !ev.lease) return;
  auto idx = ifindex_locked_(o->ifname);
  if (!idx) return;
  const dhcp::Lease& l = *ev.lease;
  if (l.addr.family != AF_INET6 || l.addr.is_zero() || l.addr.is_v6_linklocal()) return;
  netlink::AddrRequest r;
  r.ifindex = *idx;
  r.local = l.addr;
  r.prefixlen = static_cast<uint8_t>(l.prefixlen > 0 && l.prefixlen <= 128 ? l.prefixlen : 128);
  switch (ev.kind) {
    case dhcp::EventKind::Bound:
    case dhcp::EventKind::Renew:
      // A finite lifetime keeps it apart from static addresses (not
      // IFA_F_PERMANENT): shown under the object, removed with it.
      if (l.lease_secs > 0 && l.lease_secs != 0xffffffffu) {
        r.valid_lft = l.lease_secs;
        r.preferred_lft = std::min(l.preferred_secs ? l.preferred_secs : l.lease_secs,
                                   l.lease_secs);
      }
      if (kernel_.addr_replace(r)) dns_lease_locked_(*o, *idx, l);
      break;
    case dhcp::EventKind::Deconfig:
      kernel_.addr_del(r).ignore();  // may have expired already
      if (dns_) dns_->lease_gone(o->aobjname);
      break;
    case dhcp::EventKind::LeaseFail:
    case dhcp::EventKind::Nak:
      break;
  }
}

// Stops SLAAC and DHCPv6 and removes what they made (addresses the kernel
// derived from router advertisements and DHCPv6 leases: IPv6, not
// permanent, not link-local). The
// link-local address itself is the caller's (it is the object's address).
Status Service::stop_addrconf_locked_(const AddrObj& o, int ifindex) {
  if (dhcp6_) dhcp6_->stop(o.aobjname, false);
  dns_lease_gone_locked_(o);  // DHCPv6 and RA DNS
  IPADM_TRY(kernel_.sysctl_set(v6conf(o.ifname, "accept_ra"), "0"));
  IPADM_TRY(kernel_.sysctl_set(v6conf(o.ifname, "autoconf"), "0"));
  auto addrs = kernel_.addrs(AF_INET6, ifindex);
  IPADM_TRY(addrs);
  for (const netlink::Addr& a : *addrs) {
    if ((a.flags & IFA_F_PERMANENT) || a.local.is_v6_linklocal()) continue;
    netlink::AddrRequest r;
    r.ifindex = ifindex;
    r.local = a.local;
    r.prefixlen = a.prefixlen;
    kernel_.addr_del(r).ignore();  // may expire meanwhile
  }
  return Status::ok();
}

Status Service::create_addrconf_locked_(const rpc::CreateAddrReq& req) {
  auto n = begin_create_locked_(req);
  IPADM_TRY(n);
  AddrconfConf conf;
  if (!req.interface_id().empty()) {
    auto c = parse_interface_id(req.interface_id());
    IPADM_TRY(c);
    conf = *c;
  }
  if (!req.policy().empty()) IPADM_TRY(parse_addrconf_policy(req.policy(), &conf));
  for (const AddrObj* a : map_.addrs_of(n->name.ifname))
    if (a->atype == AddrType::Addrconf) return Errc::AddrconfExists;
  auto obj = build_addrconf_locked_(n->name.full(), n->name.ifname, format_addrconf(conf));
  IPADM_TRY(obj);

  store::Batch batch;
  IPADM_TRY(plumb_for_create_locked_(&*n, &batch));
  obj->flags = kActive | (n->persist ? kPersist : 0);
  if (Status s = start_addrconf_locked_(*obj, n->ifindex, true); !s) {
    undo_plumb_locked_(*n);
    return s;
  }
  auto undo = [&] {
    stop_addrconf_locked_(*obj, n->ifindex).ignore();
    addr_from_kernel_locked_(*obj, n->ifindex).ignore();
    undo_plumb_locked_(*n);
  };
  if (Status s = map_.put_addr(*obj); !s) {
    undo();
    return s;
  }
  if (n->persist) {
    batch.add(store::PutAddr{to_record(*obj, true)});
    if (Status s = store_.apply(batch); !s) {
      map_.erase_addr(obj->aobjname).ignore();
      undo();
      return s;
    }
  }
  // The client waits for the link-local address's DAD itself.
  start_dhcp6_locked_(*obj).ignore();  // it retries on its own; never fatal
  return Status::ok();
}

// A dhcp or addrconf object from its store record (not yet in the kernel).
Result<AddrObj> Service::dynamic_from_record_locked_(const store::AddrRecord& r) {
  if (r.atype == AddrType::Addrconf) return build_addrconf_locked_(r.aobjname, r.ifname, r.extra);
  if (r.atype != AddrType::Dhcp) return Status(Errc::InvalidArg, "not a dhcp/addrconf record");
  IPADM_TRY(parse_dhcp(r.extra));
  return dynamic_stub_(r);
}

AddrObj Service::dynamic_stub_(const store::AddrRecord& r) {
  AddrObj o;
  o.aobjname = r.aobjname;
  o.ifname = r.ifname;
  o.atype = r.atype;
  o.family = r.atype == AddrType::Dhcp ? AF_INET : AF_INET6;
  if (r.atype == AddrType::Dhcp) o.local.family = AF_INET;  // no lease yet
  o.extra = r.extra;
  o.up = true;
  return o;
}

}  // namespace ipadm::core

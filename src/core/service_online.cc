// Service::wait_online: the readiness snapshot `ipadm wait-online` polls.
// Gathers facts from the map, the store and the show-addr rows; the rules
// are core/readiness.h's.
#include <map>
#include <set>

#include "core/readiness.h"
#include "core/service.h"

namespace ipadm::core {

namespace {

Presence if_presence(const IfObj* o) {
  if (!o) return Presence::Unrestored;
  if (o->flags & kAbsent) return Presence::Offline;
  if (o->flags & kActive) return Presence::Active;
  return Presence::Disabled;
}

// a: the object in the map (nullptr: only in the store); i: its interface.
Presence addr_presence(const AddrObj* a, const IfObj* i) {
  if (a && (a->flags & kActive)) return Presence::Active;
  Presence p = if_presence(i);
  if (p == Presence::Offline) return p;
  if (a) return Presence::Disabled;  // kPersist only: disabled
  return p == Presence::Active ? Presence::Unrestored : p;
}

void add(rpc::WaitOnlineReply* reply, const std::string& name, const char* kind,
         const ObjReadiness& r) {
  rpc::ObjOnline* o = reply->add_objs();
  o->set_name(name);
  o->set_kind(kind);
  o->set_ready(r.ready);
  o->set_reason(r.why);
}

}  // namespace

Result<rpc::WaitOnlineReply> Service::wait_online(const rpc::WaitOnlineReq& req) {
  std::lock_guard lock(mu_);
  auto precs = store_.addrs("");
  IPADM_TRY(precs);
  auto pifs = store_.interfaces();
  IPADM_TRY(pifs);
  std::map<std::string, const store::AddrRecord*> prec;
  for (const auto& r : *precs) prec[r.aobjname] = &r;
  std::set<std::string> pif;
  for (const auto& r : *pifs) pif.insert(r.ifname);

  // 1. The objects asked for, in order, each once.
  std::vector<std::string> ifs, aobjs;
  std::set<std::string> seen;
  auto want = [&seen](std::vector<std::string>& v, const std::string& n) {
    if (seen.insert(n).second) v.push_back(n);
  };
  if (req.names().empty()) {
    // Every persistent object, less those the administrator disabled.
    for (const auto& r : *pifs)
      if (if_presence(map_.find_if(r.ifname)) != Presence::Disabled) want(ifs, r.ifname);
    for (const auto& r : *precs)
      if (addr_presence(map_.find_addr(r.aobjname), map_.find_if(r.ifname)) !=
          Presence::Disabled)
        want(aobjs, r.aobjname);
  }
  for (const std::string& name : req.names()) {
    if (name.find('/') != std::string::npos) {
      if (!aobjname_locked_(name)) return Status(Errc::InvalidArg, name);
      if (!map_.find_addr(name) && !prec.count(name)) return Status(Errc::NotFound, name);
      want(aobjs, name);
      continue;
    }
    if (!ifname_valid(name)) return Status(Errc::InvalidArg, name);
    if (!map_.find_if(name) && !pif.count(name)) return Status(Errc::Enxio, name);
    want(ifs, name);
    for (const auto& r : *precs)
      if (r.ifname == name) want(aobjs, r.aobjname);
    for (const AddrObj* a : map_.addrs_of(name)) want(aobjs, a->aobjname);
  }

  // 2. Their kernel state, as show-addr states it (with IPv4 DAD).
  std::map<std::string, std::vector<OwnedAddr>> owned;
  if (!aobjs.empty()) {
    auto rows = show_addr_locked_(rpc::ShowAddrReq());
    IPADM_TRY(rows);
    for (const rpc::AddrInfo& row : rows->addrs()) {
      if (!row.managed()) continue;
      auto local = IpAddr::parse(row.local());
      owned[row.aobjname()].push_back({row.state(), local && local->is_v6_linklocal()});
    }
  }

  // 3. The persistent routes of the interfaces asked for (all of them
  // when no name is given), as show-route states them.
  std::vector<std::pair<std::string, const rpc::RouteInfo*>> routes;  // name, row
  rpc::ShowRouteReply route_rows;
  {
    auto rows = show_route_locked_(rpc::ShowRouteReq());
    IPADM_TRY(rows);
    route_rows = std::move(*rows);
    std::set<std::string> named(ifs.begin(), ifs.end());
    for (const rpc::RouteInfo& r : route_rows.routes()) {
      if (r.type() != "static" || r.persistent() != "yes") continue;
      if (!req.names().empty() && !named.count(r.ifname())) continue;
      if (req.names().empty() && !r.ifname().empty() &&
          if_presence(map_.find_if(r.ifname())) == Presence::Disabled)
        continue;
      std::string name = "route " + r.destination();
      name += r.gateway().empty() ? " dev " + r.ifname() : " via " + r.gateway();
      routes.emplace_back(std::move(name), &r);
    }
  }

  // 4. The verdicts.
  rpc::WaitOnlineReply reply;
  for (const std::string& ifname : ifs)
    add(&reply, ifname, "if", if_readiness(if_presence(map_.find_if(ifname))));
  for (const std::string& name : aobjs) {
    const AddrObj* a = map_.find_addr(name);
    auto pr = prec.find(name);
    const store::AddrRecord* r = pr == prec.end() ? nullptr : pr->second;
    AddrFacts f;
    f.aobjname = name;
    f.atype = a ? a->atype : r->atype;
    f.presence = addr_presence(a, map_.find_if(a ? a->ifname : r->ifname));
    f.up = a ? a->up : r->up;
    bool no_lease = a && a->atype == AddrType::Dhcp && a->local.is_zero();
    if (auto it = owned.find(name); it != owned.end() && !no_lease) f.addrs = it->second;
    add(&reply, name, "addr", addr_readiness(f));
  }
  for (const auto& [name, r] : routes) {
    Presence iface = r->ifname().empty() ? Presence::Active : if_presence(map_.find_if(r->ifname()));
    add(&reply, name, "route", route_readiness(r->state() == "ok", iface));
  }
  return reply;
}

}  // namespace ipadm::core

// Route handlers: create-route, delete-route, show-route, and putting the
// persistent routes back after the addresses that reach their gateways
// (restore, enable-if, hotplug). Rules: core/route.h; docs/linux-mapping.md,
// "Routes".
#include <sys/socket.h>

#include <algorithm>

#include "core/service.h"

namespace ipadm::core {

namespace {

// One read of what the route handlers look at in the kernel.
struct KernelRoutes {
  std::vector<netlink::Link> links;
  std::vector<netlink::Route> routes;

  static Result<KernelRoutes> read(netlink::Kernel& k) {
    KernelRoutes v;
    auto l = k.links();
    IPADM_TRY(l);
    auto r = k.routes(AF_UNSPEC);
    IPADM_TRY(r);
    v.links = std::move(*l);
    v.routes = std::move(*r);
    return v;
  }
  std::string name_of(int ifindex) const {
    for (const auto& l : links)
      if (l.ifindex == ifindex) return l.ifname;
    return "";
  }
  int index_of(const std::string& ifname) const {
    for (const auto& l : links)
      if (l.ifname == ifname) return l.ifindex;
    return 0;
  }
  // The kernel route that is r (key, gateway, link), or nullptr.
  const netlink::Route* find(const RouteObj& r) const {
    for (const auto& k : routes)
      if (kernel_matches(r, k, name_of(k.ifindex))) return &k;
    return nullptr;
  }
  // Any kernel route holding r's key (ours or not), or nullptr.
  const netlink::Route* holder(const RouteObj& r) const {
    for (const auto& k : routes)
      if (same_key(r, k)) return &k;
    return nullptr;
  }
};

// The persistent routes, in store order; records that do not parse are
// skipped (reported by the caller through bad, if given).
Result<std::vector<RouteObj>> persistent_routes(store::Store& store,
                                                std::vector<std::string>* bad = nullptr) {
  auto recs = store.routes();
  IPADM_TRY(recs);
  std::vector<RouteObj> out;
  for (const auto& rec : *recs) {
    auto r = from_record(rec);
    if (r) out.push_back(std::move(*r));
    else if (bad) bad->push_back(rec.destination + ": " + r.status().to_string());
  }
  return out;
}

// The kernel route k as a route object (for messages and selectors).
RouteObj from_kernel(const netlink::Route& k, const std::string& ifname) {
  RouteObj r;
  r.family = k.family;
  r.dst = k.dst;
  r.dst_len = k.dst_len;
  r.gateway = k.gateway;
  r.ifname = ifname;
  r.metric = k.metric;
  return r;
}

std::string unreachable_detail(const RouteObj& r) {
  return "gateway " + r.gateway->to_string() + " is not reachable: no address of " +
         (r.ifname.empty() ? std::string("an up interface") : r.ifname + " (up)") +
         " is on its subnet";
}

rpc::RouteInfo route_row(const netlink::Route* k, const RouteObj& r, const std::string& ifname,
                         const std::string& type, const std::string& persistent) {
  rpc::RouteInfo row;
  row.set_destination(destination_text(r));
  row.set_gateway(r.gateway ? r.gateway->to_string() : "");
  row.set_ifname(ifname);
  row.set_metric(k ? k->metric : r.metric);
  row.set_type(type);
  row.set_state(k ? "ok" : "inactive");
  row.set_persistent(persistent);
  row.set_family(r.family == AF_INET ? 4 : 6);
  return row;
}

}  // namespace

std::vector<RouteObj> Service::live_temp_routes_locked_(
    const std::vector<netlink::Route>& kroutes, const std::vector<netlink::Link>& links) {
  KernelRoutes view{links, kroutes};
  if (std::erase_if(temp_routes_, [&](const RouteObj& r) { return view.find(r) == nullptr; }))
    mirror_temp_routes_locked_().ignore();  // gone from the kernel: forgotten
  return temp_routes_;
}

Result<std::vector<std::pair<RouteObj, bool>>> Service::active_routes_locked_() {
  auto view = KernelRoutes::read(kernel_);
  IPADM_TRY(view);
  auto persistent = persistent_routes(store_);
  IPADM_TRY(persistent);
  std::vector<std::pair<RouteObj, bool>> out;
  for (RouteObj& r : *persistent)
    if (view->find(r)) out.emplace_back(std::move(r), false);
  for (const RouteObj& r : live_temp_routes_locked_(view->routes, view->links))
    out.emplace_back(r, true);
  return out;
}

Status Service::mirror_temp_routes_locked_() {
  store::VolatileStore* m = map_.mirror();
  if (!m) return Status::ok();
  std::vector<store::RouteRecord> recs;
  for (const RouteObj& r : temp_routes_) recs.push_back(to_record(r));
  return m->put_temp_routes(recs);
}

void Service::load_temp_routes_locked_() {
  temp_routes_.clear();
  for (const store::RouteRecord& rec : map_.loaded_routes())
    if (auto r = from_record(rec)) temp_routes_.push_back(std::move(*r));
}

Status Service::create_route(const rpc::CreateRouteReq& req) {
  std::lock_guard lock(mu_);
  auto r = parse_route({req.destination(), req.gateway(), req.ifname(), req.metric()});
  IPADM_TRY(r);
  auto view = KernelRoutes::read(kernel_);
  IPADM_TRY(view);
  int ifindex = 0;
  if (!r->ifname.empty()) {
    ifindex = view->index_of(r->ifname);
    if (ifindex == 0) return Status(Errc::Enxio, r->ifname);
  }
  auto mine = persistent_routes(store_);
  IPADM_TRY(mine);
  for (const RouteObj& o : live_temp_routes_locked_(view->routes, view->links)) mine->push_back(o);
  for (const RouteObj& o : *mine)
    if (same_key(o, *r)) return Status(Errc::Exists, "route " + route_text(o));
  if (const netlink::Route* k = view->holder(*r))
    return Status(Errc::Exists, "route " + route_text(from_kernel(*k, view->name_of(k->ifindex))) +
                                    " (" + foreign_route_type(*k) + ", not managed by ipadm)");
  if (r->gateway) {
    auto addrs = kernel_.addrs(r->family, 0);
    IPADM_TRY(addrs);
    int via = gateway_link(*r->gateway, ifindex, *addrs, view->links);
    if (via == 0) return Status(Errc::BadAddr, unreachable_detail(*r));
    ifindex = via;
  }
  IPADM_TRY(kernel_.route_add(to_request(*r, ifindex)));
  if (req.temporary()) {
    // Mirrored before the reply, so that a restarted daemon still owns it.
    temp_routes_.push_back(*r);
    Status s = mirror_temp_routes_locked_();
    if (!s) {
      temp_routes_.pop_back();
      kernel_.route_del(to_request(*r, ifindex)).ignore();
    }
    return s;
  }
  Status s = store_.apply(store::Batch().add(store::PutRoute{to_record(*r)}));
  if (!s) kernel_.route_del(to_request(*r, ifindex)).ignore();
  return s;
}

Status Service::delete_route(const rpc::DeleteRouteReq& req) {
  std::lock_guard lock(mu_);
  auto sel = parse_route_selector({req.destination(), req.gateway(), req.ifname(), req.metric()});
  IPADM_TRY(sel);
  auto view = KernelRoutes::read(kernel_);
  IPADM_TRY(view);
  auto persistent = persistent_routes(store_);
  IPADM_TRY(persistent);
  std::vector<std::pair<RouteObj, bool>> hits;  // (route, persistent)
  for (const RouteObj& o : *persistent)
    if (selects(*sel, o)) hits.emplace_back(o, true);
  for (const RouteObj& o : live_temp_routes_locked_(view->routes, view->links))
    if (selects(*sel, o)) hits.emplace_back(o, false);
  if (hits.empty()) {
    for (const auto& k : view->routes) {
      RouteObj o = from_kernel(k, view->name_of(k.ifindex));
      if (selects(*sel, o))
        return Status(Errc::NotFound, "route " + route_text(o) + " is " + foreign_route_type(k) +
                                          ", not managed by ipadm; not changed");
    }
    return Status(Errc::NotFound, "no route " + req.destination());
  }
  if (hits.size() > 1)
    return Status(Errc::InvalidArg, std::to_string(hits.size()) + " routes match " +
                                        req.destination() + "; name one with -g, -i or -m");
  const auto& [target, persist] = hits.front();
  const netlink::Route* k = view->find(target);
  if (k) {
    Status s = kernel_.route_del(to_request(target, k->ifindex));
    if (!s && s.code() != Errc::NotFound) return s;
  }
  if (!persist) {
    std::erase_if(temp_routes_, [&](const RouteObj& o) { return same_key(o, target); });
    return mirror_temp_routes_locked_();  // the kernel route is gone already
  }
  Status s = store_.apply(store::Batch().add(store::DelRoute{to_record(target)}));
  if (!s && k) kernel_.route_add(to_request(target, k->ifindex)).ignore();
  return s;
}

Result<rpc::ShowRouteReply> Service::show_route(const rpc::ShowRouteReq& req) {
  std::lock_guard lock(mu_);
  return show_route_locked_(req);
}

Result<rpc::ShowRouteReply> Service::show_route_locked_(const rpc::ShowRouteReq& req) {
  auto view = KernelRoutes::read(kernel_);
  IPADM_TRY(view);
  auto persistent = persistent_routes(store_);
  IPADM_TRY(persistent);
  const std::vector<RouteObj> temps = live_temp_routes_locked_(view->routes, view->links);
  const std::string& only = req.ifname();
  rpc::ShowRouteReply reply;
  std::vector<bool> seen(persistent->size(), false);
  for (const auto& k : view->routes) {
    const std::string name = view->name_of(k.ifindex);
    if (!only.empty() && name != only) continue;
    const RouteObj as_kernel = from_kernel(k, name);
    std::string type = foreign_route_type(k), persist;
    for (size_t i = 0; i < persistent->size() && persist.empty(); ++i)
      if (kernel_matches((*persistent)[i], k, name)) {
        seen[i] = true;
        type = "static";
        persist = "yes";
      }
    for (size_t i = 0; i < temps.size() && persist.empty(); ++i)
      if (kernel_matches(temps[i], k, name)) {
        type = "static";
        persist = "no";
      }
    *reply.add_routes() = route_row(&k, as_kernel, name, type, persist);
  }
  for (size_t i = 0; i < persistent->size(); ++i) {
    const RouteObj& r = (*persistent)[i];
    if (seen[i] || (!only.empty() && r.ifname != only)) continue;
    *reply.add_routes() = route_row(nullptr, r, r.ifname, "static", "yes");
  }
  if (!only.empty() && reply.routes_size() == 0 && view->index_of(only) == 0)
    return Status(Errc::Enxio, only);
  return reply;
}

int Service::apply_routes_locked_(const std::string& ifname, rpc::RestoreReply* report,
                                  bool report_all) {
  std::vector<std::string> bad;
  auto persistent = persistent_routes(store_, &bad);
  // No routes (the common case): no kernel reads on the boot restore path.
  if (persistent && persistent->empty() && bad.empty()) return 0;
  auto view = KernelRoutes::read(kernel_);
  auto addrs = kernel_.addrs(AF_UNSPEC, 0);
  auto fail = [&](const std::string& what, const Status& s) {
    if (report) report->add_failed("route " + what + ": " + s.to_string());
  };
  if (!persistent || !view || !addrs) {
    if (report_all) fail("*", !persistent ? persistent.status() : !view ? view.status() : addrs.status());
    return 0;
  }
  if (report_all)
    for (const auto& b : bad) fail(b, Status(Errc::EBade));
  const int here = ifname.empty() ? 0 : view->index_of(ifname);
  if (!ifname.empty() && here == 0) return 0;
  int added = 0;
  for (const RouteObj& r : *persistent) {
    if (view->find(r)) continue;  // in the kernel already
    if (!ifname.empty() && !r.ifname.empty() && r.ifname != ifname) continue;
    const bool named = !ifname.empty() && r.ifname == ifname;
    const bool tell = report_all || named;
    int idx = r.ifname.empty() ? here : view->index_of(r.ifname);
    if (!r.ifname.empty() && idx == 0) {
      if (tell) fail(route_text(r), Status(Errc::Enxio, r.ifname));
      continue;
    }
    if (r.gateway) {
      const int via = gateway_link(*r.gateway, idx, *addrs, view->links);
      if (via == 0) {
        // Without -i, another interface's addresses may reach it later.
        if (tell && !(r.ifname.empty() && !ifname.empty()))
          fail(route_text(r), Status(Errc::BadAddr, unreachable_detail(r)));
        continue;
      }
      idx = via;
    }
    if (const netlink::Route* k = view->holder(r)) {
      if (tell) fail(route_text(r), Status(Errc::Exists, std::string("held by a ") +
                                                         foreign_route_type(*k) + " route"));
      continue;
    }
    Status s = kernel_.route_add(to_request(r, idx));
    if (s) ++added;
    else if (tell) fail(route_text(r), s);
  }
  return added;
}

}  // namespace ipadm::core

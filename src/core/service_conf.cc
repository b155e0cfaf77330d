// Configuration export/import (ipadm export / import) and the first-start
// import of a legacy illumos /etc/ipadm/ipadm.conf (the seed's data-store
// upgrade). Only the persistent configuration changes; applying it to the
// kernel is enable-if's / restore's job.
#include <sys/socket.h>

#include <algorithm>
#include <map>

#include "common/addr_extra.h"
#include "core/props_impl.h"
#include "core/service.h"
#include "store/conf_import.h"

namespace ipadm::core {

Result<std::string> Service::export_conf(const std::string& format) {
  std::lock_guard lock(mu_);
  auto fmt = store::conf_format_from_name(format.empty() ? "illumos" : format);
  IPADM_TRY(fmt);
  auto snap = store::snapshot_of(store_);
  IPADM_TRY(snap);
  return store::format_conf(*snap, *fmt);
}

Result<rpc::ImportReply> Service::import_conf(const std::string& text, bool allow_empty) {
  std::lock_guard lock(mu_);
  return import_locked_(text, allow_empty, /*legacy=*/false, store::conf_format_of(text));
}

namespace {

// A temporary object the import names is taken over only if the record
// stands for the same object: same type and, for static ones, the same
// addresses and prefix length.
bool same_object(const AddrObj& live, const AddrObj& rec) {
  if (live.ifname != rec.ifname || live.atype != rec.atype) return false;
  if (live.atype != AddrType::Static) return true;
  return live.local == rec.local && live.prefixlen == rec.prefixlen && live.remote == rec.remote;
}

// s, its detail prefixed with the line and the record: "line 9: property
// ttl: 'abc' is not a number".
Status at(const std::string& where, const std::string& kind, const std::string& name,
          const Status& s) {
  std::string detail = where + kind + " " + name;
  if (!s.detail().empty() && s.detail() != name) detail += ": " + s.detail();
  return Status(s.code(), detail, s.sys_errno());
}

// Removes the records marked in drop, and their line numbers.
template <typename Rec>
void erase_marked(std::vector<Rec>* recs, std::vector<size_t>* lines,
                  const std::vector<bool>& drop) {
  std::vector<Rec> kept;
  std::vector<size_t> kept_lines;
  for (size_t i = 0; i < recs->size(); ++i) {
    if (drop[i]) continue;
    kept.push_back(std::move((*recs)[i]));
    if (i < lines->size()) kept_lines.push_back((*lines)[i]);
  }
  *recs = std::move(kept);
  *lines = std::move(kept_lines);
}

}  // namespace

Result<AddrObj> Service::import_object_locked_(const store::AddrRecord& r) {
  if (r.atype == AddrType::Static) {
    std::string local = r.prefixlen > 0 ? r.local + "/" + std::to_string(r.prefixlen) : r.local;
    auto o = build_static_locked_(r.aobjname, r.ifname, local, r.remote);
    IPADM_TRY(o);
    if (o->family != r.family)
      return Status(Errc::BadAddr, r.local + " is not an " +
                                       (r.family == AF_INET ? "IPv4" : "IPv6") + " address");
    return o;
  }
  if (r.atype == AddrType::Dhcp) return dynamic_from_record_locked_(r);
  // addrconf: its link-local address needs the link; enable-if builds it.
  IPADM_TRY(parse_addrconf(r.extra));
  return dynamic_stub_(r);
}

Status Service::check_import_locked_(store::ConfSnapshot* next,
                                     std::map<std::string, AddrObj>* objs,
                                     std::vector<std::string>* left_out) {
  // Every failure, with its line (0 = unknown, JSON): the first line is
  // reported, or (left_out) each record is left out.
  struct Failure {
    size_t line;
    Status status;
  };
  std::vector<Failure> failures;
  auto fail = [&](const Status& s, size_t line, std::vector<bool>* drop, size_t i) {
    failures.push_back({line, s});
    (*drop)[i] = true;
  };
  std::vector<bool> drop_addr(next->addrs.size()), drop_prop(next->props.size());
  for (size_t i = 0; i < next->addrs.size(); ++i) {
    const store::AddrRecord& r = next->addrs[i];
    auto o = import_object_locked_(r);
    const size_t line = i < next->addr_lines.size() ? next->addr_lines[i] : 0;
    if (!o) {
      fail(at(next->addr_where(i), "address object", r.aobjname, o.status()), line, &drop_addr,
           i);
      continue;
    }
    const AddrObj* live = map_.find_addr(r.aobjname);
    if (live && !(live->flags & kPersist) && !same_object(*live, *o)) {
      fail(Status(Errc::AddrObjExists,
                  next->addr_where(i) + r.aobjname +
                      " is in use by a temporary object with another type or address"),
           line, &drop_addr, i);
      continue;
    }
    objs->emplace(r.aobjname, std::move(*o));
  }
  // The IPv4 MTU the import gives each interface: the IPv6 MTU's bound.
  // (Its own value is checked in line order below.)
  std::map<std::string, uint32_t> mtu4;
  for (const auto& p : next->props)
    if (p.aobjname.empty() && p.protocol == "ipv4" && p.name == "mtu" && !p.ifname.empty())
      if (auto n = props::parse_int(p.value, 0, UINT32_MAX))
        mtu4[p.ifname] = static_cast<uint32_t>(*n);
  for (size_t i = 0; i < next->props.size(); ++i) {
    const store::PropRecord& p = next->props[i];
    const size_t line = i < next->prop_lines.size() ? next->prop_lines[i] : 0;
    const AddrObj* addr = nullptr;
    if (!p.aobjname.empty()) {
      auto it = objs->find(p.aobjname);
      if (it == objs->end()) {  // its address object failed: that is the error
        if (left_out)
          fail(Status(Errc::NotFound, next->prop_where(i) + "property " + p.name +
                                          ": its address object " + p.aobjname + " is left out"),
               line, &drop_prop, i);
        continue;
      }
      addr = &it->second;
    }
    std::optional<uint32_t> link_mtu;
    if (auto it = mtu4.find(p.ifname); it != mtu4.end()) link_mtu = it->second;
    auto v = props_.check_persistent(p, addr, link_mtu);
    if (!v) fail(at(next->prop_where(i), "property", p.name, v.status()), line, &drop_prop, i);
  }
  // Routes by create-route's rules, kept in their canonical form.
  std::vector<bool> drop_route(next->routes.size());
  for (size_t i = 0; i < next->routes.size(); ++i) {
    store::RouteRecord& rec = next->routes[i];
    const size_t line = i < next->route_lines.size() ? next->route_lines[i] : 0;
    auto r = parse_route({rec.destination, rec.gateway, rec.ifname, std::to_string(rec.metric)});
    if (r && r->family != rec.family) r = Status(Errc::BadProtocol, rec.gateway);
    if (!r) {
      fail(at(next->route_where(i), "route", rec.destination, r.status()), line, &drop_route, i);
      continue;
    }
    rec = to_record(*r);
  }
  if (!left_out) {
    if (failures.empty()) return Status::ok();
    return std::min_element(failures.begin(), failures.end(), [](const auto& a, const auto& b) {
             return a.line < b.line;
           })->status;
  }
  std::stable_sort(failures.begin(), failures.end(),
                   [](const auto& a, const auto& b) { return a.line < b.line; });
  for (const auto& f : failures)
    left_out->push_back(f.status.detail() + "; not imported (" +
                        std::string(errc_message(f.status.code())) + ")");
  erase_marked(&next->addrs, &next->addr_lines, drop_addr);
  erase_marked(&next->props, &next->prop_lines, drop_prop);
  erase_marked(&next->routes, &next->route_lines, drop_route);
  return Status::ok();
}

Status Service::adopt_imported_locked_(const store::ConfSnapshot& next) {
  std::vector<AddrObj> addrs;
  for (const auto& r : next.addrs)
    if (const AddrObj* o = map_.find_addr(r.aobjname); o && !(o->flags & kPersist)) {
      addrs.push_back(*o);
      addrs.back().flags |= kPersist;
    }
  if (!addrs.empty()) IPADM_TRY(map_.put_addrs(addrs));
  for (const auto& r : next.ifs)
    if (const IfObj* o = map_.find_if(r.ifname); o && (o->flags & kActive) &&
                                                  !(o->flags & kPersist)) {
      IfObj f = *o;
      f.flags |= kPersist;
      IPADM_TRY(map_.put_if(f));
    }
  return Status::ok();
}

// Replaces the store's content with the text's (illumos or JSON, detected),
// in one transaction, once every record passed the checks of create-addr and
// set-prop. A malformed or refused text changes nothing. Objects the text
// leaves out keep running, as temporary objects; active temporary objects it
// names (the same object) become persistent again.
Result<rpc::ImportReply> Service::import_locked_(const std::string& text, bool allow_empty,
                                                 bool legacy, store::ConfFormat format) {
  std::vector<std::string> warnings;
  auto next = store::parse_conf_as(text, format, &warnings);
  IPADM_TRY(next);
  auto cur = store::snapshot_of(store_);
  IPADM_TRY(cur);
  if (format == store::ConfFormat::StaticRoutes) {  // the routes only
    next->ifs = cur->ifs;
    next->addrs = cur->addrs;
    next->props = cur->props;
  }
  if (!allow_empty && next->ifs.empty() && next->addrs.empty() && next->props.empty() &&
      next->routes.empty())
    return Status(Errc::InvalidArg,
                  "empty configuration: nothing to import (ipadm import --allow-empty "
                  "clears the persistent configuration)");
  std::map<std::string, AddrObj> objs;
  IPADM_TRY(check_import_locked_(&*next, &objs, legacy ? &warnings : nullptr));
  IPADM_TRY(store_.apply(store::to_replace_batch(*cur, *next)));
  IPADM_TRY(adopt_imported_locked_(*next));
  // Live objects whose records went away are no longer persistent.
  IPADM_TRY(reconcile_locked_());
  rpc::ImportReply reply;
  for (auto& w : warnings) reply.add_warnings(std::move(w));
  reply.set_interfaces(static_cast<uint32_t>(next->ifs.size()));
  reply.set_addresses(static_cast<uint32_t>(next->addrs.size()));
  reply.set_properties(static_cast<uint32_t>(next->props.size()));
  reply.set_routes(static_cast<uint32_t>(next->routes.size()));
  return reply;
}

// The first-start imports: once (meta key), and only into a store that
// has none of what the text brings (legacy ipadm.conf: no interface,
// address or property; static_routes: no route).
Result<rpc::ImportReply> Service::import_once_locked_(const std::string& text,
                                                      store::ConfFormat format,
                                                      const std::string& meta_key) {
  auto done = store_.meta(meta_key);
  IPADM_TRY(done);
  if (done->has_value()) return rpc::ImportReply();
  auto cur = store::snapshot_of(store_);
  IPADM_TRY(cur);
  const bool empty = format == store::ConfFormat::StaticRoutes
                         ? cur->routes.empty()
                         : cur->ifs.empty() && cur->addrs.empty() && cur->props.empty();
  rpc::ImportReply reply;
  if (empty) {
    auto r = import_locked_(text, /*allow_empty=*/true, /*legacy=*/true, format);
    IPADM_TRY(r);
    reply = std::move(*r);
  }
  IPADM_TRY(store_.apply(store::Batch().add(store::PutMeta{meta_key, "true"})));
  return reply;
}

Result<rpc::ImportReply> Service::import_legacy_once(const std::string& text) {
  std::lock_guard lock(mu_);
  return import_once_locked_(text, store::ConfFormat::Illumos, "legacy_conf_imported");
}

Result<rpc::ImportReply> Service::import_static_routes_once(const std::string& text) {
  std::lock_guard lock(mu_);
  return import_once_locked_(text, store::ConfFormat::StaticRoutes, "static_routes_imported");
}

}  // namespace ipadm::core

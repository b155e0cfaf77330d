// Address properties (spec 4.3 plus Linux-only lifetimes, noprefixroute and
// metric): the table, set-addrprop, reset-addrprop, and the decoration of
// address requests with the wanted state (show is in props_addr_show.cc).
// Linux mapping in docs/linux-mapping.md, "## Properties".
//
// The kernel address is changed in place with RTM_NEWADDR/NLM_F_REPLACE
// (lifetimes and metric), or deleted and added again (prefix length,
// noprefixroute: part of the key, or not updated by an IPv4 replace).
#include <linux/if_addr.h>
#include <sys/socket.h>

#include <algorithm>

#include "core/props.h"
#include "common/addr_extra.h"
#include "core/props_impl.h"
#include "core/service.h"  // to_request

namespace ipadm::core {

using namespace props;

namespace {

constexpr uint32_t kInfinite = 0xffffffff;

// ---- check: validate and normalize a value ----
Result<std::string> check_onoff(const AddrObj&, std::string_view v) {
  auto b = parse_onoff(v);
  IPADM_TRY(b);
  return std::string(onoff(*b));
}
Result<std::string> check_valid(const AddrObj&, std::string_view v) {
  auto n = parse_lifetime(v, 1);
  IPADM_TRY(n);
  return lifetime_text(*n);
}
Result<std::string> check_preferred(const AddrObj&, std::string_view v) {
  auto n = parse_lifetime(v, 0);
  IPADM_TRY(n);
  return lifetime_text(*n);
}
Result<std::string> check_metric(const AddrObj&, std::string_view v) {
  auto n = parse_int(v, 0, UINT32_MAX);
  IPADM_TRY(n);
  return std::to_string(*n);
}
Result<std::string> check_prefixlen(const AddrObj& o, std::string_view v) {
  auto n = parse_int(v, 1, o.local.max_prefixlen());
  IPADM_TRY(n);
  return std::to_string(*n);
}
Result<std::string> check_zone(const AddrObj&, std::string_view v) {
  if (v == "global") return std::string(v);
  return Status(Errc::NotSup, "zone=" + std::string(v) + ": Linux has no per-address zones; "
                              "an address belongs to its link's network namespace");
}
Result<std::string> check_none(const AddrObj&, std::string_view v) { return std::string(v); }
Result<std::string> check_reqhost(const AddrObj&, std::string_view v) {
  if (!dhcp_hostname_valid(v)) return Status(Errc::InvalidArg, "invalid host name '" + std::string(v) + "'");
  return std::string(v == " " ? "" : v);
}

// ---- def: the default ----
std::string def_on(const AddrObj&) { return "on"; }
std::string def_off(const AddrObj&) { return "off"; }
// An IPv6 /128 needs no prefix route (to_request, service_addr.cc).
bool host_route_only(const AddrObj& o) {
  return o.family == AF_INET6 && o.prefixlen == 128 && !o.remote;
}
std::string def_noprefixroute(const AddrObj& o) { return host_route_only(o) ? "on" : "off"; }
std::string def_empty(const AddrObj&) { return ""; }
std::string def_zero(const AddrObj&) { return "0"; }
std::string def_infinite(const AddrObj&) { return "infinite"; }
std::string def_global(const AddrObj&) { return "global"; }
std::string def_prefixlen(const AddrObj& o) { return default_prefixlen_text(o); }
std::string def_broadcast(const AddrObj& o) {
  if (o.family != AF_INET || o.remote) return "";
  auto d = default_prefixlen(o.local);
  auto b = d ? broadcast_for(o.local, *d) : std::nullopt;
  return b ? b->to_string() : "";
}

// ---- cur: the current value, from the kernel's address (ka, nullptr if
// not there) or the wanted state ----
using Ka = const netlink::Addr*;
std::string cur_broadcast(const AddrObj& o, Ka, const AddrWant&) {
  auto b = o.family == AF_INET && !o.remote ? broadcast_for(o.local, o.prefixlen) : std::nullopt;
  return b ? b->to_string() : "";
}
std::string cur_deprecated(const AddrObj&, Ka ka, const AddrWant& w) {
  return onoff(ka ? (ka->flags & IFA_F_DEPRECATED) : w.deprecated);
}
std::string cur_prefixlen(const AddrObj& o, Ka, const AddrWant&) {
  return o.remote ? "" : std::to_string(o.prefixlen);
}
std::string cur_primary(const AddrObj& o, Ka, const AddrWant&) {
  if (o.atype != AddrType::Dhcp) return "off";
  auto c = parse_dhcp(o.extra);
  return onoff(c && c->primary);
}
std::string cur_transmit(const AddrObj&, Ka, const AddrWant& w) { return onoff(w.transmit); }
std::string cur_zone(const AddrObj&, Ka, const AddrWant&) { return "global"; }
// The kernel's own value when the address is there (IFA_RT_PRIORITY).
std::string cur_metric(const AddrObj&, Ka ka, const AddrWant& w) {
  return std::to_string(ka ? ka->rt_priority : effective_metric(w));
}
std::string cur_noprefixroute(const AddrObj&, Ka ka, const AddrWant& w) {
  return onoff(ka ? (ka->flags & IFA_F_NOPREFIXROUTE) : w.noprefixroute);
}
// Lifetimes: what the kernel has left, or what the address will get.
std::string cur_preferred(const AddrObj&, Ka ka, const AddrWant& w) {
  if (ka) return lifetime_text(ka->preferred_lft);
  netlink::AddrRequest r;
  want_to_request(w, &r);
  return lifetime_text(r.preferred_lft.value_or(kInfinite));
}
std::string cur_valid(const AddrObj&, Ka ka, const AddrWant& w) {
  return lifetime_text(ka ? ka->valid_lft : w.valid.value_or(kInfinite));
}

// illumos properties first (in illumos order), then the Linux additions.
const AddrProp kAddrProps[] = {
    {"broadcast", "r-", AKind::kReadOnly, check_none, def_broadcast, cur_broadcast, ""},
    {"deprecated", "rw", AKind::kWant, check_onoff, def_off, cur_deprecated, "on,off"},
    {"prefixlen", "rw", AKind::kPrefixlen, check_prefixlen, def_prefixlen, cur_prefixlen,
     nullptr},
    {"primary", "r-", AKind::kDhcpOnly, check_none, def_off, cur_primary, ""},
    {"private", "rw", AKind::kMeta, check_onoff, def_off, nullptr, "on,off"},
    {"reqhost", "rw", AKind::kDhcpMeta, check_reqhost, def_empty, nullptr, ""},
    {"transmit", "rw", AKind::kWant, check_onoff, def_on, cur_transmit, "on,off"},
    {"zone", "rw", AKind::kZone, check_zone, def_global, cur_zone, "global"},
    {"metric", "rw", AKind::kWant, check_metric, def_zero, cur_metric, "0-4294967295"},
    {"noprefixroute", "rw", AKind::kReadd, check_onoff, def_noprefixroute, cur_noprefixroute,
     "on,off"},
    {"preferred_lifetime", "rw", AKind::kWant, check_preferred, def_infinite, cur_preferred,
     "0-4294967294,infinite"},
    {"valid_lifetime", "rw", AKind::kWant, check_valid, def_infinite, cur_valid,
     "1-4294967294,infinite"},
};

// A stored number or "infinite"; nullopt if absent or malformed.
std::optional<uint32_t> as_u32(const std::optional<std::string>& v, uint32_t min) {
  if (!v) return std::nullopt;
  auto n = parse_lifetime(*v, min);
  if (!n) return std::nullopt;
  return *n;
}

}  // namespace

std::string props::default_prefixlen_text(const AddrObj& o) {
  if (o.remote || o.local.family == 0) return "";
  auto d = default_prefixlen(o.local);
  return d ? std::to_string(*d) : "";
}

std::span<const AddrProp> props::addr_table() { return kAddrProps; }

const AddrProp* props::find_addr_prop(std::string_view name) {
  for (const AddrProp& p : kAddrProps)
    if (name == p.name) return &p;
  return nullptr;
}

Result<const AddrProp*> props::addr_prop_ref(const AddrObj& o, const std::string& name,
                                             bool persistent) {
  if (o.atype == AddrType::Addrconf)
    return Status(Errc::NotSup, "addrconf addresses have no settable properties");
  const AddrProp* p = find_addr_prop(name);
  if (!p) return Status(Errc::PropUnknown, name);
  const bool dhcp = o.atype == AddrType::Dhcp;
  if (p->kind == AKind::kReadOnly)
    return Status(Errc::NotSup, std::string(p->name) + " is read-only");
  if ((p->kind == AKind::kDhcpOnly || p->kind == AKind::kDhcpMeta) && !dhcp)
    return Status(Errc::NotSup, std::string(p->name) + " applies to DHCP addresses only");
  if (p->kind == AKind::kDhcpOnly)
    return Status(Errc::NotSup, std::string(p->name) + " is read-only");
  if (p->kind == AKind::kPrefixlen && dhcp)
    return Status(Errc::NotSup, "prefixlen of a DHCP address");
  if (p->kind == AKind::kZone && persistent)
    return Status(Errc::NotSup, "zone is not persistent: network namespaces are set up "
                                "outside ipadm");
  const bool meta = p->kind == AKind::kMeta || p->kind == AKind::kDhcpMeta;
  if (dhcp && !meta && p->kind != AKind::kPrefixlen && p->kind != AKind::kZone)
    return Status(Errc::NotSup, std::string(p->name) + " of a DHCP address");
  return p;
}

void props::want_to_request(const AddrWant& w, netlink::AddrRequest* req) {
  if (w.valid) req->valid_lft = *w.valid;
  if (w.deprecated || !w.transmit) req->preferred_lft = 0;
  else if (w.preferred) req->preferred_lft = *w.preferred;
  if (req->preferred_lft && !req->valid_lft) req->valid_lft = kInfinite;
  req->noprefixroute = w.noprefixroute;
  if (w.metric) req->route_metric = *w.metric;
  else if (w.if_metric) req->route_metric = *w.if_metric;
}

std::optional<std::string> PropService::addr_persisted_(const std::string& aobjname,
                                                        const char* name) {
  auto recs = persisted_addr_props_(aobjname);
  if (!recs) return std::nullopt;
  if (const store::PropRecord* r = find_record(*recs, name)) return r->value;
  return std::nullopt;
}

std::optional<std::string> PropService::addr_active_(const AddrObj& o, const char* name) {
  auto it = addr_values_.find({o.aobjname, name});
  if (it != addr_values_.end()) {
    // A DHCP object's address follows its lease: the name is the key.
    if (it->second.local == o.local || o.atype == AddrType::Dhcp)  // "" = reset: the default
      return it->second.value.empty() ? std::nullopt : std::optional(it->second.value);
    addr_values_.erase(it);  // left over from an object of the same name
  }
  return addr_persisted_(o.aobjname, name);
}

AddrWant PropService::addr_want_(const AddrObj& o, const char* name, const std::string* value) {
  auto get = [&](const char* n) -> std::optional<std::string> {
    if (name && std::string_view(n) == name)
      return value->empty() ? std::nullopt : std::optional(*value);
    return addr_active_(o, n);
  };
  AddrWant w;
  w.deprecated = get("deprecated") == "on";
  w.transmit = get("transmit") != "off";
  w.noprefixroute = get("noprefixroute").value_or(def_noprefixroute(o)) == "on";
  w.valid = as_u32(get("valid_lifetime"), 1);
  w.preferred = as_u32(get("preferred_lifetime"), 0);
  w.metric = as_u32(get("metric"), 0);
  uint32_t fam = o.family == AF_INET6 ? kIpv6 : kIpv4;
  w.if_metric = as_u32(if_active_(o.ifname, fam, "metric"), 0);
  return w;
}

void PropService::decorate_addr_request(const AddrObj& o, netlink::AddrRequest* req) {
  want_to_request(addr_want_(o), req);
}

namespace {

bool expiring(const AddrWant& w) { return w.valid && *w.valid != kInfinite; }

// w without lifetimes: the address made permanent.
AddrWant permanent(AddrWant w) {
  w.valid.reset();
  w.preferred.reset();
  return w;
}

}  // namespace

// Linux keeps the prefix route of a deleted IPv6 address while that route
// expires (finite lifetime), and a replace that changes the metric of such an
// address adds a route beside the old one. Making the address permanent
// first (same metric) takes the expiry off its route.
Status PropService::addr_remove_(const AddrObj& o, int ifindex, const AddrWant& w) {
  netlink::AddrRequest req = to_request(o, ifindex);
  want_to_request(w, &req);
  if (o.family == AF_INET6 && expiring(w)) {
    netlink::AddrRequest perm = to_request(o, ifindex);
    want_to_request(permanent(w), &perm);
    kernel_.addr_replace(perm).ignore();  // best effort: the delete is what counts
  }
  Status s = kernel_.addr_del(req);
  return s.code() == Errc::NotFound ? Status::ok() : s;
}

void PropService::prepare_addr_removal(const AddrObj& o) {
  if (o.family != AF_INET6 || !(o.flags & kActive) || !o.up) return;
  const AddrWant w = addr_want_(o);
  if (!expiring(w)) return;
  auto link = kernel_.link_by_name(o.ifname);
  if (!link) return;
  netlink::AddrRequest perm = to_request(o, link->ifindex);
  want_to_request(permanent(w), &perm);
  kernel_.addr_replace(perm).ignore();
}

Status PropService::addr_rewrite_(const AddrObj& o, const AddrWant& from, const AddrWant& to,
                                  bool readd) {
  auto link = kernel_.link_by_name(o.ifname);
  if (!link) return Status(Errc::Enxio, o.ifname);
  const int idx = link->ifindex;
  netlink::AddrRequest req = to_request(o, idx);
  want_to_request(to, &req);
  netlink::AddrRequest old = to_request(o, idx);
  want_to_request(from, &old);
  const bool v6 = o.family == AF_INET6;
  const bool metric_moves = effective_metric(from) != effective_metric(to);
  // Linux's IPv6 replace ignores a metric of 0.
  if (v6 && metric_moves && effective_metric(to) == 0) readd = true;
  if (readd) {
    IPADM_TRY(addr_remove_(o, idx, from));
    Status s = kernel_.addr_add(req);
    if (!s) kernel_.addr_add(old).ignore();
    return s;
  }
  const bool unexpire = v6 && metric_moves && expiring(from);
  if (unexpire) {
    netlink::AddrRequest perm = to_request(o, idx);
    want_to_request(permanent(from), &perm);
    IPADM_TRY(kernel_.addr_replace(perm));
  }
  Status s = kernel_.addr_replace(req);
  if (!s && unexpire) kernel_.addr_replace(old).ignore();
  return s;
}

Status PropService::set_prefixlen_(const AddrObj& o, const std::string& value, bool temporary,
                                   bool reset) {
  if (o.remote)
    return Status(Errc::NotSup, "prefixlen: a point-to-point address has no prefix length");
  auto plen = parse_int(value, 1, o.local.max_prefixlen());
  if (!plen) return Status(Errc::NotSup, "prefixlen: this address has no default prefix length");
  AddrObj n = o;
  n.explicit_prefix = !reset;
  n.prefixlen = static_cast<int>(*plen);
  std::optional<store::AddrRecord> rec;
  if (!temporary) {
    auto r = store_.addr(o.aobjname);
    IPADM_TRY(r);
    if (!r->has_value()) return Errc::TemporaryObj;
    rec = r->value();
    rec->prefixlen = reset ? -1 : n.prefixlen;
  }
  // The prefix length is part of the kernel's key: delete, add, undo.
  const AddrWant want = addr_want_(o);
  int idx = 0;
  if (o.up) {
    auto link = kernel_.link_by_name(o.ifname);
    if (!link) return Status(Errc::Enxio, o.ifname);
    idx = link->ifindex;
    IPADM_TRY(addr_remove_(o, idx, want));
    netlink::AddrRequest req = to_request(n, idx);
    want_to_request(want, &req);
    if (Status s = kernel_.addr_add(req); !s) {
      netlink::AddrRequest old = to_request(o, idx);
      want_to_request(want, &old);
      kernel_.addr_add(old).ignore();
      return s.code() == Errc::Exists ? Status(Errc::AddrInUse, s.detail()) : s;
    }
  }
  auto undo_kernel = [&] {
    if (!o.up) return;
    addr_remove_(n, idx, want).ignore();
    netlink::AddrRequest old = to_request(o, idx);
    want_to_request(want, &old);
    kernel_.addr_add(old).ignore();
  };
  if (Status s = map_.put_addr(n); !s) {
    undo_kernel();
    return s;
  }
  if (rec) {
    if (Status s = store_.apply(store::Batch().add(store::PutAddr{*rec})); !s) {
      map_.put_addr(o).ignore();
      undo_kernel();
      return s;
    }
  }
  return Status::ok();
}

Status PropService::set_addr_(const rpc::SetPropReq& req) {
  auto name = parse_aobjname(req.object());
  if (!name) return Status(Errc::InvalidArg, "invalid address object name");
  const AddrObj* found = map_.find_addr(name->full());
  if (!found) {
    auto rec = store_.addr(name->full());
    IPADM_TRY(rec);
    return rec->has_value() ? Errc::OpDisableObj : Errc::NotFound;
  }
  const AddrObj o = *found;  // map_ may change below
  if (!(o.flags & kActive)) return Errc::OpDisableObj;
  auto ref = addr_prop_ref(o, req.name(), !req.temporary() && !req.reset());
  IPADM_TRY(ref);
  const AddrProp* p = *ref;
  if (req.op() != 0) return Status(Errc::InvalidArg, req.name() + " is not multi-valued");
  if (!req.temporary() && !(o.flags & kPersist)) return Errc::TemporaryObj;
  std::string value;
  if (req.reset()) {
    value = p->def(o);
  } else {
    auto v = p->check(o, req.value());
    IPADM_TRY(v);
    value = *v;
  }
  if (p->kind == AKind::kPrefixlen) return set_prefixlen_(o, value, req.temporary(), req.reset());
  if (p->kind == AKind::kZone) return Status::ok();  // "global": what every address has
  const bool meta = p->kind == AKind::kMeta || p->kind == AKind::kDhcpMeta;

  // The active value ("" after a reset: the default, whatever the store has).
  const std::string active = req.reset() ? "" : value;
  AddrWant want = addr_want_(o, p->name, &active);
  uint32_t valid = want.valid.value_or(kInfinite);
  if (want.preferred && *want.preferred > valid)
    return Status(Errc::ERange, "preferred_lifetime must not exceed valid_lifetime (" +
                                    lifetime_text(valid) + ")");
  // Linux never ages a permanent IPv4 address: a finite, non-zero preferred
  // lifetime with an infinite valid one would be silently ignored.
  if (o.family == AF_INET && valid == kInfinite && want.preferred && *want.preferred != 0 &&
      *want.preferred != kInfinite)
    return Status(Errc::NotSup, "on IPv4 a finite preferred_lifetime needs a finite "
                                "valid_lifetime (Linux keeps permanent IPv4 addresses "
                                "preferred)");
  store::Batch batch;
  if (!req.temporary()) {
    store::PropRecord key{"", o.ifname, o.aobjname, p->name, value};
    if (req.reset()) batch.add(store::DelProp{key});
    else batch.add(store::PutProp{key});
  }
  // A down address is not in the kernel: it gets the value when it comes up.
  const bool in_kernel = !meta && o.up;
  const AddrWant old_want = addr_want_(o);
  if (in_kernel) IPADM_TRY(addr_rewrite_(o, old_want, want, p->kind == AKind::kReadd));
  auto key = std::make_pair(o.aobjname, std::string(p->name));
  std::optional<AddrValue> saved;
  if (auto it = addr_values_.find(key); it != addr_values_.end()) saved = it->second;
  addr_values_[key] = AddrValue{o.local, active};
  if (!batch.empty()) {
    if (Status s = store_.apply(batch); !s) {
      if (saved) addr_values_[key] = *saved;
      else addr_values_.erase(key);
      if (in_kernel) addr_rewrite_(o, want, old_want, p->kind == AKind::kReadd).ignore();
      return s;
    }
  }
  return Status::ok();
}

std::string PropService::reqhost(const std::string& aobjname) {
  const AddrObj* o = map_.find_addr(aobjname);
  return o ? addr_active_(*o, "reqhost").value_or("") : "";
}

void PropService::remember_reqhost(const std::string& aobjname, const std::string& host) {
  const AddrObj* o = map_.find_addr(aobjname);
  if (o) addr_values_[{aobjname, "reqhost"}] = AddrValue{o->local, host};
  sync_values().ignore();
}

void PropService::forget_addr(const std::string& aobjname) {
  std::erase_if(addr_values_, [&](const auto& kv) { return kv.first.first == aobjname; });
  sync_values().ignore();
}

}  // namespace ipadm::core

// Interface properties (spec 4.2): set-ifprop, reset-ifprop, show-ifprop and
// their re-application at enable-if. One table row per (name, families);
// the Linux mapping is in docs/linux-mapping.md, "## Properties".
#include <net/if.h>

#include <algorithm>
#include <set>

#include "core/props.h"
#include "core/props_impl.h"

namespace ipadm::core {

using namespace props;

namespace {

constexpr uint32_t kEthMtu = 1500;        // ETH_DATA_LEN, Linux's Ethernet default
constexpr uint32_t kLoopbackMtu = 65536;  // Linux's loopback default
constexpr uint32_t kMinMtu4 = 68;         // RFC 791
constexpr uint32_t kMinMtu6 = 1280;       // RFC 8200
constexpr uint32_t kMaxMtu = 65535;

std::string conf_path(const IfCtx& c, const char* leaf) {
  return std::string("net/") + proto_name(c.fam) + "/conf/" + c.link.ifname + "/" + leaf;
}

// A per-interface sysctl; missing means the family is off on the link.
Result<std::string> read_conf(const IfCtx& c, const char* leaf) {
  auto v = c.kernel.sysctl_get(conf_path(c, leaf));
  if (!v && v.status().code() == Errc::NotFound)
    return Status(Errc::Enxio, std::string(proto_name(c.fam)) + " is not enabled on " +
                                   c.link.ifname);
  if (!v) return v;
  return std::string(trim(*v));
}

Result<std::string> check_onoff(IfCtx&, std::string_view v) {
  auto b = parse_onoff(v);
  IPADM_TRY(b);
  return std::string(onoff(*b));
}
std::string def_on(IfCtx&) { return "on"; }
std::string def_off(IfCtx&) { return "off"; }
std::string possible_onoff(IfCtx&) { return "on,off"; }
std::string possible_none(IfCtx&) { return ""; }

// arp: IFF_NOARP.
Result<std::string> get_arp(IfCtx& c) { return std::string(onoff(!(c.link.flags & IFF_NOARP))); }
Status put_arp(IfCtx& c, const std::string& v) {
  return c.kernel.link_set_arp(c.link.ifindex, v == "on");
}

// forwarding: net/ipv{4,6}/conf/IF/forwarding.
Result<std::string> get_forwarding(IfCtx& c) {
  auto v = read_conf(c, "forwarding");
  IPADM_TRY(v);
  return std::string(onoff(*v != "0"));
}
Status put_forwarding(IfCtx& c, const std::string& v) {
  return c.kernel.sysctl_set(conf_path(c, "forwarding"), v == "on" ? "1" : "0");
}

// metric: kept by ipadm, applied as the route metric of the addresses.
Result<std::string> check_metric(IfCtx&, std::string_view v) {
  auto n = parse_int(v, 0, UINT32_MAX);
  IPADM_TRY(n);
  return std::to_string(*n);
}
std::string def_zero(IfCtx&) { return "0"; }

// mtu, IPv4: the link MTU.
Result<std::string> get_mtu4(IfCtx& c) { return std::to_string(c.link.mtu); }
Result<std::string> check_mtu4(IfCtx&, std::string_view v) {
  auto n = parse_int(v, kMinMtu4, kMaxMtu);
  IPADM_TRY(n);
  return std::to_string(*n);
}
Status put_mtu4(IfCtx& c, const std::string& v) {
  Status s = c.kernel.link_set_mtu(c.link.ifindex, static_cast<uint32_t>(std::stoul(v)));
  if (s.code() == Errc::InvalidArg)
    return Status(Errc::ERange, "mtu " + v + " is outside what " + c.link.ifname +
                                    " supports (" + s.detail() + ")");
  return s;
}
// The MTU before ipadm changed it; if ipadm never did, the current one;
// otherwise (daemon restarted) Linux's default for the link type.
std::string def_mtu4(IfCtx& c) {
  if (c.base_mtu) return std::to_string(*c.base_mtu);
  if (!c.mtu_managed) return std::to_string(c.link.mtu);
  return std::to_string((c.link.flags & IFF_LOOPBACK) ? kLoopbackMtu : kEthMtu);
}
std::string possible_mtu4(IfCtx&) { return range_text(kMinMtu4, kMaxMtu); }

// mtu, IPv6: net/ipv6/conf/IF/mtu, at most the link MTU.
Result<std::string> get_mtu6(IfCtx& c) { return read_conf(c, "mtu"); }
Result<std::string> check_mtu6(IfCtx& c, std::string_view v) {
  auto n = parse_int(v, kMinMtu6, std::max<int64_t>(kMinMtu6, c.link.mtu));
  IPADM_TRY(n);
  return std::to_string(*n);
}
Status put_mtu6(IfCtx& c, const std::string& v) {
  return c.kernel.sysctl_set(conf_path(c, "mtu"), v);
}
std::string def_mtu6(IfCtx& c) { return std::to_string(c.link.mtu); }
std::string possible_mtu6(IfCtx& c) {
  return range_text(kMinMtu6, std::max<int64_t>(kMinMtu6, c.link.mtu));
}

// nud: Linux always runs NUD on IPv6 neighbours.
Result<std::string> check_nud(IfCtx& c, std::string_view v) {
  auto b = parse_onoff(v);
  IPADM_TRY(b);
  if (!*b)
    return Status(Errc::NotSup, "nud=off: Linux has no switch to turn off neighbour "
                                "unreachability detection");
  return std::string("on");
}
std::string possible_on(IfCtx&) { return "on"; }

// usesrc: no Linux equivalent.
Result<std::string> check_usesrc(IfCtx&, std::string_view v) {
  if (v == "none") return std::string(v);
  if (!ifname_valid(v)) return Status(Errc::InvalidArg, "'" + std::string(v) + "'");
  return Status(Errc::NotSup, "usesrc: Linux cannot take source addresses from another "
                              "interface (only 'none')");
}
std::string def_none(IfCtx&) { return "none"; }

// Table order is show order and the order of re-application (IPv4 MTU, the
// link's, before the IPv6 MTU that must not exceed it).
const IfProp kIfProps[] = {
    {"arp", kIpv4, get_arp, check_onoff, put_arp, def_on, possible_onoff},
    {"forwarding", kIp, get_forwarding, check_onoff, put_forwarding, def_off, possible_onoff},
    {"metric", kIp, nullptr, check_metric, nullptr, def_zero, possible_none, true},
    {"mtu", kIpv4, get_mtu4, check_mtu4, put_mtu4, def_mtu4, possible_mtu4},
    {"mtu", kIpv6, get_mtu6, check_mtu6, put_mtu6, def_mtu6, possible_mtu6},
    {"exchange_routes", kIp, nullptr, check_onoff, nullptr, def_on, possible_onoff},
    {"nud", kIpv6, nullptr, check_nud, nullptr, def_on, possible_on},
    {"usesrc", kIp, nullptr, check_usesrc, nullptr, def_none, def_none},
};

const store::PropRecord* find_rec(const std::vector<store::PropRecord>& recs, uint32_t fam,
                                  std::string_view name) {
  return find_record(recs, name, proto_name(fam));
}

}  // namespace

std::span<const IfProp> props::if_table() { return kIfProps; }

const IfProp* props::find_if_prop(std::string_view name, uint32_t fam) {
  for (const IfProp& p : kIfProps)
    if (name == p.name && (p.families & fam)) return &p;
  return nullptr;
}

bool props::if_prop_known(std::string_view name) {
  return std::any_of(std::begin(kIfProps), std::end(kIfProps),
                     [&](const IfProp& p) { return name == p.name; });
}

Result<const IfProp*> props::if_prop_ref(const std::string& protocol, const std::string& name) {
  const uint32_t fam = family_bit(protocol);
  if (!fam) {
    if (proto_bits(protocol))
      return Status(Errc::BadProtocol, "interface properties are set on ipv4 or ipv6");
    return Status(Errc::InvalidArg, "invalid protocol '" + protocol + "' specified");
  }
  const IfProp* p = find_if_prop(name, fam);
  if (!p) {
    if (if_prop_known(name))
      return Status(Errc::BadProtocol, name + " is not a property of " + protocol);
    return Status(Errc::PropUnknown, name);
  }
  return p;
}

std::optional<std::string> PropService::if_active_(const std::string& ifname, uint32_t fam,
                                                   const char* name) {
  auto it = if_values_.find({ifname, fam, name});
  if (it != if_values_.end())  // "" = reset: the default, whatever the store has
    return it->second.empty() ? std::nullopt : std::optional(it->second);
  auto recs = persisted_if_props_(ifname);
  if (!recs) return std::nullopt;
  if (const store::PropRecord* r = find_rec(*recs, fam, name)) return r->value;
  return std::nullopt;
}

Result<IfCtx> PropService::if_ctx_(const std::string& ifname, uint32_t fam) {
  auto link = kernel_.link_by_name(ifname);
  if (!link) return Status(Errc::Enxio, ifname);
  IfCtx c{.kernel = kernel_, .link = *link, .fam = fam, .base_mtu = std::nullopt,
          .mtu_managed = false};
  if (auto it = base_mtu_.find(ifname); it != base_mtu_.end()) c.base_mtu = it->second;
  if (auto recs = store_.if_props(ifname)) c.mtu_managed = find_rec(*recs, kIpv4, "mtu");
  return c;
}

// Puts value into the kernel (or ipadm's table) and re-sets the route metric
// of the family's addresses that follow the interface's; undoes itself on
// failure. *moved: the addresses changed (for the caller's undo).
Status PropService::if_apply_(const IfProp& p, IfCtx& c, const std::string& value,
                              bool is_default, std::vector<Remetric>* moved) {
  const std::string& ifname = c.link.ifname;
  if (p.put) {
    if (p.put == put_mtu4 && !base_mtu_.count(ifname)) base_mtu_[ifname] = c.link.mtu;
    IPADM_TRY(p.put(c, value));
  }
  if (p.get) return Status::ok();
  // Managed, up addresses of the family, in the state they want now.
  std::vector<Remetric> todo;
  if (p.refresh_addrs) {
    for (const AddrObj* a : map_.addrs_of(ifname))
      if ((a->flags & kActive) && a->up && a->family == af_of(c.fam) &&
          a->atype != AddrType::Addrconf)
        todo.push_back({*a, addr_want_(*a), {}});
  }
  auto key = std::make_tuple(ifname, c.fam, std::string(p.name));
  std::optional<std::string> old_value;
  if (auto it = if_values_.find(key); it != if_values_.end()) old_value = it->second;
  if_values_[key] = is_default ? "" : value;
  for (Remetric& r : todo) {
    r.after = addr_want_(r.obj);
    if (r.after.metric) continue;  // its own metric wins
    if (Status s = addr_rewrite_(r.obj, r.before, r.after, false); !s) {
      if (old_value) if_values_[key] = *old_value;
      else if_values_.erase(key);
      undo_remetric_(*moved);
      moved->clear();
      return s;
    }
    moved->push_back(r);
  }
  return Status::ok();
}

// Linux has reset the IPv6 MTU to the new link MTU: a persisted IPv6 mtu
// takes the kernel's value, so the store says what the kernel does.
void PropService::follow_mtu6_(const std::string& ifname, store::Batch* batch) {
  auto recs = store_.if_props(ifname);
  if (!recs) return;
  const store::PropRecord* r = find_rec(*recs, kIpv6, "mtu");
  if (!r) return;
  auto v6 = kernel_.sysctl_get("net/ipv6/conf/" + ifname + "/mtu");
  if (!v6 || trim(*v6) == r->value) return;
  batch->add(store::PutProp{store::PropRecord{"ipv6", ifname, "", "mtu", std::string(trim(*v6))}});
}

void PropService::undo_remetric_(const std::vector<Remetric>& moved) {
  for (auto it = moved.rbegin(); it != moved.rend(); ++it)
    addr_rewrite_(it->obj, it->after, it->before, false).ignore();
}

Status PropService::set_if_(const rpc::SetPropReq& req) {
  const std::string& ifname = req.object();
  if (!ifname_valid(ifname)) return Status(Errc::InvalidArg, "invalid interface name");
  auto ref = if_prop_ref(req.protocol(), req.name());
  IPADM_TRY(ref);
  const IfProp* p = *ref;
  const uint32_t fam = family_bit(req.protocol());
  if (req.op() != 0) return Status(Errc::InvalidArg, req.name() + " is not multi-valued");
  const IfObj* o = map_.find_if(ifname);
  if (!o || !(o->flags & kActive)) return Status(Errc::Enxio, ifname);
  if ((fam == kIpv4 && !o->v4) || (fam == kIpv6 && !o->v6))
    return Status(Errc::Enxio, req.protocol() + " is not plumbed on " + ifname);
  if (!req.temporary() && !(o->flags & kPersist)) return Errc::TemporaryObj;

  auto c = if_ctx_(ifname, fam);
  IPADM_TRY(c);
  std::string value;
  if (req.reset()) {
    value = p->def(*c);
  } else {
    auto v = p->check(*c, req.value());
    IPADM_TRY(v);
    value = *v;
  }
  store::Batch batch;
  store::PropRecord key{req.protocol(), ifname, "", p->name, value};
  if (!req.temporary()) {
    if (req.reset()) batch.add(store::DelProp{key});
    else batch.add(store::PutProp{key});
  }
  std::string old;  // the kernel value, for undo
  if (p->put) {
    auto cur = p->get(*c);
    IPADM_TRY(cur);
    old = *cur;
  }
  auto saved = if_values_;
  std::vector<Remetric> moved;
  IPADM_TRY(if_apply_(*p, *c, value, req.reset(), &moved));
  if (!req.temporary() && p->put == put_mtu4) follow_mtu6_(ifname, &batch);
  if (!batch.empty()) {
    if (Status s = store_.apply(batch); !s) {
      if (p->put) p->put(*c, old).ignore();
      if_values_ = std::move(saved);
      undo_remetric_(moved);
      return s;
    }
  }
  return Status::ok();
}

void PropService::if_row_(const IfProp& p, const std::string& ifname, uint32_t fam,
                          const std::vector<store::PropRecord>& recs, rpc::PropInfo* row) {
  row->set_object(ifname);
  row->set_protocol(proto_name(fam));
  row->set_name(p.name);
  row->set_perm("rw");
  if (const store::PropRecord* r = find_rec(recs, fam, p.name)) row->set_persistent(r->value);
  auto c = if_ctx_(ifname, fam);
  if (!c) return;  // no link: nothing current, nothing to compute defaults from
  row->set_default_value(p.def(*c));
  row->set_possible(p.possible(*c));
  // Not plumbed (disabled, or the family is off): current stays empty.
  const IfObj* o = map_.find_if(ifname);
  if (!o || !(o->flags & kActive) || (fam == kIpv4 && !o->v4) || (fam == kIpv6 && !o->v6))
    return;
  if (!p.get) {
    row->set_current(if_active_(ifname, fam, p.name).value_or(p.def(*c)));
    return;
  }
  auto cur = p.get(*c);
  if (cur) row->set_current(*cur);
  else if (cur.status().code() != Errc::Enxio)
    row->set_error(static_cast<uint32_t>(cur.status().code()));
}

Status PropService::show_if_(const rpc::ShowPropReq& req, rpc::ShowPropReply* reply) {
  uint32_t fams = kIp;
  if (!req.protocol().empty() && req.protocol() != "ip") {
    fams = family_bit(req.protocol());
    if (!fams) {
      if (proto_bits(req.protocol()))
        return Status(Errc::BadProtocol, "interface properties are shown for ip, ipv4 or ipv6");
      return Status(Errc::InvalidArg, "invalid protocol '" + req.protocol() + "' specified");
    }
  }
  auto stored = store_.interfaces();
  IPADM_TRY(stored);
  std::set<std::string> ifnames;
  for (const auto& [name, o] : map_.ifs())
    if (o.flags) ifnames.insert(name);
  for (const auto& r : *stored) ifnames.insert(r.ifname);
  if (!req.object().empty()) {
    if (!ifnames.count(req.object())) return Status(Errc::Enxio, req.object());
    ifnames = {req.object()};
  }
  for (const std::string& ifname : ifnames) {
    auto recs = store_.if_props(ifname);
    IPADM_TRY(recs);
    if (req.names().empty()) {
      for (uint32_t fam : each_bit(fams))
        for (const IfProp& p : kIfProps)
          if (p.families & fam) if_row_(p, ifname, fam, *recs, reply->add_props());
      continue;
    }
    for (const std::string& name : req.names()) {
      bool any = false;
      for (uint32_t fam : each_bit(fams)) {
        if (const IfProp* p = find_if_prop(name, fam)) {
          if_row_(*p, ifname, fam, *recs, reply->add_props());
          any = true;
        }
      }
      if (!any) {
        rpc::PropInfo* row = reply->add_props();
        row->set_object(ifname);
        row->set_protocol(fams == kIp ? "ip" : proto_name(fams));
        row->set_name(name);
        row->set_error(static_cast<uint32_t>(if_prop_known(name) ? Errc::BadProtocol
                                                                 : Errc::PropUnknown));
      }
    }
  }
  return Status::ok();
}

void PropService::apply_persisted_if_props(const std::string& ifname,
                                           std::vector<std::string>* failures) {
  forget_if(ifname);
  auto recs = store_.if_props(ifname);
  if (!recs) {
    failures->push_back(ifname + ": " + recs.status().to_string());
    return;
  }
  auto fail = [&](const store::PropRecord& r, const Status& s) {
    failures->push_back(ifname + ":" + r.protocol + "/" + r.name + ": " + s.to_string());
  };
  for (const auto& r : *recs)
    if (!family_bit(r.protocol) || !find_if_prop(r.name, family_bit(r.protocol)))
      fail(r, Status(Errc::PropUnknown, r.name));
  for (const IfProp& p : kIfProps) {
    for (uint32_t fam : each_bit(p.families)) {
      const store::PropRecord* r = find_rec(*recs, fam, p.name);
      if (!r || !p.put) continue;  // values ipadm keeps are read from the store
      auto c = if_ctx_(ifname, fam);  // fresh: an earlier MTU changes the link
      if (!c) {
        fail(*r, c.status());
        continue;
      }
      auto v = p.check(*c, r->value);
      Status s = v.status();
      std::vector<Remetric> moved;
      if (s) s = if_apply_(p, *c, *v, false, &moved);
      if (!s) fail(*r, s);
    }
  }
}

void PropService::forget_if(const std::string& ifname) {
  std::erase_if(if_values_, [&](const auto& kv) { return std::get<0>(kv.first) == ifname; });
  const std::string prefix = ifname + "/";
  std::erase_if(addr_values_,
                [&](const auto& kv) { return kv.first.first.starts_with(prefix); });
  sync_values().ignore();
}

}  // namespace ipadm::core

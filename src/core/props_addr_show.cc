// show-addrprop rows, and the address-property letters of show-addr.
#include <linux/if_addr.h>
#include <sys/socket.h>

#include <algorithm>

#include "core/props.h"
#include "core/props_impl.h"

namespace ipadm::core {

using namespace props;

namespace {

// The kernel's copy of o's address, if there.
const netlink::Addr* kernel_addr(const AddrObj& o, int ifindex,
                                 const std::vector<netlink::Addr>& kaddrs) {
  for (const auto& a : kaddrs)
    if (a.ifindex == ifindex && a.local == o.local && a.prefixlen == o.prefixlen) return &a;
  return nullptr;
}

// A disabled object known only to the store: enough of it for show.
AddrObj stub_of(const store::AddrRecord& r) {
  AddrObj o;
  o.aobjname = r.aobjname;
  o.ifname = r.ifname;
  o.family = r.family;
  o.atype = r.atype;
  o.flags = kPersist;
  o.local_text = r.local;
  o.remote_text = r.remote;
  if (auto a = IpAddr::parse(r.local)) o.local = *a;
  if (!r.remote.empty())
    if (auto a = IpAddr::parse(r.remote)) o.remote = *a;
  if (r.prefixlen > 0) o.prefixlen = r.prefixlen;
  else if (auto d = default_prefixlen(o.local)) o.prefixlen = *d;
  return o;
}

}  // namespace

void PropService::addr_row_(const AddrProp& p, const AddrObj& o, const netlink::Addr* ka,
                            const std::vector<store::PropRecord>& recs, rpc::PropInfo* row) {
  row->set_object(o.aobjname);
  row->set_name(p.name);
  row->set_perm(p.perm);
  row->set_default_value(p.def(o));
  if (p.possible) {
    row->set_possible(p.possible);
  } else if (!o.remote && o.local.family) {
    row->set_possible(range_text(1, o.local.max_prefixlen()));
  }
  if (p.kind == AKind::kPrefixlen) {
    if (auto r = store_.addr(o.aobjname); r && r->has_value() && !o.remote) {
      int plen = r->value().prefixlen;
      row->set_persistent(plen > 0 ? std::to_string(plen) : default_prefixlen_text(o));
    }
  } else if (const store::PropRecord* r = find_record(recs, p.name)) {
    row->set_persistent(r->value);
  }
  if (!(o.flags & kActive)) return;  // disabled: nothing current

  if (!p.current) {
    row->set_current(addr_active_(o, p.name).value_or(p.def(o)));
    return;
  }
  row->set_current(p.current(o, ka, addr_want_(o)));
}

Status PropService::show_addr_(const rpc::ShowPropReq& req, rpc::ShowPropReply* reply) {
  // The objects: one, those of "IF/", or all; addrconf ones are skipped.
  std::vector<AddrObj> objs;
  const std::string& obj = req.object();
  std::string ifname;
  if (!obj.empty() && obj.back() == '/') {
    ifname = obj.substr(0, obj.size() - 1);
    if (!ifname_valid(ifname)) return Status(Errc::InvalidArg, "invalid interface name");
  } else if (!obj.empty()) {
    auto name = parse_aobjname(obj);
    if (!name) return Status(Errc::InvalidArg, "invalid address object name");
  }
  for (const auto& [n, o] : map_.addrs())
    if ((obj.empty() || n == obj || (!ifname.empty() && o.ifname == ifname)) && o.flags)
      objs.push_back(o);
  auto stored = store_.addrs(ifname);
  IPADM_TRY(stored);
  for (const auto& r : *stored)
    if ((obj.empty() || !ifname.empty() || r.aobjname == obj) && !map_.find_addr(r.aobjname))
      objs.push_back(stub_of(r));
  std::erase_if(objs, [](const AddrObj& o) { return o.atype == AddrType::Addrconf; });
  std::sort(objs.begin(), objs.end(),
            [](const AddrObj& a, const AddrObj& b) { return a.aobjname < b.aobjname; });
  if (objs.empty() && !ifname.empty() && !map_.find_if(ifname))
    return Status(Errc::Enxio, ifname);
  if (objs.empty() && ifname.empty() && !obj.empty()) return Status(Errc::NotFound, obj);

  auto kaddrs = kernel_.addrs(AF_UNSPEC, 0);
  std::vector<netlink::Addr> none;
  for (const AddrObj& o : objs) {
    auto recs = store_.addr_props(o.aobjname);
    IPADM_TRY(recs);
    const netlink::Addr* ka = nullptr;
    if ((o.flags & kActive) && o.up && kaddrs)
      if (auto link = kernel_.link_by_name(o.ifname)) ka = kernel_addr(o, link->ifindex, *kaddrs);
    if (req.names().empty()) {
      for (const AddrProp& p : addr_table()) addr_row_(p, o, ka, *recs, reply->add_props());
      continue;
    }
    for (const std::string& n : req.names()) {
      if (const AddrProp* p = find_addr_prop(n)) {
        addr_row_(*p, o, ka, *recs, reply->add_props());
      } else {
        rpc::PropInfo* row = reply->add_props();
        row->set_object(o.aobjname);
        row->set_name(n);
        row->set_error(static_cast<uint32_t>(Errc::PropUnknown));
      }
    }
  }
  return Status::ok();
}

AddrPropFlags PropService::addr_prop_flags(const std::string& aobjname) {
  AddrPropFlags f;
  if (auto recs = persisted_addr_props_(aobjname)) {
    if (const auto* r = find_record(*recs, "private")) f.private_persistent = r->value == "on";
    if (const auto* r = find_record(*recs, "deprecated"))
      f.deprecated_persistent = r->value == "on";
  }
  if (const AddrObj* o = map_.find_addr(aobjname); o && (o->flags & kActive))
    f.private_now = addr_active_(*o, "private") == "on";
  return f;
}

}  // namespace ipadm::core

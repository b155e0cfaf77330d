#include "core/addr_rows.h"

#include <linux/if_addr.h>
#include <net/if.h>
#include <sys/socket.h>

#include <charconv>
#include <string_view>
#include <unordered_map>

#include "core/addr_owner.h"

namespace ipadm::core {

namespace {

// Field writers that keep a reused string's capacity.
void put(std::string* s, std::string_view v) { s->assign(v.data(), v.size()); }

// "local/plen", "local->peer", or the bare local when plen is 0.
void put_addr_text(std::string* s, const IpAddr& local, const std::optional<IpAddr>& peer,
                   int plen) {
  char buf[2 * IpAddr::kTextMax + 8];
  size_t n = local.format(buf);
  if (peer) {
    buf[n++] = '-';
    buf[n++] = '>';
    n += peer->format(buf + n);
  } else if (plen > 0) {
    buf[n++] = '/';
    n = static_cast<size_t>(std::to_chars(buf + n, buf + sizeof(buf), plen).ptr - buf);
  }
  s->assign(buf, n);
}

void put_ip(std::string* s, const IpAddr& a) {
  char buf[IpAddr::kTextMax];
  s->assign(buf, a.format(buf));
}

std::string_view kernel_state(const netlink::Addr& a, const netlink::Link* l) {
  if (!l || !(l->flags & IFF_UP)) return "down";
  if (a.flags & IFA_F_DADFAILED) return "duplicate";
  if (a.flags & IFA_F_TENTATIVE) return "tentative";
  if (!(l->flags & IFF_RUNNING)) return "inaccessible";
  return "ok";
}

void put_current_flags(std::string* s, const netlink::Addr& a, const netlink::Link* l) {
  // U u p t d
  s->assign(5, '-');
  if (l && (l->flags & IFF_UP) && !(a.flags & IFA_F_DADFAILED)) (*s)[0] = 'U';
  if (a.flags & IFA_F_TEMPORARY) (*s)[3] = 't';
  if ((a.flags & IFA_F_DEPRECATED) || a.preferred_lft == 0) (*s)[4] = 'd';
}

void put_persistent_flags(std::string* s, const store::AddrRecord* r) {
  s->assign(3, '-');
  if (r && r->up) (*s)[0] = 'U';
}

std::string stored_text(const std::string& local, const std::string& remote, int plen) {
  std::string s = local;
  if (!remote.empty()) return s + "->" + remote;
  if (plen > 0 && s.find('/') == std::string::npos) s += "/" + std::to_string(plen);
  return s;
}

AddrType infer_type(const netlink::Addr& a) {
  if (a.family == AF_INET6 && (a.local.is_v6_linklocal() || !(a.flags & IFA_F_PERMANENT)))
    return AddrType::Addrconf;
  return AddrType::Static;
}

rpc::AddrInfo* base(google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out,
                    std::string_view name, std::string_view ifname, int family) {
  rpc::AddrInfo* r = out->Add();
  put(r->mutable_aobjname(), name);
  put(r->mutable_ifname(), ifname);
  r->set_family(family == AF_INET ? 4 : 6);
  return r;
}

// An upper bound of r's encoded size as an element of a repeated field.
size_t row_bytes(const rpc::AddrInfo& r) {
  return r.aobjname().size() + r.ifname().size() + r.type().size() + r.state().size() +
         r.current().size() + r.persistent().size() + r.addr().size() + r.local().size() +
         r.remote().size() + 48;
}

// The map and a list of records (tests; the daemon reads snapshots).
class MapObjects : public AddrObjects {
 public:
  MapObjects(const AddrObjMap& map, const std::vector<store::AddrRecord>& persisted)
      : map_(map), persisted_(persisted) {
    for (auto& r : persisted) by_name_[r.aobjname] = &r;
  }
  const AddrObj* owner(const std::string& ifname, const netlink::Addr& a) override {
    return addr_owner(map_, ifname, a);
  }
  std::vector<const AddrObj*> objects() override {
    std::vector<const AddrObj*> v;
    for (auto& [name, o] : map_.addrs()) v.push_back(&o);
    return v;
  }
  const store::AddrRecord* record(const AddrObj& o) override {
    auto it = by_name_.find(o.aobjname);
    return it == by_name_.end() ? nullptr : it->second;
  }
  std::vector<const store::AddrRecord*> unknown() override {
    std::vector<const store::AddrRecord*> v;
    for (auto& r : persisted_)
      if (!map_.find_addr(r.aobjname)) v.push_back(&r);
    return v;
  }

 private:
  const AddrObjMap& map_;
  const std::vector<store::AddrRecord>& persisted_;
  std::unordered_map<std::string, const store::AddrRecord*> by_name_;
};

}  // namespace

void AddrObjects::decorate(const AddrObj&, rpc::AddrInfo*) {}

AddrRowCursor::AddrRowCursor(const KernelView& kv, AddrObjects& objs, AddrFilter filter)
    : kv_(kv), objs_(objs), filter_(std::move(filter)) {
  if (kv_.addrs().empty()) advance();
}

bool AddrRowCursor::wanted(const std::string& aobjname, const std::string& ifname) const {
  if (!filter_.aobjname.empty()) return aobjname == filter_.aobjname;
  if (!filter_.ifname.empty()) return ifname == filter_.ifname;
  return true;
}

void AddrRowCursor::advance() {
  pos_ = 0;
  switch (phase_) {
    case Phase::Kernel:
      phase_ = Phase::Known;
      known_ = objs_.objects();
      if (!known_.empty()) return;
      [[fallthrough]];
    case Phase::Known:
      phase_ = Phase::Unknown;
      known_.clear();
      unknown_ = objs_.unknown();
      if (!unknown_.empty()) return;
      [[fallthrough]];
    case Phase::Unknown:
    case Phase::Done:
      phase_ = Phase::Done;
      unknown_.clear();
      return;
  }
}

size_t AddrRowCursor::phase_size() const {
  switch (phase_) {
    case Phase::Kernel:
      return kv_.addrs().size();
    case Phase::Known:
      return known_.size();
    case Phase::Unknown:
      return unknown_.size();
    case Phase::Done:
      break;
  }
  return 0;
}

bool AddrRowCursor::next(Rows* out, size_t max_bytes) {
  size_t bytes = 0;
  while (phase_ != Phase::Done && (bytes < max_bytes || bytes == 0)) {
    size_t n = phase_ == Phase::Kernel  ? kernel_row(out)
               : phase_ == Phase::Known ? known_row(out)
                                        : unknown_row(out);
    if (++pos_ == phase_size()) advance();
    if (n) ++rows_;
    bytes += n;
  }
  return phase_ != Phase::Done;
}

// 1. Kernel addresses, owned or not.
size_t AddrRowCursor::kernel_row(Rows* out) {
  const netlink::Addr& a = kv_.addrs()[pos_];
  if (!listed_addr(a)) return 0;
  const netlink::Link* l = kv_.link(a.ifindex);
  std::string ifname = l ? l->ifname : std::to_string(a.ifindex);
  const AddrObj* o = objs_.owner(ifname, a);
  if (!wanted(o ? o->aobjname : "", ifname)) return 0;
  rpc::AddrInfo* r = o ? base(out, o->aobjname, ifname, a.family)
                       : base(out, ifname + "/?", ifname, a.family);
  r->set_managed(o != nullptr);
  put(r->mutable_type(), addrtype_name(o ? o->atype : infer_type(a)));
  put(r->mutable_state(), kernel_state(a, l));
  put_current_flags(r->mutable_current(), a, l);
  put_persistent_flags(r->mutable_persistent(), o ? objs_.record(*o) : nullptr);
  put_addr_text(r->mutable_addr(), a.local, a.peer, a.peer ? 0 : a.prefixlen);
  r->set_prefixlen(a.prefixlen);
  put_ip(r->mutable_local(), a.local);
  if (a.peer) put_ip(r->mutable_remote(), *a.peer);
  r->set_kernel_flags(a.flags);
  if (o) {
    shown_.insert(o);
    objs_.decorate(*o, r);
  }
  return row_bytes(*r);
}

// 2. Known objects not in the kernel: disabled, or down.
size_t AddrRowCursor::known_row(Rows* out) {
  const AddrObj& o = *known_[pos_];
  if (shown_.count(&o) || !wanted(o.aobjname, o.ifname)) return 0;
  rpc::AddrInfo* r = base(out, o.aobjname, o.ifname, o.family);
  r->set_managed(true);
  put(r->mutable_type(), addrtype_name(o.atype));
  bool active = o.flags & kActive;
  put(r->mutable_state(), active ? "down" : "disabled");
  put(r->mutable_current(), "-----");  // illumos: the letters of no flag, disabled too
  put_persistent_flags(r->mutable_persistent(), objs_.record(o));
  if (active && o.atype == AddrType::Dhcp && o.local.is_zero())
    r->mutable_addr()->assign(1, '?');  // no lease yet
  else if (active)
    put_addr_text(r->mutable_addr(), o.local, o.remote, o.remote ? 0 : o.prefixlen);
  else
    put(r->mutable_addr(),
        stored_text(o.local_text, o.remote_text, o.explicit_prefix ? o.prefixlen : 0));
  r->set_prefixlen(o.prefixlen);
  put_ip(r->mutable_local(), o.local);
  if (o.remote) put_ip(r->mutable_remote(), *o.remote);
  objs_.decorate(o, r);
  return row_bytes(*r);
}

// 3. Persistent objects unknown to the daemon (not enabled since boot).
size_t AddrRowCursor::unknown_row(Rows* out) {
  const store::AddrRecord& p = *unknown_[pos_];
  if (!wanted(p.aobjname, p.ifname)) return 0;
  rpc::AddrInfo* r = base(out, p.aobjname, p.ifname, p.family);
  r->set_managed(true);
  put(r->mutable_type(), addrtype_name(p.atype));
  put(r->mutable_state(), "disabled");
  put(r->mutable_current(), "-----");
  put_persistent_flags(r->mutable_persistent(), &p);
  put(r->mutable_addr(), stored_text(p.local, p.remote, p.prefixlen));
  if (p.prefixlen > 0) r->set_prefixlen(p.prefixlen);
  return row_bytes(*r);
}

void addr_rows(const KernelView& kv, AddrObjects& objs, const AddrFilter& filter,
               google::protobuf::RepeatedPtrField<rpc::AddrInfo>* out) {
  AddrRowCursor(kv, objs, filter).next(out, SIZE_MAX);  // no bound: every row
}

std::vector<rpc::AddrInfo> addr_rows(const KernelView& kv, const AddrObjMap& map,
                                     const std::vector<store::AddrRecord>& persisted,
                                     const AddrFilter& filter) {
  MapObjects objs(map, persisted);
  google::protobuf::RepeatedPtrField<rpc::AddrInfo> rows;
  addr_rows(kv, objs, filter, &rows);
  return {rows.begin(), rows.end()};
}

}  // namespace ipadm::core

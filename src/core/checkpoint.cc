// CheckpointState's planning (contracts in checkpoint.h); the codec is in
// checkpoint_codec.cc.
#include "core/checkpoint.h"

#include <map>

#include "common/addr_extra.h"

namespace ipadm::core {

namespace {

bool active(uint32_t flags) { return (flags & kActive) != 0; }

template <typename T>
std::map<std::string, const T*> by_name(const std::vector<T>& v, std::string T::*key) {
  std::map<std::string, const T*> m;
  for (const T& x : v) m.emplace(x.*key, &x);
  return m;
}

// Delegated addresses (from-gz) belong to the host, not to the user: a
// rollback never creates or deletes them.
bool user_object(const AddrObj& o) { return o.atype != AddrType::FromGz; }

rpc::Request addr_op(rpc::AddrObjReq* (rpc::Request::*field)(), const std::string& aobjname) {
  rpc::Request r;
  rpc::AddrObjReq* a = (r.*field)();
  a->set_aobjname(aobjname);
  a->set_temporary(true);
  return r;
}

}  // namespace

bool same_addr_config(const AddrObj& a, const AddrObj& b) {
  if (a.aobjname != b.aobjname || a.ifname != b.ifname || a.atype != b.atype ||
      a.family != b.family || a.extra != b.extra)
    return false;
  if (a.atype != AddrType::Static) return true;
  return a.local_text == b.local_text && a.remote_text == b.remote_text &&
         a.explicit_prefix == b.explicit_prefix && a.prefixlen == b.prefixlen;
}

rpc::CreateAddrReq create_request(const AddrObj& o, bool temporary) {
  rpc::CreateAddrReq r;
  r.set_aobjname(o.aobjname);
  r.set_temporary(temporary);
  r.set_type(std::string(addrtype_name(o.atype)));
  if (o.atype == AddrType::Static) {
    r.set_local(o.explicit_prefix ? o.local_text + "/" + std::to_string(o.prefixlen)
                                  : o.local_text);
    r.set_remote(o.remote_text);
    r.set_down(!o.up);
  } else if (o.atype == AddrType::Dhcp) {
    if (auto c = parse_dhcp(o.extra)) {
      r.set_primary(c->primary);
      // No wait: the rollback does not stay for a lease.
      r.set_wait("0");
    }
  } else if (o.atype == AddrType::Addrconf) {
    if (auto c = parse_addrconf(o.extra)) {
      if (c->token) r.set_interface_id(c->token->to_string() + "/" + std::to_string(c->plen));
      r.set_policy(std::string("stateless=") + (c->stateless ? "yes" : "no") +
                   ",stateful=" + (c->stateful ? "yes" : "no"));
    }
  }
  return r;
}

namespace {

// The route options of create-route / delete-route from a record.
template <typename Req>
void set_route(Req* q, const store::RouteRecord& r) {
  q->set_destination(r.destination);
  q->set_gateway(r.gateway);
  q->set_ifname(r.ifname);
  q->set_metric(std::to_string(r.metric));
}

bool has_route(const std::vector<ActiveRoute>& v, const ActiveRoute& r) {
  for (const ActiveRoute& x : v)
    if (x == r) return true;
  return false;
}

}  // namespace

std::vector<rpc::Request> plan_removals(const CheckpointState& want, const CheckpointState& now) {
  std::vector<rpc::Request> out;
  for (const ActiveRoute& r : now.routes) {
    if (has_route(want.routes, r)) continue;
    rpc::Request q;
    set_route(q.mutable_delete_route(), r.rec);
    out.push_back(std::move(q));
  }
  auto want_addr = by_name(want.addrs, &AddrObj::aobjname);
  auto want_if = by_name(want.ifs, &IfObj::ifname);
  for (const AddrObj& o : now.addrs) {
    if (!user_object(o) || !want_if.count(o.ifname)) continue;  // goes with its interface
    auto it = want_addr.find(o.aobjname);
    if (it == want_addr.end() || !same_addr_config(*it->second, o)) {
      rpc::Request r;
      r.mutable_delete_addr()->set_aobjname(o.aobjname);
      out.push_back(std::move(r));
    } else if (active(o.flags) && !active(it->second->flags)) {
      out.push_back(addr_op(&rpc::Request::mutable_disable_addr, o.aobjname));
    }
  }
  for (const IfObj& i : now.ifs) {
    auto it = want_if.find(i.ifname);
    if (it == want_if.end()) {
      rpc::Request r;
      r.mutable_delete_if()->set_ifname(i.ifname);
      out.push_back(std::move(r));
    } else if (active(i.flags) && !active(it->second->flags)) {
      rpc::Request r;
      r.mutable_disable_if()->set_ifname(i.ifname);
      out.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<rpc::Request> plan_interfaces(const CheckpointState& want,
                                          const CheckpointState& now) {
  std::vector<rpc::Request> out;
  auto now_if = by_name(now.ifs, &IfObj::ifname);
  for (const IfObj& i : want.ifs) {
    if (!active(i.flags)) continue;
    auto it = now_if.find(i.ifname);
    if (it != now_if.end() && active(it->second->flags)) continue;
    rpc::Request r;
    if (it != now_if.end() && (it->second->flags & kPersist)) {
      r.mutable_enable_if()->set_ifname(i.ifname);
    } else {
      r.mutable_create_if()->set_ifname(i.ifname);
      r.mutable_create_if()->set_temporary(!(i.flags & kPersist));
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<rpc::Request> plan_creations(const CheckpointState& want,
                                         const CheckpointState& now) {
  std::vector<rpc::Request> out;
  auto now_addr = by_name(now.addrs, &AddrObj::aobjname);
  for (const AddrObj& o : want.addrs) {
    if (!user_object(o) || !active(o.flags)) continue;
    auto it = now_addr.find(o.aobjname);
    if (it != now_addr.end() && active(it->second->flags)) continue;
    if (it != now_addr.end()) {  // known, disabled: its record is in the store
      out.push_back(addr_op(&rpc::Request::mutable_enable_addr, o.aobjname));
      continue;
    }
    rpc::Request r;
    *r.mutable_create_addr() = create_request(o, !(o.flags & kPersist));
    out.push_back(std::move(r));
  }
  for (const ActiveRoute& r : want.routes) {
    if (has_route(now.routes, r)) continue;
    rpc::Request q;
    set_route(q.mutable_create_route(), r.rec);
    q.mutable_create_route()->set_temporary(r.temporary);
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<rpc::Request> plan_values(const CheckpointState& want, const CheckpointState& now) {
  std::vector<rpc::Request> out;
  auto now_addr = by_name(now.addrs, &AddrObj::aobjname);
  for (const AddrObj& o : want.addrs) {
    auto it = now_addr.find(o.aobjname);
    if (it == now_addr.end() || !active(o.flags) || !active(it->second->flags)) continue;
    if (o.atype == AddrType::Dhcp || o.up == it->second->up) continue;
    out.push_back(addr_op(o.up ? &rpc::Request::mutable_up_addr : &rpc::Request::mutable_down_addr,
                          o.aobjname));
  }
  std::map<std::tuple<std::string, std::string, std::string, std::string>, const PropValue*> cur;
  for (const PropValue& p : now.props) cur[{p.kind, p.object, p.protocol, p.name}] = &p;
  for (const PropValue& p : want.props) {
    auto it = cur.find({p.kind, p.object, p.protocol, p.name});
    if (it == cur.end() || it->second->value == p.value) continue;
    rpc::Request r;
    rpc::SetPropReq* s = r.mutable_set_prop();
    s->set_object_kind(p.kind);
    s->set_object(p.object);
    s->set_protocol(p.protocol);
    s->set_name(p.name);
    s->set_value(p.value);
    s->set_temporary(true);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ipadm::core

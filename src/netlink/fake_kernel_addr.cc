// FakeKernel: addresses and DAD (see fake_kernel.h for the modelled rules).
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include "netlink/fake_kernel.h"
#include "netlink/rtnl_codec.h"  // addr_text

namespace ipadm::netlink {
namespace {

constexpr uint32_t kInfinite = 0xffffffff;

Status no_link(int ifindex) { return Status(Errc::Enxio, "ifindex " + std::to_string(ifindex)); }

uint8_t scope_of(const IpAddr& a) {
  if (a.family == AF_INET) return a.bytes[0] == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  if (a.is_v6_linklocal()) return RT_SCOPE_LINK;
  static const IpAddr kLoop = *IpAddr::parse("::1");
  return a == kLoop ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
}

}  // namespace

const Addr* FakeKernel::find_addr(int ifindex, const IpAddr& local) const {
  auto it = addrs_.lower_bound(AddrKey{ifindex, local, 0});
  if (it == addrs_.end() || it->first.ifindex != ifindex || it->first.local != local)
    return nullptr;
  return &it->second;
}

std::vector<Addr> FakeKernel::addrs_on(int ifindex) const {
  std::vector<Addr> out;
  for (const auto& [key, a] : addrs_)
    if (ifindex == 0 || key.ifindex == ifindex) out.push_back(a);
  return out;
}

void FakeKernel::inject_addr(const Addr& a) {
  addrs_[AddrKey{a.ifindex, a.local, a.prefixlen}] = a;
}

bool FakeKernel::drop_addr(int ifindex, const IpAddr& local) {
  const Addr* a = find_addr(ifindex, local);
  if (!a) return false;
  addrs_.erase(AddrKey{ifindex, local, a->prefixlen});
  return true;
}

void FakeKernel::drop_v6(int ifindex) {
  std::erase_if(addrs_, [&](const auto& kv) {
    return kv.first.ifindex == ifindex && kv.first.local.family == AF_INET6;
  });
}

void FakeKernel::set_dad_duplicate(const IpAddr& a, bool duplicate) {
  if (duplicate) dad_duplicates_.insert(a);
  else dad_duplicates_.erase(a);
}

Result<std::vector<Addr>> FakeKernel::addrs(int family, int ifindex) {
  if (auto f = enter(FakeOp::kAddrs)) return *f;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
    return Result<std::vector<Addr>>(Errc::BadProtocol, "family " + std::to_string(family));
  if (ifindex != 0 && !state(ifindex)) return no_link(ifindex);
  std::vector<Addr> out;
  for (const auto& [key, a] : addrs_)
    if ((ifindex == 0 || key.ifindex == ifindex) && (family == AF_UNSPEC || a.family == family))
      out.push_back(a);
  return out;
}

Status FakeKernel::add_one(const AddrRequest& req) {
  const IpAddr& local = req.local;
  if (local.family != AF_INET && local.family != AF_INET6)
    return Status(Errc::BadAddr, "unsupported address family");
  if (req.peer && req.peer->family != local.family)
    return Status(Errc::BadAddr, "peer and local address families differ");
  LinkState* ls = state(req.ifindex);
  if (!ls) return no_link(req.ifindex);
  if (req.prefixlen > local.max_prefixlen())
    return Status(Errc::InvalidArg, addr_text(req), EINVAL);
  const bool v6 = local.family == AF_INET6;
  if (v6 && sysctl("net/ipv6/conf/" + ls->link.ifname + "/disable_ipv6") == "1")
    return Status(Errc::EPerm, addr_text(req), EACCES);
  bool dup = v6 ? find_addr(req.ifindex, local) != nullptr
                : addrs_.count(AddrKey{req.ifindex, local, req.prefixlen}) != 0;
  if (dup) return Status(Errc::Exists, addr_text(req), EEXIST);

  Addr a;
  a.ifindex = req.ifindex;
  a.family = local.family;
  a.local = local;
  a.peer = req.peer;
  a.prefixlen = req.prefixlen;
  a.scope = scope_of(local);
  a.valid_lft = req.valid_lft.value_or(kInfinite);
  a.preferred_lft = req.preferred_lft.value_or(a.valid_lft);
  if (a.preferred_lft > a.valid_lft || a.valid_lft == 0)
    return Status(Errc::InvalidArg, addr_text(req), EINVAL);
  if (a.valid_lft == kInfinite) a.flags |= IFA_F_PERMANENT;
  if (a.preferred_lft == 0) a.flags |= IFA_F_DEPRECATED;
  if (req.nodad) a.flags |= IFA_F_NODAD;
  if (req.noprefixroute) a.flags |= IFA_F_NOPREFIXROUTE;
  if (v6 && !req.nodad) a.flags |= IFA_F_TENTATIVE;
  a.rt_priority = req.route_metric.value_or(0);
  if (!v6) a.label = ls->link.ifname;
  addrs_[AddrKey{req.ifindex, local, req.prefixlen}] = a;
  return Status::ok();
}

Status FakeKernel::addr_add(const AddrRequest& req) {
  if (auto f = enter(FakeOp::kAddrAdd)) return *f;
  return add_one(req);
}

Status FakeKernel::addr_del(const AddrRequest& req) {
  if (auto f = enter(FakeOp::kAddrDel)) return *f;
  if (!state(req.ifindex)) return no_link(req.ifindex);
  auto it = addrs_.find(AddrKey{req.ifindex, req.local, req.prefixlen});
  if (it == addrs_.end()) return Status(Errc::NotFound, addr_text(req), EADDRNOTAVAIL);
  addrs_.erase(it);
  return Status::ok();
}

Status FakeKernel::addr_replace(const AddrRequest& req) {
  if (auto f = enter(FakeOp::kAddrReplace)) return *f;
  if (!state(req.ifindex)) return no_link(req.ifindex);
  auto it = addrs_.find(AddrKey{req.ifindex, req.local, req.prefixlen});
  if (it == addrs_.end()) {
    Status s = add_one(req);
    if (s) replace_log_.push_back(req);
    return s;
  }
  Addr& a = it->second;
  uint32_t valid = req.valid_lft.value_or(kInfinite);
  uint32_t preferred = req.preferred_lft.value_or(valid);
  if (preferred > valid || valid == 0) return Status(Errc::InvalidArg, addr_text(req), EINVAL);
  a.valid_lft = valid;
  a.preferred_lft = preferred;
  a.flags &= ~(IFA_F_PERMANENT | IFA_F_DEPRECATED);
  if (valid == kInfinite) a.flags |= IFA_F_PERMANENT;
  if (preferred == 0) a.flags |= IFA_F_DEPRECATED;
  if (a.family == AF_INET6) {
    a.flags &= ~(IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
    if (req.nodad) a.flags |= IFA_F_NODAD;
    if (req.noprefixroute) a.flags |= IFA_F_NOPREFIXROUTE;
    if (req.route_metric.value_or(0) != 0) a.rt_priority = *req.route_metric;  // 0: kept
  } else {
    a.rt_priority = req.route_metric.value_or(0);
  }
  replace_log_.push_back(req);
  return Status::ok();
}

Status FakeKernel::addr_add_batch(std::span<const AddrRequest> reqs,
                                  std::vector<Status>* results) {
  if (auto f = enter(FakeOp::kAddrAddBatch)) {
    results->assign(reqs.size(), *f);
    return *f;
  }
  results->clear();
  results->reserve(reqs.size());
  for (const AddrRequest& req : reqs) results->push_back(addr_add(req));
  return Status::ok();
}

Result<uint32_t> FakeKernel::addr_wait_dad(const AddrRequest& req, int timeout_ms) {
  if (auto f = enter(FakeOp::kAddrWaitDad)) return *f;
  if (req.local.family != AF_INET6) return 0u;
  auto it = addrs_.lower_bound(AddrKey{req.ifindex, req.local, 0});
  if (it == addrs_.end() || it->first.ifindex != req.ifindex || it->first.local != req.local)
    return Result<uint32_t>(Errc::NotFound, addr_text(req));
  Addr& a = it->second;
  const LinkState* ls = state(req.ifindex);
  bool running = ls && (ls->link.flags & IFF_UP) && ls->carrier;
  if ((a.flags & IFA_F_TENTATIVE) && !(a.flags & IFA_F_DADFAILED) && running) {
    if (!(ls->link.flags & IFF_NOARP) && dad_duplicates_.count(a.local))
      a.flags |= IFA_F_DADFAILED;
    else
      a.flags &= ~IFA_F_TENTATIVE;
  }
  return a.flags;
}

}  // namespace ipadm::netlink

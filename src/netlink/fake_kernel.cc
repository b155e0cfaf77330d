// FakeKernel: links, addresses and faults. Sysctl defaults and the sysctl
// operations are in fake_kernel_sysctl.cc.
#include "netlink/fake_kernel.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/if.h>
#include <sys/socket.h>


namespace ipadm::netlink {
namespace {

constexpr uint8_t kOperUp = 6;    // IF_OPER_UP
constexpr uint8_t kOperDown = 2;  // IF_OPER_DOWN
constexpr uint32_t kCarrierFlags = IFF_RUNNING | IFF_LOWER_UP;

Status no_link(int ifindex) { return Status(Errc::Enxio, "ifindex " + std::to_string(ifindex)); }

}  // namespace

std::optional<Status> FakeKernel::enter(FakeOp op) {
  auto i = static_cast<size_t>(op);
  ++calls_[i];
  auto& q = faults_[i];
  if (q.empty()) return std::nullopt;
  if (q.front().skip > 0) {
    --q.front().skip;
    return std::nullopt;
  }
  Status s = std::move(q.front().status);
  q.pop_front();
  return s;
}

void FakeKernel::fail_next(FakeOp op, Status s, int skip) {
  faults_[static_cast<size_t>(op)].push_back({skip, std::move(s)});
}

void FakeKernel::clear_faults() {
  for (auto& q : faults_) q.clear();
}

FakeKernel::LinkState* FakeKernel::state(int ifindex) {
  auto it = links_.find(ifindex);
  return it == links_.end() ? nullptr : &it->second;
}

// ---- links ----

int FakeKernel::add_link(const std::string& ifname, uint32_t flags, const std::string& kind,
                         uint32_t mtu) {
  int ifindex = next_ifindex_++;
  LinkState ls;
  ls.link.ifindex = ifindex;
  ls.link.ifname = ifname;
  ls.link.flags = flags & ~kCarrierFlags;
  ls.link.mtu = mtu;
  ls.link.kind = kind;
  if (!kind.empty()) ls.link.hwaddr = std::string("\x02\0\0\0\0", 5) + static_cast<char>(ifindex);
  refresh_oper(ls);
  links_[ifindex] = ls;
  seed_link_sysctls(ifname, mtu);
  return ifindex;
}

int FakeKernel::add_loopback() {
  int ifindex = add_link("lo", IFF_UP | IFF_LOOPBACK, "", 65536);
  for (const char* text : {"127.0.0.1", "::1"}) {
    Addr a;
    a.ifindex = ifindex;
    a.local = *IpAddr::parse(text);
    a.family = a.local.family;
    a.prefixlen = a.family == AF_INET ? 8 : 128;
    a.flags = IFA_F_PERMANENT;
    a.scope = RT_SCOPE_HOST;
    if (a.family == AF_INET) a.label = "lo";
    inject_addr(a);
  }
  return ifindex;
}

bool FakeKernel::remove_link(int ifindex) {
  auto it = links_.find(ifindex);
  if (it == links_.end()) return false;
  std::string name = it->second.link.ifname;
  links_.erase(it);
  std::erase_if(addrs_, [&](const auto& kv) { return kv.first.ifindex == ifindex; });
  std::erase_if(routes_, [&](const RouteRequest& r) { return r.ifindex == ifindex; });
  for (const char* fam : {"net/ipv4/conf/", "net/ipv6/conf/"}) {
    std::string prefix = std::string(fam) + name + "/";
    std::erase_if(sysctls_, [&](const auto& kv) { return kv.first.starts_with(prefix); });
  }
  return true;
}

void FakeKernel::refresh_oper(LinkState& ls) {
  bool up = ls.link.flags & IFF_UP;
  if (up && ls.carrier) ls.link.flags |= kCarrierFlags;
  else ls.link.flags &= ~kCarrierFlags;
  ls.link.operstate = up && ls.carrier ? kOperUp : kOperDown;
}

void FakeKernel::set_carrier(int ifindex, bool carrier) {
  if (LinkState* ls = state(ifindex)) {
    ls->carrier = carrier;
    refresh_oper(*ls);
  }
}

void FakeKernel::set_inet6_flags(int ifindex, uint32_t flags) {
  if (LinkState* ls = state(ifindex)) ls->link.inet6_flags = flags;
}

Result<std::vector<Link>> FakeKernel::links() {
  if (auto f = enter(FakeOp::kLinks)) return *f;
  std::vector<Link> out;
  for (const auto& [_, ls] : links_) out.push_back(ls.link);
  return out;
}

Result<Link> FakeKernel::link_by_name(const std::string& ifname) {
  if (auto f = enter(FakeOp::kLinkByName)) return *f;
  if (const Link* l = find_link(ifname)) return *l;
  return Result<Link>(Errc::Enxio, ifname);
}

Status FakeKernel::link_set_up(int ifindex, bool up) {
  if (auto f = enter(FakeOp::kLinkSetUp)) return *f;
  LinkState* ls = state(ifindex);
  if (!ls) return no_link(ifindex);
  bool was_up = ls->link.flags & IFF_UP;
  if (up) ls->link.flags |= IFF_UP;
  else ls->link.flags &= ~IFF_UP;
  refresh_oper(*ls);
  if (!was_up && up && drop_v6_at_up_ > 0) {
    std::vector<IpAddr> gone;
    for (const Addr& a : addrs_on(ifindex))
      if (a.family == AF_INET6 && static_cast<int>(gone.size()) < drop_v6_at_up_)
        gone.push_back(a.local);
    for (const IpAddr& a : gone) drop_addr(ifindex, a);
    drop_v6_at_up_ = 0;
  }
  if (was_up && !up) {
    drop_v6(ifindex);
    std::erase_if(routes_, [&](const RouteRequest& r) { return r.ifindex == ifindex; });
  }
  if (!was_up && up && auto_linklocal_ && ls->gen_mode == 0 &&
      sysctl("net/ipv6/conf/" + ls->link.ifname + "/disable_ipv6") != "1") {
    Addr a;
    a.ifindex = ifindex;
    a.family = AF_INET6;
    a.local = *IpAddr::parse("fe80::ff:fe00:0");
    a.local.bytes[14] = static_cast<uint8_t>(ifindex >> 8);
    a.local.bytes[15] = static_cast<uint8_t>(ifindex);
    a.prefixlen = 64;
    a.flags = IFA_F_PERMANENT;
    a.scope = RT_SCOPE_LINK;
    inject_addr(a);
  }
  return Status::ok();
}

Status FakeKernel::link_set_arp(int ifindex, bool arp) {
  if (auto f = enter(FakeOp::kLinkSetArp)) return *f;
  LinkState* ls = state(ifindex);
  if (!ls) return no_link(ifindex);
  if (arp) ls->link.flags &= ~IFF_NOARP;
  else ls->link.flags |= IFF_NOARP;
  return Status::ok();
}

Status FakeKernel::link_set_mtu(int ifindex, uint32_t mtu) {
  if (auto f = enter(FakeOp::kLinkSetMtu)) return *f;
  LinkState* ls = state(ifindex);
  if (!ls) return no_link(ifindex);
  if (mtu < 68 || mtu > 65535)
    return Status(Errc::InvalidArg, "mtu " + std::to_string(mtu) + " out of range", EINVAL);
  ls->link.mtu = mtu;
  std::string path = "net/ipv6/conf/" + ls->link.ifname + "/mtu";
  if (sysctls_.count(path)) sysctls_[path] = std::to_string(mtu);
  return Status::ok();
}

Status FakeKernel::link_set_addr_gen_mode(int ifindex, uint8_t mode) {
  if (auto f = enter(FakeOp::kLinkSetAddrGenMode)) return *f;
  LinkState* ls = state(ifindex);
  if (!ls) return no_link(ifindex);
  if (mode > 3) return Status(Errc::InvalidArg, "addr_gen_mode " + std::to_string(mode), EINVAL);
  ls->gen_mode = mode;
  std::string path = "net/ipv6/conf/" + ls->link.ifname + "/addr_gen_mode";
  if (sysctls_.count(path)) sysctls_[path] = std::to_string(mode);
  return Status::ok();
}

Status FakeKernel::link_set_token(int ifindex, const IpAddr& token) {
  if (auto f = enter(FakeOp::kLinkSetToken)) return *f;
  LinkState* ls = state(ifindex);
  if (!ls) return no_link(ifindex);
  auto ra = sysctl("net/ipv6/conf/" + ls->link.ifname + "/accept_ra");
  if (!ra || *ra == "0" || token.family != AF_INET6)
    return Status(Errc::InvalidArg, "token needs accept_ra", EINVAL);
  ls->token = token;
  return Status::ok();
}

std::optional<IpAddr> FakeKernel::token(int ifindex) const {
  auto it = links_.find(ifindex);
  return it == links_.end() ? std::nullopt : it->second.token;
}

const Link* FakeKernel::find_link(int ifindex) const {
  auto it = links_.find(ifindex);
  return it == links_.end() ? nullptr : &it->second.link;
}

const Link* FakeKernel::find_link(const std::string& ifname) const {
  for (const auto& [_, ls] : links_)
    if (ls.link.ifname == ifname) return &ls.link;
  return nullptr;
}

uint8_t FakeKernel::addr_gen_mode(int ifindex) const {
  auto it = links_.find(ifindex);
  return it == links_.end() ? 0 : it->second.gen_mode;
}

}  // namespace ipadm::netlink

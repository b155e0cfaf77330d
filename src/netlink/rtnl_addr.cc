// Address codecs (see rtnl_codec.h for the message format).
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <array>
#include <cstring>

#include "netlink/nl_attr.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {
namespace {

constexpr uint32_t kInfiniteLifetime = 0xffffffff;  // INFINITY_LIFE_TIME

constexpr AttrRule kAddrRules[] = {
    {IFA_ADDRESS, 4},   {IFA_LOCAL, 4},       {IFA_BROADCAST, 4},
    {IFA_FLAGS, 4},     {IFA_CACHEINFO, sizeof(ifa_cacheinfo)},
    {IFA_RT_PRIORITY, 4},
};

Result<Addr> malformed(const char* what) {
  return Result<Addr>(Errc::EBade, std::string("malformed address message: ") + what);
}


void put_ip(nlmsghdr* nlh, uint16_t type, const IpAddr& a) {
  mnl_attr_put(nlh, type, a.size(), a.bytes.data());
}

}  // namespace

Result<Addr> decode_addr(NlMsg msg) {
  const nlmsghdr* nlh = msg_header(msg, sizeof(ifaddrmsg));
  if (!nlh) return malformed("truncated");
  const auto* ifa = static_cast<const ifaddrmsg*>(NLMSG_DATA(nlh));
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
    return Result<Addr>(Errc::BadProtocol, "address family " + std::to_string(ifa->ifa_family));

  std::array<const nlattr*, __IFA_MAX> tb;
  size_t alen;
  const void* attrs = msg_attrs(nlh, sizeof(ifaddrmsg), &alen);
  if (!parse_attrs(attrs, alen, kAddrRules, tb)) return malformed("bad attribute");

  Addr a;
  a.ifindex = static_cast<int>(ifa->ifa_index);
  a.family = ifa->ifa_family;
  a.prefixlen = ifa->ifa_prefixlen;
  a.scope = ifa->ifa_scope;
  a.flags = tb[IFA_FLAGS] ? attr_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;

  IpAddr local, address;
  bool has_local = tb[IFA_LOCAL] != nullptr, has_address = tb[IFA_ADDRESS] != nullptr;
  if (has_local && !attr_ip(tb[IFA_LOCAL], a.family, &local)) return malformed("IFA_LOCAL");
  if (has_address && !attr_ip(tb[IFA_ADDRESS], a.family, &address))
    return malformed("IFA_ADDRESS");
  if (!has_local && !has_address) return malformed("no address");
  if (has_local) {
    a.local = local;
    // IPv4 always repeats the local address in IFA_ADDRESS unless there is a
    // peer; IPv6 sends IFA_LOCAL only when there is a peer.
    if (has_address && (a.family == AF_INET6 || address != local)) a.peer = address;
  } else {
    a.local = address;
  }

  if (tb[IFA_CACHEINFO]) {
    ifa_cacheinfo ci;
    std::memcpy(&ci, attr_bytes(tb[IFA_CACHEINFO]).data(), sizeof(ci));
    a.valid_lft = ci.ifa_valid;
    a.preferred_lft = ci.ifa_prefered;
  }
  if (tb[IFA_LABEL] && a.family == AF_INET) a.label = attr_string(tb[IFA_LABEL]);
  if (tb[IFA_RT_PRIORITY]) a.rt_priority = attr_u32(tb[IFA_RT_PRIORITY]);
  return a;
}

Result<size_t> build_addr(std::span<uint8_t> buf, uint16_t type, uint32_t seq,
                          const AddrRequest& req) {
  const IpAddr& local = req.local;
  if (local.family != AF_INET && local.family != AF_INET6)
    return Result<size_t>(Errc::BadAddr, "unsupported address family");
  if (req.peer && req.peer->family != local.family)
    return Result<size_t>(Errc::BadAddr, "peer and local address families differ");
  if (buf.size() < kMaxRequestLen) return Result<size_t>(Errc::NoBufs, "request buffer");

  const bool add = type == RTM_NEWADDR;
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
  nlh->nlmsg_seq = seq;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = static_cast<uint8_t>(local.family);
  ifa->ifa_prefixlen = req.prefixlen;
  ifa->ifa_index = static_cast<uint32_t>(req.ifindex);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;

  if (local.family == AF_INET) {
    put_ip(nlh, IFA_LOCAL, local);
    put_ip(nlh, IFA_ADDRESS, req.peer ? *req.peer : local);
    if (add && !req.peer) {
      if (auto bcast = broadcast_for(local, req.prefixlen)) put_ip(nlh, IFA_BROADCAST, *bcast);
    }
  } else if (req.peer) {
    put_ip(nlh, IFA_LOCAL, local);
    put_ip(nlh, IFA_ADDRESS, *req.peer);
  } else {
    put_ip(nlh, IFA_ADDRESS, local);
  }

  if (add) {
    uint32_t flags = (req.nodad ? IFA_F_NODAD : 0) | (req.noprefixroute ? IFA_F_NOPREFIXROUTE : 0);
    ifa->ifa_flags = static_cast<uint8_t>(flags & 0xff);
    if (flags) mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
    if (req.valid_lft || req.preferred_lft) {
      ifa_cacheinfo ci{};
      ci.ifa_valid = req.valid_lft.value_or(kInfiniteLifetime);
      ci.ifa_prefered = req.preferred_lft.value_or(ci.ifa_valid);
      mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
    }
    if (req.route_metric) mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, *req.route_metric);
  }
  return static_cast<size_t>(nlh->nlmsg_len);
}

size_t build_addr_dump(std::span<uint8_t> buf, uint32_t seq, int family, int ifindex) {
  if (buf.size() < kMaxRequestLen) return 0;
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = RTM_GETADDR;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  nlh->nlmsg_seq = seq;
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = static_cast<uint8_t>(family);
  ifa->ifa_index = static_cast<uint32_t>(ifindex);
  return nlh->nlmsg_len;
}

}  // namespace ipadm::netlink

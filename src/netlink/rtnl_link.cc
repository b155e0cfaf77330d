// Link codecs (see rtnl_codec.h for the message format).
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>

#include "netlink/nl_attr.h"
#include "netlink/rtnl_codec.h"

namespace ipadm::netlink {
namespace {

constexpr AttrRule kLinkRules[] = {
    {IFLA_IFNAME, 1},  {IFLA_MTU, 4},      {IFLA_OPERSTATE, 1}, {IFLA_LINKINFO, 0},
    {IFLA_ADDRESS, 0}, {IFLA_PROTINFO, 0}, {IFLA_AF_SPEC, 0},
};
constexpr AttrRule kLinkInfoRules[] = {{IFLA_INFO_KIND, 1}};
constexpr AttrRule kInet6Rules[] = {{IFLA_INET6_FLAGS, 4}};

// IFLA_INET6_FLAGS inside an IPv6 attribute run (IFLA_PROTINFO of an
// AF_INET6 link message, or the AF_INET6 member of IFLA_AF_SPEC); 0 if absent.
bool inet6_flags_of(const nlattr* run, uint32_t* flags) {
  std::array<const nlattr*, IFLA_INET6_FLAGS + 1> tb;
  auto payload = attr_bytes(run);
  if (!parse_attrs(payload.data(), payload.size(), kInet6Rules, tb)) return false;
  if (tb[IFLA_INET6_FLAGS]) *flags = attr_u32(tb[IFLA_INET6_FLAGS]);
  return true;
}

nlmsghdr* put_link_header(std::span<uint8_t> buf, uint16_t type, uint16_t flags,
                          uint32_t seq, int ifindex) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  nlh->nlmsg_seq = seq;
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  return nlh;
}

}  // namespace

Result<Link> decode_link(NlMsg msg) {
  const nlmsghdr* nlh = msg_header(msg, sizeof(ifinfomsg));
  if (!nlh) return Result<Link>(Errc::EBade, "malformed link message: truncated");
  const auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(nlh));

  std::array<const nlattr*, __IFLA_MAX> tb;
  size_t alen;
  const void* attrs = msg_attrs(nlh, sizeof(ifinfomsg), &alen);
  if (!parse_attrs(attrs, alen, kLinkRules, tb))
    return Result<Link>(Errc::EBade, "malformed link message: bad attribute");

  Link l;
  l.ifindex = ifi->ifi_index;
  l.flags = ifi->ifi_flags;
  if (tb[IFLA_IFNAME]) l.ifname = attr_string(tb[IFLA_IFNAME]);
  if (tb[IFLA_MTU]) l.mtu = attr_u32(tb[IFLA_MTU]);
  if (tb[IFLA_OPERSTATE]) l.operstate = attr_u8(tb[IFLA_OPERSTATE]);
  if (tb[IFLA_ADDRESS]) {
    auto hw = attr_bytes(tb[IFLA_ADDRESS]);
    if (hw.size() <= 32) l.hwaddr.assign(reinterpret_cast<const char*>(hw.data()), hw.size());
  }
  if (const nlattr* li = tb[IFLA_LINKINFO]) {
    std::array<const nlattr*, __IFLA_INFO_MAX> info;
    auto payload = attr_bytes(li);
    if (!parse_attrs(payload.data(), payload.size(), kLinkInfoRules, info))
      return Result<Link>(Errc::EBade, "malformed link message: bad IFLA_LINKINFO");
    if (info[IFLA_INFO_KIND]) l.kind = attr_string(info[IFLA_INFO_KIND]);
  }
  // An AF_INET6 link message (RTNLGRP_IPV6_IFINFO) carries the IPv6 data
  // in IFLA_PROTINFO; an AF_UNSPEC one in IFLA_AF_SPEC, nested by family.
  if (tb[IFLA_PROTINFO] && ifi->ifi_family == AF_INET6 &&
      !inet6_flags_of(tb[IFLA_PROTINFO], &l.inet6_flags))
    return Result<Link>(Errc::EBade, "malformed link message: bad IFLA_PROTINFO");
  if (const nlattr* spec = tb[IFLA_AF_SPEC]) {
    std::array<const nlattr*, AF_INET6 + 1> fam;
    constexpr AttrRule kAny[] = {{AF_INET6, 0}};
    auto payload = attr_bytes(spec);
    if (!parse_attrs(payload.data(), payload.size(), kAny, fam) ||
        (fam[AF_INET6] && !inet6_flags_of(fam[AF_INET6], &l.inet6_flags)))
      return Result<Link>(Errc::EBade, "malformed link message: bad IFLA_AF_SPEC");
  }
  if (l.ifname.empty()) return Result<Link>(Errc::EBade, "malformed link message: no name");
  return l;
}

size_t build_link_dump(std::span<uint8_t> buf, uint32_t seq) {
  if (buf.size() < kMaxRequestLen) return 0;
  nlmsghdr* nlh = put_link_header(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, 0);
  mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  return nlh->nlmsg_len;
}

size_t build_link_get(std::span<uint8_t> buf, uint32_t seq, const std::string& ifname) {
  if (buf.size() < kMaxRequestLen || ifname.empty() || ifname.size() >= IFNAMSIZ) return 0;
  nlmsghdr* nlh = put_link_header(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, 0);
  mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname.c_str());
  mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  return nlh->nlmsg_len;
}

size_t build_link_set(std::span<uint8_t> buf, uint32_t seq, const LinkChange& c) {
  if (buf.size() < kMaxRequestLen) return 0;
  nlmsghdr* nlh = put_link_header(buf, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, seq, c.ifindex);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  ifi->ifi_flags = c.flags & c.change;
  ifi->ifi_change = c.change;
  if (c.mtu) mnl_attr_put_u32(nlh, IFLA_MTU, *c.mtu);
  if (c.addr_gen_mode || c.token) {
    nlattr* spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
    nlattr* inet6 = mnl_attr_nest_start(nlh, AF_INET6);
    if (c.addr_gen_mode) mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, *c.addr_gen_mode);
    if (c.token) mnl_attr_put(nlh, IFLA_INET6_TOKEN, 16, c.token->bytes.data());
    mnl_attr_nest_end(nlh, inet6);
    mnl_attr_nest_end(nlh, spec);
  }
  return nlh->nlmsg_len;
}

}  // namespace ipadm::netlink

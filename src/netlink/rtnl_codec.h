// rtnetlink codecs: pure functions between bytes and the Kernel value types.
//
// Decoders take exactly one netlink message (nlmsghdr included) as a byte
// span, check every length against the span, and never read outside it; a
// malformed message yields EBade. Builders write one request message into a
// caller-owned buffer of at least kMaxRequestLen bytes and return its length.
// No I/O, no global state: safe from any thread. Unit-tested with hand-built
// messages (tests/unit/netlink/rtnl_codec_test.cc).
//
// Message formats (all rtnetlink, host byte order except addresses):
//   link  := nlmsghdr ifinfomsg [IFLA_IFNAME str] [IFLA_MTU u32]
//            [IFLA_OPERSTATE u8] [IFLA_LINKINFO {IFLA_INFO_KIND str}]
//   addr  := nlmsghdr ifaddrmsg [IFA_LOCAL a] [IFA_ADDRESS a] [IFA_BROADCAST a4]
//            [IFA_LABEL str] [IFA_FLAGS u32] [IFA_CACHEINFO ifa_cacheinfo]
//            [IFA_RT_PRIORITY u32]
//   error := nlmsghdr(NLMSG_ERROR) nlmsgerr [capped or full original request]
//            [NLMSGERR_ATTR_MSG str ...]      (TLVs iff NLM_F_ACK_TLVS)
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "netlink/kernel.h"

namespace ipadm::netlink {

using NlMsg = std::span<const uint8_t>;

// Calls fn(msg) for each complete message of one datagram (e.g. a dump
// part); stops at the first truncated header.
template <typename Fn>
void for_each_msg(std::span<const uint8_t> dgram, Fn&& fn) {
  while (dgram.size() >= NLMSG_HDRLEN) {
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(dgram.data());
    if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > dgram.size()) return;
    fn(dgram.first(nlh->nlmsg_len));
    size_t step = NLMSG_ALIGN(nlh->nlmsg_len);
    if (step >= dgram.size()) return;
    dgram = dgram.subspan(step);
  }
}

// Every build_* below fits in this many bytes.
inline constexpr size_t kMaxRequestLen = 256;

// ---- decoding ----

// One RTM_NEWLINK (or RTM_DELLINK) message.
Result<Link> decode_link(NlMsg msg);

// One RTM_NEWADDR/RTM_DELADDR message of family AF_INET or AF_INET6
// (BadProtocol for another family). local/peer follow the kernel's encoding:
//   IPv4: local = IFA_LOCAL (IFA_ADDRESS if absent); peer = IFA_ADDRESS when
//         it differs from IFA_LOCAL.
//   IPv6: local = IFA_LOCAL with peer = IFA_ADDRESS when IFA_LOCAL is present,
//         else local = IFA_ADDRESS.
// flags = IFA_FLAGS if present, else ifa_flags.
Result<Addr> decode_addr(NlMsg msg);

// The outcome carried by an NLMSG_ERROR message (err 0 = ACK) or by an
// NLMSG_DONE that ends a failed dump. err is a positive errno; text is the
// NLMSGERR_ATTR_MSG extended-ack string, if any.
struct NlAck {
  int err = 0;
  std::string text;
};
// nullopt if msg is neither NLMSG_ERROR nor NLMSG_DONE, or is truncated.
std::optional<NlAck> decode_ack(NlMsg msg);

// Which request an ack answers; selects the errno -> Errc exceptions.
enum class AckOp {
  kGeneric,  // errc_from_errno (ENODEV -> Enxio, EEXIST -> Exists, ...)
  kAddrDel,  // additionally EADDRNOTAVAIL -> NotFound (address absent)
};
// ack as a Status: OK for err 0; otherwise the mapped code with sys_errno =
// err and detail = context, followed by ": <text>" when text is not empty.
Status ack_status(const NlAck& ack, AckOp op, std::string_view context);

// "local/prefixlen" (plus " peer P"): the detail of address errors.
std::string addr_text(const AddrRequest& req);

// ---- building ----

// RTM_NEWADDR (NLM_F_CREATE|NLM_F_EXCL|NLM_F_ACK) or RTM_DELADDR (NLM_F_ACK).
//   IPv4: IFA_LOCAL = local; IFA_ADDRESS = peer, else local; IFA_BROADCAST
//         (new only) = broadcast_for(local, prefixlen) when no peer and
//         prefixlen < 31.
//   IPv6: with a peer IFA_LOCAL = local and IFA_ADDRESS = peer; else only
//         IFA_ADDRESS = local.
//   New only: IFA_FLAGS (and ifa_flags' low byte) from nodad/noprefixroute;
//   IFA_CACHEINFO when a lifetime is set (valid defaults to infinite,
//   preferred to valid); IFA_RT_PRIORITY when route_metric is set.
// BadAddr if local is not AF_INET/AF_INET6 or the peer's family differs.
Result<size_t> build_addr(std::span<uint8_t> buf, uint16_t type, uint32_t seq,
                          const AddrRequest& req);

// RTM_GETADDR dump of one family (AF_UNSPEC: all) on one link (0: all). The
// kernel honours the ifindex filter under NETLINK_GET_STRICT_CHK.
size_t build_addr_dump(std::span<uint8_t> buf, uint32_t seq, int family, int ifindex);

// RTM_GETLINK dump of all links, statistics skipped.
size_t build_link_dump(std::span<uint8_t> buf, uint32_t seq);

// RTM_GETLINK of one link by IFLA_IFNAME (NLM_F_ACK). 0 if ifname is empty
// or longer than IFNAMSIZ - 1.
size_t build_link_get(std::span<uint8_t> buf, uint32_t seq, const std::string& ifname);

// One RTM_SETLINK change (NLM_F_ACK): flags under the change mask, and
// optionally IFLA_MTU and IFLA_AF_SPEC/AF_INET6/IFLA_INET6_ADDR_GEN_MODE.
struct LinkChange {
  int ifindex = 0;
  uint32_t flags = 0;   // new values of the IFF_* bits in change
  uint32_t change = 0;  // ifi_change mask
  std::optional<uint32_t> mtu;
  std::optional<uint8_t> addr_gen_mode;
  std::optional<IpAddr> token;  // IFLA_INET6_TOKEN (low 64 bits used)
};
size_t build_link_set(std::span<uint8_t> buf, uint32_t seq, const LinkChange& c);

// RTM_NEWROUTE (NLM_F_CREATE|NLM_F_EXCL) or RTM_DELROUTE with NLM_F_ACK:
// main table, r.protocol, unicast; scope universe with RTA_GATEWAY, link
// for an on-link route (no gateway), any scope for a delete; [RTA_DST]
// unless default, [RTA_OIF], [RTA_PRIORITY] when set.
size_t build_route(std::span<uint8_t> buf, uint16_t type, uint32_t seq,
                   const RouteRequest& r);
// RTM_GETROUTE dump of one family (AF_UNSPEC: all).
size_t build_route_dump(std::span<uint8_t> buf, uint32_t seq, int family);
// One RTM_NEWROUTE message: nullopt unless it is an AF_INET/AF_INET6
// unicast route of the main table (RTA_TABLE, else rtm_table); EBade if
// malformed. The gateway is RTA_GATEWAY only (multipath nexthops are not
// read).
//   route := nlmsghdr rtmsg [RTA_DST a] [RTA_GATEWAY a] [RTA_OIF u32]
//            [RTA_PRIORITY u32] [RTA_TABLE u32]
Result<std::optional<Route>> decode_route(NlMsg msg);

}  // namespace ipadm::netlink

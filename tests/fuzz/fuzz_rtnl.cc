// Fuzz target: the rtnetlink decoders (src/netlink/rtnl_*.cc, nl_ack.cc,
// nd_useropt.cc) with kernel-shaped messages; the payload is also decoded
// as the ND options of a router advertisement (RDNSS/DNSSL).
//
// Input: byte 0 selects the shape, the rest is the payload.
//   0      the payload is one raw datagram (several messages, any headers),
//          split with for_each_msg and every message given to every decoder;
//   1..3   the payload is the body of one message after a well-formed
//          nlmsghdr written here (1 RTM_NEWLINK, 2 RTM_NEWADDR, 3 NLMSG_ERROR
//          with NLM_F_ACK_TLVS), so mutations explore the attributes.
// The buffer is 4-byte aligned like a recv() buffer. Oracle: no crash or
// sanitizer report (the decoders must never read outside the message).
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "netlink/nd_useropt.h"
#include "netlink/rtnl_codec.h"

using namespace ipadm::netlink;

namespace {

void decode_all(NlMsg msg) {
  if (auto l = decode_link(msg)) (void)l->ifname.size();
  if (auto a = decode_addr(msg)) (void)a->local.to_string();
  if (auto ack = decode_ack(msg)) {
    (void)ack_status(*ack, AckOp::kGeneric, "fuzz");
    (void)ack_status(*ack, AckOp::kAddrDel, "fuzz");
  }
  if (auto o = decode_nd_useropt(msg)) (void)o->rdnss.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  uint8_t shape = data[0] % 4;
  const uint8_t* body = data + 1;
  size_t blen = size - 1;
  std::vector<uint32_t> words((blen + NLMSG_HDRLEN + 3) / 4 + 1);
  auto* buf = reinterpret_cast<uint8_t*>(words.data());
  size_t len;
  if (shape == 0) {
    std::memcpy(buf, body, blen);
    len = blen;
  } else {
    static constexpr uint16_t kTypes[] = {0, RTM_NEWLINK, RTM_NEWADDR, NLMSG_ERROR};
    nlmsghdr h{};
    h.nlmsg_len = static_cast<uint32_t>(NLMSG_HDRLEN + blen);
    h.nlmsg_type = kTypes[shape];
    h.nlmsg_flags = shape == 3 ? NLM_F_ACK_TLVS : NLM_F_MULTI;
    h.nlmsg_seq = 1;
    std::memcpy(buf, &h, sizeof(h));
    std::memcpy(buf + NLMSG_HDRLEN, body, blen);
    len = NLMSG_HDRLEN + blen;
  }
  NdDnsOptions nd;
  decode_nd_dns_options(std::span<const uint8_t>(body, blen), &nd);
  NlMsg dgram(buf, len);
  decode_all(dgram);  // one message: also the unsplit, possibly inconsistent span
  for_each_msg(dgram, [](NlMsg m) { decode_all(m); });
  return 0;
}

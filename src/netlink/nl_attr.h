// Bounds-checked netlink attribute parsing shared by the rtnetlink codecs.
//
// Pure functions over bytes; no I/O, no allocation except attr_string. An
// attribute table holds, per type, the last attribute of that type seen (or
// nullptr). Validation is table-driven: each AttrRule gives the minimum
// payload length of one attribute type, so a decoder states its policy as
// data and then reads payloads without further length checks.
#pragma once

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/ipaddr.h"

namespace ipadm::netlink {

struct AttrRule {
  uint16_t type;
  uint16_t min_len;  // minimum payload length in bytes
};

// Splits the attribute run [data, data + len) into tb, indexed by type
// (NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off; types >= tb.size() are
// skipped). Returns false if an attribute overruns the run or is shorter than
// its rule's min_len. REQUIRES: data is 4-byte aligned.
bool parse_attrs(const void* data, size_t len, std::span<const AttrRule> rules,
                 std::span<const nlattr*> tb);

// Payload accessors. REQUIRES: a attribute accepted by parse_attrs whose rule
// guarantees the accessed width.
std::span<const uint8_t> attr_bytes(const nlattr* a);
uint8_t attr_u8(const nlattr* a);
uint32_t attr_u32(const nlattr* a);
// Copies an address attribute of exactly family's width (4 or 16 bytes)
// into *out; false if its payload has another length.
bool attr_ip(const nlattr* a, int family, IpAddr* out);
// The payload up to its first NUL (or its end if unterminated).
std::string attr_string(const nlattr* a);

// The header of one message of at least NLMSG_LENGTH(fixed) bytes whose
// nlmsg_len fits in msg; nullptr if it does not, or if msg is misaligned.
inline const nlmsghdr* msg_header(std::span<const uint8_t> msg, size_t fixed) {
  if (msg.size() < NLMSG_LENGTH(fixed) ||
      reinterpret_cast<uintptr_t>(msg.data()) % NLMSG_ALIGNTO != 0)
    return nullptr;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
  if (nlh->nlmsg_len < NLMSG_LENGTH(fixed) || nlh->nlmsg_len > msg.size()) return nullptr;
  return nlh;
}

// Payload of one message after the fixed header of `fixed` bytes (e.g.
// sizeof(ifaddrmsg)), as an attribute run for parse_attrs.
// REQUIRES: nlh->nlmsg_len >= NLMSG_LENGTH(fixed).
inline const void* msg_attrs(const nlmsghdr* nlh, size_t fixed, size_t* len) {
  size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(fixed);
  *len = nlh->nlmsg_len > off ? nlh->nlmsg_len - off : 0;
  return reinterpret_cast<const uint8_t*>(nlh) + off;
}

}  // namespace ipadm::netlink

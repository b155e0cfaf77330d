#include "netlink/nl_attr.h"

#include <sys/socket.h>

#include <cstring>

namespace ipadm::netlink {

bool parse_attrs(const void* data, size_t len, std::span<const AttrRule> rules,
                 std::span<const nlattr*> tb) {
  for (auto& slot : tb) slot = nullptr;
  const auto* p = static_cast<const uint8_t*>(data);
  while (len >= NLA_HDRLEN) {
    const auto* a = reinterpret_cast<const nlattr*>(p);
    if (a->nla_len < NLA_HDRLEN || a->nla_len > len) return false;
    uint16_t type = a->nla_type & NLA_TYPE_MASK;
    size_t payload = a->nla_len - NLA_HDRLEN;
    for (const AttrRule& r : rules) {
      if (r.type == type && payload < r.min_len) return false;
    }
    if (type < tb.size()) tb[type] = a;
    size_t step = NLA_ALIGN(a->nla_len);
    if (step >= len) break;
    p += step;
    len -= step;
  }
  return true;
}

std::span<const uint8_t> attr_bytes(const nlattr* a) {
  return {reinterpret_cast<const uint8_t*>(a) + NLA_HDRLEN,
          static_cast<size_t>(a->nla_len - NLA_HDRLEN)};
}

uint8_t attr_u8(const nlattr* a) { return attr_bytes(a)[0]; }

uint32_t attr_u32(const nlattr* a) {
  uint32_t v;
  std::memcpy(&v, attr_bytes(a).data(), sizeof(v));
  return v;
}

bool attr_ip(const nlattr* a, int family, IpAddr* out) {
  auto b = attr_bytes(a);
  size_t want = family == AF_INET ? 4 : 16;
  if (b.size() != want) return false;
  out->family = family;
  out->bytes.fill(0);
  std::memcpy(out->bytes.data(), b.data(), want);
  return true;
}

std::string attr_string(const nlattr* a) {
  auto b = attr_bytes(a);
  const auto* s = reinterpret_cast<const char*>(b.data());
  return std::string(s, strnlen(s, b.size()));
}

}  // namespace ipadm::netlink

#include "netlink/nd_useropt.h"

#include <linux/rtnetlink.h>
#include <netinet/icmp6.h>
#include <sys/socket.h>

#include <cstring>

namespace ipadm::netlink {

namespace {

constexpr uint8_t kRdnss = 25;
constexpr uint8_t kDnssl = 31;
constexpr size_t kMaxName = 253;

uint32_t be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

bool label_char(uint8_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

// DNS wire names (RFC 1035 3.1, no compression) packed in the option body,
// padded with zero bytes. A malformed name ends the list.
std::vector<std::string> decode_names(std::span<const uint8_t> b) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < b.size()) {
    if (b[i] == 0) {  // padding (or an empty name)
      ++i;
      continue;
    }
    std::string name;
    bool ok = false;
    while (i < b.size()) {
      uint8_t len = b[i++];
      if (len == 0) {
        ok = !name.empty();
        break;
      }
      if (len > 63 || i + len > b.size()) return out;
      if (!name.empty()) name += '.';
      for (size_t k = 0; k < len; ++k) {
        uint8_t c = b[i + k];
        if (!label_char(c)) return out;
        name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      i += len;
      if (name.size() > kMaxName) return out;
    }
    if (!ok) return out;
    out.push_back(std::move(name));
  }
  return out;
}

}  // namespace

void decode_nd_dns_options(std::span<const uint8_t> opts, NdDnsOptions* out) {
  size_t i = 0;
  while (i + 2 <= opts.size()) {
    uint8_t type = opts[i];
    size_t len = size_t(opts[i + 1]) * 8;
    if (len == 0 || i + len > opts.size()) return;  // malformed: stop
    std::span<const uint8_t> o = opts.subspan(i, len);
    i += len;
    if (len < 8) continue;
    uint32_t lifetime = be32(o.data() + 4);
    if (type == kRdnss) {
      if (len < 24 || (len - 8) % 16 != 0) continue;  // RFC 8106: length 3 + 2n
      NdRdnss r;
      r.lifetime = lifetime;
      for (size_t k = 8; k + 16 <= len; k += 16) {
        IpAddr a;
        a.family = AF_INET6;
        std::memcpy(a.bytes.data(), o.data() + k, 16);
        if (a.is_zero() || a.bytes[0] == 0xff) continue;  // unspecified, multicast
        r.servers.push_back(a);
      }
      if (!r.servers.empty()) out->rdnss.push_back(std::move(r));
    } else if (type == kDnssl) {
      if (len < 16) continue;
      NdDnssl d;
      d.lifetime = lifetime;
      d.domains = decode_names(o.subspan(8));
      if (!d.domains.empty()) out->dnssl.push_back(std::move(d));
    }
  }
}

std::optional<NdDnsOptions> decode_nd_useropt(std::span<const uint8_t> msg) {
  if (msg.size() < NLMSG_LENGTH(sizeof(nduseroptmsg))) return std::nullopt;
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(msg.data());
  if (nlh->nlmsg_type != RTM_NEWNDUSEROPT || nlh->nlmsg_len > msg.size() ||
      nlh->nlmsg_len < NLMSG_LENGTH(sizeof(nduseroptmsg)))
    return std::nullopt;
  nduseroptmsg nd;
  std::memcpy(&nd, NLMSG_DATA(nlh), sizeof nd);
  if (nd.nduseropt_family != AF_INET6 || nd.nduseropt_icmp_type != ND_ROUTER_ADVERT)
    return std::nullopt;
  const size_t off = NLMSG_LENGTH(sizeof(nduseroptmsg));
  if (off + nd.nduseropt_opts_len > nlh->nlmsg_len) return std::nullopt;
  NdDnsOptions out;
  out.ifindex = nd.nduseropt_ifindex;
  decode_nd_dns_options(msg.subspan(off, nd.nduseropt_opts_len), &out);
  return out;
}

}  // namespace ipadm::netlink

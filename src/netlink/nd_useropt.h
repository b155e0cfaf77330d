// The DNS options of router advertisements as the kernel forwards them:
// RTM_NEWNDUSEROPT on RTNLGRP_ND_USEROPT, one message per RA with its
// RDNSS (RFC 8106 type 25) and DNSSL (type 31) options, each with its own
// lifetime. Pure decoding of untrusted bytes (they come from any host on
// the link): bounds checked, malformed options skipped, domain names kept
// only when every label is letters, digits, '-' or '_' (1..63 each, name
// at most 253 characters). Other option types are ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/ipaddr.h"

namespace ipadm::netlink {

struct NdRdnss {
  uint32_t lifetime = 0;  // seconds; 0xffffffff infinite, 0 = withdrawn
  std::vector<IpAddr> servers;
};
struct NdDnssl {
  uint32_t lifetime = 0;
  std::vector<std::string> domains;  // lower-cased, no trailing dot
};
struct NdDnsOptions {
  int ifindex = 0;
  std::vector<NdRdnss> rdnss;
  std::vector<NdDnssl> dnssl;
};

// One netlink message (header included). nullopt unless it is an
// RTM_NEWNDUSEROPT of family AF_INET6 from an ICMPv6 router advertisement.
std::optional<NdDnsOptions> decode_nd_useropt(std::span<const uint8_t> msg);

// The ND options area alone (exposed for tests and the fuzzer).
void decode_nd_dns_options(std::span<const uint8_t> opts, NdDnsOptions* out);

}  // namespace ipadm::netlink

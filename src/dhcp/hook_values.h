// Checked conversions of hook variable values (internal to src/dhcp): the
// building blocks of lease.cc (v4) and lease6.cc (v6). Pure functions; every
// input came from the network, so nothing is trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ipaddr.h"
#include "common/status.h"
#include "dhcp/lease.h"

namespace ipadm::dhcp {

// The value of key in m, nullptr if absent.
const std::string* hook_var(const HookMessage& m, const char* key);
// Decimal 0..2^32-1, no sign, no spaces.
std::optional<uint32_t> parse_u32(std::string_view s);
// A numeric address of family (AF_INET or AF_INET6).
std::optional<IpAddr> parse_addr(std::string_view s, int family);
// "a b c" (any number of spaces) -> addresses of family; at most
// kMaxListEntries kept, any malformed entry is BadAddr ("malformed WHAT").
Result<std::vector<IpAddr>> parse_addr_list(std::string_view s, int family, const char* what);
// One DNS name: 1..253 characters (254 with the root dot) of letters,
// digits, '.', '-', '_'.
bool valid_domain_name(std::string_view s);
// Space-separated DNS names -> the same names joined by single spaces, at
// most kMaxListEntries kept; InvalidArg if one is malformed.
Result<std::string> parse_domain_list(std::string_view s);

}  // namespace ipadm::dhcp

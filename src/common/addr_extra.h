// Type-specific data of dhcp and addrconf address objects, in the illumos
// store form (spec 6.2) that AddrRecord::extra / AddrObj::extra carry:
//   dhcp      "WAIT,PRIMARY"                   e.g. "-2,no", "30,yes"
//   addrconf  "TOKEN/PLEN,STATELESS,STATEFUL"  e.g. "::/0,yes,yes", "::1:2/64,yes,no"
// plus the DHCP host-name rule (spec 3.4). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/ipaddr.h"
#include "common/status.h"

namespace ipadm {

constexpr int kDhcpWaitForever = -1;  // -w forever
constexpr int kDhcpWaitDefault = -2;  // no -w: the agent's default
constexpr int kDhcpDefaultWaitSecs = 120;  // dhcpagent's default IPC wait (man page)

struct DhcpConf {
  int wait = kDhcpWaitDefault;  // seconds >= 0, or kDhcpWaitForever/kDhcpWaitDefault
  bool primary = false;         // -1
};
std::string format_dhcp(const DhcpConf& c);
// "" = defaults. InvalidArg on anything else than the form above.
Result<DhcpConf> parse_dhcp(std::string_view text);
// -w value: "forever" or a non-negative integer (seconds). InvalidArg otherwise.
Result<int> parse_dhcp_wait(std::string_view text);

struct AddrconfConf {
  std::optional<IpAddr> token;  // -i interface id (IPv6, low plen bits used)
  int plen = 0;                 // its prefix length
  bool stateless = true;
  bool stateful = true;
};
std::string format_addrconf(const AddrconfConf& c);
Result<AddrconfConf> parse_addrconf(std::string_view text);  // "" = defaults
// -i value "IPV6ADDR/PLEN" (plen mandatory, 1..128). InvalidArg otherwise.
Result<AddrconfConf> parse_interface_id(std::string_view text);
// -p value "stateless=yes|no[,stateful=yes|no]" applied to c; each key at
// most once, at least one. InvalidArg otherwise.
Status parse_addrconf_policy(std::string_view text, AddrconfConf* c);

// The create-addr options that belong to one address type only (spec 2.2,
// illumos ipadm.c), as option letters: static refuses -w -1 -h -i -p, dhcp
// -a -d -i -p, addrconf -a -d -w -1 -h. `given` holds the letters of the
// options present. InvalidArg "Invalid address type T" for an unknown
// type, "Invalid arguments for type T" for a refused option (the detail is
// the CLI's whole message). The one rule of the CLI and the daemon.
Status check_addr_type_options(std::string_view type, std::string_view given);

// Spec 3.4 host names: 1-253 chars (254 with a trailing dot); labels of
// letters, digits and '-', '-' and '.' not first, not ending in '-'.
// "" or " " mean none (valid).
bool dhcp_hostname_valid(std::string_view name);

// The IPv6 link-local address of an addrconf object: fe80::/64 with the
// interface id from the token (low 64 bits) or else EUI-64 of a 6-byte MAC.
// nullopt if neither is usable.
std::optional<IpAddr> linklocal_address(const AddrconfConf& c, const std::string& mac);

}  // namespace ipadm

// The address text of a static address object, read strictly, and the rules
// an address must meet to be configured on a link (issue 11 item 7;
// docs/linux-mapping.md "Address syntax"). Pure functions, no I/O.
//
// illumos (libipadm ipadm_set_addr -> i_ipadm_resolve_addr) hands every
// string, numeric or not, to getaddrinfo(3) and leaves unusable addresses to
// the kernel (ip_sioctl_addr: ip_addr_ok_v4 / ip_local_addr_ok_v6 ->
// EADDRNOTAVAIL -> IPADM_ADDR_NOTAVAIL). On Linux getaddrinfo also takes
// inet_aton forms (192.0.2.010 is octal, 1.2.3 is 1.2.0.3, 0x7f.1 is
// 127.0.0.1), so here:
//   - a numeric address is read with inet_pton only; text that looks
//     numeric but is not an inet_pton form is BadAddr and never resolved;
//   - everything else must be a syntactically valid host name (RFC 1123
//     labels) to be resolved at all, by the caller;
//   - the address, numeric or resolved, then passes check_link_addr and
//     check_not_broadcast.
#pragma once

#include <string>
#include <string_view>

#include "common/ipaddr.h"
#include "common/status.h"

namespace ipadm {

struct HostText {
  bool numeric = false;  // false: a host name, to be resolved by the caller
  IpAddr addr;           // numeric: the address; IPv4-mapped is returned as IPv4
  std::string scope;     // numeric IPv6 "ADDR%SCOPE": SCOPE, else ""
  // What is persisted and shown: the text as typed without "%SCOPE"; the
  // IPv4 text for an IPv4-mapped address (so that export reads back).
  std::string stored;
};

// Reads the text of one address (no "/PLEN"). BadAddr (detail:
// address_detail of the text) if it is neither an inet_pton form (IPv6 with an optional
// "%SCOPE") nor a valid host name, or if it is a name that looks numeric
// (its last label all digits or 0x-hex, as inet_aton reads).
Result<HostText> read_host(std::string_view text);

// The scope of a numeric IPv6 address must name the object's own link and
// the address must be link-local; a numeric scope (an ifindex) is refused.
// BadAddr otherwise. No scope: OK.
Status check_scope(const HostText& h, std::string_view ifname);

// 127.0.0.0/8 or ::1.
bool is_loopback_addr(const IpAddr& a);

// Can `a` be a local address (or the peer) on a link? BadAddr if
// unspecified (spec 3.3); AddrNotAvail (illumos's kernel answer) if
// multicast, the limited broadcast 255.255.255.255, or a loopback address
// (127/8, ::1) on a link that is not a loopback link. `text` is the detail.
Status check_link_addr(const IpAddr& a, bool loopback_link, std::string_view text);

// An IPv4 local address must not be the broadcast address of its own
// subnet (host part all ones, prefix length < 31). AddrNotAvail.
Status check_not_broadcast(const IpAddr& a, int plen, std::string_view text);

}  // namespace ipadm

// The ndd-style protocol property names of DB version 0 (2010) and their
// version-1 names (spec 4.1 and 6.5). Pure data and one function.
#pragma once

#include <string>
#include <string_view>

namespace ipadm::store {

struct LegacyName {
  std::string protocol;  // possibly changed, e.g. ip -> ipv4
  std::string name;      // new name: public ("smallest_anon_port") or private ("_cwnd_max")
  std::string value;     // possibly converted (ndd numbers -> ipadm words)
};

// Converts one protocol property of a version-0 file. `name` is the stored
// name (not starting with '_'). Rules, first match wins:
//  1. ndd names of public properties (table kNddPublic):
//     e.g. tcp tcp_smallest_anon_port -> smallest_anon_port,
//     ip ip_def_ttl -> ipv4 ttl, tcp tcp_ecn_permitted=1 -> ecn=passive;
//  2. protocols ip/ipv4/ipv6: the fixed illumos table (kIpPrivate; ARP, NDP,
//     IGMP/MLD, IPsec names and the ip_/ipv4_/ipv6_ names that move to
//     ipv4/ipv6), then ip6_X -> ipv6 _X, then ip_X -> ip _X;
//  3. tcp_X / udp_X / sctp_X / icmp_X under their protocol -> _X;
//  4. anything else (a public name) is unchanged.
// Protocol "arp" (accepted by illumos as an alias of ip) becomes "ip".
LegacyName legacy_to_new_propname(std::string_view protocol, std::string_view name,
                                  std::string_view value);

}  // namespace ipadm::store

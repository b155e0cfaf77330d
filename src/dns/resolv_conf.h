// resolv.conf(5) text of learned DNS. Pure.
//
//   format_resolv_conf: the whole file ipmgmtd writes (<root>/run/ipadm/
//     resolv.conf) from every link's merged DNS, links in name order:
//     a comment header, one "nameserver" line per server (IPv6 link-local
//     ones with "%IF", the scope glibc needs), then one "search" line.
//   format_link_conf: the same lines for one link, as resolvconf(8) reads
//     them on standard input (`resolvconf -a IF.ipadm`).
// Duplicates across links are written once. Domains are the checked DNS
// names of dhcp::valid_domain_name / the RA parser, so no escaping is needed.
#pragma once

#include <map>
#include <string>

#include "dns/link_dns.h"

namespace ipadm::dns {

std::string format_resolv_conf(const std::map<std::string, LinkDns>& links);
std::string format_link_conf(const std::string& ifname, const LinkDns& d);

}  // namespace ipadm::dns

// Learned DNS (issue 13 item 2): the name servers and search domains of
// DHCPv4 leases (dhcp objects), DHCPv6 leases and router advertisements
// (addrconf objects) go to the dns::Applier, keyed by the object, and go
// away with the lease, the object (delete, disable, SLAAC stopped) or the
// link. Nothing here fails an address operation.
#include <sys/socket.h>

#include <cctype>
#include <sstream>

#include "core/service.h"

namespace ipadm::core {

namespace {

// The names of a lease's space-separated list, as the RA parser gives them:
// lower case, no trailing (root) dot -- "v6.test." and "v6.test" are one.
std::vector<std::string> domain_names(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) {
    if (w.back() == '.') w.pop_back();
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

}  // namespace

void Service::dns_lease_locked_(const AddrObj& o, int ifindex, const dhcp::Lease& l) {
  if (!dns_) return;
  const bool v4 = o.atype == AddrType::Dhcp;
  dns::LinkDns d;
  for (const IpAddr& a : l.dns)
    if (a.family == (v4 ? AF_INET : AF_INET6) && !a.is_zero()) d.servers.push_back(a);
  // v4: option 15 (one name) then option 119; v6: option 24 (a list).
  for (const std::string& n : domain_names(l.domain)) d.domains.push_back(n);
  for (const std::string& n : domain_names(l.search)) d.domains.push_back(n);
  dns_->lease(o.ifname, ifindex, v4 ? dns::Source::Dhcp4 : dns::Source::Dhcp6, o.aobjname,
              std::move(d));
}

void Service::dns_lease_gone_locked_(const AddrObj& o) {
  if (!dns_) return;
  dns_->lease_gone(o.aobjname);
  if (o.atype == AddrType::Addrconf) dns_->ra_gone(o.ifname);
}

void Service::dns_link_gone_locked_(const std::string& ifname) {
  if (dns_) dns_->link_gone(ifname);
}

void Service::on_nd_dns(const std::string& ifname, const netlink::NdDnsOptions& opts) {
  std::lock_guard lock(mu_);
  if (!dns_) return;
  bool slaac = false;
  for (const AddrObj* a : map_.addrs_of(ifname))
    slaac |= a->atype == AddrType::Addrconf && (a->flags & kActive);
  if (!slaac) return;
  for (const netlink::NdRdnss& r : opts.rdnss)
    dns_->ra_servers(ifname, opts.ifindex, r.servers, r.lifetime);
  for (const netlink::NdDnssl& d : opts.dnssl)
    dns_->ra_domains(ifname, opts.ifindex, d.domains, d.lifetime);
}

}  // namespace ipadm::core

#include "dns/resolv_conf.h"

#include <algorithm>
#include <vector>

namespace ipadm::dns {

namespace {

constexpr const char* kHeader =
    "# Written by ipmgmtd(8) from DHCP leases and router advertisements.\n"
    "# Do not edit: it is rewritten whenever they change.\n";

std::string server_text(const IpAddr& a, const std::string& ifname) {
  std::string s = a.to_string();
  if (a.is_v6_linklocal()) s += "%" + ifname;
  return s;
}

std::string body(const std::map<std::string, LinkDns>& links) {
  std::vector<std::string> servers, domains;
  for (const auto& [ifname, d] : links) {
    for (const IpAddr& a : d.servers) {
      std::string s = server_text(a, ifname);
      if (std::find(servers.begin(), servers.end(), s) == servers.end()) servers.push_back(s);
    }
    for (const std::string& n : d.domains)
      if (std::find(domains.begin(), domains.end(), n) == domains.end()) domains.push_back(n);
  }
  std::string out;
  for (const std::string& s : servers) out += "nameserver " + s + "\n";
  if (!domains.empty()) {
    out += "search";
    for (const std::string& n : domains) out += " " + n;
    out += "\n";
  }
  return out;
}

}  // namespace

std::string format_resolv_conf(const std::map<std::string, LinkDns>& links) {
  return kHeader + body(links);
}

std::string format_link_conf(const std::string& ifname, const LinkDns& d) {
  return body({{ifname, d}});
}

}  // namespace ipadm::dns

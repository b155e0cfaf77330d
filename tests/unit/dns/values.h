// Test values of the dns unit tests: addresses and LinkDns from text.
#pragma once

#include <string>
#include <vector>

#include "dns/link_dns.h"

namespace ipadm::dns::testing {

inline IpAddr ip(const char* s) { return *IpAddr::parse(s); }

inline LinkDns dns(std::vector<const char*> servers, std::vector<std::string> domains) {
  LinkDns d;
  for (const char* s : servers) d.servers.push_back(ip(s));
  d.domains = std::move(domains);
  return d;
}

}  // namespace ipadm::dns::testing

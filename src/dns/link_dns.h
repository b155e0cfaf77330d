// LinkDns and DnsState: what the network told ipmgmtd about name resolution
// on each link, by source, and the merged view the sinks apply.
//
// Sources (illumos: dhcpagent's and in.ndpd's DNS options):
//   Dhcp4  a DHCPv4 lease of a dhcp object: options 6 (servers), 15 (domain
//          name) and 119 (domain search), keyed by the object's aobjname
//   Dhcp6  a DHCPv6 lease of a stateful addrconf object: options 23 and 24
//   Ra     router advertisements on the link: RDNSS (RFC 8106 type 25) and
//          DNSSL (type 31); each server and domain has its own lifetime
// A lease's DNS replaces the previous one of the same object and goes with
// the lease. RA values are refreshed by every advertisement, removed by a
// lifetime of 0, and expire at the end of their lifetime (expire()).
//
// Merge of one link: servers then domains in source order Dhcp4, Dhcp6, Ra
// (RA values in the order they were first heard), duplicates dropped.
//
// Pure: no I/O, no clock (times are a caller's monotonic seconds), not
// thread-safe (dns::Applier serializes it).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/ipaddr.h"

namespace ipadm::dns {

enum class Source { Dhcp4, Dhcp6, Ra };

struct LinkDns {
  std::vector<IpAddr> servers;
  std::vector<std::string> domains;  // search list, in order
  bool empty() const { return servers.empty() && domains.empty(); }
  bool operator==(const LinkDns&) const = default;
};

// RA lifetimes (seconds, RFC 8106): 0 = remove now, kInfinite = never expires.
inline constexpr uint32_t kInfinite = 0xffffffffu;

class DnsState {
 public:
  // The DNS of a lease (replaces what key said before; an empty d removes
  // it). Returns whether the merged view of ifname changed.
  bool set_lease(const std::string& ifname, Source src, const std::string& key, LinkDns d);
  // The lease of key is gone. Returns the link whose merged view changed.
  std::optional<std::string> drop_lease(const std::string& key);
  // One RA's RDNSS servers / DNSSL domains with their lifetime, heard at
  // `now`. Returns whether the merged view of ifname changed.
  bool ra_servers(const std::string& ifname, const std::vector<IpAddr>& servers,
                  uint32_t lifetime, int64_t now);
  bool ra_domains(const std::string& ifname, const std::vector<std::string>& domains,
                  uint32_t lifetime, int64_t now);
  // Forgets what RAs said on ifname (SLAAC stopped). Returns whether it changed.
  bool drop_ra(const std::string& ifname);
  // Forgets ifname (link gone). Returns whether it had anything.
  bool drop_link(const std::string& ifname);
  // Removes RA values whose lifetime ended at or before `now`; returns the
  // links whose merged view changed.
  std::vector<std::string> expire(int64_t now);
  // The earliest end of an RA lifetime, if any is finite.
  std::optional<int64_t> next_expiry() const;

  LinkDns merged(const std::string& ifname) const;
  // Links with any DNS, sorted by name.
  std::vector<std::string> links() const;

 private:
  template <typename T>
  struct Timed {
    T value;
    std::optional<int64_t> deadline;  // none: infinite
  };
  struct Lease {
    Source src;
    std::string key;
    LinkDns dns;
  };
  struct Link {
    std::vector<Lease> leases;
    std::vector<Timed<IpAddr>> ra_servers;
    std::vector<Timed<std::string>> ra_domains;
    bool empty() const { return leases.empty() && ra_servers.empty() && ra_domains.empty(); }
  };
  template <typename T>
  static void refresh(std::vector<Timed<T>>* list, const std::vector<T>& values,
                      uint32_t lifetime, int64_t now);
  // Runs change on ifname's entry and reports whether the merged view moved.
  template <typename F>
  bool change(const std::string& ifname, F&& f);

  std::map<std::string, Link> links_;
};

}  // namespace ipadm::dns

#include "store/illumos_legacy_names.h"

#include <array>

namespace ipadm::store {

namespace {

// How an ndd value is turned into the ipadm value.
enum class ValueMap {
  Same,
  OnOff,     // 0 -> off, 1 -> on
  EcnSack,   // 0 -> never, 1 -> passive, 2 -> active
};

struct NddPublic {
  std::string_view protocol;   // protocol of the stored line ("ip" covers ip/ipv4/ipv6)
  std::string_view ndd_name;
  std::string_view new_protocol;
  std::string_view new_name;
  ValueMap value;
};

// ndd names of properties that are public in ipadm (illumos ndd(8)
// compatibility map), plus the <proto>_max_buf names. A value that is not a
// known ndd number is kept as stored.
constexpr std::array<NddPublic, 30> kNddPublic = {{
    {"ip", "ip_def_ttl", "ipv4", "ttl", ValueMap::Same},
    {"ip", "ip6_def_hops", "ipv6", "hoplimit", ValueMap::Same},
    {"ip", "ip_forwarding", "ipv4", "forwarding", ValueMap::OnOff},
    {"ip", "ip6_forwarding", "ipv6", "forwarding", ValueMap::OnOff},
    {"tcp", "tcp_ecn_permitted", "tcp", "ecn", ValueMap::EcnSack},
    {"tcp", "tcp_sack_permitted", "tcp", "sack", ValueMap::EcnSack},
    {"tcp", "tcp_extra_priv_ports", "tcp", "extra_priv_ports", ValueMap::Same},
    {"tcp", "tcp_largest_anon_port", "tcp", "largest_anon_port", ValueMap::Same},
    {"tcp", "tcp_smallest_anon_port", "tcp", "smallest_anon_port", ValueMap::Same},
    {"tcp", "tcp_smallest_nonpriv_port", "tcp", "smallest_nonpriv_port", ValueMap::Same},
    {"tcp", "tcp_recv_hiwat", "tcp", "recv_buf", ValueMap::Same},
    {"tcp", "tcp_xmit_hiwat", "tcp", "send_buf", ValueMap::Same},
    {"tcp", "tcp_max_buf", "tcp", "max_buf", ValueMap::Same},
    {"udp", "udp_extra_priv_ports", "udp", "extra_priv_ports", ValueMap::Same},
    {"udp", "udp_largest_anon_port", "udp", "largest_anon_port", ValueMap::Same},
    {"udp", "udp_smallest_anon_port", "udp", "smallest_anon_port", ValueMap::Same},
    {"udp", "udp_smallest_nonpriv_port", "udp", "smallest_nonpriv_port", ValueMap::Same},
    {"udp", "udp_recv_hiwat", "udp", "recv_buf", ValueMap::Same},
    {"udp", "udp_xmit_hiwat", "udp", "send_buf", ValueMap::Same},
    {"udp", "udp_max_buf", "udp", "max_buf", ValueMap::Same},
    {"sctp", "sctp_extra_priv_ports", "sctp", "extra_priv_ports", ValueMap::Same},
    {"sctp", "sctp_largest_anon_port", "sctp", "largest_anon_port", ValueMap::Same},
    {"sctp", "sctp_smallest_anon_port", "sctp", "smallest_anon_port", ValueMap::Same},
    {"sctp", "sctp_smallest_nonpriv_port", "sctp", "smallest_nonpriv_port", ValueMap::Same},
    {"sctp", "sctp_recv_hiwat", "sctp", "recv_buf", ValueMap::Same},
    {"sctp", "sctp_xmit_hiwat", "sctp", "send_buf", ValueMap::Same},
    {"sctp", "sctp_max_buf", "sctp", "max_buf", ValueMap::Same},
    {"icmp", "icmp_recv_hiwat", "icmp", "recv_buf", ValueMap::Same},
    {"icmp", "icmp_xmit_hiwat", "icmp", "send_buf", ValueMap::Same},
    {"icmp", "icmp_max_buf", "icmp", "max_buf", ValueMap::Same},
    // (ndd(8) also had <proto>_extra_priv_ports_add/_del, write-only
    // commands that ipadm never stored.)
}};

struct IpPrivate {
  std::string_view ndd_name;
  std::string_view new_protocol;
  std::string_view new_name;
};

// IP names with no regular prefix rule (spec 4.1 "a fixed table for
// ARP/NDP/IPsec/IGMP names"; the same table as illumos libipadm).
constexpr std::array<IpPrivate, 31> kIpPrivate = {{
    {"arp_probe_delay", "ip", "_arp_probe_delay"},
    {"arp_fastprobe_delay", "ip", "_arp_fastprobe_delay"},
    {"arp_probe_interval", "ip", "_arp_probe_interval"},
    {"arp_fastprobe_interval", "ip", "_arp_fastprobe_interval"},
    {"arp_probe_count", "ip", "_arp_probe_count"},
    {"arp_fastprobe_count", "ip", "_arp_fastprobe_count"},
    {"arp_defend_interval", "ip", "_arp_defend_interval"},
    {"arp_defend_rate", "ip", "_arp_defend_rate"},
    {"arp_defend_period", "ip", "_arp_defend_period"},
    {"ndp_defend_interval", "ip", "_ndp_defend_interval"},
    {"ndp_defend_rate", "ip", "_ndp_defend_rate"},
    {"ndp_defend_period", "ip", "_ndp_defend_period"},
    {"igmp_max_version", "ip", "_igmp_max_version"},
    {"mld_max_version", "ip", "_mld_max_version"},
    {"ipsec_override_persocket_policy", "ip", "_ipsec_override_persocket_policy"},
    {"ipsec_policy_log_interval", "ip", "_ipsec_policy_log_interval"},
    {"icmp_accept_clear_messages", "ip", "_icmp_accept_clear_messages"},
    {"igmp_accept_clear_messages", "ip", "_igmp_accept_clear_messages"},
    {"pim_accept_clear_messages", "ip", "_pim_accept_clear_messages"},
    {"ip_respond_to_echo_multicast", "ipv4", "_respond_to_echo_multicast"},
    {"ip_send_redirects", "ipv4", "_send_redirects"},
    {"ip_forward_src_routed", "ipv4", "_forward_src_routed"},
    {"ip_icmp_return_data_bytes", "ipv4", "_icmp_return_data_bytes"},
    {"ip_ignore_redirect", "ipv4", "_ignore_redirect"},
    {"ip_strict_dst_multihoming", "ipv4", "_strict_dst_multihoming"},
    {"ip_reasm_timeout", "ipv4", "_reasm_timeout"},
    {"ip_strict_src_multihoming", "ipv4", "_strict_src_multihoming"},
    {"ipv4_dad_announce_interval", "ipv4", "_dad_announce_interval"},
    {"ipv4_icmp_return_pmtu", "ipv4", "_icmp_return_pmtu"},
    {"ipv6_dad_announce_interval", "ipv6", "_dad_announce_interval"},
    {"ipv6_icmp_return_pmtu", "ipv6", "_icmp_return_pmtu"},
}};

bool is_ip(std::string_view p) { return p == "ip" || p == "ipv4" || p == "ipv6"; }

std::string map_value(ValueMap m, std::string_view v) {
  if (m == ValueMap::OnOff) {
    if (v == "0") return "off";
    if (v == "1") return "on";
  } else if (m == ValueMap::EcnSack) {
    if (v == "0") return "never";
    if (v == "1") return "passive";
    if (v == "2") return "active";
  }
  return std::string(v);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.size() > prefix.size() && s.substr(0, prefix.size()) == prefix;
}

}  // namespace

LegacyName legacy_to_new_propname(std::string_view protocol, std::string_view name,
                                  std::string_view value) {
  if (protocol == "arp") protocol = "ip";
  for (const auto& e : kNddPublic) {
    bool proto_ok = e.protocol == "ip" ? is_ip(protocol) : protocol == e.protocol;
    if (proto_ok && name == e.ndd_name)
      return {std::string(e.new_protocol), std::string(e.new_name), map_value(e.value, value)};
  }
  LegacyName out{std::string(protocol), std::string(name), std::string(value)};
  if (is_ip(protocol)) {
    for (const auto& e : kIpPrivate)
      if (name == e.ndd_name) {
        out.protocol = e.new_protocol;
        out.name = e.new_name;
        return out;
      }
    if (starts_with(name, "ip6_")) {
      out.protocol = "ipv6";
      out.name = std::string(name.substr(3));
    } else if (starts_with(name, "ip_")) {
      out.protocol = "ip";
      out.name = std::string(name.substr(2));
    }
    return out;
  }
  for (std::string_view p : {"tcp", "udp", "sctp", "icmp"}) {
    if (protocol != p) continue;
    std::string prefix = std::string(p) + "_";
    if (starts_with(name, prefix)) out.name = std::string(name.substr(p.size()));
  }
  return out;
}

}  // namespace ipadm::store

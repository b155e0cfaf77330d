// The protocol property table (spec 4.1) and its name resolution: aliases
// and old ndd names. The Linux side of every row is explained in
// docs/linux-mapping.md, "## Properties".
#include <algorithm>

#include "core/props_impl.h"

namespace ipadm::core::props {

namespace {

constexpr const char* kPortRange = "net/ipv4/ip_local_port_range";
constexpr const char* kUnprivStart = "net/ipv4/ip_unprivileged_port_start";
constexpr int64_t kMaxBuf = 1073741824;  // 1 GiB (illumos cap; Linux takes INT_MAX)

// The integer at position index of a sysctl (-1: whole value), if readable.
std::optional<int64_t> read_int(netlink::Kernel& k, const char* path, int index) {
  auto v = k.sysctl_get(path);
  if (!v) return std::nullopt;
  std::vector<std::string> t = split(*v, " \t\n");
  size_t i = index < 0 ? 0 : static_cast<size_t>(index);
  if (i >= t.size()) return std::nullopt;
  auto n = parse_int(t[i], INT64_MIN, INT64_MAX);
  if (!n) return std::nullopt;
  return *n;
}

// Linux refuses a port range whose low end is below the first unprivileged
// port, or whose ends cross (ipv4_local_port_range()).
Status check_smallest_anon(netlink::Kernel& k, int64_t v) {
  if (auto hi = read_int(k, kPortRange, 1); hi && v > *hi)
    return Status(Errc::ERange, "smallest_anon_port must not exceed largest_anon_port (" +
                                    std::to_string(*hi) + ")");
  if (auto u = read_int(k, kUnprivStart, -1); u && v < *u)
    return Status(Errc::ERange, "smallest_anon_port must not be below smallest_nonpriv_port (" +
                                    std::to_string(*u) + ")");
  return Status::ok();
}

Status check_largest_anon(netlink::Kernel& k, int64_t v) {
  if (auto lo = read_int(k, kPortRange, 0); lo && v < *lo)
    return Status(Errc::ERange, "largest_anon_port must not be below smallest_anon_port (" +
                                    std::to_string(*lo) + ")");
  return Status::ok();
}

Status check_nonpriv(netlink::Kernel& k, int64_t v) {
  if (auto lo = read_int(k, kPortRange, 0); lo && v > *lo)
    return Status(Errc::ERange, "smallest_nonpriv_port must not exceed smallest_anon_port (" +
                                    std::to_string(*lo) + ")");
  return Status::ok();
}

// hostmodel: (rp_filter, arp_ignore, arp_announce) of net/ipv4/conf/all.
constexpr EnumVal kHostModelV4[] = {
    {"weak", "0 0 0", nullptr},
    {"src-priority", "0 0 2", nullptr},
    {"strong", "1 1 2", nullptr},
};
constexpr EnumVal kHostModelV6[] = {
    {"weak", "", nullptr},
    {"src-priority", nullptr, "Linux IPv6 is always weak end-system (no source-interface "
                              "preference switch)"},
    {"strong", nullptr, "Linux IPv6 is always weak end-system (no strong host model)"},
};
// Linux tcp_ecn: 0 off, 1 request and accept (illumos active), 2 accept only
// (illumos passive).
constexpr EnumVal kEcn[] = {
    {"never", "0", nullptr}, {"passive", "2", nullptr}, {"active", "1", nullptr}};
constexpr EnumVal kSack[] = {
    {"never", "0", nullptr},
    {"passive", nullptr, "Linux SACK is on or off (net/ipv4/tcp_sack): no passive mode"},
    {"active", "1", nullptr},
};

constexpr uint32_t kPorts = kTcp | kUdp | kSctp;
constexpr uint32_t kBufs = kTcp | kUdp | kSctp | kIcmp;
constexpr uint32_t kCoreBufs = kUdp | kSctp | kIcmp;

const ProtoProp kProtoProps[] = {
    {.name = "forwarding", .protos = kIpv4, .type = PType::kOnOff,
     .fields = {{"net/ipv4/ip_forward"}}, .defval = "off"},
    {.name = "forwarding", .protos = kIpv6, .type = PType::kOnOff,
     .fields = {{"net/ipv6/conf/all/forwarding"}}, .defval = "off"},
    {.name = "ttl", .protos = kIpv4, .type = PType::kInt, .min = 1, .max = 255,
     .fields = {{"net/ipv4/ip_default_ttl"}}, .defval = "64"},
    {.name = "hoplimit", .protos = kIpv6, .type = PType::kInt, .min = 1, .max = 255,
     // Linux uses the hop limit of the outgoing interface: existing links
     // get it too, new ones from default.
     .fields = {{"net/ipv6/conf/all/hop_limit"}, {"net/ipv6/conf/default/hop_limit"},
                {"net/ipv6/conf/*/hop_limit"}},
     .defval = "64"},
    {.name = "hostmodel", .protos = kIpv4, .type = PType::kEnum, .enums = kHostModelV4,
     .fields = {{"net/ipv4/conf/all/rp_filter"}, {"net/ipv4/conf/all/arp_ignore"},
                {"net/ipv4/conf/all/arp_announce"}},
     .split = true, .defval = "weak"},
    {.name = "hostmodel", .protos = kIpv6, .type = PType::kEnum, .enums = kHostModelV6,
     .defval = "weak"},
    {.name = "ecn", .protos = kTcp, .type = PType::kEnum, .enums = kEcn,
     .fields = {{"net/ipv4/tcp_ecn"}}, .defval = "passive"},
    {.name = "sack", .protos = kTcp, .type = PType::kEnum, .enums = kSack,
     .fields = {{"net/ipv4/tcp_sack"}}, .defval = "active"},
    {.name = "congestion_control", .protos = kTcp, .type = PType::kCongestion,
     .fields = {{"net/ipv4/tcp_congestion_control"}}},
    {.name = "smallest_anon_port", .protos = kPorts, .type = PType::kInt, .min = 1024,
     .max = 65535, .fields = {{kPortRange, 0}}, .defval = "32768",
     .check = check_smallest_anon},
    {.name = "largest_anon_port", .protos = kPorts, .type = PType::kInt, .min = 1024,
     .max = 65535, .fields = {{kPortRange, 1}}, .defval = "60999",
     .check = check_largest_anon},
    {.name = "smallest_nonpriv_port", .protos = kPorts, .type = PType::kInt, .min = 1024,
     .max = 32768, .fields = {{kUnprivStart}}, .defval = "1024", .check = check_nonpriv},
    {.name = "extra_priv_ports", .protos = kPorts, .type = PType::kPortList, .min = 1,
     .max = 65535, .fields = {{"net/ipv4/ip_local_reserved_ports"}}, .defval = ""},
    {.name = "max_buf", .protos = kBufs, .type = PType::kInt, .min = 8192, .max = kMaxBuf,
     .fields = {{"net/core/rmem_max"}, {"net/core/wmem_max"}}, .defval = "212992"},
    {.name = "send_buf", .protos = kTcp, .type = PType::kInt, .min = 4096, .max = kMaxBuf,
     .fields = {{"net/ipv4/tcp_wmem", 1}}, .defval = "16384", .max_prop = "max_buf"},
    {.name = "recv_buf", .protos = kTcp, .type = PType::kInt, .min = 4096, .max = kMaxBuf,
     .fields = {{"net/ipv4/tcp_rmem", 1}}, .defval = "131072", .max_prop = "max_buf"},
    {.name = "send_buf", .protos = kCoreBufs, .type = PType::kInt, .min = 4608, .max = kMaxBuf,
     .fields = {{"net/core/wmem_default"}}, .defval = "212992", .max_prop = "max_buf"},
    {.name = "recv_buf", .protos = kCoreBufs, .type = PType::kInt, .min = 2304, .max = kMaxBuf,
     .fields = {{"net/core/rmem_default"}}, .defval = "212992", .max_prop = "max_buf"},
    // Private properties with a Linux counterpart (listed only when named).
    {.name = "_conn_req_max_q", .protos = kTcp, .type = PType::kInt, .min = 1, .max = 65535,
     .fields = {{"net/core/somaxconn"}}, .defval = "4096", .listed = false},
    {.name = "_send_redirects", .protos = kIpv4, .type = PType::kInt, .min = 0, .max = 1,
     .fields = {{"net/ipv4/conf/all/send_redirects"}}, .defval = "1", .listed = false},
    {.name = "_icmp_err_interval", .protos = kIpv4, .type = PType::kInt, .min = 0,
     .max = 99999, .fields = {{"net/ipv4/icmp_ratelimit"}}, .defval = "1000",
     .listed = false},
};

// Other spellings of public names (spec 4.1), valid under the same protocol.
struct Alias {
  const char* from;
  const char* to;
};
constexpr Alias kAliases[] = {
    {"_max_buf", "max_buf"}, {"send_maxbuf", "send_buf"}, {"recv_maxbuf", "recv_buf"}};

// ndd names: PREFIX + rest, under the prefix's protocol. rest is renamed by
// kNddRenames, else taken as a public name, else as a private "_rest".
struct NddPrefix {
  const char* prefix;
  uint32_t proto;
};
constexpr NddPrefix kNddPrefixes[] = {
    {"ip6_", kIpv6}, {"ip_", kIpv4}, {"tcp_", kTcp},
    {"udp_", kUdp},  {"sctp_", kSctp}, {"icmp_", kIcmp},
};
constexpr Alias kNddRenames[] = {
    {"def_ttl", "ttl"},          {"def_hoplimit", "hoplimit"}, {"ecn_permitted", "ecn"},
    {"sack_permitted", "sack"},  {"xmit_hiwat", "send_buf"},   {"recv_hiwat", "recv_buf"},
};

bool name_known(std::string_view name) {
  return std::any_of(std::begin(kProtoProps), std::end(kProtoProps),
                     [&](const ProtoProp& p) { return name == p.name; });
}

// show-prop's listing order (illumos libipadm ipadm_prop.c tables). tcp's
// congestion_control (newer illumos) sits first, as its table is alphabetical.
constexpr ShowOrder kShowOrder[] = {
    {kIpv4, "forwarding"},
    {kIpv4, "ttl"},
    {kIpv6, "forwarding"},
    {kIpv6, "hoplimit"},
    {kIpv6, "hostmodel"},
    {kIpv4, "hostmodel"},
    {kIcmp, "max_buf"},
    {kIcmp, "recv_buf"},
    {kIcmp, "send_buf"},
    {kTcp, "congestion_control"},
    {kTcp, "ecn"},
    {kTcp, "extra_priv_ports"},
    {kTcp, "largest_anon_port"},
    {kTcp, "max_buf"},
    {kTcp, "recv_buf"},
    {kTcp, "sack"},
    {kTcp, "send_buf"},
    {kTcp, "smallest_anon_port"},
    {kTcp, "smallest_nonpriv_port"},
    {kUdp, "extra_priv_ports"},
    {kUdp, "largest_anon_port"},
    {kUdp, "max_buf"},
    {kUdp, "recv_buf"},
    {kUdp, "send_buf"},
    {kUdp, "smallest_anon_port"},
    {kUdp, "smallest_nonpriv_port"},
    {kSctp, "extra_priv_ports"},
    {kSctp, "largest_anon_port"},
    {kSctp, "max_buf"},
    {kSctp, "recv_buf"},
    {kSctp, "send_buf"},
    {kSctp, "smallest_anon_port"},
    {kSctp, "smallest_nonpriv_port"},
};

}  // namespace

std::span<const ProtoProp> proto_table() { return kProtoProps; }
std::span<const ShowOrder> show_order() { return kShowOrder; }

const ProtoProp* find_proto_prop(std::string_view name, uint32_t proto) {
  for (const ProtoProp& p : kProtoProps)
    if (name == p.name && (p.protos & proto)) return &p;
  return nullptr;
}

Result<ProtoRef> resolve_proto_prop(std::string_view name, uint32_t given) {
  for (const Alias& a : kAliases)
    if (name == a.from) name = a.to;
  // A public (or whitelisted private) name: only under one of its protocols,
  // never under "ip" as a whole.
  if (name_known(name)) {
    if (given != lowest_bit(given)) {
      return Status(Errc::BadProtocol,
                    std::string(name) + ": set it on ipv4 or ipv6, not on ip");
    }
    if (const ProtoProp* p = find_proto_prop(name, given)) return ProtoRef{p, given};
    return Status(Errc::BadProtocol,
                  std::string(name) + " is not a property of " + proto_name(given));
  }
  for (const NddPrefix& n : kNddPrefixes) {
    if (!name.starts_with(n.prefix)) continue;
    std::string rest(name.substr(std::string_view(n.prefix).size()));
    for (const Alias& r : kNddRenames)
      if (rest == r.from) rest = r.to;
    const ProtoProp* p = find_proto_prop(rest, n.proto);
    if (!p) p = find_proto_prop("_" + rest, n.proto);
    if (!p) break;
    if (!(given & n.proto))
      return Status(Errc::BadProtocol, std::string(name) + " is a property of " +
                                           proto_name(n.proto));
    return ProtoRef{p, n.proto};
  }
  return Status(Errc::PropUnknown, std::string(name));
}

}  // namespace ipadm::core::props

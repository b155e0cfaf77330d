#include "store/conf_model.h"

#include "common/ipaddr.h"

#include <sys/socket.h>

#include <array>
#include <set>
#include <tuple>
#include <unordered_set>

namespace ipadm::store {

bool conf_equal(const IfRecord& a, const IfRecord& b) {
  return a.ifname == b.ifname && a.v4 == b.v4 && a.v6 == b.v6;
}

bool conf_equal(const AddrRecord& a, const AddrRecord& b) {
  return a.aobjname == b.aobjname && a.ifname == b.ifname && a.family == b.family &&
         a.atype == b.atype && a.local == b.local && a.remote == b.remote &&
         a.prefixlen == b.prefixlen && a.up == b.up && a.extra == b.extra;
}

bool conf_equal(const PropRecord& a, const PropRecord& b) {
  return a.protocol == b.protocol && a.ifname == b.ifname && a.aobjname == b.aobjname &&
         a.name == b.name && a.value == b.value;
}

namespace {

template <typename T>
bool all_equal(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!conf_equal(a[i], b[i])) return false;
  return true;
}

Status bad(Errc c, std::string what) { return Status(c, std::move(what)); }

Status check_addr(const AddrRecord& a, const std::unordered_set<std::string>& ifs) {
  const std::string who = "address " + a.aobjname + ": ";
  auto name = parse_aobjname(a.aobjname);
  if (!name) return bad(Errc::InvalidArg, who + "invalid address object name");
  if (name->ifname != a.ifname)
    return bad(Errc::InvalidArg, who + "interface " + a.ifname + " does not match the name");
  if (!ifs.count(a.ifname)) return bad(Errc::InvalidArg, who + "interface " + a.ifname + " is not defined");
  if (a.family != AF_INET && a.family != AF_INET6)
    return bad(Errc::InvalidArg, who + "family " + std::to_string(a.family) + " is not AF_INET/AF_INET6");
  switch (a.atype) {
    case AddrType::Static:
      if (a.local.empty()) return bad(Errc::InvalidArg, who + "static address without a local address");
      break;
    case AddrType::Dhcp:
      if (a.family != AF_INET) return bad(Errc::InvalidArg, who + "dhcp is IPv4 only");
      break;
    case AddrType::Addrconf:
      if (a.family != AF_INET6) return bad(Errc::InvalidArg, who + "addrconf is IPv6 only");
      break;
    default:
      return bad(Errc::InvalidArg, who + "unknown address type");
  }
  int max = a.family == AF_INET ? 32 : 128;
  if (a.prefixlen != -1 && (a.prefixlen < 1 || a.prefixlen > max))
    return bad(Errc::InvalidArg, who + "prefixlen " + std::to_string(a.prefixlen) + " out of range");
  return Status::ok();
}

Status check_prop(const PropRecord& p, const std::unordered_set<std::string>& ifs,
                  const std::unordered_set<std::string>& aobjs) {
  const std::string who = "property " + p.name + ": ";
  if (p.name.empty() || p.name.size() > kConfMaxPropName)
    return bad(Errc::InvalidArg, "property '" + p.name + "': name must be 1.." +
                                     std::to_string(kConfMaxPropName) + " characters");
  if (p.value.size() > kConfMaxValue)
    return bad(Errc::InvalidArg, who + "value longer than " + std::to_string(kConfMaxValue) + " characters");
  if (!p.aobjname.empty()) {
    if (!p.protocol.empty()) return bad(Errc::InvalidArg, who + "address property with a protocol");
    if (!aobjs.count(p.aobjname))
      return bad(Errc::InvalidArg, who + "address object " + p.aobjname + " is not defined");
    if (p.aobjname.substr(0, p.aobjname.find('/')) != p.ifname)
      return bad(Errc::InvalidArg, who + "interface " + p.ifname + " does not match " + p.aobjname);
    return Status::ok();
  }
  if (p.protocol.empty()) return bad(Errc::InvalidArg, who + "no protocol and no address object");
  if (!p.ifname.empty()) {
    if (p.protocol != "ipv4" && p.protocol != "ipv6")
      return bad(Errc::InvalidArg, who + "interface property with protocol " + p.protocol);
    if (!ifs.count(p.ifname)) return bad(Errc::InvalidArg, who + "interface " + p.ifname + " is not defined");
    return Status::ok();
  }
  if (!conf_protocol_known(p.protocol)) return bad(Errc::InvalidArg, who + "unknown protocol " + p.protocol);
  return Status::ok();
}

}  // namespace

bool ConfSnapshot::operator==(const ConfSnapshot& o) const {
  return all_equal(ifs, o.ifs) && all_equal(addrs, o.addrs) && all_equal(props, o.props) &&
         routes == o.routes;
}

namespace {
std::string where(const std::vector<size_t>& lines, size_t i) {
  return i < lines.size() && lines[i] ? "line " + std::to_string(lines[i]) + ": " : "";
}
}  // namespace

std::string ConfSnapshot::addr_where(size_t i) const { return where(addr_lines, i); }
std::string ConfSnapshot::prop_where(size_t i) const { return where(prop_lines, i); }
std::string ConfSnapshot::route_where(size_t i) const { return where(route_lines, i); }

int route_family(const std::string& destination, const std::string& gateway) {
  if (destination != "default") {
    auto ap = split_prefix(destination);
    if (!ap) return 0;
    auto a = IpAddr::parse(ap->host);
    return a ? a->family : 0;
  }
  auto g = IpAddr::parse(gateway);
  return g ? g->family : 0;
}

bool conf_protocol_known(std::string_view p) {
  static constexpr std::array<std::string_view, 7> kProtos = {"ip",  "ipv4", "ipv6", "tcp",
                                                              "udp", "sctp", "icmp"};
  for (auto k : kProtos)
    if (p == k) return true;
  return false;
}

Status validate_snapshot(const ConfSnapshot& s) {
  std::unordered_set<std::string> ifs, aobjs;
  for (const auto& i : s.ifs) {
    if (!ifname_valid(i.ifname)) return bad(Errc::InvalidName, "interface name '" + i.ifname + "'");
    if (!ifs.insert(i.ifname).second) return bad(Errc::InvalidArg, "interface " + i.ifname + " defined twice");
  }
  for (const auto& a : s.addrs) {
    IPADM_TRY(check_addr(a, ifs));
    if (!aobjs.insert(a.aobjname).second)
      return bad(Errc::InvalidArg, "address " + a.aobjname + " defined twice");
  }
  std::set<std::tuple<int, std::string, uint32_t>> route_keys;
  for (const auto& r : s.routes) {
    const std::string who = "route " + r.destination + ": ";
    if (r.family != AF_INET && r.family != AF_INET6) return bad(Errc::InvalidArg, who + "bad family");
    if (r.destination != "default" && r.destination.find('/') == std::string::npos)
      return bad(Errc::InvalidArg, who + "destination is not default or PREFIX/LEN");
    if (!r.ifname.empty() && !ifname_valid(r.ifname))
      return bad(Errc::InvalidName, who + "interface name '" + r.ifname + "'");
    if (!route_keys.emplace(r.family, r.destination, r.metric).second)
      return bad(Errc::InvalidArg, who + "defined twice with metric " + std::to_string(r.metric));
  }
  std::set<std::tuple<std::string, std::string, std::string, std::string>> keys;
  for (const auto& p : s.props) {
    IPADM_TRY(check_prop(p, ifs, aobjs));
    if (!keys.emplace(p.protocol, p.ifname, p.aobjname, p.name).second)
      return bad(Errc::InvalidArg, "property " + p.name + " set twice on " +
                                       (p.aobjname.empty() ? p.ifname.empty() ? p.protocol : p.ifname
                                                           : p.aobjname));
  }
  return Status::ok();
}

}  // namespace ipadm::store

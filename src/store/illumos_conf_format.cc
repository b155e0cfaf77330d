// format_illumos_conf and check_illumos_conf (grammar in illumos_conf.h).
#include <sys/socket.h>

#include <algorithm>

#include "store/illumos_conf.h"
#include "store/illumos_conf_lex.h"

namespace ipadm::store {

namespace {

constexpr std::string_view kHeader =
    "# ipadm.conf version=1; written by ipadm for Linux. Do not edit: use ipadm(8).\n";

// A property name as stored in the file: private names get the extra '_'.
std::string file_propname(const std::string& name) {
  return name.empty() || name[0] != '_' ? name : "_" + name;
}

void pair(std::string* out, std::string_view name, std::string_view value) {
  out->append(name);
  out->push_back('=');
  out->append(value);
  out->push_back(';');
}

void address_line(std::string* out, const AddrRecord& a) {
  pair(out, "_ifname", a.ifname);
  pair(out, "_aobjname", a.aobjname);
  switch (a.atype) {
    case AddrType::Static:
      pair(out, a.family == AF_INET ? "_ipv4addr" : "_ipv6addr", a.local + "," + a.remote);
      pair(out, "up", a.up ? "yes" : "no");
      break;
    case AddrType::Dhcp:
    case AddrType::Addrconf:
      pair(out, a.atype == AddrType::Dhcp ? "_dhcp" : "_intfid", a.extra);
      if (!a.up) pair(out, "up", "no");
      break;
    default:
      break;
  }
  out->push_back('\n');
  if (a.prefixlen >= 0) {
    pair(out, "_ifname", a.ifname);
    pair(out, "_aobjname", a.aobjname);
    pair(out, "prefixlen", std::to_string(a.prefixlen));
    out->push_back('\n');
  }
}

void property_line(std::string* out, const PropRecord& p) {
  if (!p.aobjname.empty()) {
    pair(out, "_ifname", p.ifname);
    pair(out, "_aobjname", p.aobjname);
  } else {
    pair(out, "_protocol", p.protocol);
    if (!p.ifname.empty()) pair(out, "_ifname", p.ifname);
  }
  pair(out, file_propname(p.name), p.value);
  out->push_back('\n');
}

bool plain(std::string_view s) {
  return s.find_first_of(";\n\r") == std::string_view::npos;
}

bool name_ok(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), illumos_lex::name_char);
}

Status refuse(const std::string& who, const std::string& why) {
  return Status(Errc::InvalidArg, who + ": " + why + " cannot be written in ipadm.conf");
}

}  // namespace

std::string format_illumos_conf(const ConfSnapshot& s) {
  std::string out(kHeader);
  for (const auto& i : s.ifs) {
    if (i.v4) out += "_ifname=" + i.ifname + ";_family=2;\n";
    if (i.v6) out += "_ifname=" + i.ifname + ";_family=26;\n";
    if (!i.v4 && !i.v6) out += "_ifname=" + i.ifname + ";_families=;\n";
  }
  for (const auto& a : s.addrs) address_line(&out, a);
  for (const auto& p : s.props) property_line(&out, p);
  for (const auto& r : s.routes)
    out += "_route=" + r.destination + "," + r.gateway + "," + r.ifname + "," +
           std::to_string(r.metric) + ";\n";
  return out;
}

Status check_illumos_conf(const ConfSnapshot& s) {
  IPADM_TRY(validate_snapshot(s));
  for (const auto& i : s.ifs)
    if (!plain(i.ifname)) return refuse("interface " + i.ifname, "';' in the name");
  for (const auto& a : s.addrs) {
    const std::string who = "address " + a.aobjname;
    if (!plain(a.aobjname)) return refuse(who, "';' in the name");
    if (!plain(a.local) || !plain(a.remote) || a.local.find(',') != std::string::npos ||
        a.remote.find(',') != std::string::npos)
      return refuse(who, "';' or ',' in the address text");
    if (!plain(a.extra)) return refuse(who, "';' in the type data");
    if (a.atype == AddrType::Static && !a.extra.empty()) return refuse(who, "type data on a static address");
    if (a.atype != AddrType::Static && (!a.local.empty() || !a.remote.empty()))
      return refuse(who, "an address text on a " + std::string(addrtype_name(a.atype)) + " address");
  }
  for (const auto& p : s.props) {
    const std::string who = "property " + p.name;
    if (!name_ok(p.name)) return refuse(who, "a name outside [A-Za-z0-9_.-]");
    if (!plain(p.value) || !plain(p.protocol)) return refuse(who, "';' or a line break in the value");
    if (!p.aobjname.empty() && (p.name == "prefixlen" || p.name == "up"))
      return refuse(who, "an address property named like an address field");
  }
  for (const auto& r : s.routes)
    if (!plain(r.destination) || !plain(r.gateway) || !plain(r.ifname) ||
        (r.destination + r.gateway + r.ifname).find(',') != std::string::npos)
      return refuse("route " + r.destination, "';' or ',' in its text");
  // Last word: what is written must read back the same.
  auto back = parse_illumos_conf(format_illumos_conf(s), nullptr);
  if (!back) return Status(Errc::InvalidArg, "exported text does not read back: " + back.status().detail());
  if (!(*back == s)) return Status(Errc::InvalidArg, "exported text does not read back identically");
  return Status::ok();
}

}  // namespace ipadm::store

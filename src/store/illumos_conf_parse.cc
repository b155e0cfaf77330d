// parse_illumos_conf: lines -> pairs (split_record) -> one record kind per
// line (IllumosReader::record) -> ConfSnapshot (IllumosReader::finish).
#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <unordered_map>

#include "store/illumos_conf.h"
#include "store/illumos_conf_lex.h"
#include "store/illumos_legacy_names.h"

namespace ipadm::store {

namespace {

constexpr int kIllumosAfInet6 = 26;

using illumos_lex::blank;
using illumos_lex::check_dhcp;
using illumos_lex::check_intfid;
using illumos_lex::line_error;
using illumos_lex::Pair;
using illumos_lex::parse_int;
using illumos_lex::parse_static;
using illumos_lex::split_commas;
using illumos_lex::split_record;
using illumos_lex::yes_no;

// The ipadm keys of a record line; the rest are property pairs.
struct Keys {
  std::optional<std::string_view> ifname, aobjname, family, families, ifclass, protocol;
  std::optional<std::string_view> ipv4addr, ipv6addr, dhcp, intfid;
  std::optional<std::string_view> route;  // ipadm for Linux: a persistent route
  std::vector<Pair> props;  // public names as stored; '__x' already turned into '_x'
};

class IllumosReader {
 public:
  IllumosReader() = default;

  Status comment(size_t no, std::string_view text);
  Status record(size_t no, std::string_view text);
  Result<ConfSnapshot> finish();
  // Warnings in line order.
  std::vector<std::string> warnings() const;

 private:
  struct IfState {
    size_t first_line = 0;  // first line that references the interface
    bool declared = false;
    bool v4 = false, v6 = false;        // from interface lines
    bool used_v4 = false, used_v6 = false;  // from addresses and interface properties
  };
  struct AddrState {
    AddrRecord rec;
    size_t line = 0;
  };
  struct Pending {  // prefixlen= / up= on a line of its own
    size_t line;
    std::string aobjname;
    std::string name;
    std::string value;
  };
  struct PropState {
    PropRecord rec;
    size_t line = 0;
  };

  void warn(size_t no, std::string what) { warnings_.emplace_back(no, std::move(what)); }
  Status classify(size_t no, const std::vector<Pair>& pairs, Keys* k);
  IfState& use_if(size_t no, std::string_view ifname);
  Status interface_line(size_t no, const Keys& k);
  Status address_line(size_t no, const Keys& k);
  Status protocol_line(size_t no, const Keys& k);
  Status route_line(size_t no, const Keys& k);
  Status add_prop(size_t no, PropRecord rec);
  Status check_prop_size(size_t no, std::string_view name, std::string_view value);

  std::vector<std::pair<size_t, std::string>> warnings_;
  bool upgrade_ = true;  // no "version=1" marker: apply the spec 6.5 upgrade
  bool seen_record_ = false;
  std::unordered_map<std::string, IfState> ifs_;
  std::vector<AddrState> addrs_;
  std::unordered_map<std::string, size_t> addr_index_;
  std::vector<Pending> pending_;
  std::vector<PropState> props_;
  std::vector<std::pair<RouteRecord, size_t>> routes_;  // with their lines
  std::map<std::tuple<std::string, std::string, std::string, std::string>, size_t> prop_index_;
};

Status IllumosReader::comment(size_t no, std::string_view text) {
  // text starts after '#'.
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  constexpr std::string_view kMarker = "ipadm.conf version=";
  if (seen_record_ || text.substr(0, kMarker.size()) != kMarker) return Status::ok();
  std::string_view v = text.substr(kMarker.size());
  size_t end = 0;
  while (end < v.size() && v[end] >= '0' && v[end] <= '9') ++end;
  auto version = parse_int(v.substr(0, end), 0, 1000000);
  if (!version) return line_error(no, "bad version marker");
  if (*version > kIllumosConfVersion)
    return line_error(no, "ipadm.conf version " + std::to_string(*version) +
                              " is newer than supported (" + std::to_string(kIllumosConfVersion) + ")",
                      Errc::NotSup);
  upgrade_ = *version < 1;
  return Status::ok();
}

Status IllumosReader::classify(size_t no, const std::vector<Pair>& pairs, Keys* k) {
  struct KeySlot {
    std::string_view name;
    std::optional<std::string_view> Keys::*slot;
  };
  static const KeySlot kSlots[] = {
      {"_ifname", &Keys::ifname},     {"_aobjname", &Keys::aobjname}, {"_family", &Keys::family},
      {"_families", &Keys::families}, {"_ifclass", &Keys::ifclass},   {"_protocol", &Keys::protocol},
      {"_ipv4addr", &Keys::ipv4addr}, {"_ipv6addr", &Keys::ipv6addr}, {"_dhcp", &Keys::dhcp},
      {"_intfid", &Keys::intfid},     {"_route", &Keys::route},
  };
  for (const auto& p : pairs) {
    if (p.name.size() >= 2 && p.name[0] == '_' && p.name[1] == '_') {
      k->props.push_back({p.name.substr(1), p.value});
      continue;
    }
    if (p.name[0] != '_') {
      k->props.push_back(p);
      continue;
    }
    bool known = false;
    for (const auto& s : kSlots)
      if (p.name == s.name) {
        (k->*s.slot) = p.value;
        known = true;
      }
    if (known) continue;
    if (p.name == "_mifnames" || p.name == "_gifname")
      warn(no, "IPMP key " + std::string(p.name) + "=" + std::string(p.value) +
                   " is not supported; ignored");
    else
      warn(no, "unknown key " + std::string(p.name) + "; ignored");
  }
  return Status::ok();
}

IllumosReader::IfState& IllumosReader::use_if(size_t no, std::string_view ifname) {
  auto [it, fresh] = ifs_.try_emplace(std::string(ifname));
  if (fresh) it->second.first_line = no;
  return it->second;
}

Status IllumosReader::check_prop_size(size_t no, std::string_view name, std::string_view value) {
  if (name.empty() || name.size() > kConfMaxPropName)
    return line_error(no, "property name '" + std::string(name) + "' is longer than " +
                              std::to_string(kConfMaxPropName) + " characters");
  if (value.size() > kConfMaxValue)
    return line_error(no, "value of " + std::string(name) + " is longer than " +
                              std::to_string(kConfMaxValue) + " characters");
  return Status::ok();
}

Status IllumosReader::add_prop(size_t no, PropRecord rec) {
  IPADM_TRY(check_prop_size(no, rec.name, rec.value));
  auto key = std::make_tuple(rec.protocol, rec.ifname, rec.aobjname, rec.name);
  auto it = prop_index_.find(key);
  if (it != prop_index_.end()) {
    PropState& old = props_[it->second];
    warn(no, "property " + rec.name + " repeats line " + std::to_string(old.line) +
                 "; the later value is used");
    old.rec.value = std::move(rec.value);
    old.line = no;  // where the value now comes from
    return Status::ok();
  }
  prop_index_.emplace(std::move(key), props_.size());
  props_.push_back({std::move(rec), no});
  return Status::ok();
}

Status IllumosReader::interface_line(size_t no, const Keys& k) {
  if (k.aobjname || k.protocol || k.ipv4addr || k.ipv6addr || k.dhcp || k.intfid)
    return line_error(no, "interface line with address or protocol keys");
  if (!k.ifname) return line_error(no, "_family without _ifname");
  if (!k.props.empty())
    return line_error(no, "unexpected key '" + std::string(k.props.front().name) + "' on an interface line");
  if (!ifname_valid(*k.ifname))
    return line_error(no, "invalid interface name '" + std::string(*k.ifname) + "'", Errc::InvalidName);
  if (k.ifclass && !parse_int(*k.ifclass, 0, 1000))
    return line_error(no, "invalid _ifclass '" + std::string(*k.ifclass) + "'");
  IfState& st = use_if(no, *k.ifname);
  st.declared = true;
  std::vector<std::string_view> fams;
  if (k.family) fams.push_back(*k.family);
  if (k.families && !k.families->empty())
    for (auto f : split_commas(*k.families)) fams.push_back(f);
  for (auto f : fams) {
    if (f == "2") st.v4 = true;
    else if (f == std::to_string(kIllumosAfInet6)) st.v6 = true;
    else return line_error(no, "invalid address family '" + std::string(f) + "' (2 or 26)");
  }
  return Status::ok();
}

Status IllumosReader::address_line(size_t no, const Keys& k) {
  if (k.protocol) return line_error(no, "_aobjname together with _protocol");
  if (!k.ifname) return line_error(no, "_aobjname without _ifname");
  if (!ifname_valid(*k.ifname))
    return line_error(no, "invalid interface name '" + std::string(*k.ifname) + "'", Errc::InvalidName);
  auto name = parse_aobjname(*k.aobjname);
  if (!name)
    return line_error(no, "invalid address object name '" + std::string(*k.aobjname) + "'",
                      name.status().code());
  if (name->ifname != *k.ifname)
    return line_error(no, "address object " + std::string(*k.aobjname) + " is not on interface " +
                              std::string(*k.ifname));
  int kinds = !!k.ipv4addr + !!k.ipv6addr + !!k.dhcp + !!k.intfid;
  if (kinds > 1) return line_error(no, "more than one of _ipv4addr, _ipv6addr, _dhcp, _intfid");
  std::string aobj(*k.aobjname);
  if (kinds == 1) {
    AddrRecord r;
    r.aobjname = aobj;
    r.ifname = std::string(*k.ifname);
    if (k.ipv4addr || k.ipv6addr) {
      r.atype = AddrType::Static;
      r.family = k.ipv4addr ? AF_INET : AF_INET6;
      IPADM_TRY(parse_static(no, k.ipv4addr ? *k.ipv4addr : *k.ipv6addr, r.family, &r));
    } else if (k.dhcp) {
      IPADM_TRY(check_dhcp(no, *k.dhcp));
      r.atype = AddrType::Dhcp;
      r.family = AF_INET;
      r.extra = std::string(*k.dhcp);
    } else {
      IPADM_TRY(check_intfid(no, *k.intfid));
      r.atype = AddrType::Addrconf;
      r.family = AF_INET6;
      r.extra = std::string(*k.intfid);
    }
    auto [it, fresh] = addr_index_.emplace(aobj, addrs_.size());
    if (!fresh)
      return line_error(no, "address object " + aobj + " already defined on line " +
                                std::to_string(addrs_[it->second].line));
    IfState& st = use_if(no, r.ifname);
    (r.family == AF_INET ? st.used_v4 : st.used_v6) = true;
    addrs_.push_back({std::move(r), no});
  } else if (k.props.empty()) {
    warn(no, "address object " + aobj + " line without an address or a property; ignored");
    return Status::ok();
  }
  for (const auto& p : k.props) {
    if (p.name == "up" || p.name == "prefixlen") {
      pending_.push_back({no, aobj, std::string(p.name), std::string(p.value)});
      continue;
    }
    IPADM_TRY(add_prop(no, PropRecord{"", std::string(*k.ifname), aobj, std::string(p.name),
                                      std::string(p.value)}));
  }
  return Status::ok();
}

Status IllumosReader::protocol_line(size_t no, const Keys& k) {
  if (k.ipv4addr || k.ipv6addr || k.dhcp || k.intfid)
    return line_error(no, "_protocol together with an address key");
  std::string proto(*k.protocol);
  if (k.props.empty()) {
    warn(no, "_protocol=" + proto + " line without a property; ignored");
    return Status::ok();
  }
  if (k.ifname) {
    if (proto != "ipv4" && proto != "ipv6")
      return line_error(no, "interface property with _protocol=" + proto + " (ipv4 or ipv6)");
    if (!ifname_valid(*k.ifname))
      return line_error(no, "invalid interface name '" + std::string(*k.ifname) + "'", Errc::InvalidName);
    IfState& st = use_if(no, *k.ifname);
    (proto == "ipv4" ? st.used_v4 : st.used_v6) = true;
    for (const auto& p : k.props)
      IPADM_TRY(add_prop(no, PropRecord{proto, std::string(*k.ifname), "", std::string(p.name),
                                        std::string(p.value)}));
    return Status::ok();
  }
  for (const auto& p : k.props) {
    PropRecord rec{proto, "", "", std::string(p.name), std::string(p.value)};
    // '__x' arrived as '_x' and is already a version-1 name.
    if (upgrade_ && p.name[0] != '_') {
      LegacyName n = legacy_to_new_propname(proto, p.name, p.value);
      rec.protocol = std::move(n.protocol);
      rec.name = std::move(n.name);
      rec.value = std::move(n.value);
    }
    if (!conf_protocol_known(rec.protocol)) {
      warn(no, "unknown protocol '" + rec.protocol + "'; property " + rec.name + " ignored");
      continue;
    }
    IPADM_TRY(add_prop(no, std::move(rec)));
  }
  return Status::ok();
}

// _route=DEST,GATEWAY,IFNAME,METRIC; alone on its line (ipadm for Linux;
// an illumos reader warns "unknown key _route" and skips the line).
Status IllumosReader::route_line(size_t no, const Keys& k) {
  if (k.ifname || k.aobjname || k.protocol || k.family || k.families || !k.props.empty())
    return line_error(no, "_route line with other keys");
  std::vector<std::string> f;
  std::string_view v = *k.route;
  for (size_t pos = 0;;) {
    size_t comma = v.find(',', pos);
    f.emplace_back(v.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (f.size() != 4) return line_error(no, "_route must be DEST,GATEWAY,IFNAME,METRIC");
  auto metric = parse_int(f[3], 0, UINT32_MAX);
  if (!metric) return line_error(no, "_route metric '" + f[3] + "'");
  RouteRecord r{route_family(f[0], f[1]), f[0], f[1], f[2], static_cast<uint32_t>(*metric)};
  if (r.family == 0) return line_error(no, "_route " + f[0] + " via '" + f[1] + "': not numeric");
  routes_.emplace_back(std::move(r), no);
  return Status::ok();
}

Status IllumosReader::record(size_t no, std::string_view text) {
  seen_record_ = true;
  std::vector<Pair> pairs;
  IPADM_TRY(split_record(no, text, &pairs));
  Keys k;
  IPADM_TRY(classify(no, pairs, &k));
  if (k.route) return route_line(no, k);
  if (k.family || k.families) return interface_line(no, k);
  if (k.aobjname) return address_line(no, k);
  if (k.protocol) return protocol_line(no, k);
  warn(no, "record of unknown kind; ignored");
  return Status::ok();
}

Result<ConfSnapshot> IllumosReader::finish() {
  ConfSnapshot s;
  // Fields given on lines of their own: prefixlen= and up=.
  for (const auto& p : pending_) {
    auto it = addr_index_.find(p.aobjname);
    if (it == addr_index_.end()) {
      warn(p.line, p.name + " for undefined address object " + p.aobjname + "; ignored");
      continue;
    }
    AddrRecord& r = addrs_[it->second].rec;
    if (p.name == "up") {
      if (!yes_no(p.value)) return line_error(p.line, "up must be yes or no, not '" + p.value + "'");
      r.up = p.value == "yes";
    } else {
      auto plen = parse_int(p.value, 1, r.family == AF_INET ? 32 : 128);
      if (!plen) return line_error(p.line, "invalid prefixlen '" + p.value + "' for " + p.aobjname);
      r.prefixlen = static_cast<int>(*plen);
    }
  }
  // Interfaces in order of first reference; create the ones only referenced.
  std::vector<std::pair<size_t, std::string>> order;
  for (const auto& [name, st] : ifs_) order.emplace_back(st.first_line, name);
  std::sort(order.begin(), order.end());
  for (const auto& [line, name] : order) {
    const IfState& st = ifs_.at(name);
    if (st.declared) {
      s.ifs.push_back({name, st.v4, st.v6});
      continue;
    }
    s.ifs.push_back({name, st.used_v4, st.used_v6});
    warn(line, "interface " + name + " has no interface line; created with " +
                   (st.used_v4 && st.used_v6 ? "ipv4 and ipv6" : st.used_v4 ? "ipv4" : "ipv6"));
  }
  for (auto& a : addrs_) {
    s.addrs.push_back(std::move(a.rec));
    s.addr_lines.push_back(a.line);
  }
  for (auto& p : props_) {
    if (!p.rec.aobjname.empty() && !addr_index_.count(p.rec.aobjname)) {
      warn(p.line, "property " + p.rec.name + " of undefined address object " + p.rec.aobjname +
                       "; ignored");
      continue;
    }
    s.props.push_back(std::move(p.rec));
    s.prop_lines.push_back(p.line);
  }
  for (auto& [r, line] : routes_) {
    s.routes.push_back(std::move(r));
    s.route_lines.push_back(line);
  }
  IPADM_TRY(validate_snapshot(s));
  return s;
}

std::vector<std::string> IllumosReader::warnings() const {
  auto sorted = warnings_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (const auto& [no, what] : sorted) out.push_back("line " + std::to_string(no) + ": " + what);
  return out;
}

}  // namespace

Result<ConfSnapshot> parse_illumos_conf(std::string_view text, std::vector<std::string>* warnings) {
  if (text.size() > kConfMaxText)
    return Result<ConfSnapshot>(Errc::InvalidArg, "configuration larger than " +
                                                      std::to_string(kConfMaxText) + " bytes");
  IllumosReader reader;
  size_t no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++no;
    if (line.size() > kIllumosMaxLine)
      return line_error(no, "line longer than " + std::to_string(kIllumosMaxLine) + " bytes");
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    while (!line.empty() && blank(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    if (line.front() == '#') {
      IPADM_TRY(reader.comment(no, line.substr(1)));
      continue;
    }
    IPADM_TRY(reader.record(no, line));
  }
  auto snap = reader.finish();
  if (!snap) return snap.status();
  if (warnings) {
    auto w = reader.warnings();
    warnings->insert(warnings->end(), w.begin(), w.end());
  }
  return snap;
}

}  // namespace ipadm::store

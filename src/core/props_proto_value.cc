// Protocol property values: sysctl fields, user <-> kernel text, defaults,
// POSSIBLE ranges and persisted lines (declared in props_impl.h).
#include <algorithm>
#include <cctype>

#include "core/props_impl.h"

namespace ipadm::core::props {

namespace {

std::string leaf(const char* path) {
  std::string_view s(path);
  return std::string(s.substr(s.rfind('/') + 1));
}

std::vector<std::string> available_cc(netlink::Kernel& k) {
  auto v = k.sysctl_get("net/ipv4/tcp_available_congestion_control");
  return v ? split(*v, " \t\n") : std::vector<std::string>{};
}

// The upper bound of p under proto: max, lowered by max_prop's current value.
int64_t upper_bound(netlink::Kernel& k, const ProtoProp& p, uint32_t proto) {
  int64_t max = p.max;
  if (!p.max_prop) return max;
  if (const ProtoProp* cap = find_proto_prop(p.max_prop, proto))
    if (auto v = read_field(k, cap->fields[0]))
      if (auto n = parse_int(*v, 0, INT64_MAX)) max = std::min(max, *n);
  return max;
}

}  // namespace

// A sysctl read; a missing file means this kernel lacks the feature.
Result<std::string> read_sysctl(netlink::Kernel& k, const std::string& path) {
  auto v = k.sysctl_get(path);
  if (!v && v.status().code() == Errc::NotFound)
    return Status(Errc::NotSup, path + " is not available on this kernel");
  return v;
}

Result<std::string> read_field(netlink::Kernel& k, const Field& f) {
  auto v = read_sysctl(k, f.path);
  IPADM_TRY(v);
  if (f.index < 0) return std::string(trim(*v));
  std::vector<std::string> t = split(*v, " \t\n");
  if (static_cast<size_t>(f.index) >= t.size())
    return Status(Errc::EBade, std::string(f.path) + ": unexpected value '" + *v + "'");
  return t[static_cast<size_t>(f.index)];
}

// cur with its index-th token replaced (tab-separated, as Linux prints).
Result<std::string> with_token(const std::string& cur, const Field& f, const std::string& v) {
  if (f.index < 0) return v;
  std::vector<std::string> t = split(cur, " \t\n");
  if (static_cast<size_t>(f.index) >= t.size())
    return Status(Errc::EBade, std::string(f.path) + ": unexpected value '" + cur + "'");
  t[static_cast<size_t>(f.index)] = v;
  return join(t, "\t");
}

size_t field_count(const ProtoProp& p) {
  size_t n = 0;
  while (n < std::size(p.fields) && p.fields[n].path) ++n;
  return n;
}

// pattern ("net/ipv6/conf/*/hop_limit") for each link that has it.
std::vector<std::string> each_link_path(netlink::Kernel& k, std::string_view pattern) {
  std::vector<std::string> out;
  auto links = k.links();
  if (!links) return out;
  size_t star = pattern.find('*');
  for (const netlink::Link& l : *links) {
    std::string path = std::string(pattern.substr(0, star)) + l.ifname +
                       std::string(pattern.substr(star + 1));
    if (k.sysctl_get(path)) out.push_back(path);
  }
  return out;
}

// Linux's built-in default (CONFIG_DEFAULT_TCP_CONG), reno when cubic is
// not there.
std::string default_value(netlink::Kernel& k, const ProtoProp& p) {
  if (p.type != PType::kCongestion) return p.defval;
  auto cc = available_cc(k);
  return std::find(cc.begin(), cc.end(), "cubic") != cc.end() ? "cubic" : "reno";
}

std::string possible_values(netlink::Kernel& k, const ProtoProp& p, uint32_t proto) {
  switch (p.type) {
    case PType::kOnOff: return "on,off";
    case PType::kInt: return range_text(p.min, upper_bound(k, p, proto));
    case PType::kPortList: return range_text(p.min, p.max);
    case PType::kCongestion: return join(available_cc(k), ",");
    case PType::kEnum: {
      std::vector<std::string> names;
      for (const EnumVal& e : p.enums)
        if (!e.notsup) names.push_back(e.name);
      return join(names, ",");
    }
  }
  return "";
}

// Kernel text -> user form.
std::string to_user(const ProtoProp& p, const std::string& kernel) {
  switch (p.type) {
    case PType::kOnOff: return onoff(kernel != "0");
    case PType::kPortList: {
      auto s = PortSet::parse(kernel);
      return s ? s->to_list() : kernel;
    }
    case PType::kEnum: {
      for (const EnumVal& e : p.enums)
        if (e.kernel && split(e.kernel, " ") == split(kernel, " ")) return e.name;
      if (!p.split) return kernel;
      // A combination ipadm does not make: show what it is.
      std::vector<std::string> t = split(kernel, " "), parts;
      for (size_t i = 0; i < t.size() && i < std::size(p.fields) && p.fields[i].path; ++i)
        parts.push_back(leaf(p.fields[i].path) + "=" + t[i]);
      return join(parts, ",");
    }
    default: return kernel;
  }
}

// Validates a user value (op 0) and returns it normalized.
Result<std::string> normalize(netlink::Kernel& k, const ProtoProp& p, uint32_t proto,
                              const std::string& v) {
  switch (p.type) {
    case PType::kOnOff: {
      auto b = parse_onoff(v);
      IPADM_TRY(b);
      return std::string(onoff(*b));
    }
    case PType::kInt: {
      auto n = parse_int(v, p.min, p.max);
      IPADM_TRY(n);
      if (int64_t cap = upper_bound(k, p, proto); *n > cap)
        return Status(Errc::ERange, std::string(p.name) + " must not exceed " + p.max_prop +
                                        " (" + std::to_string(cap) + ")");
      if (p.check) IPADM_TRY(p.check(k, *n));
      return std::to_string(*n);
    }
    case PType::kEnum: {
      std::vector<std::string> names;
      for (const EnumVal& e : p.enums) {
        if (v == e.name) {
          if (e.notsup)
            return Status(Errc::NotSup, std::string(p.name) + "=" + v + ": " + e.notsup);
          return v;
        }
        names.push_back(e.name);
      }
      return Status(Errc::InvalidArg, "'" + v + "': expected " + join(names, ", "));
    }
    case PType::kCongestion: {
      bool ok = !v.empty() && v.size() < 16 &&
                std::all_of(v.begin(), v.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                });
      if (!ok) return Status(Errc::InvalidArg, "'" + v + "' is not a congestion control name");
      return v;
    }
    case PType::kPortList: {
      auto s = PortSet::parse(v);
      IPADM_TRY(s);
      return s->to_list();
    }
  }
  return Status(Errc::Failure, "property type");
}

const EnumVal* enum_of(const ProtoProp& p, const std::string& name) {
  for (const EnumVal& e : p.enums)
    if (name == e.name) return &e;
  return nullptr;
}

// The persisted value of p: the line under its canonical protocol, else one
// under another protocol of its group (an imported store); "" if none.
std::string persisted_of(const ProtoProp& p, const std::vector<store::PropRecord>& recs) {
  const store::PropRecord* other = nullptr;
  for (const auto& r : recs) {
    if (r.name != p.name) continue;
    auto bits = proto_bits(r.protocol);
    if (!bits || !(*bits & p.protos)) continue;
    if (*bits == lowest_bit(p.protos)) return r.value;
    if (!other) other = &r;
  }
  return other ? other->value : "";
}

}  // namespace ipadm::core::props

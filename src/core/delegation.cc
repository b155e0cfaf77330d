#include "core/delegation.h"

#include <charconv>
#include <set>

#include "common/names.h"

namespace ipadm::core {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Status line_error(size_t n, const std::string& why) {
  return Status(Errc::InvalidArg, "line " + std::to_string(n) + ": " + why);
}

}  // namespace

bool Delegation::has_family(int family) const {
  for (auto& a : addrs)
    if (a.addr.family == family) return true;
  for (auto& r : routers)
    if (r.family == family) return true;
  return false;
}

Result<std::vector<Delegation>> parse_delegation(std::string_view text) {
  std::vector<Delegation> out;
  std::set<std::string> links;
  size_t lineno = 0;
  for (std::string_view line : split(text, '\n')) {
    ++lineno;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.back() != ';') return line_error(lineno, "missing ';' at the end");
    line.remove_suffix(1);
    Delegation d;
    std::set<std::string> seen;
    for (std::string_view pair : split(line, ';')) {
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) return line_error(lineno, "missing '=' in '" + std::string(pair) + "'");
      std::string key(trim(pair.substr(0, eq)));
      std::string_view value = trim(pair.substr(eq + 1));
      if (!seen.insert(key).second) return line_error(lineno, "repeated key '" + key + "'");
      if (key == "link") {
        if (!ifname_valid(value)) return line_error(lineno, "invalid link name '" + std::string(value) + "'");
        d.ifname = std::string(value);
      } else if (key == "allowed-address") {
        for (std::string_view item : split(value, ',')) {
          auto p = split_prefix(trim(item));
          auto a = p ? IpAddr::parse(p->host) : std::nullopt;
          if (!a || !p->prefixlen || !check_prefixlen(*a, *p->prefixlen).is_ok() || a->is_zero())
            return line_error(lineno, "invalid allowed-address '" + std::string(item) +
                                          "' (ADDR/PLEN expected)");
          d.addrs.push_back({*a, *p->prefixlen});
        }
      } else if (key == "defrouter") {
        for (std::string_view item : split(value, ',')) {
          auto a = IpAddr::parse(trim(item));
          if (!a || a->is_zero()) return line_error(lineno, "invalid defrouter '" + std::string(item) + "'");
          d.routers.push_back(*a);
        }
      } else {
        return line_error(lineno, "unknown key '" + key + "'");
      }
    }
    if (d.ifname.empty()) return line_error(lineno, "no link=");
    if (!links.insert(d.ifname).second) return line_error(lineno, "link " + d.ifname + " delegated twice");
    out.push_back(std::move(d));
  }
  return out;
}

std::string delegated_aobjname(const std::string& ifname, size_t n) {
  // Bijective base 26: 0 -> a, 25 -> z, 26 -> aa ...
  std::string s;
  size_t v = n + 1;
  while (v > 0) {
    --v;
    s.insert(s.begin(), static_cast<char>('a' + v % 26));
    v /= 26;
  }
  return ifname + "/_" + s;
}

}  // namespace ipadm::core

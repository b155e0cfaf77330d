#include "common/addr_extra.h"

#include <sys/socket.h>

#include <charconv>
#include <vector>

namespace ipadm {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? p : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

std::optional<long> to_long(std::string_view s) {
  long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> yes_no(std::string_view s) {
  if (s == "yes") return true;
  if (s == "no") return false;
  return std::nullopt;
}

const char* yn(bool b) { return b ? "yes" : "no"; }

Status bad(std::string_view what, std::string_view text) {
  return Status(Errc::InvalidArg, std::string(what) + " '" + std::string(text) + "'");
}

}  // namespace

std::string format_dhcp(const DhcpConf& c) {
  return std::to_string(c.wait) + "," + yn(c.primary);
}

Result<DhcpConf> parse_dhcp(std::string_view text) {
  DhcpConf c;
  if (text.empty()) return c;
  auto parts = split(text, ',');
  auto w = to_long(parts[0]);
  if (parts.size() > 2 || !w || *w < kDhcpWaitDefault || *w > 1000000000)
    return bad("invalid dhcp data", text);
  c.wait = static_cast<int>(*w);
  if (parts.size() == 2) {
    auto p = yes_no(parts[1]);
    if (!p) return bad("invalid dhcp data", text);
    c.primary = *p;
  }
  return c;
}

Result<int> parse_dhcp_wait(std::string_view text) {
  if (text == "forever") return kDhcpWaitForever;
  auto w = to_long(text);
  if (!w || *w < 0 || *w > 1000000000) return bad("invalid wait time", text);
  return static_cast<int>(*w);
}

std::string format_addrconf(const AddrconfConf& c) {
  std::string tok = c.token ? c.token->to_string() : "::";
  return tok + "/" + std::to_string(c.token ? c.plen : 0) + "," + yn(c.stateless) + "," +
         yn(c.stateful);
}

Result<AddrconfConf> parse_addrconf(std::string_view text) {
  AddrconfConf c;
  if (text.empty()) return c;
  auto parts = split(text, ',');
  if (parts.size() != 3) return bad("invalid addrconf data", text);
  auto sl = yes_no(parts[1]), sf = yes_no(parts[2]);
  if (!sl || !sf) return bad("invalid addrconf data", text);
  c.stateless = *sl;
  c.stateful = *sf;
  size_t slash = parts[0].find('/');
  if (slash == std::string_view::npos) return bad("invalid addrconf data", text);
  auto tok = IpAddr::parse(std::string(parts[0].substr(0, slash)));
  auto plen = to_long(parts[0].substr(slash + 1));
  if (!tok || tok->family != AF_INET6 || !plen || *plen < 0 || *plen > 128)
    return bad("invalid addrconf data", text);
  if (!tok->is_zero() && *plen > 0) {
    c.token = *tok;
    c.plen = static_cast<int>(*plen);
  }
  return c;
}

Result<AddrconfConf> parse_interface_id(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad("invalid interface id", text);
  auto tok = IpAddr::parse(std::string(text.substr(0, slash)));
  auto plen = to_long(text.substr(slash + 1));
  if (!tok || tok->family != AF_INET6 || !plen || *plen < 1 || *plen > 128 || tok->is_zero())
    return bad("invalid interface id", text);
  AddrconfConf c;
  c.token = *tok;
  c.plen = static_cast<int>(*plen);
  return c;
}

Status parse_addrconf_policy(std::string_view text, AddrconfConf* c) {
  bool seen_sl = false, seen_sf = false;
  if (text.empty()) return bad("invalid addrconf policy", text);
  for (auto item : split(text, ',')) {
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return bad("invalid addrconf policy", text);
    auto key = item.substr(0, eq);
    auto v = yes_no(item.substr(eq + 1));
    if (!v) return bad("invalid addrconf policy", text);
    if (key == "stateless" && !seen_sl) {
      seen_sl = true;
      c->stateless = *v;
    } else if (key == "stateful" && !seen_sf) {
      seen_sf = true;
      c->stateful = *v;
    } else {
      return bad("invalid addrconf policy", text);
    }
  }
  return Status::ok();
}

Status check_addr_type_options(std::string_view type, std::string_view given) {
  struct TypeRule {
    std::string_view type, forbidden;
  };
  static constexpr TypeRule kRules[] = {{"static", "w1hip"}, {"dhcp", "adip"}, {"addrconf", "adw1h"}};
  for (const TypeRule& r : kRules) {
    if (r.type != type) continue;
    if (given.find_first_of(r.forbidden) != std::string_view::npos)
      return Status(Errc::InvalidArg, "Invalid arguments for type " + std::string(type));
    return Status::ok();
  }
  return Status(Errc::InvalidArg, "Invalid address type " + std::string(type));
}

bool dhcp_hostname_valid(std::string_view name) {
  if (name.empty() || name == " ") return true;
  size_t max = name.back() == '.' ? 254 : 253;
  if (name.size() > max) return false;
  if (name.front() == '-' || name.front() == '.') return false;
  std::string_view body = name.back() == '.' ? name.substr(0, name.size() - 1) : name;
  if (body.empty()) return false;
  for (auto label : split(body, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char ch : label) {
      bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                ch == '-';
      if (!ok) return false;
    }
  }
  return true;
}

std::optional<IpAddr> linklocal_address(const AddrconfConf& c, const std::string& mac) {
  IpAddr ll;
  ll.family = AF_INET6;
  ll.bytes[0] = 0xfe;
  ll.bytes[1] = 0x80;
  if (c.token) {
    for (int i = 8; i < 16; ++i) ll.bytes[i] = c.token->bytes[i];
    bool zero = true;
    for (int i = 8; i < 16; ++i) zero &= ll.bytes[i] == 0;
    if (!zero) return ll;
  }
  if (mac.size() != 6) return std::nullopt;
  auto m = reinterpret_cast<const unsigned char*>(mac.data());
  ll.bytes[8] = m[0] ^ 0x02;
  ll.bytes[9] = m[1];
  ll.bytes[10] = m[2];
  ll.bytes[11] = 0xff;
  ll.bytes[12] = 0xfe;
  ll.bytes[13] = m[3];
  ll.bytes[14] = m[4];
  ll.bytes[15] = m[5];
  return ll;
}

}  // namespace ipadm

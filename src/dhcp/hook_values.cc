#include "dhcp/hook_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "dhcp/lease.h"

namespace ipadm::dhcp {
namespace {

// Calls f on each space-separated word; stops at the first false.
template <typename F>
bool each_word(std::string_view s, F f) {
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (!f(s.substr(i, j - i))) return false;
    i = j;
  }
  return true;
}

}  // namespace

const std::string* hook_var(const HookMessage& m, const char* key) {
  auto it = m.vars.find(key);
  return it == m.vars.end() ? nullptr : &it->second;
}

std::optional<uint32_t> parse_u32(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<IpAddr> parse_addr(std::string_view s, int family) {
  auto a = IpAddr::parse(s);
  if (!a || a->family != family) return std::nullopt;
  return a;
}

Result<std::vector<IpAddr>> parse_addr_list(std::string_view s, int family, const char* what) {
  std::vector<IpAddr> out;
  bool ok = each_word(s, [&](std::string_view w) {
    auto a = parse_addr(w, family);
    if (!a) return false;
    if (out.size() < kMaxListEntries) out.push_back(*a);
    return true;
  });
  if (!ok) return Status(Errc::BadAddr, std::string("malformed ") + what);
  return out;
}

bool valid_domain_name(std::string_view s) {
  if (s.empty() || s.size() > 254 || (s.size() == 254 && s.back() != '.')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

Result<std::string> parse_domain_list(std::string_view s) {
  std::string out;
  size_t n = 0;
  bool ok = each_word(s, [&](std::string_view w) {
    if (!valid_domain_name(w)) return false;
    if (n++ < kMaxListEntries) out += (out.empty() ? "" : " ") + std::string(w);
    return true;
  });
  if (!ok) return Status(Errc::InvalidArg, "malformed domain search list");
  return out;
}

}  // namespace ipadm::dhcp

// Value syntax of properties: protocols, on/off, numbers, lifetimes, port
// lists.
#include <sys/socket.h>

#include <algorithm>
#include <charconv>

#include "core/props_impl.h"

namespace ipadm::core::props {

namespace {

struct ProtoName {
  const char* name;
  uint32_t bits;
};
constexpr ProtoName kProtoNames[] = {
    {"ipv4", kIpv4}, {"ipv6", kIpv6}, {"tcp", kTcp},  {"udp", kUdp},
    {"sctp", kSctp}, {"icmp", kIcmp}, {"ip", kIp},    {"arp", kIp},
};

constexpr uint32_t kInfinite = 0xffffffff;
constexpr uint32_t kMaxPort = 65535;

}  // namespace

std::optional<uint32_t> proto_bits(std::string_view name) {
  for (const auto& p : kProtoNames)
    if (name == p.name) return p.bits;
  return std::nullopt;
}

const char* proto_name(uint32_t bit) {
  for (const auto& p : kProtoNames)
    if (p.bits == bit) return p.name;
  return "?";
}

uint32_t family_bit(std::string_view name) {
  if (name == "ipv4") return kIpv4;
  if (name == "ipv6") return kIpv6;
  return 0;
}

std::vector<uint32_t> each_bit(uint32_t bits) {
  std::vector<uint32_t> out;
  for (uint32_t b = 1; b != 0 && b <= bits; b <<= 1)
    if (bits & b) out.push_back(b);
  return out;
}

int af_of(uint32_t fam_bit) { return fam_bit == kIpv6 ? AF_INET6 : AF_INET; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> split(std::string_view s, std::string_view seps) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find_first_of(seps, i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

Result<bool> parse_onoff(std::string_view v) {
  if (v == "on") return true;
  if (v == "off") return false;
  return Status(Errc::InvalidArg, "'" + std::string(v) + "': expected on or off");
}

Result<int64_t> parse_int(std::string_view v, int64_t min, int64_t max) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec == std::errc::invalid_argument || p != v.data() + v.size())
    return Status(Errc::InvalidArg, "'" + std::string(v) + "' is not a number");
  if (ec == std::errc::result_out_of_range || n < min || n > max)
    return Status(Errc::ERange, std::string(v) + " (allowed: " + range_text(min, max) + ")");
  return n;
}

std::string range_text(int64_t min, int64_t max) {
  return std::to_string(min) + "-" + std::to_string(max);
}

Result<uint32_t> parse_lifetime(std::string_view v, uint32_t min) {
  if (v == "infinite") return kInfinite;
  auto n = parse_int(v, min, kInfinite - 1);
  IPADM_TRY(n);
  return static_cast<uint32_t>(*n);
}

std::string lifetime_text(uint32_t secs) {
  return secs == kInfinite ? "infinite" : std::to_string(secs);
}

const store::PropRecord* find_record(const std::vector<store::PropRecord>& recs,
                                     std::string_view name, std::string_view protocol) {
  for (const auto& r : recs)
    if (r.name == name && r.protocol == protocol) return &r;
  return nullptr;
}

// ---- PortSet ----

Result<PortSet> PortSet::parse(std::string_view text) {
  PortSet s;
  for (const std::string& tok : split(text, ", \t\n")) {
    size_t dash = tok.find('-');
    std::string_view t(tok);
    std::string_view lo_t = t.substr(0, dash);
    std::string_view hi_t = dash == std::string::npos ? lo_t : t.substr(dash + 1);
    auto lo = parse_int(lo_t, 1, kMaxPort);
    IPADM_TRY(lo);
    auto hi = parse_int(hi_t, 1, kMaxPort);
    IPADM_TRY(hi);
    if (*hi < *lo) return Status(Errc::InvalidArg, "port range '" + tok + "'");
    s.insert_(static_cast<uint32_t>(*lo), static_cast<uint32_t>(*hi));
  }
  return s;
}

void PortSet::insert_(uint32_t lo, uint32_t hi) {
  ranges_.emplace_back(lo, hi);
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (auto& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second + 1)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  ranges_ = std::move(merged);
}

bool PortSet::contains_all(const PortSet& o) const {
  for (auto [lo, hi] : o.ranges_) {
    bool inside = false;
    for (auto [a, b] : ranges_) inside |= a <= lo && hi <= b;
    if (!inside) return false;
  }
  return true;
}

void PortSet::add(const PortSet& o) {
  for (auto [lo, hi] : o.ranges_) insert_(lo, hi);
}

void PortSet::remove(const PortSet& o) {
  for (auto [lo, hi] : o.ranges_) {
    std::vector<std::pair<uint32_t, uint32_t>> out;
    for (auto [a, b] : ranges_) {
      if (b < lo || a > hi) {
        out.emplace_back(a, b);
        continue;
      }
      if (a < lo) out.emplace_back(a, lo - 1);
      if (b > hi) out.emplace_back(hi + 1, b);
    }
    ranges_ = std::move(out);
  }
}

std::string PortSet::to_string() const {
  std::vector<std::string> parts;
  for (auto [a, b] : ranges_)
    parts.push_back(a == b ? std::to_string(a) : std::to_string(a) + "-" + std::to_string(b));
  return join(parts, ",");
}

std::string PortSet::to_list() const {
  std::string out;
  for (auto [a, b] : ranges_)
    for (uint32_t port = a; port <= b; ++port) {
      if (!out.empty()) out += ',';
      out += std::to_string(port);
    }
  return out;
}

}  // namespace ipadm::core::props

#include "dhcp/lease.h"

#include <sys/socket.h>

#include <algorithm>
#include <bit>
#include <optional>

#include "dhcp/hook_values.h"

namespace ipadm::dhcp {
namespace {

constexpr std::string_view kHeader = "ipmgmt-dhcp 1";

struct KindName {
  EventKind kind;
  std::string_view name;
};
constexpr KindName kKinds[] = {
    {EventKind::Bound, "bound"},         {EventKind::Renew, "renew"},
    {EventKind::Deconfig, "deconfig"},   {EventKind::LeaseFail, "leasefail"},
    {EventKind::Nak, "nak"},
};

std::optional<EventKind> kind_of(std::string_view name) {
  for (const auto& k : kKinds)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

bool known_var(std::string_view key) {
  return std::find(kHookVars.begin(), kHookVars.end(), key) != kHookVars.end();
}

bool printable(std::string_view v) {
  if (v.size() > kMaxValue) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::optional<IpAddr> parse_v4(std::string_view s) { return parse_addr(s, AF_INET); }

// A unicast address a host may hold.
bool usable_host(const IpAddr& a) {
  uint8_t b0 = a.bytes[0];
  if (b0 == 0 || b0 == 127 || b0 >= 224) return false;  // this-net, loopback, D/E, bcast
  return true;
}

std::optional<int> plen_of_mask(const IpAddr& m) {
  uint32_t v = (uint32_t(m.bytes[0]) << 24) | (uint32_t(m.bytes[1]) << 16) |
               (uint32_t(m.bytes[2]) << 8) | m.bytes[3];
  uint32_t inv = ~v;
  if ((inv & (inv + 1)) != 0) return std::nullopt;  // not contiguous
  int plen = 32 - std::popcount(inv);
  if (plen < 1) return std::nullopt;
  return plen;
}

Result<int> lease_prefixlen(const HookMessage& m, const IpAddr& addr) {
  if (auto s = hook_var(m, "mask"); s && !s->empty()) {
    auto v = parse_u32(*s);
    if (!v || *v < 1 || *v > 32) return Status(Errc::BadAddr, "malformed mask");
    return static_cast<int>(*v);
  }
  if (auto s = hook_var(m, "subnet"); s && !s->empty()) {
    auto mask = parse_v4(*s);
    auto plen = mask ? plen_of_mask(*mask) : std::nullopt;
    if (!plen) return Status(Errc::BadAddr, "malformed subnet mask");
    return *plen;
  }
  return default_prefixlen(addr);
}

Result<Lease> lease_from_hook(const HookMessage& m) {
  Lease l;
  const std::string* ip = hook_var(m, "ip");
  if (!ip) return Status(Errc::BadAddr, "lease without an address");
  auto a = parse_v4(*ip);
  if (!a || !usable_host(*a)) return Status(Errc::BadAddr, "unusable lease address");
  l.addr = *a;
  auto plen = lease_prefixlen(m, l.addr);
  IPADM_TRY(plen);
  l.prefixlen = *plen;
  if (auto s = hook_var(m, "broadcast"); s && !s->empty()) {
    l.broadcast = parse_v4(*s);
    if (!l.broadcast) return Status(Errc::BadAddr, "malformed broadcast");
  }
  if (auto s = hook_var(m, "router")) {
    auto r = parse_addr_list(*s, AF_INET, "router list");
    IPADM_TRY(r);
    l.routers = std::move(*r);
  }
  if (auto s = hook_var(m, "dns")) {
    auto r = parse_addr_list(*s, AF_INET, "dns list");
    IPADM_TRY(r);
    l.dns = std::move(*r);
  }
  if (auto s = hook_var(m, "serverid"); s && !s->empty()) {
    l.server = parse_v4(*s);
    if (!l.server) return Status(Errc::BadAddr, "malformed server id");
  }
  if (auto s = hook_var(m, "domain")) {
    if (!s->empty() && !valid_domain_name(*s))
      return Status(Errc::InvalidArg, "malformed domain");
    l.domain = *s;
  }
  if (auto s = hook_var(m, "search"); s && !s->empty()) {
    auto r = parse_domain_list(*s);
    IPADM_TRY(r);
    l.search = std::move(*r);
  }
  if (auto s = hook_var(m, "lease"); s && !s->empty()) {
    auto v = parse_u32(*s);
    if (!v) return Status(Errc::InvalidArg, "malformed lease time");
    l.lease_secs = *v;
  }
  return l;
}

}  // namespace

bool is_hook_event(std::string_view name) {
  return std::find(kHookEvents.begin(), kHookEvents.end(), name) != kHookEvents.end();
}

std::string_view event_kind_name(EventKind k) {
  for (const auto& e : kKinds)
    if (e.kind == k) return e.name;
  return "?";
}

Result<std::string> hook_encode(const HookMessage& m) {
  if (!is_hook_event(m.event)) return Status(Errc::InvalidArg, "unknown DHCP event");
  std::string out(kHeader);
  out += "\nevent=" + m.event + "\n";
  for (const auto& [k, v] : m.vars) {
    if (!known_var(k) || !printable(v)) continue;
    out += k + "=" + v + "\n";
  }
  if (out.size() > kMaxMessage) return Status(Errc::NoBufs, "DHCP hook message too long");
  return out;
}

Result<HookMessage> hook_decode(std::string_view bytes) {
  auto bad = [](const char* why) { return Status(Errc::InvalidArg, why); };
  if (bytes.size() > kMaxMessage) return bad("message too long");
  if (bytes.empty() || bytes.back() != '\n') return bad("message not terminated");
  HookMessage m;
  bool header = false, event = false;
  size_t i = 0;
  while (i < bytes.size()) {
    size_t nl = bytes.find('\n', i);
    std::string_view line = bytes.substr(i, nl - i);
    i = nl + 1;
    if (!header) {
      if (line != kHeader) return bad("bad message header");
      header = true;
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad("line without '='");
    std::string_view key = line.substr(0, eq), val = line.substr(eq + 1);
    if (!printable(val)) return bad("bad characters in value");
    if (!event) {
      if (key != "event" || !is_hook_event(val)) return bad("bad event");
      m.event = std::string(val);
      event = true;
      continue;
    }
    if (!known_var(key)) return bad("unknown variable");
    if (!m.vars.emplace(std::string(key), std::string(val)).second)
      return bad("repeated variable");
  }
  if (!event) return bad("no event");
  return m;
}

Result<Event> event_from_hook(const HookMessage& m, const std::string& aobjname) {
  auto kind = kind_of(m.event);
  if (!kind) return Status(Errc::InvalidArg, "not a DHCPv4 event: " + m.event);
  Event ev;
  ev.aobjname = aobjname;
  ev.kind = *kind;
  if (ev.kind == EventKind::Bound || ev.kind == EventKind::Renew) {
    auto l = lease_from_hook(m);
    IPADM_TRY(l);
    ev.lease = std::move(*l);
  }
  return ev;
}

Result<Event> event_parse(std::string_view bytes, const std::string& aobjname) {
  auto m = hook_decode(bytes);
  IPADM_TRY(m);
  return event_from_hook(*m, aobjname);
}

}  // namespace ipadm::dhcp

#include "dhcp/lease6.h"

#include <sys/socket.h>

#include <algorithm>
#include <optional>

#include "dhcp/hook_values.h"

namespace ipadm::dhcp {
namespace {

constexpr uint32_t kInfinite = 0xffffffffu;

// A global or unique-local unicast address a host may hold.
bool usable_host6(const IpAddr& a) {
  if (a.is_zero() || a.is_v6_linklocal() || a.is_v4_mapped()) return false;
  if (a.bytes[0] == 0xff) return false;  // multicast
  IpAddr loop{};
  loop.family = AF_INET6;
  loop.bytes[15] = 1;
  return a != loop;
}

Result<IpAddr> address(const HookMessage& m, const char* key) {
  const std::string* s = hook_var(m, key);
  if (!s) return Status(Errc::BadAddr, "lease without an address");
  auto a = parse_addr(*s, AF_INET6);
  if (!a || !usable_host6(*a)) return Status(Errc::BadAddr, "unusable lease address");
  return *a;
}

Result<int> prefixlen(const HookMessage& m, const char* key) {
  const std::string* s = hook_var(m, key);
  if (!s || s->empty()) return 128;
  auto v = parse_u32(*s);
  if (!v || *v < 1 || *v > 128) return Status(Errc::BadAddr, "malformed prefix length");
  return static_cast<int>(*v);
}

// life minus the seconds elapsed since starts (finite lifetimes only).
uint32_t left(uint32_t life, std::optional<uint32_t> starts, int64_t now) {
  if (life == kInfinite || !starts || *starts > now) return life;
  int64_t elapsed = now - *starts;
  return elapsed >= life ? 0 : static_cast<uint32_t>(life - elapsed);
}

Result<Lease> new_lease(const HookMessage& m, int64_t now) {
  Lease l;
  auto a = address(m, "new_ip6_address");
  IPADM_TRY(a);
  l.addr = *a;
  auto plen = prefixlen(m, "new_ip6_prefixlen");
  IPADM_TRY(plen);
  l.prefixlen = *plen;

  const std::string* max = hook_var(m, "new_max_life");
  auto valid = max ? parse_u32(*max) : std::nullopt;
  if (!valid || *valid == 0) return Status(Errc::InvalidArg, "malformed valid lifetime");
  std::optional<uint32_t> preferred = *valid;
  if (const std::string* s = hook_var(m, "new_preferred_life")) preferred = parse_u32(*s);
  if (!preferred) return Status(Errc::InvalidArg, "malformed preferred lifetime");
  std::optional<uint32_t> starts;
  if (const std::string* s = hook_var(m, "new_life_starts"); s && !s->empty()) {
    starts = parse_u32(*s);
    if (!starts) return Status(Errc::InvalidArg, "malformed lease start");
  }
  l.lease_secs = left(*valid, starts, now);
  if (l.lease_secs == 0) return Status(Errc::InvalidArg, "lease already expired");
  l.preferred_secs = std::max<uint32_t>(1, std::min(left(*preferred, starts, now), l.lease_secs));

  if (const std::string* s = hook_var(m, "new_dhcp6_name_servers")) {
    auto r = parse_addr_list(*s, AF_INET6, "name server list");
    IPADM_TRY(r);
    l.dns = std::move(*r);
  }
  if (const std::string* s = hook_var(m, "new_dhcp6_domain_search")) {
    auto r = parse_domain_list(*s);
    IPADM_TRY(r);
    l.domain = std::move(*r);
  }
  return l;
}

// The address a Deconfig takes out, if dhclient named a usable one.
std::optional<Lease> old_lease(const HookMessage& m) {
  auto a = address(m, "old_ip6_address");
  auto plen = prefixlen(m, "old_ip6_prefixlen");
  if (!a || !plen) return std::nullopt;
  Lease l;
  l.addr = *a;
  l.prefixlen = *plen;
  return l;
}

}  // namespace

Result<Event> event_from_dhclient(const HookMessage& m, const std::string& aobjname,
                                  int64_t now_epoch_secs) {
  Event ev;
  ev.aobjname = aobjname;
  const std::string& e = m.event;
  if (e == "bound6" || e == "rebind6" || e == "renew6") {
    ev.kind = e == "renew6" ? EventKind::Renew : EventKind::Bound;
    auto l = new_lease(m, now_epoch_secs);
    IPADM_TRY(l);
    ev.lease = std::move(*l);
  } else if (e == "expire6" || e == "release6" || e == "stop6") {
    ev.kind = EventKind::Deconfig;
    ev.lease = old_lease(m);
  } else {
    return Status(Errc::InvalidArg, "not a delivered DHCPv6 event: " + e);
  }
  return ev;
}

}  // namespace ipadm::dhcp

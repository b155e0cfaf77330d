#include "common/addr_check.h"

#include <sys/socket.h>

#include <algorithm>

#include "common/addr_extra.h"
#include "common/names.h"

namespace ipadm {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The last label of a name (one trailing dot ignored) as inet_aton would
// read a part: decimal/octal digits, or 0x followed by hex digits. Such a
// name is numeric text, never a host name (RFC 3696 2: no all-numeric TLD).
bool looks_numeric(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  size_t dot = name.rfind('.');
  std::string_view last = dot == std::string_view::npos ? name : name.substr(dot + 1);
  if (all_digits(last)) return true;
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    return std::all_of(last.begin() + 2, last.end(), hex_digit);
  return false;
}

Result<HostText> bad(std::string_view text) {
  return Result<HostText>(Errc::BadAddr, address_detail(text));
}

Result<HostText> read_v6(std::string_view text) {
  size_t pct = text.find('%');
  std::string_view num = text.substr(0, pct);
  HostText h;
  auto a = IpAddr::parse(num);
  if (!a || a->family != AF_INET6) return bad(text);
  if (pct != std::string_view::npos) {
    h.scope = std::string(text.substr(pct + 1));
    if (!ifname_valid(h.scope) && !all_digits(h.scope)) return bad(text);
  }
  h.numeric = true;
  h.addr = a->unmapped();
  h.stored = a->is_v4_mapped() ? h.addr.to_string() : std::string(num);
  return h;
}

}  // namespace

Result<HostText> read_host(std::string_view text) {
  if (text.empty() || text.size() > 254) return bad(text);
  if (text.find(':') != std::string_view::npos) return read_v6(text);
  HostText h;
  if (auto a = IpAddr::parse(text)) {  // inet_pton(AF_INET): exactly d.d.d.d
    h.numeric = true;
    h.addr = *a;
    h.stored = std::string(text);
    return h;
  }
  if (text == " " || !dhcp_hostname_valid(text) || looks_numeric(text)) return bad(text);
  h.stored = std::string(text);
  return h;
}

bool is_loopback_addr(const IpAddr& a) {
  if (a.family == AF_INET) return a.bytes[0] == 127;
  if (a.family != AF_INET6) return false;
  for (int i = 0; i < 15; ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes[15] == 1;
}

Status check_scope(const HostText& h, std::string_view ifname) {
  if (h.scope.empty()) return Status::ok();
  std::string shown = h.stored + "%" + h.scope;
  if (!h.addr.is_v6_linklocal())
    return Status(Errc::BadAddr, shown + ": a scope is only allowed on a link-local address");
  if (h.scope != ifname)
    return Status(Errc::BadAddr, shown + ": the scope is not the link " + std::string(ifname));
  return Status::ok();
}

Status check_link_addr(const IpAddr& a, bool loopback_link, std::string_view text) {
  const std::string t(text);
  if (a.is_zero()) return Status(Errc::BadAddr, t);
  bool multicast = a.family == AF_INET ? (a.bytes[0] & 0xf0) == 0xe0 : a.bytes[0] == 0xff;
  if (multicast) return Status(Errc::AddrNotAvail, t + ": a multicast address");
  if (a.family == AF_INET && a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 &&
      a.bytes[3] == 255)
    return Status(Errc::AddrNotAvail, t + ": the limited broadcast address");
  if (!loopback_link && is_loopback_addr(a))
    return Status(Errc::AddrNotAvail, t + ": a loopback address on a link that is not loopback");
  return Status::ok();
}

Status check_not_broadcast(const IpAddr& a, int plen, std::string_view text) {
  auto b = broadcast_for(a, plen);
  if (b && *b == a)
    return Status(Errc::AddrNotAvail, std::string(text) + ": the broadcast address of its subnet");
  return Status::ok();
}

}  // namespace ipadm

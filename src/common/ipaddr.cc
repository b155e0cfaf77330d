#include "common/ipaddr.h"

#include <algorithm>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace ipadm {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  // A NUL would end the C string inet_pton reads before the text ends.
  if (text.empty() || text.size() > 64 || text.find('\0') != text.npos) return std::nullopt;
  std::string s(text);
  IpAddr a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

static_assert(IpAddr::kTextMax == INET6_ADDRSTRLEN);

size_t IpAddr::format(char* buf) const {
  if (family == AF_INET) {  // inet_ntop's dotted quad, without its printf
    char* p = buf;
    for (int i = 0; i < 4; i++) {
      unsigned v = bytes[static_cast<size_t>(i)];
      if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
      if (v >= 10) *p++ = static_cast<char>('0' + v / 10 % 10);
      *p++ = static_cast<char>('0' + v % 10);
      if (i < 3) *p++ = '.';
    }
    *p = 0;
    return static_cast<size_t>(p - buf);
  }
  if ((family != AF_INET && family != AF_INET6) ||
      !inet_ntop(family, bytes.data(), buf, kTextMax)) {
    buf[0] = '?';
    buf[1] = 0;
    return 1;
  }
  return strlen(buf);
}

std::string IpAddr::to_string() const {
  char buf[kTextMax];
  size_t n = format(buf);
  return std::string(buf, n);
}

bool IpAddr::is_zero() const {
  for (size_t i = 0; i < size(); ++i)
    if (bytes[i] != 0) return false;
  return true;
}

bool IpAddr::is_v6_linklocal() const {
  return family == AF_INET6 && bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;
}

bool IpAddr::is_v4_mapped() const {
  if (family != AF_INET6) return false;
  for (int i = 0; i < 10; ++i)
    if (bytes[i] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

IpAddr IpAddr::unmapped() const {
  if (!is_v4_mapped()) return *this;
  IpAddr v4;
  v4.family = AF_INET;
  std::memcpy(v4.bytes.data(), bytes.data() + 12, 4);
  return v4;
}

std::string address_detail(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

Result<AddrPlen> split_prefix(std::string_view text) {
  AddrPlen r;
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    r.host = std::string(text);
    return r;
  }
  r.host = std::string(text.substr(0, slash));
  std::string_view num = text.substr(slash + 1);
  int v = -1;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  if (num.empty() || ec != std::errc() || p != num.data() + num.size() || v < 0)
    return Result<AddrPlen>(Errc::BadAddr, address_detail(text));
  r.prefixlen = v;
  return r;
}

Result<int> default_prefixlen(const IpAddr& a) {
  if (a.family == AF_INET6) return 64;
  uint8_t first = a.bytes[0];
  if (first < 128) return 8;
  if (first < 192) return 16;
  if (first < 224) return 24;
  return Result<int>(Errc::BadAddr, "no default prefix length for " + a.to_string());
}

Status check_prefixlen(const IpAddr& a, int plen) {
  if (plen < 1 || plen > a.max_prefixlen())
    return Status(Errc::InvalidArg, "prefix length " + std::to_string(plen) + " out of range");
  return Status::ok();
}

std::optional<IpAddr> broadcast_for(const IpAddr& a, int plen) {
  if (a.family != AF_INET || plen >= 31 || plen < 1) return std::nullopt;
  uint32_t host;
  std::memcpy(&host, a.bytes.data(), 4);
  host = ntohl(host);
  uint32_t mask = plen == 0 ? 0 : (~uint32_t{0} << (32 - plen));
  uint32_t b = htonl(host | ~mask);
  IpAddr r;
  r.family = AF_INET;
  std::memcpy(r.bytes.data(), &b, 4);
  return r;
}

IpAddr masked(const IpAddr& a, int plen) {
  IpAddr m = a;
  for (int i = 0; i < static_cast<int>(m.bytes.size()); ++i) {
    const int keep = std::clamp(plen - 8 * i, 0, 8);
    m.bytes[i] &= static_cast<uint8_t>(0xff00 >> keep);
  }
  return m;
}

bool prefix_covers(const IpAddr& net, int plen, const IpAddr& a) {
  return net.family == a.family && masked(net, plen) == masked(a, plen);
}

}  // namespace ipadm

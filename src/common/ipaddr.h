// IpAddr and prefix helpers: parsing, formatting and the default prefix rules.
//
// Pure value types, no I/O. An IpAddr is an AF_INET or AF_INET6 address in
// network byte order; parsing is the only way in from text (parse at the edge).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ipadm {

struct IpAddr {
  int family = 0;                    // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};   // first 4 used for AF_INET

  static std::optional<IpAddr> parse(std::string_view text);  // numeric only
  std::string to_string() const;
  // to_string's text into buf, which holds kTextMax bytes (with the NUL);
  // returns its length. For hot paths: no allocation.
  static constexpr size_t kTextMax = 46;  // INET6_ADDRSTRLEN
  size_t format(char* buf) const;
  int max_prefixlen() const { return family == 2 /* AF_INET */ ? 32 : 128; }
  size_t size() const { return max_prefixlen() / 8; }
  bool is_zero() const;
  bool is_v6_linklocal() const;
  bool is_v4_mapped() const;
  IpAddr unmapped() const;  // ::ffff:a.b.c.d -> a.b.c.d, otherwise itself
  bool operator==(const IpAddr& o) const = default;
  auto operator<=>(const IpAddr& o) const = default;
};

// The text of a refused address as a Status detail: as given up to 64
// characters, else its first 64 and "...", so that an error reply stays
// small whatever a client sent.
std::string address_detail(std::string_view text);

// A local address with optional prefix length, as written by the user:
// "ADDR" or "ADDR/PLEN". Host names are not resolved here.
struct AddrPlen {
  std::string host;                 // the text before '/'
  std::optional<int> prefixlen;     // explicit /PLEN, if given
};
// Splits "X/N"; BadAddr (address_detail of text) if N is not a decimal number.
Result<AddrPlen> split_prefix(std::string_view text);

// Default prefix length (spec 3.3): IPv4 classful (A /8, B /16, C /24; class
// D/E have none -> BadAddr); IPv6 64 (link-local too: Linux uses /64).
Result<int> default_prefixlen(const IpAddr& a);

// Checks 0 < plen <= width. Linux accepts /31 and /127 (RFC 3021/6164).
Status check_prefixlen(const IpAddr& a, int plen);

// a with every bit past the first plen cleared (the network of a/plen).
IpAddr masked(const IpAddr& a, int plen);
// a is inside net/plen (same family, the first plen bits equal).
bool prefix_covers(const IpAddr& net, int plen, const IpAddr& a);
// IPv4 broadcast for addr/plen (plen < 31), as the kernel would compute it.
std::optional<IpAddr> broadcast_for(const IpAddr& a, int plen);

}  // namespace ipadm

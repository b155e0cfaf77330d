// ConfSnapshot: the whole persistent configuration as plain records, the
// neutral model between the store and the import/export formats
// (illumos ipadm.conf in store/illumos_conf.h, JSON in store/conf_json.h).
//
// Pure values and functions, no I/O, no logging; safe to use from any thread
// on distinct objects. docs/import-export.md describes the formats and what
// an import refuses.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "store/store.h"

namespace ipadm::store {

// Limits shared by the parsers (illumos ipadm uses 512-byte value buffers and
// 64-byte property names; spec section 4).
constexpr size_t kConfMaxText = 64u << 20;   // bytes of one import text
constexpr size_t kConfMaxValue = 511;        // property value
constexpr size_t kConfMaxPropName = 63;      // property name

struct ConfSnapshot {
  std::vector<IfRecord> ifs;      // store order
  std::vector<AddrRecord> addrs;  // store order
  std::vector<PropRecord> props;  // store order; all three shapes interleaved
  std::vector<RouteRecord> routes;  // store order (create-route)
  // Where addrs[i] / props[i] / routes[i] came from, for messages: the
  // ipadm.conf line (parse_illumos_conf fills them; empty for JSON and for
  // snapshots read from a store). Not part of equality.
  std::vector<size_t> addr_lines, prop_lines, route_lines;

  bool operator==(const ConfSnapshot& o) const;
  // "line N: " when the line of addrs[i] / props[i] is known, else "".
  std::string addr_where(size_t i) const;
  std::string prop_where(size_t i) const;
  std::string route_where(size_t i) const;
};

// Field-by-field equality (store.h records have no operator==).
bool conf_equal(const IfRecord& a, const IfRecord& b);
bool conf_equal(const AddrRecord& a, const AddrRecord& b);
bool conf_equal(const PropRecord& a, const PropRecord& b);

// Checks what the store and the daemon rely on, so that an import can be
// applied without a half-failed batch:
//  * interface names are valid Linux names and unique;
//  * address objects: valid "IF/USER" names, unique, IF = ifname and an
//    interface of the snapshot; type static/dhcp/addrconf; family AF_INET or
//    AF_INET6 (Linux numbering; dhcp is AF_INET, addrconf AF_INET6); static has
//    a local address; prefixlen is -1 or 1..32/128;
//  * properties have exactly one shape (see PropRecord), a name of 1..63
//    characters, a value of at most 511, interface properties use protocol
//    ipv4/ipv6 on an interface of the snapshot, address properties name an
//    address of the snapshot (and its interface); no key appears twice.
//  * routes: family AF_INET or AF_INET6, a destination ("default" or
//    text with '/'), a valid interface name or '', no key (family,
//    destination, metric) twice (the full rules of create-route are the
//    daemon's: core/route.h).
// InvalidArg (or InvalidName for a bad interface name) with the offending
// record in the detail.
Status validate_snapshot(const ConfSnapshot& s);

// The family of a route record's text: the destination's, or the
// gateway's for "default"; 0 if neither is a numeric address.
int route_family(const std::string& destination, const std::string& gateway);

// True for the protocols a property line may name (ip ipv4 ipv6 tcp udp sctp icmp).
bool conf_protocol_known(std::string_view protocol);

}  // namespace ipadm::store

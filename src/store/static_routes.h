// The illumos persistent-route file /etc/inet/static_routes (what
// `route -p add` appends to, replayed at boot by network/routing-setup), as
// an import format of ConfSnapshot (routes only). Pure: no I/O, no logging.
//
//   file    := line*
//   line    := blank | '#' comment | route
//   route   := ['-inet' | '-inet6'] ['-net' | '-host'] DEST ['-netmask' MASK] GATEWAY
//              ['-ifp' IFNAME]          (options may come in any order)
//   DEST    := 'default' | ADDR '/' LEN | ADDR   (ADDR alone: with -netmask
//              MASK the network, else a host route, /32 or /128)
//   GATEWAY := numeric address
//
// e.g. "-inet default 192.0.2.1", "-inet6 default fe80::1 -ifp net0",
// "-inet 203.0.113.0/24 192.0.2.254", "-inet 10.0.0.0 -netmask 255.0.0.0 192.0.2.1".
// The route's metric is 0 (IPv6: 1024, Linux's default, as the store keeps
// it). A line with an option this code does not know (-interface, -mtu,
// -reject, ...), or that is not a route, is left out with a warning
// ("line N: ...; not imported"); a family option that contradicts the
// addresses is InvalidArg for the whole text, naming the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/conf_model.h"

namespace ipadm::store {

// A snapshot holding only routes (and their lines). warnings may be null.
Result<ConfSnapshot> parse_static_routes(std::string_view text, std::vector<std::string>* warnings);

}  // namespace ipadm::store

// DHCPINFORM (RFC 2131 3.4): a host whose IPv4 address is configured by
// other means asks a DHCP server for its other parameters. This is ipadm's
// `refresh-addr -i` on a static IPv4 object (illumos: dhcpagent's
// DHCP_INFORM on that logical interface).
//
// build_inform/parse_inform_reply are pure functions over bytes (the reply
// comes from the network: every length is checked); inform() does the one
// exchange over a UDP socket bound to (address, port 68) on the interface.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ipaddr.h"
#include "common/status.h"

namespace ipadm::dhcp {

inline constexpr uint16_t kServerPort = 67;
inline constexpr uint16_t kClientPort = 68;

struct InformRequest {
  uint32_t xid = 0;
  std::string chaddr;  // hardware address, raw bytes (at most 16)
  IpAddr ciaddr;       // the client's configured IPv4 address
};

// What a DHCPACK to a DHCPINFORM carries (no address, no lease time).
struct InformReply {
  IpAddr server;                 // option 54, else the packet's siaddr
  std::optional<IpAddr> netmask; // option 1
  std::vector<IpAddr> routers;   // option 3
  std::vector<IpAddr> dns;       // option 6
  std::string domain;            // option 15
};

// The BOOTREQUEST of a DHCPINFORM (op 1, ciaddr set, yiaddr 0, options:
// message type 8, parameter request list 1/3/6/15, end).
std::string build_inform(const InformRequest& req);

// nullopt if packet is not a DHCPACK answering xid (another client's reply,
// a NAK, a BOOTREQUEST...); BadArg if it is too short or its options are
// malformed.
Result<std::optional<InformReply>> parse_inform_reply(std::string_view packet, uint32_t xid);

// Sends DHCPINFORM from local (which must be on ifname) to the limited
// broadcast address and waits up to timeout_ms for the DHCPACK, sending
// again every 2 seconds. DhcpIpcTimeout if no server answered. Binding port
// 68 needs CAP_NET_BIND_SERVICE: it is raised in the calling thread's
// effective set for the bind() only, if it is permitted.
Result<InformReply> inform(const std::string& ifname, const std::string& hwaddr,
                           const IpAddr& local, int timeout_ms);

}  // namespace ipadm::dhcp

// The hook message: what one run of the hook program carries from the DHCP
// client (udhcpc, dhclient -6) to the agent, and the translation of a udhcpc
// message into a dhcp::Event (dhclient's: lease6.h).
//
// Pure functions over bytes, no I/O. Everything here comes, through the
// client, from the network: sizes and counts are bounded, values are checked
// character by character, and nothing is ever handed to a shell.
//
// Wire format (one SOCK_SEQPACKET datagram, at most kMaxMessage bytes):
//   message := "ipmgmt-dhcp 1" NL "event=" EVENT NL *(KEY "=" VALUE NL)
//   EVENT   := V4EVENT | V6EVENT                 (one of kHookEvents)
//   V4EVENT := "deconfig" | "bound" | "renew" | "leasefail" | "nak"
//              (udhcpc's argv[1])
//   V6EVENT := "preinit6" | "bound6" | "renew6" | "rebind6" | "depref6" |
//              "expire6" | "release6" | "stop6"
//              (dhclient's $reason, lower-cased; added compatibly: the
//              version stays 1)
//   KEY     := one of kHookVars, each at most once
//   VALUE   := 0..kMaxValue bytes of printable ASCII (0x20..0x7e)
//   NL      := "\n"
// The daemon answers each message with one byte (kAck) once the event has
// been handled (or dropped).
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "dhcp/agent.h"

namespace ipadm::dhcp {

inline constexpr size_t kMaxMessage = 4096;
inline constexpr size_t kMaxValue = 1024;
inline constexpr size_t kMaxListEntries = 8;   // routers, dns: the rest is ignored
inline constexpr char kAck = 'A';

inline constexpr std::array<std::string_view, 13> kHookEvents = {
    "deconfig", "bound",   "renew",   "leasefail", "nak",      "preinit6", "bound6",
    "renew6",   "rebind6", "depref6", "expire6",   "release6", "stop6"};

// The client environment variables the hook forwards: udhcpc's, then
// dhclient -6's ("interface" is both).
inline constexpr std::array<std::string_view, 20> kHookVars = {
    "ip", "subnet", "mask", "router", "broadcast", "dns", "domain", "search", "serverid",
    "lease", "interface",
    "new_ip6_address", "new_ip6_prefixlen", "new_max_life", "new_preferred_life",
    "new_life_starts", "old_ip6_address", "old_ip6_prefixlen", "new_dhcp6_name_servers",
    "new_dhcp6_domain_search"};

// True for the names of kHookEvents.
bool is_hook_event(std::string_view name);

struct HookMessage {
  std::string event;                         // one of kHookEvents
  std::map<std::string, std::string> vars;   // keys from kHookVars only
};

// Encodes m. Variables that are not in kHookVars, or whose value is too long
// or holds a character outside 0x20..0x7e, are left out (the parser then
// decides whether the event is still usable). InvalidArg if the event name is
// not one of EVENT.
Result<std::string> hook_encode(const HookMessage& m);

// Decodes one datagram. InvalidArg on anything that does not follow the
// grammar above (size, header, unknown or repeated key, bad characters).
Result<HookMessage> hook_decode(std::string_view bytes);

// The event a message stands for. Bound/Renew need a usable IPv4 unicast
// "ip" (not 0/8, 127/8, multicast, class E or broadcast) and yield a Lease:
// prefixlen from "mask" (1..32) or else "subnet" (contiguous), or else the
// classful default; "router"/"dns" are space-separated IPv4 lists (at most
// kMaxListEntries kept, any malformed entry is an error); "search" (option
// 119, udhcpc asks for it with -O search) is space-separated DNS names
// (parse_domain_list); "lease" is decimal
// seconds. BadAddr / InvalidArg on a malformed value. Other events carry no
// lease and ignore the variables. InvalidArg for a V6EVENT (lease6.h).
Result<Event> event_from_hook(const HookMessage& m, const std::string& aobjname);

// Convenience: hook_decode + event_from_hook.
Result<Event> event_parse(std::string_view bytes, const std::string& aobjname);

std::string_view event_kind_name(EventKind k);

}  // namespace ipadm::dhcp

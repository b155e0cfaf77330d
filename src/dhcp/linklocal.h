// Waiting for a usable IPv6 link-local address (internal to src/dhcp).
//
// dhclient -6 binds its socket to the interface's link-local address right
// after its PREINIT6 script returns, and exits if there is none or it is
// still tentative (measured: "no link-local IPv6 address for IF", "Can't bind
// to dhcp address: Cannot assign requested address"). Like Debian's
// dhclient-script, the hook therefore waits in PREINIT6, up to dhclient's
// --dad-wait-time, until one has finished DAD. Read-only: /proc/net/if_inet6.
#pragma once

#include <string>
#include <string_view>

namespace ipadm::dhcp {

// True if the text of /proc/net/if_inet6 lists a link-local address of
// ifname that is neither tentative nor DAD-failed.
bool has_usable_linklocal(std::string_view if_inet6, std::string_view ifname);

// Polls if_inet6_path (every 50 ms) until has_usable_linklocal or timeout_ms
// has passed; returns the last answer.
bool wait_linklocal(const std::string& ifname, int timeout_ms,
                    const char* if_inet6_path = "/proc/net/if_inet6");

}  // namespace ipadm::dhcp

// The hook program: what the DHCP client runs as its script on every event
// (udhcpc -s, dhclient -sf).
//
// It is ipmgmtd itself, re-executed by the client: main() calls hook_main()
// when IPMGMT_DHCP_FD is set, before any option parsing (dhclient gives its
// script a fresh environment: the agent passes the variable with -e). The
// hook drops every capability it inherited, reads the event -- udhcpc:
// argv[1]; dhclient: no argument, $reason lower-cased -- and the client's
// variables (lease.h, kHookVars) from its environment, sends one hook message
// on the SOCK_SEQPACKET socket IPMGMT_DHCP_FD names (inherited from the agent
// through the client), and waits up to kHookAckTimeoutMs for the agent's
// one-byte ack. For dhclient's PREINIT6 it first waits, up to $dad_wait_time
// seconds, for a link-local address that finished DAD (linklocal.h).
// It never runs a shell, never touches the kernel and never writes to stdout.
#pragma once

namespace ipadm::dhcp {

// The environment variable that names the inherited socket, and the fd the
// agent gives it (not 3 or 4: udhcpc moves its own signal pipe there).
inline constexpr const char* kHookFdEnv = "IPMGMT_DHCP_FD";
inline constexpr int kHookFd = 9;
inline constexpr int kHookAckTimeoutMs = 30000;

// Returns the process exit status: 0 once acked, 1 on any failure (bad
// arguments or environment, send error, no ack in time).
int hook_main(int argc, char** argv);

}  // namespace ipadm::dhcp

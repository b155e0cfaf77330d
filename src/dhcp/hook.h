// The hook program: what udhcpc runs as its script (-s) on every event.
//
// It is ipmgmtd itself, re-executed by udhcpc: main() calls hook_main() when
// IPMGMT_DHCP_FD is set, before any option parsing. The hook drops every
// capability it inherited, reads the event (argv[1]) and the udhcpc variables
// (lease.h, kHookVars) from its environment, sends one hook message on the
// SOCK_SEQPACKET socket IPMGMT_DHCP_FD names (inherited from the agent through
// udhcpc), and waits up to kHookAckTimeoutMs for the agent's one-byte ack.
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

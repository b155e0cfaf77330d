// Daemon logging: syslog (LOG_DAEMON) normally, stderr with -f. Only the
// daemon's top level (main, startup, server) logs; libraries never do.
// log_init() also silences protobuf's own logging (kept with IPMGMTD_DEBUG).
// Messages a peer can provoke go through log_peer() (log_limit.h).
#pragma once

namespace ipadm::daemon {

void log_init(bool foreground);
[[gnu::format(printf, 1, 2)]] void log_err(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void log_warn(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void log_info(const char* fmt, ...);
[[gnu::format(printf, 1, 2)]] void log_debug(const char* fmt, ...);

}  // namespace ipadm::daemon

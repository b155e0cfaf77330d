#include "daemon/log.h"

#include <syslog.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include <google/protobuf/stubs/logging.h>

namespace ipadm::daemon {

namespace {
bool g_stderr = true;
bool g_debug = false;

void vlog(int prio, const char* tag, const char* fmt, va_list ap) {
  if (prio == LOG_DEBUG && !g_debug) return;
  if (g_stderr) {
    std::fprintf(stderr, "ipmgmtd: %s", tag);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
  } else {
    vsyslog(prio, fmt, ap);
  }
}

// protobuf's own messages (e.g. "String field ... contains invalid UTF-8
// data" for a peer's malformed request) would reach stderr unlimited; the
// server already reports a malformed request (rate-limited), so they are
// kept only with IPMGMTD_DEBUG.
void protobuf_log(google::protobuf::LogLevel level, const char* file, int line,
                  const std::string& msg) {
  if (g_debug || level == google::protobuf::LOGLEVEL_FATAL)
    log_debug("protobuf %s:%d: %s", file, line, msg.c_str());
}
}  // namespace

void log_init(bool foreground) {
  g_stderr = foreground;
  g_debug = std::getenv("IPMGMTD_DEBUG") != nullptr;
  google::protobuf::SetLogHandler(protobuf_log);
  if (!foreground) openlog("ipmgmtd", LOG_PID, LOG_DAEMON);
}

#define IPADM_LOG_FN(name, prio, tag) \
  void name(const char* fmt, ...) {   \
    va_list ap;                       \
    va_start(ap, fmt);                \
    vlog(prio, tag, fmt, ap);         \
    va_end(ap);                       \
  }
IPADM_LOG_FN(log_err, LOG_ERR, "error: ")
IPADM_LOG_FN(log_warn, LOG_WARNING, "warning: ")
IPADM_LOG_FN(log_info, LOG_INFO, "")
IPADM_LOG_FN(log_debug, LOG_DEBUG, "debug: ")
#undef IPADM_LOG_FN

}  // namespace ipadm::daemon

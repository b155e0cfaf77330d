// Rate-limited logging of peer misbehaviour (refused connections, timeouts,
// protocol violations, denied writes, stalled readers): a local user must
// not be able to flood the system log.
//
// One token bucket per kind: `burst` messages at once, then one every
// `interval_ms`; what is dropped meanwhile is counted and reported as
// "(N similar messages suppressed)" with the next message of that kind that
// passes, or by log_peer_flush() once the bucket refills. TokenBucket is pure (the caller passes the time); log_peer() is
// the thread-safe front end on the daemon's log (log.h).
#pragma once

#include <cstdint>

namespace ipadm::daemon {

class TokenBucket {
 public:
  TokenBucket(unsigned burst, uint64_t interval_ms)
      : burst_(burst), interval_ms_(interval_ms), tokens_(burst) {}

  // True when a message may be logged at now_ms (monotonic). When false,
  // the message is counted as suppressed.
  bool take(uint64_t now_ms);
  // When messages were suppressed and a token is free at now_ms: takes the
  // token and returns their number (the caller logs a summary); else 0.
  uint64_t flush(uint64_t now_ms);
  // Messages suppressed since the last take() that returned true; reading
  // resets the count. Call right after a take() that returned true.
  uint64_t suppressed() {
    uint64_t n = suppressed_;
    suppressed_ = 0;
    return n;
  }

 private:
  void refill_(uint64_t now_ms);
  unsigned burst_;
  uint64_t interval_ms_;
  unsigned tokens_;
  uint64_t last_ms_ = 0;
  bool started_ = false;
  uint64_t suppressed_ = 0;
};

enum class PeerEvent { Refused, Timeout, Protocol, Denied, Stalled, kCount };

// Burst and refill of every kind (also in ipmgmtd(8), LIMITS).
constexpr unsigned kPeerLogBurst = 10;
constexpr uint64_t kPeerLogIntervalMs = 6000;

// Logs at LOG_WARNING level unless the kind's bucket is empty.
[[gnu::format(printf, 2, 3)]] void log_peer(PeerEvent kind, const char* fmt, ...);
// Logs "N similar messages suppressed (KIND)" for every kind whose flood
// has ended (a token is free again); called periodically by the server.
void log_peer_flush();

}  // namespace ipadm::daemon

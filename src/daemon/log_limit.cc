#include "daemon/log_limit.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <iterator>
#include <ctime>
#include <mutex>
#include <string>

#include "daemon/log.h"

namespace ipadm::daemon {

void TokenBucket::refill_(uint64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_ms_ = now_ms;
  }
  if (interval_ms_ > 0 && now_ms > last_ms_) {
    uint64_t refill = (now_ms - last_ms_) / interval_ms_;
    if (refill > 0) {
      tokens_ = static_cast<unsigned>(std::min<uint64_t>(burst_, tokens_ + refill));
      last_ms_ += refill * interval_ms_;
    }
  }
}

bool TokenBucket::take(uint64_t now_ms) {
  refill_(now_ms);
  if (tokens_ == 0) {
    ++suppressed_;
    return false;
  }
  if (tokens_ == burst_) last_ms_ = now_ms;  // a full bucket does not bank time
  --tokens_;
  return true;
}

uint64_t TokenBucket::flush(uint64_t now_ms) {
  refill_(now_ms);
  if (suppressed_ == 0 || tokens_ == 0) return 0;
  --tokens_;
  return suppressed();
}

namespace {

constexpr const char* kKindNames[] = {"refused connection", "timeout", "protocol violation",
                                      "denied write", "unread reply"};
static_assert(std::size(kKindNames) == static_cast<size_t>(PeerEvent::kCount));

uint64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

std::mutex g_mu;
TokenBucket g_buckets[static_cast<int>(PeerEvent::kCount)] = {
    {kPeerLogBurst, kPeerLogIntervalMs}, {kPeerLogBurst, kPeerLogIntervalMs},
    {kPeerLogBurst, kPeerLogIntervalMs}, {kPeerLogBurst, kPeerLogIntervalMs},
    {kPeerLogBurst, kPeerLogIntervalMs}};

}  // namespace

void log_peer(PeerEvent kind, const char* fmt, ...) {
  uint64_t dropped;
  {
    std::lock_guard lock(g_mu);
    auto& b = g_buckets[static_cast<int>(kind)];
    if (!b.take(now_ms())) return;
    dropped = b.suppressed();
  }
  char text[512];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  if (dropped > 0)
    log_warn("%s (%llu similar messages suppressed)", text, static_cast<unsigned long long>(dropped));
  else
    log_warn("%s", text);
}

void log_peer_flush() {
  for (size_t k = 0; k < static_cast<size_t>(PeerEvent::kCount); ++k) {
    uint64_t dropped;
    {
      std::lock_guard lock(g_mu);
      dropped = g_buckets[k].flush(now_ms());
    }
    if (dropped > 0)
      log_warn("%llu similar messages suppressed (%s)", static_cast<unsigned long long>(dropped),
               kKindNames[k]);
  }
}

}  // namespace ipadm::daemon
